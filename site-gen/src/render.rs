//! Stage 4, render: every page of the site as HTML (tera templates + pulldown-cmark bodies), in
//! both languages through one code path. Pages are rendered in parallel; the output is a sorted
//! map, so it does not depend on thread scheduling.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::link::{Linked, Relation};
use crate::load::Body;
use crate::markdown::{self, esc_into, Linker};
use crate::mentions::{find_all, MentionKind};
use crate::sink::{PageText, RenderedPage};
use crate::types::{Lang, Slug, Stance};
use crate::urls::{doc_rel, file_for, page_rel, parallel_rel, Urls};
use memchr::memmem::Finder;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// One output file: its path relative to the output directory, and its bytes.
pub type Output = BTreeMap<String, Vec<u8>>;

/// A page of the site, before its context is built.
enum Spec<'a> {
    Home(Lang),
    DocumentsIndex(Lang),
    /// Both languages at once, from the bodies taken out of the corpus.
    Document(&'a crate::load::Document, BTreeMap<Lang, Body>),
    Page(Lang, &'a crate::load::Page),
    States(Lang),
    State(Lang, &'a crate::types::StateId),
    Topics(Lang),
    Topic(Lang, &'a crate::validate::Topic),
    References(Lang),
    Timeline(Lang),
    Explorer(Lang),
    Downloads(Lang),
}

/// A page to render: template, language, path relative to the language root, and its context.
struct Job {
    template: &'static str,
    lang: Lang,
    rel: String,
    title: String,
    ctx: Value,
    /// Whether the page exists in the other language (for hreflang and the switcher).
    alternate: bool,
    /// The page's long text and the name the template prints it under.
    text: Option<(&'static str, Arc<PageText>)>,
}

/// What a template prints where a page's long text goes, when the text is kept out of the
/// template engine ([`PageText`]). An HTML comment: no escaped value can hold `<!--`.
const TEXT_MARKER: &str = "<!--site-gen:text-->";

/// The names under which pages get a long text: a document's `body`, the parallel view's `parallel_rows`.
const TEXT_NAMES: [&str; 2] = ["body", "parallel_rows"];

pub struct Renderer<'a> {
    pub linked: &'a Linked,
    pub urls: Urls,
    /// Per language, the theme's templates with that language's UI strings written in where
    /// a template prints one as it is (see [`with_strings`]).
    tera: BTreeMap<Lang, tera::Tera>,
    /// Position of each document in the corpus, by slug.
    doc_index: BTreeMap<Slug, usize>,
    /// Per language: each document's summary (title, URL, symbol, kind, date), by position in
    /// the corpus. Lists of documents repeat them many times (the references page names every
    /// citing document under each symbol it cites), so they are made once.
    summaries: BTreeMap<Lang, Vec<Value>>,
    /// Per language: the context entries every page shares (built once, cloned per page).
    shared: BTreeMap<Lang, serde_json::Map<String, Value>>,
    /// Per language and template: the UI strings that template can reach, as its `t`.
    strings_for: BTreeMap<Lang, BTreeMap<String, Value>>,
    /// Whether the compiled explorer is part of the output (its files may then be preloaded).
    pub explorer_runtime: bool,
    /// Per language: the site navigation, rendered once for each item that can be the current
    /// page (index 0: none is), and the footer. Every page has them, so they are rendered from
    /// their partial templates once, not page by page.
    partials: BTreeMap<Lang, Partials>,
    /// The [`TEXT_NAMES`] the theme prints only as `{{ name | safe }}`: their texts are spliced
    /// into the page instead of going through the template engine.
    spliced: BTreeSet<&'static str>,
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
struct TextLinker<'a> {
    r: &'a Renderer<'a>,
    lang: Lang,
    strings: &'a BTreeMap<String, String>,
    /// Where each mention's URL is made before it is escaped into the page.
    href: std::cell::RefCell<String>,
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
        // The templates as written are compiled only to report their errors at their own lines;
        // pages are rendered from each language's copy. The three sets compile side by side.
        let (as_written, copies) = rayon::join(
            || {
                let mut d = Diagnostics::default();
                compile_templates(&theme.templates, &theme.dir, &mut d);
                d
            },
            || {
                Lang::ALL
                    .par_iter()
                    .map(|lang| {
                        let strings = &theme.i18n[lang].strings;
                        let templates: Vec<(String, std::path::PathBuf, String)> = theme
                            .templates
                            .iter()
                            .map(|(n, p, t)| {
                                // Only where tera escapes what it prints, as the strings
                                // written in are.
                                let escaped = n.ends_with(".html") || n.ends_with(".xml");
                                let text = if escaped {
                                    with_strings(t, strings)
                                } else {
                                    t.clone()
                                };
                                (n.clone(), p.clone(), text)
                            })
                            .collect();
                        let mut d = Diagnostics::default();
                        let tera = compile_templates(&templates, &theme.dir, &mut d);
                        (*lang, templates, tera, d)
                    })
                    .collect::<Vec<_>>()
            },
        );
        let mut per_lang = BTreeMap::new();
        let mut per_lang_templates = BTreeMap::new();
        // The copies' errors would repeat those of the templates as written.
        let written_ok = as_written.is_empty();
        d.extend(as_written);
        if written_ok {
            for (lang, templates, tera, errors) in copies {
                d.extend(errors);
                per_lang.insert(lang, tera);
                per_lang_templates.insert(lang, templates);
            }
        }
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
            tera: per_lang,
            doc_index,
            summaries: BTreeMap::new(),
            shared: BTreeMap::new(),
            strings_for: BTreeMap::new(),
            explorer_runtime: false,
            partials: BTreeMap::new(),
            spliced: TEXT_NAMES
                .into_iter()
                .filter(|n| prints_only_safe(&theme.templates, n))
                .collect(),
        };
        for lang in Lang::ALL {
            // The keys each template still looks up once the strings are written in.
            let keys = per_lang_templates
                .get(&lang)
                .map(|t| template_string_keys(t))
                .unwrap_or_default();
            let summaries = linked
                .checked
                .corpus
                .documents
                .par_iter()
                .map(|d| r.make_doc_summary(lang, &d.slug))
                .collect();
            r.summaries.insert(lang, summaries);
            r.shared.insert(lang, r.shared_context(lang));
            let strings = &theme.i18n[&lang].strings;
            for (name, keys) in &keys {
                let t: serde_json::Map<String, Value> = match keys {
                    Some(keys) => keys
                        .iter()
                        .filter_map(|k| Some((k.clone(), Value::from(strings.get(k)?.as_str()))))
                        .collect(),
                    None => strings
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                        .collect(),
                };
                r.strings_for
                    .entry(lang)
                    .or_default()
                    .insert(name.clone(), Value::Object(t));
            }
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

    /// Renders the navigation (once per possible current item) and the footer of a language.
    fn render_partials(&self, lang: Lang) -> Result<Partials, Diagnostic> {
        let render = |name: &str, current: &str| {
            let mut ctx = self.shared.get(&lang).cloned().unwrap_or_default();
            ctx.insert("nav".into(), self.nav_links(lang));
            let t = self
                .strings_for
                .get(&lang)
                .and_then(|m| m.get(name))
                .cloned();
            ctx.insert(
                "t".into(),
                t.unwrap_or_else(|| Value::Object(Default::default())),
            );
            ctx.insert("current".into(), current.into());
            let bytes = self.render_template(lang, name, Value::Object(ctx))?;
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

    fn strings(&self, lang: Lang) -> &BTreeMap<String, String> {
        &self.linked.checked.corpus.theme.i18n[&lang].strings
    }

    fn visuals(&self, lang: Lang) -> crate::visuals::Visuals<'_> {
        crate::visuals::Visuals::new(self.linked, &self.urls, lang, self.strings(lang))
    }

    pub fn symbol_href(&self, lang: Lang, sym: &crate::types::Symbol) -> String {
        let mut s = String::new();
        self.push_symbol_href(&mut s, lang, sym);
        s
    }

    /// [`Renderer::symbol_href`], written onto `out`.
    fn push_symbol_href(&self, out: &mut String, lang: Lang, sym: &crate::types::Symbol) {
        match self.linked.by_symbol.get(sym) {
            Some(slug) => self.urls.push_document(out, lang, slug),
            None => sym.push_undocs_url(out, lang),
        }
    }

    /// Renders every page into `sink`; all template errors are collected. Returns the paths of
    /// the pages written. `bodies` are the documents' texts, in corpus order (see
    /// [`crate::load::Corpus::take_document_bodies`]), each freed once its document is rendered.
    pub fn render_all(
        &self,
        sink: &dyn crate::sink::Sink,
        mut bodies: Vec<BTreeMap<Lang, Body>>,
    ) -> Result<Vec<String>, Diagnostics> {
        let mut specs: Vec<Spec> = Lang::ALL
            .iter()
            .flat_map(|l| self.specs(*l, &mut bodies))
            .collect();
        // The pages that list the whole corpus (home, documents, references…) are a few large
        // jobs: started first, they cannot be the last job of a thread while the other waits.
        specs.sort_by_key(|s| {
            matches!(
                s,
                Spec::Document(..) | Spec::Page(..) | Spec::State(..) | Spec::Topic(..)
            )
        });
        let results: Vec<Result<String, Diagnostic>> = specs
            .into_par_iter()
            .flat_map(|spec| self.jobs_for(spec))
            .map(|j| {
                let (path, page) = self.render_job(j)?;
                sink.put_page(path.clone(), page).map_err(|e| {
                    Diagnostic::new(
                        std::path::Path::new(""),
                        0,
                        e,
                        "check that the output directory can be written",
                    )
                })?;
                Ok(path)
            })
            .collect();
        let mut paths = Vec::new();
        let mut d = Diagnostics::default();
        for r in results {
            match r {
                Ok(path) => paths.push(path),
                Err(e) => d.push(e),
            }
        }
        match self.render_root() {
            Ok(files) => {
                for (path, bytes) in files {
                    if let Err(e) = sink.put(path.clone(), bytes) {
                        d.error(
                            std::path::Path::new(""),
                            0,
                            e,
                            "check that the output directory can be written",
                        );
                    }
                    paths.push(path);
                }
            }
            Err(e) => d.extend(e),
        }
        paths.sort();
        d.into_result(paths)
    }

    fn render_job(&self, job: Job) -> Result<(String, RenderedPage), Diagnostic> {
        let lang = job.lang;
        let mut ctx = self.base_context(lang, job.template, &job.rel, &job.title, job.alternate);
        if let Value::Object(extra) = job.ctx {
            ctx.extend(extra);
        }
        // The long text is spliced in after the template, or given to it where the theme does
        // more than print it.
        let mut spliced = None;
        if let Some((name, text)) = job.text {
            if self.spliced.contains(name) {
                ctx.insert(name.into(), TEXT_MARKER.into());
                spliced = Some(text);
            } else {
                ctx.insert(name.into(), Value::String(text.html.clone()));
            }
        }
        let html = self.render_template(lang, job.template, Value::Object(ctx))?;
        let page = match spliced {
            Some(text) => splice(html, text),
            None => RenderedPage::whole(html),
        };
        Ok((file_for(lang, &job.rel), page))
    }

    /// Renders a template into bytes (tera writes UTF-8; turning it into a `String` would only
    /// validate it again).
    fn render_template(&self, lang: Lang, name: &str, ctx: Value) -> Result<Vec<u8>, Diagnostic> {
        // Room for the page's own text (a document's body, the parallel rows) and its frame, so
        // that the buffer is not regrown and copied while the page is written.
        let capacity = 24 * 1024 + long_text(&ctx, 2);
        let context = tera::Context::from_value(ctx).map_err(|e| {
            Diagnostic::new(
                &self.linked.checked.corpus.theme.dir,
                0,
                format!("template context: {e}"),
                "",
            )
        })?;
        let mut html = Vec::with_capacity(capacity);
        // Both languages' template sets exist once `new` has succeeded.
        let tera = self.tera.get(&lang).ok_or_else(|| {
            Diagnostic::new(
                &self.linked.checked.corpus.theme.dir,
                0,
                format!("no templates for {lang}"),
                "",
            )
        })?;
        tera.render_to(name, &context, &mut html).map_err(|e| {
            let msg = error_chain(&e);
            let hint = if msg.contains("t.") && msg.contains("not found") {
                "a UI string is missing: add the key to themes/default/i18n/fr.toml and en.toml"
            } else {
                "fix the template or the data it uses"
            };
            Diagnostic::new(
                &self
                    .linked
                    .checked
                    .corpus
                    .theme
                    .dir
                    .join("templates")
                    .join(name),
                0,
                format!("cannot render: {msg}"),
                hint,
            )
        })?;
        Ok(html)
    }

    /// The context of a page: what every page of its language shares, the UI strings its
    /// template uses, and its own URLs.
    fn base_context(
        &self,
        lang: Lang,
        template: &str,
        rel: &str,
        title: &str,
        alternate: bool,
    ) -> serde_json::Map<String, Value> {
        let other = lang.other();
        let mut ctx = self.shared.get(&lang).cloned().unwrap_or_default();
        let t = self
            .strings_for
            .get(&lang)
            .and_then(|by_template| by_template.get(template))
            .cloned()
            .unwrap_or_else(|| Value::Object(Default::default()));
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
    fn nav_links(&self, lang: Lang) -> Value {
        let label = |k: &str| self.strings(lang).get(k).cloned();
        NAV.iter()
            .map(|(rel, key)| json!({"href": self.urls.page(lang, rel), "label": label(key)}))
            .collect()
    }

    /// The context entries that are the same on every page of a language.
    fn shared_context(&self, lang: Lang) -> serde_json::Map<String, Value> {
        let other = lang.other();
        let v = json!({
            "lang": lang.code(),
            "other_lang": other.code(),
            "other_language_switch": self.strings(other).get("language_switch"),
            "base": self.urls.base,
            "css": self.urls.asset("style.css"),
            "favicon": self.urls.asset("favicon.svg"),
            "feed": self.urls.page(lang, "atom.xml"),
            "home": self.urls.home(lang),
        });
        match v {
            Value::Object(m) => m,
            _ => Default::default(),
        }
    }

    fn t(&self, lang: Lang, key: &str) -> String {
        self.strings(lang).get(key).cloned().unwrap_or_default()
    }

    /// Every page of one language, as cheap descriptions; contexts are built in parallel.
    fn specs(&self, lang: Lang, bodies: &mut Vec<BTreeMap<Lang, Body>>) -> Vec<Spec<'_>> {
        let c = &self.linked.checked;
        let mut specs = vec![Spec::Home(lang), Spec::DocumentsIndex(lang)];
        if lang == Lang::Fr {
            // One spec per document renders both languages (the bodies are shared).
            let texts = std::mem::take(bodies).into_iter();
            specs.extend(
                c.corpus
                    .documents
                    .iter()
                    .zip(texts)
                    .map(|(d, t)| Spec::Document(d, t)),
            );
        }
        specs.extend(c.corpus.pages.iter().map(|p| Spec::Page(lang, p)));
        specs.push(Spec::States(lang));
        specs.extend(c.states.keys().map(|id| Spec::State(lang, id)));
        specs.push(Spec::Topics(lang));
        specs.extend(c.topics.iter().map(|t| Spec::Topic(lang, t)));
        specs.extend([
            Spec::References(lang),
            Spec::Timeline(lang),
            Spec::Explorer(lang),
            Spec::Downloads(lang),
        ]);
        specs
    }

    fn jobs_for(&self, spec: Spec) -> Vec<Job> {
        match spec {
            Spec::Home(l) => vec![self.home_job(l)],
            Spec::DocumentsIndex(l) => vec![self.documents_index_job(l)],
            Spec::Document(doc, texts) => self.document_jobs(doc, texts),
            Spec::Page(l, page) => self.page_job(l, page).into_iter().collect(),
            Spec::States(l) => vec![self.states_job(l)],
            Spec::State(l, id) => vec![self.state_job(l, id)],
            Spec::Topics(l) => vec![self.topics_job(l)],
            Spec::Topic(l, t) => vec![self.topic_job(l, t)],
            Spec::References(l) => vec![self.references_job(l)],
            Spec::Timeline(l) => vec![self.timeline_job(l)],
            Spec::Explorer(l) => vec![self.explorer_job(l)],
            Spec::Downloads(l) => vec![self.downloads_job(l)],
        }
    }

    fn page_job(&self, lang: Lang, page: &crate::load::Page) -> Option<Job> {
        let (ed, fallback) = match page.editions.get(&lang) {
            Some(e) => (e, false),
            None => (page.editions.get(&lang.other())?, true),
        };
        let rendered = markdown::render(ed.source.body(), &self.linker(lang), true);
        Some(Job {
            template: "page.html",
            lang,
            rel: page_rel(&page.slug),
            title: ed.front.title.clone(),
            alternate: true,
            text: None,
            ctx: json!({
                "page": {"title": ed.front.title, "description": ed.front.description, "body": rendered.html,
                         "toc": rendered.toc, "fallback": fallback, "content_lang": ed.lang.code()},
            }),
        })
    }

    fn linker(&self, lang: Lang) -> TextLinker<'_> {
        TextLinker {
            r: self,
            lang,
            strings: self.strings(lang),
            href: Default::default(),
        }
    }

    fn doc_summary(&self, lang: Lang, slug: &Slug) -> Value {
        self.doc_index
            .get(slug)
            .and_then(|i| self.summaries.get(&lang)?.get(*i))
            .cloned()
            .unwrap_or_else(|| self.make_doc_summary(lang, slug))
    }

    fn make_doc_summary(&self, lang: Lang, slug: &Slug) -> Value {
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

    fn home_job(&self, lang: Lang) -> Job {
        let docs = self.doc_summaries(lang);
        Job {
            template: "home.html",
            lang,
            rel: String::new(),
            title: self.t(lang, "site_title"),
            alternate: true,
            text: None,
            ctx: object([
                ("documents", Value::Array(docs)),
                ("n_states", self.linked.checked.states.len().into()),
                ("n_positions", self.linked.checked.positions.len().into()),
                ("map", self.visuals(lang).home_map().into()),
            ]),
        }
    }

    /// Summaries of every document, in date order.
    fn doc_summaries(&self, lang: Lang) -> Vec<Value> {
        self.sorted_docs()
            .iter()
            .map(|s| self.doc_summary(lang, s))
            .collect()
    }

    /// Documents by date, undated ones last, then by slug.
    fn sorted_docs(&self) -> Vec<Slug> {
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

    fn documents_index_job(&self, lang: Lang) -> Job {
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

    fn state_link(&self, lang: Lang, id: &crate::types::StateId) -> Value {
        let s = &self.linked.checked.states[id];
        json!({"id": id.as_str(), "name": s.name(lang), "url": self.urls.state(lang, id), "group": s.group})
    }

    /// The document page and the parallel view, in both languages. Each edition's body is
    /// rendered once here and shared by the four pages.
    fn document_jobs(&self, doc: &crate::load::Document, texts: BTreeMap<Lang, Body>) -> Vec<Job> {
        // Each text is dropped once rendered.
        let mut bodies: BTreeMap<Lang, markdown::Rendered> = texts
            .into_par_iter()
            .map(|(l, text)| (l, markdown::render(text.as_str(), &self.linker(l), false)))
            .collect();
        // Both languages' parallel views print the same rows.
        let rows = match (bodies.get(&Lang::Fr), bodies.get(&Lang::En)) {
            (Some(fr), Some(en)) => Some(Arc::new(PageText::new(parallel_rows(fr, en)))),
            _ => None,
        };
        Lang::ALL
            .iter()
            .flat_map(|l| self.document_lang_jobs(*l, doc, &mut bodies, rows.as_ref()))
            .collect()
    }

    fn document_lang_jobs(
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
            "parallel_url": self.urls.page(lang, &parallel_rel(slug)),
        });
        // Lists are moved in (`json!` would copy them through serialisation).
        if let Value::Object(m) = &mut doc_ctx {
            m.insert("replies".into(), Value::Array(replies));
            m.insert("official".into(), Value::Array(official));
            m.insert("cites".into(), Value::Array(cites));
            m.insert("cited_by".into(), Value::Array(cited_by));
        }
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
                ]),
            });
        }
        doc_ctx["toc"] = json!(rendered.toc);
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

    fn relations_of(&self, lang: Lang, id: &crate::types::StateId) -> Vec<Value> {
        self.linked
            .facts
            .iter()
            .filter(|f| &f.state == id)
            .map(|f| {
                let doc = self.doc_summary(lang, &f.doc);
                json!({
                    "relation": f.relation.key(),
                    "label": self.t(lang, &format!("relation_{}", f.relation.key())),
                    "doc": doc,
                    "url": format!("{}#{}", self.urls.document(lang, &f.doc), f.anchor),
                })
            })
            .collect()
    }

    fn stance_label(&self, lang: Lang, s: &Stance) -> String {
        self.linked
            .checked
            .stance_labels
            .get(s)
            .and_then(|m| m.get(&lang))
            .cloned()
            .unwrap_or_else(|| s.0.clone())
    }

    fn states_job(&self, lang: Lang) -> Job {
        let c = &self.linked.checked;
        let mut states: Vec<Value> = c
            .states
            .keys()
            .map(|id| {
                let mut v = self.state_link(lang, id);
                let rels: Vec<&str> = self
                    .linked
                    .facts
                    .iter()
                    .filter(|f| &f.state == id)
                    .map(|f| f.relation.key())
                    .collect();
                v["group_label"] = json!(self.t(lang, &format!("group_{}", c.states[id].group)));
                for r in Relation::ALL {
                    v[r.key()] = json!(rels.iter().filter(|x| **x == r.key()).count());
                }
                v
            })
            .collect();
        states.sort_by(|a, b| sort_key(a["name"].as_str()).cmp(&sort_key(b["name"].as_str())));
        let docs: Vec<Value> = self
            .linked
            .checked
            .meta
            .iter()
            .filter(|(_, m)| !m.sponsors.is_empty())
            .map(|(s, _)| self.doc_summary(lang, s))
            .collect();
        Job {
            template: "states.html",
            lang,
            rel: "states/".into(),
            title: self.t(lang, "nav_states"),
            alternate: true,
            text: None,
            ctx: json!({"states": states, "sponsor_docs": docs}),
        }
    }

    fn state_job(&self, lang: Lang, id: &crate::types::StateId) -> Job {
        let c = &self.linked.checked;
        let s = &c.states[id];
        let positions: Vec<Value> = c
            .topics
            .iter()
            .filter_map(|t| {
                let p = c
                    .positions
                    .iter()
                    .find(|p| &p.state == id && p.topic == t.id)?;
                Some(self.position_value(lang, p))
            })
            .collect();
        let reply = c.replies_doc.as_ref().and_then(|doc| {
            c.meta[doc].replies.iter().find(|r| &r.state == id).map(|r| json!({
                "url": format!("{}#{}", self.urls.document(lang, doc), id),
                "doc": self.doc_summary(lang, doc),
                "date_text": r.date.as_deref().map(|d| format_date(d, lang)),
                "language": r.original_language.as_deref().map(|l| self.t(lang, &format!("language_{l}"))),
            }))
        });
        Job {
            template: "state.html",
            lang,
            rel: format!("states/{id}/"),
            title: s.name(lang).to_string(),
            alternate: true,
            text: None,
            ctx: json!({"state": {"id": id.as_str(), "name": s.name(lang), "name_other": s.name(lang.other()),
                        "group": self.t(lang, &format!("group_{}", s.group))},
                        "relations": self.relations_of(lang, id), "positions": positions, "reply": reply,
                        "locator": self.visuals(lang).locator(id), "strip": self.visuals(lang).stance_strip(id),
                        "data_version": self.linked.checked.corpus.config.data_version}),
        }
    }

    fn position_value(&self, lang: Lang, p: &crate::validate::Position) -> Value {
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

    fn topics_job(&self, lang: Lang) -> Job {
        let c = &self.linked.checked;
        let topics: Vec<Value> = c.topics.iter().map(|t| {
            let counts: Vec<Value> = t.stances.iter().map(|s| json!({
                "stance": s.as_str(), "label": self.stance_label(lang, s),
                "count": c.positions.iter().filter(|p| p.topic == t.id && &p.stance == s).count(),
            })).collect();
            json!({"id": t.id.as_str(), "label": t.label.get(&lang), "definition": t.definition.get(&lang),
                   "url": self.urls.topic(lang, &t.id), "counts": counts, "bar": self.visuals(lang).topic_bar(&t.id)})
        }).collect();
        Job {
            template: "topics.html",
            lang,
            rel: "topics/".into(),
            title: self.t(lang, "nav_topics"),
            alternate: true,
            text: None,
            ctx: json!({"topics": topics}),
        }
    }

    fn topic_job(&self, lang: Lang, t: &crate::validate::Topic) -> Job {
        let c = &self.linked.checked;
        let groups: Vec<Value> = t
            .stances
            .iter()
            .map(|s| {
                let mut ps: Vec<Value> = c
                    .positions
                    .iter()
                    .filter(|p| p.topic == t.id && &p.stance == s)
                    .map(|p| self.position_value(lang, p))
                    .collect();
                ps.sort_by(|a, b| {
                    sort_key(a["state"]["name"].as_str())
                        .cmp(&sort_key(b["state"]["name"].as_str()))
                });
                json!({"stance": s.as_str(), "label": self.stance_label(lang, s), "positions": ps})
            })
            .collect();
        Job {
            template: "topic.html",
            lang,
            rel: format!("topics/{}/", t.id),
            title: t.label.get(&lang).cloned().unwrap_or_default(),
            alternate: true,
            text: None,
            ctx: json!({"topic": {"id": t.id.as_str(), "label": t.label.get(&lang), "definition": t.definition.get(&lang)}, "groups": groups,
                        "map": self.visuals(lang).topic_map(&t.id), "bar": self.visuals(lang).topic_bar(&t.id),
                        "data_version": self.linked.checked.corpus.config.data_version}),
        }
    }

    fn references_job(&self, lang: Lang) -> Job {
        let mut refs: Vec<(&crate::types::Symbol, Value)> = self
            .linked
            .cited_by
            .iter()
            .map(|(sym, docs)| {
                (
                    sym,
                    object([
                        ("symbol", sym.as_str().into()),
                        ("url", self.symbol_href(lang, sym).into()),
                        ("internal", self.linked.by_symbol.contains_key(sym).into()),
                        (
                            "cited_by",
                            docs.iter().map(|d| self.doc_summary(lang, d)).collect(),
                        ),
                    ]),
                )
            })
            .collect();
        refs.sort_by_key(|r| crate::link::symbol_order(r.0));
        let refs: Vec<Value> = refs.into_iter().map(|(_, v)| v).collect();
        Job {
            template: "references.html",
            lang,
            rel: "references/".into(),
            title: self.t(lang, "nav_references"),
            alternate: true,
            text: None,
            ctx: object([("references", Value::Array(refs))]),
        }
    }

    fn timeline_job(&self, lang: Lang) -> Job {
        // One entry per resolution; the dates as each recalling document's text gives them.
        let mut by_symbol: BTreeMap<(u32, u32, String), (Value, Vec<Value>)> = BTreeMap::new();
        for r in self.linked.timeline.get(&lang).into_iter().flatten() {
            let e = by_symbol
                .entry(crate::link::symbol_order(&r.symbol))
                .or_insert_with(|| {
                    (
                        json!({
                            "symbol": r.symbol.as_str(),
                            "url": self.symbol_href(lang, &r.symbol),
                            "date_text": r.date.text,
                            "year": r.date.year,
                        }),
                        Vec::new(),
                    )
                });
            let d = self.doc_summary(lang, &r.doc);
            if !e.1.contains(&d) {
                e.1.push(d);
            }
        }
        let entries: Vec<Value> = by_symbol
            .into_values()
            .map(|(mut v, docs)| {
                v["recalled_by"] = Value::Array(docs);
                v
            })
            .collect();
        Job {
            template: "timeline.html",
            lang,
            rel: "timeline/".into(),
            title: self.t(lang, "nav_timeline"),
            alternate: true,
            text: None,
            ctx: object([("entries", Value::Array(entries))]),
        }
    }

    fn explorer_job(&self, lang: Lang) -> Job {
        let index = crate::explorer::build_index(self, lang);
        let facets = crate::explorer::facets(&index);
        let rows = crate::explorer::static_rows(&index);
        Job {
            template: "explorer.html",
            lang,
            rel: "explorer/".into(),
            title: self.t(lang, "nav_explorer"),
            alternate: true,
            text: None,
            ctx: json!({"facets": facets, "rows": rows, "index_url": self.urls.data(&format!("explorer-{}.bin", lang.code())),
                        "script": self.urls.asset("explorer/init.js"), "n_rows": index.rows.len(),
                        "runtime": self.explorer_runtime.then(|| json!({
                            "glue": self.urls.asset("explorer/explorer.js"),
                            "wasm": self.urls.asset("explorer/explorer_bg.wasm")}))}),
        }
    }

    fn downloads_job(&self, lang: Lang) -> Job {
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

    /// Language-neutral files at the root: landing page and 404.
    fn render_root(&self) -> Result<Output, Diagnostics> {
        let mut out = Output::new();
        let mut d = Diagnostics::default();
        for (tpl, file) in [("landing.html", "index.html"), ("404.html", "404.html")] {
            let ctx = json!({
                "base": self.urls.base,
                "css": self.urls.asset("style.css"),
                "favicon": self.urls.asset("favicon.svg"),
                "fr": self.strings(Lang::Fr),
                "en": self.strings(Lang::En),
                "home_fr": self.urls.home(Lang::Fr),
                "home_en": self.urls.home(Lang::En),
                "canonical": self.linked.checked.corpus.config.base_url,
            });
            match self.render_template(Lang::Fr, tpl, ctx) {
                Ok(html) => {
                    out.insert(file.to_string(), html);
                }
                Err(e) => d.push(e),
            }
        }
        d.into_result(out)
    }
}

/// A JSON object of the given entries, moved in (the `json!` macro copies every value it is
/// given through serialisation, which for a document's body or a list of thousands of documents
/// is a deep copy per page).
fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
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
    let mut rows = String::with_capacity(fr.len() + en.len() + a.len() * 120);
    let mut j = 0;
    for (id, html) in &a {
        let id = own(id, "fr-");
        // Anchors are validated identical in order, so a linear merge suffices.
        let other = b_ids[j..].iter().position(|bid| *bid == id).map(|k| j + k);
        rows.push_str("<div class=\"par-row\"");
        if !id.is_empty() {
            rows.push_str(" id=\"");
            esc_into(&mut rows, id);
            rows.push('"');
        }
        rows.push_str("><div class=\"par-fr\" lang=\"fr\">");
        rows.push_str(html);
        rows.push_str("</div><div class=\"par-en\" lang=\"en\">");
        if let Some(k) = other {
            rows.push_str(&b[k].1);
            j = k + 1;
        }
        rows.push_str("</div></div>\n  ");
    }
    rows
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

/// For each template, the UI-string keys it can reach through `t.key` or `t["key"]`, itself or
/// through what it extends or includes; `None` when it also looks keys up by a computed name
/// (`t[name]`) and so needs them all.
fn template_string_keys(
    templates: &[(String, std::path::PathBuf, String)],
) -> BTreeMap<String, Option<std::collections::BTreeSet<String>>> {
    use std::sync::LazyLock;
    static KEY: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"(?:^|[^\w.])t(?:\.(\w+)|\["([^"]+)"\]|(\[))"#).expect("valid regex")
    });
    static PARENT: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"\{%-?\s*(?:extends|include)\s+"([^"]+)""#).expect("valid regex")
    });
    let own: BTreeMap<&str, (Option<std::collections::BTreeSet<String>>, Vec<&str>)> = templates
        .iter()
        .map(|(name, _, text)| {
            let mut keys = Some(std::collections::BTreeSet::new());
            for c in KEY.captures_iter(text) {
                match (c.get(1).or(c.get(2)), &mut keys) {
                    (Some(k), Some(set)) => {
                        set.insert(k.as_str().to_string());
                    }
                    (None, _) => keys = None,
                    _ => {}
                }
            }
            let parents = PARENT
                .captures_iter(text)
                .filter_map(|c| c.get(1).map(|m| m.as_str()))
                .collect();
            (name.as_str(), (keys, parents))
        })
        .collect();
    own.keys()
        .map(|name| {
            let mut keys = Some(std::collections::BTreeSet::new());
            let mut todo = vec![*name];
            let mut seen = std::collections::BTreeSet::new();
            while let Some(n) = todo.pop() {
                if !seen.insert(n) {
                    continue;
                }
                let Some((k, parents)) = own.get(n) else {
                    continue;
                };
                match (k, &mut keys) {
                    (Some(k), Some(set)) => set.extend(k.iter().cloned()),
                    _ => keys = None,
                }
                todo.extend(parents.iter().copied());
            }
            (name.to_string(), keys)
        })
        .collect()
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2023-04-18` → "18 avril 2023" / "18 April 2023".
pub fn format_date(iso: &str, lang: Lang) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    let (Some(y), Some(m), Some(d)) = (
        parts.first(),
        parts.get(1).and_then(|m| m.parse::<usize>().ok()),
        parts.get(2).and_then(|d| d.parse::<u32>().ok()),
    ) else {
        return iso.to_string();
    };
    let Some(month) = (match lang {
        Lang::Fr => MONTHS_FR.get(m.wrapping_sub(1)),
        Lang::En => MONTHS_EN.get(m.wrapping_sub(1)),
    }) else {
        return iso.to_string();
    };
    let day = if lang == Lang::Fr && d == 1 {
        "1er".to_string()
    } else {
        d.to_string()
    };
    format!("{day} {month} {y}")
}

/// Accent-insensitive sort key for names (É sorts with E).
pub fn sort_key(s: Option<&str>) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.unwrap_or("")
        .nfd()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// The length of the long strings (4 KiB or more) of a context, down to `depth` levels of
/// objects: the pre-rendered HTML a page prints whole.
fn long_text(v: &Value, depth: usize) -> usize {
    match v {
        Value::String(s) if s.len() >= 4096 => s.len(),
        Value::Object(m) if depth > 0 => m.values().map(|v| long_text(v, depth - 1)).sum(),
        _ => 0,
    }
}

/// A template engine set up as every template of the theme expects, holding `templates`
/// (name, file, text). Templates are added one by one so that a syntax error names its file.
fn compile_templates(
    templates: &[(String, std::path::PathBuf, String)],
    dir: &std::path::Path,
    d: &mut Diagnostics,
) -> tera::Tera {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Escape what HTML needs and no more: tera's default also escapes `/`, which makes every
    // URL in the output unreadable (`&#x2F;fr&#x2F;…`) for no safety gain inside quoted attributes.
    tera.set_escape_fn(markdown::esc);
    for (name, path, text) in templates {
        if let Err(e) = tera.add_raw_template(name, text) {
            let msg = error_chain(&e);
            d.push(Diagnostic::new(
                path,
                tera_line(&msg),
                format!("template error: {msg}"),
                "fix the template syntax (tera, like Jinja2)",
            ));
        }
    }
    if let Err(e) = tera.build_inheritance_chains() {
        d.error(
            dir,
            0,
            format!("template error: {}", error_chain(&e)),
            "check extends/include names",
        );
    }
    tera
}

/// A template with each `{{ t.key }}` replaced by the string it prints, escaped as tera would
/// escape it: the same output, without a lookup per string per page (a document page prints
/// about thirty). Everything else is left to tera: strings used in conditions or filters,
/// strings holding a brace (they would read as template syntax), keys the language lacks (the
/// lookup then fails and names the key), and templates with `raw` blocks.
fn with_strings(template: &str, strings: &BTreeMap<String, String>) -> String {
    use std::sync::LazyLock;
    static PRINT: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\{\{ *t\.(\w+) *\}\}").expect("valid regex"));
    if template.contains("{% raw") || template.contains("{%- raw") {
        return template.to_string();
    }
    PRINT
        .replace_all(template, |c: &regex::Captures| match strings.get(&c[1]) {
            Some(v) if !v.contains(['{', '}']) => markdown::esc(v),
            _ => c[0].to_string(),
        })
        .into_owned()
}

/// Whether every template of the theme uses the variable `name` only to print it as it is,
/// `{{ name | safe }}`: the text can then be written in where the template prints a marker,
/// with the same result. Any other use (a filter, a test, a loop, `set`) keeps the text in
/// the template engine. `page.body` is another variable.
fn prints_only_safe(templates: &[(String, std::path::PathBuf, String)], name: &str) -> bool {
    use std::sync::LazyLock;
    static TAG: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}").expect("valid regex"));
    let printed = regex::Regex::new(&format!(r"^\{{\{{-?\s*{name}\s*\|\s*safe\s*-?\}}\}}$"));
    let named = regex::Regex::new(&format!(r"(^|[^.\w]){name}\b"));
    let (Ok(printed), Ok(named)) = (printed, named) else {
        return false;
    };
    templates.iter().all(|(_, _, text)| {
        TAG.find_iter(text)
            .all(|tag| printed.is_match(tag.as_str()) || !named.is_match(tag.as_str()))
    })
}

