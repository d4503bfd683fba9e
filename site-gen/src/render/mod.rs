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
type MakeJobs<'r> = Box<dyn FnOnce() -> (Vec<Job>, Vec<File>) + Send + 'r>;

/// A file that is not a page: its path in the output and its bytes.
type File = (String, Vec<u8>);

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
        self.listings
            .push(Box::new(move || (vec![make()], Vec::new())));
    }

    /// A listing that may be absent (its error is reported elsewhere).
    fn listing_if(&mut self, make: impl FnOnce() -> Option<Job> + Send + 'r) {
        self.listings
            .push(Box::new(move || (make().into_iter().collect(), Vec::new())));
    }

    fn item(&mut self, make: impl FnOnce() -> Vec<Job> + Send + 'r) {
        self.items.push(Box::new(move || (make(), Vec::new())));
    }

    fn item_with_files(&mut self, make: impl FnOnce() -> (Vec<Job>, Vec<File>) + Send + 'r) {
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
        for (doc, texts) in c.corpus.documents.iter().zip(bodies) {
            p.item_with_files(move || self.document_jobs(doc, texts));
        }
        for lang in Lang::ALL {
            p.listing(move || self.home_job(lang));
            p.listing(move || self.documents_index_job(lang));
            for page in &c.corpus.pages {
                p.item(move || self.page_job(lang, page).into_iter().collect());
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
    pub fn render_all(
        &self,
        sink: &dyn Sink,
        bodies: Vec<BTreeMap<Lang, Body>>,
    ) -> Result<Vec<String>, Diagnostics> {
        let unwritable = |e: String| {
            Diagnostic::new(
                std::path::Path::new(""),
                0,
                e,
                "check that the output directory can be written",
            )
        };
        let results: Vec<Result<Option<String>, Diagnostic>> = self
            .pages(bodies)
            .into_par_iter()
            .flat_map(|make| {
                let (jobs, files) = make();
                jobs.into_iter()
                    .map(Step::Page)
                    .chain(files.into_iter().map(Step::File))
                    .collect::<Vec<_>>()
            })
            .map(|step| match step {
                Step::Page(j) => {
                    let (path, page) = self.render_job(j)?;
                    sink.put_page(path.clone(), page).map_err(unwritable)?;
                    Ok(Some(path))
                }
                // Files other than pages are not in the sitemap: only their writing counts.
                Step::File((path, bytes)) => {
                    sink.put(path, bytes).map_err(unwritable)?;
                    Ok(None)
                }
            })
            .collect();
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
