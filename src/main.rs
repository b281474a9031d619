//! `accord`: the game and its command line.

use std::process::ExitCode;

use clap::Parser;

use accord::cli::{Cli, Command, PlayArgs, run};

/// The engine and the AI allocate many small, short-lived objects (transcript entries,
/// packages, reasons); mimalloc serves them faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let play = match cli.command {
        None => cli.play,
        Some(Command::Play(args)) => args,
        Some(Command::Replay {
            file,
            window: true,
            round,
            screenshot,
        }) => PlayArgs {
            scenario: "istanbul-2025".into(),
            replay: Some(file),
            replay_round: round,
            screenshot,
            ..PlayArgs::default()
        },
        Some(command) => return run(command).unwrap_or(ExitCode::SUCCESS),
    };
    play_game(play)
}

#[cfg(feature = "gui")]
fn play_game(args: accord::cli::PlayArgs) -> ExitCode {
    accord::game::run(args)
}

#[cfg(not(feature = "gui"))]
fn play_game(_args: accord::cli::PlayArgs) -> ExitCode {
    eprintln!(
        "this build of accord has no game window (built without the `gui` feature); \
         the other commands work: try `accord --help`"
    );
    ExitCode::FAILURE
}
