//! The open-data API of the real site (`api/v1/`, docs/api.md): every file valid against its
//! published JSON Schema, every anchored block of every document page present in its document's
//! file with the page's text, and the headers that let other origins read it.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn site() -> BTreeMap<String, Vec<u8>> {
    match site_gen::generate(&root(), None, None) {
        Ok((out, _)) => out,
        Err(d) => panic!("the real content does not build:\n{d}"),
    }
}

fn json(out: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
    let bytes = out.get(path).unwrap_or_else(|| panic!("missing {path}"));
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{path}: not JSON: {e}"))
}

/// The kind of API file at `path` (relative to `api/v1/`), which names its schema.
fn schema_of(rel: &str) -> &'static str {
    match rel {
        "index.json" => "index",
        "positions.json" => "positions",
        _ if rel.starts_with("documents/") => "document",
        _ if rel.starts_with("states/") => "state",
        _ if rel.starts_with("topics/") => "topic",
        _ => panic!("an API file of no known kind: {rel}"),
    }
}

fn validators(out: &BTreeMap<String, Vec<u8>>) -> BTreeMap<&'static str, jsonschema::Validator> {
    ["index", "document", "state", "topic", "positions"]
        .into_iter()
        .map(|name| {
            let schema = json(out, &format!("api/v1/schema/{name}.schema.json"));
            assert_eq!(
                schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
                "{name}: the schemas are draft 2020-12"
            );
            jsonschema::meta::validate(&schema)
                .unwrap_or_else(|e| panic!("{name}.schema.json is not a valid schema: {e}"));
            let v = jsonschema::validator_for(&schema)
                .unwrap_or_else(|e| panic!("{name}.schema.json: {e}"));
            (name, v)
        })
        .collect()
}

fn site_toml() -> toml::Table {
    let text = std::fs::read_to_string(root().join("site.toml")).expect("site.toml");
    text.parse().expect("site.toml is TOML")
}

#[test]
fn every_api_file_is_valid_against_its_schema() {
    let out = site();
    let validators = validators(&out);
    let data_version = site_toml()["data_version"]
        .as_str()
        .expect("data_version")
        .to_string();
    assert!(!data_version.is_empty());
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for (path, bytes) in &out {
        let Some(rel) = path.strip_prefix("api/v1/") else {
            continue;
        };
        if rel.starts_with("schema/") {
            continue;
        }
        let kind = schema_of(rel);
        *counts.entry(kind).or_default() += 1;
        let v: Value = serde_json::from_slice(bytes).expect("JSON");
        for e in validators[kind].iter_errors(&v) {
            problems.push(format!("{path}: {e} at {}", e.instance_path()));
        }
        assert_eq!(v["data_version"], data_version.as_str(), "{path}");
        assert_eq!(v["api_version"], "v1", "{path}");
        assert!(
            v["$schema"]
                .as_str()
                .is_some_and(|s| s.ends_with(&format!("/api/v1/schema/{kind}.schema.json"))),
            "{path}: names its schema"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // One file per document, State and topic of the content, and the two single files.
    let states = std::fs::read_to_string(root().join("content/data/states.toml")).expect("states");
    let n_states = states.lines().filter(|l| l.trim() == "[[state]]").count();
    let topics = std::fs::read_to_string(root().join("content/data/topics.toml")).expect("topics");
    let n_topics = topics.lines().filter(|l| l.trim() == "[[topic]]").count();
    assert!(n_states > 37 && n_topics >= 19, "{n_states} {n_topics}");
    assert_eq!(counts.get("document"), Some(&5));
    assert_eq!(counts.get("state"), Some(&n_states));
    assert_eq!(counts.get("topic"), Some(&n_topics));
    assert_eq!(counts.get("index"), Some(&1));
    assert_eq!(counts.get("positions"), Some(&1));
}

#[test]
fn the_schemas_reject_a_file_that_breaks_them() {
    let out = site();
    let validators = validators(&out);
    let doc = json(&out, "api/v1/documents/a-78-76.json");
    assert!(validators["document"].is_valid(&doc));
    type Change = fn(&mut Value);
    let broken: [(&str, Change); 5] = [
        ("blocks removed", |v| {
            v.as_object_mut().expect("object").remove("blocks");
        }),
        ("a kind of block the API does not have", |v| {
            v["blocks"][0]["kind"] = "sentence".into()
        }),
        ("a field the schema does not describe", |v| {
            v["blocks"][0]["html"] = "<p>x</p>".into()
        }),
        ("a date that is not ISO", |v| {
            v["date"] = "18 avril 2023".into()
        }),
        ("a permalink in one language only", |v| {
            v["blocks"][0]["permalink"]
                .as_object_mut()
                .expect("object")
                .remove("en");
        }),
    ];
    for (what, change) in broken {
        let mut v = doc.clone();
        change(&mut v);
        assert!(!validators["document"].is_valid(&v), "accepted: {what}");
    }
    let mut state = json(&out, "api/v1/states/fra.json");
    assert!(validators["state"].is_valid(&state));
    state["group"] = "Europe".into();
    assert!(!validators["state"].is_valid(&state), "accepted a group");
}

/// A tag of our generated HTML: its name, whether it closes, and its attributes' text.
struct Tag<'h> {
    name: &'h str,
    closing: bool,
    attrs: &'h str,
    end: usize,
}

fn tag_at(html: &str, at: usize) -> Tag<'_> {
    let end = at + html[at..].find('>').expect("tag ends") + 1;
    let inner = &html[at + 1..end - 1];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let split = inner.find([' ', '\n']).unwrap_or(inner.len());
    Tag {
        name: &inner[..split],
        closing,
        attrs: &inner[split..],
        end,
    }
}

