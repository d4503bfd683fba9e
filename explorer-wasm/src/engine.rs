//! Filtering and facet counts over an [`Index`].
//!
//! OR within a facet, AND across facets. State, group and relation apply to the row's State;
//! document, topic and stance to the row itself. Facet counts follow the usual "other filters
//! applied" rule: the count of a value is the number of rows that would match if that facet's
//! selection were replaced by that value alone, so a user sees what each click would give.
//!
//! Everything a query touches is precomputed into small arrays when the engine is built, so a
//! query is one pass over `rows × 8 bytes`, plus, for free text, the rows of the words that
//! start with each query word. That word index is the one costly part to build (every quote
//! is split and folded), so it is built after the first view, in slices, or by the first text
//! query if that comes sooner.

use std::cell::RefCell;

use crate::fold;
use crate::model::Index;

/// Number of facets.
pub const FACETS: usize = 6;

/// A filterable dimension of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facet {
    State,
    Group,
    Relation,
    Document,
    Topic,
    Stance,
}

impl Facet {
    pub const ALL: [Facet; FACETS] = [
        Facet::State,
        Facet::Group,
        Facet::Relation,
        Facet::Document,
        Facet::Topic,
        Facet::Stance,
    ];

    /// The key used in URLs, in form field names and in `data-facet`.
    pub fn key(self) -> &'static str {
        match self {
            Facet::State => "state",
            Facet::Group => "group",
            Facet::Relation => "relation",
            Facet::Document => "doc",
            Facet::Topic => "topic",
            Facet::Stance => "stance",
        }
    }

    pub fn from_key(key: &str) -> Option<Facet> {
        Facet::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// Selected values per facet (each sorted, without duplicates) and a free-text query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    sel: [Vec<u16>; FACETS],
    pub text: String,
}

impl Query {
    pub fn selected(&self, facet: Facet) -> &[u16] {
        &self.sel[facet as usize]
    }

    pub fn is_selected(&self, facet: Facet, value: u16) -> bool {
        self.sel[facet as usize].binary_search(&value).is_ok()
    }

    /// Selects or deselects one value; returns whether the query changed.
    pub fn set(&mut self, facet: Facet, value: u16, on: bool) -> bool {
        let values = &mut self.sel[facet as usize];
        match (values.binary_search(&value), on) {
            (Err(at), true) => values.insert(at, value),
            (Ok(at), false) => {
                values.remove(at);
            }
            _ => return false,
        }
        true
    }

    pub fn clear_facet(&mut self, facet: Facet) {
        self.sel[facet as usize].clear();
    }

    /// True when nothing is selected and the text has no word.
    pub fn is_empty(&self) -> bool {
        self.sel.iter().all(Vec::is_empty) && fold::words(&self.text).is_empty()
    }
}

/// The rows matching a query (index order) and the count of every value of every facet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Results {
    pub rows: Vec<u32>,
    pub counts: [Vec<u32>; FACETS],
}

impl Results {
    pub fn count(&self, facet: Facet, value: u16) -> u32 {
        self.counts[facet as usize]
            .get(value as usize)
            .copied()
            .unwrap_or(0)
    }
}

/// Bit of each facet (and of the text filter) in a row's failure mask.
const TEXT_BIT: u8 = 1 << FACETS;

/// The index plus everything that makes a query one cheap pass over the rows.
pub struct Engine {
    index: Index,
    /// Per row: State, document, topic, stance; a missing topic or stance is the value one past
    /// the last, so failure tables can be indexed without a branch.
    rows: Vec<[u16; 4]>,
    /// The free-text word index, built after the first view (see [`Engine::index_words`]).
    words: RefCell<Words>,
    /// Text filter of the last query, reused while only facets change.
    text_cache: RefCell<Option<(Vec<String>, Vec<bool>)>>,
}

/// The word index, being built or ready.
enum Words {
    Building(WordsBuilder),
    Ready(WordIndex),
}

/// Words seen so far, each with the rows that contain it, and the next row to read.
#[derive(Default)]
struct WordsBuilder {
    next_row: usize,
    ids: Interner,
    /// Per word id (first-seen order): the rows containing it, ascending, each once.
    postings: Vec<Vec<u32>>,
}

/// Sorted, deduplicated folded words of every quote and note, each with its rows: the words
/// that start with a given prefix are one contiguous range.
struct WordIndex {
    vocab: Vec<(Box<str>, Vec<u32>)>,
}

