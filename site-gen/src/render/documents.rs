//! Documents and the parallel view: the documents index, each document's page in both languages
//! (its body rendered once and shared by its pages), and the parallel view that aligns the two
//! editions on their shared anchors.
//!
//! It must not change the text of a document (the body is the Markdown stage's output, linked),
//! and the parallel rows are built once per document, not per language.

use super::context::{Job, Renderer};
use super::format::{format_date, object};
use crate::load::Body;
use crate::markdown;
use crate::output::PageText;
use crate::text::esc_into;
use crate::types::Lang;
use crate::urls::{doc_rel, parallel_rel};
use memchr::memmem::Finder;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

impl Renderer<'_> {
    pub(super) fn documents_index_job(&self, lang: Lang) -> Job {
        let docs = self.doc_summaries(lang);
        Job {
            template: "documents.html",
            lang,
            rel: "documents/".into(),
            title: self.t(lang, "nav_documents"),
            alternate: true,
            text: None,
            ctx: object([("documents", Value::Array(docs))]),
        }
    }

    /// The document page and the parallel view, in both languages. Each edition's body is
    /// rendered once here and shared by the four pages.
    pub(super) fn document_jobs(
        &self,
        n: usize,
        doc: &crate::load::Document,
        texts: BTreeMap<Lang, Body>,
    ) -> super::Made {
        // Each text is dropped once rendered.
        let mut bodies: BTreeMap<Lang, markdown::Rendered> = texts
            .into_par_iter()
            .map(|(l, text)| {
                (
                    l,
                    markdown::render(text.as_str(), &self.document_linker(l), false),
                )
            })
            .collect();
        // The document's API file, from the texts the renderer recorded; the pages do not
        // need them.
        let api = self.api_document(doc, &bodies);
        // The citation pages list the paragraphs of the source edition (anchors are the same).
        let citable = bodies
            .get(&Lang::Fr)
            .or_else(|| bodies.values().next())
            .map(|r| super::cite::citable(&r.texts))
            .unwrap_or_default();
        // The recorded texts go on to the search index.
        let recorded = Lang::ALL
            .iter()
            .map(|&lang| super::Recorded {
                lang,
                source: super::Source::Document(n),
                texts: bodies.get_mut(&lang).map(|r| std::mem::take(&mut r.texts)),
            })
            .collect();
        // Both languages' parallel views print the same rows.
        let rows = match (bodies.get(&Lang::Fr), bodies.get(&Lang::En)) {
            (Some(fr), Some(en)) => Some(Arc::new(PageText::new(parallel_rows(fr, en)))),
            _ => None,
        };
        let mut jobs: Vec<Job> = Lang::ALL
            .iter()
            .flat_map(|l| self.document_lang_jobs(*l, doc, &mut bodies, rows.as_ref()))
            .collect();
        let mut files: Vec<(String, Vec<u8>)> = api.into_iter().collect();
        for lang in Lang::ALL {
            if let Some(c) = self.cite(lang, doc) {
                jobs.push(self.cite_job(&c, &citable));
                files.extend(self.cite_files(&c));
            }
        }
        super::Made {
            jobs,
            files,
            texts: recorded,
        }
    }

    pub(super) fn document_lang_jobs(
        &self,
        lang: Lang,
        doc: &crate::load::Document,
        bodies: &mut BTreeMap<Lang, markdown::Rendered>,
        rows: Option<&Arc<PageText>>,
    ) -> Vec<Job> {
        let c = &self.linked.checked;
        let slug = &doc.slug;
        let Some(meta) = c.meta.get(slug) else {
            return Vec::new();
        };
        let (ed, fallback) = match doc.editions.get(&lang) {
            Some(e) => (e, false),
            None => match doc.editions.get(&lang.other()) {
                Some(e) => (e, true),
                None => return Vec::new(),
            },
        };
        // A fallback page shows the other language's text, so it links in that language's words.
        // Pages are made in the order of `Lang::ALL`: the last one, or a page showing its own
        // edition when the other language has its own too, is the body's last reader and takes
        // it; otherwise it takes a copy (a body is tens of kilobytes).
        let last = Some(&lang) == Lang::ALL.last();
        let rendered = if last || (ed.lang == lang && doc.editions.contains_key(&lang.other())) {
            bodies.remove(&ed.lang).unwrap_or_default()
        } else {
            bodies.get(&ed.lang).cloned().unwrap_or_default()
        };
        let cites: Vec<Value> = self.linked.cites.get(slug).into_iter().flatten()
            .map(|s| json!({"symbol": s.as_str(), "url": self.symbol_href(lang, s), "internal": self.linked.by_symbol.contains_key(s)}))
            .collect();
        let cited_by: Vec<Value> = meta
            .symbol
            .as_ref()
            .and_then(|s| self.linked.cited_by.get(s))
            .into_iter()
            .flatten()
            .map(|s| self.doc_summary(lang, s))
            .collect();
        let replies: Vec<Value> = meta
            .replies
            .iter()
            .map(|r| {
                let mut v = self.state_link(lang, &r.state);
                v["anchor"] = json!(r.state.as_str());
                v["date_text"] = json!(r.date.as_deref().map(|d| format_date(d, lang)));
                v["language"] = json!(r
                    .original_language
                    .as_deref()
                    .map(|l| self.t(lang, &format!("language_{l}"))));
                v
            })
            .collect();
        let official: Vec<Value> = meta.symbol.as_ref().map(|s| vec![
            json!({"lang": "fr", "label": self.t(lang, "official_fr"), "url": s.undocs_url(Lang::Fr)}),
            json!({"lang": "en", "label": self.t(lang, "official_en"), "url": s.undocs_url(Lang::En)}),
        ]).unwrap_or_default();
        let translation_note = doc
            .editions
            .get(&lang)
            .and_then(|e| e.front.translation)
            .map(|t| matches!(t, crate::load::Translation::Unofficial));
        let mut doc_ctx = json!({
            "slug": slug.as_str(),
            "title": ed.front.title,
            "symbol": meta.symbol.as_ref().map(|s| s.as_str()),
            "kind": self.t(lang, &format!("kind_{}", meta.kind.key())),
            "date_text": meta.date.as_deref().map(|d| format_date(d, lang)),
            "date": meta.date,
            "session": meta.session,
            "agenda_item": meta.agenda_item,
            "organ": meta.organ.map(|o| self.t(lang, &format!("organ_{}", o.key()))),
            "original_language": meta.original_language.as_deref().map(|l| self.t(lang, &format!("language_{l}"))),
            "sponsors": meta.sponsors.iter().map(|s| self.state_link(lang, s)).collect::<Vec<_>>(),
            "n_sponsors": meta.sponsors.len(),
            "official_here": meta.symbol.as_ref().map(|s| s.undocs_url(lang)),
            "unofficial": translation_note.unwrap_or(false),
            "fallback": fallback,
            "content_lang": ed.lang.code(),
            // The parallel view exists only once both editions do.
            "parallel_url": rows.map(|_| self.urls.page(lang, &parallel_rel(slug))),
            "other_edition_url": self.urls.page(ed.lang, &doc_rel(slug)),
            "cite_head": self.cite(lang, doc).map(|c| self.citation_head(&c)),
            "cite_url": self.urls.page(lang, &super::cite::cite_rel(slug)),
        });
        // Lists are moved in (`json!` would copy them through serialisation).
        if let Value::Object(m) = &mut doc_ctx {
            m.insert("replies".into(), Value::Array(replies));
            m.insert("official".into(), Value::Array(official));
            m.insert("cites".into(), Value::Array(cites));
            m.insert("cited_by".into(), Value::Array(cited_by));
        }
        // The page and its parallel view are previewed with the document's card.
        let card = self.document_card(lang, slug, &ed.front.title);
        let mut jobs = Vec::new();
        // Parallel view: both editions aligned on their shared anchors.
        if let (Some(fr), Some(en), Some(rows)) = (
            doc.editions.get(&Lang::Fr),
            doc.editions.get(&Lang::En),
            rows,
        ) {
            jobs.push(Job {
                template: "parallel.html",
                lang,
                rel: parallel_rel(slug),
                title: format!("{} — {}", ed.front.title, self.t(lang, "parallel_view")),
                alternate: true,
                text: Some(("parallel_rows", Arc::clone(rows))),
                ctx: object([
                    // What the view shows of the document (not the whole context, which
                    // would be copied for nothing); names at the top level, as tera looks up
                    // a dotted name with allocations at each step.
                    ("doc_title", ed.front.title.as_str().into()),
                    ("slug", slug.as_str().into()),
                    ("title_fr", fr.front.title.as_str().into()),
                    ("title_en", en.front.title.as_str().into()),
                    ("card", card.clone()),
                ]),
            });
        }
        doc_ctx["toc"] = json!(rendered.toc);
        doc_ctx["card"] = card;
        jobs.push(Job {
            template: "document.html",
            lang,
            rel: doc_rel(slug),
            title: ed.front.title.clone(),
            alternate: true,
            text: Some(("body", Arc::new(PageText::new(rendered.html)))),
            // The document's fields are the page's own names (`symbol`, `body`…): tera looks up
            // `doc.symbol` with allocations at each step, and the page has dozens of them.
            ctx: doc_ctx,
        });
        jobs
    }
}

