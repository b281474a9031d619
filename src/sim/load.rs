//! Loading a scenario: RON text → [`Scenario`] → validated [`Model`].
//!
//! Syntax and type errors come from ron (with its span) and serde_path_to_error (with the
//! field path); semantic problems from `validate`. Either way the result is a list of
//! [`Diagnostic`]s with file, line and column, never a panic.

use super::diagnostic::{Diagnostic, Diagnostics, Severity};
use super::locate::{FieldPath, SourceMap};
use super::model::Model;
use super::scenario::{FORMAT_VERSION, Scenario};
use super::validate::validate;

/// Files larger than this are refused before parsing.
pub const MAX_SOURCE_BYTES: usize = 4 * 1024 * 1024;
/// Deepest nesting ron will follow.
pub const MAX_NESTING: usize = 64;

/// The Istanbul 2025 scenario, built into the binary.
#[cfg(not(target_arch = "wasm32"))]
pub const ISTANBUL_2025: &str = include_str!("../../scenarios/istanbul-2025.ron");

/// Built-in scenarios: (id, file name, source). None in the browser client: its bundle
/// must not hold any party's confidential brief (the host sends each seat its own).
#[cfg(target_arch = "wasm32")]
pub const BUILT_IN: &[(&str, &str, &str)] = &[];

/// Built-in scenarios: (id, file name, source).
#[cfg(not(target_arch = "wasm32"))]
pub const BUILT_IN: &[(&str, &str, &str)] = &[
    (
        "istanbul-2025",
        "scenarios/istanbul-2025.ron",
        ISTANBUL_2025,
    ),
    (
        "istanbul-2025-06-02",
        "scenarios/istanbul-2025-06-02.ron",
        ISTANBUL_2025_06_02,
    ),
    ("river-valley", "scenarios/river-valley.ron", RIVER_VALLEY),
];

/// The second round of the Istanbul talks, 2 June 2025.
#[cfg(not(target_arch = "wasm32"))]
pub const ISTANBUL_2025_06_02: &str = include_str!("../../scenarios/istanbul-2025-06-02.ron");

/// A fictional training case for classrooms: two countries and a river.
#[cfg(not(target_arch = "wasm32"))]
pub const RIVER_VALLEY: &str = include_str!("../../scenarios/river-valley.ron");

/// A successfully loaded scenario and the warnings found on the way.
pub struct Loaded {
    pub model: Model,
    pub warnings: Vec<Diagnostic>,
}

/// Parses and validates `src`; `file` names it in diagnostics.
pub fn load_str(file: &str, src: &str) -> Result<Loaded, Diagnostics> {
    // One positional index of the text serves the version check, the duplicate keys and
    // every diagnostic's position.
    check_size(file, src)?;
    let map = SourceMap::parse(src);
    let scenario = parse_with(file, src, &map)?;
    let mut found = duplicate_keys(file, &map);
    found.extend(validate(&scenario, file, &map));
    found.sort_by_key(|d| (d.line, d.column));
    if found.iter().any(Diagnostic::is_error) {
        return Err(Diagnostics(found));
    }
    Ok(Loaded {
        model: Model::new(scenario, src),
        warnings: found,
    })
}

/// Loads a built-in scenario by id.
pub fn load_built_in(id: &str) -> Option<Result<Loaded, Diagnostics>> {
    BUILT_IN
        .iter()
        .find(|(i, _, _)| *i == id)
        .map(|(_, file, src)| load_str(file, src))
}

/// Reads and loads a file from disk; I/O errors become a diagnostic too.
pub fn load_file(path: &std::path::Path) -> Result<Loaded, Diagnostics> {
    let file = path.display().to_string();
    let src = read_source(path).map_err(|message| Diagnostics(vec![whole_file(&file, message)]))?;
    load_str(&file, &src)
}

