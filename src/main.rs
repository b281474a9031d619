//! `accord`: the game and its command line; in the browser (wasm32), the class client.

#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

#[cfg(not(target_arch = "wasm32"))]
use clap::Parser;

#[cfg(not(target_arch = "wasm32"))]
use accord::cli::{Cli, Command, PlayArgs, run};

#[cfg(not(target_arch = "wasm32"))]
/// The engine and the AI allocate many small, short-lived objects (transcript entries,
/// packages, reasons); mimalloc serves them faster than the system allocator.
#[global_allocator]
static ALLOCATOR: accord::alloc::Allocator = accord::alloc::Allocator;

#[cfg(not(target_arch = "wasm32"))]
// mimalloc's own option setter (part of the C library the allocator links in).
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

#[cfg(not(target_arch = "wasm32"))]
/// `mi_option_purge_delay` in mimalloc v3's `mi_option_t` (include/mimalloc.h).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    // Give freed memory back to the system at once rather than after 10 ms: the AI's
    // utility tables are large and short-lived when events change preferences, and a
    // delayed purge kept about 7 MB more resident in `simulate` at no gain in speed.
    // SAFETY: setting an option is allowed at any time, from any thread.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
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
        // Without --ai, a class's seat is played in the game's window.
        Some(Command::Join(args)) if args.ai.is_none() => PlayArgs {
            scenario: "istanbul-2025".into(),
            join: Some((args.address, args.code, args.name)),
            screenshot: args.screenshot,
            ..PlayArgs::default()
        },
        Some(command) => return run(command).unwrap_or(ExitCode::SUCCESS),
    };
    play_game(play)
}

#[cfg(all(feature = "gui", not(target_arch = "wasm32")))]
fn play_game(args: accord::cli::PlayArgs) -> ExitCode {
    accord::game::run(args)
}

#[cfg(all(not(feature = "gui"), not(target_arch = "wasm32")))]
fn play_game(_args: accord::cli::PlayArgs) -> ExitCode {
    eprintln!(
        "this build of accord has no game window (built without the `gui` feature); \
         the other commands work: try `accord --help`"
    );
    ExitCode::FAILURE
}

/// The browser client: `web/build` builds it, the class host serves it.
#[cfg(target_arch = "wasm32")]
fn main() {
    #[cfg(feature = "gui")]
    accord::game::run_web();
}
