//! The States: the list of every State (its group and how many facts of each relation it has),
//! and each State's page (what it sponsored, replied, voted; its coded positions; its reply).
//!
//! It must not decide relations or positions (link and validate do); it only shows them.

use super::context::{Job, Renderer};
use super::format::{format_date, sort_key};
use crate::link::Relation;
use crate::types::Lang;
use serde_json::{json, Value};

impl Renderer<'_> {
    pub(super) fn states_job(&self, lang: Lang) -> Job {
        let c = &self.linked.checked;
        let mut states: Vec<Value> = c
            .states
            .keys()
            .map(|id| {
                let mut v = self.state_link(lang, id);
                let rels: Vec<&str> = self
                    .linked
                    .facts
                    .iter()
                    .filter(|f| &f.state == id)
                    .map(|f| f.relation.key())
                    .collect();
                v["group_label"] = json!(self.t(lang, &format!("group_{}", c.states[id].group)));
                for r in Relation::ALL {
                    v[r.key()] = json!(rels.iter().filter(|x| **x == r.key()).count());
                }
                v
            })
            .collect();
        states.sort_by(|a, b| sort_key(a["name"].as_str()).cmp(&sort_key(b["name"].as_str())));
        let docs: Vec<Value> = self
            .linked
            .checked
            .meta
            .iter()
            .filter(|(_, m)| !m.sponsors.is_empty())
            .map(|(s, _)| self.doc_summary(lang, s))
            .collect();
        Job {
            template: "states.html",
            lang,
            rel: "states/".into(),
            title: self.t(lang, "nav_states"),
            alternate: true,
            text: None,
            ctx: json!({"states": states, "sponsor_docs": docs}),
        }
    }

    pub(super) fn state_job(&self, lang: Lang, id: &crate::types::StateId) -> Job {
        let c = &self.linked.checked;
        let s = &c.states[id];
        let positions: Vec<Value> = c
            .topics
            .iter()
            .filter_map(|t| {
                let p = c
                    .positions
                    .iter()
                    .find(|p| &p.state == id && p.topic == t.id)?;
                Some(self.position_value(lang, p))
            })
            .collect();
        let reply = c.replies_doc.as_ref().and_then(|doc| {
            c.meta[doc].replies.iter().find(|r| &r.state == id).map(|r| json!({
                "url": format!("{}#{}", self.urls.document(lang, doc), id),
                "doc": self.doc_summary(lang, doc),
                "date_text": r.date.as_deref().map(|d| format_date(d, lang)),
                "language": r.original_language.as_deref().map(|l| self.t(lang, &format!("language_{l}"))),
            }))
        });
        Job {
            template: "state.html",
            lang,
            rel: format!("states/{id}/"),
            title: s.name(lang).to_string(),
            alternate: true,
            text: None,
            ctx: json!({"state": {"id": id.as_str(), "name": s.name(lang), "name_other": s.name(lang.other()),
                        "group": self.t(lang, &format!("group_{}", s.group))},
                        "relations": self.relations_of(lang, id), "positions": positions, "reply": reply,
                        "panel": (!positions.is_empty()).then(|| self.explorer_panel(lang, "state", id.as_str())).flatten(),
                        "card": self.state_card(lang, id),
                        "locator": self.visuals(lang).locator(id), "strip": self.visuals(lang).stance_strip(id),
                        "data_version": self.linked.checked.corpus.config.data_version,
                        "mentioned_in": self.linked.mentioned_in.get(id).into_iter().flatten().map(|d| self.doc_summary(lang, d)).collect::<Vec<_>>()}),
        }
    }

    pub(super) fn relations_of(&self, lang: Lang, id: &crate::types::StateId) -> Vec<Value> {
        self.linked
            .facts
            .iter()
            .filter(|f| &f.state == id)
            .map(|f| {
                let doc = self.doc_summary(lang, &f.doc);
                json!({
                    "relation": f.relation.key(),
                    "label": self.t(lang, &format!("relation_{}", f.relation.key())),
                    "doc": doc,
                    "url": format!("{}#{}", self.urls.document(lang, &f.doc), f.anchor),
                })
            })
            .collect()
    }
}
