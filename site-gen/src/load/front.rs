//! Front matter: the typed `+++` TOML header of a document or page edition, the [`Source`] that
//! keeps the body and maps its offsets back to file lines, and the editions of one slug.
//!
//! It checks the header's syntax and field types (with a hint for a misspelt field); it must not
//! check what the values mean (a State id, a date): that is `validate`'s.

use super::{toml_line, toml_message};
use crate::diagnostics::{line_of, suggest, Diagnostics};
use crate::types::{Lang, Slug};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

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
    /// Notes by the Secretariat (a note "by the Secretariat" is not one by the Secretary-General).
    Secretariat,
    Oewg,
}

impl Organ {
    pub fn key(self) -> &'static str {
        match self {
            Organ::GeneralAssembly => "general-assembly",
            Organ::FirstCommittee => "first-committee",
            Organ::SecretaryGeneral => "secretary-general",
            Organ::Secretariat => "secretariat",
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
pub(super) fn add_edition<F>(
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
                plain_message(&e, front_text),
                front_hint(&e),
            );
            None
        }
    }
}

/// The TOML parser's message said in the maintainer's words for the common mistakes, with the
/// parser's own text kept on a second line for those who know TOML.
fn plain_message(e: &toml::de::Error, front_text: &str) -> String {
    let raw = toml_message(e);
    // The line the parser points at (its key names the field).
    let at = e.span().map_or(0, |s| s.start.min(front_text.len()));
    let start = front_text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = front_text[at..]
        .find('\n')
        .map_or(front_text.len(), |i| at + i);
    let line = &front_text[start..end];
    let key = line.split('=').next().unwrap_or("").trim();
    let expected = raw.rsplit("expected ").next().unwrap_or("");
    let plain = if raw.contains("invalid basic string") || raw.contains("unterminated") {
        "a quote is not closed: end the text with `\"`".to_string()
    } else if raw.starts_with("invalid type") && !key.is_empty() {
        if expected.starts_with('u') || expected.starts_with('i') {
            format!("`{key}` must be a number, like `{key} = 79`")
        } else if expected.contains("sequence") {
            format!("`{key}` must be a list, like `{key} = [\"fra\", \"deu\"]`")
        } else if expected.contains("string") {
            format!("`{key}` must be text in quotes, like `{key} = \"…\"`")
        } else {
            return raw;
        }
    } else if raw.starts_with("expected newline") {
        if line.trim_end().ends_with(',') {
            "a line ends with a comma: commas only separate the items of a list, inside [ ]"
                .to_string()
        } else if line.contains(',') && !line.contains('[') {
            format!("a list must be written in square brackets, like `{key} = [\"fra\", \"deu\"]`")
        } else {
            "something follows the value on this line: write one field per line".to_string()
        }
    } else {
        return raw;
    };
    format!("{plain}\n  (TOML: {raw})")
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
    fn only_a_whole_plus_line_closes_the_front_matter() {
        // `+++x` is a TOML line (an invalid one), not the closing delimiter.
        let mut d = Diagnostics::default();
        let text = "+++\ntitle = \"T\"\n+++x\n+++\nbody\n";
        assert!(parse_front::<PageFront>(Path::new("x.md"), text.into(), &mut d).is_none());
        assert_eq!((d.0[0].line, d.0[0].message.as_str()), (3, "invalid key"));
        // The delimiter may end the file, and may close an empty front matter.
        let mut d = Diagnostics::default();
        let (_, s) =
            parse_front::<PageFront>(Path::new("x.md"), "+++\ntitle = \"T\"\n+++".into(), &mut d)
                .expect("closed at the end of the file");
        assert_eq!(s.body(), "");
        assert!(
            parse_front::<PageFront>(Path::new("x.md"), "+++\n+++\nbody".into(), &mut d).is_none()
        );
        assert_eq!(d.0[0].message, "missing field `title`");
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

    /// `title` and the given lines, parsed as a document's front matter.
    fn doc(lines: &str) -> DocFront {
        let mut d = Diagnostics::default();
        let text = format!("+++\ntitle = \"T\"\n{lines}\n+++\n");
        match parse_front::<DocFront>(Path::new("x.md"), text, &mut d) {
            Some((f, _)) => f,
            None => panic!("{lines}: {:?}", d.0),
        }
    }

    #[test]
    fn kinds_and_organs_are_named_as_the_front_matter_writes_them() {
        // `key` names a value in URLs, CSS classes and UI-string keys: the spelling of the field.
        for k in ["resolution", "draft-resolution", "report", "note"] {
            let kind = doc(&format!("kind = \"{k}\"")).kind.expect("kind");
            assert_eq!(kind.key(), k);
        }
        for o in [
            "general-assembly",
            "first-committee",
            "secretary-general",
            "secretariat",
            "oewg",
        ] {
            let organ = doc(&format!("organ = \"{o}\"")).organ.expect("organ");
            assert_eq!(organ.key(), o);
        }
    }

    #[test]
    fn any_one_language_neutral_field_is_metadata() {
        // Each field alone makes the edition carry metadata; the translation status and the
        // title do not (every English edition has them).
        for field in [
            "symbol = \"A/78/76\"",
            "kind = \"report\"",
            "date = \"2023-04-18\"",
            "session = 78",
            "agenda_item = \"94\"",
            "organ = \"oewg\"",
            "original_language = \"fr\"",
            "sponsors = [\"fra\"]",
            "poa_coauthors = [\"fra\"]",
            "[[replies]]\nstate = \"fra\"",
        ] {
            assert!(doc(field).has_metadata(), "{field}");
        }
        assert!(!doc("translation = \"unofficial\"").has_metadata());
    }

    #[test]
    fn a_taken_body_is_the_text_after_the_front_matter() {
        let mut d = Diagnostics::default();
        let text = "+++\ntitle = \"T\"\n+++\nbody\n";
        let (_, mut s) =
            parse_front::<PageFront>(Path::new("x.md"), text.into(), &mut d).expect("parses");
        let body = s.take_body();
        assert_eq!(body.as_str(), "body\n");
        assert_eq!(s.body(), "");
    }

    #[test]
    fn a_field_without_a_close_spelling_is_to_be_removed() {
        let mut d = Diagnostics::default();
        let text = "+++\ntitle = \"T\"\nzzzzzzzz = 1\n+++\n";
        assert!(parse_front::<DocFront>(Path::new("x.md"), text.into(), &mut d).is_none());
        assert_eq!(
            (d.0[0].line, d.0[0].hint.as_str()),
            (
                3,
                "remove the field; the allowed fields are listed in docs/content-format.md"
            )
        );
    }

    #[test]
    fn a_second_value_on_a_line_is_said_in_plain_words() {
        // No comma, no list: neither "a line ends with a comma" nor "a list must be written in
        // square brackets" applies.
        let mut d = Diagnostics::default();
        let text = "+++\ntitle = \"T\"\nsession = 79 80\n+++\n";
        assert!(parse_front::<DocFront>(Path::new("x.md"), text.into(), &mut d).is_none());
        assert_eq!(d.0[0].line, 3);
        assert!(
            d.0[0].message.starts_with(
                "something follows the value on this line: write one field per line\n  (TOML: "
            ),
            "{:?}",
            d.0[0]
        );
    }
}
