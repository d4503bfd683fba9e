//! The explorer and the downloads: their pages, and the explorer's data they and `emit` share:
//! the binary index read by the WebAssembly engine, the static table shown without JavaScript,
//! and the CSV/JSON downloads. All of it comes from the same rows.
//!
//! It must not filter (the WebAssembly engine does, in the browser) nor write files (`emit`
//! writes the index and the downloads); the rows' order and fields are the engine's format
//! (`explorer_wasm::model`).

use super::context::{Job, Renderer};
use super::format::sort_key;
use crate::link::Relation;
use crate::types::Lang;
use explorer_wasm::model::{DocEntry, Index, Label, Row, StateEntry, INDEX_VERSION};
use serde_json::{json, Value};

impl Renderer<'_> {
    pub(super) fn explorer_job(&self, lang: Lang) -> Job {
        let index = build_index(self, lang);
        let mut facets = facets(&index);
        if let Some(stance) = facets.iter_mut().find(|f| f["name"] == "stance") {
            stance["groups"] = self.stance_groups(stance["values"].take(), lang);
        }
        let rows = static_rows(&index);
        Job {
            template: "explorer.html",
            lang,
            rel: "explorer/".into(),
            title: self.t(lang, "nav_explorer"),
            alternate: true,
            text: None,
            ctx: json!({"facets": facets, "rows": rows, "index_url": self.urls.data(&format!("explorer-{}.bin", lang.code())),
                        "map_url": self.urls.data("explorer-map.svg"),
                        "script": self.urls.asset("explorer/init.js"), "n_rows": index.rows.len(),
                        "runtime": self.explorer_runtime.then(|| json!({
                            "glue": self.urls.asset("explorer/explorer.js"),
                            "wasm": self.urls.asset("explorer/explorer_bg.wasm")}))}),
        }
    }

    /// The explorer panel of a State or topic page: the same module, fixed to `facet=id` (a
    /// query string the panel never writes to the URL). None when the site is built without
    /// the module: the page then shows no panel.
    pub(super) fn explorer_panel(&self, lang: Lang, facet: &str, id: &str) -> Option<Value> {
        let mut filter = String::new();
        explorer_wasm::url::push_pair(&mut filter, facet, id);
        self.explorer_runtime.then(|| {
            json!({"filter": filter, "index_url": self.urls.data(&format!("explorer-{}.bin", lang.code())),
                   "map_url": self.urls.data("explorer-map.svg"), "script": self.urls.asset("explorer/panel.js"),
                   "explorer_url": format!("{}?{filter}", self.urls.page(lang, "explorer/"))})
        })
    }

    /// The stance facet's values grouped for the form, so that "Geneva" reads as an answer to
    /// "Venue": first the values several topics share (supports, not addressed…), then each
    /// topic's own values under its label. Each value is in one group only: one checkbox each.
    fn stance_groups(&self, values: Value, lang: Lang) -> Value {
        let topics = &self.linked.checked.topics;
        let Value::Array(values) = values else {
            return Value::Array(Vec::new());
        };
        // The one topic that has a value, if only one has it.
        let owner = |v: &Value| {
            let id = v["id"].as_str().unwrap_or_default();
            let mut users = topics
                .iter()
                .filter(|t| t.stances.iter().any(|s| s.as_str() == id));
            match (users.next(), users.next()) {
                (Some(t), None) => Some(&t.id),
                _ => None,
            }
        };
        let shared: Vec<&Value> = values.iter().filter(|v| owner(v).is_none()).collect();
        let mut groups = vec![json!({"label": self.t(lang, "ex_stance_shared"), "values": shared})];
        for t in topics {
            let own: Vec<&Value> = values.iter().filter(|v| owner(v) == Some(&t.id)).collect();
            if !own.is_empty() {
                groups.push(
                    json!({"label": t.label.get(&lang), "topic": t.id.as_str(), "values": own}),
                );
            }
        }
        Value::Array(groups)
    }

    pub(super) fn downloads_job(&self, lang: Lang) -> Job {
        let cfg = &self.linked.checked.corpus.config;
        let files: Vec<Value> = ["csv", "json"]
            .iter()
            .flat_map(|ext| Lang::ALL.iter().map(move |l| (ext, l)))
            .map(|(ext, l)| {
                json!({
                    "url": self.urls.data(&format!("positions-{}.{ext}", l.code())),
                    "format": ext.to_uppercase(),
                    "lang": self.t(lang, &format!("language_{}", l.code())),
                })
            })
            .collect();
        Job {
            template: "downloads.html",
            lang,
            rel: "downloads/".into(),
            title: self.t(lang, "nav_downloads"),
            alternate: true,
            text: None,
            ctx: json!({"files": files, "licence": cfg.licence, "version": cfg.data_version,
                        "n_positions": self.linked.checked.positions.len(), "n_facts": self.linked.facts.len()}),
        }
    }
}

