//! Builds the search index files from entries (used by `site-gen`; here so that the writer
//! shares the tokeniser and the model with the reader, and so that the engine's tests build
//! real indexes).
//!
//! [`IndexWriter`] takes the entries one at a time, in the site's order, and keeps no entry's
//! text: each excerpt file is handed out as soon as its entries are in, and the postings of
//! each stem are one growing byte buffer (entry and position deltas as varints), so memory
//! grows with the number of distinct stems and a few bytes per word, not with the text. The
//! shards are encoded from those buffers at the end, in the format the reader decodes.

use super::codec::{push_str, push_varint};
use super::model::*;
use super::tokenize::{for_each_token, TokenKind};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// The multiply-rotate hash of rustc's `FxHasher`: every token of the texts is looked up in
/// the word table, and the default SipHash, made to resist chosen keys, costs several times
/// as much on these short strings (the keys here are the site's own words).
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Words of up to 16 bytes, nearly all of them, are read in two fixed-size loads that
        // may overlap (first and last 8 or 4 bytes): a copy of each 8-byte chunk into an array
        // was a call to `memcpy` for every word of the texts.
        let n = bytes.len();
        let mut rest = bytes;
        while rest.len() > 16 {
            self.mix(load::<8>(rest, 0));
            rest = &rest[8..];
        }
        let (first, last) = match rest.len() {
            8.. => (load::<8>(rest, 0), load::<8>(rest, rest.len() - 8)),
            4..=7 => (load::<4>(rest, 0), load::<4>(rest, rest.len() - 4)),
            1..=3 => (
                u64::from(rest[0]) | u64::from(rest[rest.len() / 2]) << 8,
                u64::from(rest[rest.len() - 1]),
            ),
            0 => (0, 0),
        };
        self.mix(first);
        self.mix(last ^ (n as u64) << 56);
    }

    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl WordHasher {
    fn mix(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// `N` bytes of `bytes` from `at`, as a little-endian number.
fn load<const N: usize>(bytes: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b[..N].copy_from_slice(&bytes[at..at + N]);
    u64::from_le_bytes(b)
}

type WordMap<V> = HashMap<Box<str>, V, BuildHasherDefault<WordHasher>>;

/// One searchable unit, as the writer gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryInput {
    pub kind: EntryKind,
    pub doc: u16,
    pub reply: bool,
    pub url: String,
    /// Shown with the result: section, State or page kind.
    pub context: String,
    /// Indexed in the title field (boosted), not shown in the snippet.
    pub title: String,
    pub text: String,
}

/// The files of one language's index, decoded (tests and tools; the site writes them with
/// [`IndexWriter`] as they are made).
#[derive(Debug, Clone)]
pub struct Built {
    pub meta: Meta,
    pub shards: Vec<Shard>,
    pub excerpts: Vec<Excerpts>,
}

/// The stem of a word: `stem(original, folded)` gets the word as written and as folded and
/// returns the folded stem (or `None` to index the word as it is).
pub type Stemmer<'a> = &'a dyn Fn(&str, &str) -> Option<String>;

/// Indexes `entries` (in the order given, which is the ranking's tie-break) and decodes the
/// files written.
pub fn build(
    lang: &str,
    docs: Vec<SearchDoc>,
    states: Vec<StateSpellings>,
    entries: &[EntryInput],
    chunk: u32,
    stem: Stemmer,
) -> Built {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut w = IndexWriter::new(lang, docs, states, chunk, stem);
    for e in entries {
        w.add(e, &mut |name, bytes| files.push((name, bytes)));
    }
    w.finish(&mut |name, bytes| files.push((name, bytes)));
    let mut built = Built {
        meta: Meta {
            version: SEARCH_VERSION,
            lang: String::new(),
            docs: vec![],
            entries: vec![],
            urls: Texts::default(),
            contexts: Texts::default(),
            avg_len: 0.0,
            shards: vec![],
            chunk,
            states: vec![],
        },
        shards: Vec::new(),
        excerpts: Vec::new(),
    };
    for (name, bytes) in files {
        if name == "meta.bin" {
            built.meta = Meta::from_bytes(&bytes).expect("meta written by the writer");
        } else if name.starts_with("t-") {
            built
                .shards
                .push(Shard::from_bytes(&bytes).expect("shard written by the writer"));
        } else {
            built
                .excerpts
                .push(Excerpts::from_bytes(&bytes).expect("excerpts written by the writer"));
        }
    }
    built
}

/// The postings of one stem while the index is written, already in the shard's layout
/// ([`push_postings`]): for each entry holding it, the entry's delta from the previous one,
/// the number of positions, then each position's delta. The bytes are a chain of blocks in
/// the writer's [`Arena`].
#[derive(Default)]
struct StemPostings {
    entries: u32,
    last: u32,
    blocks: Vec<Block>,
}

/// A stem's run of bytes in a page of the [`Arena`]: `len` of its `cap` bytes used.
#[derive(Clone, Copy)]
struct Block {
    page: u32,
    start: u32,
    len: u32,
    cap: u32,
}

/// Pages of bytes that never move, from which the stems' blocks are cut. A stem's postings grow
/// by a new block, twice the size of its last (up to `MAX_BLOCK`), never by a copy: with one
/// `Vec` per stem, each doubled and copied as it grew, the buffers left behind stayed with the
/// process, and the writers held about twice their postings (docs/benchmarks.md).
#[derive(Default)]
struct Arena {
    pages: Vec<Vec<u8>>,
}

const PAGE: usize = 1 << 20;
const MIN_BLOCK: u32 = 16;
const MAX_BLOCK: u32 = 1 << 16;

impl Arena {
    /// Appends `bytes` to the chain `blocks`.
    fn append(&mut self, blocks: &mut Vec<Block>, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            let room = blocks.last().map_or(0, |b| b.cap - b.len);
            if room == 0 {
                let cap = blocks
                    .last()
                    .map_or(MIN_BLOCK, |b| (b.cap * 2).min(MAX_BLOCK));
                blocks.push(self.block(cap));
                continue;
            }
            let Some(b) = blocks.last_mut() else {
                return;
            };
            let n = bytes.len().min(room as usize);
            let at = (b.start + b.len) as usize;
            self.pages[b.page as usize][at..at + n].copy_from_slice(&bytes[..n]);
            b.len += n as u32;
            bytes = &bytes[n..];
        }
    }

    /// A new block of `cap` bytes, at the end of the last page or in a new one.
    fn block(&mut self, cap: u32) -> Block {
        let fits = self
            .pages
            .last()
            .is_some_and(|p| p.len() + cap as usize <= p.capacity());
        if !fits {
            self.pages.push(Vec::with_capacity(PAGE.max(cap as usize)));
        }
        let page = self.pages.len() - 1;
        let p = &mut self.pages[page];
        let start = p.len();
        p.resize(start + cap as usize, 0);
        Block {
            page: page as u32,
            start: start as u32,
            len: 0,
            cap,
        }
    }

    /// The bytes of a chain, in order.
    fn bytes<'a>(&'a self, blocks: &'a [Block]) -> impl Iterator<Item = &'a [u8]> + 'a {
        blocks.iter().map(|b| {
            let start = b.start as usize;
            &self.pages[b.page as usize][start..start + b.len as usize]
        })
    }
}

