//! The search index: written by `site-gen` under `data/search/<lang>/`, read by the engine.
//!
//! Split as Pagefind splits its own, so that a query fetches only what it needs:
//! - `meta.bin` ([`Meta`]): the documents, one small record per entry (what ranking and the
//!   filters need), the list of shards, the States' spellings;
//! - `t-<hex of key>.bin` ([`Shard`]): the terms whose first two characters are the key, each
//!   with its postings (entries and word positions);
//! - `x-<n>.bin` ([`Excerpts`]): the text, URL and context of entries `n × chunk ..`, fetched
//!   only for the results shown.
//!
//! Every file is postcard and starts with [`SEARCH_VERSION`]; the reader refuses another.

use serde::{Deserialize, Serialize};

/// Format version, bumped whenever a field changes.
pub const SEARCH_VERSION: u16 = 1;

/// Positions at or above this are in the entry's title field (its section, State or page
/// title), which ranking boosts; below, in its text.
pub const TITLE_BASE: u32 = 1 << 20;

/// An entry that belongs to no document (an authored page, a State or topic page).
pub const NO_DOC: u16 = u16::MAX;

/// What an entry is: the engine boosts headings and page titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Paragraph,
    Heading,
    Footnote,
    TableRow,
    /// The title and description of a page (authored page, State, topic).
    Page,
}

/// One searchable unit: a paragraph, heading, footnote, table row or page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryMeta {
    /// Index into [`Meta::docs`], or [`NO_DOC`].
    pub doc: u16,
    pub kind: EntryKind,
    /// Number of tokens in its text (BM25's length normalisation).
    pub len: u32,
    /// Part of a State's reply (the annex of the Secretary-General's report).
    pub reply: bool,
}

/// A document, for the results' labels and the document filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchDoc {
    /// Its slug (`a-78-76`), as in the explorer's `doc=`.
    pub id: String,
    /// Its symbol, or its short title when it has none.
    pub label: String,
}

/// One State's spellings, each as its folded terms: a query naming the State in any of them
/// looks for all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateSpellings {
    pub spellings: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    pub version: u16,
    pub lang: String,
    pub docs: Vec<SearchDoc>,
    pub entries: Vec<EntryMeta>,
    /// Average of `entries[*].len`.
    pub avg_len: f32,
    /// Keys of the shards written, sorted.
    pub shards: Vec<String>,
    /// Entries per excerpt file.
    pub chunk: u32,
    pub states: Vec<StateSpellings>,
}

/// The postings of one stem: the entries holding any word with that stem, in increasing
/// order, with the word positions in each (increasing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Postings {
    pub stem: String,
    pub entries: Vec<u32>,
    pub positions: Vec<Vec<u32>>,
}

/// The terms of one key. Words are the folded forms found in the texts (sorted), each with
/// the index of its stem in `stems`: the reader looks words up, so it needs no stemmer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub version: u16,
    pub key: String,
    pub words: Vec<(String, u32)>,
    pub stems: Vec<Postings>,
}

/// What a result shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excerpt {
    /// Site-absolute URL, with the entry's `#anchor` when it has one.
    pub url: String,
    /// The section heading, the State whose reply it is, or the page's kind.
    pub context: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excerpts {
    pub version: u16,
    /// Index of the first entry in this file.
    pub first: u32,
    pub excerpts: Vec<Excerpt>,
}

/// The shard key of a term: its first two characters (one for a one-character term).
pub fn shard_key(term: &str) -> &str {
    let end = term.char_indices().nth(2).map_or(term.len(), |(i, _)| i);
    &term[..end]
}

/// The file name of a shard: the key in hexadecimal, so that any character is a safe name.
pub fn shard_file(key: &str) -> String {
    let mut s = String::from("t-");
    for b in key.bytes() {
        s.push(char::from_digit((b >> 4) as u32, 16).unwrap_or('0'));
        s.push(char::from_digit((b & 15) as u32, 16).unwrap_or('0'));
    }
    s.push_str(".bin");
    s
}