/// Builds the index of one language from the validated, linked corpus.
pub fn build_index(r: &Renderer, lang: Lang) -> Index {
    let c = &r.linked.checked;
    let t = |k: &str| {
        c.corpus.theme.i18n[&lang]
            .strings
            .get(k)
            .cloned()
            .unwrap_or_else(|| k.to_string())
    };

    let groups: Vec<Label> = crate::validate::GROUPS
        .iter()
        .map(|g| Label {
            id: g.to_string(),
            label: t(&format!("group_{g}")),
        })
        .collect();
    let relations: Vec<Label> = Relation::ALL
        .iter()
        .map(|rel| Label {
            id: rel.key().into(),
            label: t(&format!("relation_{}", rel.key())),
        })
        .collect();
    let documents: Vec<DocEntry> = c
        .meta
        .iter()
        .map(|(slug, m)| DocEntry {
            id: slug.0.clone(),
            label: m.symbol.as_ref().map(|s| s.0.clone()).unwrap_or_else(|| {
                r.doc(slug)
                    .and_then(|d| d.editions.get(&lang).or_else(|| d.editions.values().next()))
                    .map(|e| e.front.title.clone())
                    .unwrap_or_default()
            }),
            url: r.urls.document(lang, slug),
        })
        .collect();
    let topics: Vec<Label> = c
        .topics
        .iter()
        .map(|tp| Label {
            id: tp.id.0.clone(),
            label: tp.label.get(&lang).cloned().unwrap_or_default(),
        })
        .collect();
    let stances: Vec<Label> = c
        .stance_labels
        .iter()
        .map(|(s, l)| Label {
            id: s.0.clone(),
            label: l.get(&lang).cloned().unwrap_or_default(),
        })
        .collect();

    // States that appear in any fact or position, sorted by name in this language.
    let mut ids: Vec<&crate::types::StateId> = c
        .states
        .keys()
        .filter(|id| {
            r.linked.facts.iter().any(|f| &f.state == *id)
                || c.positions.iter().any(|p| &p.state == *id)
        })
        .collect();
    ids.sort_by_key(|id| sort_key(Some(c.states[*id].name(lang))));
    let pos = |v: &[Label], id: &str| v.iter().position(|l| l.id == id).unwrap_or(0) as u16;
    let states: Vec<StateEntry> = ids
        .iter()
        .map(|id| {
            let s = &c.states[*id];
            let mut rels: Vec<u16> = r
                .linked
                .facts
                .iter()
                .filter(|f| &f.state == *id)
                .map(|f| pos(&relations, f.relation.key()))
                .collect();
            rels.sort();
            rels.dedup();
            StateEntry {
                id: id.0.clone(),
                name: s.name(lang).to_string(),
                group: pos(&groups, &s.group),
                relations: rels,
                url: r.urls.state(lang, id),
            }
        })
        .collect();
    let state_ix =
        |id: &crate::types::StateId| ids.iter().position(|x| *x == id).unwrap_or(0) as u16;
    let doc_ix = |slug: &crate::types::Slug| {
        documents.iter().position(|d| d.id == slug.0).unwrap_or(0) as u16
    };

    let mut rows = Vec::new();
    for f in &r.linked.facts {
        rows.push(Row {
            state: state_ix(&f.state),
            doc: doc_ix(&f.doc),
            relation: Some(pos(&relations, f.relation.key())),
            anchor: &f.anchor,
            ..Row::default()
        });
    }
    if let Some(doc) = &c.replies_doc {
        for p in &c.positions {
            rows.push(Row {
                state: state_ix(&p.state),
                doc: doc_ix(doc),
                relation: None,
                topic: Some(pos(&topics, p.topic.as_str())),
                stance: Some(pos(&stances, p.stance.as_str())),
                anchor: p.anchor.as_ref().map_or("", |a| a.0.as_str()),
                quote: p.quote.get(&lang).map_or("", String::as_str),
                note: p.note.get(&lang).map_or("", String::as_str),
            });
        }
    }
    // Stable order: State name, then facts before stances, then topic order.
    rows.sort_by_key(|row| {
        (
            row.state,
            row.topic.is_some(),
            row.topic,
            row.relation,
            row.doc,
        )
    });
    Index {
        version: INDEX_VERSION,
        lang: lang.code().into(),
        groups,
        relations,
        documents,
        topics,
        stances,
        states,
        rows: rows.into_iter().collect(),
    }
}

