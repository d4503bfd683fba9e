//! The open-data API: static JSON files under `api/v1/` (docs/api.md), and their JSON Schemas
//! under `api/v1/schema/`.
//!
//! A document's file is made from the texts the renderer recorded while it wrote the pages
//! ([`markdown::Rendered::texts`]): no second parse of the Markdown, no reading of the HTML, so
//! its text is the page's text. The other files come from the validated data. Everything is
//! serialised straight to bytes from borrowed values. `v1` is a promise: a field is never removed
//! or renamed within it; new fields may be added.

use super::context::Renderer;
use crate::link::Fact;
use crate::load::{Document, Translation};
use crate::markdown::{self, TextBlock};
use crate::types::{Lang, Slug, StateId};
use crate::validate::{Position, Topic};
use serde::Serialize;
use std::collections::BTreeMap;

/// Where the API lives in the output, and its version.
pub const API_DIR: &str = "api/v1";
pub const API_VERSION: &str = "v1";

/// The schema of each kind of file, published beside the files (`api/v1/schema/`).
pub const SCHEMAS: [(&str, &str); 5] = [
    ("index", include_str!("../../schema/v1/index.schema.json")),
    (
        "document",
        include_str!("../../schema/v1/document.schema.json"),
    ),
    ("state", include_str!("../../schema/v1/state.schema.json")),
    ("topic", include_str!("../../schema/v1/topic.schema.json")),
    (
        "positions",
        include_str!("../../schema/v1/positions.schema.json"),
    ),
];

/// A value in each language; a language without one is left out.
#[derive(Serialize, Default)]
struct ByLang<T> {
    #[serde(skip_serializing_if = "Option::is_none")]
    fr: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    en: Option<T>,
}

impl<T> ByLang<T> {
    fn from_fn(mut f: impl FnMut(Lang) -> Option<T>) -> ByLang<T> {
        ByLang {
            fr: f(Lang::Fr),
            en: f(Lang::En),
        }
    }
}

/// What every file starts with.
#[derive(Serialize)]
struct Head<'a> {
    #[serde(rename = "$schema")]
    schema: String,
    api_version: &'static str,
    data_version: &'a str,
    licence: &'a str,
}

#[derive(Serialize)]
struct Edition<'a> {
    page: String,
    /// `official` or `unofficial` for a translation; absent for the source edition.
    #[serde(skip_serializing_if = "Option::is_none")]
    translation: Option<&'static str>,
    title: &'a str,
}

#[derive(Serialize)]
struct Link<'a> {
    id: &'a str,
    api: String,
}

#[derive(Serialize)]
struct Block<'a> {
    /// `null` for a block without an anchor of its own (a masthead line).
    anchor: Option<&'a str>,
    kind: &'static str,
    text: ByLang<&'a str>,
    cites: Vec<&'a str>,
    notes: Vec<String>,
    permalink: ByLang<String>,
}

#[derive(Serialize)]
struct DocumentFile<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    slug: &'a str,
    symbol: Option<&'a str>,
    kind: &'static str,
    date: Option<&'a str>,
    session: Option<u32>,
    agenda_item: Option<&'a str>,
    organ: Option<&'static str>,
    original_language: Option<&'a str>,
    sponsors: Vec<Link<'a>>,
    official_urls: Option<ByLang<String>>,
    editions: ByLang<Edition<'a>>,
    cites: Vec<&'a str>,
    cited_by: Vec<Link<'a>>,
    blocks: Vec<Block<'a>>,
}

#[derive(Serialize)]
struct Relation<'a> {
    state: &'a str,
    relation: &'static str,
    document: &'a str,
    anchor: &'a str,
    evidence: ByLang<String>,
}

#[derive(Serialize)]
struct PositionOut<'a> {
    state: &'a str,
    topic: &'a str,
    stance: &'a str,
    anchor: Option<&'a str>,
    quote: ByLang<&'a str>,
    note: ByLang<&'a str>,
    evidence: Option<ByLang<String>>,
}

#[derive(Serialize)]
struct StateFile<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    id: &'a str,
    name: ByLang<&'a str>,
    group: &'a str,
    pages: ByLang<String>,
    relations: Vec<Relation<'a>>,
    positions: Vec<PositionOut<'a>>,
    mentioned_in: Vec<Link<'a>>,
}

#[derive(Serialize)]
struct StanceOut<'a> {
    id: &'a str,
    label: ByLang<&'a str>,
}

#[derive(Serialize)]
struct TopicFile<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    id: &'a str,
    label: ByLang<&'a str>,
    definition: ByLang<&'a str>,
    stances: Vec<StanceOut<'a>>,
    pages: ByLang<String>,
    positions: Vec<PositionOut<'a>>,
}

