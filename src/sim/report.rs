//! Printable reports for the classroom: the debrief of a game as one self-contained HTML
//! file (inline CSS and SVG charts, nothing fetched from the network), its transcript as
//! CSV for spreadsheets, and role handouts (one page per role, one for the facilitator)
//! to print before a lesson.

use std::fmt::Write;

use super::analysis::OutcomeSpace;
use super::game::Game;
use super::model::Model;
use super::narrate::Narrator;
use super::notice;
use super::scenario::PartyKind;
use super::transcript::Visibility;

/// Escapes text for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:'DejaVu Sans',Arial,sans-serif;max-width:60em;margin:2em auto;\
padding:0 1em;color:#222;line-height:1.4}h1,h2{border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .6em;\
text-align:left;vertical-align:top}.weak{color:#666}.private{color:#8a4b00}\
.facilitator{color:#555;font-style:italic}svg{background:#fafafa;border:1px solid #ddd}\
.page{page-break-after:always}.notice{border:1px solid #ccc;background:#f6f6f0;padding:.4em .8em;\
font-size:.9em}@media print{body{margin:0}}";

/// The role-play line, at the top of every page a student may read.
fn role_play(out: &mut String, model: &Model) {
    let _ = writeln!(
        out,
        "<p class=\"notice\" id=\"role-play\">{}</p>",
        esc(&notice::role_play(&model.scenario.meta))
    );
}

/// The label that goes wherever values are shown.
fn assumptions(out: &mut String) {
    let _ = writeln!(
        out,
        "<p class=\"notice\" id=\"assumptions\">{}</p>",
        esc(notice::ASSUMPTIONS)
    );
}

/// How the designer chose the numbers: for teachers and modders, after the game.
fn designer_notes(out: &mut String, model: &Model) {
    if let Some(notes) = &model.scenario.meta.designer_notes {
        let _ = writeln!(
            out,
            "<section id=\"designer-notes\">\n<h2>The designer's notes</h2>\n<p>{}</p>\n</section>",
            esc(notes)
        );
    }
}

pub(crate) fn page_start(out: &mut String, title: &str) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(title)
    );
}

pub(crate) fn page_end(out: &mut String) {
    out.push_str("</body>\n</html>\n");
}

fn visibility(v: &Visibility) -> &'static str {
    match v {
        Visibility::Public => "public",
        Visibility::Private { .. } => "private",
        Visibility::Caucus { .. } => "caucus",
        Visibility::Only(_) => "one party",
        Visibility::Facilitator => "facilitator",
    }
}

