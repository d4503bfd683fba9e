//! Query parsing, ranking and snippets over one language's index (plain Rust, tested natively).
//!
//! A query is a list of clauses, all required. A clause is a set of alternatives, any of which
//! matches; an alternative is a phrase (one term or more, consecutive in the text). A word is
//! a clause of one one-term phrase; `"exact phrase"` is a clause of one phrase; a State named
//! in any of its spellings is a clause with all of its spellings.
//!
//! Words are stemmed at index time only (the reader carries no stemmer): a query word that is
//! a word of the texts stands for every word with its stem; the last word, while it is typed,
//! also for every word it begins; a word the texts do not hold stands for the words that begin
//! with its longest prefix they do (four characters at least).
//!
//! Ranking is BM25 (k1 = 1.2, b = 0.75) per clause, plus a bonus when the clause is in the
//! entry's title field, times a boost for headings and page titles. Ties are broken by entry
//! number, which is the site's order (documents, then pages, States, topics), so that equal
//! scores always come out in the same order.

use super::model::{shard_key, EntryKind, Meta, Shard, StateSpellings, NO_DOC, TITLE_BASE};
use super::tokenize::{for_each_token, TokenKind};

/// Longer queries are cut here (a pasted page must not stall the page).
pub const MAX_QUERY_CHARS: usize = 256;
/// At most this many clauses are used.
pub const MAX_CLAUSES: usize = 12;

const K1: f32 = 1.2;
const B: f32 = 0.75;
const TITLE_BONUS: f32 = 1.5;
/// Weights of the ways a word can match: itself or a word with its stem; a word it begins;
/// a word that begins with a shorter prefix of it.
const W_EXACT: f32 = 1.0;
const W_PREFIX: f32 = 0.8;
const W_FALLBACK: f32 = 0.5;
const MIN_FALLBACK_CHARS: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// Phrases, each a list of folded terms.
    pub alts: Vec<Vec<String>>,
    /// The clause is the word being typed: it also matches the words it begins.
    pub prefix: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub clauses: Vec<Clause>,
}

/// Reads a query: words, `"phrases"` (an unpaired quote runs to the end), State spellings.
pub fn parse(q: &str, states: &[StateSpellings]) -> Query {
    let q = match q.char_indices().nth(MAX_QUERY_CHARS) {
        Some((i, _)) => q.get(..i).unwrap_or(q),
        None => q,
    };
    let mut clauses: Vec<Clause> = Vec::new();
    // (clause index, from plain words): only plain words are read as State spellings.
    let mut plain: Vec<bool> = Vec::new();
    for (i, part) in q.split('"').enumerate() {
        let quoted = i % 2 == 1;
        let mut terms = Vec::new();
        for_each_token(part, |t, _, k| {
            if k == TokenKind::Word {
                terms.push(t.to_string());
            }
        });
        if quoted {
            if !terms.is_empty() {
                clauses.push(Clause {
                    alts: vec![terms],
                    prefix: false,
                });
                plain.push(false);
            }
        } else {
            for t in terms {
                clauses.push(Clause {
                    alts: vec![vec![t]],
                    prefix: false,
                });
                plain.push(true);
            }
        }
    }
    // The last word is being typed unless the query ends with a space or a closing quote.
    let typing = q
        .chars()
        .last()
        .is_some_and(|c| !c.is_whitespace() && c != '"');
    if typing && plain.last() == Some(&true) {
        if let Some(c) = clauses.last_mut() {
            c.prefix = true;
        }
    }
    let mut clauses = with_states(clauses, &plain, states);
    clauses.truncate(MAX_CLAUSES);
    Query { clauses }
}