/// Writes one language's index, entry by entry. Files are handed to `out(name, bytes)`, the
/// name relative to `data/search/<lang>/`.
pub struct IndexWriter<'s> {
    lang: String,
    docs: Vec<SearchDoc>,
    states: Vec<StateSpellings>,
    chunk: u32,
    stem: Stemmer<'s>,
    /// Folded word of the texts → its stem's id; a word's stem is decided by its first
    /// occurrence, so that a word always leads to one stem holding every occurrence of it.
    words: WordMap<u32>,
    stem_ids: WordMap<u32>,
    stems: Vec<Box<str>>,
    postings: Vec<StemPostings>,
    arena: Arena,
    /// One entry's postings for one stem, encoded before they go into the arena.
    scratch: Vec<u8>,
    /// The records of `meta.bin`'s entries, written as they come ([`EntryWriter`]).
    entries: u32,
    entry_bytes: Vec<u8>,
    entry_writer: EntryWriter,
    total_len: u64,
    /// The stems of the entry being added, in the order they first occur, and for each its
    /// positions (`lists[k]` for `touched[k]`); `mark[stem]` is the entry number plus one when
    /// the stem is in `touched`, with its place there in `slot[stem]`. Grouping by stem this way
    /// costs a step per token, where sorting the entry's (stem, position) pairs cost a sort.
    touched: Vec<u32>,
    lists: Vec<Vec<u32>>,
    mark: Vec<u32>,
    slot: Vec<u32>,
    /// The excerpt records of the current file, and how many.
    excerpt_buf: Vec<u8>,
    excerpt_count: u32,
}

