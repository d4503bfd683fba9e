//! The theme: its templates (HTML and XML, by name), its UI strings per language, its static
//! files and the fonts the social cards are drawn with, read as they are.
//!
//! It checks only that templates exist and that UI strings are flat TOML; it must not compile
//! templates (the render stage does) nor compare the languages' strings (`validate` does).

use super::files::{files_with_ext, read_text};
use super::{toml_line, toml_message};
use crate::diagnostics::Diagnostics;
use crate::types::Lang;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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
    /// Fonts of `fonts/` (not published): (file name, bytes), by name.
    pub fonts: Vec<(String, Vec<u8>)>,
}

pub(super) fn load_theme(dir: &Path, diags: &mut Diagnostics) -> Option<Theme> {
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
    let mut fonts = Vec::new();
    for path in files_with_ext(&dir.join("fonts"), "ttf", diags) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match std::fs::read(&path) {
            Ok(bytes) => fonts.push((name, bytes)),
            Err(e) => diags.error(&path, 0, format!("cannot read: {e}"), ""),
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
        fonts,
    })
}
