//! Builds the search index files from entries (used by `site-gen`; here so that the writer
//! shares the tokeniser and the model with the reader, and so that the engine's tests build
//! real indexes).

use super::model::*;
use super::tokenize::{for_each_token, TokenKind};
use std::collections::{BTreeMap, HashMap};

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

/// The files of one language's index.
#[derive(Debug, Clone)]
pub struct Built {
    pub meta: Meta,
    pub shards: Vec<Shard>,
    pub excerpts: Vec<Excerpts>,
}

impl Built {
    /// Every file, with its name under `data/search/<lang>/`.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = vec![("meta.bin".to_string(), self.meta.to_bytes())];
        for s in &self.shards {
            out.push((shard_file(&s.key), s.to_bytes()));
        }
        for x in &self.excerpts {
            out.push((excerpt_file(x.first, self.meta.chunk), x.to_bytes()));
        }
        out
    }
}

/// The stem of a word: `stem(original, folded)` gets the word as written and as folded and
/// returns the folded stem (or `None` to index the word as it is).
pub type Stemmer<'a> = &'a dyn Fn(&str, &str) -> Option<String>;

/// Indexes `entries` (in the order given, which is the ranking's tie-break).
pub fn build(
    lang: &str,
    docs: Vec<SearchDoc>,
    states: Vec<StateSpellings>,
    entries: &[EntryInput],
    chunk: u32,
    stem: Stemmer,
) -> Built {
    // folded word → stem; a word's stem is decided by its first occurrence, so that a word
    // always leads to one stem whose postings hold every occurrence of the word.
    let mut word_stem: HashMap<String, String> = HashMap::new();
    let mut postings: HashMap<String, (Vec<u32>, Vec<Vec<u32>>)> = HashMap::new();
    let mut metas = Vec::with_capacity(entries.len());
    let mut total_len: u64 = 0;
    for (i, e) in entries.iter().enumerate() {
        let i = i as u32;
        let mut len = 0u32;
        for (text, base) in [(&e.text, 0u32), (&e.title, TITLE_BASE)] {
            let mut pos = base;
            let mut first = true;
            for_each_token(text, |term, range, kind| {
                if kind == TokenKind::Word {
                    if !first {
                        pos += 1;
                    }
                    first = false;
                    if base == 0 {
                        len += 1;
                    }
                }
                let s = word_stem.entry(term.to_string()).or_insert_with(|| {
                    let alphabetic = term.chars().all(char::is_alphabetic);
                    let stemmed = if alphabetic && kind == TokenKind::Word {
                        stem(&text[range], term)
                    } else {
                        None
                    };
                    stemmed
                        .filter(|s| !s.is_empty())
                        .unwrap_or_else(|| term.to_string())
                });
                let (ents, pos_lists) = postings.entry(s.clone()).or_default();
                if ents.last() != Some(&i) {
                    ents.push(i);
                    pos_lists.push(Vec::new());
                }
                if let Some(p) = pos_lists.last_mut() {
                    if p.last() != Some(&pos) {
                        p.push(pos);
                    }
                }
            });
        }
        total_len += len as u64;
        metas.push(EntryMeta {
            doc: e.doc,
            kind: e.kind,
            len,
            reply: e.reply,
        });
    }

    // Words grouped by key; each shard carries the postings of its words' stems.
    let mut by_key: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (w, s) in word_stem {
        by_key
            .entry(shard_key(&w).to_string())
            .or_default()
            .push((w, s));
    }
    let mut shards = Vec::with_capacity(by_key.len());
    for (key, mut words) in by_key {
        words.sort();
        let mut stem_ix: BTreeMap<String, u32> = BTreeMap::new();
        for (_, s) in &words {
            let n = stem_ix.len() as u32;
            stem_ix.entry(s.clone()).or_insert(n);
        }
        let mut stems: Vec<Option<Postings>> = vec![None; stem_ix.len()];
        for (s, &ix) in &stem_ix {
            let (entries, positions) = postings[s].clone();
            stems[ix as usize] = Some(Postings {
                stem: s.clone(),
                entries,
                positions,
            });
        }
        shards.push(Shard {
            version: SEARCH_VERSION,
            key,
            words: words.into_iter().map(|(w, s)| (w, stem_ix[&s])).collect(),
            stems: stems.into_iter().flatten().collect(),
        });
    }

    let chunk = chunk.max(1);
    let excerpts = entries
        .chunks(chunk as usize)
        .enumerate()
        .map(|(n, part)| Excerpts {
            version: SEARCH_VERSION,
            first: n as u32 * chunk,
            excerpts: part
                .iter()
                .map(|e| Excerpt {
                    url: e.url.clone(),
                    context: e.context.clone(),
                    text: e.text.clone(),
                })
                .collect(),
        })
        .collect();
    let avg_len = if entries.is_empty() {
        0.0
    } else {
        total_len as f32 / entries.len() as f32
    };
    Built {
        meta: Meta {
            version: SEARCH_VERSION,
            lang: lang.to_string(),
            docs,
            entries: metas,
            avg_len,
            shards: shards.iter().map(|s| s.key.clone()).collect(),
            chunk,
            states,
        },
        shards,
        excerpts,
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