/// The file name of the excerpts holding entry `entry`.
pub fn excerpt_file(entry: u32, chunk: u32) -> String {
    format!("x-{}.bin", entry / chunk.max(1))
}

/// A file that is not a search index of this version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(pub String);

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn check_version(bytes: &[u8]) -> Result<(), FormatError> {
    let (v, _): (u16, _) = postcard::take_from_bytes(bytes)
        .map_err(|_| FormatError("search index: empty or truncated file".into()))?;
    if v != SEARCH_VERSION {
        return Err(FormatError(format!(
            "search index version {v}, this reader reads version {SEARCH_VERSION}"
        )));
    }
    Ok(())
}

macro_rules! codec {
    ($t:ty) => {
        impl $t {
            pub fn to_bytes(&self) -> Vec<u8> {
                postcard::to_allocvec(self).unwrap_or_default()
            }

            pub fn from_bytes(bytes: &[u8]) -> Result<Self, FormatError> {
                check_version(bytes)?;
                postcard::from_bytes(bytes).map_err(|e| FormatError(format!("search index: {e}")))
            }
        }
    };
}

codec!(Meta);
codec!(Shard);
codec!(Excerpts);

impl Meta {
    /// Checks what the engine relies on: documents and postings in range.
    pub fn check(&self) -> Result<(), FormatError> {
        let docs = self.docs.len();
        if self
            .entries
            .iter()
            .any(|e| e.doc != NO_DOC && e.doc as usize >= docs)
        {
            return Err(FormatError(
                "search index: an entry names no document".into(),
            ));
        }
        Ok(())
    }
}

impl Shard {
    /// Checks that words point at stems, postings at entries, in increasing order.
    pub fn check(&self, entries: usize) -> Result<(), FormatError> {
        let bad = |m: &str| Err(FormatError(format!("search shard {:?}: {m}", self.key)));
        if self
            .words
            .iter()
            .any(|(_, s)| *s as usize >= self.stems.len())
        {
            return bad("a word names no stem");
        }
        for p in &self.stems {
            if p.entries.len() != p.positions.len() {
                return bad("postings and positions differ in length");
            }
            if p.entries.windows(2).any(|w| w[0] >= w[1])
                || p.entries.last().is_some_and(|&e| e as usize >= entries)
            {
                return bad("postings out of order or out of range");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_two_characters_and_files_are_hex() {
        assert_eq!(shard_key("etats"), "et");
        assert_eq!(shard_key("é"), "é");
        assert_eq!(shard_key("77/37"), "77");
        assert_eq!(shard_file("et"), "t-6574.bin");
        assert_eq!(shard_file("a/"), "t-612f.bin");
        assert_eq!(excerpt_file(33, 16), "x-2.bin");
    }

    #[test]
    fn another_version_is_refused_by_name() {
        let mut bytes = Excerpts {
            version: SEARCH_VERSION,
            first: 0,
            excerpts: vec![],
        }
        .to_bytes();
        assert!(Excerpts::from_bytes(&bytes).is_ok());
        bytes[0] = 9;
        let e = Excerpts::from_bytes(&bytes).unwrap_err();
        assert!(e.0.contains("version 9"), "{e}");
        assert!(Meta::from_bytes(&[]).is_err());
    }

    #[test]
    fn shard_check_catches_bad_postings() {
        let mut s = Shard {
            version: SEARCH_VERSION,
            key: "ab".into(),
            words: vec![("abc".into(), 0)],
            stems: vec![Postings {
                stem: "abc".into(),
                entries: vec![1, 3],
                positions: vec![vec![0], vec![2]],
            }],
        };
        assert!(s.check(4).is_ok());
        assert!(s.check(3).is_err());
        s.stems[0].entries = vec![3, 1];
        assert!(s.check(4).is_err());
        s.words[0].1 = 5;
        assert!(s.check(4).is_err());
    }
}
