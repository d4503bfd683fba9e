//! wasm32 only: the search engine for `static/search.js`, which fetches the files and owns the
//! page. The module is the explorer's (one compiled module, cached once): this adds a
//! `SearchIndex` class that holds what was fetched and answers queries.

use crate::search::engine::{by_rank, parse, search, snippet, Filter, Hit};
use crate::search::model::{excerpt_file, shard_file, Excerpts, Meta, Shard};
use js_sys::Array;
use wasm_bindgen::prelude::*;

/// Words of context in a snippet.
const SNIPPET_TOKENS: usize = 36;

struct LangIndex {
    meta: Meta,
    shards: Vec<Shard>,
    excerpts: Vec<Excerpts>,
}

impl LangIndex {
    fn excerpts(&self, entry: u32) -> Option<&Excerpts> {
        let first = entry / self.meta.chunk * self.meta.chunk;
        self.excerpts.iter().find(|x| x.first == first)
    }
}

#[wasm_bindgen]
#[derive(Default)]
pub struct SearchIndex {
    langs: Vec<LangIndex>,
    /// The last query's hits, ranked; a hit's `lang` indexes `order`.
    hits: Vec<Hit>,
    /// The languages of the last query, as indices into `langs`, in the order asked for.
    order: Vec<usize>,
    words: Vec<String>,
}

fn err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

// The exported methods carry `//` comments and `skip_jsdoc`: wasm-bindgen copies doc comments
// and parameter types into the glue every page downloads (0.4 KB gzipped for this class).
#[wasm_bindgen]
impl SearchIndex {
    #[wasm_bindgen(constructor, skip_jsdoc)]
    pub fn new() -> SearchIndex {
        SearchIndex::default()
    }

