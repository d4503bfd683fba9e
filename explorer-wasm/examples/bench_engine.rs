//! Engine benchmark on a synthetic index: 200 States × 50 topics × 20 documents (200 000 coded
//! rows plus facts), deterministic. Prints the postcard size (raw, and gzipped when a `gzip`
//! binary is on the PATH), the decode and engine-build times, and the median and max time of 100
//! filter changes with facet counts.
//!
//! `cargo run --release -p explorer-wasm --example bench_engine`

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use explorer_wasm::engine::{Engine, Facet, Query};
use explorer_wasm::model::{DocEntry, Index, Label, Row, StateEntry, INDEX_VERSION};

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SYLLABLES: [&str; 16] = [
    "con", "sen", "sus", "é", "tat", "dé", "ci", "sion", "pro", "gram", "me", "ac", "tion", "sé",
    "cu", "ri",
];

fn synthetic() -> Index {
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
    let mut rows = Vec::new();
    for s in 0..200u16 {
        for d in 0..20u16 {
            if rng.below(4) == 0 {
                rows.push(Row {
                    state: s,
                    doc: d,
                    relation: Some(rng.below(4) as u16),
                    topic: None,
                    stance: None,
                    anchor: String::new(),
                    quote: String::new(),
                    note: String::new(),
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
                rows.push(Row {
                    state: s,
                    doc: d,
                    relation: None,
                    topic: Some(t),
                    stance: Some(stance),
                    anchor: format!("p{}", rng.below(200)),
                    quote,
                    note: String::new(),
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

fn gzipped_len(bytes: &[u8]) -> Option<usize> {
    let mut child = Command::new("gzip")
        .arg("-9c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let data = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    Some(out.stdout.len())
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let index = synthetic();
    let bytes = index.to_bytes();
    let rows = index.rows.len();
    println!("rows: {rows}");
    print!("postcard: {:.1} MB raw", bytes.len() as f64 / 1e6);
    match gzipped_len(&bytes) {
        Some(n) => println!(", {:.1} MB gzip -9", n as f64 / 1e6),
        None => println!(" (no gzip on PATH)"),
    }

    let t = Instant::now();
    let decoded = match Index::from_bytes(&bytes) {
        Ok(ix) => ix,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    println!("decode: {:.1} ms", ms(t));
    let t = Instant::now();
    let engine = Engine::new(decoded);
    println!("engine build: {:.1} ms", ms(t));

    // 100 filter changes as a user would make them: toggle a value in a random facet, every
    // tenth change type or clear a word of free text, every twentieth start over.
    let mut rng = Rng(42);
    let mut query = Query::default();
    let mut times = Vec::with_capacity(100);
    let mut matched = 0;
    for step in 0..100 {
        if step % 20 == 0 {
            // "Clear all" now and then, so the run mixes broad and narrow selections.
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
            // Keep queries from collapsing to nothing: at most two values per facet.
            if on && query.selected(f).len() >= 2 {
                query.clear_facet(f);
            }
            query.set(f, v, on);
        }
        let t = Instant::now();
        let results = engine.run(&query);
        times.push(ms(t));
        if std::env::var_os("BENCH_VERBOSE").is_some() {
            println!(
                "{step}: {:.2} ms, {} rows, text {:?}",
                ms(t),
                results.rows.len(),
                query.text
            );
        }
        matched += results.rows.len();
    }
    times.sort_by(f64::total_cmp);
    println!(
        "100 filter changes with facet counts: median {:.2} ms, max {:.2} ms (mean {} rows matched)",
        times[50],
        times[99],
        matched / 100
    );
}
