//! `cargo xtask bench-search`: the site search's budgets, measured in one run next to
//! Pagefind 1.6 indexing the same built site.
//!
//! - bytes: the explorer's `.wasm` (search included) + JS glue + `init.js` + `search.js`,
//!   gzipped, against Pagefind's runtime (`pagefind.js` + its WebAssembly);
//! - the engine natively (example `bench_search`): first-query bytes and per-keystroke times on
//!   the real index;
//! - headless Chromium (`tests/browser/bench-search.mjs`): first keystroke → results, cold, and
//!   the bytes fetched, for both; warm keystrokes for ours.
//!
//! Not measured here: the 10 000-page corpus (indexing cost, keystrokes at that scale).

use crate::bench_explorer::{gz, pagefind_runtime};
use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

const QUERIES: [&str; 5] = [
    "programme",
    "Genève",
    "fonds d'affectation",
    "77/37",
    "Suisse",
];

/// Pagefind's side of the browser benchmark: a page that searches with Pagefind's API on each
/// keystroke and loads the data of the first ten results (external script: the CSP forbids
/// inline ones).
const HARNESS_HTML: &str = "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Pagefind</title><script type=\"module\" src=\"/pagefind-bench.js\"></script></head><body><input id=\"q\" type=\"search\" aria-label=\"q\"></body></html>\n";
const HARNESS_JS: &str = r#"const input = document.getElementById('q');
let pf = null;
let typedAt = 0;
// One search at a time, as Pagefind's own UI does (concurrent calls while it starts do not end).
let chain = Promise.resolve();
async function run(q) {
  pf ??= import('/pagefind/pagefind.js').then(async (m) => { await m.init(); return m; });
  const m = await pf;
  if (input.value !== q) return;
  const s = await m.search(q);
  if (!s || input.value !== q) return;
  await Promise.all(s.results.slice(0, 10).map((r) => r.data()));
  if (input.value !== q) return;
  if (!input.dataset.ms) input.dataset.ms = String(Math.round(performance.now() - typedAt));
  input.dataset.shown = q;
}
input.addEventListener('input', () => {
  typedAt ||= performance.now();
  const q = input.value;
  chain = chain.then(() => run(q)).catch((e) => console.error(e));
});
"#;

pub fn run(root: &Path, pkg: &Path) -> Result<()> {
    let public = root.join("public");
    let wasm = gz(&pkg.join("explorer_bg.wasm"))?;
    let glue = gz(&pkg.join("explorer.js"))?;
    let init = gz(&public.join("static/explorer/init.js"))?;
    let search = gz(&public.join("static/search.js"))?;
    println!("## Search bytes (gzip -9)\n\n| what | gzipped |\n|---|---|");
    println!(
        "| `.wasm` (explorer and search) | {:.1} KB |",
        wasm as f64 / 1000.0
    );
    println!(
        "| JS glue (`explorer.js` + `init.js` + `search.js`) | {:.1} KB |",
        (glue + init + search) as f64 / 1000.0
    );
    let total = wasm + glue + init + search;
    println!(
        "| **explorer and search together** | **{:.1} KB** |",
        total as f64 / 1000.0
    );
    let pagefind_site = std::env::temp_dir()
        .join("explorer-bench-pagefind")
        .join("site");
    let have_pagefind = match pagefind_runtime(root) {
        Ok((js, pf)) => {
            println!(
                "| Pagefind 1.6 runtime (`pagefind.js` + wasm) | {:.1} KB |",
                (js + pf) as f64 / 1000.0
            );
            std::fs::write(pagefind_site.join("pagefind-bench.html"), HARNESS_HTML)?;
            std::fs::write(pagefind_site.join("pagefind-bench.js"), HARNESS_JS)?;
            true
        }
        Err(e) => {
            println!("\nPagefind could not be run: {e:#}");
            false
        }
    };

    for lang in ["fr", "en"] {
        println!("\n## Engine on the real index ({lang}), native release build\n");
        let out = crate::cargo()
            .current_dir(root)
            .args([
                "run",
                "--quiet",
                "--release",
                "-p",
                "explorer-wasm",
                "--example",
                "bench_search",
                "--",
            ])
            .arg(&public)
            .arg(lang)
            .args(QUERIES)
            .output()
            .context("bench_search")?;
        print!("{}", String::from_utf8_lossy(&out.stdout));
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
    }

    println!("\n## Headless Chromium, same run\n");
    let browser = root.join("tests").join("browser");
    let mut node = Command::new("node");
    node.current_dir(&browser)
        .arg("bench-search.mjs")
        .env("SITE_PUBLIC", &public)
        .env("QUERIES", QUERIES.join("|"));
    if have_pagefind {
        node.env("PAGEFIND_SITE", &pagefind_site);
    }
    let out = node.output().context("bench-search.mjs")?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    // A browser run that failed measured nothing: say so by the exit status, not only in text.
    anyhow::ensure!(
        out.status.success(),
        "the browser benchmark (tests/browser/bench-search.mjs) failed: {}",
        out.status
    );
    Ok(())
}