/// Facet values with their counts over the whole index (the view before any filter).
pub fn facets(index: &Index) -> Vec<Value> {
    let count = |f: &dyn Fn(&Row) -> bool| index.rows.iter().filter(|r| f(r)).count();
    let mk = |name: &str, values: Vec<Value>| json!({"name": name, "values": values});
    vec![
        mk("state", index.states.iter().enumerate().map(|(i, s)| json!({"id": s.id, "label": s.name, "count": count(&|r| r.state as usize == i)})).collect()),
        mk("group", index.groups.iter().enumerate().map(|(i, g)| json!({"id": g.id, "label": g.label, "count": count(&|r| index.states[r.state as usize].group as usize == i)})).collect()),
        mk("relation", index.relations.iter().enumerate().map(|(i, g)| json!({"id": g.id, "label": g.label, "count": count(&|r| index.states[r.state as usize].relations.contains(&(i as u16)))})).collect()),
        mk("doc", index.documents.iter().enumerate().map(|(i, d)| json!({"id": d.id, "label": d.label, "count": count(&|r| r.doc as usize == i)})).collect()),
        mk("topic", index.topics.iter().enumerate().map(|(i, t)| json!({"id": t.id, "label": t.label, "count": count(&|r| r.topic == Some(i as u16))})).collect()),
        mk("stance", index.stances.iter().enumerate().map(|(i, t)| json!({"id": t.id, "label": t.label, "count": count(&|r| r.stance == Some(i as u16))})).collect()),
    ]
}

/// Rows resolved to labels, for the static table and the downloads.
pub fn static_rows(index: &Index) -> Vec<Value> {
    index.rows.iter().map(|r| {
        let s = &index.states[r.state as usize];
        let d = &index.documents[r.doc as usize];
        json!({
            "state_id": s.id,
            "state": s.name,
            "state_url": s.url,
            "group": index.groups[s.group as usize].label,
            "relation": r.relation.map(|i| index.relations[i as usize].label.clone()),
            "document": d.label,
            "topic": r.topic.map(|i| index.topics[i as usize].label.clone()),
            "topic_id": r.topic.map(|i| index.topics[i as usize].id.clone()),
            "stance": r.stance.map(|i| index.stances[i as usize].label.clone()),
            "stance_id": r.stance.map(|i| index.stances[i as usize].id.clone()),
            "quote": r.quote,
            "note": r.note,
            "url": if r.anchor.is_empty() { d.url.clone() } else { format!("{}#{}", d.url, r.anchor) },
        })
    }).collect()
}

/// Every field of a row, in the order of the CSV's columns and of the JSON's `columns`.
pub const COLUMNS: [&str; 13] = [
    "state_id",
    "state",
    "state_url",
    "group",
    "relation",
    "document",
    "topic_id",
    "topic",
    "stance_id",
    "stance",
    "quote",
    "note",
    "url",
];

/// RFC 4180 CSV of the rows (absolute URLs, so the file is useful outside the site).
pub fn to_csv(rows: &[Value], origin: &str) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for r in rows {
        let cells: Vec<String> = COLUMNS
            .iter()
            .map(|c| {
                let v = match r.get(*c) {
                    Some(Value::String(s)) if c.ends_with("url") => format!("{origin}{s}"),
                    Some(Value::String(s)) => s.clone(),
                    _ => String::new(),
                };
                if v.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    v
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn to_json(rows: &[Value], origin: &str, version: &str, licence: &str, lang: Lang) -> String {
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if let Some(u) = r.get("url").and_then(Value::as_str) {
                r["url"] = json!(format!("{origin}{u}"));
            }
            if let Some(u) = r.get("state_url").and_then(Value::as_str) {
                r["state_url"] = json!(format!("{origin}{u}"));
            }
            r
        })
        .collect();
    let doc = json!({"version": version, "licence": licence, "language": lang.code(), "columns": COLUMNS, "rows": rows});
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_per_rfc4180() {
        let rows = vec![
            json!({"state_id": "fra", "state": "France", "quote": "il dit « oui, \"vraiment\" »", "url": "/fr/x/#p1"}),
        ];
        let csv = to_csv(&rows, "https://h");
        let line = csv.lines().nth(1).unwrap_or_default();
        assert_eq!(
            line,
            "fra,France,,,,,,,,,\"il dit « oui, \"\"vraiment\"\" »\",,https://h/fr/x/#p1"
        );
    }
}
