//! The site-wide search index, written under `data/search/<lang>/` (format and engine:
//! `explorer_wasm::search`). Built from the blocks of the Markdown dialect (`markdown::scan`,
//! the parser validation reads the texts with), not from the HTML: paragraphs, list items,
//! headings, footnotes and table rows of the documents and authored pages, linked to the ids
//! the renderer gives them; one entry per State and per topic page.
//!
//! Words are stemmed here (Snowball, `rust-stemmers`) and the shards map each word of the
//! texts to its stem, so the reader in the browser needs no stemmer (docs/architecture.md).

use crate::diagnostics::Diagnostics;
use crate::link::Linked;
use crate::load::Body;
use crate::markdown::{self, BlockKind};
use crate::sink::Sink;
use crate::types::Lang;
use crate::urls::{page_rel, Urls};
use explorer_wasm::fold;
use explorer_wasm::search::build::{spellings, EntryInput, IndexWriter};
use explorer_wasm::search::model::{EntryKind, SearchDoc, StateSpellings, NO_DOC};
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::BTreeMap;

/// Entries per excerpt file: a result page of ten reads a few small files.
pub const CHUNK: u32 = 16;

/// Writes both languages' indexes into `sink`, side by side, each file as soon as it is
/// complete: each language's writer holds only its words and postings, not the texts.
pub fn write(
    linked: &Linked,
    bodies: &[BTreeMap<Lang, Body>],
    sink: &dyn Sink,
) -> Result<(), Diagnostics> {
    let one = |lang: Lang| {
        let mut d = Diagnostics::default();
        index(linked, bodies, lang, &mut |name, bytes| {
            let path = format!("data/search/{}/{name}", lang.code());
            if let Err(e) = sink.put(path, bytes) {
                d.error(
                    std::path::Path::new(""),
                    0,
                    e,
                    "check that the output directory can be written",
                );
            }
        });
        d
    };
    let (mut fr, en) = rayon::join(|| one(Lang::Fr), || one(Lang::En));
    fr.extend(en);
    fr.into_result(())
}

/// One language's index, each file handed to `out` (its name under `data/search/<lang>/`).
/// `bodies` are the documents' texts, in the order of the corpus.
pub fn index(
    linked: &Linked,
    bodies: &[BTreeMap<Lang, Body>],
    lang: Lang,
    out: &mut dyn FnMut(String, Vec<u8>),
) {
    let c = &linked.checked;
    let urls = Urls::new(c.corpus.config.base_path());
    let t = |k: &str| {
        c.corpus.theme.i18n[&lang]
            .strings
            .get(k)
            .cloned()
            .unwrap_or_default()
    };
    let stemmer = Stemmer::create(match lang {
        Lang::Fr => Algorithm::French,
        Lang::En => Algorithm::English,
    });
    let stem = |orig: &str, _folded: &str| -> Option<String> {
        let s = stemmer.stem(&orig.to_lowercase()).into_owned();
        let folded = fold::fold(&s);
        (!folded.is_empty() && !folded.contains(' ')).then_some(folded)
    };

    // The documents' labels and the States' spellings go into `meta.bin`, written last; they
    // are known before the first entry.
    let mut docs: Vec<SearchDoc> = Vec::new();
    for (d, texts) in c.corpus.documents.iter().zip(bodies) {
        let (Some(ed), Some(_)) = (d.editions.get(&lang), texts.get(&lang)) else {
            continue;
        };
        let symbol = c.meta.get(&d.slug).and_then(|m| m.symbol.as_ref());
        docs.push(SearchDoc {
            id: d.slug.0.clone(),
            label: symbol.map_or_else(|| ed.front.title.clone(), |s| s.0.clone()),
        });
    }
    let states: Vec<StateSpellings> = c
        .states
        .values()
        .map(|s| {
            let mut names: Vec<&str> = vec![s.name(lang), s.name(lang.other())];
            for l in [lang, lang.other()] {
                names.extend(
                    s.spellings
                        .get(&l)
                        .into_iter()
                        .flatten()
                        .map(String::as_str),
                );
            }
            spellings(names.iter().copied())
        })
        .collect();
    let mut w = IndexWriter::new(lang.code(), docs, states, CHUNK, &stem);
    // One document's (or page's) entries at a time: the texts are never all held at once.
    let mut entries: Vec<EntryInput> = Vec::new();

    let mut doc_n = 0usize;
    for (d, texts) in c.corpus.documents.iter().zip(bodies) {
        let (Some(ed), Some(body)) = (d.editions.get(&lang), texts.get(&lang)) else {
            continue;
        };
        let meta = c.meta.get(&d.slug);
        let symbol = meta.and_then(|m| m.symbol.as_ref()).map(|s| s.0.as_str());
        let doc = u16::try_from(doc_n)
            .ok()
            .filter(|&n| n != NO_DOC)
            .unwrap_or(NO_DOC);
        doc_n += 1;
        let url = urls.document(lang, &d.slug);
        entries.clear();
        entries.push(EntryInput {
            kind: EntryKind::Page,
            doc,
            reply: false,
            url: url.clone(),
            context: t("nav_documents"),
            title: format!("{} {}", ed.front.title, symbol.unwrap_or_default()),
            text: ed.front.title.clone(),
        });
        let replies: Vec<&str> = meta
            .map(|m| m.replies.iter().map(|r| r.state.as_str()).collect())
            .unwrap_or_default();
        blocks(body.as_str(), &url, doc, &replies, false, &mut entries);
        for e in &entries {
            w.add(e, out);
        }
    }

    for p in &c.corpus.pages {
        let Some(ed) = p.editions.get(&lang) else {
            continue;
        };
        let url = urls.page(lang, &page_rel(&p.slug));
        let description = &ed.front.description;
        entries.clear();
        entries.push(EntryInput {
            kind: EntryKind::Page,
            doc: NO_DOC,
            reply: false,
            url: url.clone(),
            context: ed.front.title.clone(),
            title: ed.front.title.clone(),
            text: if description.is_empty() {
                ed.front.title.clone()
            } else {
                description.clone()
            },
        });
        blocks(ed.source.body(), &url, NO_DOC, &[], true, &mut entries);
        // The one table of the authored pages is the corrections log, whose rows quote the
        // documents before and after repair: indexed, they would repeat every document hit.
        for e in entries.iter_mut().skip(1) {
            if e.context.is_empty() {
                e.context = ed.front.title.clone();
            }
        }
        for e in entries.iter().filter(|e| e.kind != EntryKind::TableRow) {
            w.add(e, out);
        }
    }

    for (id, s) in &c.states {
        let name = s.name(lang);
        w.add_parts(
            EntryKind::Page,
            NO_DOC,
            false,
            &urls.state(lang, id),
            &t("state"),
            name,
            name,
            out,
        );
    }
    for tp in &c.topics {
        let label = tp.label.get(&lang).map_or("", String::as_str);
        let text = tp.definition.get(&lang).map_or(label, String::as_str);
        w.add_parts(
            EntryKind::Page,
            NO_DOC,
            false,
            &urls.topic(lang, &tp.id),
            &t("topic"),
            label,
            text,
            out,
        );
    }
    w.finish(out);
}

