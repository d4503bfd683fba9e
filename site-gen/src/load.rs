//! Stage 1, load: read `content/`, the theme and `site.toml` into typed values.
//!
//! Only syntax and shape are checked here (TOML syntax, field types, unknown fields, UTF-8,
//! sizes); cross-file rules belong to `validate`.

use crate::config::SiteConfig;
use crate::diagnostics::{line_of, suggest, Diagnostics};
use crate::types::{Lang, Slug};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Content files larger than this are refused: no curated document comes near it, and a
/// multi-megabyte paste is almost always a mistake.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Resolution,
    DraftResolution,
    Report,
    Note,
}

impl Kind {
    pub fn key(self) -> &'static str {
        match self {
            Kind::Resolution => "resolution",
            Kind::DraftResolution => "draft-resolution",
            Kind::Report => "report",
            Kind::Note => "note",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Organ {
    GeneralAssembly,
    FirstCommittee,
    SecretaryGeneral,
    Oewg,
}

impl Organ {
    pub fn key(self) -> &'static str {
        match self {
            Organ::GeneralAssembly => "general-assembly",
            Organ::FirstCommittee => "first-committee",
            Organ::SecretaryGeneral => "secretary-general",
            Organ::Oewg => "oewg",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Translation {
    Official,
    Unofficial,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyFront {
    pub state: Spanned<String>,
    pub date: Option<String>,
    pub original_language: Option<String>,
}

/// Front matter of one language edition of a document. Language-neutral fields are written in
/// exactly one edition (the source one); `validate` enforces that.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocFront {
    pub title: String,
    pub symbol: Option<Spanned<String>>,
    pub kind: Option<Kind>,
    pub date: Option<Spanned<String>>,
    pub session: Option<u32>,
    pub agenda_item: Option<String>,
    pub organ: Option<Organ>,
    pub original_language: Option<String>,
    pub sponsors: Option<Vec<Spanned<String>>>,
    pub poa_coauthors: Option<Vec<Spanned<String>>>,
    pub replies: Option<Vec<ReplyFront>>,
    pub translation: Option<Translation>,
}

impl DocFront {
    /// Whether this edition carries the document's language-neutral metadata.
    pub fn has_metadata(&self) -> bool {
        self.symbol.is_some()
            || self.kind.is_some()
            || self.date.is_some()
            || self.session.is_some()
            || self.agenda_item.is_some()
            || self.organ.is_some()
            || self.original_language.is_some()
            || self.sponsors.is_some()
            || self.poa_coauthors.is_some()
            || self.replies.is_some()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Position in navigation lists (smaller first).
    #[serde(default)]
    pub weight: i32,
}

/// A Markdown file split into its front matter and body, remembering where the body starts so
/// that body offsets map back to file lines.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    /// The whole file as read: the body is a slice of it, not a copy (a large corpus would
    /// otherwise be held twice while it loads).
    text: String,
    body_start: usize,
    /// Number of lines before the body (front matter and its delimiters).
    pub body_line_offset: usize,
}

impl Source {
    /// The Markdown after the front matter.
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// File line of a byte offset inside the body.
    pub fn line(&self, body_offset: usize) -> usize {
        self.body_line_offset + line_of(self.body(), body_offset)
    }

    /// Takes the text out, leaving an empty body: for the last reader, once validation is done.
    pub fn take_body(&mut self) -> Body {
        Body {
            text: std::mem::take(&mut self.text),
            start: std::mem::take(&mut self.body_start),
        }
    }
}

/// A file's Markdown body taken out of its [`Source`]. The render stage frees each document's
/// text as soon as the document is rendered, so that the memory it is rendered into is mostly
/// memory the corpus had (fresh memory costs the system a page fault and zeroing).
#[derive(Debug, Default)]
pub struct Body {
    text: String,
    start: usize,
}

impl Body {
    pub fn as_str(&self) -> &str {
        &self.text[self.start..]
    }
}

#[derive(Debug, Clone)]
pub struct Edition<F> {
    pub lang: Lang,
    pub front: F,
    pub source: Source,
}

/// A document or page: one slug, one edition per language it exists in.
#[derive(Debug, Clone)]
pub struct Editions<F> {
    pub slug: Slug,
    pub editions: BTreeMap<Lang, Edition<F>>,
}

pub type Document = Editions<DocFront>;
pub type Page = Editions<PageFront>;

/// Files the edition of `lang` under its slug.
fn add_edition<F>(
    map: &mut BTreeMap<Slug, Editions<F>>,
    lang: Lang,
    slug: Slug,
    front: F,
    source: Source,
) {
    map.entry(slug.clone())
        .or_insert_with(|| Editions {
            slug,
            editions: BTreeMap::new(),
        })
        .editions
        .insert(
            lang,
            Edition {
                lang,
                front,
                source,
            },
        );
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateRecord {
    pub id: Spanned<String>,
    pub name_fr: String,
    pub name_en: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub aliases_en: Vec<String>,
    pub group: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatesFile {
    #[serde(default)]
    pub state: Vec<StateRecord>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StanceRecord {
    pub id: Spanned<String>,
    pub label_fr: String,
    pub label_en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicRecord {
    pub id: Spanned<String>,
    pub label_fr: String,
    pub label_en: String,
    pub definition_fr: String,
    pub definition_en: String,
    pub stances: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicsFile {
    #[serde(default)]
    pub stance: Vec<StanceRecord>,
    #[serde(default)]
    pub topic: Vec<TopicRecord>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionRecord {
    pub topic: Spanned<String>,
    pub stance: Spanned<String>,
    pub anchor: Option<Spanned<String>>,
    pub quote_fr: Option<Spanned<String>>,
    pub quote_en: Option<Spanned<String>>,
    pub note_fr: Option<String>,
    pub note_en: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionsFile {
    pub state: Spanned<String>,
    #[serde(default)]
    pub positions: Vec<PositionRecord>,
}

/// A data file with its text, so that spans can be turned into lines.
#[derive(Debug, Clone)]
pub struct DataFile<T> {
    pub path: PathBuf,
    pub text: String,
    pub data: T,
}

impl<T> DataFile<T> {
    pub fn line<S>(&self, spanned: &Spanned<S>) -> usize {
        line_of(&self.text, spanned.span().start)
    }
}

/// UI strings of one language, flat keys.
#[derive(Debug, Clone)]
pub struct I18n {
    pub path: PathBuf,
    pub strings: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Theme {
    pub dir: PathBuf,
    pub templates: Vec<(String, PathBuf, String)>,
    pub i18n: BTreeMap<Lang, I18n>,
    /// Static files copied as they are: (path relative to `static/`, bytes).
    pub assets: Vec<(String, Vec<u8>)>,
}

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

/// Markdown files under `dir`, sorted, following symlinks but reporting loops.
fn markdown_files(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    files_with_ext(dir, "md", diags)
}

fn files_with_ext(dir: &Path, ext: &str, diags: &mut Diagnostics) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(e) if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == ext) => {
                out.push(e.path().to_path_buf())
            }
            Ok(_) => {}
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf());
                let what = if e.loop_ancestor().is_some() {
                    "symbolic link loop"
                } else {
                    "unreadable entry"
                };
                diags.error(
                    &path,
                    0,
                    format!("{what}: {e}"),
                    "remove or fix the link; content must be a tree of plain files",
                );
            }
        }
    }
    out
}

/// Reads a file as UTF-8 text, refusing empty, huge and non-UTF-8 files with a located error.
pub fn read_text(path: &Path, diags: &mut Diagnostics) -> Option<String> {
    use std::io::Read;
    let cannot_read = |diags: &mut Diagnostics, e: std::io::Error| {
        diags.error(
            path,
            0,
            format!("cannot read file: {e}"),
            "check its permissions",
        );
    };
    // The size comes from the open file (one path lookup per file, not two).
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            cannot_read(diags, e);
            return None;
        }
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        diags.error(
            path,
            0,
            format!("file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit"),
            "split the document or remove pasted binary data",
        );
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    if let Err(e) = file.read_to_end(&mut bytes) {
        cannot_read(diags, e);
        return None;
    }
    match String::from_utf8(bytes) {
        Ok(t) if t.trim().is_empty() => {
            diags.error(
                path,
                1,
                "file is empty",
                "add front matter and content, or delete the file",
            );
            None
        }
        // Most files have no carriage return: they are kept as read, without a copy.
        Ok(t) if memchr::memchr(b'\r', t.as_bytes()).is_some() => Some(t.replace("\r\n", "\n")),
        Ok(t) => Some(t),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
            diags.error(path, line, format!("invalid UTF-8 at byte {at}"),
                "save the file as UTF-8 (text pasted from a PDF or Word is often Latin-1 or Windows-1252)");
            None
        }
    }
}

/// Splits `+++` front matter from the body and deserialises it.
pub fn parse_front<F: DeserializeOwned>(
    path: &Path,
    text: String,
    diags: &mut Diagnostics,
) -> Option<(F, Source)> {
    let Some(rest) = text.strip_prefix("+++\n") else {
        diags.error(
            path,
            1,
            "missing front matter",
            "start the file with a line '+++', the TOML fields, then '+++'",
        );
        return None;
    };
    let Some(end) = find_closing(rest) else {
        diags.error(
            path,
            1,
            "front matter is not closed",
            "add a line '+++' after the last front matter field",
        );
        return None;
    };
    let front_text = &rest[..end];
    // After the closing `+++` and the line break that ends it, if any.
    let closed = 4 + end + "+++".len();
    let body_start = closed + usize::from(text[closed..].starts_with('\n'));
    let body_line_offset = line_of(&text, body_start) - 1;
    match toml::from_str::<F>(front_text) {
        Ok(front) => Some((
            front,
            Source {
                path: path.to_path_buf(),
                text,
                body_start,
                body_line_offset,
            },
        )),
        Err(e) => {
            // +1: the opening '+++' line. A missing field has no line of its own: point at the start.
            let missing = e.message().trim().starts_with("missing field");
            diags.error(
                path,
                if missing {
                    1
                } else {
                    toml_line(front_text, &e) + 1
                },
                toml_message(&e),
                front_hint(&e),
            );
            None
        }
    }
}

fn find_closing(rest: &str) -> Option<usize> {
    if rest.starts_with("+++\n") || rest == "+++" {
        return Some(0);
    }
    rest.find("\n+++\n")
        .map(|i| i + 1)
        .or_else(|| rest.ends_with("\n+++").then(|| rest.len() - 3))
}

const DOC_FIELDS: &[&str] = &[
    "title",
    "symbol",
    "kind",
    "date",
    "session",
    "agenda_item",
    "organ",
    "original_language",
    "sponsors",
    "poa_coauthors",
    "replies",
    "translation",
    "description",
    "weight",
];

fn front_hint(e: &toml::de::Error) -> String {
    let msg = e.message();
    if let Some(field) = msg
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        if let Some(s) = suggest(field, DOC_FIELDS.iter().copied()) {
            return format!("did you mean `{s}`?");
        }
        return "remove the field; the allowed fields are listed in docs/content-format.md".into();
    }
    if msg.starts_with("missing field") {
        return "add the field; see docs/content-format.md".into();
    }
    "fix the TOML between the '+++' lines; see docs/content-format.md".into()
}

pub fn toml_line(text: &str, e: &toml::de::Error) -> usize {
    e.span().map_or(1, |s| line_of(text, s.start))
}

pub fn toml_message(e: &toml::de::Error) -> String {
    e.message().trim().to_string()
}

fn load_data<T: DeserializeOwned>(path: &Path, diags: &mut Diagnostics) -> Option<DataFile<T>> {
    if !path.exists() {
        diags.error(
            path,
            0,
            "data file is missing",
            "restore it from the repository",
        );
        return None;
    }
    let text = read_text(path, diags)?;
    match toml::from_str::<T>(&text) {
        Ok(data) => Some(DataFile {
            path: path.to_path_buf(),
            text,
            data,
        }),
        Err(e) => {
            diags.error(
                path,
                toml_line(&text, &e),
                toml_message(&e),
                "fix the TOML; see docs/content-format.md",
            );
            None
        }
    }
}

fn load_theme(dir: &Path, diags: &mut Diagnostics) -> Option<Theme> {
    let mut templates = Vec::new();
    for path in files_with_ext(&dir.join("templates"), "html", diags)
        .into_iter()
        .chain(files_with_ext(&dir.join("templates"), "xml", diags))
    {
        let Some(text) = read_text(&path, diags) else {
            continue;
        };
        let name = path
            .strip_prefix(dir.join("templates"))
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        templates.push((name, path, text));
    }
    let mut i18n = BTreeMap::new();
    for lang in Lang::ALL {
        let path = dir.join("i18n").join(format!("{}.toml", lang.code()));
        let Some(text) = read_text(&path, diags) else {
            continue;
        };
        match toml::from_str::<BTreeMap<String, String>>(&text) {
            Ok(strings) => {
                i18n.insert(lang, I18n { path, strings });
            }
            Err(e) => diags.error(
                &path,
                toml_line(&text, &e),
                toml_message(&e),
                "UI strings are flat `key = \"text\"` pairs",
            ),
        }
    }
    let mut assets = Vec::new();
    let static_dir = dir.join("static");
    if static_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&static_dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(&static_dir)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                match std::fs::read(entry.path()) {
                    Ok(bytes) => assets.push((rel, bytes)),
                    Err(e) => diags.error(entry.path(), 0, format!("cannot read: {e}"), ""),
                }
            }
        }
    }
    if templates.is_empty() {
        diags.error(
            dir,
            0,
            "theme has no templates",
            "the theme must have a templates/ folder",
        );
        return None;
    }
    Some(Theme {
        dir: dir.to_path_buf(),
        templates,
        i18n,
        assets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_and_body_lines() {
        let mut d = Diagnostics::default();
        let text = "+++\ntitle = \"T\"\n+++\n\nline five\n";
        let (f, s) =
            parse_front::<PageFront>(Path::new("x.md"), text.into(), &mut d).expect("parses");
        assert_eq!(f.title, "T");
        assert_eq!(s.body(), "\nline five\n");
        assert_eq!(s.line(s.body().find("line").unwrap_or(0)), 5);
    }

    #[test]
    fn unknown_field_is_located_and_suggests() {
        let mut d = Diagnostics::default();
        let text = "+++\ntitle = \"T\"\nsymbl = \"A/78/76\"\n+++\n";
        assert!(parse_front::<DocFront>(Path::new("x.md"), text.into(), &mut d).is_none());
        assert_eq!(d.0[0].line, 3);
        assert!(d.0[0].hint.contains("symbol"), "{:?}", d.0[0]);
    }

    #[test]
    fn unterminated_front_matter() {
        let mut d = Diagnostics::default();
        assert!(
            parse_front::<PageFront>(Path::new("x.md"), "+++\ntitle = \"T\"\n".into(), &mut d)
                .is_none()
        );
        assert!(d.0[0].message.contains("not closed"));
    }
}
