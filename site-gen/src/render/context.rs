//! What every page is built from: the [`Renderer`] (the linked corpus, its URLs, the compiled
//! templates, and what is computed once for all pages: document summaries, the shared context,
//! the navigation and footer), the [`Job`] a page family hands in, and the context builders the
//! families share (a page's base context, document summaries, State links, positions).
//!
//! It must not know any page kind: what a page shows is its family's module; what is built here
//! is used by several families or by every page.

use super::engine::Templates;
use super::format::format_date;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::link::Linked;
use crate::markdown::Linker;
use crate::mentions::{find_all, MentionKind};
use crate::output::PageText;
use crate::text::esc_into;
use crate::types::{Lang, Slug, Stance, Symbol};
use crate::urls::Urls;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A page to render: template, language, path relative to the language root, and its context.
pub(super) struct Job {
    pub(super) template: &'static str,
    pub(super) lang: Lang,
    pub(super) rel: String,
    pub(super) title: String,
    pub(super) ctx: Value,
    /// Whether the page exists in the other language (for hreflang and the switcher).
    pub(super) alternate: bool,
    /// The page's long text and the name the template prints it under.
    pub(super) text: Option<(&'static str, Arc<PageText>)>,
}

/// The linked corpus and everything its pages are rendered with.
pub struct Renderer<'a> {
    pub linked: &'a Linked,
    pub urls: Urls,
    pub(super) templates: Templates,
    /// Position of each document in the corpus, by slug.
    doc_index: BTreeMap<Slug, usize>,
    /// Per language: each document's summary (title, URL, symbol, kind, date), by position in
    /// the corpus. Lists of documents repeat them many times (the references page names every
    /// citing document under each symbol it cites), so they are made once.
    summaries: BTreeMap<Lang, Vec<Value>>,
    /// Per language: the context entries every page shares (built once, cloned per page).
    shared: BTreeMap<Lang, serde_json::Map<String, Value>>,
    /// Whether the compiled explorer is part of the output (its files may then be preloaded).
    pub explorer_runtime: bool,
    /// The social cards the pages name, drawn (or taken from the cache) once pages are rendered.
    pub cards: crate::cards::Cards,
    /// Per language: the site navigation, rendered once for each item that can be the current
    /// page (index 0: none is), and the footer. Every page has them, so they are rendered from
    /// their partial templates once, not page by page.
    partials: BTreeMap<Lang, Partials>,
}

/// The parts of every page that depend on its language only (and, for the navigation, on which
/// of its items is the current page).
#[derive(Default)]
struct Partials {
    /// (URL of the item that is the current page, or "" for none; the rendered list items).
    nav: Vec<(String, String)>,
    footer: String,
}

/// The site navigation: page path (relative to the language root) and UI-string key.
const NAV: [(&str, &str); 7] = [
    ("documents/", "nav_documents"),
    ("states/", "nav_states"),
    ("topics/", "nav_topics"),
    ("explorer/", "nav_explorer"),
    ("references/", "nav_references"),
    ("timeline/", "nav_timeline"),
    ("about/", "nav_about"),
];

/// Turns mentions into links for one page language.
pub(super) struct TextLinker<'a> {
    r: &'a Renderer<'a>,
    lang: Lang,
    strings: &'a BTreeMap<String, String>,
    /// Where each mention's URL is made before it is escaped into the page.
    href: std::cell::RefCell<String>,
    /// The symbols linked since the renderer last asked ([`Linker::take_cited`]).
    cited: std::cell::RefCell<Vec<String>>,
    /// Whether the text is a document's, whose paragraphs link to their citations.
    cite: bool,
}

