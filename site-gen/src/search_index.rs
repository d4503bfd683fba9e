//! The site-wide search index, written under `data/search/<lang>/` (format and engine:
//! `explorer_wasm::search`). Made from the texts the renderer records as it writes each body
//! (`render::Recorded`, the blocks the open-data API is made of): paragraphs, list items,
//! headings, footnotes and table rows of the documents and authored pages, under the ids the
//! pages give them, with no second parse of the Markdown and no reading of HTML; one entry per
//! State and per topic page.
//!
//! Each language's index is written on its own thread while the pages render: the renderer
//! hands over each window of texts in the corpus's order ([`Writers::feed`]), and the writers
//! keep only their words and postings, not the texts.
//!
//! Words are stemmed here (Snowball, `rust-stemmers`) and the shards map each word of the
//! texts to its stem, so the reader in the browser needs no stemmer (docs/architecture.md).

use crate::diagnostics::Diagnostics;
use crate::link::Linked;
use crate::markdown::{TextBlock, TextKind};
use crate::render::{Recorded, Source};
use crate::sink::Sink;
use crate::types::Lang;
use crate::urls::{page_rel, Urls};
use explorer_wasm::fold;
use explorer_wasm::search::build::{spellings, IndexWriter};
use explorer_wasm::search::model::{EntryKind, SearchDoc, StateSpellings, NO_DOC};
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::{Scope, ScopedJoinHandle};

/// Entries per excerpt file: a result page of ten reads a few small files.
pub const CHUNK: u32 = 16;

/// Windows of texts waiting for a writer: the renderer waits when a writer is this far behind.
const QUEUE: usize = 1;

/// The writers of both languages' indexes, each on its own thread of `scope`.
pub struct Writers<'scope> {
    senders: Vec<(Lang, SyncSender<Vec<Recorded>>)>,
    handles: Vec<ScopedJoinHandle<'scope, Diagnostics>>,
}

impl<'scope> Writers<'scope> {
    /// Starts one writer per language; each writes its files into `sink` as they are complete.
    pub fn start<'env>(
        scope: &'scope Scope<'scope, 'env>,
        linked: &'env Linked,
        sink: &'env dyn Sink,
    ) -> Writers<'scope> {
        let mut senders = Vec::new();
        let mut handles = Vec::new();
        for lang in Lang::ALL {
            let (tx, rx) = sync_channel::<Vec<Recorded>>(QUEUE);
            senders.push((lang, tx));
            handles.push(scope.spawn(move || {
                let mut d = Diagnostics::default();
                index(linked, lang, rx, &mut |name, bytes| {
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
            }));
        }
        Writers { senders, handles }
    }

    /// Hands over the next texts, in the corpus's order; each language's go to its writer.
    pub fn feed(&self, texts: Vec<Recorded>) {
        let (mut fr, mut en): (Vec<Recorded>, Vec<Recorded>) =
            texts.into_iter().partition(|r| r.lang == Lang::Fr);
        for (lang, tx) in &self.senders {
            let batch = std::mem::take(if *lang == Lang::Fr { &mut fr } else { &mut en });
            // A writer that stopped has reported why through its diagnostics (or panicked,
            // which `finish` reports).
            let _ = tx.send(batch);
        }
    }

    /// Waits for both indexes to be written.
    pub fn finish(self) -> Result<(), Diagnostics> {
        drop(self.senders);
        let mut d = Diagnostics::default();
        for h in self.handles {
            match h.join() {
                Ok(e) => d.extend(e),
                Err(_) => d.error(
                    std::path::Path::new(""),
                    0,
                    "the search index could not be written (its writer stopped)".to_string(),
                    "report this as a bug in site-gen",
                ),
            }
        }
        d.into_result(())
    }
}