/// Reads a text file, refusing huge or non-UTF-8 ones with a message.
pub fn read_source(path: &std::path::Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read file: {e}"))?;
    if meta.len() > MAX_SOURCE_BYTES as u64 {
        return Err(format!(
            "file is {} bytes, more than the {MAX_SOURCE_BYTES} a scenario may have",
            meta.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read file: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "file is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A key written twice in one map is an error at the second: serde would keep the last
/// silently, and other errors about the entry would point at the first.
fn duplicate_keys(file: &str, map: &SourceMap) -> Vec<Diagnostic> {
    map.duplicate_keys()
        .into_iter()
        .map(|(path, at, first)| Diagnostic {
            file: file.to_string(),
            line: at.line,
            column: at.col,
            message: format!(
                "duplicate key `{}`: it is already given at line {}, column {}; a key may appear only once",
                path.0.last().map_or(String::new(), |seg| match seg {
                    crate::sim::locate::Seg::Key(k) => k.clone(),
                    _ => String::new(),
                }),
                first.line,
                first.col
            ),
            path: path.to_string(),
            severity: Severity::Error,
        })
        .collect()
}

fn whole_file(file: &str, message: String) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        line: 1,
        column: 1,
        path: String::new(),
        severity: Severity::Error,
        message,
    }
}

/// The `format_version` as written, found without deserialising the rest, so that a
/// file written for another version gets that message rather than a confusing field error.
fn written_version(src: &str, map: &SourceMap) -> Option<(u32, crate::sim::locate::Pos)> {
    let path = FieldPath::root().field("format_version");
    if !map.has(&path) {
        return None;
    }
    let pos = map.locate(&path);
    let line = src.lines().nth(pos.line - 1)?;
    let digits: String = line
        .chars()
        .skip(pos.col - 1)
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().map(|v| (v, pos))
}

fn options() -> ron::Options {
    ron::Options::default().with_recursion_limit(MAX_NESTING)
}

/// Deserialises without semantic checks.
pub fn parse(file: &str, src: &str) -> Result<Scenario, Diagnostics> {
    check_size(file, src)?;
    parse_with(file, src, &SourceMap::parse(src))
}

/// A text larger than a scenario may be is refused before anything reads it.
fn check_size(file: &str, src: &str) -> Result<(), Diagnostics> {
    if src.len() > MAX_SOURCE_BYTES {
        return Err(Diagnostics(vec![whole_file(
            file,
            format!(
                "file is {} bytes, more than the {MAX_SOURCE_BYTES} a scenario may have",
                src.len()
            ),
        )]));
    }
    Ok(())
}

fn parse_with(file: &str, src: &str, map: &SourceMap) -> Result<Scenario, Diagnostics> {
    if let Some((version, pos)) = written_version(src, map)
        && version != FORMAT_VERSION
    {
        return Err(Diagnostics(vec![Diagnostic {
            file: file.to_string(),
            line: pos.line,
            column: pos.col,
            path: "format_version".to_string(),
            severity: Severity::Error,
            message: format!(
                "format version {version} is not supported: this build reads version {FORMAT_VERSION} (see docs/scenario-format.md, \"Format version\")"
            ),
        }]));
    }
    let spanned = |e: ron::error::SpannedError, path: String| {
        let (line, column) = skip_blank(src, e.span.start.line, e.span.start.col);
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            // serde_path_to_error writes `?` for a segment it could not name.
            path: path.trim_end_matches(".?").to_string(),
            severity: Severity::Error,
            message: match e.code {
                ron::Error::ExceededRecursionLimit => format!(
                    "nested more than {MAX_NESTING} levels deep: write it flatter (fewer `All`, `Any` and `Not` inside each other)"
                ),
                code => code.to_string(),
            },
        }
    };
    let mut de = ron::Deserializer::from_str_with_options(src, &options())
        .map_err(|e| Diagnostics(vec![spanned(e, String::new())]))?;
    let result: Result<Scenario, _> = serde_path_to_error::deserialize(&mut de);
    match result {
        Ok(scenario) => {
            if let Err(e) = de.end() {
                return Err(Diagnostics(vec![spanned(de.span_error(e), String::new())]));
            }
            Ok(scenario)
        }
        Err(e) => {
            let path = e.path().to_string();
            let path = if path == "." { String::new() } else { path };
            let inner = e.into_inner();
            Err(Diagnostics(vec![spanned(de.span_error(inner), path)]))
        }
    }
}

/// ron may report an error at the blank before the offending value; point at the value.
fn skip_blank(src: &str, line: usize, col: usize) -> (usize, usize) {
    let Some(text) = src.lines().nth(line.saturating_sub(1)) else {
        return (line, col);
    };
    let rest = text.chars().skip(col.saturating_sub(1));
    let blanks = rest.take_while(|c| *c == ' ' || *c == '\t').count();
    if col.saturating_sub(1) + blanks < text.chars().count() {
        (line, col + blanks)
    } else {
        (line, col)
    }
}