/// The parallel view's rows: two rendered editions aligned on their top-level anchored blocks,
/// as one piece of HTML that both languages' pages share (it is the same text under either
/// language's page furniture, so it is assembled once, not by the template row by row). Each
/// edition's blocks are those the renderer recorded as it wrote them.
fn parallel_rows(fr: &markdown::Rendered, en: &markdown::Rendered) -> String {
    // Each edition's ids are prefixed block by block (ids and in-page links never cross a
    // block); a block's own id is read without its prefix.
    let (fr, fr_spans) = prefixed_blocks(fr, "fr-");
    let (en, en_spans) = prefixed_blocks(en, "en-");
    let a = split_blocks(&fr, &fr_spans);
    let b = split_blocks(&en, &en_spans);
    fn own<'s>(id: &'s str, prefix: &str) -> &'s str {
        id.strip_prefix(prefix).unwrap_or(id)
    }
    let b_ids: Vec<&str> = b.iter().map(|(id, _)| own(id, "en-")).collect();
    let mut rows = String::with_capacity(fr.len() + en.len() + (a.len() + b.len()) * 120);
    let mut j = 0;
    for (id, html) in &a {
        let id = own(id, "fr-");
        // Anchors are validated identical in order, so a linear merge suffices.
        let other = b_ids[j..].iter().position(|bid| *bid == id).map(|k| j + k);
        if let Some(k) = other {
            // English blocks passed over (a `{.meta}` line only the English edition has) keep
            // a row of their own, before the block that matched.
            for (bid, en_html) in b_ids[j..k].iter().zip(&b[j..k]) {
                parallel_row(&mut rows, bid, "", &en_html.1);
            }
            parallel_row(&mut rows, id, html, &b[k].1);
            j = k + 1;
        } else {
            parallel_row(&mut rows, id, html, "");
        }
    }
    for (bid, en_html) in b_ids[j..].iter().zip(&b[j..]) {
        parallel_row(&mut rows, bid, "", &en_html.1);
    }
    rows
}