/// The debrief of a game as a self-contained HTML page.
pub fn debrief_html(game: &Game) -> String {
    let model = game.model();
    let s = &model.scenario;
    let mut out = String::new();
    page_start(&mut out, &format!("Debrief — {}", s.meta.title));
    let _ = write!(
        out,
        "<h1>{}</h1>\n<p class=\"weak\">{} · seed {} · round {} of {}</p>\n",
        esc(&s.meta.title),
        esc(&s.meta.date),
        game.seed(),
        game.round(),
        s.rules.deadline
    );
    role_play(&mut out, model);

    // Outcome.
    out.push_str("<section id=\"outcome\">\n<h2>Outcome</h2>\n");
    let outcome = game.outcome().map_or_else(
        || "The talks are still going on.".to_string(),
        |o| Narrator::new(model).outcome(o),
    );
    let _ = writeln!(out, "<p>{}</p>", esc(&outcome));
    out.push_str("<table>\n<tr><th>Issue</th><th>Result</th></tr>\n");
    for (i, issue) in s.issues.iter().enumerate() {
        let result = match (game.settled()[i], game.locked()[i]) {
            (Some(o), _) => format!("agreed: {}", issue.options[o].label),
            (None, Some(o)) => format!("off the table: {}", issue.options[o].label),
            (None, None) => format!(
                "not agreed (stays: {})",
                issue.options[model.status_quo()[i]].label
            ),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td></tr>",
            esc(&issue.name),
            esc(&result)
        );
    }
    out.push_str("</table>\n</section>\n");

    // Scores.
    out.push_str(
        "<section id=\"scores\">\n<h2>Scores against the walk-away alternative (BATNA)</h2>\n",
    );
    assumptions(&mut out);
    out.push_str(
        "<table>\n<tr><th>Party</th><th>Outcome (0–100)</th><th>Initial BATNA</th>\
         <th>Final BATNA</th><th>Gain over initial BATNA</th></tr>\n",
    );
    for (r, party) in game.results().iter().zip(&s.parties) {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{:+.1}</td></tr>",
            esc(&party.name),
            r.utility,
            r.initial_batna,
            r.final_batna,
            r.gain
        );
    }
    out.push_str("</table>\n</section>\n");

    // Charts.
    out.push_str("<section id=\"charts\">\n<h2>Charts</h2>\n");
    out.push_str("<h3>Each delegation's value of the offers, round by round</h3>\n");
    out.push_str(&utility_chart(game));
    let space = game.outcome_space();
    if model.delegations.len() >= 2 {
        out.push_str("<h3>The outcome space</h3>\n");
        out.push_str(&space_chart(game, &space));
    }
    if let Some(c) = game.could_have_had(&space) {
        out.push_str("<h3>What the talks could have had</h3>\n");
        let _ = writeln!(
            out,
            "<p>{}</p>",
            esc(&Narrator::new(model).could_have_had(&c))
        );
    }
    out.push_str("</section>\n");

    // Transcript.
    out.push_str(
        "<section id=\"transcript\">\n<h2>Transcript</h2>\n<table>\n\
         <tr><th>Round</th><th>Heard by</th><th>What happened</th></tr>\n",
    );
    for e in game.entries() {
        let class = match e.visibility {
            Visibility::Public => "",
            Visibility::Facilitator => " class=\"facilitator\"",
            _ => " class=\"private\"",
        };
        let _ = writeln!(
            out,
            "<tr{class}><td>{}</td><td>{}</td><td>{}</td></tr>",
            e.round,
            visibility(&e.visibility),
            esc(&Narrator::new(model).text(&e))
        );
    }
    out.push_str("</table>\n</section>\n");

    // Briefs.
    out.push_str("<section id=\"briefs\">\n<h2>Every brief, revealed</h2>\n");
    role_play(&mut out, model);
    for party in &s.parties {
        let _ = write!(
            out,
            "<h3>{} <span class=\"weak\">({})</span></h3>\n<p><strong>In public:</strong> {}</p>\n\
             <p><strong>Confidential brief:</strong> {}</p>\n",
            esc(&party.name),
            esc(&party.leader),
            esc(&party.public_line),
            esc(&party.confidential_brief)
        );
        if !party.batna_description.is_empty() {
            let _ = writeln!(
                out,
                "<p><strong>Walk-away alternative ({}):</strong> {}</p>",
                party.batna,
                esc(&party.batna_description)
            );
        }
    }
    out.push_str("</section>\n");

    // Questions, history, sources.
    questions(&mut out, model);
    out.push_str("<section id=\"history\">\n<h2>What happened in reality</h2>\n");
    match &s.historical_outcome {
        Some(h) => {
            let _ = writeln!(out, "<p>{}</p>", esc(&h.summary));
        }
        None => out.push_str("<p>A fictional case: there is no historical outcome.</p>\n"),
    }
    out.push_str("</section>\n");
    designer_notes(&mut out, model);
    sources(&mut out, model);
    page_end(&mut out);
    out
}

fn questions(out: &mut String, model: &Model) {
    out.push_str("<section id=\"questions\">\n<h2>Questions for the debrief</h2>\n<ol>\n");
    for q in &model.scenario.debrief_questions {
        let _ = writeln!(out, "<li>{}</li>", esc(q));
    }
    out.push_str("</ol>\n</section>\n");
}

pub(crate) fn sources(out: &mut String, model: &Model) {
    out.push_str("<section id=\"sources\">\n<h2>Sources</h2>\n<ul>\n");
    for src in &model.scenario.meta.sources {
        let link = src.url.as_deref().map_or_else(String::new, |u| {
            format!(" <span class=\"weak\">{}</span>", esc(u))
        });
        let _ = writeln!(
            out,
            "<li>{}, “{}”, {}{link}</li>",
            esc(&src.publisher),
            esc(&src.title),
            esc(&src.date)
        );
    }
    out.push_str("</ul>\n</section>\n");
}

