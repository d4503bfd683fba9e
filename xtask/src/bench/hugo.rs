//! The benchmark's peer: Hugo, given the same Markdown as site-gen. Finds the `hugo` binary and
//! writes the Hugo project (configuration, two layouts, one page per document and language).
//! The corpus (`corpus.rs`) writes every document for both tools side by side; this module
//! gives the Hugo form of what differs: anchors as goldmark block attributes on the line after
//! a block, and the front matter Hugo reads.

use anyhow::{bail, Result};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn find() -> Result<PathBuf> {
    for p in ["/usr/bin/hugo", "/usr/local/bin/hugo"] {
        if Path::new(p).exists() {
            return Ok(PathBuf::from(p));
        }
    }
    if Command::new("hugo")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Ok(PathBuf::from("hugo"));
    }
    bail!("hugo is not installed: sudo apt-get install -y hugo (or pass --no-hugo)")
}

/// A paragraph with its anchor (`{#id}`) as a block attribute on the next line.
pub fn para(out: &mut String, id: &str, text: &str) {
    let _ = write!(out, "{}\n{{#{id}}}\n\n", escape(text));
}

pub fn masthead(out: &mut String, text: &str) {
    let _ = write!(out, "{text}\n{{.masthead}}\n\n");
}

/// A list item with its anchor as a block attribute on the item's next line.
pub fn item(out: &mut String, id: &str, text: &str) {
    let _ = write!(out, "- {text}\n  {{#{id}}}\n");
}

/// "4. text" at the start of a paragraph would become an ordered list in plain Markdown.
fn escape(text: &str) -> String {
    let digits = text.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && text[digits..].starts_with(". ") {
        format!("{}\\{}", &text[..digits], &text[digits..])
    } else {
        text.to_string()
    }
}

const HUGO_CONFIG: &str = r#"# Synthetic benchmark site (xtask/src/bench.rs): the same Markdown as the site-gen corpus.
baseURL = "https://example.org/"
title = "Benchmark"
defaultContentLanguage = "fr"
defaultContentLanguageInSubdir = true
# No taxonomies or feeds: Hugo does no work that site-gen does not do.
disableKinds = ["taxonomy", "term", "RSS"]
enableRobotsTXT = false

[languages.fr]
contentDir = "content/fr"
languageName = "Français"
weight = 1

[languages.en]
contentDir = "content/en"
languageName = "English"
weight = 2

[markup.goldmark.parser]
autoHeadingID = false
[markup.goldmark.parser.attribute]
block = true
title = true
[markup.goldmark.extensions]
typographer = false
linkify = false
footnote = true
table = true
"#;

const HUGO_SINGLE: &str = r#"<!DOCTYPE html>
<html lang="{{ .Lang }}">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<nav>{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Lang }}">{{ .Language.LanguageName }}</a>{{ end }}</nav>
<main><h1>{{ .Title }}</h1>
{{ .Content }}
</main>
</body>
</html>
"#;

const HUGO_LIST: &str = r#"<!DOCTYPE html>
<html lang="{{ .Lang }}">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>
<main><h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</main>
</body>
</html>
"#;

/// The project around the documents: configuration, layouts, the two languages' section pages.
pub fn write_project(h: &Path) -> Result<()> {
    for lang in ["fr", "en"] {
        fs::create_dir_all(h.join("content").join(lang).join("documents"))?;
    }
    fs::write(h.join("config.toml"), HUGO_CONFIG)?;
    fs::create_dir_all(h.join("layouts/_default"))?;
    fs::write(h.join("layouts/_default/single.html"), HUGO_SINGLE)?;
    fs::write(h.join("layouts/_default/list.html"), HUGO_LIST)?;
    for (lang, title) in [("fr", "Documents"), ("en", "Documents")] {
        fs::write(
            h.join("content").join(lang).join("documents/_index.md"),
            format!("+++\ntitle = \"{title}\"\n+++\n"),
        )?;
    }
    Ok(())
}

/// One document in both languages: `[(French title, body), (English title, body)]`.
pub fn write_document(h: &Path, file: &str, editions: [(&str, &str); 2], date: &str) -> Result<()> {
    for (lang, (title, body)) in ["fr", "en"].into_iter().zip(editions) {
        let text = format!("+++\ntitle = \"{title}\"\ndate = {date}\n+++\n\n{body}");
        fs::write(
            h.join("content").join(lang).join("documents").join(file),
            text,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_keeps_numbers_as_text() {
        assert_eq!(escape("4. Décide"), "4\\. Décide");
        assert_eq!(escape("a) x"), "a) x");
    }
}
