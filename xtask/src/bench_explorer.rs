//! `cargo xtask bench-explorer`: the explorer's budgets, measured in one run next to a peer.
//!
//! - bytes: `.wasm` + JS glue and the real-data indexes, gzipped (`gzip -9`), and Pagefind 1.6's
//!   browser runtime produced by indexing this very site (npm package `pagefind`);
//! - the engine on the synthetic 200 States × 50 topics × 20 documents index, natively (example
//!   `bench_engine`) and in headless Chromium (test `web_bench`, built with the `wasm-release`
//!   profile the site ships, less the final `wasm-opt` pass);
//! - the real explorer pages in headless Chromium, each loaded several times
//!   (`tests/browser/bench-explorer.mjs`): `data-load-ms` and its phases, navigation start →
//!   interactive, load event → interactive, a filter change.

use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

const PAGEFIND: &str = "1.6.0";

pub(crate) fn gz(path: &Path) -> Result<u64> {
    let out = Command::new("gzip")
        .arg("-9")
        .arg("-c")
        .arg(path)
        .output()
        .context("gzip")?;
    Ok(out.stdout.len() as u64)
}

fn kb(n: u64) -> String {
    format!("{:.1} KB", n as f64 / 1000.0)
}

/// The 1, 5 and 15 minute load averages, so a noisy run shows as such.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

pub fn run(root: &Path, pkg: &Path) -> Result<()> {
    let public = root.join("public");
    println!("Load average at the start: {}\n", load_average());
    let wasm = gz(&pkg.join("explorer_bg.wasm"))?;
    let glue = gz(&pkg.join("explorer.js"))?;
    let init = gz(&public.join("static/explorer/init.js"))?;
    let index_fr = gz(&public.join("data/explorer-fr.bin"))?;
    let index_en = gz(&public.join("data/explorer-en.bin"))?;
    println!("## Explorer bytes (gzip -9)\n");
    println!("| what | gzipped |\n|---|---|");
    println!("| explorer `.wasm` | {} |", kb(wasm));
    println!(
        "| JS glue (`explorer.js` + `init.js`) | {} |",
        kb(glue + init)
    );
    println!(
        "| **runtime total** (wasm + glue) | **{}** |",
        kb(wasm + glue + init)
    );
    println!(
        "| real-data index, fr / en | {} / {} |",
        kb(index_fr),
        kb(index_en)
    );
    println!(
        "| **whole explorer payload** (runtime + fr index) | **{}** |",
        kb(wasm + glue + init + index_fr)
    );

    match pagefind_runtime(root) {
        Ok((js, wasm_pf)) => {
            println!("| Pagefind {PAGEFIND} runtime on this site: `pagefind.js` + `wasm.*.pagefind` | {} ({} + {}) |", kb(js + wasm_pf), kb(js), kb(wasm_pf));
            println!(
                "\nRatio, explorer runtime / Pagefind runtime: {:.2}",
                (wasm + glue + init) as f64 / (js + wasm_pf) as f64
            );
        }
        Err(e) => println!("\nPagefind could not be measured: {e:#}"),
    }

    println!("\n## Engine, synthetic index, native (release)\n\n```");
    let out = crate::cargo()
        .current_dir(root)
        .args([
            "run",
            "--quiet",
            "--release",
            "-p",
            "explorer-wasm",
            "--example",
            "bench_engine",
        ])
        .output()
        .context("bench_engine")?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    println!("```\n\n## Engine, synthetic index, headless Chromium (wasm-release profile)\n\n```");
    let out = crate::cargo()
        .current_dir(root)
        .args([
            "test",
            "-p",
            "explorer-wasm",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
            "--test",
            "web_bench",
            "--",
            "--include-ignored",
            "--nocapture",
        ])
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "300")
        .output()
        .context("web_bench")?;
    for line in String::from_utf8_lossy(&out.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&out.stderr).lines())
    {
        if line.contains("ms") || line.contains("rows") || line.contains("test result") {
            println!("{line}");
        }
    }
    println!("```\n\n## Real explorer pages, headless Chromium\n\n```");
    let browser = root.join("tests").join("browser");
    if !browser.join("node_modules").is_dir() {
        let npm = Command::new("npm")
            .current_dir(&browser)
            .args(["ci", "--no-audit", "--no-fund"])
            .status()
            .context("npm")?;
        anyhow::ensure!(npm.success(), "npm ci in tests/browser failed");
    }
    let out = Command::new("node")
        .current_dir(&browser)
        .arg("bench-explorer.mjs")
        .env("SITE_PUBLIC", &public)
        .output()
        .context("bench-explorer.mjs")?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    println!("```\n\nLoad average at the end: {}", load_average());
    anyhow::ensure!(
        out.status.success(),
        "the browser benchmark (tests/browser/bench-explorer.mjs) failed: {}",
        out.status
    );
    Ok(())
}

/// Indexes a copy of the built site with Pagefind and returns the gzipped sizes of its browser
/// runtime: `pagefind.js` (gzipped here) and the WebAssembly file (Pagefind already gzips it).
pub(crate) fn pagefind_runtime(root: &Path) -> Result<(u64, u64)> {
    let work = std::env::temp_dir().join("explorer-bench-pagefind");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let npm = Command::new("npm")
        .current_dir(&work)
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            &format!("pagefind@{PAGEFIND}"),
        ])
        .status()
        .context("npm")?;
    anyhow::ensure!(npm.success(), "npm install pagefind failed");
    let site = work.join("site");
    let copy = Command::new("cp")
        .arg("-r")
        .arg(root.join("public"))
        .arg(&site)
        .status()?;
    anyhow::ensure!(copy.success(), "copy of public/ failed");
    let pf = Command::new(work.join("node_modules/.bin/pagefind"))
        .arg("--site")
        .arg(&site)
        .output()
        .context("pagefind")?;
    anyhow::ensure!(
        pf.status.success(),
        "pagefind failed: {}",
        String::from_utf8_lossy(&pf.stderr)
    );
    let dir = site.join("pagefind");
    let js = gz(&dir.join("pagefind.js"))?;
    let mut wasm = 0;
    for e in std::fs::read_dir(&dir)?.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with("wasm.") && name.ends_with(".pagefind") {
            wasm = wasm.max(e.metadata()?.len());
        }
    }
    Ok((js, wasm))
}
