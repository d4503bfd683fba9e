//! `site-gen`: curated Markdown copies of UN documents → a cross-linked bilingual static site.
//!
//! The pipeline is load → validate → link → render → emit, one module per stage; each stage
//! reports all of its problems at once and the pipeline stops before writing anything.

pub mod cards;
pub mod config;
pub mod csp;
pub mod diagnostics;
pub mod emit;
pub mod link;
pub mod linkcheck;
pub mod load;
pub mod markdown;
pub mod mentions;
pub mod output;
pub mod reliability;
pub mod render;
pub mod search_index;
pub mod serve;
pub mod sink;
pub mod text;
pub mod types;
pub mod urls;
pub mod validate;
pub mod visuals;

use diagnostics::Diagnostics;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;
use types::Lang;
use urls::{doc_rel, file_for, page_rel, parallel_rel};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Project root: holds `site.toml`, `content/` and `themes/`.
    pub root: PathBuf,
    /// Output directory, replaced by two renames once everything succeeded (see `emit::swap_into`).
    pub output: PathBuf,
    /// Compiled explorer (`explorer.js`, `explorer_bg.wasm`), when available.
    pub explorer_pkg: Option<PathBuf>,
    /// Overrides `base_url` from `site.toml` (used by `serve`).
    pub base_url: Option<String>,
    /// Where drawn social cards are kept between builds; `None`: `$SITE_GEN_CARD_CACHE`, or
    /// `target/site-gen/cards/` under `root` (`cards::cache::default_dir`).
    pub card_cache: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub pages: [usize; 2],
    pub files: Vec<String>,
    pub warnings: Vec<String>,
    /// Social cards drawn by this build, and copied from the cache.
    pub cards: cards::Stats,
    pub millis: u128,
}

impl BuildReport {
    /// One line, like: `Built 258 pages (fr 129, en 129), 274 file(s) in all, 0 warning(s),
    /// 0 card(s) drawn, in 180 ms.`
    pub fn summary(&self) -> String {
        format!(
            "Built {} pages (fr {}, en {}), {} file(s) in all, {} warning(s), {} card(s) drawn, in {} ms.",
            self.pages[0] + self.pages[1],
            self.pages[0],
            self.pages[1],
            self.files.len(),
            self.warnings.len(),
            self.cards.drawn,
            self.millis
        )
    }
}

/// What a pipeline run leaves besides its files.
struct Generated {
    warnings: Vec<String>,
    base: String,
    files: Vec<String>,
    /// The documents and pages the site was made from (their texts already freed): a broken
    /// link is reported in the file it is written in.
    documents: Vec<load::Document>,
    pages: Vec<load::Page>,
    cards: cards::Stats,
}

/// load → validate → link → render → emit, every file going into `sink`.
fn pipeline(
    root: &Path,
    base_url: Option<&str>,
    explorer_pkg: Option<&Path>,
    card_cache: Option<&Path>,
    sink: &dyn sink::Sink,
) -> Result<Generated, Diagnostics> {
    let t = Instant::now();
    let lap = |what: &str| {
        if std::env::var_os("SITE_GEN_TIMINGS").is_some() {
            eprintln!("{what}: {} ms{}", t.elapsed().as_millis(), usage_note());
        }
    };
    let mut corpus = load::load(root)?;
    lap("load");
    if let Some(url) = base_url {
        corpus.config.base_url = url.to_string();
    }
    let checked = validate::validate(corpus)?;
    lap("validate");
    let mut warnings: Vec<String> = checked
        .missing_translations
        .iter()
        .map(|(page, lang)| {
            format!("{page}: no {lang} edition; the other language is shown with a notice")
        })
        .chain(checked.pending_quotes.iter().cloned())
        .collect();
    let mut linked = link::link(checked);
    lap("link");
    let bodies = linked.checked.corpus.take_document_bodies();
    let mut renderer = render::Renderer::new(&linked)?;
    renderer.explorer_runtime = explorer_pkg.is_some();
    lap("templates");
    // The search index is written from the texts the renderer records, on one thread per
    // language, while the pages render. `SITE_GEN_BENCH_NO_SEARCH` leaves it out, so that the
    // benchmark can measure what indexing costs (docs/benchmarks.md); the site is not complete
    // without it.
    let with_search = std::env::var_os("SITE_GEN_BENCH_NO_SEARCH").is_none();
    let (r, linked_ref) = (&renderer, &linked);
    let (pages, side, search) = std::thread::scope(|scope| {
        let writers = with_search.then(|| search_index::Writers::start(scope, linked_ref, sink));
        // The side files (feeds, data, assets) do not depend on the pages: they are made while
        // the pages render, by whichever thread is free.
        let (pages, side) = rayon::join(
            || {
                r.render_all(sink, bodies, &mut |texts| {
                    if let Some(w) = &writers {
                        w.feed(texts);
                    }
                })
            },
            || emit::side_files(r, explorer_pkg),
        );
        let search = writers.map_or(Ok(()), search_index::Writers::finish);
        (pages, side, search)
    });
    let pages = pages?;
    lap("render and write pages");
    renderer.cards.check_glyphs()?;
    let mut card_stats = cards::Stats::default();
    if let Some(dir) = card_cache {
        let (stats, card_warnings) = renderer.cards.publish(dir, sink)?;
        card_stats = stats;
        warnings.extend(card_warnings);
    }
    lap("social cards");
    let side = side?;
    search?;
    emit::complete(&renderer, sink, &pages, side)?;
    lap("emit");
    let base = renderer.urls.base.clone();
    drop(renderer);
    let corpus = &mut linked.checked.corpus;
    Ok(Generated {
        warnings,
        base,
        files: pages,
        documents: std::mem::take(&mut corpus.documents),
        pages: std::mem::take(&mut corpus.pages),
        cards: card_stats,
    })
}