/// One row of the parallel view: a block of each edition, either of them possibly empty.
fn parallel_row(rows: &mut String, id: &str, fr: &str, en: &str) {
    rows.push_str("<div class=\"par-row\"");
    if !id.is_empty() {
        rows.push_str(" id=\"");
        esc_into(rows, id);
        rows.push('"');
    }
    rows.push_str("><div class=\"par-fr\" lang=\"fr\">");
    rows.push_str(fr);
    rows.push_str("</div><div class=\"par-en\" lang=\"en\">");
    rows.push_str(en);
    rows.push_str("</div></div>\n  ");
}

/// An edition's top-level blocks with their ids prefixed, in one string, and their new spans.
fn prefixed_blocks(edition: &markdown::Rendered, prefix: &str) -> (String, Vec<Range<usize>>) {
    let html = &edition.html;
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let spans = edition
        .blocks
        .iter()
        .map(|span| {
            let start = out.len();
            prefixed_ids(&mut out, &html[span.clone()], prefix);
            start..out.len()
        })
        .collect();
    (out, spans)
}

/// Top-level blocks with the id of each (empty for unanchored blocks). Blocks are borrowed from
/// `html`; only a list split into its items makes new text.
fn split_blocks<'s>(html: &'s str, spans: &[Range<usize>]) -> Vec<(&'s str, Cow<'s, str>)> {
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        let chunk = &html[span.clone()];
        // Lists: split into top-level items so each item aligns with its counterpart.
        if (chunk.starts_with("<ul") || chunk.starts_with("<ol")) && chunk.contains("<li id=") {
            for li in top_level_items(chunk) {
                out.push((
                    first_id(li),
                    Cow::Owned(format!("<ul class=\"par-list\">{li}</ul>")),
                ));
            }
        } else {
            out.push((first_id(chunk), Cow::Borrowed(chunk)));
        }
    }
    out
}