/// Where the element opened at `start` ends (after its closing tag).
fn element_end(html: &str, start: usize) -> usize {
    let name = tag_at(html, start).name;
    let mut depth = 0usize;
    let mut i = start;
    while let Some(k) = html[i..].find('<') {
        let t = tag_at(html, i + k);
        if t.name == name {
            if t.closing {
                depth -= 1;
                if depth == 0 {
                    return t.end;
                }
            } else {
                depth += 1;
            }
        }
        i = t.end;
    }
    panic!("unclosed <{name}> at {start}")
}

/// What the API promises a block's text is, read from the page a reader sees: the element's
/// text, without the permalink sign, the footnote markers and numbers, the back links, and the
/// anchored blocks nested in it (each is a block of its own); cells joined by ` | `.
fn visible_text(html: &str, start: usize) -> String {
    let end = element_end(html, start);
    let open = tag_at(html, start);
    let mut cells: Vec<String> = vec![String::new()];
    let mut i = open.end;
    let close_at = html[..end].rfind('<').expect("closing tag");
    while i < close_at {
        let Some(k) = html[i..close_at].find('<') else {
            cells.last_mut().expect("cell").push_str(&html[i..close_at]);
            break;
        };
        cells.last_mut().expect("cell").push_str(&html[i..i + k]);
        let at = i + k;
        let t = tag_at(html, at);
        let skipped = !t.closing
            && (t.attrs.contains("class=\"permalink\"")
                || t.attrs.contains("class=\"cite-link\"")
                || t.attrs.contains("class=\"footnote-back\"")
                || t.attrs.contains("class=\"fnref\"")
                || t.attrs.contains("class=\"fn-num\"")
                || (is_block(t.name) && t.attrs.starts_with(" id=\"")));
        if skipped {
            i = element_end(html, at);
            continue;
        }
        if !t.closing && ["td", "th"].contains(&t.name) && at > open.end {
            if !(cells.len() == 1 && cells[0].is_empty()) {
                cells.push(String::new());
            }
        } else if [
            "br",
            "p",
            "li",
            "ul",
            "ol",
            "div",
            "blockquote",
            "pre",
            "tr",
            "table",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
        ]
        .contains(&t.name)
        {
            // Block boundaries (and line breaks) separate words.
            cells.last_mut().expect("cell").push(' ');
        }
        i = t.end;
    }
    let cells: Vec<String> = cells
        .iter()
        .map(|c| site_gen::text::collapse_ws(&html_escape::decode_html_entities(c)))
        .collect();
    cells.join(" | ")
}

/// The elements the API records when they carry an id.
fn is_block(name: &str) -> bool {
    ["p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"].contains(&name)
}

/// Every anchored block of a document page's body: (anchor, kind, text).
fn page_blocks(page: &str) -> Vec<(String, &'static str, String)> {
    let body_start = page
        .find("<div class=\"doc-body\">")
        .expect("document body");
    let body_end = body_start + page[body_start..].find("<section ").expect("end of body");
    blocks_in(&page[..body_end], body_start)
}