impl WordsBuilder {
    /// Reads the quotes and notes of up to `n` more rows.
    fn read(&mut self, index: &Index, n: usize) {
        let end = self.next_row.saturating_add(n).min(index.rows.len());
        let mut buf = String::new();
        for row in self.next_row..end {
            for text in [index.rows.quote(row), index.rows.note(row)] {
                fold::for_each_word(text, &mut buf, |w| {
                    let id = self.ids.id(w) as usize;
                    if id == self.postings.len() {
                        self.postings.push(Vec::new());
                    }
                    let rows = &mut self.postings[id];
                    // Rows are read in order, so a repeated word in the row is the last entry.
                    if rows.last() != Some(&(row as u32)) {
                        rows.push(row as u32);
                    }
                });
            }
        }
        self.next_row = end;
    }

    fn finish(self) -> WordIndex {
        let mut vocab: Vec<(Box<str>, Vec<u32>)> =
            self.ids.words.into_iter().zip(self.postings).collect();
        heap_sort_by(&mut vocab, |a, b| a.0 < b.0);
        WordIndex { vocab }
    }
}

impl Engine {
    /// Ready to filter by facets at once; the word index for free text is built on demand or in
    /// slices through [`Engine::index_words`], so it never delays the first view.
    pub fn new(index: Index) -> Engine {
        let topic_none = index.topics.len() as u16;
        let stance_none = index.stances.len() as u16;
        let rows = index
            .rows
            .facet_values()
            .map(|(s, d, t, st)| [s, d, t.unwrap_or(topic_none), st.unwrap_or(stance_none)])
            .collect();
        Engine {
            index,
            rows,
            words: RefCell::new(Words::Building(WordsBuilder::default())),
            text_cache: RefCell::new(None),
        }
    }

