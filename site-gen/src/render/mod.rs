//! Stage 4, render: every page of the site as HTML (tera templates + Markdown bodies), in both
//! languages through one code path. Pages are rendered in parallel; the output is a sorted map,
//! so it does not depend on thread scheduling.
//!
//! The folder shows the site's parts: one module per page family (`home`, `documents`, `states`,
//! `topics`, `references`, `explorer`), the social cards they name (`social`), the template engine (`engine`), what every page is built
//! from (`context`) and small helpers (`format`). This module holds the one list of the site's
//! pages (`Renderer::pages`) and renders them; it must not build any page's context itself,
//! and nothing below it may import it (the families use `context`, not this module).

mod api;
mod cite;
mod context;
mod datapackage;
mod documents;
mod engine;
pub mod explorer;
mod format;
mod home;
mod references;
mod social;
mod states;
mod topics;

pub use context::Renderer;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Body;
use crate::markdown::TextBlock;
use crate::output::{Output, RenderedPage};
use crate::sink::Sink;
use crate::types::Lang;
use crate::urls::file_for;
use context::Job;
use rayon::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Makes the jobs of one page, or of a few pages made together (a document's pages in both
/// languages share its rendered body), and the files made with them (the document's API file,
/// from the same rendered body). Contexts are built when it runs, in parallel.
type MakeJobs<'r> = Box<dyn FnOnce() -> Made + Send + 'r>;

/// A file that is not a page: its path in the output and its bytes.
type File = (String, Vec<u8>);

/// What writing a page or file gave: the page's path, nothing (a file), or why it failed.
type Written = Result<Option<String>, Diagnostic>;

/// What a [`MakeJobs`] made: pages to render, files, and the texts its bodies were recorded
/// with (for the search index).
#[derive(Default)]
struct Made {
    jobs: Vec<Job>,
    files: Vec<File>,
    texts: Vec<Recorded>,
}

/// Where recorded texts come from: a document or an authored page, by its place in the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Document(usize),
    Page(usize),
}

/// The texts of one document or authored page in one language, as the renderer recorded them
/// while writing its body (`markdown::TextBlock`), or `None` when it has no edition of its own
/// in that language. The renderer hands one for every document and page in each language, in
/// the corpus's order (documents first), so that the search index is made from the rendered
/// blocks without parsing the Markdown again.
pub struct Recorded {
    pub lang: Lang,
    pub source: Source,
    pub texts: Option<Vec<TextBlock>>,
}

/// Jobs made together in parallel, between two hand-overs of recorded texts: the texts of a
/// window are handed over in order while the next window renders, so that only a few windows'
/// texts are held at once.
const WINDOW: usize = 32;

/// One thing to write: a page to render, or a file made with it.
enum Step {
    Page(Job),
    File(File),
}

/// The site's pages, as [`MakeJobs`], in the order they are started.
#[derive(Default)]
struct Pages<'r> {
    /// Pages that list the whole corpus (home, documents, references…): a few large jobs,
    /// started first so that none is the last job of a thread while the other waits.
    listings: Vec<MakeJobs<'r>>,
    /// One page per item (a document, a State, a topic…): many small jobs.
    items: Vec<MakeJobs<'r>>,
}

impl<'r> Pages<'r> {
    fn listing(&mut self, make: impl FnOnce() -> Job + Send + 'r) {
        self.listings.push(Box::new(move || Made {
            jobs: vec![make()],
            ..Made::default()
        }));
    }

    /// A listing that may be absent (its error is reported elsewhere).
    fn listing_if(&mut self, make: impl FnOnce() -> Option<Job> + Send + 'r) {
        self.listings.push(Box::new(move || Made {
            jobs: make().into_iter().collect(),
            ..Made::default()
        }));
    }

    fn item(&mut self, make: impl FnOnce() -> Vec<Job> + Send + 'r) {
        self.items.push(Box::new(move || Made {
            jobs: make(),
            ..Made::default()
        }));
    }

    fn item_made(&mut self, make: impl FnOnce() -> Made + Send + 'r) {
        self.items.push(Box::new(make));
    }
}

