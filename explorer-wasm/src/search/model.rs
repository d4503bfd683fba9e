//! The search index: written by `site-gen` under `data/search/<lang>/`, read by the engine.
//!
//! Split as Pagefind splits its own, so that a query fetches only what it needs:
//! - `meta.bin` ([`Meta`]): the documents, one small record per entry (what ranking and the
//!   filters need), the list of shards, the States' spellings;
//! - `t-<hex of key>.bin` ([`Shard`]): the terms whose first two characters are the key, each
//!   with its postings (entries and word positions);
//! - `x-<n>.bin` ([`Excerpts`]): the text of entries `n × chunk ..`, fetched only for the
//!   results shown (their URL and context are in `meta.bin`, so that results are listed before
//!   their snippets arrive).
//!
//! Every file starts with [`SEARCH_VERSION`]; the reader refuses another. The bytes are
//! varints and length-prefixed strings (`codec`), laid out field by field in the order of
//! the structs below (docs/search.md); postings are deltas.

use super::codec::{push_str, push_varint, Reader};

/// Format version, bumped whenever a field changes. 2: hand-written layout, postings as
/// deltas, shard words sharing their prefix with the word before. 3: each entry's URL and
/// context in `meta.bin` (each sharing its prefix with the previous entry's), only the text in
/// the excerpt files.
pub const SEARCH_VERSION: u16 = 3;

/// Positions at or above this are in the entry's title field (its section, State or page
/// title), which ranking boosts; below, in its text.
pub const TITLE_BASE: u32 = 1 << 20;

/// An entry that belongs to no document (an authored page, a State or topic page).
pub const NO_DOC: u16 = u16::MAX;

/// What an entry is: the engine boosts headings and page titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Paragraph,
    Heading,
    Footnote,
    TableRow,
    /// The title and description of a page (authored page, State, topic).
    Page,
}

/// One searchable unit: a paragraph, heading, footnote, table row or page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    /// Its slug (`a-78-76`), as in the explorer's `doc=`.
    pub id: String,
    /// Its symbol, or its short title when it has none.
    pub label: String,
}

/// One State's spellings, each as its folded terms: a query naming the State in any of them
/// looks for all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateSpellings {
    pub spellings: Vec<Vec<String>>,
}

/// One string per entry, held in one buffer: an entry whose string is the previous one's
/// shares its span (most entries share their context, the section they are in).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Texts {
    buf: String,
    spans: Vec<(u32, u32)>,
}

impl Texts {
    pub fn push(&mut self, s: &str) {
        let same = self
            .spans
            .last()
            .is_some_and(|&(a, b)| self.buf.get(a as usize..b as usize) == Some(s));
        let span = match self.spans.last() {
            Some(&span) if same => span,
            _ => {
                let a = self.buf.len() as u32;
                self.buf.push_str(s);
                (a, self.buf.len() as u32)
            }
        };
        self.spans.push(span);
    }

    /// The string of entry `i` (empty when out of range).
    pub fn get(&self, i: usize) -> &str {
        self.spans
            .get(i)
            .and_then(|&(a, b)| self.buf.get(a as usize..b as usize))
            .unwrap_or("")
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }
}

impl<'a> FromIterator<&'a str> for Texts {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        let mut t = Texts::default();
        for s in iter {
            t.push(s);
        }
        t
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub version: u16,
    pub lang: String,
    pub docs: Vec<SearchDoc>,
    pub entries: Vec<EntryMeta>,
    /// Each entry's site-absolute URL, with its `#anchor` when it has one.
    pub urls: Texts,
    /// Each entry's context: the section heading, the State whose reply it is, or the page's
    /// kind.
    pub contexts: Texts,
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postings {
    pub stem: String,
    pub entries: Vec<u32>,
    pub positions: Vec<Vec<u32>>,
}

/// The terms of one key. Words are the folded forms found in the texts (sorted), each with
/// the index of its stem in `stems`: the reader looks words up, so it needs no stemmer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    pub version: u16,
    pub key: String,
    pub words: Vec<(String, u32)>,
    pub stems: Vec<Postings>,
}

/// The texts of consecutive entries, from which a result's snippet is cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpts {
    pub version: u16,
    /// Index of the first entry in this file.
    pub first: u32,
    pub texts: Vec<String>,
}

/// The shard key of a term: its first two characters (one for a one-character term).
pub fn shard_key(term: &str) -> &str {
    let end = term.char_indices().nth(2).map_or(term.len(), |(i, _)| i);
    term.get(..end).unwrap_or(term)
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

/// Reads a file's version; any other than [`SEARCH_VERSION`] is refused by name.
fn open(bytes: &[u8]) -> Result<Reader<'_>, FormatError> {
    let mut r = Reader::new(bytes);
    let v = r
        .varint()
        .map_err(|_| FormatError("search index: empty or truncated file".into()))?;
    if v != SEARCH_VERSION as u32 {
        return Err(FormatError(format!(
            "search index version {v}, this reader reads version {SEARCH_VERSION}"
        )));
    }
    Ok(r)
}