    /// Adds up to `rows` more rows to the word index; true once it is complete.
    pub fn index_words(&self, rows: usize) -> bool {
        let mut words = self.words.borrow_mut();
        let Words::Building(builder) = &mut *words else {
            return true;
        };
        builder.read(&self.index, rows);
        if builder.next_row < self.index.rows.len() {
            return false;
        }
        let builder = std::mem::take(builder);
        *words = Words::Ready(builder.finish());
        true
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// Number of values of a facet.
    pub fn len(&self, facet: Facet) -> usize {
        let i = &self.index;
        match facet {
            Facet::State => i.states.len(),
            Facet::Group => i.groups.len(),
            Facet::Relation => i.relations.len(),
            Facet::Document => i.documents.len(),
            Facet::Topic => i.topics.len(),
            Facet::Stance => i.stances.len(),
        }
    }

    /// Stable id of a value (as in URLs and exports).
    pub fn id(&self, facet: Facet, value: u16) -> &str {
        self.id_label(facet, value).0
    }

    /// Label of a value in the index's language.
    pub fn label(&self, facet: Facet, value: u16) -> &str {
        self.id_label(facet, value).1
    }

    fn id_label(&self, facet: Facet, value: u16) -> (&str, &str) {
        let i = &self.index;
        let v = value as usize;
        let found = match facet {
            Facet::State => i.states.get(v).map(|s| (s.id.as_str(), s.name.as_str())),
            Facet::Group => i.groups.get(v).map(|l| (l.id.as_str(), l.label.as_str())),
            Facet::Relation => i
                .relations
                .get(v)
                .map(|l| (l.id.as_str(), l.label.as_str())),
            Facet::Document => i
                .documents
                .get(v)
                .map(|d| (d.id.as_str(), d.label.as_str())),
            Facet::Topic => i.topics.get(v).map(|l| (l.id.as_str(), l.label.as_str())),
            Facet::Stance => i.stances.get(v).map(|l| (l.id.as_str(), l.label.as_str())),
        };
        found.unwrap_or(("", ""))
    }

    /// The value with this stable id.
    pub fn find(&self, facet: Facet, id: &str) -> Option<u16> {
        (0..self.len(facet) as u16).find(|v| self.id(facet, *v) == id)
    }

    pub fn run(&self, query: &Query) -> Results {
        let index = &self.index;
        let sel = |f: Facet| query.selected(f);
        let fails = |f: Facet, v: u16| !sel(f).is_empty() && !query.is_selected(f, v);
        let bit = |f: Facet| 1u8 << f as u8;

        // State-level failures: State, group, relation (any of the State's relations).
        let state_fail: Vec<u8> = index
            .states
            .iter()
            .enumerate()
            .map(|(s, st)| {
                let mut m = 0;
                if fails(Facet::State, s as u16) {
                    m |= bit(Facet::State);
                }
                if fails(Facet::Group, st.group) {
                    m |= bit(Facet::Group);
                }
                let rel = sel(Facet::Relation);
                if !rel.is_empty() && !st.relations.iter().any(|r| rel.binary_search(r).is_ok()) {
                    m |= bit(Facet::Relation);
                }
                m
            })
            .collect();
        // Row-level tables; the extra last entry is "no topic" / "no stance", which fails as
        // soon as either of those facets is constrained (facts carry no stance).
        let table = |f: Facet, n: usize, none_fails: bool| -> Vec<u8> {
            let mut t: Vec<u8> = (0..n as u16)
                .map(|v| if fails(f, v) { bit(f) } else { 0 })
                .collect();
            t.push(if none_fails { bit(f) } else { 0 });
            t
        };
        let coded = !sel(Facet::Topic).is_empty() || !sel(Facet::Stance).is_empty();
        let doc_fail = table(Facet::Document, index.documents.len(), false);
        let topic_fail = table(Facet::Topic, index.topics.len(), coded);
        let stance_fail = table(Facet::Stance, index.stances.len(), coded);

        let mut cache = self.text_cache.borrow_mut();
        let text_ok = self.text_filter(&query.text, &mut cache);

        // Per-State tallies of full matches and of rows failing only one State-level facet;
        // they are spread over groups and relations at the end, once per State, not per row.
        let n_states = index.states.len();
        let mut full = vec![0u32; n_states];
        let mut only = [
            vec![0u32; n_states],
            vec![0u32; n_states],
            vec![0u32; n_states],
        ];
        let mut counts: [Vec<u32>; FACETS] = Facet::ALL.map(|f| vec![0u32; self.len(f) + 1]);
        // Reserved up front: growing by doubling costs more than the pass itself on broad queries.
        let mut rows = Vec::with_capacity(self.rows.len());
        for (i, &[s, d, t, st]) in self.rows.iter().enumerate() {
            let mut mask = state_fail[s as usize]
                | doc_fail[d as usize]
                | topic_fail[t as usize]
                | stance_fail[st as usize];
            if let Some(ok) = text_ok {
                if !ok[i] {
                    mask |= TEXT_BIT;
                }
            }
            if mask == 0 {
                rows.push(i as u32);
                full[s as usize] += 1;
                counts[Facet::Document as usize][d as usize] += 1;
                counts[Facet::Topic as usize][t as usize] += 1;
                counts[Facet::Stance as usize][st as usize] += 1;
            } else if mask.is_power_of_two() && mask != TEXT_BIT {
                let f = mask.trailing_zeros() as usize;
                let v = [s, s, s, d, t, st][f] as usize;
                if f < 3 {
                    only[f][s as usize] += 1;
                } else {
                    counts[f][v] += 1;
                }
            }
        }
        for (s, st) in index.states.iter().enumerate() {
            counts[Facet::State as usize][s] += full[s] + only[0][s];
            counts[Facet::Group as usize][st.group as usize] += full[s] + only[1][s];
            for r in &st.relations {
                counts[Facet::Relation as usize][*r as usize] += full[s] + only[2][s];
            }
        }
        for c in &mut counts {
            c.pop(); // the "no value" slot
        }
        Results { rows, counts }
    }

    /// Which rows pass the text filter, or `None` when the text has no word.
    fn text_filter<'c>(
        &self,
        text: &str,
        cache: &'c mut Option<(Vec<String>, Vec<bool>)>,
    ) -> Option<&'c [bool]> {
        let terms = fold::words(text);
        if terms.is_empty() {
            return None;
        }
        if cache.as_ref().is_none_or(|(k, _)| *k != terms) {
            let ok = self.match_words(&terms);
            *cache = Some((terms, ok));
        }
        cache.as_ref().map(|(_, ok)| ok.as_slice())
    }

    /// Rows in which every term starts some word of the quote or note. The first text query
    /// completes the word index if the background slices have not yet.
    fn match_words(&self, terms: &[String]) -> Vec<bool> {
        self.index_words(usize::MAX);
        let words = self.words.borrow();
        let Words::Ready(WordIndex { vocab }) = &*words else {
            return vec![false; self.rows.len()];
        };
        // hits[row] = how many of the terms so far the row matched; a row reaches k + 1 only
        // from k, so several words under one prefix count once. 32 bits: a query may hold more
        // than 65 535 distinct words, and a 16-bit count would wrap to no match at all.
        let mut hits = vec![0u32; self.rows.len()];
        for (k, term) in terms.iter().enumerate() {
            // The words starting with `term` form one range of the sorted vocabulary.
            let lo = vocab.partition_point(|(w, _)| **w < **term);
            let len = vocab[lo..].partition_point(|(w, _)| w.starts_with(term.as_str()));
            for (_, rows) in &vocab[lo..lo + len] {
                for &row in rows {
                    let h = &mut hits[row as usize];
                    if *h as usize == k {
                        *h += 1;
                    }
                }
            }
        }
        hits.iter().map(|h| *h as usize == terms.len()).collect()
    }
}

