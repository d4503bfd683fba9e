//! The synthetic benchmark index: 200 States × 50 topics × 20 documents (200 000 coded rows
//! plus facts), deterministic. Shared by `examples/bench_engine.rs` (native) and
//! `tests/web_bench.rs` (in the browser).

use explorer_wasm::engine::{Engine, Facet, Query};
use explorer_wasm::model::{DocEntry, Index, Label, Row, Rows, StateEntry, INDEX_VERSION};

/// xorshift64*: deterministic and dependency-free.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

pub const SYLLABLES: [&str; 16] = [
    "con", "sen", "sus", "é", "tat", "dé", "ci", "sion", "pro", "gram", "me", "ac", "tion", "sé",
    "cu", "ri",
];

pub fn synthetic() -> Index {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let labels = |prefix: &str, n: usize| -> Vec<Label> {
        (0..n)
            .map(|i| Label {
                id: format!("{prefix}-{i}"),
                label: format!("{prefix} {i}"),
            })
            .collect()
    };
    // A 3 000-word vocabulary of French-looking words; quotes draw from it.
    let vocab: Vec<String> = (0..3000)
        .map(|_| {
            (0..2 + rng.below(3))
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect()
        })
        .collect();
    let states: Vec<StateEntry> = (0..200)
        .map(|i| StateEntry {
            id: format!("s{i:03}"),
            name: format!("État {i}"),
            group: rng.below(5) as u16,
            relations: (0..4).filter(|_| rng.below(3) == 0).collect(),
            url: format!("/fr/etats/s{i:03}/"),
        })
        .collect();
    let mut rows = Rows::default();
    for s in 0..200u16 {
        for d in 0..20u16 {
            if rng.below(4) == 0 {
                rows.push(&Row {
                    state: s,
                    doc: d,
                    relation: Some(rng.below(4) as u16),
                    ..Row::default()
                });
            }
            for t in 0..50u16 {
                let stance = rng.below(6) as u16;
                // Stance 5 is "not addressed": no quote, as in the real data.
                let quote = if stance == 5 {
                    String::new()
                } else {
                    let n = 8 + rng.below(20);
                    let words: Vec<&str> = (0..n)
                        .map(|_| vocab[rng.below(vocab.len())].as_str())
                        .collect();
                    words.join(" ")
                };
                rows.push(&Row {
                    state: s,
                    doc: d,
                    relation: None,
                    topic: Some(t),
                    stance: Some(stance),
                    anchor: &format!("p{}", rng.below(200)),
                    quote: &quote,
                    note: "",
                });
            }
        }
    }
    Index {
        version: INDEX_VERSION,
        lang: "fr".into(),
        groups: labels("group", 5),
        relations: labels("relation", 4),
        documents: (0..20)
            .map(|i| DocEntry {
                id: format!("doc-{i}"),
                label: format!("A/78/{i}"),
                url: format!("/fr/docs/doc-{i}/"),
            })
            .collect(),
        topics: labels("topic", 50),
        stances: labels("stance", 6),
        states,
        rows,
    }
}

/// 100 filter changes as a user would make them: toggle a value in a random facet, every tenth
/// change type or clear a word of free text, every twentieth start over ("clear all").
pub fn workload(engine: &Engine) -> Vec<Query> {
    let mut rng = Rng(42);
    let mut query = Query::default();
    let mut out = Vec::with_capacity(100);
    for step in 0..100 {
        if step % 20 == 0 {
            query = Query::default();
        }
        if step % 10 == 9 {
            query.text = if query.text.is_empty() {
                SYLLABLES[rng.below(4)].to_string()
            } else {
                String::new()
            };
        } else {
            let f = Facet::ALL[rng.below(6)];
            let v = rng.below(engine.len(f)) as u16;
            let on = !query.is_selected(f, v);
            // At most two values per facet, so queries do not all collapse to nothing.
            if on && query.selected(f).len() >= 2 {
                query.clear_facet(f);
            }
            query.set(f, v, on);
        }
        out.push(query.clone());
    }
    out
}
