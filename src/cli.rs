//! The command line (MODEL.md, "Conventions"): `accord [play]`, `accord validate`,
//! `accord scenario list|show`. Renders the core's results for people or, with `--json`,
//! for scripts. Holds no rule of its own.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::sim::analysis::OutcomeSpace;
use crate::sim::diagnostic::{Diagnostic, Diagnostics};
use crate::sim::load::{BUILT_IN, load_built_in, load_file};
use crate::sim::narrate::Narrator;
use crate::sim::render::render;
use crate::sim::{Loaded, Model, PartyKind};

#[derive(Parser, Debug)]
#[command(
    name = "accord",
    version,
    about = "A negotiation game: lead a delegation at the table."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub play: PlayArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the game (the default when no command is given).
    Play(PlayArgs),
    /// Check scenario files (or built-in scenarios, by id); exit 0 when all are valid, 1
    /// otherwise.
    Validate {
        /// Scenario files, or ids of built-in scenarios (`istanbul-2025`).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the problems as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List or describe scenarios.
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// Play many AI-vs-AI games and report how the scenario plays out.
    Simulate(SimulateArgs),
    /// Check a scenario and play AI games: what a designer should look at (warnings
    /// with figures: empty zone of agreement, options never agreed, issues that never
    /// settle, parties that walk out, events that never fire, levers never used).
    Lint {
        /// Scenario file or built-in id.
        scenario: String,
        #[arg(long, default_value_t = 1000, value_parser = games_range())]
        games: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Worker threads (0: all cores). Results do not depend on it.
        #[arg(long, default_value_t = 0, value_parser = threads_range())]
        threads: usize,
        /// Print the analysis as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Write a printable debrief of a saved game (one HTML file with the outcome, scores,
    /// charts, transcript, briefs and debrief questions), role handouts for a lesson, or a
    /// scenario's teaching kit.
    Report {
        /// A save file; with --handouts or --teaching, a scenario file or built-in id.
        input: String,
        /// The HTML file to write; with --handouts or --teaching, the folder for the pages.
        #[arg(long)]
        out: PathBuf,
        /// Also write the transcript as CSV, for spreadsheets.
        #[arg(long)]
        csv: Option<PathBuf>,
        /// Write one page per role and one for the facilitator, before a lesson.
        #[arg(long, conflicts_with = "teaching")]
        handouts: bool,
        /// Write the scenario's teaching kit (objectives, timeline, who's who, the ideas in
        /// plain words, expected outcomes, lesson plans, rubric) as one page.
        #[arg(long)]
        teaching: bool,
    },
    /// Replay a saved game from its seed and actions and print it round by round, or
    /// step through it in the game's window.
    Replay {
        file: PathBuf,
        /// Stop after this round.
        #[arg(long)]
        round: Option<u32>,
        /// Open the replay in the window: the table view, round by round, forward and back,
        /// with the debrief's charts.
        #[arg(long)]
        window: bool,
        /// With --window: save a PNG of the window to this path after it has drawn (at
        /// --round when given), then quit.
        #[arg(long, requires = "window")]
        screenshot: Option<PathBuf>,
    },
    /// Host a class: run one game and serve each seat, observer and the facilitator its
    /// own view over WebSocket (first line on stdout: the address and the codes, as JSON).
    Host(crate::net::command::HostArgs),
    /// Play one seat of a hosted game from this machine, with the AI.
    Join(crate::net::command::JoinArgs),
    /// Write a commented template for a new scenario that validates and plays.
    NewScenario {
        /// The scenario's id: lowercase letters, digits, `-` and `_`.
        name: String,
        /// Where to write it (default: NAME.ron in the user's mods folder, where the game
        /// finds it).
        #[arg(long)]
        out: Option<PathBuf>,
        /// The title (default: the name).
        #[arg(long)]
        title: Option<String>,
    },
}

#[derive(Args, Debug, Clone)]
pub struct SimulateArgs {
    /// Scenario file or built-in id.
    #[arg(long, default_value = "istanbul-2025")]
    pub scenario: String,
    /// Number of games; game k uses seed S + k.
    #[arg(long, default_value_t = 1000, value_parser = games_range())]
    pub games: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print the figures as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Write the full transcript of game S (first seed) to this file.
    #[arg(long)]
    pub transcript: Option<PathBuf>,
    /// Worker threads (0: all cores). Results do not depend on it.
    #[arg(long, default_value_t = 1, value_parser = threads_range())]
    pub threads: usize,
    /// Save game S (first seed) to this file, for `accord report` and `accord replay`.
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// Difficulty preset of the AI delegations.
    #[arg(long, value_enum, default_value_t = Preset::Scenario)]
    pub preset: Preset,
}

#[derive(Args, Debug, Clone, Default)]
pub struct PlayArgs {
    /// Scenario file or built-in id.
    #[arg(long, default_value = "istanbul-2025")]
    pub scenario: String,
    /// Open this saved game as a replay, round by round (as `accord replay FILE --window`).
    #[arg(long, value_name = "SAVE")]
    pub replay: Option<PathBuf>,
    /// With `replay`: open it at the end of this round.
    #[arg(skip)]
    pub replay_round: Option<u32>,
    /// Open on the public view of the scenario, for the projector: the situation, every
    /// party's public line, the issues and options, the sources; no brief, no value.
    #[arg(long)]
    pub public_view: bool,
    /// Save a PNG of the window to this path after it has drawn, then quit.
    #[arg(long)]
    pub screenshot: Option<PathBuf>,
    /// Play an AI-vs-AI game at speed through every screen, then quit.
    #[arg(long)]
    pub demo: bool,
    /// With --demo: save a PNG of each screen into this folder.
    #[arg(long)]
    pub screenshots: Option<PathBuf>,
    /// Seed of the game (random when not given; shown on the setup screen).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Window size for this run, e.g. 1920x1080 (otherwise the saved setting).
    #[arg(long, value_parser = parse_size)]
    pub size: Option<(u32, u32)>,
    /// Join a class's seat at once (`accord join` without `--ai`): the host's address,
    /// the code, the name.
    #[arg(skip)]
    pub join: Option<(String, String, String)>,
}

/// The most games one `simulate` or `lint` runs: its summaries are kept in memory.
pub const MAX_GAMES: u64 = 1_000_000;

fn games_range() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..=MAX_GAMES)
}