/// Every anchored block of `html` from byte `from` on.
fn blocks_in(body: &str, from: usize) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    let mut i = from;
    while let Some(k) = body[i..].find('<') {
        let at = i + k;
        let t = tag_at(body, at);
        i = t.end;
        if t.closing {
            continue;
        }
        let Some(id) = t
            .attrs
            .strip_prefix(" id=\"")
            .and_then(|r| r.split('"').next())
        else {
            continue;
        };
        let kind = match t.name {
            "p" => "paragraph",
            "li" if id.starts_with("fn-") => "footnote",
            "li" => "list-item",
            "tr" => "table-row",
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => "heading",
            _ => continue,
        };
        out.push((id.to_string(), kind, visible_text(body, at)));
    }
    out
}

const DOCS: [&str; 5] = [
    "a-c-1-78-l-60-rev-1",
    "a-c-1-74-l-50-rev-1",
    "a-78-76",
    "a-res-71-28",
    "oewg-2021-2025-session-4-programme",
];

#[test]
fn every_anchored_block_of_every_document_page_is_in_its_file_with_the_same_text() {
    let out = site();
    for slug in DOCS {
        let file = json(&out, &format!("api/v1/documents/{slug}.json"));
        let blocks = file["blocks"].as_array().expect("blocks");
        for lang in ["fr", "en"] {
            let page =
                String::from_utf8(out[&format!("{lang}/documents/{slug}/index.html")].clone())
                    .expect("utf-8");
            let on_page = page_blocks(&page);
            assert!(
                on_page.len() > 10,
                "{slug} {lang}: {} blocks",
                on_page.len()
            );
            let in_file: Vec<(String, &str, String)> = blocks
                .iter()
                .filter(|b| b["text"].get(lang).is_some() && b["anchor"].is_string())
                .map(|b| {
                    (
                        b["anchor"].as_str().expect("anchor").to_string(),
                        b["kind"].as_str().expect("kind"),
                        b["text"][lang].as_str().expect("text").to_string(),
                    )
                })
                .collect();
            // Same blocks, same kinds, same texts; the footnotes are placed where their
            // section ends on the page and where they are defined in the file.
            let mut a = on_page.clone();
            let mut b: Vec<(String, &'static str, String)> = in_file
                .iter()
                .map(|(x, k, t)| {
                    let k: &'static str = match *k {
                        "paragraph" => "paragraph",
                        "footnote" => "footnote",
                        "list-item" => "list-item",
                        "table-row" => "table-row",
                        "heading" => "heading",
                        other => panic!("unknown kind {other}"),
                    };
                    (x.clone(), k, t.clone())
                })
                .collect();
            a.sort();
            b.sort();
            for (p, f) in a.iter().zip(&b) {
                assert_eq!(
                    p, f,
                    "{slug} {lang}: the page (left) and the file (right) differ"
                );
            }
            assert_eq!(a.len(), b.len(), "{slug} {lang}: numbers of blocks");
            // The text is plain: no markup from the content or the page.
            for (anchor, _, text) in &b {
                assert!(
                    !text.contains('<') || slug == "a-78-76",
                    "{slug} {anchor}: {text}"
                );
                assert!(
                    !text.contains("&amp;") && !text.contains("&lt;"),
                    "{slug} {anchor}: {text}"
                );
            }
            // Outside the footnotes, the order is the page's.
            let order = |v: &[(String, &str, String)]| -> Vec<String> {
                v.iter()
                    .filter(|x| x.1 != "footnote")
                    .map(|x| x.0.clone())
                    .collect()
            };
            assert_eq!(order(&on_page), order(&in_file), "{slug} {lang}: order");
        }
    }
}