impl Linker for TextLinker<'_> {
    fn link_text(&self, out: &mut String, text: &str, near_resolution: &mut dyn FnMut() -> bool) {
        let mentions = find_all(text, near_resolution, &self.r.linked.matchers[&self.lang]);
        let mut at = 0;
        for m in mentions {
            esc_into(out, &text[at..m.range.start]);
            let mut href = self.href.borrow_mut();
            href.clear();
            let class = match m.kind {
                MentionKind::Symbol(sym) => {
                    self.r.push_symbol_href(&mut href, self.lang, &sym);
                    self.cited.borrow_mut().push(sym.0);
                    "sym"
                }
                MentionKind::State(id) => {
                    self.r.urls.push_state(&mut href, self.lang, &id);
                    "state"
                }
            };
            out.push_str("<a class=\"");
            out.push_str(class);
            out.push_str("\" href=\"");
            esc_into(out, &href);
            out.push_str("\">");
            esc_into(out, &text[m.range.clone()]);
            out.push_str("</a>");
            at = m.range.end;
        }
        esc_into(out, &text[at..]);
    }

    fn cite_label(&self) -> Option<&str> {
        self.cite
            .then(|| self.strings.get("cite").map(String::as_str))
            .flatten()
    }

    fn take_cited(&self) -> Vec<String> {
        std::mem::take(&mut *self.cited.borrow_mut())
    }

    fn link_dest<'u>(&self, url: &'u str) -> std::borrow::Cow<'u, str> {
        use std::borrow::Cow;
        // A paragraph of a document, by slug (`doc:a-78-76#p4`) or by the symbol of a document
        // of the site (`A/78/76#p4`). The link check then finds an unknown document or anchor,
        // and the error is reported where the short form is written.
        let (target, fragment) = url.split_once('#').unwrap_or((url, ""));
        let slug = match target.strip_prefix("doc:") {
            Some(slug) => Some(Slug::from(slug)),
            None if target.contains('/') && !target.starts_with(['/', '.']) => self
                .r
                .linked
                .by_symbol
                .get(&Symbol(target.to_string()))
                .cloned(),
            None => None,
        };
        if let Some(slug) = slug {
            let mut href = self.r.urls.document(self.lang, &slug);
            if !fragment.is_empty() {
                href.push('#');
                href.push_str(fragment);
            }
            return Cow::Owned(href);
        }
        // Authors copy addresses from the browser (`/fr/documents/a-78-76/#p4`): rewritten
        // rather than refused, they keep working wherever the site is deployed.
        match url.strip_prefix('/') {
            Some(rest) if !rest.starts_with('/') && self.r.urls.base != "/" => {
                Cow::Owned(format!("{}{rest}", self.r.urls.base))
            }
            _ => Cow::Borrowed(url),
        }
    }

    fn permalink_label(&self) -> &str {
        self.strings.get("permalink").map_or("", String::as_str)
    }

    fn footnotes_heading(&self) -> &str {
        self.strings.get("footnotes").map_or("", String::as_str)
    }

    fn back_label(&self) -> &str {
        self.strings.get("back_to_text").map_or("", String::as_str)
    }
}

impl<'a> Renderer<'a> {
    pub fn new(linked: &'a Linked) -> Result<Renderer<'a>, Diagnostics> {
        let mut d = Diagnostics::default();
        let theme = &linked.checked.corpus.theme;
        let (templates, errors) = Templates::compile(theme);
        d.extend(errors);
        let urls = Urls::new(linked.checked.corpus.config.base_path());
        let doc_index = linked
            .checked
            .corpus
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.slug.clone(), i))
            .collect();
        let mut r = Renderer {
            linked,
            urls,
            templates,
            doc_index,
            summaries: BTreeMap::new(),
            shared: BTreeMap::new(),
            explorer_runtime: false,
            cards: crate::cards::Cards::new(&theme.fonts),
            partials: BTreeMap::new(),
        };
        if let Some(problem) = r.cards.font_problem() {
            d.error(
                &theme.dir.join("fonts"),
                0,
                problem,
                "keep the fonts of themes/default/fonts/ in the theme",
            );
        }
        for lang in Lang::ALL {
            let summaries = linked
                .checked
                .corpus
                .documents
                .par_iter()
                .map(|d| r.make_doc_summary(lang, &d.slug))
                .collect();
            r.summaries.insert(lang, summaries);
            r.shared.insert(lang, r.shared_context(lang));
        }
        if d.is_empty() {
            for lang in Lang::ALL {
                match r.render_partials(lang) {
                    Ok(p) => {
                        r.partials.insert(lang, p);
                    }
                    Err(e) => d.push(e),
                }
            }
        }
        d.into_result(r)
    }
}

