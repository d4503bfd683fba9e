//! `data/datapackage.json`: the Frictionless "Tabular Data Package" descriptor of the CSV
//! downloads (`data/positions-<lang>.csv`): every column's type and description, the allowed
//! values as enums (ids, and the labels of each language), the licence and the sources.
//!
//! It describes the columns `explorer::to_csv` writes (`explorer::COLUMNS`, in that order); it
//! must not read the CSV itself.

use super::context::Renderer;
use super::explorer::COLUMNS;
use crate::link::Relation;
use crate::types::Lang;
use crate::validate::GROUPS;
use serde_json::{json, Value};

impl Renderer<'_> {
    /// The descriptor, as bytes.
    pub fn datapackage(&self) -> Vec<u8> {
        let c = &self.linked.checked;
        let cfg = &c.corpus.config;
        let resources: Vec<Value> = Lang::ALL
            .iter()
            .map(|&lang| {
                let code = lang.code();
                json!({
                    "name": format!("positions-{code}"),
                    "path": format!("positions-{code}.csv"),
                    "profile": "tabular-data-resource",
                    "title": self.t(lang, "nav_downloads"),
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": "\"", "doubleQuote": true, "header": true},
                    "schema": {"fields": self.fields(lang), "missingValues": [""]},
                })
            })
            .collect();
        let descriptor = json!({
            "profile": "tabular-data-package",
            "name": "un-ict-security-positions",
            "title": "ICT security at the UN: States' relations to the documents and coded positions",
            "version": cfg.data_version,
            "homepage": cfg.base_url,
            "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": cfg.licence}],
            "sources": [
                {"title": "United Nations Official Document System", "path": "https://undocs.org/"},
                {"title": "Open-data API of this site", "path": format!("{}api/v1/index.json", cfg.base_url)},
            ],
            "resources": resources,
        });
        let mut out = serde_json::to_vec_pretty(&descriptor).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// The CSV's columns in `lang`, in the order `explorer::to_csv` writes them.
    fn fields(&self, lang: Lang) -> Vec<Value> {
        let c = &self.linked.checked;
        let labels =
            |keys: Vec<String>| -> Vec<String> { keys.iter().map(|k| self.t(lang, k)).collect() };
        let topic_ids: Vec<&str> = c.topics.iter().map(|t| t.id.as_str()).collect();
        let topic_labels: Vec<&str> = c
            .topics
            .iter()
            .filter_map(|t| t.label.get(&lang).map(String::as_str))
            .collect();
        let stance_ids: Vec<&str> = c.stance_labels.keys().map(|s| s.as_str()).collect();
        let stance_labels: Vec<&str> = c
            .stance_labels
            .values()
            .filter_map(|l| l.get(&lang).map(String::as_str))
            .collect();
        let url = |desc: &str| json!({"type": "string", "format": "uri", "description": desc});
        let text = |desc: &str| json!({"type": "string", "description": desc});
        let one_of = |desc: &str, values: Value| json!({"type": "string", "description": desc, "constraints": {"enum": values}});
        let mut fields = vec![
            json!({"type": "string", "description": "State or entity id: lowercase ISO 3166-1 alpha-3, or `eu`", "constraints": {"required": true, "pattern": "[a-z0-9-]+"}}),
            json!({"type": "string", "description": "The State's short name", "constraints": {"required": true}}),
            url("The State's page"),
            one_of(
                "UN regional group",
                json!(labels(
                    GROUPS.iter().map(|g| format!("group_{g}")).collect()
                )),
            ),
            one_of(
                "The State's relation to the document (a fact row), empty on a coded position",
                json!(labels(
                    Relation::ALL
                        .iter()
                        .map(|r| format!("relation_{}", r.key()))
                        .collect()
                )),
            ),
            text("The document's symbol (or title when it has none)"),
            one_of("Topic id (coded positions only)", json!(topic_ids)),
            one_of("The topic's label", json!(topic_labels)),
            one_of("Stance id (coded positions only)", json!(stance_ids)),
            one_of("The stance's label", json!(stance_labels)),
            text("Verbatim evidence at the paragraph, in this language"),
            text("The coder's note"),
            json!({"type": "string", "format": "uri", "description": "The paragraph that holds the evidence", "constraints": {"required": true}}),
        ];
        for (f, name) in fields.iter_mut().zip(COLUMNS) {
            f["name"] = json!(name);
        }
        fields
    }
}