#[test]
fn hand_checked_blocks_of_the_real_documents() {
    let out = site();
    let doc = json(&out, "api/v1/documents/a-78-76.json");
    let block = |anchor: &str| -> Value {
        doc["blocks"]
            .as_array()
            .expect("blocks")
            .iter()
            .find(|b| b["anchor"] == anchor)
            .cloned()
            .unwrap_or_else(|| panic!("no block {anchor}"))
    };
    // Read in content/fr/documents/a-78-76.md and its English edition.
    let s1 = block("s1");
    assert_eq!(s1["kind"], "heading");
    assert_eq!(s1["text"]["fr"], "I. Introduction");
    let p1 = block("p1");
    assert_eq!(p1["kind"], "paragraph");
    assert!(p1["text"]["fr"]
        .as_str()
        .expect("text")
        .starts_with("1. Au paragraphe 3 de sa résolution 77/37, l'Assemblée générale a prié"));
    assert!(p1["cites"]
        .as_array()
        .expect("cites")
        .contains(&Value::from("A/RES/77/37")));
    assert_eq!(
        p1["permalink"]["en"],
        "https://un-ict-security.example.org/en/documents/a-78-76/#p1"
    );
    let fn1 = block("fn-1");
    assert_eq!(fn1["kind"], "footnote");
    assert_eq!(fn1["text"]["fr"], "A/65/201.");
    assert_eq!(fn1["cites"], serde_json::json!(["A/65/201"]));
    let head = block("t1-r0");
    assert_eq!(head["kind"], "table-row");
    assert_eq!(
        head["text"]["fr"],
        "Cote du document | Titre du document | Par./sect."
    );
    assert_eq!(doc["symbol"], "A/78/76");
    assert_eq!(doc["date"], "2023-04-18");
    assert_eq!(doc["editions"]["en"]["translation"], "unofficial");
    assert!(doc["editions"]["fr"].get("translation").is_none());
}

/// The lines without an anchor (the masthead) are blocks too, in place, with `anchor: null`,
/// paired with their translation, and the page itself as permalink. Read in
/// content/{fr,en}/documents/a-78-76.md and the programme's two editions.
#[test]
fn blocks_without_an_anchor_are_in_the_file_in_place() {
    let out = site();
    let doc = json(&out, "api/v1/documents/a-78-76.json");
    let blocks = doc["blocks"].as_array().expect("blocks");
    let masthead: Vec<(&str, &str)> = blocks
        .iter()
        .take_while(|b| b["anchor"].is_null())
        .map(|b| {
            (
                b["text"]["fr"].as_str().expect("fr"),
                b["text"]["en"].as_str().expect("en"),
            )
        })
        .collect();
    assert_eq!(
        masthead,
        [
            ("Assemblée générale", "General Assembly"),
            ("Distr. générale", "Distr.: General"),
            ("18 avril 2023", "18 April 2023"),
            ("Français", "English"),
            ("Original : anglais", "Original: English"),
            ("Soixante-dix-huitième session", "Seventy-eighth session"),
            ("Point 97 de la liste préliminaire", "Item 97 of the preliminary list"),
            (
                "Progrès de l'informatique et des télécommunications et sécurité internationale",
                "Developments in the field of information and telecommunications in the context of international security"
            ),
            ("Rapport du Secrétaire général", "Report of the Secretary-General"),
        ]
    );
    let item = &blocks[6];
    assert_eq!(item["kind"], "paragraph");
    assert_eq!(item["notes"], serde_json::json!(["fn-star"]));
    assert_eq!(
        item["permalink"]["fr"],
        "https://un-ict-security.example.org/fr/documents/a-78-76/"
    );
    assert_eq!(
        blocks[9]["anchor"], "summary",
        "the first anchored block follows"
    );
    let programme = json(
        &out,
        "api/v1/documents/oewg-2021-2025-session-4-programme.json",
    );
    let first = &programme["blocks"][0];
    assert!(first["anchor"].is_null());
    assert_eq!(first["text"]["fr"], "Note du Secrétariat");
    assert_eq!(first["text"]["en"], "Note by the Secretariat");
}

#[test]
fn the_api_and_the_data_files_may_be_read_from_any_origin() {
    let out = site();
    let headers = String::from_utf8(out["_headers"].clone()).expect("utf-8");
    for path in ["/api/*", "/data/*"] {
        let block = headers
            .split_once(&format!("\n{path}\n"))
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("no rule for {path} in _headers:\n{headers}"));
        let first = block.lines().next().unwrap_or_default();
        assert_eq!(first, "  Access-Control-Allow-Origin: *", "{path}");
    }
}

/// Renders text without links, as the Markdown stage's own tests do.
struct Plain;

impl site_gen::markdown::Linker for Plain {
    fn link_text(&self, out: &mut String, text: &str, _: &mut dyn FnMut() -> bool) {
        site_gen::text::esc_into(out, text)
    }
    fn permalink_label(&self) -> &str {
        "Lien"
    }
    fn footnotes_heading(&self) -> &str {
        "Notes"
    }
    fn back_label(&self) -> &str {
        "Retour"
    }
}

