//! Neutrality: in a scenario about real events, every news item and lever text cites a
//! source or says it is hypothetical or illustrative.

use super::*;

impl<'a> Validator<'a> {
    /// In a scenario about real events (`meta.historical`), every news item and lever text
    /// either cites a source or says it is hypothetical or illustrative: otherwise the game
    /// would put words in a real government's mouth that it never said.
    pub(super) fn neutrality(&mut self, root: &FieldPath) {
        for (i, lever) in self.s.levers.iter().enumerate() {
            if let Some(source) = &lever.source {
                self.check_source(&root.field("levers").index(i).field("source"), source);
            }
        }
        if !self.s.meta.historical {
            return;
        }
        let hint = "cite a source (`source: Some(\"id\")`) or say in the text that it is \
                    hypothetical or illustrative";
        for (i, lever) in self.s.levers.iter().enumerate() {
            let lp = root.field("levers").index(i);
            if lever.source.is_none() && !is_marked(&[&lever.description, &lever.public_text]) {
                self.warn(
                    &lp.field("public_text"),
                    format!(
                        "historical scenario: lever `{}` speaks for `{}` without a source: {hint}",
                        lever.id, lever.owner
                    ),
                );
            }
        }
        let lists = [
            (
                "levers",
                self.s
                    .levers
                    .iter()
                    .map(|l| &l.effects[..])
                    .collect::<Vec<_>>(),
            ),
            (
                "events",
                self.s.events.iter().map(|e| &e.effects[..]).collect(),
            ),
            (
                "injects",
                self.s.injects.iter().map(|e| &e.effects[..]).collect(),
            ),
        ];
        for (list, items) in lists {
            for (i, effects) in items.into_iter().enumerate() {
                for (j, effect) in effects.iter().enumerate() {
                    if let Effect::News {
                        headline,
                        text,
                        source: None,
                    } = effect
                        && !is_marked(&[headline, text])
                    {
                        let ep = root.field(list).index(i).field("effects").index(j);
                        self.warn(
                            &ep.field("text"),
                            format!(
                                "historical scenario: the news “{headline}” has no source: {hint}"
                            ),
                        );
                    }
                }
            }
        }
    }
}