fn kind_from(b: u8) -> Result<EntryKind, FormatError> {
    Ok(match b {
        0 => EntryKind::Paragraph,
        1 => EntryKind::Heading,
        2 => EntryKind::Footnote,
        3 => EntryKind::TableRow,
        4 => EntryKind::Page,
        _ => return Err(FormatError("search index: unknown entry kind".into())),
    })
}

/// What is written of one entry in `meta.bin`, and the URL and context of the entry before,
/// which its own share their prefix with.
#[derive(Default)]
pub struct EntryWriter {
    url: String,
    context: String,
}

impl EntryWriter {
    /// Appends one entry's record: document, `kind << 1 | reply`, length, then its URL and its
    /// context, each as the number of bytes it shares with the previous entry's and the rest.
    pub fn push(&mut self, out: &mut Vec<u8>, e: &EntryMeta, url: &str, context: &str) {
        push_varint(out, e.doc as u32);
        out.push((e.kind as u8) << 1 | e.reply as u8);
        push_varint(out, e.len);
        for (prev, s) in [(&mut self.url, url), (&mut self.context, context)] {
            let n = shared_prefix(prev, s);
            push_varint(out, n as u32);
            push_str(out, s.get(n..).unwrap_or(""));
            prev.clear();
            prev.push_str(s);
        }
    }
}

impl Meta {
    /// The start of `meta.bin`: version, language, documents. The number of entries and their
    /// records ([`EntryWriter`]) follow, then [`Meta::write_tail`].
    pub fn write_head(out: &mut Vec<u8>, lang: &str, docs: &[SearchDoc]) {
        push_varint(out, SEARCH_VERSION as u32);
        push_str(out, lang);
        push_varint(out, docs.len() as u32);
        for d in docs {
            push_str(out, &d.id);
            push_str(out, &d.label);
        }
    }