/// The `<li>…</li>` elements directly inside a rendered list (nested lists stay in their item).
fn top_level_items(list: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = None;
    let mut i = 0;
    // Every tag starts with `<`: the text between tags is skipped at once.
    while let Some(k) = memchr::memchr(b'<', &list.as_bytes()[i..]) {
        i += k;
        let rest = &list[i..];
        if rest.starts_with("<li") && rest[3..].starts_with([' ', '>']) {
            if depth == 1 {
                start = Some(i);
            }
            depth += 1;
        } else if rest.starts_with("</li>") {
            depth -= 1;
            if depth == 1 {
                if let Some(s) = start.take() {
                    items.push(&list[s..i + 5]);
                }
            }
        } else if rest.starts_with("<ul") || rest.starts_with("<ol") {
            depth += 1;
        } else if rest.starts_with("</ul>") || rest.starts_with("</ol>") {
            depth = depth.saturating_sub(1);
        }
        i += 1; // past the `<`
    }
    items
}

/// The value of the first `id` attribute in a piece of HTML, or "".
fn first_id(chunk: &str) -> &str {
    chunk
        .find(" id=\"")
        .map(|k| {
            let rest = &chunk[k + 5..];
            &rest[..rest.find('"').unwrap_or(0)]
        })
        .unwrap_or_default()
}