/// Replaces each run of plain words that spells a State (longest spelling first) by one
/// clause with all of that State's spellings.
fn with_states(clauses: Vec<Clause>, plain: &[bool], states: &[StateSpellings]) -> Vec<Clause> {
    let word = |i: usize| clauses[i].alts[0][0].as_str();
    let mut out = Vec::new();
    let mut i = 0;
    while i < clauses.len() {
        let mut best: Option<(usize, usize)> = None; // (length, state)
        if plain[i] {
            for (si, s) in states.iter().enumerate() {
                for sp in &s.spellings {
                    let n = sp.len();
                    let fits = n > 0
                        && i + n <= clauses.len()
                        && (i..i + n).all(|k| plain[k])
                        && sp.iter().enumerate().all(|(k, t)| word(i + k) == t);
                    if fits && best.is_none_or(|(len, _)| n > len) {
                        best = Some((n, si));
                    }
                }
            }
        }
        match best {
            Some((n, si)) => {
                let mut alts: Vec<Vec<String>> = Vec::new();
                for sp in &states[si].spellings {
                    if !alts.contains(sp) {
                        alts.push(sp.clone());
                    }
                }
                out.push(Clause {
                    alts,
                    prefix: false,
                });
                i += n;
            }
            None => {
                out.push(clauses[i].clone());
                i += 1;
            }
        }
    }
    out
}

impl Query {
    /// The shard keys the query needs, among those the index has (no repeats).
    pub fn shard_keys(&self, meta: &Meta) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for t in self.clauses.iter().flat_map(|c| c.alts.iter().flatten()) {
            let k = shard_key(t);
            if !keys.iter().any(|x| x == k) && meta.shards.iter().any(|x| x == k) {
                keys.push(k.to_string());
            }
        }
        keys
    }
}

/// A ranked entry. `lang` is the rank of its language among those searched (0 for one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub entry: u32,
    pub score: f32,
    pub lang: u8,
}

/// The ranking: score, then the language order asked for, then the site's order. Every pair of
/// hits differs in language or entry, so the order is total and the same on every run.
pub fn by_rank(a: &Hit, b: &Hit) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then(a.lang.cmp(&b.lang))
        .then(a.entry.cmp(&b.entry))
}

/// Restricts results to one document and/or to the States' replies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    pub doc: Option<u16>,
    pub replies_only: bool,
}

/// The result of a query over one language: ranked hits and the words of the texts that
/// matched (for highlighting).
#[derive(Debug, Clone, Default)]
pub struct Found {
    pub hits: Vec<Hit>,
    pub words: Vec<String>,
}

// The engine works on vectors sorted by entry rather than on maps: in WebAssembly each map
// type costs kilobytes of code, and these lists are built in entry order anyway.

/// One term's matches, by increasing entry: (entry, weight, positions).
type TermMatches = Vec<(u32, f32, Vec<u32>)>;

/// Per-entry scores, by increasing entry.
type Scores = Vec<(u32, f32)>;

/// The shard of `key` among those loaded.
fn shard<'a>(shards: &'a [Shard], key: &str) -> Option<&'a Shard> {
    shards.iter().find(|s| s.key == key)
}

/// Runs `query` on `meta` with the shards loaded so far (a missing shard matches nothing).
pub fn search(meta: &Meta, shards: &[Shard], query: &Query, filter: Filter) -> Found {
    let mut found = Found::default();
    if query.clauses.is_empty() {
        return found;
    }
    let n = meta.entries.len() as f32;
    let avg = meta.avg_len.max(1.0);
    let mut total: Option<Scores> = None;
    for clause in &query.clauses {
        let mut scores: Scores = Vec::new();
        for alt in &clause.alts {
            let last = alt.len() - 1;
            let per_term: Vec<TermMatches> = alt
                .iter()
                .enumerate()
                .map(|(k, t)| resolve(t, clause.prefix && k == last, shards, &mut found.words))
                .collect();
            let matches = phrase(&per_term);
            let df = matches.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let mut alt_scores: Scores = Vec::with_capacity(matches.len());
            for (entry, weight, body, title) in matches {
                let Some(e) = meta.entries.get(entry as usize) else {
                    continue;
                };
                let tf = body as f32;
                let norm = K1 * (1.0 - B + B * e.len as f32 / avg);
                let mut s = idf * tf * (K1 + 1.0) / (tf + norm);
                if title > 0 {
                    s += idf * TITLE_BONUS;
                }
                alt_scores.push((entry, s * weight));
            }
            scores = merge(&scores, &alt_scores, f32::max, true);
        }
        total = Some(match total {
            None => scores,
            Some(prev) => merge(&prev, &scores, |a, b| a + b, false),
        });
    }
    let mut hits: Vec<Hit> = total
        .unwrap_or_default()
        .into_iter()
        .filter(|(e, _)| {
            let m = &meta.entries[*e as usize];
            filter.doc.is_none_or(|d| m.doc == d && d != NO_DOC)
                && (!filter.replies_only || m.reply)
        })
        .map(|(entry, s)| Hit {
            entry,
            score: s * kind_boost(meta.entries[entry as usize].kind),
            lang: 0,
        })
        .collect();
    hits.sort_unstable_by(by_rank);
    found.hits = hits;
    found
}