#[derive(Serialize)]
struct PositionsFile<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    relations: Vec<Relation<'a>>,
    positions: Vec<PositionOut<'a>>,
}

#[derive(Serialize)]
struct IndexEntry<'a> {
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    symbol: Option<Option<&'a str>>,
    label: ByLang<&'a str>,
    api: String,
}

#[derive(Serialize)]
struct Download {
    url: String,
    format: &'static str,
    language: &'static str,
}

#[derive(Serialize)]
struct IndexFile<'a> {
    #[serde(flatten)]
    head: Head<'a>,
    base_url: &'a str,
    documents: Vec<IndexEntry<'a>>,
    states: Vec<IndexEntry<'a>>,
    topics: Vec<IndexEntry<'a>>,
    positions: String,
    schemas: BTreeMap<&'static str, String>,
    downloads: Vec<Download>,
}

/// Serialises a file: compact JSON and a final newline. Serialising these plain structures
/// cannot fail (string keys only).
fn bytes(v: &impl Serialize) -> Vec<u8> {
    let mut out = serde_json::to_vec(v).unwrap_or_default();
    out.push(b'\n');
    out
}

impl Renderer<'_> {
    /// An absolute URL for a site path.
    fn abs(&self, path: &str) -> String {
        let mut s = String::from(self.linked.checked.corpus.config.origin());
        s.push_str(path);
        s
    }

    /// The absolute URL of an API file, `rel` under `api/v1/`.
    pub(super) fn api_url(&self, rel: &str) -> String {
        self.abs(&format!("{}{API_DIR}/{rel}", self.urls.base))
    }

    fn head(&self, schema: &str) -> Head<'_> {
        let cfg = &self.linked.checked.corpus.config;
        Head {
            schema: self.api_url(&format!("schema/{schema}.schema.json")),
            api_version: API_VERSION,
            data_version: &cfg.data_version,
            licence: &cfg.licence,
        }
    }

    fn evidence(&self, doc: &Slug, anchor: &str) -> ByLang<String> {
        ByLang::from_fn(|l| {
            Some(format!(
                "{}#{anchor}",
                self.abs(&self.urls.document(l, doc))
            ))
        })
    }

    fn relation_out<'s>(&'s self, f: &'s Fact) -> Relation<'s> {
        Relation {
            state: f.state.as_str(),
            relation: f.relation.key(),
            document: f.doc.as_str(),
            anchor: &f.anchor,
            evidence: self.evidence(&f.doc, &f.anchor),
        }
    }

    fn position_out<'s>(&'s self, p: &'s Position) -> PositionOut<'s> {
        let c = &self.linked.checked;
        let text =
            |m: &'s BTreeMap<Lang, String>| ByLang::from_fn(|l| m.get(&l).map(String::as_str));
        PositionOut {
            state: p.state.as_str(),
            topic: p.topic.as_str(),
            stance: p.stance.as_str(),
            anchor: p.anchor.as_ref().map(|a| a.as_str()),
            quote: text(&p.quote),
            note: text(&p.note),
            evidence: match (&c.replies_doc, &p.anchor) {
                (Some(doc), Some(a)) => Some(self.evidence(doc, a.as_str())),
                _ => None,
            },
        }
    }

    /// A document's API file, from the texts its editions' pages were rendered with.
    pub(super) fn api_document(
        &self,
        doc: &Document,
        bodies: &BTreeMap<Lang, markdown::Rendered>,
    ) -> Option<(String, Vec<u8>)> {
        let c = &self.linked.checked;
        let slug = &doc.slug;
        let meta = c.meta.get(slug)?;
        let page = |l: Lang| self.abs(&self.urls.document(l, slug));
        let editions = ByLang::from_fn(|l| {
            let ed = doc.editions.get(&l)?;
            Some(Edition {
                page: page(l),
                translation: ed.front.translation.map(|t| match t {
                    Translation::Official => "official",
                    Translation::Unofficial => "unofficial",
                }),
                title: &ed.front.title,
            })
        });
        let pages = [page(Lang::Fr), page(Lang::En)];
        let state_link = |id: &'_ StateId| self.api_url(&format!("states/{id}.json"));
        let file = DocumentFile {
            head: self.head("document"),
            slug: slug.as_str(),
            symbol: meta.symbol.as_ref().map(|s| s.as_str()),
            kind: meta.kind.key(),
            date: meta.date.as_deref(),
            session: meta.session,
            agenda_item: meta.agenda_item.as_deref(),
            organ: meta.organ.map(|o| o.key()),
            original_language: meta.original_language.as_deref(),
            sponsors: meta
                .sponsors
                .iter()
                .map(|s| Link {
                    id: s.as_str(),
                    api: state_link(s),
                })
                .collect(),
            official_urls: meta
                .symbol
                .as_ref()
                .map(|s| ByLang::from_fn(|l| Some(s.undocs_url(l)))),
            editions,
            cites: self
                .linked
                .cites
                .get(slug)
                .into_iter()
                .flatten()
                .map(|s| s.as_str())
                .collect(),
            cited_by: meta
                .symbol
                .as_ref()
                .and_then(|s| self.linked.cited_by.get(s))
                .into_iter()
                .flatten()
                .map(|s| Link {
                    id: s.as_str(),
                    api: self.api_url(&format!("documents/{s}.json")),
                })
                .collect(),
            blocks: merged_blocks(bodies, |l, anchor| {
                // The page's address is made once per language, not once per block.
                let page = &pages[usize::from(l == Lang::En)];
                let mut s = String::with_capacity(page.len() + 1 + anchor.map_or(0, str::len));
                s.push_str(page);
                if let Some(anchor) = anchor {
                    s.push('#');
                    s.push_str(anchor);
                }
                s
            }),
        };
        Some((format!("{API_DIR}/documents/{slug}.json"), bytes(&file)))
    }

    /// Every API file but the documents' (which come with their pages): index, States,
    /// topics, the whole dataset, and the schemas.
    pub fn api_files(&self) -> Vec<(String, Vec<u8>)> {
        let c = &self.linked.checked;
        let mut files = Vec::new();
        for (id, s) in &c.states {
            let file = StateFile {
                head: self.head("state"),
                id: id.as_str(),
                name: ByLang::from_fn(|l| Some(s.name(l))),
                group: &s.group,
                pages: ByLang::from_fn(|l| Some(self.abs(&self.urls.state(l, id)))),
                relations: self
                    .linked
                    .facts
                    .iter()
                    .filter(|f| &f.state == id)
                    .map(|f| self.relation_out(f))
                    .collect(),
                positions: c
                    .positions
                    .iter()
                    .filter(|p| &p.state == id)
                    .map(|p| self.position_out(p))
                    .collect(),
                mentioned_in: self
                    .linked
                    .mentioned_in
                    .get(id)
                    .into_iter()
                    .flatten()
                    .map(|d| Link {
                        id: d.as_str(),
                        api: self.api_url(&format!("documents/{d}.json")),
                    })
                    .collect(),
            };
            files.push((format!("{API_DIR}/states/{id}.json"), bytes(&file)));
        }
        for t in &c.topics {
            files.push((
                format!("{API_DIR}/topics/{}.json", t.id),
                self.topic_file(t),
            ));
        }
        let all = PositionsFile {
            head: self.head("positions"),
            relations: self
                .linked
                .facts
                .iter()
                .map(|f| self.relation_out(f))
                .collect(),
            positions: c.positions.iter().map(|p| self.position_out(p)).collect(),
        };
        files.push((format!("{API_DIR}/positions.json"), bytes(&all)));
        files.push((format!("{API_DIR}/index.json"), self.index_file()));
        for (name, text) in SCHEMAS {
            files.push((
                format!("{API_DIR}/schema/{name}.schema.json"),
                text.as_bytes().to_vec(),
            ));
        }
        files
    }

    fn topic_file<'s>(&'s self, t: &'s Topic) -> Vec<u8> {
        let c = &self.linked.checked;
        let text =
            |m: &'s BTreeMap<Lang, String>| ByLang::from_fn(|l| m.get(&l).map(String::as_str));
        let file = TopicFile {
            head: self.head("topic"),
            id: t.id.as_str(),
            label: text(&t.label),
            definition: text(&t.definition),
            stances: t
                .stances
                .iter()
                .map(|s| StanceOut {
                    id: s.as_str(),
                    label: c.stance_labels.get(s).map(text).unwrap_or_default(),
                })
                .collect(),
            pages: ByLang::from_fn(|l| Some(self.abs(&self.urls.topic(l, &t.id)))),
            positions: c
                .positions
                .iter()
                .filter(|p| p.topic == t.id)
                .map(|p| self.position_out(p))
                .collect(),
        };
        bytes(&file)
    }

    fn index_file(&self) -> Vec<u8> {
        let c = &self.linked.checked;
        let cfg = &c.corpus.config;
        let documents = c
            .corpus
            .documents
            .iter()
            .filter_map(|d| {
                let meta = c.meta.get(&d.slug)?;
                Some(IndexEntry {
                    id: d.slug.as_str(),
                    symbol: Some(meta.symbol.as_ref().map(|s| s.as_str())),
                    label: ByLang::from_fn(|l| d.editions.get(&l).map(|e| e.front.title.as_str())),
                    api: self.api_url(&format!("documents/{}.json", d.slug)),
                })
            })
            .collect();
        let states = c
            .states
            .iter()
            .map(|(id, s)| IndexEntry {
                id: id.as_str(),
                symbol: None,
                label: ByLang::from_fn(|l| Some(s.name(l))),
                api: self.api_url(&format!("states/{id}.json")),
            })
            .collect();
        let topics = c
            .topics
            .iter()
            .map(|t| IndexEntry {
                id: t.id.as_str(),
                symbol: None,
                label: ByLang::from_fn(|l| t.label.get(&l).map(String::as_str)),
                api: self.api_url(&format!("topics/{}.json", t.id)),
            })
            .collect();
        let downloads = ["csv", "json"]
            .into_iter()
            .flat_map(|ext| Lang::ALL.into_iter().map(move |l| (ext, l)))
            .map(|(ext, l)| Download {
                url: self.abs(&self.urls.data(&format!("positions-{}.{ext}", l.code()))),
                format: ext,
                language: l.code(),
            })
            .collect();
        let file = IndexFile {
            head: self.head("index"),
            base_url: &cfg.base_url,
            documents,
            states,
            topics,
            positions: self.api_url("positions.json"),
            schemas: SCHEMAS
                .iter()
                .map(|(name, _)| (*name, self.api_url(&format!("schema/{name}.schema.json"))))
                .collect(),
            downloads,
        };
        bytes(&file)
    }
}

