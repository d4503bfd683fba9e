//! Search engine benchmark on a built site's index (`<public>/data/search/<lang>/`).
//!
//! For each query: the bytes its first run fetches (meta, the shards it needs, the excerpts of
//! the first ten results; raw and gzipped), then the time of every keystroke of the query typed
//! one character at a time with its shards already loaded (warm): median, 95th percentile, max.
//!
//! `cargo run --release -p explorer-wasm --example bench_search -- public fr "programme" "Genève"`

use explorer_wasm::search::engine::{parse, search, Filter};
use explorer_wasm::search::model::{excerpt_file, shard_file, Meta, Shard};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn gz(bytes: &[u8]) -> usize {
    let run = || -> Option<usize> {
        let mut child = Command::new("gzip")
            .arg("-9c")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let mut stdin = child.stdin.take()?;
        let data = bytes.to_vec();
        let w = std::thread::spawn(move || stdin.write_all(&data));
        let out = child.wait_with_output().ok()?;
        w.join().ok()?.ok()?;
        Some(out.stdout.len())
    };
    run().unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(public), Some(lang)) = (args.first(), args.get(1)) else {
        eprintln!("usage: bench_search <public dir> <lang> <query>…");
        std::process::exit(2);
    };
    let dir = Path::new(public).join("data/search").join(lang);
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let meta_bytes = read("meta.bin");
    let meta = Meta::from_bytes(&meta_bytes).expect("meta");
    let mut shards: Vec<Shard> = Vec::new();
    for key in &meta.shards {
        shards.push(Shard::from_bytes(&read(&shard_file(key))).expect("shard"));
    }
    println!(
        "index {lang}: {} entries, {} shards",
        meta.entries.len(),
        meta.shards.len()
    );
    println!(
        "| query | results | first-query files | raw | gzipped | keystrokes | median | p95 | max |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut all: Vec<f64> = Vec::new();
    for q in &args[2..] {
        let query = parse(q, &meta.states);
        let found = search(&meta, &shards, &query, Filter::default());
        let mut files: BTreeSet<String> = BTreeSet::new();
        files.insert("meta.bin".into());
        for k in query.shard_keys(&meta) {
            files.insert(shard_file(&k));
        }
        for h in found.hits.iter().take(10) {
            files.insert(excerpt_file(h.entry, meta.chunk));
        }
        let (mut raw, mut zipped) = (0, 0);
        for f in &files {
            let b = read(f);
            raw += b.len();
            zipped += gz(&b);
        }
        // Typed one character at a time, each prefix searched 20 times (warm).
        let mut times = Vec::new();
        let chars: Vec<(usize, char)> = q.char_indices().collect();
        for k in 1..=chars.len() {
            let end = chars.get(k).map_or(q.len(), |c| c.0);
            let prefix = &q[..end];
            for _ in 0..20 {
                let t = Instant::now();
                let query = parse(prefix, &meta.states);
                let r = search(&meta, &shards, &query, Filter::default());
                std::hint::black_box(r.hits.len());
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        all.extend(&times);
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
        println!(
            "| {q} | {} | {} | {:.1} KB | {:.1} KB | {} | {:.3} ms | {:.3} ms | {:.3} ms |",
            found.hits.len(),
            files.len(),
            raw as f64 / 1000.0,
            zipped as f64 / 1000.0,
            chars.len(),
            pct(0.5),
            pct(0.95),
            times.last().copied().unwrap_or(0.0)
        );
    }
    all.sort_by(f64::total_cmp);
    if !all.is_empty() {
        let p95 = all[((all.len() - 1) as f64 * 0.95).round() as usize];
        println!(
            "\nall keystrokes: p95 {p95:.3} ms, max {:.3} ms",
            all.last().copied().unwrap_or(0.0)
        );
    }
}