/// A page rendered with [`TEXT_MARKER`] where its text goes, as the frame and the holes where
/// the text is written. A marker inside a tag (a template printing the text in an attribute)
/// or a text that is not whole elements would break the link check's reading of the page in
/// parts: the page is then made whole here.
fn splice(html: Vec<u8>, text: Arc<PageText>) -> RenderedPage {
    let finder = Finder::new(TEXT_MARKER.as_bytes());
    let found: Vec<usize> = finder.find_iter(&html).collect();
    if found.is_empty() {
        return RenderedPage::whole(html);
    }
    // Whether `b` ends outside a tag: its last `<` is closed.
    let ends_outside = |b: &[u8]| {
        let last_open = memchr::memrchr(b'<', b);
        last_open.is_none_or(|o| memchr::memchr(b'>', &b[o..]).is_some())
    };
    let t = text.html.as_bytes();
    let starts_outside =
        memchr::memchr(b'>', t).is_none_or(|c| memchr::memchr(b'<', &t[..c]).is_some());
    let whole =
        !starts_outside || !ends_outside(t) || found.iter().any(|&at| !ends_outside(&html[..at]));
    let mut holes = Vec::with_capacity(found.len());
    let mut frame = Vec::with_capacity(html.len());
    let mut from = 0;
    for at in found {
        frame.extend_from_slice(&html[from..at]);
        holes.push(frame.len());
        from = at + TEXT_MARKER.len();
    }
    frame.extend_from_slice(&html[from..]);
    let page = RenderedPage {
        frame,
        holes,
        text: Some(text),
    };
    if whole {
        RenderedPage::whole(page.into_bytes())
    } else {
        page
    }
}

