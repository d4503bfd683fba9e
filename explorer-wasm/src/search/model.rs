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
//! Every file starts with [`SEARCH_VERSION`]; the reader refuses another. The bytes are
//! varints and length-prefixed strings (`codec`), laid out field by field in the order of
//! the structs below (docs/search.md); postings are deltas.

use super::codec::{push_str, push_varint, Reader};

/// Format version, bumped whenever a field changes. 2: hand-written layout, postings as
/// deltas, shard words sharing their prefix with the word before.
pub const SEARCH_VERSION: u16 = 2;

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

#[derive(Debug, Clone, PartialEq)]
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

/// What a result shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt {
    /// Site-absolute URL, with the entry's `#anchor` when it has one.
    pub url: String,
    /// The section heading, the State whose reply it is, or the page's kind.
    pub context: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
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

impl Meta {
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        push_varint(&mut out, SEARCH_VERSION as u32);
        push_str(&mut out, &self.lang);
        push_varint(&mut out, self.docs.len() as u32);
        for d in &self.docs {
            push_str(&mut out, &d.id);
            push_str(&mut out, &d.label);
        }
        push_varint(&mut out, self.entries.len() as u32);
        for e in &self.entries {
            push_varint(&mut out, e.doc as u32);
            out.push((e.kind as u8) << 1 | e.reply as u8);
            push_varint(&mut out, e.len);
        }
        out.extend_from_slice(&self.avg_len.to_le_bytes());
        push_varint(&mut out, self.shards.len() as u32);
        for k in &self.shards {
            push_str(&mut out, k);
        }
        push_varint(&mut out, self.chunk);
        push_varint(&mut out, self.states.len() as u32);
        for st in &self.states {
            push_varint(&mut out, st.spellings.len() as u32);
            for sp in &st.spellings {
                push_varint(&mut out, sp.len() as u32);
                for t in sp {
                    push_str(&mut out, t);
                }
            }
        }
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
        for _ in 0..r.count()? {
            let doc = r.varint()?;
            let flags = r.byte()?;
            entries.push(EntryMeta {
                doc: doc as u16,
                kind: kind_from(flags >> 1)?,
                reply: flags & 1 == 1,
                len: r.varint()?,
            });
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
            push_str(out, &w[n..]);
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
            if shared > prev.len() || !prev.is_char_boundary(shared) {
                return Err(bad());
            }
            let mut w = prev[..shared].to_string();
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
    /// An excerpt file's header; the records ([`Excerpts::push_record`]) follow.
    pub fn write_head(out: &mut Vec<u8>, first: u32, count: u32) {
        push_varint(out, SEARCH_VERSION as u32);
        push_varint(out, first);
        push_varint(out, count);
    }

    pub fn push_record(out: &mut Vec<u8>, url: &str, context: &str, text: &str) {
        push_str(out, url);
        push_str(out, context);
        push_str(out, text);
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        Excerpts::write_head(&mut out, self.first, self.excerpts.len() as u32);
        for x in &self.excerpts {
            Excerpts::push_record(&mut out, &x.url, &x.context, &x.text);
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FormatError> {
        let mut r = open(bytes)?;
        let first = r.varint()?;
        let mut excerpts = Vec::new();
        for _ in 0..r.count()? {
            let url = r.string()?;
            let context = r.string()?;
            excerpts.push(Excerpt {
                url,
                context,
                text: r.string()?,
            });
        }
        r.end()?;
        Ok(Excerpts {
            version: SEARCH_VERSION,
            first,
            excerpts,
        })
    }
}

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

    #[test]
    fn shards_round_trip_with_shared_prefixes_and_deltas() {
        // "état" and "états" share "état" (5 bytes: é is two); "étude" shares "ét" (3 bytes).
        let s = Shard {
            version: SEARCH_VERSION,
            key: "ét".into(),
            words: vec![("état".into(), 0), ("états".into(), 0), ("étude".into(), 1)],
            stems: vec![
                Postings {
                    stem: "etat".into(),
                    entries: vec![0, 200, 70_000],
                    positions: vec![vec![0, 3], vec![TITLE_BASE], vec![1, 2, 300]],
                },
                Postings {
                    stem: "etud".into(),
                    entries: vec![5],
                    positions: vec![vec![7]],
                },
            ],
        };
        assert_eq!(shared_prefix("état", "états"), 5);
        assert_eq!(shared_prefix("états", "étude"), 3);
        // A prefix never ends inside a character: "é" (c3 a9) and "è" (c3 a8) share none.
        assert_eq!(shared_prefix("é", "è"), 0);
        let bytes = s.to_bytes();
        assert_eq!(Shard::from_bytes(&bytes).unwrap(), s);
        // Every truncation, and every single corrupted byte, is an error or a shard, never a
        // panic.
        for n in 0..bytes.len() {
            assert!(Shard::from_bytes(&bytes[..n]).is_err(), "cut at {n}");
        }
        for n in 1..bytes.len() {
            let mut b = bytes.clone();
            b[n] ^= 0xff;
            let _ = Shard::from_bytes(&b);
        }
    }

    #[test]
    fn meta_round_trips() {
        let m = Meta {
            version: SEARCH_VERSION,
            lang: "fr".into(),
            docs: vec![SearchDoc {
                id: "a-78-76".into(),
                label: "A/78/76".into(),
            }],
            entries: vec![
                EntryMeta {
                    doc: 0,
                    kind: EntryKind::Heading,
                    len: 300,
                    reply: true,
                },
                EntryMeta {
                    doc: NO_DOC,
                    kind: EntryKind::Page,
                    len: 2,
                    reply: false,
                },
            ],
            avg_len: 151.0,
            shards: vec!["ab".into(), "é".into()],
            chunk: 16,
            states: vec![StateSpellings {
                spellings: vec![
                    vec!["suisse".into()],
                    vec!["confederation".into(), "suisse".into()],
                ],
            }],
        };
        let bytes = m.to_bytes();
        assert_eq!(Meta::from_bytes(&bytes).unwrap(), m);
        for n in 0..bytes.len() {
            assert!(Meta::from_bytes(&bytes[..n]).is_err(), "cut at {n}");
        }
    }
}
