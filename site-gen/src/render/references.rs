//! References and the timeline: every symbol the corpus cites with the documents citing it, and
//! the resolutions recalled by the documents in date order, with the dates their texts give.
//!
//! It must not find citations or recalls in texts (link does); it only lists them.

use super::context::{Job, Renderer};
use super::format::object;
use crate::types::Lang;
use serde_json::{json, Value};
use std::collections::BTreeMap;

impl Renderer<'_> {
    pub(super) fn references_job(&self, lang: Lang) -> Job {
        let mut refs: Vec<(&crate::types::Symbol, Value)> = self
            .linked
            .cited_by
            .iter()
            .map(|(sym, docs)| {
                (
                    sym,
                    object([
                        ("symbol", sym.as_str().into()),
                        ("url", self.symbol_href(lang, sym).into()),
                        ("internal", self.linked.by_symbol.contains_key(sym).into()),
                        (
                            "cited_by",
                            docs.iter().map(|d| self.doc_summary(lang, d)).collect(),
                        ),
                    ]),
                )
            })
            .collect();
        refs.sort_by_key(|r| crate::link::symbol_order(r.0));
        let refs: Vec<Value> = refs.into_iter().map(|(_, v)| v).collect();
        Job {
            template: "references.html",
            lang,
            rel: "references/".into(),
            title: self.t(lang, "nav_references"),
            alternate: true,
            text: None,
            ctx: object([("references", Value::Array(refs))]),
        }
    }

    pub(super) fn timeline_job(&self, lang: Lang) -> Job {
        // One entry per resolution; the dates as each recalling document's text gives them.
        let mut by_symbol: BTreeMap<(u32, u32, String), (Value, Vec<Value>)> = BTreeMap::new();
        for r in self.linked.timeline.get(&lang).into_iter().flatten() {
            let e = by_symbol
                .entry(crate::link::symbol_order(&r.symbol))
                .or_insert_with(|| {
                    (
                        json!({
                            "symbol": r.symbol.as_str(),
                            "url": self.symbol_href(lang, &r.symbol),
                            "date_text": r.date.text,
                            "year": r.date.year,
                        }),
                        Vec::new(),
                    )
                });
            let d = self.doc_summary(lang, &r.doc);
            if !e.1.contains(&d) {
                e.1.push(d);
            }
        }
        let entries: Vec<Value> = by_symbol
            .into_values()
            .map(|(mut v, docs)| {
                v["recalled_by"] = Value::Array(docs);
                v
            })
            .collect();
        Job {
            template: "timeline.html",
            lang,
            rel: "timeline/".into(),
            title: self.t(lang, "nav_timeline"),
            alternate: true,
            text: None,
            ctx: object([("entries", Value::Array(entries))]),
        }
    }
}
