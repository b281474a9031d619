//! The printable debrief report, the transcript CSV and the role handouts.

use accord::sim::report::{debrief_html, esc, handouts, transcript_csv};
use accord::sim::simulate;

use super::common;

/// A small well-formedness check: every tag is closed in order (void and self-closing
/// tags aside), attribute quotes are balanced, and no `<` or `&` stands unescaped in text.
fn assert_well_formed(html: &str) {
    const VOID: [&str; 6] = ["meta", "br", "hr", "img", "input", "link"];
    assert!(html.starts_with("<!DOCTYPE html>"), "doctype first");
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].contains(&entity),
                "unescaped & near {:?}",
                &text[i..(i + 20).min(text.len())]
            );
        }
        let close = rest[open..].find('>').expect("a tag is closed") + open;
        let tag = &rest[open + 1..close];
        assert_eq!(tag.matches('"').count() % 2, 0, "quotes in <{tag}>");
        assert!(!tag.contains('<'), "a `<` inside <{tag}>");
        rest = &rest[close + 1..];
        if tag.starts_with("!DOCTYPE") {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(top, name, "</{name}> closes <{top}>");
            continue;
        }
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        assert!(!name.is_empty(), "a `<` that starts no tag: <{tag}>");
        if tag.ends_with('/') || VOID.contains(&name.as_str()) {
            continue;
        }
        stack.push(name);
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn the_debrief_report_has_every_section_and_is_well_formed() {
    let model = common::istanbul();
    let game = simulate::play(&model, 5, &[]);
    let html = debrief_html(&game);
    assert_well_formed(&html);
    for section in [
        "outcome",
        "scores",
        "charts",
        "transcript",
        "briefs",
        "questions",
        "history",
        "sources",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{section}\">")),
            "no {section}"
        );
    }
    assert_eq!(html.matches("<svg").count(), 2, "two charts");
    assert!(!html.contains("http://") || html.contains("xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(!html.contains("<script"), "no script, nothing fetched");
    for party in &model.scenario.parties {
        assert!(
            html.contains(&esc(&party.confidential_brief)),
            "{}",
            party.id
        );
    }
    for q in &model.scenario.debrief_questions {
        assert!(html.contains(&esc(q)));
    }
    // Every transcript entry is in it, the facilitator's included.
    assert!(html.matches("<tr").count() > game.transcript().len());
}

#[test]
fn the_transcript_csv_has_a_row_per_entry() {
    let game = simulate::play(&common::istanbul(), 5, &[]);
    let csv = transcript_csv(&game);
    let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows[0], "round,heard_by,text");
    assert_eq!(rows.len(), game.transcript().len() + 1);
    assert!(rows[1..].iter().all(|r| r.ends_with('"')));
}

#[test]
fn each_handout_shows_its_own_brief_only() {
    let model = common::istanbul();
    let pages = handouts(&model);
    assert_eq!(pages.len(), model.scenario.parties.len() + 1);
    for (name, html) in &pages {
        assert_well_formed(html);
        let briefs_shown: Vec<&str> = model
            .scenario
            .parties
            .iter()
            .filter(|p| html.contains(&esc(&p.confidential_brief)))
            .map(|p| p.id.as_str())
            .collect();
        if name == "facilitator.html" {
            assert_eq!(briefs_shown.len(), model.scenario.parties.len());
        } else {
            assert_eq!(briefs_shown, vec![name.trim_end_matches(".html")], "{name}");
        }
    }
}

#[test]
fn handouts_explain_every_option_and_every_public_line_under_the_role_play_notice() {
    let model = common::istanbul();
    let s = &model.scenario;
    let notes = esc(s
        .meta
        .designer_notes
        .as_deref()
        .expect("Istanbul has notes"));
    for (name, html) in handouts(&model) {
        assert!(
            html.contains(&esc(&accord::sim::notice::role_play(&s.meta))),
            "{name}: the role-play notice"
        );
        for party in &s.parties {
            assert!(
                html.contains(&esc(&party.public_line)),
                "{name}: {}",
                party.id
            );
        }
        for issue in &s.issues {
            assert!(
                html.contains(&esc(&issue.description)),
                "{name}: {}",
                issue.id
            );
            for option in &issue.options {
                assert!(
                    html.contains(&esc(&option.description)),
                    "{name}: {}={}",
                    issue.id,
                    option.id
                );
            }
        }
        // Values come with the label that they are assumptions; the designer's notes
        // (which name the benchmark deal) are for the facilitator only.
        let delegation = s.parties.iter().any(|p| {
            format!("{}.html", p.id) == name && p.kind == accord::sim::PartyKind::Delegation
        });
        if delegation || name == "facilitator.html" {
            assert!(
                html.contains(&esc(accord::sim::notice::ASSUMPTIONS)),
                "{name}: the assumptions label"
            );
        }
        assert_eq!(html.contains(&notes), name == "facilitator.html", "{name}");
    }
}

#[test]
fn the_debrief_report_carries_the_notices_and_the_designers_notes() {
    let model = common::istanbul();
    let html = debrief_html(&simulate::play(&model, 5, &[]));
    let meta = &model.scenario.meta;
    assert!(html.contains(&esc(&accord::sim::notice::role_play(meta))));
    assert!(html.contains(&esc(accord::sim::notice::ASSUMPTIONS)));
    assert!(html.contains(&esc(meta.designer_notes.as_deref().unwrap())));
    assert!(html.contains("<section id=\"designer-notes\">"));
}
