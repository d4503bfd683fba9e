//! Engine benchmark on a synthetic index: 200 States × 50 topics × 20 documents (200 000 coded
//! rows plus facts), deterministic. Prints the index size (raw, and gzipped when a `gzip` binary
//! is on the PATH), the decode and engine-build times, the time to build the free-text word index
//! (which the page does after its first view), and the median and max time of 100 filter changes
//! with facet counts.
//!
//! `cargo run --release -p explorer-wasm --example bench_engine`

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use explorer_wasm::engine::Engine;
use explorer_wasm::model::Index;

#[path = "../tests/common/synthetic.rs"]
mod synthetic;
use synthetic::{synthetic, workload};

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
    print!("index: {:.1} MB raw", bytes.len() as f64 / 1e6);
    match gzipped_len(&bytes) {
        Some(n) => println!(", {:.1} MB gzip -9", n as f64 / 1e6),
        None => println!(" (no gzip on PATH)"),
    }

    // The reader takes the buffer over (its text stays in place), as it does in the browser.
    let bytes_for_decode = bytes.clone();
    let t = Instant::now();
    let decoded = match Index::from_bytes(bytes_for_decode) {
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
    let t = Instant::now();
    engine.index_words(usize::MAX);
    println!(
        "word index (after the first view on the page): {:.1} ms",
        ms(t)
    );

    let mut times = Vec::with_capacity(100);
    let mut matched = 0;
    for (step, query) in workload(&engine).iter().enumerate() {
        let t = Instant::now();
        let results = engine.run(query);
        times.push(ms(t));
        matched += results.rows.len();
        if std::env::var_os("BENCH_VERBOSE").is_some() {
            println!(
                "{step}: {:.2} ms, {} rows, text {:?}",
                ms(t),
                results.rows.len(),
                query.text
            );
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "100 filter changes with facet counts: median {:.2} ms, max {:.2} ms (mean {} rows matched)",
        times[50],
        times[99],
        matched / 100
    );
}