    /// The end of `meta.bin`, after the entries.
    pub fn write_tail(
        out: &mut Vec<u8>,
        avg_len: f32,
        shards: &[String],
        chunk: u32,
        states: &[StateSpellings],
    ) {
        out.extend_from_slice(&avg_len.to_le_bytes());
        push_varint(out, shards.len() as u32);
        for k in shards {
            push_str(out, k);
        }
        push_varint(out, chunk);
        push_varint(out, states.len() as u32);
        for st in states {
            push_varint(out, st.spellings.len() as u32);
            for sp in &st.spellings {
                push_varint(out, sp.len() as u32);
                for t in sp {
                    push_str(out, t);
                }
            }
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        Meta::write_head(&mut out, &self.lang, &self.docs);
        push_varint(&mut out, self.entries.len() as u32);
        let mut w = EntryWriter::default();
        for (i, e) in self.entries.iter().enumerate() {
            w.push(&mut out, e, self.urls.get(i), self.contexts.get(i));
        }
        Meta::write_tail(
            &mut out,
            self.avg_len,
            &self.shards,
            self.chunk,
            &self.states,
        );
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FormatError> {
        // Plain loops rather than iterator chains collected into `Result`: each such chain
        // is its own adapter in the WebAssembly.
        let mut r = open(bytes)?;
        let lang = r.string()?;
        let mut docs = Vec::new();
        for _ in 0..r.count()? {
            let id = r.string()?;
            docs.push(SearchDoc {
                id,
                label: r.string()?,
            });
        }
        let mut entries = Vec::new();
        let mut urls = Texts::default();
        let mut contexts = Texts::default();
        let (mut url, mut context) = (String::new(), String::new());
        for _ in 0..r.count()? {
            let doc = r.varint()?;
            let flags = r.byte()?;
            entries.push(EntryMeta {
                doc: doc as u16,
                kind: kind_from(flags >> 1)?,
                reply: flags & 1 == 1,
                len: r.varint()?,
            });
            for (prev, list) in [(&mut url, &mut urls), (&mut context, &mut contexts)] {
                let shared = r.varint()? as usize;
                if !prev.is_char_boundary(shared) {
                    return Err(FormatError("search index: corrupt entry".into()));
                }
                prev.truncate(shared);
                prev.push_str(r.str()?);
                list.push(prev);
            }
        }
        let avg_len = r.f32()?;
        let shards = r.strings()?;
        let chunk = r.varint()?;
        let mut states = Vec::new();
        for _ in 0..r.count()? {
            let mut spellings = Vec::new();
            for _ in 0..r.count()? {
                spellings.push(r.strings()?);
            }
            states.push(StateSpellings { spellings });
        }
        r.end()?;
        Ok(Meta {
            version: SEARCH_VERSION,
            lang,
            docs,
            entries,
            urls,
            contexts,
            avg_len,
            shards,
            chunk,
            states,
        })
    }
}

/// The number of leading bytes `a` and `b` share, cut back to a character boundary.
pub fn shared_prefix(a: &str, b: &str) -> usize {
    let mut n = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    while !b.is_char_boundary(n) {
        n -= 1;
    }
    n
}

impl Shard {
    /// The shard's header and words; the writer appends the postings ([`push_postings`]).
    pub fn write_head(out: &mut Vec<u8>, key: &str, words: &[(&str, u32)]) {
        push_varint(out, SEARCH_VERSION as u32);
        push_str(out, key);
        push_varint(out, words.len() as u32);
        let mut prev = "";
        for (w, s) in words {
            let n = shared_prefix(prev, w);
            push_varint(out, n as u32);
            push_str(out, w.get(n..).unwrap_or(""));
            push_varint(out, *s);
            prev = w;
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let words: Vec<(&str, u32)> = self.words.iter().map(|(w, s)| (w.as_str(), *s)).collect();
        Shard::write_head(&mut out, &self.key, &words);
        push_varint(&mut out, self.stems.len() as u32);
        for p in &self.stems {
            push_str(&mut out, &p.stem);
            push_varint(&mut out, p.entries.len() as u32);
            let mut prev = 0;
            for (e, pos) in p.entries.iter().zip(&p.positions) {
                push_postings(&mut out, e - prev, pos.iter().copied());
                prev = *e;
            }
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FormatError> {
        let mut r = open(bytes)?;
        let bad = || FormatError("search index: corrupt shard".into());
        let key = r.string()?;
        let mut words: Vec<(String, u32)> = Vec::new();
        for _ in 0..r.count()? {
            let shared = r.varint()? as usize;
            let prev = words.last().map_or("", |w| w.0.as_str());
            let Some(head) = prev.get(..shared) else {
                return Err(bad());
            };
            let mut w = head.to_string();
            w.push_str(r.str()?);
            words.push((w, r.varint()?));
        }
        let mut stems = Vec::new();
        for _ in 0..r.count()? {
            let stem = r.string()?;
            let n = r.count()?;
            let mut entries = Vec::with_capacity(n);
            let mut positions = Vec::with_capacity(n);
            let mut e = 0u32;
            for _ in 0..n {
                e = e.checked_add(r.varint()?).ok_or_else(bad)?;
                let np = r.count()?;
                let mut pos = Vec::with_capacity(np);
                let mut p = 0u32;
                for _ in 0..np {
                    p = p.checked_add(r.varint()?).ok_or_else(bad)?;
                    pos.push(p);
                }
                entries.push(e);
                positions.push(pos);
            }
            stems.push(Postings {
                stem,
                entries,
                positions,
            });
        }
        r.end()?;
        Ok(Shard {
            version: SEARCH_VERSION,
            key,
            words,
            stems,
        })
    }
}

/// One entry of a stem's postings: the entry's delta from the previous one (the entry itself
/// for the first), the number of positions, and each position's delta.
pub fn push_postings(
    out: &mut Vec<u8>,
    entry_delta: u32,
    positions: impl Iterator<Item = u32> + Clone,
) {
    push_varint(out, entry_delta);
    push_varint(out, positions.clone().count() as u32);
    let mut prev = 0;
    for p in positions {
        push_varint(out, p - prev);
        prev = p;
    }
}

impl Excerpts {
    /// An excerpt file's header; the texts, each a string, follow.
    pub fn write_head(out: &mut Vec<u8>, first: u32, count: u32) {
        push_varint(out, SEARCH_VERSION as u32);
        push_varint(out, first);
        push_varint(out, count);
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        Excerpts::write_head(&mut out, self.first, self.texts.len() as u32);
        for t in &self.texts {
            push_str(&mut out, t);
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FormatError> {
        let mut r = open(bytes)?;
        let first = r.varint()?;
        let texts = r.strings()?;
        r.end()?;
        Ok(Excerpts {
            version: SEARCH_VERSION,
            first,
            texts,
        })
    }
}

impl Meta {
    /// Checks what the engine relies on: documents and postings in range.
    pub fn check(&self) -> Result<(), FormatError> {
        let docs = self.docs.len();
        if self.urls.len() != self.entries.len() || self.contexts.len() != self.entries.len() {
            return Err(FormatError(
                "search index: entries and their URLs differ in number".into(),
            ));
        }
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
        // No `{:?}`: Debug formatting of strings would add its escaping tables to the module.
        let bad = |m: &str| Err(FormatError(format!("search shard {}: {m}", self.key)));
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
#[path = "model_tests.rs"]
mod tests;