/// Colour of a party as written in the scenario, if it is a plain `#rrggbb`.
fn colour(hex: &str) -> String {
    let ok =
        hex.len() == 7 && hex.starts_with('#') && hex[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok {
        hex.to_string()
    } else {
        "#777777".into()
    }
}

const W: f64 = 640.0;
const H: f64 = 320.0;
const PAD: f64 = 40.0;

/// Each delegation's utility of every offer by round, with its BATNA as a dashed line.
fn utility_chart(game: &Game) -> String {
    let model = game.model();
    let rounds = model.scenario.rules.deadline.max(1) as f64;
    let x = |round: f64| PAD + (round - 1.0) / (rounds - 1.0).max(1.0) * (W - 2.0 * PAD);
    let y = |u: f64| H - PAD - u / 100.0 * (H - 2.0 * PAD);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" \
         viewBox=\"0 0 {W} {H}\" role=\"img\">\n"
    );
    axes(&mut svg, "round", "value (0–100)");
    for (n, &d) in model.delegations.iter().enumerate() {
        let party = &model.scenario.parties[d];
        let c = colour(&party.colour);
        let prefs = &game.prefs()[d];
        let points: Vec<(f64, f64)> = game
            .offers()
            .iter()
            .map(|o| (o.round as f64, prefs.utility(&game.complete(&o.package))))
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|(r, u)| format!("{:.1},{:.1}", x(*r), y(*u)))
            .collect();
        if !path.is_empty() {
            let _ = writeln!(
                svg,
                "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{}\"/>",
                path.join(" ")
            );
        }
        for (r, u) in &points {
            let _ = writeln!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{c}\"/>",
                x(*r),
                y(*u)
            );
        }
        let b = y(prefs.batna);
        let _ = writeln!(
            svg,
            "<line x1=\"{PAD}\" y1=\"{b:.1}\" x2=\"{:.1}\" y2=\"{b:.1}\" stroke=\"{c}\" \
             stroke-dasharray=\"6 4\"/>",
            W - PAD
        );
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" fill=\"{c}\">{} (dashed: BATNA)</text>",
            PAD + 10.0,
            PAD - 22.0 + 14.0 * n as f64,
            esc(&party.name)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// The outcome space of the first two delegations: every package (a sample when there
/// are many), the Pareto frontier, the Nash point, the BATNA lines, the offers and the
/// final deal.
pub(crate) fn space_chart(game: &Game, space: &OutcomeSpace) -> String {
    let model = game.model();
    let (a, b) = (model.delegations[0], model.delegations[1]);
    let name = |p: usize| esc(&model.scenario.parties[p].name);
    let x = |u: f64| PAD + u * (W - 2.0 * PAD);
    let y = |u: f64| H - PAD - u * (H - 2.0 * PAD);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" \
         viewBox=\"0 0 {W} {H}\" role=\"img\">\n"
    );
    axes(
        &mut svg,
        &format!("value to {}", name(a)),
        &format!("value to {}", name(b)),
    );
    // The packages the option rules allow (the others can never be agreed), thinned.
    let stride = (space.points.len() / 3000).max(1);
    let allowed = space
        .points
        .iter()
        .enumerate()
        .filter(|(k, _)| space.is_allowed(*k))
        .map(|(_, p)| p);
    for p in allowed.step_by(stride) {
        let _ = writeln!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"1.2\" fill=\"#bbbbbb\"/>",
            x(p[0]),
            y(p[1])
        );
    }
    let mut frontier: Vec<&[f64]> = space.frontier.iter().map(|&k| &space.points[k]).collect();
    frontier.sort_by(|p, q| p[0].total_cmp(&q[0]));
    let line: Vec<String> = frontier
        .iter()
        .map(|p| format!("{:.1},{:.1}", x(p[0]), y(p[1])))
        .collect();
    let _ = writeln!(
        svg,
        "<polyline fill=\"none\" stroke=\"#2a7f2a\" stroke-width=\"2\" points=\"{}\"/>",
        line.join(" ")
    );
    let (ba, bb) = (space.batnas[0], space.batnas[1]);
    let _ = writeln!(
        svg,
        "<line x1=\"{:.1}\" y1=\"{PAD}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"6 4\"/>\n\
         <line x1=\"{PAD}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"6 4\"/>",
        x(ba),
        x(ba),
        H - PAD,
        y(bb),
        W - PAD,
        y(bb)
    );
    // A package's place: the two delegations' utilities, from 0 to 1.
    let place = |package: &crate::sim::Package| {
        (
            game.prefs()[a].utility(package) / 100.0,
            game.prefs()[b].utility(package) / 100.0,
        )
    };
    for o in game.offers() {
        let (ua, ub) = place(&game.complete(&o.package));
        let _ = writeln!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"none\" stroke=\"#1f5fbf\"/>",
            x(ua),
            y(ub)
        );
    }
    if let Some(k) = space.nash {
        let p = &space.points[k];
        let _ = writeln!(
            svg,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"9\" height=\"9\" fill=\"#d08000\"/>",
            x(p[0]) - 4.5,
            y(p[1]) - 4.5
        );
    }
    let (fa, fb) = place(&game.current_package());
    let _ = writeln!(
        svg,
        "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"7\" fill=\"#c0392b\"/>",
        x(fa),
        y(fb)
    );
    let _ = writeln!(
        svg,
        "<text x=\"{:.1}\" y=\"16\" font-size=\"12\">grey: packages · green: Pareto frontier · \
         orange square: Nash point · blue rings: offers · red: the final state · dashed: BATNAs</text>",
        PAD
    );
    svg.push_str("</svg>\n");
    svg
}

