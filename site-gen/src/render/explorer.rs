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
    /// `None` when the index cannot be built: `emit::side_files` builds the same index and
    /// reports why, so the build fails there.
    pub(super) fn explorer_job(&self, lang: Lang) -> Option<Job> {
        let index = build_index(self, lang).ok()?;
        let mut facets = facets(&index);
        if let Some(stance) = facets.iter_mut().find(|f| f["name"] == "stance") {
            stance["groups"] = self.stance_groups(stance["values"].take(), lang);
        }
        let rows = static_rows(&index);
        Some(Job {
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
        })
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

/// Where `id` is in `entries`, as the index stores it (a `u16`, 0xFFFF meaning "none"). A
/// missing entry or one past 65 535 is an error: a row pointing at entry 0 would show another
/// State's or document's name.
fn entry<T>(entries: &[T], is: impl Fn(&T) -> bool, what: &str, id: &str) -> Result<u16, String> {
    let at = entries
        .iter()
        .position(is)
        .ok_or_else(|| format!("the explorer's index has no {what} `{id}`"))?;
    u16::try_from(at)
        .ok()
        .filter(|&i| i != explorer_wasm::model::NONE)
        .ok_or_else(|| {
            format!(
                "the explorer's index holds at most 65 535 {what} entries, and `{id}` is entry {}",
                at + 1
            )
        })
}

/// Builds the index of one language from the validated, linked corpus. Fails when a row names
/// a State, document or label the index does not hold, or a table outgrows the format's `u16`.
pub fn build_index(r: &Renderer, lang: Lang) -> Result<Index, String> {
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
    let pos = |v: &[Label], what: &str, id: &str| entry(v, |l| l.id == id, what, id);
    let states: Vec<StateEntry> = ids
        .iter()
        .map(|id| {
            let s = &c.states[*id];
            let mut rels: Vec<u16> = r
                .linked
                .facts
                .iter()
                .filter(|f| &f.state == *id)
                .map(|f| pos(&relations, "relation", f.relation.key()))
                .collect::<Result<_, _>>()?;
            rels.sort();
            rels.dedup();
            Ok(StateEntry {
                id: id.0.clone(),
                name: s.name(lang).to_string(),
                group: pos(&groups, "regional group", &s.group)?,
                relations: rels,
                url: r.urls.state(lang, id),
            })
        })
        .collect::<Result<_, String>>()?;
    let state_ix = |id: &crate::types::StateId| entry(&ids, |x| *x == id, "State", &id.0);
    let doc_ix =
        |slug: &crate::types::Slug| entry(&documents, |d| d.id == slug.0, "document", &slug.0);

    let mut rows = Vec::new();
    for f in &r.linked.facts {
        rows.push(Row {
            state: state_ix(&f.state)?,
            doc: doc_ix(&f.doc)?,
            relation: Some(pos(&relations, "relation", f.relation.key())?),
            anchor: &f.anchor,
            ..Row::default()
        });
    }
    if let Some(doc) = &c.replies_doc {
        for p in &c.positions {
            rows.push(Row {
                state: state_ix(&p.state)?,
                doc: doc_ix(doc)?,
                relation: None,
                topic: Some(pos(&topics, "topic", p.topic.as_str())?),
                stance: Some(pos(&stances, "stance", p.stance.as_str())?),
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
    Ok(Index {
        version: INDEX_VERSION,
        lang: lang.code().into(),
        groups,
        relations,
        documents,
        topics,
        stances,
        states,
        rows: rows.into_iter().collect(),
    })
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

/// Every field of a row, in the order of the CSV's columns and of the JSON's `columns`: the
/// explorer's own export's, so the download page and the explorer give the same columns.
pub use explorer_wasm::export::COLUMNS;

/// RFC 4180 CSV of every row of `index` (absolute URLs, so the file is useful outside the
/// site), written by the explorer's export: the explorer's "export" of all rows is this file.
pub fn to_csv(index: &Index, origin: &str) -> String {
    let all: Vec<u32> = (0..index.rows.len() as u32).collect();
    explorer_wasm::export::to_csv(index, &all, origin)
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
    use crate::link::Fact;
    use crate::types::{Slug, StateId};

    #[test]
    fn an_entry_is_its_position_when_the_table_holds_it() {
        let table = ["a", "b", "c"];
        assert_eq!(entry(&table, |x| *x == "b", "State", "b"), Ok(1));
        assert_eq!(entry(&table, |x| *x == "a", "State", "a"), Ok(0));
    }

    #[test]
    fn a_missing_entry_is_an_error_not_entry_0() {
        let table = ["a", "b"];
        assert_eq!(
            entry(&table, |x| *x == "zzz", "State", "zzz"),
            Err("the explorer's index has no State `zzz`".to_string())
        );
    }

    #[test]
    fn an_entry_past_65_535_is_an_error_not_a_truncation() {
        // 65 536 entries: the last one's position, 65 535, is 0xFFFF, the format's "none"; the
        // one after it would wrap to 0.
        let table: Vec<u32> = (0..65_537).collect();
        assert_eq!(entry(&table, |x| *x == 65_534, "topic", "t"), Ok(65_534));
        assert_eq!(
            entry(&table, |x| *x == 65_535, "topic", "t"),
            Err(
                "the explorer's index holds at most 65 535 topic entries, and `t` is entry 65536"
                    .to_string()
            )
        );
        assert!(entry(&table, |x| *x == 65_536, "topic", "u").is_err());
    }

    /// The mini fixture, loaded, validated and linked.
    fn mini() -> crate::link::Linked {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/mini");
        let corpus = crate::load::load(&root).expect("the mini fixture loads");
        let checked = crate::validate::validate(corpus).expect("the mini fixture is valid");
        crate::link::link(checked)
    }

    #[test]
    fn a_fact_about_a_state_or_document_the_index_lacks_is_an_error() {
        let mut linked = mini();
        let known = linked.facts[0].clone();
        linked.facts.push(Fact {
            state: StateId("zzz".into()),
            ..known.clone()
        });
        let r = Renderer::new(&linked).expect("templates compile");
        assert_eq!(
            build_index(&r, Lang::Fr).map(|_| ()),
            Err("the explorer's index has no State `zzz`".to_string())
        );
        // The explorer page is left out; `emit` reports the error and the build fails.
        assert!(r.explorer_job(Lang::Fr).is_none());

        let mut linked = mini();
        linked.facts.push(Fact {
            doc: Slug("no-such-doc".into()),
            ..known
        });
        let r = Renderer::new(&linked).expect("templates compile");
        assert_eq!(
            build_index(&r, Lang::En).map(|_| ()),
            Err("the explorer's index has no document `no-such-doc`".to_string())
        );
    }

    #[test]
    fn the_mini_fixture_builds_its_index() {
        let linked = mini();
        let r = Renderer::new(&linked).expect("templates compile");
        let index = build_index(&r, Lang::Fr).expect("index");
        assert_eq!(
            index.rows.len(),
            linked.facts.len() + linked.checked.positions.len()
        );
    }
}
