//! Citations of the documents: the bibliographic tags of a document page's head (Highwire
//! `citation_*`, Dublin Core `DC.*`, schema.org JSON-LD), one citation page per document and
//! language (the document, then every paragraph under its own anchor), and BibTeX, RIS and
//! CSL-JSON files under `data/cite/`.
//!
//! A citation follows the UN's style for its documents (body, title, symbol, date, paragraph)
//! with the permalink; an English one says that the text is the site's unofficial
//! translation. Every value is escaped for where it goes (HTML, JSON in a script element,
//! BibTeX); it must not read the texts (the paragraphs' anchors come from the renderer).

use super::context::{Job, Renderer};
use super::format::{format_date, object};
use crate::load::{Document, Kind, Translation};
use crate::markdown::{TextBlock, TextKind};
use crate::output::PageText;
use crate::text::esc_into;
use crate::types::{Lang, Slug, StateId};
use serde_json::json;
use std::fmt::Write;
use std::sync::Arc;

/// What a citation of a document is made of, in one language.
pub(super) struct Cite<'a> {
    lang: Lang,
    slug: &'a Slug,
    title: &'a str,
    symbol: Option<&'a str>,
    /// ISO date.
    date: Option<&'a str>,
    kind: Kind,
    /// "United Nations, General Assembly" in the citation's language.
    author: String,
    publisher: String,
    /// The document page, absolute.
    url: String,
    unofficial: bool,
}

/// The path of a document's citation page, relative to a language root.
pub fn cite_rel(slug: &Slug) -> String {
    format!("documents/{slug}/cite/")
}

/// The anchors a citation page lists: paragraphs and list items.
pub(super) fn citable(texts: &[TextBlock]) -> Vec<String> {
    texts
        .iter()
        .filter(|b| matches!(b.kind, TextKind::Paragraph | TextKind::ListItem))
        .filter_map(|b| b.anchor.clone())
        .collect()
}