fn threads_range() -> impl clap::builder::TypedValueParser<Value = usize> {
    use clap::builder::TypedValueParser;
    clap::value_parser!(u16).range(0..=256).map(usize::from)
}

/// The AI's difficulty presets (`sim::ai::presets`), as the command line names them.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    /// As the scenario describes each delegation.
    Scenario,
    /// Concedes early, believes what it is told.
    Easy,
    /// Concedes steadily, takes statements with a grain of salt.
    Normal,
    /// Holds out until late, trusts little.
    Hard,
}

impl Preset {
    /// The preset's name in `sim::ai::presets`.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Scenario => "scenario",
            Preset::Easy => "easy",
            Preset::Normal => "normal",
            Preset::Hard => "hard",
        }
    }
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', 'X', '×'])
        .ok_or_else(|| format!("`{text}` is not a size like 1280x720"))?;
    let w: u32 = w
        .trim()
        .parse()
        .map_err(|_| format!("bad width in `{text}`"))?;
    let h: u32 = h
        .trim()
        .parse()
        .map_err(|_| format!("bad height in `{text}`"))?;
    if !(640..=7680).contains(&w) || !(480..=4320).contains(&h) {
        return Err(format!("`{text}` is outside 640x480 to 7680x4320"));
    }
    Ok((w, h))
}

#[derive(Subcommand, Debug)]
pub enum ScenarioCommand {
    /// The built-in scenarios, those in `scenarios/` and those in the user's mods folder.
    List {
        #[arg(long)]
        json: bool,
    },
    /// A readable summary: parties, issues, who wants what.
    Show {
        /// Scenario file or built-in id.
        scenario: String,
        /// Also show the confidential parts: briefs, preferences, red lines, BATNAs.
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        json: bool,
    },
}