/// One language's index, from the texts received on `texts` (in the corpus's order: documents,
/// then authored pages), each file handed to `out` (its name under `data/search/<lang>/`).
fn index(
    linked: &Linked,
    lang: Lang,
    texts: Receiver<Vec<Recorded>>,
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
    // Each document with an edition in this language has its number among them.
    let mut docs: Vec<SearchDoc> = Vec::new();
    let mut numbers: Vec<u16> = Vec::new();
    for d in &c.corpus.documents {
        let Some(ed) = d.editions.get(&lang) else {
            numbers.push(NO_DOC);
            continue;
        };
        numbers.push(
            u16::try_from(docs.len())
                .ok()
                .filter(|&n| n != NO_DOC)
                .unwrap_or(NO_DOC),
        );
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
    let documents_context = t("nav_documents");
    // One document's (or page's) texts at a time: the texts are never all held at once.
    for r in texts.iter().flatten() {
        let Some(texts) = r.texts else {
            continue;
        };
        match r.source {
            Source::Document(i) => {
                let Some(d) = c.corpus.documents.get(i) else {
                    continue;
                };
                let Some(ed) = d.editions.get(&lang) else {
                    continue;
                };
                let meta = c.meta.get(&d.slug);
                let symbol = meta.and_then(|m| m.symbol.as_ref()).map(|s| s.0.as_str());
                let doc = numbers[i];
                let url = urls.document(lang, &d.slug);
                w.add_parts(
                    EntryKind::Page,
                    doc,
                    false,
                    &url,
                    &documents_context,
                    &format!("{} {}", ed.front.title, symbol.unwrap_or_default()),
                    &ed.front.title,
                    out,
                );
                let replies: Vec<&str> = meta
                    .map(|m| m.replies.iter().map(|r| r.state.as_str()).collect())
                    .unwrap_or_default();
                recorded_entries(&texts, &url, &replies, |e| {
                    w.add_parts(e.kind, doc, e.reply, e.url, e.context, e.title, e.text, out);
                });
            }
            Source::Page(i) => {
                let Some(p) = c.corpus.pages.get(i) else {
                    continue;
                };
                let Some(ed) = p.editions.get(&lang) else {
                    continue;
                };
                let url = urls.page(lang, &page_rel(&p.slug));
                let title = &ed.front.title;
                let description = &ed.front.description;
                w.add_parts(
                    EntryKind::Page,
                    NO_DOC,
                    false,
                    &url,
                    title,
                    title,
                    if description.is_empty() {
                        title
                    } else {
                        description
                    },
                    out,
                );
                recorded_entries(&texts, &url, &[], |e| {
                    // The one table of the authored pages is the corrections log, whose rows
                    // quote the documents before and after repair: indexed, they would repeat
                    // every document hit.
                    if e.kind == EntryKind::TableRow {
                        return;
                    }
                    let context = if e.context.is_empty() {
                        title
                    } else {
                        e.context
                    };
                    w.add_parts(
                        e.kind, NO_DOC, e.reply, e.url, context, e.title, e.text, out,
                    );
                });
            }
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

/// One entry of a rendered body's recorded texts, borrowed from them.
struct BlockEntry<'a> {
    kind: EntryKind,
    reply: bool,
    url: &'a str,
    context: &'a str,
    title: &'a str,
    text: &'a str,
}

/// Calls `add` with each entry of a rendered body's recorded texts, each linked to `page#id`:
/// the block's own id (the one its page gives it: footnote `fn-<label>`, table row
/// `t<table>-r<row>`, a heading's slug), or the nearest paragraph's or heading's id before it.
/// The entries borrow the texts and one URL buffer: no string is made per entry.
fn recorded_entries(
    blocks: &[TextBlock],
    page: &str,
    replies: &[&str],
    mut add: impl FnMut(&BlockEntry),
) {
    let mut url = String::new();
    let mut last_anchor: Option<&str> = None;
    let mut section: &str = "";
    // The State whose reply the blocks are part of, and its heading's level.
    let mut reply: Option<(u8, &str)> = None;
    for b in blocks {
        let kind = match b.kind {
            TextKind::Heading(level) => {
                let is_reply = b.anchor.as_deref().is_some_and(|a| replies.contains(&a));
                if is_reply {
                    reply = Some((level, &b.text));
                } else if reply.is_some_and(|(l, _)| level <= l) {
                    reply = None;
                }
                EntryKind::Heading
            }
            TextKind::TableRow => EntryKind::TableRow,
            TextKind::Footnote => EntryKind::Footnote,
            TextKind::Paragraph | TextKind::ListItem => EntryKind::Paragraph,
        };
        if b.text.is_empty() {
            continue;
        }
        if !matches!(kind, EntryKind::Footnote | EntryKind::TableRow) {
            if let Some(a) = &b.anchor {
                last_anchor = Some(a);
            }
        }
        let (context, title) = match reply {
            Some((_, state)) => (state, state),
            None => (section, ""),
        };
        url.clear();
        url.push_str(page);
        if let Some(a) = b.anchor.as_deref().or(last_anchor) {
            url.push('#');
            url.push_str(a);
        }
        add(&BlockEntry {
            kind,
            reply: reply.is_some(),
            url: &url,
            context,
            title,
            text: &b.text,
        });
        if kind == EntryKind::Heading {
            section = &b.text;
        }
    }
}