impl Renderer<'_> {
    /// Every page of the site: the one list where a page kind is registered. `bodies` are the
    /// documents' texts, in corpus order.
    fn pages(&self, bodies: Vec<BTreeMap<Lang, Body>>) -> Vec<MakeJobs<'_>> {
        let c = &self.linked.checked;
        let mut p = Pages::default();
        // One entry per document renders both languages (the bodies are shared).
        for (i, (doc, texts)) in c.corpus.documents.iter().zip(bodies).enumerate() {
            p.item_made(move || self.document_jobs(i, doc, texts));
        }
        for lang in Lang::ALL {
            p.listing(move || self.home_job(lang));
            p.listing(move || self.documents_index_job(lang));
            for (i, page) in c.corpus.pages.iter().enumerate() {
                p.item_made(move || {
                    let (job, texts) = self.page_job(lang, page);
                    Made {
                        jobs: job.into_iter().collect(),
                        files: Vec::new(),
                        texts: vec![Recorded {
                            lang,
                            source: Source::Page(i),
                            texts,
                        }],
                    }
                });
            }
            p.listing(move || self.states_job(lang));
            for id in c.states.keys() {
                p.item(move || vec![self.state_job(lang, id)]);
            }
            p.listing(move || self.topics_job(lang));
            for topic in &c.topics {
                p.item(move || vec![self.topic_job(lang, topic)]);
            }
            p.listing(move || self.references_job(lang));
            p.listing(move || self.timeline_job(lang));
            p.listing_if(move || self.explorer_job(lang));
            p.listing(move || self.downloads_job(lang));
        }
        let Pages {
            mut listings,
            items,
        } = p;
        listings.extend(items);
        listings
    }

    /// Renders every page into `sink`; all template errors are collected. Returns the paths of
    /// the pages written. `bodies` are the documents' texts, in corpus order (see
    /// [`crate::load::Corpus::take_document_bodies`]), each freed once its document is rendered.
    /// `recorded` gets the texts of every document and authored page in each language, in the
    /// corpus's order, a window at a time ([`Recorded`]).
    pub fn render_all(
        &self,
        sink: &dyn Sink,
        bodies: Vec<BTreeMap<Lang, Body>>,
        recorded: &mut dyn FnMut(Vec<Recorded>),
    ) -> Result<Vec<String>, Diagnostics> {
        let unwritable = |e: String| {
            Diagnostic::new(
                std::path::Path::new(""),
                0,
                e,
                "check that the output directory can be written",
            )
        };
        let mut results: Vec<Written> = Vec::new();
        let mut pages = self.pages(bodies).into_iter();
        loop {
            let window: Vec<MakeJobs> = pages.by_ref().take(WINDOW).collect();
            if window.is_empty() {
                break;
            }
            let made: Vec<(Vec<Written>, Vec<Recorded>)> = window
                .into_par_iter()
                .map(|make| {
                    let Made { jobs, files, texts } = make();
                    let written = jobs
                        .into_iter()
                        .map(Step::Page)
                        .chain(files.into_iter().map(Step::File))
                        .collect::<Vec<_>>()
                        .into_par_iter()
                        .map(|step| match step {
                            Step::Page(j) => {
                                let (path, page) = self.render_job(j)?;
                                sink.put_page(path.clone(), page).map_err(unwritable)?;
                                Ok(Some(path))
                            }
                            // Files other than pages are not in the sitemap: only their
                            // writing counts.
                            Step::File((path, bytes)) => {
                                sink.put(path, bytes).map_err(unwritable)?;
                                Ok(None)
                            }
                        })
                        .collect();
                    (written, texts)
                })
                .collect();
            let mut texts = Vec::new();
            for (written, t) in made {
                results.extend(written);
                texts.extend(t);
            }
            if !texts.is_empty() {
                recorded(texts);
            }
        }
        let mut paths = Vec::new();
        let mut d = Diagnostics::default();
        for r in results {
            match r {
                Ok(Some(path)) => paths.push(path),
                Ok(None) => {}
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
        let page = self
            .templates
            .render_page(lang, job.template, ctx, job.text)?;
        Ok((file_for(lang, &job.rel), page))
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
                "csp": crate::csp::meta_policy(),
                "fr": self.strings(Lang::Fr),
                "en": self.strings(Lang::En),
                "home_fr": self.urls.home(Lang::Fr),
                "home_en": self.urls.home(Lang::En),
                "canonical": self.linked.checked.corpus.config.base_url,
            });
            match self.templates.render(Lang::Fr, tpl, ctx) {
                Ok(html) => {
                    out.insert(file.to_string(), html);
                }
                Err(e) => d.push(e),
            }
        }
        d.into_result(out)
    }
}