/// Adds the entries of a Markdown body, each linked to `url#id`: the block's own id, the id
/// the renderer gives it (footnote `fn-<label>`, table row `t<table>-r<row>`, a page's heading
/// slug), or the nearest id before it.
fn blocks(
    body: &str,
    url: &str,
    doc: u16,
    replies: &[&str],
    auto_ids: bool,
    out: &mut Vec<EntryInput>,
) {
    let scan = markdown::scan(body);
    let mut last_anchor: Option<String> = None;
    let mut section = String::new();
    // The State whose reply the blocks are part of, and its heading's level.
    let mut reply: Option<(u8, String)> = None;
    let mut tables = scan.tables.iter().enumerate();
    let mut table: Option<(usize, usize)> = None; // (number from 1, rows left)
    let mut row = 0usize;
    for b in &scan.blocks {
        let text = crate::text::collapse_ws(&b.text);
        let mut anchor = b.id.clone();
        let kind = match b.kind {
            BlockKind::Heading(level) => {
                if anchor.is_none() && auto_ids {
                    anchor = Some(markdown::slugify(&text));
                }
                let is_reply = anchor.as_deref().is_some_and(|a| replies.contains(&a));
                if is_reply {
                    reply = Some((level, text.clone()));
                } else if reply.as_ref().is_some_and(|(l, _)| level <= *l) {
                    reply = None;
                }
                EntryKind::Heading
            }
            BlockKind::TableRow => {
                if table.is_none_or(|(_, left)| left == 0) {
                    table = tables.next().map(|(i, (rows, _))| (i + 1, *rows));
                    row = 0;
                }
                if let Some((n, left)) = table.as_mut() {
                    anchor = anchor.or_else(|| Some(format!("t{n}-r{row}")));
                    *left = left.saturating_sub(1);
                    row += 1;
                }
                EntryKind::TableRow
            }
            BlockKind::Paragraph | BlockKind::Item if b.in_footnote => {
                let label = scan
                    .footnote_defs
                    .iter()
                    .filter(|(_, at)| *at <= b.offset)
                    .max_by_key(|(_, at)| *at)
                    .map(|(l, _)| l.clone());
                anchor = anchor.or_else(|| label.map(|l| format!("fn-{l}")));
                EntryKind::Footnote
            }
            BlockKind::Paragraph | BlockKind::Item => EntryKind::Paragraph,
        };
        if text.is_empty() {
            continue;
        }
        if !b.in_footnote && b.kind != BlockKind::TableRow {
            if let Some(a) = &anchor {
                last_anchor = Some(a.clone());
            }
        }
        let target = anchor.or_else(|| last_anchor.clone());
        let (context, title) = match &reply {
            Some((_, state)) => (state.clone(), state.clone()),
            None => (section.clone(), String::new()),
        };
        out.push(EntryInput {
            kind,
            doc,
            reply: reply.is_some(),
            url: match target {
                Some(a) => format!("{url}#{a}"),
                None => url.to_string(),
            },
            context,
            title,
            text: text.clone(),
        });
        if kind == EntryKind::Heading {
            section = text;
        }
    }
}