/// Joins two score lists sorted by entry: the union (`union`) or the intersection, entries in
/// both combined with `f`.
fn merge(a: &[(u32, f32)], b: &[(u32, f32)], f: fn(f32, f32) -> f32, union: bool) -> Scores {
    let mut out = Vec::with_capacity(if union {
        a.len() + b.len()
    } else {
        a.len().min(b.len())
    });
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].0 == b[j].0 {
            out.push((a[i].0, f(a[i].1, b[j].1)));
            i += 1;
            j += 1;
        } else if a[i].0 < b[j].0 {
            if union {
                out.push(a[i]);
            }
            i += 1;
        } else {
            if union {
                out.push(b[j]);
            }
            j += 1;
        }
    }
    if union {
        out.extend_from_slice(&a[i..]);
        out.extend_from_slice(&b[j..]);
    }
    out
}

/// Two increasing lists of positions as one, without repeats.
fn merge_positions(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let x = match (a.get(i), b.get(j)) {
            (Some(&x), Some(&y)) if x <= y => {
                i += 1;
                if x == y {
                    j += 1;
                }
                x
            }
            (_, Some(&y)) => {
                j += 1;
                y
            }
            (Some(&x), None) => {
                i += 1;
                x
            }
            (None, None) => break,
        };
        out.push(x);
    }
    out
}

fn kind_boost(k: EntryKind) -> f32 {
    match k {
        EntryKind::Heading | EntryKind::Page => 1.5,
        EntryKind::Footnote => 0.8,
        EntryKind::Paragraph | EntryKind::TableRow => 1.0,
    }
}

/// Adds `w` to the words to highlight, once.
fn note_word(words: &mut Vec<String>, w: &str) {
    if !words.iter().any(|x| x == w) {
        words.push(w.to_string());
    }
}

/// The entries where a term matches, with its weight and positions, found in its shard.
fn resolve(term: &str, prefix: bool, shards: &[Shard], words: &mut Vec<String>) -> TermMatches {
    let Some(shard) = shard(shards, shard_key(term)) else {
        return Vec::new();
    };
    // (stem, weight), a handful at most.
    let mut stems: Vec<(u32, f32)> = Vec::new();
    let take = |from: &str, weight: f32, stems: &mut Vec<(u32, f32)>| {
        let start = shard.words.partition_point(|(w, _)| w.as_str() < from);
        for (w, s) in shard.words[start..]
            .iter()
            .take_while(|(w, _)| w.starts_with(from))
        {
            let exact = w == from;
            if exact || weight < W_EXACT {
                let wt = if exact { W_EXACT } else { weight };
                match stems.iter_mut().find(|x| x.0 == *s) {
                    Some(x) => x.1 = x.1.max(wt),
                    None => stems.push((*s, wt)),
                }
            }
        }
    };
    take(term, W_EXACT, &mut stems);
    // A one-character word would begin too many words to be worth a prefix.
    if prefix && term.chars().count() > 1 {
        take(term, W_PREFIX, &mut stems);
    }
    if stems.is_empty() {
        let chars: Vec<(usize, char)> = term.char_indices().collect();
        let mut k = chars.len();
        while stems.is_empty() && k > MIN_FALLBACK_CHARS {
            k -= 1;
            take(
                term.get(..chars[k].0).unwrap_or(term),
                W_FALLBACK,
                &mut stems,
            );
        }
    }
    // Every word with a matched stem is highlighted.
    for (w, s) in &shard.words {
        if stems.iter().any(|x| x.0 == *s) {
            note_word(words, w);
        }
    }
    let mut out: TermMatches = Vec::new();
    for (s, weight) in stems {
        let Some(p) = shard.stems.get(s as usize) else {
            continue;
        };
        let list: TermMatches = p
            .entries
            .iter()
            .zip(&p.positions)
            .map(|(e, pos)| (*e, weight, pos.clone()))
            .collect();
        out = if out.is_empty() {
            list
        } else {
            merge_matches(out, list)
        };
    }
    out
}