/// Runs a command other than `play`; `None` means "start the game".
pub fn run(command: Command) -> Option<ExitCode> {
    Some(match command {
        Command::Play(_) => return None,
        Command::Validate { files, json } => validate(&files, json),
        Command::Simulate(args) => simulate(&args),
        Command::Lint {
            scenario,
            games,
            seed,
            threads,
            json,
        } => lint(&scenario, games, seed, threads, json),
        Command::NewScenario { name, out, title } => new_scenario(&name, out, title),
        Command::Host(args) => crate::net::command::host(&args),
        Command::Join(args) => crate::net::command::join(&args),
        Command::Report {
            input,
            out,
            csv,
            handouts,
            teaching,
        } => {
            if teaching {
                teaching_kit(&input, &out)
            } else {
                report(&input, &out, csv.as_deref(), handouts)
            }
        }
        Command::Replay { window: true, .. } => return None,
        Command::Replay { file, round, .. } => replay(&file, round),
        Command::Scenario(ScenarioCommand::List { json }) => list(json),
        Command::Scenario(ScenarioCommand::Show {
            scenario,
            reveal,
            json,
        }) => show(&scenario, reveal, json),
    })
}

/// A scenario argument: a path if such a file exists, else a built-in id.
pub fn load_scenario(arg: &str) -> Result<Loaded, Diagnostics> {
    let path = Path::new(arg);
    if path.is_file() {
        return load_file(path);
    }
    load_built_in(arg).unwrap_or_else(|| {
        let ids: Vec<&str> = BUILT_IN.iter().map(|(id, _, _)| *id).collect();
        Err(Diagnostics(vec![Diagnostic {
            file: arg.to_string(),
            line: 1,
            column: 1,
            path: String::new(),
            severity: crate::sim::diagnostic::Severity::Error,
            message: format!(
                "no such file, and no built-in scenario of that id (built-in: {})",
                ids.join(", ")
            ),
        }]))
    })
}

