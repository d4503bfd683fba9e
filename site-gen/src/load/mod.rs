//! Stage 1, load: read `content/`, the theme and `site.toml` into typed values.
//!
//! Only syntax and shape are checked here (TOML syntax, field types, unknown fields, UTF-8,
//! sizes); cross-file rules belong to `validate`.
//!
//! In five parts: this module walks `content/` and assembles the [`Corpus`]; `files` reads a
//! file as text (limits, UTF-8, folder walks); `front` splits a Markdown file into its `+++`
//! front matter and body; `data` reads the TOML data files; `theme` reads templates, UI
//! strings and static files. Loading must not apply cross-file rules, parse Markdown bodies or
//! resolve references: what it returns is what the files say, typed.

mod data;
mod files;
mod front;
mod theme;

pub use data::{
    DataFile, PositionRecord, PositionsFile, StanceRecord, StateRecord, StatesFile, TopicRecord,
    TopicsFile,
};
pub use files::{read_text, MAX_FILE_BYTES};
pub use front::{
    parse_front, Body, DocFront, Document, Edition, Editions, Kind, Organ, Page, PageFront,
    ReplyFront, Source, Translation,
};
pub use theme::{I18n, Theme};

use crate::config::SiteConfig;
use crate::diagnostics::{line_of, Diagnostics};
use crate::types::{Lang, Slug};
use data::load_data;
use files::{files_with_ext, markdown_files};
use front::add_edition;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use theme::load_theme;

/// Everything the site is made of, as read from disk.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub documents: Vec<Document>,
    pub pages: Vec<Page>,
    pub states: DataFile<StatesFile>,
    pub topics: DataFile<TopicsFile>,
    pub positions: Vec<DataFile<PositionsFile>>,
    /// The second coding of a sample of positions, when there is one.
    pub reliability: Option<crate::reliability::Sample>,
    pub theme: Theme,
}

impl Corpus {
    /// Every document's bodies by language, in the order of `documents`, taken out of the
    /// corpus for the render stage (see [`Body`]).
    pub fn take_document_bodies(&mut self) -> Vec<BTreeMap<Lang, Body>> {
        self.documents
            .iter_mut()
            .map(|d| {
                d.editions
                    .iter_mut()
                    .map(|(l, e)| (*l, e.source.take_body()))
                    .collect()
            })
            .collect()
    }
}

/// Reads the project at `root` (which holds `site.toml`, `content/` and `themes/default/`).
pub fn load(root: &Path) -> Result<Corpus, Diagnostics> {
    let mut diags = Diagnostics::default();
    let config = load_config(root, &mut diags);
    let content = root.join("content");
    let mut documents: BTreeMap<Slug, Document> = BTreeMap::new();
    let mut pages: BTreeMap<Slug, Page> = BTreeMap::new();

    // Walk first (cheap, ordered), then read and parse every file in parallel; results and
    // problems are merged back in walk order, so the outcome does not depend on scheduling.
    let mut files: Vec<(Lang, bool, PathBuf)> = Vec::new();
    for lang in Lang::ALL {
        for (kind, is_doc) in [("documents", true), ("pages", false)] {
            let base = content.join(lang.code()).join(kind);
            files.extend(
                markdown_files(&base, &mut diags)
                    .into_iter()
                    .map(|p| (lang, is_doc, p)),
            );
        }
    }
    let parsed: Vec<(Diagnostics, Option<ParsedFile>)> = files
        .par_iter()
        .map(|(lang, is_doc, path)| {
            let mut d = Diagnostics::default();
            let parsed =
                parse_content_file(path, *is_doc, &mut d).map(|(slug, p)| (*lang, slug, p));
            (d, parsed)
        })
        .collect();
    for (d, parsed) in parsed {
        diags.extend(d);
        match parsed {
            Some((lang, slug, Parsed::Doc(front, source))) => {
                add_edition(&mut documents, lang, slug, front, source)
            }
            Some((lang, slug, Parsed::Page(front, source))) => {
                add_edition(&mut pages, lang, slug, front, source)
            }
            None => {}
        }
    }

    // The corrections log is a page of its own (kept at the top of the language folder so that
    // auditors find it next to the documents it describes).
    for lang in Lang::ALL {
        let path = content.join(lang.code()).join("CORRECTIONS.md");
        if path.is_file() {
            if let Some(text) = read_text(&path, &mut diags) {
                if let Some((front, source)) = parse_front::<PageFront>(&path, text, &mut diags) {
                    add_edition(&mut pages, lang, Slug::from("corrections"), front, source);
                }
            }
        }
    }

    let data = content.join("data");
    let states = load_data::<StatesFile>(&data.join("states.toml"), &mut diags);
    let topics = load_data::<TopicsFile>(&data.join("topics.toml"), &mut diags);
    let mut positions = Vec::new();
    let pos_dir = data.join("positions");
    if pos_dir.is_dir() {
        for path in files_with_ext(&pos_dir, "toml", &mut diags) {
            if let Some(f) = load_data::<PositionsFile>(&path, &mut diags) {
                positions.push(f);
            }
        }
    }
    let reliability = crate::reliability::load(&data, &mut diags);
    let theme = load_theme(&root.join("themes").join("default"), &mut diags);

    match (states, topics, theme) {
        (Some(states), Some(topics), Some(theme)) => diags.into_result(Corpus {
            root: root.to_path_buf(),
            config,
            documents: documents.into_values().collect(),
            pages: pages.into_values().collect(),
            states,
            topics,
            positions,
            reliability,
            theme,
        }),
        _ => {
            // At least one required file failed to load and has been reported.
            Err(diags.into_result(()).err().unwrap_or_default())
        }
    }
}

/// One content file after reading: its language, slug and parsed front matter with body.
type ParsedFile = (Lang, Slug, Parsed);

enum Parsed {
    Doc(DocFront, Source),
    Page(PageFront, Source),
}

/// Reads one document or page: UTF-8 text, a valid slug, and its front matter.
fn parse_content_file(
    path: &Path,
    is_doc: bool,
    diags: &mut Diagnostics,
) -> Option<(Slug, Parsed)> {
    let text = read_text(path, diags)?;
    let slug = Slug(
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    if !crate::types::is_valid_anchor(slug.as_str()) {
        diags.error(
            path,
            0,
            format!("file name '{slug}' is not a valid page slug"),
            "use lowercase letters, digits and hyphens only, e.g. a-78-76.md",
        );
        return None;
    }
    let parsed = if is_doc {
        parse_front::<DocFront>(path, text, diags).map(|(f, s)| Parsed::Doc(f, s))
    } else {
        parse_front::<PageFront>(path, text, diags).map(|(f, s)| Parsed::Page(f, s))
    };
    parsed.map(|p| (slug, p))
}

fn load_config(root: &Path, diags: &mut Diagnostics) -> SiteConfig {
    let path = root.join("site.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => match toml::from_str::<SiteConfig>(&text) {
            Ok(c) => c,
            Err(e) => {
                diags.error(
                    &path,
                    toml_line(&text, &e),
                    toml_message(&e),
                    "see README.md, section Configuration",
                );
                SiteConfig::default()
            }
        },
        Err(_) => {
            diags.error(
                &path,
                0,
                "site.toml is missing",
                "create it with base_url = \"https://your.host/\"",
            );
            SiteConfig::default()
        }
    }
}

pub fn toml_line(text: &str, e: &toml::de::Error) -> usize {
    e.span().map_or(1, |s| line_of(text, s.start))
}

pub fn toml_message(e: &toml::de::Error) -> String {
    e.message().trim().to_string()
}