impl<'s> IndexWriter<'s> {
    pub fn new(
        lang: &str,
        docs: Vec<SearchDoc>,
        states: Vec<StateSpellings>,
        chunk: u32,
        stem: Stemmer<'s>,
    ) -> Self {
        IndexWriter {
            lang: lang.to_string(),
            docs,
            states,
            chunk: chunk.max(1),
            stem,
            words: WordMap::default(),
            stem_ids: WordMap::default(),
            stems: Vec::new(),
            postings: Vec::new(),
            arena: Arena::default(),
            scratch: Vec::new(),
            entries: 0,
            entry_bytes: Vec::new(),
            entry_writer: EntryWriter::default(),
            total_len: 0,
            touched: Vec::new(),
            lists: Vec::new(),
            mark: Vec::new(),
            slot: Vec::new(),
            excerpt_buf: Vec::new(),
            excerpt_count: 0,
        }
    }

    /// The number of entries added so far (the next entry's number).
    pub fn len(&self) -> usize {
        self.entries as usize
    }

    pub fn is_empty(&self) -> bool {
        self.entries == 0
    }

    /// Adds the next entry.
    pub fn add(&mut self, e: &EntryInput, out: &mut dyn FnMut(String, Vec<u8>)) {
        self.add_parts(
            e.kind, e.doc, e.reply, &e.url, &e.context, &e.title, &e.text, out,
        );
    }

    /// Adds the next entry, given by its parts (no owned copy needed).
    #[allow(clippy::too_many_arguments)]
    pub fn add_parts(
        &mut self,
        kind: EntryKind,
        doc: u16,
        reply: bool,
        url: &str,
        context: &str,
        title: &str,
        text: &str,
        out: &mut dyn FnMut(String, Vec<u8>),
    ) {
        let i = self.entries;
        let mut len = 0u32;
        self.touched.clear();
        for (field, base) in [(text, 0u32), (title, TITLE_BASE)] {
            let mut pos = base;
            let mut first = true;
            for_each_token(field, |term, range, tkind| {
                if tkind == TokenKind::Word {
                    if !first {
                        pos += 1;
                    }
                    first = false;
                    if base == 0 {
                        len += 1;
                    }
                }
                let s = self.stem_of(term, &field[range], tkind) as usize;
                if self.mark[s] != i + 1 {
                    self.mark[s] = i + 1;
                    self.slot[s] = self.touched.len() as u32;
                    if self.lists.len() == self.touched.len() {
                        self.lists.push(Vec::new());
                    }
                    self.lists[self.touched.len()].clear();
                    self.touched.push(s as u32);
                }
                let list = &mut self.lists[self.slot[s] as usize];
                if list.last() != Some(&pos) {
                    list.push(pos);
                }
            });
        }
        for (k, &s) in self.touched.iter().enumerate() {
            let list = &mut self.lists[k];
            // Positions come in order, unless a text has more words than `TITLE_BASE`.
            if !list.is_sorted() {
                list.sort_unstable();
                list.dedup();
            }
            let p = &mut self.postings[s as usize];
            let delta = if p.entries == 0 { i } else { i - p.last };
            self.scratch.clear();
            push_postings(&mut self.scratch, delta, list.iter().copied());
            self.arena.append(&mut p.blocks, &self.scratch);
            p.last = i;
            p.entries += 1;
        }
        self.total_len += len as u64;
        let meta = EntryMeta {
            doc,
            kind,
            len,
            reply,
        };
        self.entry_writer
            .push(&mut self.entry_bytes, &meta, url, context);
        self.entries += 1;
        push_str(&mut self.excerpt_buf, text);
        self.excerpt_count += 1;
        if self.excerpt_count == self.chunk {
            self.flush_excerpts(out);
        }
    }

    /// The stem id of a term, deciding it on the term's first occurrence.
    fn stem_of(&mut self, term: &str, written: &str, kind: TokenKind) -> u32 {
        if let Some(&s) = self.words.get(term) {
            return s;
        }
        let alphabetic = term.chars().all(char::is_alphabetic);
        let stemmed = if alphabetic && kind == TokenKind::Word {
            (self.stem)(written, term).filter(|s| !s.is_empty())
        } else {
            None
        };
        let stem = stemmed.as_deref().unwrap_or(term);
        let s = match self.stem_ids.get(stem) {
            Some(&s) => s,
            None => {
                let s = self.stems.len() as u32;
                self.stems.push(stem.into());
                self.stem_ids.insert(stem.into(), s);
                self.postings.push(StemPostings::default());
                self.mark.push(0);
                self.slot.push(0);
                s
            }
        };
        self.words.insert(term.into(), s);
        s
    }