fn validate(files: &[PathBuf], json: bool) -> ExitCode {
    let mut all: Vec<Diagnostic> = Vec::new();
    let mut failed = false;
    for file in files {
        // A path if such a file exists, otherwise a built-in id (MODEL.md's convention).
        let arg = file.to_string_lossy();
        let (diags, ok) = match load_scenario(&arg) {
            Ok(loaded) => (loaded.warnings, true),
            Err(d) => (d.0, false),
        };
        failed |= !ok;
        if !json {
            if !diags.is_empty() {
                use std::io::IsTerminal;
                let source = std::fs::read_to_string(file)
                    .ok()
                    .unwrap_or_else(|| built_in_text(&arg).to_string());
                let color = std::io::stderr().is_terminal();
                let name = file.display().to_string();
                eprint!("{}", render(&diags, &name, &source, color));
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            if ok {
                println!("{}: valid ({warnings} warning(s))", file.display());
            } else {
                println!(
                    "{}: {errors} error(s), {warnings} warning(s)",
                    file.display()
                );
            }
        }
        all.extend(diags);
    }
    if json {
        print_json(&all);
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_json<T: Serialize>(value: &T) {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("\"{e}\""));
    let _ = writeln!(std::io::stdout(), "{text}");
}

#[derive(Serialize)]
struct ListedScenario {
    id: String,
    title: String,
    date: String,
    summary: String,
    origin: String,
}

fn list(json: bool) -> ExitCode {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (id, _, _) in BUILT_IN {
        if let Some(Ok(l)) = load_built_in(id) {
            found.push(listed(&l.model, format!("built-in:{id}")));
        }
    }
    for folder in crate::paths::scenario_folders() {
        let Ok(dir) = std::fs::read_dir(&folder) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .collect();
        paths.sort();
        for path in paths {
            match load_file(&path) {
                Ok(l) => {
                    if !found.iter().any(|f: &ListedScenario| {
                        f.id == l.model.scenario.meta.id && l.model.source == built_in_text(&f.id)
                    }) {
                        found.push(listed(&l.model, path.display().to_string()));
                    }
                }
                Err(d) => problems.push(format!(
                    "{}: invalid ({} error(s))",
                    path.display(),
                    d.errors().count()
                )),
            }
        }
    }
    if json {
        print_json(&found);
    } else {
        for f in &found {
            println!(
                "{:<20} {}  {}\n{:<20} {}\n{:<20} from {}",
                f.id, f.date, f.title, "", f.summary, "", f.origin
            );
        }
        for p in problems {
            eprintln!("{p}");
        }
    }
    ExitCode::SUCCESS
}

fn built_in_text(id: &str) -> &'static str {
    BUILT_IN
        .iter()
        .find(|(i, _, _)| *i == id)
        .map_or("", |(_, _, src)| src)
}

fn listed(m: &Model, origin: String) -> ListedScenario {
    let meta = &m.scenario.meta;
    ListedScenario {
        id: meta.id.clone(),
        title: meta.title.clone(),
        date: meta.date.clone(),
        summary: meta.summary.clone(),
        origin,
    }
}

fn show(arg: &str, reveal: bool, json: bool) -> ExitCode {
    let loaded = match load_scenario(arg) {
        Ok(l) => l,
        Err(d) => {
            eprint!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let m = &loaded.model;
    if json {
        if reveal {
            print_json(&m.scenario);
        } else {
            let s = &m.scenario;
            print_json(&serde_json::json!({
                "meta": s.meta,
                "parties": crate::sim::view::public_parties(s),
                "issues": s.issues,
                "rules": s.rules,
            }));
        }
        return ExitCode::SUCCESS;
    }
    print!("{}", describe(m, reveal));
    ExitCode::SUCCESS
}

/// The readable summary printed by `accord scenario show`.
pub fn describe(m: &Model, reveal: bool) -> String {
    use std::fmt::Write as _;
    let s = &m.scenario;
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", s.meta.title, s.meta.date);
    let _ = writeln!(out, "{}\n", s.meta.summary);
    let _ = writeln!(out, "PARTIES");
    for p in &s.parties {
        let kind = match p.kind {
            PartyKind::Delegation => "delegation",
            PartyKind::Ally => "ally",
            PartyKind::Mediator => "mediator",
        };
        let _ = writeln!(
            out,
            "  [{}] {} — {kind}; led in the room by {}; answers to {}",
            p.label, p.name, p.head_of_delegation, p.leader
        );
        let _ = writeln!(out, "      {}", p.public_line);
    }
    let _ = writeln!(out, "\nISSUES");
    for issue in &s.issues {
        let _ = writeln!(out, "  {} — {}", issue.name, issue.description);
        for o in &issue.options {
            let sq = if o.id == issue.status_quo {
                " (status quo)"
            } else {
                ""
            };
            let _ = writeln!(out, "      · {}{sq}: {}", o.label, o.description);
        }
    }
    let links = m.links();
    if !links.is_empty() {
        let _ = writeln!(out, "\nOPTION RULES (for every agreement)");
        for k in 0..links.links.len() {
            let _ = writeln!(out, "  · {}", links.text(k));
        }
    }
    let r = &s.rules;
    let _ = writeln!(
        out,
        "\nRULES\n  {} rounds; turn order {}; {}",
        r.deadline,
        r.turn_order.join(", "),
        if r.nothing_agreed_until_all_agreed {
            "nothing is agreed until everything is agreed"
        } else {
            "issues can be settled one by one"
        }
    );
    let _ = writeln!(
        out,
        "  {} levers for allies and the mediator, {} events, {} facilitator injects",
        s.levers.len(),
        s.events.len(),
        s.injects.len()
    );
    if reveal {
        let _ = writeln!(
            out,
            "\nWHO WANTS WHAT (confidential; the numbers are the designer's assumptions)\n  {}",
            crate::sim::notice::role_play(&s.meta)
        );
        for (p, party) in s.parties.iter().enumerate() {
            let prefs = &m.prefs[p];
            let _ = writeln!(
                out,
                "  {} — BATNA {:.0}: {}",
                party.name, prefs.batna, party.batna_description
            );
            let mut order: Vec<usize> = (0..s.issues.len()).collect();
            order.sort_by(|&a, &b| prefs.weights[b].total_cmp(&prefs.weights[a]));
            for i in order {
                let issue = &s.issues[i];
                let best = (0..issue.options.len())
                    .max_by(|&a, &b| prefs.values[i][a].total_cmp(&prefs.values[i][b]))
                    .unwrap_or(0);
                let _ = writeln!(
                    out,
                    "      {:>3.0}% {:<18} prefers {}",
                    prefs.weights[i] * 100.0,
                    issue.id,
                    issue.options[best].label
                );
            }
            for red in &party.red_lines {
                let _ = writeln!(out, "      red line: {} = {}", red.issue, red.option);
            }
            let _ = writeln!(out, "      brief: {}", party.confidential_brief.trim());
        }
        let space = OutcomeSpace::new(m, &m.prefs);
        let zopa = space.zopa().count();
        let _ = writeln!(
            out,
            "\nOUTCOME SPACE\n  {} packages; {} on the Pareto frontier; {zopa} in the zone of possible agreement",
            space.packages.len(),
            space.frontier.len()
        );
        if let Some(k) = space.nash {
            let ids = m.package_ids(&space.packages[k]);
            let items: Vec<String> = ids.iter().map(|(i, o)| format!("{i}={o}")).collect();
            let _ = writeln!(out, "  Nash bargaining point: {}", items.join(", "));
        } else {
            let _ = writeln!(
                out,
                "  no Nash point: the zone of possible agreement is empty"
            );
        }
    }
    let _ = writeln!(out, "\nSOURCES");
    for src in &s.meta.sources {
        let _ = writeln!(
            out,
            "  [{}] {}, {}, {}",
            src.id, src.publisher, src.date, src.title
        );
    }
    out
}

fn simulate(args: &SimulateArgs) -> ExitCode {
    use crate::sim::ai::SeatControl;
    use crate::sim::simulate;
    use std::io::IsTerminal;
    use std::sync::Arc;

    let loaded = match load_scenario(&args.scenario) {
        Ok(l) => l,
        Err(d) => {
            eprint!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let model = Arc::new(loaded.model);
    let controls: Vec<SeatControl> = model
        .scenario
        .parties
        .iter()
        .map(|_| SeatControl::Ai(args.preset.name().to_string()))
        .collect();
    if let Some(path) = &args.save {
        use crate::sim::record::{Controller, Seat};
        use crate::sim::save::{SaveFile, save};
        let game = simulate::play(&model, args.seed, &controls);
        let seats = model
            .scenario
            .parties
            .iter()
            .map(|p| Seat {
                party: p.id.clone(),
                controller: Controller::Ai(args.preset.name().to_string()),
            })
            .collect();
        if let Err(e) = save(path, &SaveFile::of(&game, &args.scenario, seats)) {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    }
    if let Some(path) = &args.transcript {
        let game = simulate::play(&model, args.seed, &controls);
        let mut text = String::new();
        for e in game.transcript() {
            text.push_str(&e.render_with(&model));
            text.push('\n');
        }
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    let threads = if args.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        args.threads
    };
    let total = args.games;
    let show_progress = std::io::stderr().is_terminal() && total >= 200;
    let progress = move |done: u64| {
        if show_progress && (done.is_multiple_of(50) || done == total) {
            let width = 40;
            let filled = (done * width / total.max(1)) as usize;
            eprint!(
                "\r[{}{}] {done}/{total}",
                "#".repeat(filled),
                " ".repeat(width as usize - filled)
            );
            if done == total {
                eprintln!();
            }
        }
    };
    let report =
        simulate::run_figures(&model, args.games, args.seed, threads, &controls, &progress);
    if args.json {
        print_json(&report);
    } else {
        print!("{}", report.render(&model));
    }
    ExitCode::SUCCESS
}

/// The template `new-scenario` fills in.
pub const TEMPLATE: &str = include_str!("../assets/templates/new-scenario.ron");

/// The template with its id and title filled in.
pub fn scenario_template(id: &str, title: &str) -> String {
    TEMPLATE.replace("__ID__", id).replace(
        "__TITLE__",
        &title.replace('\\', "\\\\").replace('"', "\\\""),
    )
}

fn new_scenario(name: &str, out: Option<PathBuf>, title: Option<String>) -> ExitCode {
    let valid_id = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !valid_id {
        eprintln!("`{name}` is not a scenario id: use lowercase letters, digits, `-` and `_`");
        return ExitCode::FAILURE;
    }
    let path = match out {
        Some(p) if p.is_dir() => p.join(format!("{name}.ron")),
        Some(p) => p,
        None => match crate::paths::user_scenarios_dir() {
            Some(dir) => {
                if let Err(e) = std::fs::create_dir_all(&dir) {
                    eprintln!("cannot create {}: {e}", dir.display());
                    return ExitCode::FAILURE;
                }
                dir.join(format!("{name}.ron"))
            }
            None => PathBuf::from(format!("{name}.ron")),
        },
    };
    if path.exists() {
        eprintln!("{} exists already; not overwriting it", path.display());
        return ExitCode::FAILURE;
    }
    let text = scenario_template(name, title.as_deref().unwrap_or(name));
    // Create the file only if it does not exist, so that nothing is ever overwritten.
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = written {
        eprintln!("cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {}", path.display());
    println!(
        "next: accord validate {0}; accord lint {0}; accord play --scenario {0}",
        path.display()
    );
    ExitCode::SUCCESS
}

fn lint(scenario: &str, games: u64, seed: u64, threads: usize, json: bool) -> ExitCode {
    use std::io::IsTerminal;
    use std::sync::Arc;
    let color = std::io::stderr().is_terminal();
    let source = std::fs::read_to_string(scenario).unwrap_or_default();
    let loaded = match load_scenario(scenario) {
        Ok(l) => l,
        Err(d) => {
            if json {
                print_json(
                    &serde_json::json!({ "file": scenario, "valid": false, "diagnostics": d.0 }),
                );
            } else {
                eprint!("{}", render(&d.0, scenario, &source, color));
                println!(
                    "{scenario}: invalid ({} error(s)); fix these first",
                    d.errors().count()
                );
            }
            return ExitCode::FAILURE;
        }
    };
    let threads = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let model = Arc::new(loaded.model);
    let started = std::time::Instant::now();
    let analysis = crate::sim::lint::lint(&model, games, seed, threads);
    let seconds = started.elapsed().as_secs_f64();
    if json {
        print_json(&serde_json::json!({
            "file": scenario,
            "valid": true,
            "diagnostics": loaded.warnings,
            "zone_of_agreement": {
                "packages": analysis.packages,
                "allowed": analysis.allowed_packages,
                "inside": analysis.zone_size,
            },
            "top_agreements": analysis.top_agreements,
            "findings": analysis.findings,
            "report": analysis.report,
        }));
        return ExitCode::SUCCESS;
    }
    if !loaded.warnings.is_empty() {
        eprint!("{}", render(&loaded.warnings, scenario, &source, color));
    }
    let r = &analysis.report;
    println!("{scenario}: valid ({} warning(s))", loaded.warnings.len());
    if analysis.allowed_packages < analysis.packages {
        println!(
            "option rules: {} of {} packages allowed ({} rule(s))",
            analysis.allowed_packages,
            analysis.packages,
            model.links().links.len()
        );
    }
    println!(
        "zone of agreement at the start: {} of {} packages ({:.1}%)",
        analysis.zone_size,
        analysis.packages,
        100.0 * analysis.zone_size as f64 / analysis.packages.max(1) as f64
    );
    println!(
        "{} AI games in {seconds:.1} s: agreement {:.1}% (full {}, partial {}, none {}, walk-out {}), {:.1} rounds on average",
        r.games,
        100.0 * r.agreement_rate,
        r.outcomes.full,
        r.outcomes.partial,
        r.outcomes.none,
        r.outcomes.walk_out,
        r.mean_rounds
    );
    for (issue, counts) in &r.issues {
        let mut shares: Vec<(&String, &u64)> = counts.iter().collect();
        shares.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let text: Vec<String> = shares
            .iter()
            .map(|(o, n)| format!("{o} {:.1}%", 100.0 * **n as f64 / r.games.max(1) as f64))
            .collect();
        println!("  {issue:<20} {}", text.join(", "));
    }
    if !analysis.top_agreements.is_empty() {
        println!("most frequent agreements (share of games; unnamed issues stay unsettled)");
        for a in &analysis.top_agreements {
            let text: Vec<String> = a.settled.iter().map(|(i, o)| format!("{i}: {o}")).collect();
            println!(
                "  {:>5.1}%  {}",
                100.0 * a.games as f64 / r.games.max(1) as f64,
                text.join(", ")
            );
        }
    }
    if analysis.findings.is_empty() {
        println!("no warnings");
    }
    for f in &analysis.findings {
        println!("warning[{}]: {}", f.kind, f.message);
    }
    ExitCode::SUCCESS
}

/// `accord report --teaching SCENARIO --out DIR`: the kit as `DIR/teaching-<id>.html`.
fn teaching_kit(input: &str, out: &Path) -> ExitCode {
    let loaded = match load_scenario(input) {
        Ok(l) => l,
        Err(d) => {
            eprint!("{d}");
            return ExitCode::FAILURE;
        }
    };
    let id = loaded.model.scenario.meta.id.clone();
    let Some(text) = crate::sim::teaching::kit(&id) else {
        let with: Vec<&str> = crate::sim::teaching::KITS.iter().map(|k| k.0).collect();
        eprintln!(
            "scenario “{id}” has no teaching kit (kits: {}); its role handouts: accord report --handouts {input} --out DIR",
            with.join(", ")
        );
        return ExitCode::FAILURE;
    };
    if let Err(e) = std::fs::create_dir_all(out) {
        eprintln!("cannot create {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let html = crate::sim::teaching::kit_html(&std::sync::Arc::new(loaded.model), text);
    let path = out.join(format!("teaching-{id}.html"));
    if let Err(e) = crate::sim::save::write_atomic(&path, html.as_bytes(), || Ok(())) {
        eprintln!("cannot write {}: {e}", path.display());
        return ExitCode::FAILURE;
    }
    println!("wrote {} ({} bytes)", path.display(), html.len());
    ExitCode::SUCCESS
}

fn report(input: &str, out: &Path, csv: Option<&Path>, handouts: bool) -> ExitCode {
    use crate::sim::report;
    let started = std::time::Instant::now();
    if handouts {
        let loaded = match load_scenario(input) {
            Ok(l) => l,
            Err(d) => {
                eprint!("{d}");
                return ExitCode::FAILURE;
            }
        };
        if let Err(e) = std::fs::create_dir_all(out) {
            eprintln!("cannot create {}: {e}", out.display());
            return ExitCode::FAILURE;
        }
        for (name, html) in report::handouts(&loaded.model) {
            let path = out.join(&name);
            if let Err(e) = crate::sim::save::write_atomic(&path, html.as_bytes(), || Ok(())) {
                eprintln!("cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
            println!("wrote {}", path.display());
        }
        return ExitCode::SUCCESS;
    }
    let (_, game) = match crate::sim::save::load(Path::new(input)) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let html = report::debrief_html(&game);
    if let Err(e) = crate::sim::save::write_atomic(out, html.as_bytes(), || Ok(())) {
        eprintln!("cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    println!(
        "wrote {} ({} bytes in {:.0} ms)",
        out.display(),
        html.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    if let Some(path) = csv {
        if let Err(e) = std::fs::write(path, report::transcript_csv(&game)) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}

fn replay(file: &Path, until: Option<u32>) -> ExitCode {
    let (save, game) = match crate::sim::save::load(file) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    // Written line by line, stopping quietly when the reader goes away (`| head`).
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{} — seed {}, {} actions, replayed to round {}",
        save.title,
        save.record.seed,
        save.record.actions.len(),
        game.round()
    );
    for e in game.transcript() {
        if until.is_some_and(|r| e.round > r) {
            break;
        }
        if writeln!(
            out,
            "{}",
            Narrator::new(game.model()).line(&e.entry(game.model()))
        )
        .is_err()
        {
            break;
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::Preset;
    use clap::ValueEnum;

    #[test]
    fn every_preset_the_command_line_offers_is_one_the_ai_knows() {
        for p in Preset::value_variants() {
            assert!(crate::sim::ai::presets::is_preset(p.name()), "{p:?}");
        }
        assert_eq!(
            Preset::value_variants().len(),
            crate::sim::ai::presets::PRESETS.len()
        );
    }
}
