//! Topics: the list of coding topics with the count of each stance, and each topic's page with
//! the States' positions grouped by stance.
//!
//! It must not code positions (they come from the validated data files); it only shows them.

use super::context::{Job, Renderer};
use super::format::sort_key;
use crate::types::Lang;
use serde_json::{json, Value};

impl Renderer<'_> {
    pub(super) fn topics_job(&self, lang: Lang) -> Job {
        let c = &self.linked.checked;
        let topics: Vec<Value> = c.topics.iter().map(|t| {
            let counts: Vec<Value> = t.stances.iter().map(|s| json!({
                "stance": s.as_str(), "label": self.stance_label(lang, s),
                "count": c.positions.iter().filter(|p| p.topic == t.id && &p.stance == s).count(),
            })).collect();
            json!({"id": t.id.as_str(), "label": t.label.get(&lang), "definition": t.definition.get(&lang),
                   "url": self.urls.topic(lang, &t.id), "counts": counts, "bar": self.visuals(lang).topic_bar(&t.id)})
        }).collect();
        Job {
            template: "topics.html",
            lang,
            rel: "topics/".into(),
            title: self.t(lang, "nav_topics"),
            alternate: true,
            text: None,
            ctx: json!({"topics": topics}),
        }
    }

    pub(super) fn topic_job(&self, lang: Lang, t: &crate::validate::Topic) -> Job {
        let c = &self.linked.checked;
        let groups: Vec<Value> = t
            .stances
            .iter()
            .map(|s| {
                let mut ps: Vec<Value> = c
                    .positions
                    .iter()
                    .filter(|p| p.topic == t.id && &p.stance == s)
                    .map(|p| self.position_value(lang, p))
                    .collect();
                ps.sort_by(|a, b| {
                    sort_key(a["state"]["name"].as_str())
                        .cmp(&sort_key(b["state"]["name"].as_str()))
                });
                json!({"stance": s.as_str(), "label": self.stance_label(lang, s), "positions": ps})
            })
            .collect();
        Job {
            template: "topic.html",
            lang,
            rel: format!("topics/{}/", t.id),
            title: t.label.get(&lang).cloned().unwrap_or_default(),
            alternate: true,
            text: None,
            ctx: json!({"topic": {"id": t.id.as_str(), "label": t.label.get(&lang), "definition": t.definition.get(&lang)}, "groups": groups,
                        "card": self.topic_card(lang, &t.id),
                        "map": self.visuals(lang).topic_map(&t.id), "bar": self.visuals(lang).topic_bar(&t.id),
                        "panel": self.explorer_panel(lang, "topic", t.id.as_str()),
                        "data_version": self.linked.checked.corpus.config.data_version}),
        }
    }
}