    fn flush_excerpts(&mut self, out: &mut dyn FnMut(String, Vec<u8>)) {
        if self.excerpt_count == 0 {
            return;
        }
        let first = self.entries - self.excerpt_count;
        let mut bytes = Vec::with_capacity(self.excerpt_buf.len() + 12);
        Excerpts::write_head(&mut bytes, first, self.excerpt_count);
        bytes.extend_from_slice(&self.excerpt_buf);
        out(excerpt_file(first, self.chunk), bytes);
        self.excerpt_buf.clear();
        self.excerpt_count = 0;
    }

    /// Writes the last excerpt file, the shards and `meta.bin`.
    pub fn finish(mut self, out: &mut dyn FnMut(String, Vec<u8>)) {
        self.flush_excerpts(out);
        // Words grouped by key; each shard carries the postings of its words' stems.
        let mut by_key: BTreeMap<&str, Vec<(&str, u32)>> = BTreeMap::new();
        for (w, &s) in &self.words {
            by_key.entry(shard_key(w)).or_default().push((w, s));
        }
        let mut keys = Vec::with_capacity(by_key.len());
        for (key, mut words) in by_key {
            words.sort_unstable();
            // Local stem numbers, in the order the sorted words first name them.
            let mut local: Vec<u32> = Vec::new();
            let mut local_ix: HashMap<u32, u32> = HashMap::new();
            let word_ix: Vec<u32> = words
                .iter()
                .map(|(_, s)| {
                    *local_ix.entry(*s).or_insert_with(|| {
                        local.push(*s);
                        local.len() as u32 - 1
                    })
                })
                .collect();
            let named: Vec<(&str, u32)> = words.iter().map(|w| w.0).zip(word_ix).collect();
            let mut bytes = Vec::new();
            Shard::write_head(&mut bytes, key, &named);
            push_varint(&mut bytes, local.len() as u32);
            for &s in &local {
                let p = &self.postings[s as usize];
                push_str(&mut bytes, &self.stems[s as usize]);
                push_varint(&mut bytes, p.entries);
                for run in self.arena.bytes(&p.blocks) {
                    bytes.extend_from_slice(run);
                }
            }
            out(shard_file(key), bytes);
            keys.push(key.to_string());
        }
        let n = self.entries;
        let avg_len = if n == 0 {
            0.0
        } else {
            self.total_len as f32 / n as f32
        };
        let mut meta = Vec::with_capacity(self.entry_bytes.len() + 4096);
        Meta::write_head(&mut meta, &self.lang, &self.docs);
        push_varint(&mut meta, n);
        meta.extend_from_slice(&self.entry_bytes);
        Meta::write_tail(&mut meta, avg_len, &keys, self.chunk, &self.states);
        out("meta.bin".into(), meta);
    }
}

/// Articles and elisions that `states.toml` spellings may start with (`l'Albanie`,
/// `la Confédération suisse`): the name without them is the spelling a reader types.
const ARTICLES: &[&str] = &["l", "la", "le", "les", "d", "de", "du", "des", "the"];