/// Both editions' recorded blocks as one list in the French edition's order: the editions'
/// anchors are validated identical and in the same order, so a linear merge pairs them; a block
/// only one edition has keeps its place. Blocks without an anchor are paired by their order
/// among the unanchored blocks between the same two anchors (a masthead line with its
/// translation); those left over are in one language.
fn merged_blocks<'b>(
    bodies: &'b BTreeMap<Lang, markdown::Rendered>,
    permalink: impl Fn(Lang, Option<&str>) -> String,
) -> Vec<Block<'b>> {
    let empty: &[TextBlock] = &[];
    let fr = bodies.get(&Lang::Fr).map_or(empty, |r| &r.texts);
    let en = bodies.get(&Lang::En).map_or(empty, |r| &r.texts);
    let mut out: Vec<Block> = Vec::with_capacity(fr.len().max(en.len()));
    let new = |b: &'b TextBlock| Block {
        anchor: b.anchor.as_deref(),
        kind: b.kind.key(),
        text: ByLang::default(),
        cites: b.cites.iter().map(String::as_str).collect(),
        notes: b.notes.iter().map(|n| format!("fn-{n}")).collect(),
        permalink: ByLang::from_fn(|l| Some(permalink(l, b.anchor.as_deref()))),
    };
    let pair = |mut block: Block<'b>, e: &'b TextBlock| {
        block.text.en = Some(&e.text);
        for s in &e.cites {
            if !block.cites.contains(&s.as_str()) {
                block.cites.push(s);
            }
        }
        block
    };
    // The French blocks without an anchor since the last anchored one, and the English blocks
    // up to the next anchor both editions share: paired in order, the rest in one language.
    let flush =
        |out: &mut Vec<Block<'b>>, fr_run: &mut Vec<&'b TextBlock>, en_run: &'b [TextBlock]| {
            let mut frs = fr_run.drain(..);
            for e in en_run {
                if e.anchor.is_none() {
                    if let Some(f) = frs.next() {
                        let mut block = new(f);
                        block.text.fr = Some(&f.text);
                        out.push(pair(block, e));
                        continue;
                    }
                }
                let mut only = new(e);
                only.text.en = Some(&e.text);
                out.push(only);
            }
            for f in frs {
                let mut only = new(f);
                only.text.fr = Some(&f.text);
                out.push(only);
            }
        };
    let mut fr_run: Vec<&TextBlock> = Vec::new();
    let mut j = 0;
    for b in fr {
        let Some(anchor) = b.anchor.as_deref() else {
            fr_run.push(b);
            continue;
        };
        let mut block = new(b);
        block.text.fr = Some(&b.text);
        match en[j..]
            .iter()
            .position(|e| e.anchor.as_deref() == Some(anchor))
            .map(|k| j + k)
        {
            Some(k) => {
                flush(&mut out, &mut fr_run, &en[j..k]);
                out.push(pair(block, &en[k]));
                j = k + 1;
            }
            None => {
                flush(&mut out, &mut fr_run, &[]);
                out.push(block);
            }
        }
    }
    flush(&mut out, &mut fr_run, &en[j..]);
    out
}