/// In the parallel view both columns hold the same ids: prefix each column's ids (and the
/// in-page links to them) so footnotes still work; the row carries the shared anchor. Appends
/// `html` so changed to `out`.
fn prefixed_ids(out: &mut String, html: &str, prefix: &str) {
    let bytes = html.as_bytes();
    // Where to insert the prefix: after every ` id="` and every `href="#`, in order.
    // Built once: this runs on every block of every edition of every document.
    static ID: OnceLock<Finder<'static>> = OnceLock::new();
    static HREF: OnceLock<Finder<'static>> = OnceLock::new();
    let id = ID.get_or_init(|| Finder::new(b" id=\""));
    let href = HREF.get_or_init(|| Finder::new(b"href=\"#"));
    let mut at: Vec<usize> = id
        .find_iter(bytes)
        .map(|k| k + 5)
        .chain(href.find_iter(bytes).map(|k| k + 7))
        .collect();
    at.sort_unstable();
    let mut last = 0;
    for k in at {
        out.push_str(&html[last..k]);
        out.push_str(prefix);
        last = k;
    }
    out.push_str(&html[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rendered HTML with the spans of the given blocks (each found once, in order).
    fn rendered(html: &str, blocks: &[&str]) -> markdown::Rendered {
        let mut from = 0;
        let blocks = blocks
            .iter()
            .map(|b| {
                let start = from + html[from..].find(b).expect("block in html");
                from = start + b.len();
                start..from
            })
            .collect();
        markdown::Rendered {
            html: html.to_string(),
            toc: Vec::new(),
            blocks,
            texts: Vec::new(),
        }
    }

    #[test]
    fn parallel_rows_align_on_ids() {
        let fr =
            "<p id=\"p1\">Un</p>\n<ul>\n<li id=\"p1-a\">a</li>\n</ul>\n<p id=\"p2\">Deux</p>\n";
        let en =
            "<p id=\"p1\">One</p>\n<ul>\n<li id=\"p1-a\">a</li>\n</ul>\n<p id=\"p2\">Two</p>\n";
        let fr = rendered(
            fr,
            &[
                "<p id=\"p1\">Un</p>",
                "<ul>\n<li id=\"p1-a\">a</li>\n</ul>",
                "<p id=\"p2\">Deux</p>",
            ],
        );
        let en = rendered(
            en,
            &[
                "<p id=\"p1\">One</p>",
                "<ul>\n<li id=\"p1-a\">a</li>\n</ul>",
                "<p id=\"p2\">Two</p>",
            ],
        );
        let rows = parallel_rows(&fr, &en);
        let expected = concat!(
            "<div class=\"par-row\" id=\"p1\"><div class=\"par-fr\" lang=\"fr\"><p id=\"fr-p1\">Un</p></div>",
            "<div class=\"par-en\" lang=\"en\"><p id=\"en-p1\">One</p></div></div>\n  ",
            "<div class=\"par-row\" id=\"p1-a\"><div class=\"par-fr\" lang=\"fr\"><ul class=\"par-list\"><li id=\"fr-p1-a\">a</li></ul></div>",
            "<div class=\"par-en\" lang=\"en\"><ul class=\"par-list\"><li id=\"en-p1-a\">a</li></ul></div></div>\n  ",
            "<div class=\"par-row\" id=\"p2\"><div class=\"par-fr\" lang=\"fr\"><p id=\"fr-p2\">Deux</p></div>",
            "<div class=\"par-en\" lang=\"en\"><p id=\"en-p2\">Two</p></div></div>\n  ",
        );
        assert_eq!(rows, expected);
    }

    #[test]
    fn parallel_rows_keep_english_only_blocks_without_an_anchor() {
        // An English `{.meta}` line the French edition lacks, between two paragraphs and at
        // the end: each gets its own row, with an empty French column.
        let fr = "<p id=\"p1\">Un</p>\n<p id=\"p2\">Deux</p>\n";
        let en = "<p id=\"p1\">One</p>\n<p class=\"meta\">M</p>\n<p id=\"p2\">Two</p>\n<p class=\"meta\">E</p>\n";
        let fr = rendered(fr, &["<p id=\"p1\">Un</p>", "<p id=\"p2\">Deux</p>"]);
        let en = rendered(
            en,
            &[
                "<p id=\"p1\">One</p>",
                "<p class=\"meta\">M</p>",
                "<p id=\"p2\">Two</p>",
                "<p class=\"meta\">E</p>",
            ],
        );
        let expected = concat!(
            "<div class=\"par-row\" id=\"p1\"><div class=\"par-fr\" lang=\"fr\"><p id=\"fr-p1\">Un</p></div>",
            "<div class=\"par-en\" lang=\"en\"><p id=\"en-p1\">One</p></div></div>\n  ",
            "<div class=\"par-row\"><div class=\"par-fr\" lang=\"fr\"></div>",
            "<div class=\"par-en\" lang=\"en\"><p class=\"meta\">M</p></div></div>\n  ",
            "<div class=\"par-row\" id=\"p2\"><div class=\"par-fr\" lang=\"fr\"><p id=\"fr-p2\">Deux</p></div>",
            "<div class=\"par-en\" lang=\"en\"><p id=\"en-p2\">Two</p></div></div>\n  ",
            "<div class=\"par-row\"><div class=\"par-fr\" lang=\"fr\"></div>",
            "<div class=\"par-en\" lang=\"en\"><p class=\"meta\">E</p></div></div>\n  ",
        );
        assert_eq!(parallel_rows(&fr, &en), expected);
    }

    #[test]
    fn parallel_rows_keep_unmatched_blocks_with_an_empty_column() {
        let fr = "<p class=\"masthead\">A</p>\n<p id=\"p1\">Un</p>\n";
        let en = "<p id=\"p1\">One</p>\n";
        let fr = rendered(fr, &["<p class=\"masthead\">A</p>", "<p id=\"p1\">Un</p>"]);
        let en = rendered(en, &["<p id=\"p1\">One</p>"]);
        let rows = parallel_rows(&fr, &en);
        assert!(rows.starts_with("<div class=\"par-row\"><div class=\"par-fr\" lang=\"fr\"><p class=\"masthead\">A</p></div><div class=\"par-en\" lang=\"en\"></div></div>"), "{rows}");
        assert!(rows.contains("<p id=\"en-p1\">One</p>"), "{rows}");
    }
}
