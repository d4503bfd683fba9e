//! The explorer index: written by `site-gen` at build time, read by the engine in the browser.
//!
//! One index per language, so labels and quotes are already in the page's language and the
//! browser never carries the other language's text. Facet values are small integers into the
//! label tables.
//!
//! The file is the postcard encoding of [`Index`] followed by the text of every row, raw.
//!
//! The rows are stored by column so that reading the index costs little more than receiving
//! it: each integer column is one byte string of little-endian `u16`s (postcard copies a byte
//! string in one piece, where a `Vec` of structs is visited field by field), and the anchors,
//! quotes and notes of all rows are one UTF-8 byte string, located by a column of end offsets.
//! That text is most of the file: the reader keeps it in the buffer it was given instead of
//! copying it (at the synthetic scale, 27 MB of fresh memory cost more than all the rest of the
//! load), and a row's text is sliced out, and checked as UTF-8, only when a card, an export or
//! the word index needs it. A piece that is not UTF-8 reads as U+FFFD, as in any decoder.

use serde::{Deserialize, Serialize};

/// Format version, bumped whenever a field changes; the reader refuses other versions.
pub const INDEX_VERSION: u16 = 2;

/// An absent relation, topic or stance in the row columns.
pub const NONE: u16 = u16::MAX;

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
/// Writers build rows from borrowed text; [`Rows::get`] hands them out the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Row<'a> {
    pub state: u16,
    pub doc: u16,
    /// Set for fact rows (sponsor, co-author, respondent).
    pub relation: Option<u16>,
    /// Set for coded stances, together with `stance`.
    pub topic: Option<u16>,
    pub stance: Option<u16>,
    /// Paragraph anchor of the evidence in `doc` (empty when there is none).
    pub anchor: &'a str,
    /// Verbatim quote in the index's language (empty for `not-addressed` and for facts).
    pub quote: &'a str,
    pub note: &'a str,
}

/// The rows of the index, by column (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rows {
    #[serde(with = "byte_string")]
    state: Vec<u8>,
    #[serde(with = "byte_string")]
    doc: Vec<u8>,
    /// `NONE` (0xFFFF) when the row has no relation; the same for `topic` and `stance`.
    #[serde(with = "byte_string")]
    relation: Vec<u8>,
    #[serde(with = "byte_string")]
    topic: Vec<u8>,
    #[serde(with = "byte_string")]
    stance: Vec<u8>,
    /// Per row, three little-endian `u32`: the end in `text` of its anchor, quote and note. Each
    /// piece starts where the previous one ends, so the offsets never decrease.
    #[serde(with = "byte_string")]
    text_end: Vec<u8>,
    /// Not in the postcard part: it is the rest of the file (see [`Index::from_bytes`]).
    #[serde(skip)]
    text: Vec<u8>,
}

/// The `i`-th little-endian `u16` of a column (0 when out of range: the index was checked).
fn u16_at(column: &[u8], i: usize) -> u16 {
    match column.get(2 * i..2 * i + 2) {
        Some(&[a, b]) => u16::from_le_bytes([a, b]),
        _ => 0,
    }
}

fn u32_at(column: &[u8], i: usize) -> u32 {
    match column.get(4 * i..4 * i + 4) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
        _ => 0,
    }
}

/// Every little-endian `u16` of a column, in order (the fast way through a whole column).
fn u16s(column: &[u8]) -> impl Iterator<Item = u16> + '_ {
    column
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
}

fn u32s(column: &[u8]) -> impl Iterator<Item = u32> + '_ {
    column
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
}

fn opt(v: u16) -> Option<u16> {
    (v != NONE).then_some(v)
}

impl Rows {
    pub fn len(&self) -> usize {
        self.state.len() / 2
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a row (writers: `site-gen` and the tests).
    pub fn push(&mut self, row: &Row) {
        let put = |column: &mut Vec<u8>, v: u16| column.extend_from_slice(&v.to_le_bytes());
        put(&mut self.state, row.state);
        put(&mut self.doc, row.doc);
        put(&mut self.relation, row.relation.unwrap_or(NONE));
        put(&mut self.topic, row.topic.unwrap_or(NONE));
        put(&mut self.stance, row.stance.unwrap_or(NONE));
        for piece in [row.anchor, row.quote, row.note] {
            self.text.extend_from_slice(piece.as_bytes());
            let end = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
            self.text_end.extend_from_slice(&end.to_le_bytes());
        }
    }

    /// Piece `k` of row `i`'s text: 0 anchor, 1 quote, 2 note ("" past the last row).
    fn text(&self, i: usize, k: usize) -> &str {
        if i >= self.len() {
            return "";
        }
        let end = u32_at(&self.text_end, 3 * i + k) as usize;
        let start = match (3 * i + k).checked_sub(1) {
            Some(prev) => u32_at(&self.text_end, prev) as usize,
            None => 0,
        };
        match self.text.get(start..end).map(std::str::from_utf8) {
            Some(Ok(text)) => text,
            Some(Err(_)) => "\u{FFFD}",
            None => "",
        }
    }

    pub fn quote(&self, i: usize) -> &str {
        self.text(i, 1)
    }

    pub fn note(&self, i: usize) -> &str {
        self.text(i, 2)
    }

    pub fn get(&self, i: usize) -> Option<Row<'_>> {
        (i < self.len()).then(|| Row {
            state: u16_at(&self.state, i),
            doc: u16_at(&self.doc, i),
            relation: opt(u16_at(&self.relation, i)),
            topic: opt(u16_at(&self.topic, i)),
            stance: opt(u16_at(&self.stance, i)),
            anchor: self.text(i, 0),
            quote: self.text(i, 1),
            note: self.text(i, 2),
        })
    }