/// The process's CPU time so far, and its resident memory now and at its peak, where the
/// system tells (Linux): CPU time against wall time shows how well a stage uses the cores.
fn usage_note() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    // Fields 14 and 15 of /proc/self/stat (after the parenthesised name): user and system
    // time in clock ticks, 100 a second on Linux.
    let cpu_ms = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let mut f = rest.split(' ').skip(11);
            let user: u64 = f.next()?.parse().ok()?;
            let system: u64 = f.next()?.parse().ok()?;
            Some((user + system) * 10)
        })
        .map(|ms| format!("CPU {ms} ms, "))
        .unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    format!(
        " ({cpu_ms}resident {}, peak {})",
        field("VmRSS:"),
        field("VmHWM:")
    )
}

/// Reports broken links: one written in a content file at the file and line that hold it, once,
/// in the form it is written in (a link in a document's body is on its page and on both
/// parallel views, there with its id prefixed); any other (a template's) at the output page.
fn broken_links(root: &Path, g: &Generated, mut broken: Vec<linkcheck::Broken>) -> Diagnostics {
    let sources = page_sources(&g.documents, &g.pages);
    // A link's short form may name a document by its symbol (`A/78/76#p4`).
    let symbols: HashMap<&str, &str> = g
        .documents
        .iter()
        .filter_map(|doc| {
            let symbol = doc
                .editions
                .values()
                .find_map(|e| e.front.symbol.as_ref())?;
            Some((doc.slug.as_str(), symbol.get_ref().as_str()))
        })
        .collect();
    let mut d = Diagnostics::default();
    // The document's own page is named rather than a parallel view, when both have the link.
    broken.sort_by_key(|b| (b.page.ends_with("parallel.html"), b.page.clone()));
    let mut reported = std::collections::HashSet::new();
    for b in broken {
        let files = sources.get(b.page.as_str()).map_or(&[][..], Vec::as_slice);
        match written_at(files, &b, &g.base, &symbols) {
            Some((file, line, written)) => {
                if !reported.insert((file, line, written.clone())) {
                    continue;
                }
                let problem = match b.url.strip_prefix('#') {
                    Some(id) if !written.contains(id) => b.problem.replace(id, &written[1..]),
                    _ => b.problem.clone(),
                };
                d.error(
                    file,
                    line,
                    format!("broken link: {}: link to {written}: {problem}", b.page),
                    "fix the link, or add the page or the anchor it names",
                )
            }
            None => d.error(
                &root.join("public"),
                0,
                format!("broken internal link: {b}"),
                "fix the link or the anchor in the content, or the template that produced it",
            ),
        }
    }
    d
}

/// The content files each page was made from, by output path: a document's page and a page
/// from their edition in the page's language, or from the other one, shown when it has none;
/// a document's parallel view from both editions.
fn page_sources<'c>(
    documents: &'c [load::Document],
    pages: &'c [load::Page],
) -> HashMap<String, Vec<&'c Path>> {
    fn paths<F>(e: &load::Editions<F>, first: Lang) -> Vec<&Path> {
        [first, first.other()]
            .iter()
            .filter_map(|l| e.editions.get(l))
            .map(|ed| ed.source.path.as_path())
            .collect()
    }
    let mut out = HashMap::new();
    for lang in Lang::ALL {
        for doc in documents {
            out.insert(file_for(lang, &doc_rel(&doc.slug)), paths(doc, lang));
            out.insert(
                file_for(lang, &parallel_rel(&doc.slug)),
                paths(doc, Lang::Fr),
            );
        }
        for page in pages {
            out.insert(file_for(lang, &page_rel(&page.slug)), paths(page, lang));
        }
    }
    out
}

