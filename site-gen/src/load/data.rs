//! Data files: the TOML registries of `content/data/` (States, topics and stances, one positions
//! file per State), each kept with its text so that a value's span maps back to a line.
//!
//! It checks TOML syntax and field types only; it must not check ids against one another.

use super::files::read_text;
use super::{toml_line, toml_message};
use crate::diagnostics::{line_of, Diagnostics};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

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

pub(super) fn load_data<T: DeserializeOwned>(
    path: &Path,
    diags: &mut Diagnostics,
) -> Option<DataFile<T>> {
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