/// Word → id in first-seen order: open addressing with FNV-1a, a few hundred bytes of
/// WebAssembly where `HashMap` (SipHash and hashbrown) costs several kilobytes.
#[derive(Default)]
struct Interner {
    words: Vec<Box<str>>,
    /// `id + 1` of the word hashed there, 0 when free; the length is a power of two.
    slots: Vec<u32>,
}

impl Interner {
    fn id(&mut self, word: &str) -> u32 {
        if (self.words.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let slot = self.find(word);
        match self.slots[slot] {
            0 => {
                self.words.push(word.into());
                self.slots[slot] = self.words.len() as u32;
                self.words.len() as u32 - 1
            }
            id => id - 1,
        }
    }

    /// The slot holding `word`, or the free slot where it belongs.
    fn find(&self, word: &str) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = fnv1a(word) & mask;
        loop {
            match self.slots[i] {
                0 => return i,
                id if *self.words[id as usize - 1] == *word => return i,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn grow(&mut self) {
        self.slots = vec![0; (self.slots.len() * 2).max(256)];
        for id in 0..self.words.len() {
            let slot = self.find(&self.words[id]);
            self.slots[slot] = id as u32 + 1;
        }
    }
}

fn fnv1a(s: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h = (h ^ b as u32).wrapping_mul(0x0100_0193);
    }
    h as usize
}

/// Heapsort: O(n log n) in a few hundred bytes of WebAssembly, where each instantiation of the
/// standard library's sorts costs several kilobytes.
fn heap_sort_by<T>(v: &mut [T], less: impl Fn(&T, &T) -> bool) {
    let sift = |v: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(&v[child], &v[child + 1]) {
            child += 1;
        }
        if !less(&v[root], &v[child]) {
            break;
        }
        v.swap(root, child);
        root = child;
    };
    let n = v.len();
    for i in (0..n / 2).rev() {
        sift(v, i, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::heap_sort_by;

    #[test]
    fn interner_gives_stable_first_seen_ids() {
        let mut i = super::Interner::default();
        let words: Vec<String> = (0..1000).map(|n| format!("w{}", n % 300)).collect();
        let ids: Vec<u32> = words.iter().map(|w| i.id(w)).collect();
        assert_eq!(i.words.len(), 300);
        assert!(ids
            .iter()
            .enumerate()
            .all(|(n, id)| *id == (n % 300) as u32));
    }

    #[test]
    fn a_query_selects_deselects_and_knows_when_it_is_empty() {
        use super::{Facet, Query};
        let mut q = Query::default();
        assert!(q.is_empty());
        assert!(q.set(Facet::Topic, 3, true));
        assert!(q.set(Facet::Topic, 1, true));
        assert!(
            !q.set(Facet::Topic, 3, true),
            "selecting twice changes nothing"
        );
        assert_eq!(q.selected(Facet::Topic), &[1, 3]);
        assert!(!q.is_empty());
        assert!(q.set(Facet::Topic, 3, false));
        assert!(
            !q.set(Facet::Topic, 3, false),
            "deselecting twice changes nothing"
        );
        assert_eq!(q.selected(Facet::Topic), &[1]);
        q.clear_facet(Facet::Topic);
        assert!(q.is_empty());
        q.text = " , ".into();
        assert!(q.is_empty(), "text without a word is no filter");
        q.text = "cyber".into();
        assert!(!q.is_empty(), "a word is a filter");
    }

    #[test]
    fn the_interner_hash_is_fnv_1a() {
        // The published 32-bit FNV-1a values; "" is the offset basis.
        assert_eq!(super::fnv1a(""), 0x811c_9dc5);
        assert_eq!(super::fnv1a("a"), 0xe40c_292c);
        assert_eq!(super::fnv1a("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn heap_sort_sorts() {
        for n in 0..40u32 {
            let mut v: Vec<u32> = (0..n).map(|i| i.wrapping_mul(2_654_435_761) % 17).collect();
            let mut expected = v.clone();
            expected.sort();
            heap_sort_by(&mut v, |a, b| a < b);
            assert_eq!(v, expected);
        }
    }
}