fn axes(svg: &mut String, x_label: &str, y_label: &str) {
    let _ = write!(
        svg,
        "<line x1=\"{PAD}\" y1=\"{b:.1}\" x2=\"{r:.1}\" y2=\"{b:.1}\" stroke=\"#444\"/>\n\
         <line x1=\"{PAD}\" y1=\"{PAD}\" x2=\"{PAD}\" y2=\"{b:.1}\" stroke=\"#444\"/>\n\
         <text x=\"{cx:.1}\" y=\"{ly:.1}\" font-size=\"12\" text-anchor=\"middle\">{}</text>\n\
         <text x=\"12\" y=\"{cy:.1}\" font-size=\"12\" text-anchor=\"middle\" \
         transform=\"rotate(-90 12 {cy:.1})\">{}</text>\n",
        esc(x_label),
        esc(y_label),
        b = H - PAD,
        r = W - PAD,
        cx = W / 2.0,
        ly = H - 8.0,
        cy = H / 2.0,
    );
}

/// The transcript as CSV: round, who hears it, and the text (RFC 4180 quoting).
pub fn transcript_csv(game: &Game) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from("round,heard_by,text\r\n");
    for e in game.entries() {
        let _ = write!(
            out,
            "{},{},{}\r\n",
            e.round,
            visibility(&e.visibility),
            quote(&Narrator::new(game.model()).text(&e))
        );
    }
    out
}