/// Markdown made of the blocks the API records, nested and mixed, with line breaks inside
/// them, markup, raw HTML, and footnotes.
fn markdownish() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        Just("\n\n".to_string()),
        Just("\n".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("  - ".to_string()),
        Just("1. ".to_string()),
        Just("## Titre {#s1}\n".to_string()),
        Just("{#p1} 1. Texte ".to_string()),
        Just("- {#p2-a} a) point ".to_string()),
        Just("  - {#p2-a-i} i) sous-point ".to_string()),
        Just("```\ncode <div>\n```\n".to_string()),
        Just("| a | b |\n|---|---|\n| x<br>y | *z* |\n".to_string()),
        Just("note[^1] ".to_string()),
        Just("\n[^1]: La note\n  sur deux lignes.\n".to_string()),
        Just("<script>alert(1)</script> ".to_string()),
        Just("*em* **fort** `code` ".to_string()),
        Just("[lien](https://example.org/) ".to_string()),
        Just("&amp; &lt;i&gt; ".to_string()),
        "[a-zé ]{0,10}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// The recorded texts are those of the rendered HTML, for any mix of the blocks the
    /// content format has (the real documents have few line breaks inside a block).
    #[test]
    fn recorded_texts_are_the_rendered_blocks_texts(body in markdownish()) {
        let r = site_gen::markdown::render(&body, &Plain, false);
        let mut in_html = blocks_in(&r.html, 0);
        let mut recorded: Vec<(String, &'static str, String)> = r
            .texts
            .iter()
            .filter_map(|b| Some((b.anchor.clone()?, b.kind.key(), b.text.clone())))
            .collect();
        in_html.sort();
        recorded.sort();
        proptest::prop_assert_eq!(in_html, recorded, "{}", r.html);
    }
}

/// The cells of an RFC 4180 CSV (quoted cells, doubled quotes, CRLF records).
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match (quoted, ch) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => cell.push(c),
        }
    }
    records
}

/// Every CSV download read against `data/datapackage.json` (Frictionless Tabular Data Package):
/// the header is the fields' names in order, and every cell meets its field's type, format,
/// pattern, enum and required constraints (empty cells are missing values).
#[test]
fn the_data_package_describes_every_csv_download() {
    let out = site();
    let pkg = json(&out, "data/datapackage.json");
    assert_eq!(pkg["profile"], "tabular-data-package");
    assert_eq!(
        pkg["version"].as_str(),
        site_toml()["data_version"].as_str()
    );
    assert!(pkg["licenses"][0]["name"].is_string() && pkg["sources"].is_array());
    let resources = pkg["resources"].as_array().expect("resources");
    assert_eq!(resources.len(), 2, "one resource per CSV download");
    for res in resources {
        assert_eq!(res["profile"], "tabular-data-resource");
        let path = format!("data/{}", res["path"].as_str().expect("path"));
        let text = String::from_utf8(out[&path].clone()).expect("utf-8");
        let records = csv_records(&text);
        let fields = res["schema"]["fields"].as_array().expect("fields");
        let names: Vec<&str> = fields
            .iter()
            .map(|f| f["name"].as_str().expect("name"))
            .collect();
        assert_eq!(records[0], names, "{path}: header");
        assert!(records.len() > 500, "{path}: {} rows", records.len());
        let mut stances = std::collections::BTreeSet::new();
        for (n, row) in records.iter().enumerate().skip(1) {
            assert_eq!(row.len(), fields.len(), "{path}:{}: cells", n + 1);
            for (cell, f) in row.iter().zip(fields) {
                let name = f["name"].as_str().unwrap_or_default();
                let at = format!("{path}:{} {name} = {cell:?}", n + 1);
                assert_eq!(f["type"], "string", "{at}");
                let c = &f["constraints"];
                if cell.is_empty() {
                    assert_ne!(c["required"], true, "{at}: required");
                    continue;
                }
                if f["format"] == "uri" {
                    assert!(cell.starts_with("https://"), "{at}: not a URI");
                }
                if let Some(p) = c["pattern"].as_str() {
                    assert!(
                        cell.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                            && p == "[a-z0-9-]+",
                        "{at}: pattern {p}"
                    );
                }
                if let Some(values) = c["enum"].as_array() {
                    assert!(
                        values.iter().any(|v| v == cell.as_str()),
                        "{at}: not in the enum"
                    );
                }
                if name == "stance_id" {
                    stances.insert(cell.clone());
                }
            }
        }
        // Hand-checked: the topics' stance values (content/data/topics.toml) that occur.
        for s in ["supports", "not-addressed"] {
            assert!(stances.contains(s), "{path}: no {s}");
        }
    }
}