fn tera_line(msg: &str) -> usize {
    // tera/pest report positions as "--> 3:5".
    msg.split("--> ")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[derive(Serialize)]
struct _Unused;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_languages() {
        assert_eq!(format_date("2023-04-18", Lang::Fr), "18 avril 2023");
        assert_eq!(format_date("2016-12-01", Lang::Fr), "1er décembre 2016");
        assert_eq!(format_date("2016-12-05", Lang::En), "5 December 2016");
        assert_eq!(format_date("bad", Lang::En), "bad");
    }

    fn set(texts: &[&str]) -> Vec<(String, std::path::PathBuf, String)> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    format!("t{i}.html"),
                    format!("t{i}.html").into(),
                    t.to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn long_texts_are_spliced_only_where_the_theme_prints_them_as_they_are() {
        let ok = set(&[
            "<body>{% block b %}{% endblock %}</body>",
            "<div>{{ body | safe }}</div>{{ page.body | safe }}",
            "{{- body|safe -}}",
        ]);
        assert!(prints_only_safe(&ok, "body"));
        for other_use in [
            "{{ body | upper | safe }}",
            "{% if body %}x{% endif %}",
            "{% set b = body %}{{ b | safe }}",
            "{{ body }}",
            "{% for r in body %}{{ r }}{% endfor %}",
        ] {
            let t = set(&["{{ body | safe }}", other_use]);
            assert!(!prints_only_safe(&t, "body"), "{other_use}");
        }
        // Another variable, and the word outside tags, do not count.
        assert!(prints_only_safe(
            &set(&["{{ body | safe }}", "{{ nobody }} body"]),
            "body"
        ));
    }

    #[test]
    fn splicing_writes_the_text_at_each_marker() {
        let text = Arc::new(PageText::new("<p id=\"p1\">x</p>".into()));
        let html = format!("<main>{TEXT_MARKER}</main><aside>{TEXT_MARKER}</aside>");
        let page = splice(html.into_bytes(), Arc::clone(&text));
        assert_eq!(page.frame, b"<main></main><aside></aside>");
        assert_eq!(page.holes, [6, 20]);
        assert_eq!(
            page.into_bytes(),
            b"<main><p id=\"p1\">x</p></main><aside><p id=\"p1\">x</p></aside>"
        );
        // Inside a tag, the page is made whole.
        let html = format!("<a title=\"{TEXT_MARKER}\">");
        let page = splice(html.into_bytes(), Arc::clone(&text));
        assert!(page.holes.is_empty() && page.text.is_none());
        assert_eq!(page.frame, b"<a title=\"<p id=\"p1\">x</p>\">");
        // No marker: no text.
        let page = splice(b"<main></main>".to_vec(), text);
        assert!(page.holes.is_empty() && page.text.is_none());
    }

    #[test]
    fn ui_strings_written_into_templates() {
        let strings: BTreeMap<String, String> = [
            ("title", "Sécurité & <ONU> \"n°1\""),
            ("brace", "a {{ b }}"),
            ("plain", "Documents"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let tpl = "<h1>{{ t.title }}</h1>{{t.plain}}|{{ t.brace }}|{{ t.absent }}|{{ t.plain | upper }}|{% if t.plain %}x{% endif %}";
        assert_eq!(
            with_strings(tpl, &strings),
            "<h1>Sécurité &amp; &lt;ONU&gt; &quot;n°1&quot;</h1>Documents|{{ t.brace }}|{{ t.absent }}|{{ t.plain | upper }}|{% if t.plain %}x{% endif %}"
        );
        // A template with a raw block is left whole: its `{{ t.x }}` may be meant literally.
        let raw = "{% raw %}{{ t.plain }}{% endraw %}";
        assert_eq!(with_strings(raw, &strings), raw);
    }

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
    fn parallel_rows_keep_unmatched_blocks_with_an_empty_column() {
        let fr = "<p class=\"masthead\">A</p>\n<p id=\"p1\">Un</p>\n";
        let en = "<p id=\"p1\">One</p>\n";
        let fr = rendered(fr, &["<p class=\"masthead\">A</p>", "<p id=\"p1\">Un</p>"]);
        let en = rendered(en, &["<p id=\"p1\">One</p>"]);
        let rows = parallel_rows(&fr, &en);
        assert!(rows.starts_with("<div class=\"par-row\"><div class=\"par-fr\" lang=\"fr\"><p class=\"masthead\">A</p></div><div class=\"par-en\" lang=\"en\"></div></div>"), "{rows}");
        assert!(rows.contains("<p id=\"en-p1\">One</p>"), "{rows}");
    }

    #[test]
    fn names_sort_without_accents() {
        let mut v = vec!["Équateur", "Estonie", "Égypte", "El Salvador"];
        v.sort_by_key(|s| sort_key(Some(s)));
        assert_eq!(v, ["Égypte", "El Salvador", "Équateur", "Estonie"]);
    }
}