/// Role handouts for a lesson: one page per party (the role-play notice, the public
/// situation and every party's public line, that party's confidential brief, the issues
/// with what each option means and, for a delegation, its values and walk-away
/// alternative) and one for the facilitator. Returns (file name, HTML) pairs.
pub fn handouts(model: &Model) -> Vec<(String, String)> {
    let s = &model.scenario;
    let mut pages = Vec::new();
    for (p, party) in s.parties.iter().enumerate() {
        let mut out = String::new();
        page_start(&mut out, &format!("{} — {}", s.meta.title, party.name));
        let _ = writeln!(
            out,
            "<h1>{}</h1>\n<p class=\"weak\">Your role: <strong>{}</strong> ({}) · {}</p>",
            esc(&s.meta.title),
            esc(&party.name),
            esc(&party.head_of_delegation),
            esc(&s.meta.date),
        );
        role_play(&mut out, model);
        let _ = writeln!(
            out,
            "<section id=\"situation\">\n<h2>The situation (everyone reads this)</h2>\n<p>{}</p>\n</section>",
            esc(&s.meta.summary)
        );
        public_lines(&mut out, model, Some(p));
        let _ = writeln!(
            out,
            "<section id=\"brief\">\n<h2>Your confidential brief</h2>\n<p>{}</p>",
            esc(&party.confidential_brief)
        );
        let delegation = party.kind == PartyKind::Delegation;
        if delegation {
            let _ = writeln!(
                out,
                "<p><strong>Your walk-away alternative (BATNA {:.0}):</strong> {}</p>",
                model.prefs[p].batna,
                esc(&party.batna_description)
            );
        }
        out.push_str("</section>\n");
        issues(&mut out, model, delegation.then_some(p));
        sources(&mut out, model);
        page_end(&mut out);
        pages.push((format!("{}.html", party.id), out));
    }
    // The facilitator's page.
    let mut out = String::new();
    page_start(&mut out, &format!("{} — facilitator", s.meta.title));
    let _ = writeln!(
        out,
        "<h1>{} — for the facilitator</h1>\n<section id=\"situation\">\n<h2>The situation</h2>\n<p>{}</p>\n</section>",
        esc(&s.meta.title),
        esc(&s.meta.summary)
    );
    role_play(&mut out, model);
    public_lines(&mut out, model, None);
    assumptions(&mut out);
    out.push_str("<section id=\"roles\">\n<h2>The roles</h2>\n<table>\n<tr><th>Role</th><th>Kind</th><th>Walk-away alternative</th><th>Confidential brief</th></tr>\n");
    for (p, party) in s.parties.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{:?}</td><td>{:.0}: {}</td><td>{}</td></tr>",
            esc(&party.name),
            party.kind,
            model.prefs[p].batna,
            esc(&party.batna_description),
            esc(&party.confidential_brief)
        );
    }
    out.push_str(
        "</table>\n</section>\n<section id=\"injects\">\n<h2>Events you can inject</h2>\n<ul>\n",
    );
    for inject in &s.injects {
        let _ = writeln!(
            out,
            "<li><strong>{}</strong>: {}</li>",
            esc(&inject.name),
            esc(&inject.description)
        );
    }
    out.push_str("</ul>\n</section>\n");
    issues(&mut out, model, None);
    questions(&mut out, model);
    designer_notes(&mut out, model);
    if let Some(h) = &s.historical_outcome {
        let _ = writeln!(
            out,
            "<section id=\"history\">\n<h2>What happened in reality</h2>\n<p>{}</p>\n</section>",
            esc(&h.summary)
        );
    }
    sources(&mut out, model);
    page_end(&mut out);
    pages.push(("facilitator.html".to_string(), out));
    pages
}

/// Every party's public line; `me` is the reader's own party.
fn public_lines(out: &mut String, model: &Model, me: Option<usize>) {
    out.push_str("<section id=\"public-lines\">\n<h2>The parties in public</h2>\n<ul>\n");
    for (p, party) in model.scenario.parties.iter().enumerate() {
        let you = if me == Some(p) { " (you)" } else { "" };
        let _ = writeln!(
            out,
            "<li><strong>{}{you}</strong>, led by {}: {}</li>",
            esc(&party.name),
            esc(&party.head_of_delegation),
            esc(&party.public_line)
        );
    }
    out.push_str("</ul>\n</section>\n");
}

/// The issues and what each option means; with `values`, that delegation's weights,
/// values and red lines beside them, under the assumptions label.
fn issues(out: &mut String, model: &Model, values: Option<usize>) {
    let s = &model.scenario;
    let heading = if values.is_some() {
        "The issues, and what each option is worth to you"
    } else {
        "The issues and the options"
    };
    let _ = writeln!(out, "<section id=\"issues\">\n<h2>{heading}</h2>");
    if values.is_some() {
        assumptions(out);
    }
    for (i, issue) in s.issues.iter().enumerate() {
        let weight = values.map_or_else(String::new, |p| {
            format!(
                " <span class=\"weak\">(weight {:.0}%)</span>",
                model.prefs[p].weights[i] * 100.0
            )
        });
        let _ = writeln!(
            out,
            "<h3>{}{weight}</h3>\n<p>{}</p>\n<ul>",
            esc(&issue.name),
            esc(&issue.description)
        );
        for (o, option) in issue.options.iter().enumerate() {
            let status_quo = if option.id == issue.status_quo {
                " (status quo)"
            } else {
                ""
            };
            let value = values.map_or_else(String::new, |p| {
                let prefs = &model.prefs[p];
                let red = if prefs.red[i][o] { ", a red line" } else { "" };
                format!(
                    " — <strong>worth {:.0} to you{red}</strong>",
                    prefs.values[i][o]
                )
            });
            let _ = writeln!(
                out,
                "<li><strong>{}</strong>{status_quo}: {}{value}</li>",
                esc(&option.label),
                esc(&option.description)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
}
