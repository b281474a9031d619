//! Diagnostics rendered the way a good compiler does (codespan-reporting): the file, line
//! and column, the offending source line with a marker under the span, the field path,
//! and a hint when the validator has one ("did you mean `russia`?").

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config, termcolor::Buffer};

use super::diagnostic::{Diagnostic, Severity};

/// Renders the diagnostics of one file; `source` is the file's text (empty when it could
/// not be read: the messages are then shown without source lines). ANSI colours when
/// `color`.
pub fn render(diagnostics: &[Diagnostic], file: &str, source: &str, color: bool) -> String {
    let files = SimpleFile::new(file, source);
    let mut out = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = Config::default();
    let lines = LineStarts::new(source);
    for d in diagnostics {
        let (message, hint) = split_hint(&d.message);
        let report = match d.severity {
            Severity::Error => Report::error(),
            Severity::Warning => Report::warning(),
        }
        .with_message(message);
        let mut notes = Vec::new();
        if !d.path.is_empty() {
            notes.push(format!("field: {}", d.path));
        }
        if let Some(hint) = hint {
            notes.push(format!("help: {hint}"));
        }
        // A line too long to print (a whole list on one line) is pointed at, not shown.
        let report = if source.is_empty() || lines.len(source, d.line) > MAX_SHOWN_LINE {
            notes.insert(0, format!("at {}:{}:{}", d.file, d.line, d.column));
            report
        } else {
            let start = lines.offset(source, d.line, d.column);
            report.with_labels(vec![Label::primary((), start..token_end(source, start))])
        };
        let report = report.with_notes(notes);
        if term::emit(&mut out, &config, &files, &report).is_err() {
            // A position outside the text (the file changed meanwhile): the plain form.
            out = plain(out, d);
        }
    }
    String::from_utf8_lossy(out.as_slice()).into_owned()
}

fn plain(mut out: Buffer, d: &Diagnostic) -> Buffer {
    use std::io::Write;
    let _ = writeln!(out, "{d}");
    out
}

/// The message and the hint the validator appended to it, if any.
fn split_hint(message: &str) -> (&str, Option<&str>) {
    match message.split_once("; did you mean") {
        Some((head, _)) => (head, Some(&message[head.len() + 2..])),
        None => (message, None),
    }
}

/// Source lines longer than this (in bytes) are not printed under a diagnostic.
const MAX_SHOWN_LINE: usize = 400;

/// Where each line of a text starts, found once for all the diagnostics of a file.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(source: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineStarts(starts)
    }

    /// The length in bytes of a 1-based line.
    fn len(&self, source: &str, line: usize) -> usize {
        let start = self.0.get(line.saturating_sub(1)).copied().unwrap_or(0);
        let end = self.0.get(line).copied().unwrap_or(source.len());
        end.saturating_sub(start)
    }

    /// The byte offset of a 1-based line and column (columns count characters).
    fn offset(&self, source: &str, line: usize, column: usize) -> usize {
        let Some(&start) = self.0.get(line.saturating_sub(1)) else {
            return source.len();
        };
        let end = self.0.get(line).copied().unwrap_or(source.len());
        let text = &source[start..end];
        let within = text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(text.trim_end_matches('\n').len(), |(i, _)| i);
        start + within
    }
}

/// Where the token at `start` ends: a string to its closing quote, a word or number to
/// its last character; at least one character.
fn token_end(source: &str, start: usize) -> usize {
    let rest = &source[start..];
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return start;
    };
    let len = if first == '"' {
        let mut escaped = false;
        rest[1..]
            .char_indices()
            .find(|&(_, c)| {
                let close = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                close || c == '\n'
            })
            .map_or(rest.len(), |(i, c)| 1 + i + c.len_utf8())
    } else if first.is_alphanumeric() || first == '_' || first == '-' || first == '.' {
        rest.char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .map_or(rest.len(), |(i, _)| i)
    } else {
        first.len_utf8()
    };
    start + len.max(first.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(line: usize, column: usize, message: &str) -> Diagnostic {
        Diagnostic {
            file: "f.ron".into(),
            line,
            column,
            path: "rules.turn_order[0]".into(),
            severity: Severity::Error,
            message: message.into(),
        }
    }

    #[test]
    fn shows_the_line_a_marker_under_the_token_the_field_and_the_hint() {
        let source = "Scenario(\n    rules: (turn_order: [\"nort\", \"south\"]),\n)\n";
        let text = render(
            &[diag(2, 26, "unknown party `nort`; did you mean `north`?")],
            "f.ron",
            source,
            false,
        );
        assert!(text.contains("error: unknown party `nort`"), "{text}");
        assert!(text.contains("f.ron:2:26"), "{text}");
        assert!(
            text.contains("rules: (turn_order: [\"nort\", \"south\"]),"),
            "{text}"
        );
        // The marker sits under the whole string `"nort"`, six characters.
        let marker = text.lines().find(|l| l.contains("^^^^^^")).unwrap();
        assert_eq!(
            marker.find('^'),
            text.lines()
                .find(|l| l.contains("\"nort\""))
                .unwrap()
                .find("\"nort\"")
        );
        assert!(text.contains("field: rules.turn_order[0]"), "{text}");
        assert!(text.contains("help: did you mean `north`?"), "{text}");
    }

    #[test]
    fn positions_past_the_end_and_empty_sources_do_not_panic() {
        for (line, column) in [(1, 1), (9, 9), (2, 200), (0, 0)] {
            let _ = render(&[diag(line, column, "x")], "f.ron", "a\nb", false);
            let _ = render(&[diag(line, column, "x")], "f.ron", "", false);
        }
        assert_eq!(token_end("\"ab", 0), 3);
        assert_eq!(token_end("é", 0), 2);
    }
}