impl Renderer<'_> {
    /// Renders the navigation (once per possible current item) and the footer of a language.
    fn render_partials(&self, lang: Lang) -> Result<Partials, Diagnostic> {
        let render = |name: &str, current: &str| {
            let mut ctx = self.shared.get(&lang).cloned().unwrap_or_default();
            ctx.insert("nav".into(), self.nav_links(lang));
            ctx.insert("t".into(), self.templates.strings_for(lang, name));
            ctx.insert("current".into(), current.into());
            let bytes = self.templates.render(lang, name, Value::Object(ctx))?;
            Ok::<_, Diagnostic>(String::from_utf8_lossy(&bytes).into_owned())
        };
        let mut nav = vec![(String::new(), render("partials/nav.html", "")?)];
        for (rel, _) in NAV {
            let href = self.urls.page(lang, rel);
            let html = render("partials/nav.html", &href)?;
            nav.push((href, html));
        }
        Ok(Partials {
            nav,
            footer: render("partials/footer.html", "")?,
        })
    }

    pub fn doc(&self, slug: &Slug) -> Option<&crate::load::Document> {
        self.doc_index
            .get(slug)
            .and_then(|i| self.linked.checked.corpus.documents.get(*i))
    }

    pub(super) fn strings(&self, lang: Lang) -> &BTreeMap<String, String> {
        &self.linked.checked.corpus.theme.i18n[&lang].strings
    }

    pub(super) fn visuals(&self, lang: Lang) -> crate::visuals::Visuals<'_> {
        crate::visuals::Visuals::new(self.linked, &self.urls, lang, self.strings(lang))
    }

    pub fn symbol_href(&self, lang: Lang, sym: &crate::types::Symbol) -> String {
        let mut s = String::new();
        self.push_symbol_href(&mut s, lang, sym);
        s
    }

    /// [`Renderer::symbol_href`], written onto `out`.
    pub(super) fn push_symbol_href(
        &self,
        out: &mut String,
        lang: Lang,
        sym: &crate::types::Symbol,
    ) {
        match self.linked.by_symbol.get(sym) {
            Some(slug) => self.urls.push_document(out, lang, slug),
            None => sym.push_undocs_url(out, lang),
        }
    }

    /// The context of a page: what every page of its language shares, the UI strings its
    /// template uses, and its own URLs.
    pub(super) fn base_context(
        &self,
        lang: Lang,
        template: &str,
        rel: &str,
        title: &str,
        alternate: bool,
    ) -> serde_json::Map<String, Value> {
        let other = lang.other();
        let mut ctx = self.shared.get(&lang).cloned().unwrap_or_default();
        let t = self.templates.strings_for(lang, template);
        let page = self.urls.page(lang, rel);
        let other_page = self.urls.page(other, rel);
        let origin = self.linked.checked.corpus.config.origin();
        let mut put = |k: &str, v: Value| {
            ctx.insert(k.to_string(), v);
        };
        put("t", t);
        put("title", title.into());
        put("rel", rel.into());
        put("canonical", format!("{origin}{page}").into());
        put("canonical_other", format!("{origin}{other_page}").into());
        put(
            "other_url",
            if alternate {
                other_page
            } else {
                self.urls.home(other)
            }
            .into(),
        );
        if let Some(p) = self.partials.get(&lang) {
            let nav = p
                .nav
                .iter()
                .find(|(href, _)| *href == page)
                .unwrap_or(&p.nav[0]);
            put("nav_html", nav.1.clone().into());
            put("footer_html", p.footer.clone().into());
        }
        put("self_url", page.into());
        put("has_alternate", alternate.into());
        ctx
    }

    /// The site navigation's links, for its partial template.
    pub(super) fn nav_links(&self, lang: Lang) -> Value {
        let label = |k: &str| self.strings(lang).get(k).cloned();
        NAV.iter()
            .map(|(rel, key)| json!({"href": self.urls.page(lang, rel), "label": label(key)}))
            .collect()
    }

    /// The context entries that are the same on every page of a language.
    pub(super) fn shared_context(&self, lang: Lang) -> serde_json::Map<String, Value> {
        let other = lang.other();
        let v = json!({
            "lang": lang.code(),
            "other_lang": other.code(),
            "other_language_switch": self.strings(other).get("language_switch"),
            "base": self.urls.base,
            "css": self.urls.asset("style.css"),
            "favicon": self.urls.asset("favicon.svg"),
            "csp": crate::csp::meta_policy(),
            "feed": self.urls.page(lang, "atom.xml"),
            "home": self.urls.home(lang),
            "other_og_locale": self.strings(other).get("og_locale"),
            // A page without a card of its own is previewed with its language's home card.
            "card": self.home_card(lang),
        });
        match v {
            Value::Object(m) => m,
            _ => Default::default(),
        }
    }

    pub(super) fn t(&self, lang: Lang, key: &str) -> String {
        self.strings(lang).get(key).cloned().unwrap_or_default()
    }

    /// The linker every page's text is written with (the property tests check that it only
    /// adds links).
    pub fn text_linker(&self, lang: Lang) -> impl Linker + '_ {
        self.linker(lang)
    }

    pub(super) fn linker(&self, lang: Lang) -> TextLinker<'_> {
        TextLinker {
            r: self,
            lang,
            strings: self.strings(lang),
            href: Default::default(),
            cited: Default::default(),
            cite: false,
        }
    }

    /// The linker of a document's text: as [`Renderer::linker`], and each paragraph links to
    /// its citation.
    pub(super) fn document_linker(&self, lang: Lang) -> TextLinker<'_> {
        TextLinker {
            cite: true,
            ..self.linker(lang)
        }
    }

    pub(super) fn doc_summary(&self, lang: Lang, slug: &Slug) -> Value {
        self.doc_index
            .get(slug)
            .and_then(|i| self.summaries.get(&lang)?.get(*i))
            .cloned()
            .unwrap_or_else(|| self.make_doc_summary(lang, slug))
    }

    pub(super) fn make_doc_summary(&self, lang: Lang, slug: &Slug) -> Value {
        let c = &self.linked.checked;
        let meta = c.meta.get(slug);
        let doc = self.doc(slug);
        let title = doc
            .and_then(|d| d.editions.get(&lang).or_else(|| d.editions.values().next()))
            .map(|e| e.front.title.clone())
            .unwrap_or_default();
        json!({
            "slug": slug.as_str(),
            "url": self.urls.document(lang, slug),
            "title": title,
            "symbol": meta.and_then(|m| m.symbol.as_ref()).map(|s| s.as_str()),
            "kind": meta.map(|m| self.t(lang, &format!("kind_{}", m.kind.key()))),
            "date": meta.and_then(|m| m.date.clone()),
            "date_text": meta.and_then(|m| m.date.as_deref()).map(|d| format_date(d, lang)),
        })
    }

    /// Summaries of every document, in date order.
    pub(super) fn doc_summaries(&self, lang: Lang) -> Vec<Value> {
        self.sorted_docs()
            .iter()
            .map(|s| self.doc_summary(lang, s))
            .collect()
    }

    /// Documents by date, undated ones last, then by slug.
    pub(super) fn sorted_docs(&self) -> Vec<Slug> {
        let mut v: Vec<(&Slug, Option<&String>)> = self
            .linked
            .checked
            .meta
            .iter()
            .map(|(s, m)| (s, m.date.as_ref()))
            .collect();
        v.sort_by(|a, b| match (a.1, b.1) {
            (Some(x), Some(y)) => x.cmp(y).then(a.0.cmp(b.0)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.0.cmp(b.0),
        });
        v.into_iter().map(|(s, _)| s.clone()).collect()
    }

    pub(super) fn state_link(&self, lang: Lang, id: &crate::types::StateId) -> Value {
        let s = &self.linked.checked.states[id];
        json!({"id": id.as_str(), "name": s.name(lang), "url": self.urls.state(lang, id), "group": s.group})
    }

    pub(super) fn stance_label(&self, lang: Lang, s: &Stance) -> String {
        self.linked
            .checked
            .stance_labels
            .get(s)
            .and_then(|m| m.get(&lang))
            .cloned()
            .unwrap_or_else(|| s.0.clone())
    }

    pub(super) fn position_value(&self, lang: Lang, p: &crate::validate::Position) -> Value {
        let c = &self.linked.checked;
        let topic = c.topics.iter().find(|t| t.id == p.topic);
        let url = match (&p.anchor, &c.replies_doc) {
            (Some(a), Some(doc)) => Some(format!("{}#{}", self.urls.document(lang, doc), a)),
            _ => None,
        };
        json!({
            "state": self.state_link(lang, &p.state),
            "topic": p.topic.as_str(),
            "topic_label": topic.and_then(|t| t.label.get(&lang)),
            "topic_url": self.urls.topic(lang, &p.topic),
            "stance": p.stance.as_str(),
            "stance_label": self.stance_label(lang, &p.stance),
            "quote": p.quote.get(&lang),
            "note": p.note.get(&lang),
            "anchor": p.anchor.as_ref().map(|a| a.as_str()),
            "url": url,
        })
    }
}
