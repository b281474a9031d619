//! How fairly the AI delegations bargain: on generated bilateral problems, where the
//! status quo sits and who moves first should not decide who gains (MODEL.md, "Metrics":
//! gain and pooled share).
//!
//! A problem of [`generate::bilateral`](super::generate::bilateral) is played in several
//! arrangements: the status quo of every issue at alpha's best option, at beta's best, or
//! in between; alpha or beta first; with or without a mediator seat. For each, the
//! figures are pooled over every game of every problem.

use std::sync::Arc;

use serde::Serialize;

use super::analysis::OutcomeSpace;
use super::game::OfferStatus;
use super::model::Model;
use super::scenario::{IssuePreference, Party, PartyKind, Personality, Scenario, Shape};
use super::simulate;
use super::transcript::Kind;

/// Where each issue's status quo is put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum StatusQuoAt {
    /// The option alpha values most.
    AlphaBest,
    /// The option beta values most.
    BetaBest,
    /// The middle option (the two sides' values cross near it).
    Between,
}

/// One way to play a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Arrangement {
    pub status_quo: StatusQuoAt,
    pub beta_first: bool,
    pub mediator: bool,
    /// Issues may be settled one by one (else nothing is agreed until everything is).
    pub partial: bool,
}

impl Arrangement {
    /// Every status quo, both turn orders, without and with a mediator, and the same
    /// where issues may be settled one by one.
    pub fn all() -> Vec<Arrangement> {
        let mut out = Vec::new();
        for (mediator, partial) in [(false, false), (true, false), (false, true)] {
            for status_quo in [
                StatusQuoAt::AlphaBest,
                StatusQuoAt::BetaBest,
                StatusQuoAt::Between,
            ] {
                for beta_first in [false, true] {
                    out.push(Arrangement {
                        status_quo,
                        beta_first,
                        mediator,
                        partial,
                    });
                }
            }
        }
        out
    }

    pub fn describe(&self) -> String {
        format!(
            "status quo at {}, {} first{}{}",
            match self.status_quo {
                StatusQuoAt::AlphaBest => "alpha's best",
                StatusQuoAt::BetaBest => "beta's best",
                StatusQuoAt::Between => "the middle",
            },
            if self.beta_first { "beta" } else { "alpha" },
            if self.mediator {
                ", with a mediator"
            } else {
                ""
            },
            if self.partial {
                ", issues one by one"
            } else {
                ""
            }
        )
    }

    /// The problem played this way.
    pub fn apply(&self, scenario: &Scenario) -> Scenario {
        let mut s = scenario.clone();
        let value = |party: &Party, issue: &str, option: &str| {
            party
                .preferences
                .get(issue)
                .and_then(|p| p.values.get(option).copied())
                .unwrap_or(0.0)
        };
        let (alpha, beta) = (s.parties[0].clone(), s.parties[1].clone());
        for issue in &mut s.issues {
            let best_of = |party: &Party| {
                let mut best = 0;
                for (o, option) in issue.options.iter().enumerate() {
                    if value(party, &issue.id, &option.id)
                        > value(party, &issue.id, &issue.options[best].id)
                    {
                        best = o;
                    }
                }
                best
            };
            let at = match self.status_quo {
                StatusQuoAt::AlphaBest => best_of(&alpha),
                StatusQuoAt::BetaBest => best_of(&beta),
                StatusQuoAt::Between => issue.options.len() / 2,
            };
            issue.status_quo = issue.options[at].id.clone();
        }
        if self.beta_first {
            s.rules.turn_order.reverse();
        }
        s.rules.nothing_agreed_until_all_agreed = !self.partial;
        if self.mediator {
            s.parties.push(Party {
                id: "chair".into(),
                name: "chair".into(),
                kind: PartyKind::Mediator,
                label: "C".into(),
                leader: String::new(),
                head_of_delegation: String::new(),
                colour: "#2ca02c".into(),
                shape: Shape::Square,
                ally_of: None,
                public_line: "The chair wants an agreement.".into(),
                confidential_brief: "The chair has no stake in the outcome.".into(),
                // Flat: no option matters more to it than another.
                preferences: s
                    .issues
                    .iter()
                    .map(|i| {
                        (
                            i.id.clone(),
                            IssuePreference {
                                weight: 50.0,
                                values: i.options.iter().map(|o| (o.id.clone(), 50.0)).collect(),
                            },
                        )
                    })
                    .collect(),
                red_lines: Vec::new(),
                batna: 0.0,
                batna_description: String::new(),
                personality: Personality::default(),
            });
        }
        s
    }
}