    // Adds a language's `meta.bin`; returns its language code.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn add_meta(&mut self, bytes: &[u8]) -> Result<String, JsValue> {
        let meta = Meta::from_bytes(bytes).map_err(err)?;
        meta.check().map_err(err)?;
        let lang = meta.lang.clone();
        self.langs.retain(|l| l.meta.lang != lang);
        self.langs.push(LangIndex {
            meta,
            shards: Vec::new(),
            excerpts: Vec::new(),
        });
        Ok(lang)
    }

    fn lang(&self, code: &str) -> Option<usize> {
        self.langs.iter().position(|l| l.meta.lang == code)
    }

    // The shard files (`t-….bin`) that `q` needs in `lang` and that are not loaded yet.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn needed_shards(&self, lang: &str, q: &str) -> Array {
        let out = Array::new();
        if let Some(l) = self.lang(lang).map(|i| &self.langs[i]) {
            let query = parse(q, &l.meta.states);
            for key in query.shard_keys(&l.meta) {
                if !l.shards.iter().any(|s| s.key == key) {
                    out.push(&JsValue::from_str(&shard_file(&key)));
                }
            }
        }
        out
    }

    #[wasm_bindgen(skip_jsdoc)]
    pub fn add_shard(&mut self, lang: &str, bytes: &[u8]) -> Result<(), JsValue> {
        let i = self
            .lang(lang)
            .ok_or_else(|| err("search: no such language"))?;
        let shard = Shard::from_bytes(bytes).map_err(err)?;
        shard.check(self.langs[i].meta.entries.len()).map_err(err)?;
        let shards = &mut self.langs[i].shards;
        shards.retain(|s| s.key != shard.key);
        shards.push(shard);
        Ok(())
    }

    // Runs `q` over `langs` (codes separated by spaces, the page's first: it wins ties),
    // restricted to the document `doc` (its id; empty for all) and to the States' replies.
    // Returns the number of results.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn run(&mut self, q: &str, langs: &str, doc: &str, replies: bool) -> u32 {
        self.hits.clear();
        self.words.clear();
        self.order.clear();
        for code in langs.split(' ') {
            let Some(i) = self.lang(code) else { continue };
            if self.order.contains(&i) {
                continue;
            }
            let rank = self.order.len() as u8;
            self.order.push(i);
            let l = &self.langs[i];
            let doc_ix = l.meta.docs.iter().position(|d| d.id == doc);
            if !doc.is_empty() && doc_ix.is_none() {
                continue;
            }
            let filter = Filter {
                doc: doc_ix.map(|d| d as u16),
                replies_only: replies,
            };
            let found = search(&l.meta, &l.shards, &parse(q, &l.meta.states), filter);
            for w in found.words {
                if !self.words.contains(&w) {
                    self.words.push(w);
                }
            }
            self.hits
                .extend(found.hits.into_iter().map(|h| Hit { lang: rank, ..h }));
        }
        self.hits.sort_unstable_by(by_rank);
        self.hits.len() as u32
    }

    /// The index of a hit's language.
    fn of(&self, h: &Hit) -> &LangIndex {
        &self.langs[self.order[h.lang as usize]]
    }

    // The excerpt files (`<lang>/x-….bin`) that results `from .. from + count` need and that
    // are not loaded yet.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn needed_excerpts(&self, from: u32, count: u32) -> Array {
        let mut seen: Vec<String> = Vec::new();
        for h in self.page(from, count) {
            let l = self.of(h);
            let name = format!("{}/{}", l.meta.lang, excerpt_file(h.entry, l.meta.chunk));
            if l.excerpts(h.entry).is_none() && !seen.contains(&name) {
                seen.push(name);
            }
        }
        seen.iter().map(|s| JsValue::from_str(s)).collect()
    }

    #[wasm_bindgen(skip_jsdoc)]
    pub fn add_excerpts(&mut self, lang: &str, bytes: &[u8]) -> Result<(), JsValue> {
        let i = self
            .lang(lang)
            .ok_or_else(|| err("search: no such language"))?;
        let x = Excerpts::from_bytes(bytes).map_err(err)?;
        let list = &mut self.langs[i].excerpts;
        list.retain(|e| e.first != x.first);
        list.push(x);
        Ok(())
    }

    fn page(&self, from: u32, count: u32) -> &[Hit] {
        let a = (from as usize).min(self.hits.len());
        let b = (a + count as usize).min(self.hits.len());
        &self.hits[a..b]
    }

    // Results `from .. from + count`, each an array: `[lang, url, document label, context]`,
    // then, once its excerpt file is loaded, its snippet: `text, highlighted, text, …`.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn rows(&self, from: u32, count: u32) -> Array {
        let out = Array::new();
        for h in self.page(from, count) {
            let l = self.of(h);
            let i = h.entry as usize;
            let label = l
                .meta
                .entries
                .get(i)
                .and_then(|e| l.meta.docs.get(e.doc as usize))
                .map_or("", |d| d.label.as_str());
            let row = Array::new();
            for s in [
                l.meta.lang.as_str(),
                l.meta.urls.get(i),
                label,
                l.meta.contexts.get(i),
            ] {
                row.push(&JsValue::from_str(s));
            }
            let text = l
                .excerpts(h.entry)
                .and_then(|x| x.texts.get((h.entry - x.first) as usize));
            for (text, hl) in text
                .map(|t| snippet(t, &self.words, SNIPPET_TOKENS))
                .into_iter()
                .flatten()
            {
                row.push(&JsValue::from_str(&text));
                row.push(&JsValue::from_bool(hl));
            }
            out.push(&row);
        }
        out
    }

    // The documents of `lang`, for the filter: `[id, label, id, label, …]`.
    #[wasm_bindgen(skip_jsdoc)]
    pub fn docs(&self, lang: &str) -> Array {
        let out = Array::new();
        if let Some(i) = self.lang(lang) {
            for d in &self.langs[i].meta.docs {
                out.push(&JsValue::from_str(&d.id));
                out.push(&JsValue::from_str(&d.label));
            }
        }
        out
    }
}