/// A State's spellings as the query parser matches them: each name folded into its terms,
/// leading article dropped.
pub fn spellings<'a>(names: impl IntoIterator<Item = &'a str>) -> StateSpellings {
    let mut spellings: Vec<Vec<String>> = Vec::new();
    for name in names {
        let mut t = super::tokenize::terms(name);
        while t.len() > 1 && ARTICLES.contains(&t[0].as_str()) {
            t.remove(0);
        }
        if !t.is_empty() && !spellings.contains(&t) {
            spellings.push(t);
        }
    }
    StateSpellings { spellings }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str, title: &str) -> EntryInput {
        EntryInput {
            kind: EntryKind::Paragraph,
            doc: 0,
            reply: false,
            url: format!("/fr/d/#{}", text.len()),
            context: "Section".into(),
            title: title.into(),
            text: text.into(),
        }
    }

    fn shard<'a>(b: &'a Built, key: &str) -> &'a Shard {
        b.shards.iter().find(|s| s.key == key).expect(key)
    }

    #[test]
    fn every_byte_of_a_word_and_its_length_change_its_hash() {
        let hash = |bytes: &[u8]| {
            let mut h = WordHasher::default();
            h.write(bytes);
            h.finish()
        };
        for n in 0..40u8 {
            let word: Vec<u8> = (0..n).map(|k| b'a' + k % 26).collect();
            let h = hash(&word);
            let mut longer = word.clone();
            longer.push(b'a');
            assert_ne!(h, hash(&longer), "length {n}");
            for k in 0..word.len() {
                let mut other = word.clone();
                other[k] ^= 1;
                assert_ne!(h, hash(&other), "byte {k} of {n}");
            }
        }
    }

    #[test]
    fn postings_come_back_as_written_by_entry_and_position() {
        // Entry 0: "vote"(0) "votes"(1) "pour"(2), title "Vote"(TITLE_BASE);
        // entry 1: "pour"(0); 130 filler entries, then "vote" again in entry 132, so that
        // entry numbers and positions need several varint bytes.
        let mut entries = vec![para("vote votes pour", "Vote"), para("pour", "")];
        entries.extend((0..130).map(|_| para("rien", "")));
        entries.push(para("x x x x vote", ""));
        let toy = |_: &str, folded: &str| folded.strip_suffix('s').map(str::to_string);
        let b = build("fr", vec![], vec![], &entries, 16, &toy);

        let vo = shard(&b, "vo");
        assert_eq!(vo.words, vec![("vote".into(), 0), ("votes".into(), 0)]);
        assert_eq!(vo.stems.len(), 1);
        assert_eq!(vo.stems[0].stem, "vote");
        assert_eq!(vo.stems[0].entries, vec![0, 132]);
        assert_eq!(vo.stems[0].positions, vec![vec![0, 1, TITLE_BASE], vec![4]]);
        let po = shard(&b, "po");
        assert_eq!(po.stems[0].entries, vec![0, 1]);
        assert_eq!(po.stems[0].positions, vec![vec![2], vec![0]]);
        assert_eq!(b.meta.entries.len(), 133);
        assert_eq!(b.meta.entries[0].len, 3);
        // Words of the texts (not of the titles): 3 + 1 + 130 + 5 over 133 entries.
        assert_eq!(b.meta.avg_len, 139.0 / 133.0);
        assert_eq!(b.meta.shards, ["po", "ri", "vo", "x"]);
        for s in &b.shards {
            s.check(133).unwrap();
        }
    }

    #[test]
    fn a_text_longer_than_the_title_base_still_has_its_positions_in_order() {
        // "x" is word TITLE_BASE + 1 of the text and word 0 of the title (position TITLE_BASE):
        // the title's position comes second but is the smaller.
        let mut text = "w ".repeat(TITLE_BASE as usize + 1);
        text.push('x');
        let b = build("fr", vec![], vec![], &[para(&text, "x")], 16, &|_, _| None);
        let x = shard(&b, "x");
        assert_eq!(x.stems[0].positions, vec![vec![TITLE_BASE, TITLE_BASE + 1]]);
        x.check(1).unwrap();
    }

    #[test]
    fn chains_in_the_arena_give_back_their_bytes_in_order_across_blocks_and_pages() {
        // Three chains appended to in turn with runs of 1 to 200 bytes, 3 MB in all: blocks
        // fill and double up to the largest size, and pages run out.
        let mut arena = Arena::default();
        let mut chains: Vec<Vec<Block>> = vec![Vec::new(); 3];
        let mut expected: Vec<Vec<u8>> = vec![Vec::new(); 3];
        let mut seed = 7u32;
        let mut total = 0;
        while total < 3 * PAGE {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let chain = (seed >> 16) as usize % 3;
            let n = 1 + (seed >> 8) as usize % 200;
            let run: Vec<u8> = (0..n).map(|k| (seed as usize + k) as u8).collect();
            arena.append(&mut chains[chain], &run);
            expected[chain].extend_from_slice(&run);
            total += n;
        }
        // Pages fill up to their size and no further: 3 MB and a little waste in 4 pages.
        assert!(
            (3..=4).contains(&arena.pages.len()),
            "{} pages",
            arena.pages.len()
        );
        assert!(arena.pages.iter().all(|p| p.len() <= PAGE));
        for (blocks, want) in chains.iter().zip(&expected) {
            assert!(blocks.iter().any(|b| b.cap == MAX_BLOCK));
            let got: Vec<u8> = arena.bytes(blocks).flatten().copied().collect();
            assert_eq!(&got, want);
        }
    }

    #[test]
    fn excerpts_are_cut_into_files_of_chunk_entries_in_order() {
        let entries: Vec<EntryInput> = (0..5).map(|i| para(&format!("mot{i}"), "")).collect();
        let b = build("fr", vec![], vec![], &entries, 2, &|_, _| None);
        let firsts: Vec<u32> = b.excerpts.iter().map(|x| x.first).collect();
        assert_eq!(firsts, [0, 2, 4]);
        assert_eq!(b.excerpts[1].texts[1], "mot3");
        assert_eq!(b.excerpts[2].texts.len(), 1);
        // URL and context are in the metadata, for every entry.
        assert_eq!(b.meta.contexts.get(4), "Section");
        assert_eq!(b.meta.urls.get(3), "/fr/d/#4");
        assert_eq!(b.meta.urls.len(), 5);
    }
}