/// Two term match lists (sorted by entry) as one: the best weight, all positions.
fn merge_matches(a: TermMatches, b: TermMatches) -> TermMatches {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for x in a {
        while let Some(y) = b.next_if(|y| y.0 < x.0) {
            out.push(y);
        }
        match b.next_if(|y| y.0 == x.0) {
            Some(y) => out.push((x.0, x.1.max(y.1), merge_positions(&x.2, &y.2))),
            None => out.push(x),
        }
    }
    out.extend(b);
    out
}

/// Entries where the terms occur one after the other, by increasing entry: (entry, weight,
/// occurrences in the text, occurrences in the title field).
fn phrase(terms: &[TermMatches]) -> Vec<(u32, f32, u32, u32)> {
    let mut out = Vec::new();
    let Some((first, rest)) = terms.split_first() else {
        return out;
    };
    for (entry, w0, starts) in first {
        let mut weight = *w0;
        let mut others = Vec::with_capacity(rest.len());
        for t in rest {
            match t.binary_search_by_key(entry, |m| m.0) {
                Ok(i) => {
                    weight = weight.min(t[i].1);
                    others.push(&t[i].2);
                }
                Err(_) => break,
            }
        }
        if others.len() != rest.len() {
            continue;
        }
        let (mut body, mut title) = (0, 0);
        for &p in starts {
            let follows = others
                .iter()
                .enumerate()
                .all(|(k, pos)| pos.binary_search(&(p + k as u32 + 1)).is_ok());
            if follows {
                if p >= TITLE_BASE {
                    title += 1;
                } else {
                    body += 1;
                }
            }
        }
        if body + title > 0 {
            out.push((*entry, weight, body, title));
        }
    }
    out
}

/// A piece of a snippet: text, and whether it is a matched word.
pub type Segment = (String, bool);

/// Up to `max_tokens` tokens of `text` around its first matched word, split into plain and
/// highlighted pieces, with `…` where text was left out.
pub fn snippet(text: &str, words: &[String], max_tokens: usize) -> Vec<Segment> {
    let mut tokens: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    for_each_token(text, |t, r, kind| {
        let hit = words.iter().any(|w| w == t);
        match (kind, tokens.last_mut()) {
            // An alias shares its symbol's range: it only adds to its highlight.
            (TokenKind::Alias, Some(last)) => last.1 |= hit,
            _ => tokens.push((r, hit)),
        }
    });
    let first_hit = tokens.iter().position(|t| t.1).unwrap_or(0);
    let start = first_hit.saturating_sub(max_tokens / 4);
    let end = (start + max_tokens).min(tokens.len());
    let mut out: Vec<Segment> = Vec::new();
    let push = |s: &str, hl: bool, out: &mut Vec<Segment>| {
        if s.is_empty() {
            return;
        }
        match out.last_mut() {
            Some(last) if last.1 == hl => last.0.push_str(s),
            _ => out.push((s.to_string(), hl)),
        }
    };
    if tokens.is_empty() {
        push(text, false, &mut out);
        return out;
    }
    let mut at = if start == 0 { 0 } else { tokens[start].0.start };
    if start > 0 {
        push("… ", false, &mut out);
    }
    for (r, hl) in &tokens[start..end] {
        push(text.get(at..r.start).unwrap_or(""), false, &mut out);
        push(text.get(r.clone()).unwrap_or(""), *hl, &mut out);
        at = r.end;
    }
    if end == tokens.len() {
        push(text.get(at..).unwrap_or(""), false, &mut out);
    } else {
        push(" …", false, &mut out);
    }
    out
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;