/// Where a broken link is written among `files`, and how: the first line holding it as
/// Markdown writes a destination (`](…`, `]: …`, `<…>`). The page's address may differ from the
/// written one: the parallel view prefixes each edition's ids (`#fr-p9` for `#p9`), a
/// site-absolute path gains the base path, and the short form `doc:<slug>#<id>` (or the
/// document's symbol, from `symbols` by slug) becomes the document's address.
fn written_at<'f>(
    files: &[&'f Path],
    b: &linkcheck::Broken,
    base: &str,
    symbols: &HashMap<&str, &str>,
) -> Option<(&'f Path, usize, String)> {
    let mut urls = vec![b.url.clone()];
    if let Some(id) = ["#fr-", "#en-"].iter().find_map(|p| b.url.strip_prefix(p)) {
        urls.push(format!("#{id}"));
    }
    if let Some(rest) = b.url.strip_prefix(base) {
        urls.push(format!("/{rest}"));
        // `fr/documents/<slug>/#<id>`: the short form names the document by its slug.
        if let Some((_, doc)) = rest.split_once("/documents/") {
            let (slug, id) = doc
                .split_once("/#")
                .unwrap_or((doc.trim_end_matches('/'), ""));
            let short = |name: &str| {
                if id.is_empty() {
                    format!("{name})")
                } else {
                    format!("{name}#{id}")
                }
            };
            urls.push(short(&format!("doc:{slug}")));
            if let Some(symbol) = symbols.get(slug) {
                urls.push(short(symbol));
            }
        }
    }
    files.iter().find_map(|&file| {
        let text = std::fs::read_to_string(file).ok()?;
        let (at, url) = urls.iter().find_map(|url| {
            [format!("]({url}"), format!("]: {url}"), format!("<{url}>")]
                .iter()
                .find_map(|w| text.find(w.as_str()))
                .map(|at| (at, url))
        })?;
        Some((
            file,
            diagnostics::line_of(&text, at),
            url.trim_end_matches(')').to_string(),
        ))
    })
}

/// The complete site in memory (tests, `serve`), or every problem found.
pub fn generate(
    root: &Path,
    base_url: Option<&str>,
    explorer_pkg: Option<&Path>,
) -> Result<(output::Output, Vec<String>), Diagnostics> {
    let cache = cards::cache::default_dir(root);
    generate_into(root, base_url, explorer_pkg, Some(&cache))
}

/// [`generate`], with the social cards drawn into `card_cache`, or only checked (`None`).
fn generate_into(
    root: &Path,
    base_url: Option<&str>,
    explorer_pkg: Option<&Path>,
    card_cache: Option<&Path>,
) -> Result<(output::Output, Vec<String>), Diagnostics> {
    let sink = sink::Memory::default();
    let g = pipeline(root, base_url, explorer_pkg, card_cache, &sink)?;
    let out = sink.into_output();
    let broken = linkcheck::check_links(&out, &g.base);
    if !broken.is_empty() {
        return Err(broken_links(root, &g, broken));
    }
    Ok((out, g.warnings))
}

#[derive(Debug)]
pub enum BuildError {
    Input(Diagnostics),
    Write(String),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Input(d) => write!(f, "{d}; nothing was published"),
            BuildError::Write(e) => write!(f, "error: {e}\nthe previous output was left as it was"),
        }
    }
}

/// Builds into a temporary directory next to the output, page by page as they are rendered,
/// checks every internal link, then swaps the directory in. On any error the temporary
/// directory is removed and the previous output is left as it was.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let tmp = emit::fresh_temp_dir(&opts.output).map_err(BuildError::Write)?;
    let sink = sink::Dir::new(&tmp);
    let cache = (opts.card_cache.clone()).unwrap_or_else(|| cards::cache::default_dir(&opts.root));
    let generated = pipeline(
        &opts.root,
        opts.base_url.as_deref(),
        opts.explorer_pkg.as_deref(),
        Some(&cache),
        &sink,
    );
    let (files, refs) = sink.finish();
    let checked = generated.and_then(|g| {
        let broken = linkcheck::check_refs(&refs, &files, &g.base);
        // One small allocation per id table and link: freed by every thread.
        refs.into_par_iter().for_each(drop);
        if broken.is_empty() {
            Ok(g)
        } else {
            Err(broken_links(&opts.root, &g, broken))
        }
    });
    let g = match checked {
        Ok(g) => g,
        Err(d) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(BuildError::Input(d));
        }
    };
    emit::swap_into(&tmp, &opts.output).map_err(BuildError::Write)?;
    let count = |l: &str| {
        g.files
            .iter()
            .filter(|k| k.starts_with(&format!("{l}/")) && k.ends_with(".html"))
            .count()
    };
    Ok(BuildReport {
        pages: [count("fr"), count("en")],
        files: files.into_iter().collect(),
        warnings: g.warnings,
        cards: g.cards,
        millis: start.elapsed().as_millis(),
    })
}

/// `site-gen check`: validates everything and lists missing translations, writing nothing (the
/// social cards are laid out and their characters checked, not drawn).
pub fn check(root: &Path) -> Result<Vec<String>, Diagnostics> {
    generate_into(root, None, None, None).map(|(_, w)| w)
}