    /// State, document, topic and stance of every row, in order, without touching the text.
    pub fn facet_values(&self) -> impl Iterator<Item = (u16, u16, Option<u16>, Option<u16>)> + '_ {
        let columns = u16s(&self.state).zip(u16s(&self.doc));
        let columns = columns.zip(u16s(&self.topic)).zip(u16s(&self.stance));
        columns.map(|(((s, d), t), st)| (s, d, opt(t), opt(st)))
    }

    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Column lengths agree and the text offsets are in order and within the text.
    fn check_shape(&self) -> Result<(), IndexError> {
        let n = self.len();
        let bytes = 2 * n;
        let same = [
            &self.state,
            &self.doc,
            &self.relation,
            &self.topic,
            &self.stance,
        ]
        .iter()
        .all(|c| c.len() == bytes);
        if !same || self.text_end.len() != 12 * n {
            return Err(IndexError::Malformed("row columns of different lengths"));
        }
        let mut prev = 0;
        for end in u32s(&self.text_end) {
            let end = end as usize;
            if end < prev || end > self.text.len() {
                return Err(IndexError::Malformed("text offsets"));
            }
            prev = end;
        }
        Ok(())
    }
}

impl<'a> FromIterator<Row<'a>> for Rows {
    fn from_iter<I: IntoIterator<Item = Row<'a>>>(iter: I) -> Rows {
        let mut rows = Rows::default();
        for row in iter {
            rows.push(&row);
        }
        rows
    }
}

/// A `Vec<u8>` as a serde byte string, which postcard writes as a length and the bytes and reads
/// back in one copy (a plain `Vec<u8>` goes through serde one element at a time).
mod byte_string {
    use serde::de::{Deserializer, Error, Visitor};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(v)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        d.deserialize_byte_buf(Bytes)
    }

    struct Bytes;

    impl Visitor<'_> for Bytes {
        type Value = Vec<u8>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a byte string")
        }

        fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }

        fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }
    }
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
    pub rows: Rows,
}

/// Why an index could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexError {
    Decode(String),
    Version { found: u16 },
    Malformed(&'static str),
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
            IndexError::Malformed(what) => write!(f, "index is malformed: {what}"),
            IndexError::Dangling { row, what } => write!(f, "row {row} points to a missing {what}"),
        }
    }
}

impl Index {
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain owned data into a Vec cannot fail.
        let mut bytes = postcard::to_allocvec(self).unwrap_or_default();
        bytes.extend_from_slice(&self.rows.text);
        bytes
    }

    /// Decodes and checks every cross-reference, so the engine can index without bounds worries.
    /// The buffer becomes the rows' text: only its head is moved, the text is not copied.
    pub fn from_bytes(mut bytes: Vec<u8>) -> Result<Index, IndexError> {
        let decode = |e: postcard::Error| IndexError::Decode(e.to_string());
        // The version comes first and is read on its own, so an index of another version is
        // reported as such rather than as undecodable.
        let (version, _) = postcard::take_from_bytes::<u16>(&bytes).map_err(decode)?;
        if version != INDEX_VERSION {
            return Err(IndexError::Version { found: version });
        }
        let (mut index, text) = postcard::take_from_bytes::<Index>(&bytes).map_err(decode)?;
        let head = bytes.len() - text.len();
        // Shifting the text to the front reuses memory that is already there.
        bytes.drain(..head);
        index.rows.text = bytes;
        index.rows.check_shape()?;
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
        let rows = &self.rows;
        let columns: [(&[u8], usize, bool, &'static str); 5] = [
            (&rows.state, self.states.len(), false, "State"),
            (&rows.doc, self.documents.len(), false, "document"),
            (&rows.relation, self.relations.len(), true, "relation"),
            (&rows.topic, self.topics.len(), true, "topic"),
            (&rows.stance, self.stances.len(), true, "stance"),
        ];
        for (column, len, optional, what) in columns {
            let ok = |v: u16| within(v, len) || (optional && v == NONE);
            let bad = u16s(column).position(|v| !ok(v));
            if let Some(row) = bad {
                return Err(IndexError::Dangling { row, what });
            }
        }
        Ok(())
    }
}
