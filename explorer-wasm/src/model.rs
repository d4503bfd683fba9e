//! The explorer index: written by `site-gen` at build time, read by the engine in the browser.
//!
//! One index per language, so labels and quotes are already in the page's language and the
//! browser never carries the other language's text. Facet values are small integers into the
//! label tables; rows refer to them by position, which keeps the postcard encoding compact.

use serde::{Deserialize, Serialize};

/// Format version, bumped whenever a field changes; the reader refuses other versions.
pub const INDEX_VERSION: u16 = 1;

/// A facet value: a stable id (used in URLs and exports) and a label in the index's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    pub id: String,
    pub label: String,
}

/// A State or entity that appears in at least one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateEntry {
    pub id: String,
    pub name: String,
    /// Index into [`Index::groups`].
    pub group: u16,
    /// Indices into [`Index::relations`]: what this State did (sponsored, co-authored, replied).
    pub relations: Vec<u16>,
    /// Site-relative URL of the State's page in this language.
    pub url: String,
}

/// A document that rows can point to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocEntry {
    pub id: String,
    /// The symbol (or the short title when the document has none).
    pub label: String,
    pub url: String,
}

/// One line of evidence: either a fact (a relation of a State to a document) or a coded stance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub state: u16,
    pub doc: u16,
    /// Set for fact rows (sponsor, co-author, respondent).
    pub relation: Option<u16>,
    /// Set for coded stances, together with `stance`.
    pub topic: Option<u16>,
    pub stance: Option<u16>,
    /// Paragraph anchor of the evidence in `doc` (empty when there is none).
    pub anchor: String,
    /// Verbatim quote in the index's language (empty for `not-addressed` and for facts).
    pub quote: String,
    pub note: String,
}

/// The whole index for one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub version: u16,
    pub lang: String,
    pub groups: Vec<Label>,
    pub relations: Vec<Label>,
    pub documents: Vec<DocEntry>,
    pub topics: Vec<Label>,
    pub stances: Vec<Label>,
    pub states: Vec<StateEntry>,
    pub rows: Vec<Row>,
}

/// Why an index could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexError {
    Decode(String),
    Version { found: u16 },
    Dangling { row: usize, what: &'static str },
}

impl std::fmt::Display for IndexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IndexError::Decode(e) => write!(f, "index could not be decoded: {e}"),
            IndexError::Version { found } => {
                write!(
                    f,
                    "index version {found}, this explorer reads version {INDEX_VERSION}"
                )
            }
            IndexError::Dangling { row, what } => write!(f, "row {row} points to a missing {what}"),
        }
    }
}

impl Index {
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain owned data into a Vec cannot fail.
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// Decodes and checks every cross-reference, so the engine can index without bounds worries.
    pub fn from_bytes(bytes: &[u8]) -> Result<Index, IndexError> {
        let index: Index =
            postcard::from_bytes(bytes).map_err(|e| IndexError::Decode(e.to_string()))?;
        if index.version != INDEX_VERSION {
            return Err(IndexError::Version {
                found: index.version,
            });
        }
        index.check()?;
        Ok(index)
    }

    fn check(&self) -> Result<(), IndexError> {
        let within = |v: u16, len: usize| (v as usize) < len;
        for s in &self.states {
            if !within(s.group, self.groups.len())
                || s.relations
                    .iter()
                    .any(|r| !within(*r, self.relations.len()))
            {
                return Err(IndexError::Dangling {
                    row: 0,
                    what: "group or relation (in a State)",
                });
            }
        }
        for (i, r) in self.rows.iter().enumerate() {
            let dangling = |what| IndexError::Dangling { row: i, what };
            if !within(r.state, self.states.len()) {
                return Err(dangling("State"));
            }
            if !within(r.doc, self.documents.len()) {
                return Err(dangling("document"));
            }
            if r.relation.is_some_and(|v| !within(v, self.relations.len())) {
                return Err(dangling("relation"));
            }
            if r.topic.is_some_and(|v| !within(v, self.topics.len())) {
                return Err(dangling("topic"));
            }
            if r.stance.is_some_and(|v| !within(v, self.stances.len())) {
                return Err(dangling("stance"));
            }
        }
        Ok(())
    }
}