impl Renderer<'_> {
    /// The citation of a document in `lang`, from the edition the page in `lang` shows.
    pub(super) fn cite<'s>(&'s self, lang: Lang, doc: &'s Document) -> Option<Cite<'s>> {
        let meta = self.linked.checked.meta.get(&doc.slug)?;
        let ed = doc
            .editions
            .get(&lang)
            .or_else(|| doc.editions.get(&lang.other()))?;
        let un = self.t(lang, "cite_un");
        let author = match meta.organ {
            Some(o) => format!("{un}, {}", self.t(lang, &format!("organ_{}", o.key()))),
            None => un.clone(),
        };
        Some(Cite {
            lang,
            slug: &doc.slug,
            title: &ed.front.title,
            symbol: meta.symbol.as_ref().map(|s| s.as_str()),
            date: meta.date.as_deref(),
            kind: meta.kind,
            author,
            publisher: un,
            url: format!(
                "{}{}",
                self.linked.checked.corpus.config.origin(),
                self.urls.document(lang, &doc.slug)
            ),
            unofficial: ed.lang == lang
                && matches!(ed.front.translation, Some(Translation::Unofficial)),
        })
    }

    /// A UI string, borrowed (a citation page asks for a few per paragraph).
    fn s(&self, lang: Lang, key: &str) -> &str {
        self.strings(lang).get(key).map_or("", String::as_str)
    }

    /// Where a paragraph is, in words: "par. 4", "al. 2 du préambule", "Allemagne, par. 3".
    fn locator(&self, out: &mut String, lang: Lang, anchor: &str) {
        let para = self.s(lang, "cite_para");
        let number = |s: &str| s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty();
        if let Some(n) = anchor.strip_prefix("pp").filter(|n| number(n)) {
            out.push_str(&self.s(lang, "cite_preamble").replace("{n}", n));
            return;
        }
        if let Some(rest) = anchor.strip_prefix('p') {
            let (n, sub) = rest.split_once('-').unwrap_or((rest, ""));
            if number(n) {
                let _ = write!(out, "{para} {n}");
                if !sub.is_empty() {
                    let _ = write!(out, " {sub})");
                }
                return;
            }
        }
        if let Some((state, n)) = anchor.rsplit_once('-').filter(|(_, n)| number(n)) {
            if let Some(s) = self.linked.checked.states.get(&StateId(state.to_string())) {
                let _ = write!(out, "{}, {para} {n}", s.name(lang));
                return;
            }
        }
        let _ = write!(out, "{} {anchor}", self.s(lang, "cite_passage"));
    }

    /// The part of every citation of a document before the paragraph: author, title, symbol
    /// and date.
    fn citation_prefix(&self, c: &Cite) -> String {
        let (open, close) = match c.lang {
            Lang::Fr => ("« ", " »"),
            Lang::En => ("\u{201c}", "\u{201d}"),
        };
        let mut s = format!("{}, {open}{}{close}", c.author, c.title);
        if let Some(sym) = c.symbol {
            let _ = write!(s, ", {sym}");
        }
        if let Some(d) = c.date {
            let _ = write!(s, ", {}", format_date(d, c.lang));
        }
        s
    }

    /// The ready-to-paste citation, of the document or of one paragraph: UN style, then the
    /// permalink. `prefix` is [`Renderer::citation_prefix`], made once per document.
    fn citation_into(&self, out: &mut String, c: &Cite, prefix: &str, anchor: Option<&str>) {
        out.push_str(prefix);
        if let Some(a) = anchor {
            out.push_str(", ");
            self.locator(out, c.lang, a);
        }
        if c.unofficial {
            let _ = write!(out, " ({})", self.s(c.lang, "cite_unofficial"));
        }
        out.push_str(". ");
        out.push_str(&c.url);
        if let Some(a) = anchor {
            out.push('#');
            out.push_str(a);
        }
    }

    pub(super) fn citation_text(&self, c: &Cite, anchor: Option<&str>) -> String {
        let mut s = String::new();
        self.citation_into(&mut s, c, &self.citation_prefix(c), anchor);
        s
    }

    /// The bibliographic tags of a document page's head, as HTML.
    pub(super) fn citation_head(&self, c: &Cite) -> String {
        let mut h = String::with_capacity(2048);
        let mut tag = |name: &str, value: &str| {
            h.push_str("<meta name=\"");
            h.push_str(name);
            h.push_str("\" content=\"");
            esc_into(&mut h, value);
            h.push_str("\">\n");
        };
        let lang = c.lang.code();
        let date = c.date.unwrap_or_default();
        tag("citation_title", c.title);
        tag("citation_author", &c.author);
        tag("citation_publisher", &c.publisher);
        if !date.is_empty() {
            tag("citation_date", &date.replace('-', "/"));
        }
        tag("citation_language", lang);
        tag("citation_public_url", &c.url);
        if let Some(sym) = c.symbol {
            tag("citation_technical_report_number", sym);
        }
        tag("DC.title", c.title);
        tag("DC.creator", &c.author);
        tag("DC.publisher", &c.publisher);
        if !date.is_empty() {
            tag("DC.date", date);
        }
        tag("DC.language", lang);
        tag("DC.type", "Text");
        if let Some(sym) = c.symbol {
            tag("DC.identifier", sym);
        }
        let ld = json!({
            "@context": "https://schema.org",
            "@type": if c.kind == Kind::Resolution { "Legislation" } else { "Report" },
            "name": c.title,
            "identifier": c.symbol,
            "datePublished": c.date,
            "inLanguage": lang,
            "url": c.url,
            "author": {"@type": "Organization", "name": c.author},
            "publisher": {"@type": "Organization", "name": c.publisher},
            "isBasedOn": c.symbol.map(|s| crate::types::Symbol(s.to_string()).undocs_url(Lang::Fr)),
            "translationOfWork": c.unofficial.then_some(json!({"@type": "CreativeWork", "inLanguage": "fr"})),
        });
        h.push_str("<script type=\"application/ld+json\">");
        h.push_str(&script_json(&ld));
        h.push_str("</script>\n");
        h
    }

    /// The citation page of a document in `lang`: the document, the formats, then each
    /// paragraph's citation under the paragraph's own anchor.
    pub(super) fn cite_job(&self, c: &Cite, anchors: &[String]) -> Job {
        let lang = c.lang;
        let prefix = self.citation_prefix(c);
        let mut list = String::with_capacity(anchors.len() * (prefix.len() + c.url.len() + 80));
        let mut one = String::new();
        for a in anchors {
            list.push_str("<li id=\"");
            esc_into(&mut list, a);
            list.push_str("\"><p class=\"citation\">");
            one.clear();
            self.citation_into(&mut one, c, &prefix, Some(a));
            esc_into(&mut list, &one);
            list.push_str("</p></li>\n");
        }
        let files: Vec<_> = FORMATS
            .iter()
            .map(|(ext, label)| {
                json!({"label": label, "url": self.urls.data(&cite_file(c.slug, lang, ext))})
            })
            .collect();
        Job {
            template: "cite.html",
            lang,
            rel: cite_rel(c.slug),
            title: format!("{} — {}", self.t(lang, "cite"), c.title),
            alternate: true,
            text: Some(("citations", Arc::new(PageText::new(list)))),
            ctx: object([
                ("doc_title", c.title.into()),
                ("doc_url", self.urls.document(lang, c.slug).into()),
                ("citation", self.citation_text(c, None).into()),
                ("unofficial", c.unofficial.into()),
                ("files", files.into()),
                ("script", self.urls.asset("cite.js").into()),
            ]),
        }
    }

    /// The document's BibTeX, RIS and CSL-JSON files in `lang`.
    pub(super) fn cite_files(&self, c: &Cite) -> Vec<(String, Vec<u8>)> {
        let lang = c.lang;
        let note = c.unofficial.then(|| self.t(lang, "cite_unofficial"));
        let year = c.date.and_then(|d| d.get(..4)).unwrap_or_default();
        // BibTeX: a technical report, its symbol as the number.
        let mut bib = format!("@techreport{{{}-{},\n", c.slug, lang.code());
        // Braces around the author keep an institution's name from being read as a person's.
        let _ = writeln!(bib, "  author = {{{{{}}}}},", bib_esc(&c.author));
        let mut field = |name: &str, value: &str| {
            let _ = writeln!(bib, "  {name} = {{{}}},", bib_esc(value));
        };
        field("title", c.title);
        field("institution", &c.publisher);
        if let Some(sym) = c.symbol {
            field("number", sym);
        }
        if let Some(d) = c.date {
            field("date", d);
            field("year", year);
        }
        field(
            "langid",
            if lang == Lang::Fr {
                "french"
            } else {
                "english"
            },
        );
        field("url", &c.url);
        if let Some(n) = &note {
            field("note", n);
        }
        bib.push_str("}\n");
        // RIS: one record, TY first and ER last.
        let mut ris = String::from("TY  - RPRT\r\n");
        let mut line = |tag: &str, value: &str| {
            let _ = write!(ris, "{tag}  - {}\r\n", crate::text::collapse_ws(value));
        };
        line("TI", c.title);
        line("AU", &c.author);
        line("PB", &c.publisher);
        if let Some(sym) = c.symbol {
            line("SN", sym);
        }
        if let Some(d) = c.date {
            line("PY", year);
            line("DA", &d.replace('-', "/"));
        }
        line("LA", lang.code());
        line("UR", &c.url);
        if let Some(n) = &note {
            line("N1", n);
        }
        ris.push_str("ER  - \r\n");
        // CSL-JSON: an array of one item.
        let parts: Vec<u32> = c
            .date
            .map(|d| d.split('-').filter_map(|p| p.parse().ok()).collect())
            .unwrap_or_default();
        let csl = json!([{
            "id": format!("{}-{}", c.slug, lang.code()),
            "type": if c.kind == Kind::Resolution { "legislation" } else { "report" },
            "title": c.title,
            "author": [{"literal": c.author}],
            "publisher": c.publisher,
            "number": c.symbol,
            "issued": (!parts.is_empty()).then(|| json!({"date-parts": [parts]})),
            "language": lang.code(),
            "URL": c.url,
            "note": note,
        }]);
        // Absent values are left out rather than null (the CSL schema has no nulls).
        let csl = match csl {
            serde_json::Value::Array(mut items) => {
                if let Some(serde_json::Value::Object(m)) = items.get_mut(0) {
                    m.retain(|_, v| !v.is_null());
                }
                serde_json::Value::Array(items)
            }
            other => other,
        };
        let mut csl_bytes = serde_json::to_vec_pretty(&csl).unwrap_or_default();
        csl_bytes.push(b'\n');
        vec![
            (
                format!("data/{}", cite_file(c.slug, lang, "bib")),
                bib.into_bytes(),
            ),
            (
                format!("data/{}", cite_file(c.slug, lang, "ris")),
                ris.into_bytes(),
            ),
            (
                format!("data/{}", cite_file(c.slug, lang, "json")),
                csl_bytes,
            ),
        ]
    }
}

/// The formats offered for download: file extension and label.
const FORMATS: [(&str, &str); 3] = [("bib", "BibTeX"), ("ris", "RIS"), ("json", "CSL-JSON")];

/// A citation file's path under `data/`.
fn cite_file(slug: &Slug, lang: Lang, ext: &str) -> String {
    format!("cite/{slug}-{}.{ext}", lang.code())
}

/// JSON for a `<script type="application/ld+json">` element: `<`, `>` and `&` written as
/// escapes, so no text can close the element or open a comment (they only occur in strings).
fn script_json(v: &serde_json::Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// A value for a braced BibTeX field: the characters TeX gives a meaning to, escaped.
fn bib_esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(ch);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            c if c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_element() {
        let v = json!({"name": "</script><script>alert(1)</script> & <!--"});
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: serde_json::Value = serde_json::from_str(&s).expect("still JSON");
        assert_eq!(back, v);
    }

    #[test]
    fn bibtex_values_escape_what_tex_reads() {
        assert_eq!(bib_esc("50% {x} a_b"), "50\\% \\{x\\} a\\_b");
        assert_eq!(bib_esc("a\\b"), "a\\textbackslash{}b");
    }
}