/// The figures of one arrangement, pooled over its games.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fairness {
    pub arrangement: Arrangement,
    pub games: u64,
    /// Games of problems with a zone of agreement, and how many of them agreed.
    pub games_with_zone: u64,
    pub agreements_with_zone: u64,
    /// Σ gain_alpha / Σ (gain_alpha + gain_beta) over every game.
    pub share_alpha: f64,
    /// The same at each problem's Nash point (one per game played on it).
    pub nash_share_alpha: f64,
    /// Means over agreements, in normalised utility.
    pub mean_nash_distance: Option<f64>,
    pub mean_pareto_distance: Option<f64>,
    /// Deals on a mediator's text that a delegation had asked for, and the share of the
    /// gain of the delegation that asked last before the text was put.
    pub mediated_deals: u64,
    pub asker_share: Option<f64>,
}

impl Fairness {
    pub fn agreement_rate(&self) -> f64 {
        self.agreements_with_zone as f64 / self.games_with_zone.max(1) as f64
    }

    pub fn render(&self) -> String {
        format!(
            "{:<48} share {:.3} (Nash {:.3})  Nash distance {}  Pareto distance {}  agreement {:.1}%",
            self.arrangement.describe(),
            self.share_alpha,
            self.nash_share_alpha,
            self.mean_nash_distance
                .map_or("-".to_string(), |d| format!("{d:.3}")),
            self.mean_pareto_distance
                .map_or("-".to_string(), |d| format!("{d:.4}")),
            100.0 * self.agreement_rate()
        ) + &match self.asker_share {
            Some(s) => format!(
                "  asker's share {s:.3} of {} mediated deals",
                self.mediated_deals
            ),
            None => String::new(),
        }
    }
}

/// Plays every problem in the arrangement, `seeds` games each (seeds 1..=seeds).
pub fn measure(problems: &[Scenario], arrangement: Arrangement, seeds: u64) -> Fairness {
    let (mut gain_a, mut gain_total) = (0.0, 0.0);
    let (mut nash_a, mut nash_total) = (0.0, 0.0);
    let (mut nash_sum, mut pareto_sum, mut agreed) = (0.0, 0.0, 0u64);
    let (mut with_zone, mut agreed_with_zone, mut games) = (0u64, 0u64, 0u64);
    let (mut asker_gain, mut asked_total, mut mediated) = (0.0, 0.0, 0u64);
    for problem in problems {
        let model = Arc::new(Model::new(arrangement.apply(problem), ""));
        let space = OutcomeSpace::new(&model, &model.prefs);
        let batnas = &space.batnas;
        let nash_gains = space.nash.map(|k| {
            [
                space.points[k][0] - batnas[0],
                space.points[k][1] - batnas[1],
            ]
        });
        let alpha = model.delegations.iter().position(|&d| d == 0).unwrap_or(0);
        for seed in 1..=seeds {
            let game = simulate::play(&model, seed, &[]);
            games += 1;
            let results = game.results();
            gain_a += results[0].gain;
            gain_total += results[0].gain + results[1].gain;
            if let Some(g) = nash_gains {
                nash_a += g[alpha];
                nash_total += g[0] + g[1];
                with_zone += 1;
            }
            if let Some(&chair) = model.mediators.first()
                && let Some(text) = game
                    .offers()
                    .iter()
                    .find(|o| o.status == OfferStatus::Settled && o.author == Some(chair))
            {
                // Who asked last before the text was put on the table.
                let mut asker = None;
                for e in game.transcript() {
                    match e.kind {
                        Kind::AskedMediator { by, .. } => asker = Some(by),
                        Kind::Proposed { offer, .. } if offer == text.id => break,
                        _ => {}
                    }
                }
                if let Some(a) = asker {
                    mediated += 1;
                    asker_gain += results[a].gain;
                    asked_total += results[0].gain + results[1].gain;
                }
            }
            if let Some(m) = game.deal_metrics(&space) {
                agreed += 1;
                if nash_gains.is_some() {
                    agreed_with_zone += 1;
                }
                pareto_sum += m.distance_to_frontier;
                if let Some(d) = m.distance_to_nash {
                    nash_sum += d;
                }
            }
        }
    }
    Fairness {
        arrangement,
        games,
        games_with_zone: with_zone,
        agreements_with_zone: agreed_with_zone,
        share_alpha: if gain_total != 0.0 {
            gain_a / gain_total
        } else {
            0.5
        },
        nash_share_alpha: if nash_total != 0.0 {
            nash_a / nash_total
        } else {
            0.5
        },
        mean_nash_distance: (agreed > 0).then(|| nash_sum / agreed as f64),
        mean_pareto_distance: (agreed > 0).then(|| pareto_sum / agreed as f64),
        mediated_deals: mediated,
        asker_share: (mediated > 0 && asked_total != 0.0).then(|| asker_gain / asked_total),
    }
}
