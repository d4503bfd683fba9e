//! The engine in Chromium on the synthetic 200 States × 50 topics × 20 documents index: decode,
//! build, and 100 filter changes with facet counts (budget: 5 ms each). Ignored by default
//! (it needs an optimised build to mean anything):
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=300 cargo test -p explorer-wasm \
//!  --target wasm32-unknown-unknown --release --test web_bench -- --include-ignored --nocapture`

#![cfg(target_arch = "wasm32")]

#[path = "common/synthetic.rs"]
mod synthetic;

use explorer_wasm::engine::Engine;
use explorer_wasm::model::Index;
use synthetic::{synthetic, workload};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

#[wasm_bindgen_test]
#[ignore]
fn filter_changes_stay_within_budget_in_the_browser() {
    let bytes = synthetic().to_bytes();
    let t = now();
    let index = Index::from_bytes(&bytes).expect("decodes");
    let decode = now() - t;
    let t = now();
    let engine = Engine::new(index);
    let build = now() - t;
    let mut slow = String::new();
    let mut times: Vec<f64> = workload(&engine)
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let t = now();
            std::hint::black_box(engine.run(q));
            let ms = now() - t;
            if ms > 3.0 {
                slow.push_str(&format!(" #{i} {ms:.1} ms ({:?})", q.text));
            }
            ms
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let report = format!(
        "browser: {} bytes, decode {decode:.1} ms, build {build:.1} ms, 100 filter changes: median {:.2} ms, max {:.2} ms;{slow}",
        bytes.len(),
        times[50],
        times[99]
    );
    web_sys::console::log_1(&report.as_str().into());
    assert!(times[50] <= 5.0, "{report}");
}
