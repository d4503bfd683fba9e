//! Social cards: what the card of a home, document, State or topic page shows, in the page's
//! language, and the context the page's Open Graph and Twitter tags are printed from (image,
//! its text alternative, the page's description).
//!
//! It must not draw nor name the picture (`cards` does); it only says what the card shows.

use super::context::Renderer;
use super::format::format_date;
use crate::cards::{stance_fill, BarPart, Card};
use crate::types::{Lang, Slug, StateId, TopicId};
use crate::visuals::glyph;
use serde_json::{json, Value};

impl Renderer<'_> {
    /// `{name}` replaced in the UI string `key`.
    fn t_with(&self, lang: Lang, key: &str, pairs: &[(&str, String)]) -> String {
        let mut s = self.t(lang, key);
        for (name, value) in pairs {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// Registers `card` for the page at `rel` and returns the context of its tags.
    fn card_context(&self, lang: Lang, rel: &str, mut card: Card, description: String) -> Value {
        let cfg = &self.linked.checked.corpus.config;
        card.site = self.t(lang, "site_title");
        card.address = cfg
            .base_url
            .split_once("://")
            .map_or(cfg.base_url.as_str(), |x| x.1)
            .trim_end_matches('/')
            .to_string();
        let path = self.cards.add(&self.urls.page(lang, rel), &card);
        let mut alt = card.title.clone();
        for line in std::iter::once(&card.kicker).chain(&card.lines) {
            if !line.is_empty() {
                alt.push_str(". ");
                alt.push_str(line);
            }
        }
        json!({
            "image": format!("{}{}{path}", cfg.origin(), self.urls.base),
            "alt": alt,
            "description": description,
        })
    }

    /// The home page's card: the site's name, its counts. Also the card of every page that has
    /// none of its own.
    pub(super) fn home_card(&self, lang: Lang) -> Value {
        let c = &self.linked.checked;
        let line = self.t_with(
            lang,
            "card_home",
            &[
                ("docs", c.corpus.documents.len().to_string()),
                ("states", c.states.len().to_string()),
                ("positions", c.positions.len().to_string()),
            ],
        );
        let card = Card {
            title: self.t(lang, "site_title"),
            lines: vec![line],
            ..Card::default()
        };
        self.card_context(lang, "", card, self.t(lang, "site_description"))
    }

    /// A document's card (its page and its parallel view): kind and symbol, title, date.
    pub(super) fn document_card(&self, lang: Lang, slug: &Slug, title: &str) -> Value {
        let meta = self.linked.checked.meta.get(slug);
        let kind = meta.map(|m| self.t(lang, &format!("kind_{}", m.kind.key())));
        let symbol = meta.and_then(|m| m.symbol.as_ref()).map(|s| s.as_str());
        let kicker: Vec<&str> = kind.as_deref().into_iter().chain(symbol).collect();
        let date = meta
            .and_then(|m| m.date.as_deref())
            .map(|d| format_date(d, lang));
        let card = Card {
            kicker: kicker.join(" · "),
            title: title.to_string(),
            lines: date.clone().into_iter().collect(),
            ..Card::default()
        };
        let description = [Some(kicker.join(" · ")), date]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        let rel = crate::urls::doc_rel(slug);
        self.card_context(lang, &rel, card, format!("{title} — {description}"))
    }

    /// A State's card: its group, its name, and its stances on every topic as a strip (or its
    /// relations to the documents when it has no coded position).
    pub(super) fn state_card(&self, lang: Lang, id: &StateId) -> Value {
        let c = &self.linked.checked;
        let s = &c.states[id];
        let stances: Vec<&crate::types::Stance> = c
            .topics
            .iter()
            .filter_map(|t| {
                c.positions
                    .iter()
                    .find(|p| &p.state == id && p.topic == t.id)
                    .map(|p| &p.stance)
            })
            .collect();
        let mut card = Card {
            kicker: format!(
                "{} · {}",
                self.t(lang, "state"),
                self.t(lang, &format!("group_{}", s.group))
            ),
            title: s.name(lang).to_string(),
            ..Card::default()
        };
        if stances.is_empty() {
            let mut rel: Vec<String> = self
                .linked
                .facts
                .iter()
                .filter(|f| &f.state == id)
                .map(|f| self.t(lang, &format!("relation_{}", f.relation.key())))
                .collect();
            rel.dedup();
            card.lines = if rel.is_empty() {
                vec![self.t(lang, "vis_no_position")]
            } else {
                vec![rel.join(" · ")]
            };
        } else {
            let addressed = stances.iter().filter(|s| s.as_str() != "not-addressed");
            card.lines = vec![self.t_with(
                lang,
                "card_addressed",
                &[
                    ("n", addressed.count().to_string()),
                    ("m", stances.len().to_string()),
                ],
            )];
            card.bar = stances
                .iter()
                .map(|s| BarPart {
                    weight: 1,
                    fill: stance_fill(glyph(s)),
                    mark: glyph(s),
                })
                .collect();
        }
        let description = format!("{} — {}", card.kicker, card.lines.join(" "));
        let rel = format!("states/{id}/");
        self.card_context(lang, &rel, card, description)
    }

    /// A topic's card: its label and the distribution of the stances, as a bar and in words.
    pub(super) fn topic_card(&self, lang: Lang, id: &TopicId) -> Value {
        let c = &self.linked.checked;
        let Some(t) = c.topics.iter().find(|t| &t.id == id) else {
            return Value::Null;
        };
        let counts: Vec<(&crate::types::Stance, usize)> = t
            .stances
            .iter()
            .map(|s| {
                let n = c
                    .positions
                    .iter()
                    .filter(|p| &p.topic == id && &p.stance == s)
                    .count();
                (s, n)
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        let words: Vec<String> = counts
            .iter()
            .map(|(s, n)| format!("{} {} {n}", glyph(s), self.stance_label(lang, s)))
            .collect();
        let card = Card {
            kicker: self.t(lang, "topic"),
            title: t.label.get(&lang).cloned().unwrap_or_default(),
            lines: vec![words.join(" · ")],
            bar: counts
                .iter()
                .map(|(s, n)| BarPart {
                    weight: *n,
                    fill: stance_fill(glyph(s)),
                    mark: glyph(s),
                })
                .collect(),
            ..Card::default()
        };
        let description = format!(
            "{}{}{}",
            self.t(lang, "vis_distribution"),
            self.t(lang, "colon"),
            words.join(", ")
        );
        let rel = format!("topics/{id}/");
        self.card_context(lang, &rel, card, description)
    }
}
