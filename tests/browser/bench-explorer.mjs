// The real explorer pages, timed in headless Chromium: each page loaded RUNS times (a new tab
// each time; the test server sends `Cache-Control: no-store`, so every load fetches and compiles
// everything again), then one topic click. Prints medians and ranges of:
// - data-load-ms: from the start of the index fetch to the first view rendered (set by the page);
// - its phases, from the page's User Timing marks (explorer-fetch … explorer-rendered);
// - navigation start → interactive (data-load-ms set) and load event → interactive;
// - data-filter-ms of the topic click (query, counts and redraw), then of a free-text query;
// - when the free-text word index was complete (it is built in slices after the first view).
//
// Run by `cargo xtask bench-explorer`, or by hand on a built site:
//   SITE_PUBLIC=$PWD/../../public RUNS=15 node bench-explorer.mjs

import { setup, waitForExplorer, observeExplorerReady } from './browser.mjs';

const RUNS = Number(process.env.RUNS || 15);

/** The median and the range of a list of numbers, in ms. */
function stat(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!v.length) return 'n/a';
  const median = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  return `${median.toFixed(1)} ms (${v[0].toFixed(1)}–${v[v.length - 1].toFixed(1)})`;
}

const PHASES = [
  ['index fetched', 'explorer-fetch', 'explorer-index-fetched'],
  ['WebAssembly ready', 'explorer-fetch', 'explorer-wasm-ready'],
  ['both → decoded (copy, decode, engine)', 'later-of-both', 'explorer-decoded'],
  ['decoded → bound (form, URL)', 'explorer-decoded', 'explorer-bound'],
  ['bound → first view rendered', 'explorer-bound', 'explorer-rendered'],
];

const site = await setup();
try {
  for (const lang of ['fr', 'en']) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const page = await site.newPage();
      try {
        await observeExplorerReady(page);
        await page.goto(`${site.base}/${lang}/explorer/`, { waitUntil: 'load' });
        const state = await waitForExplorer(page);
        if (!state.ok) throw new Error(`/${lang}/explorer/: ${state.reason}`);
        const marks = await page.evaluate(() => {
          const m = {};
          for (const e of performance.getEntriesByType('mark')) m[e.name] ??= e.startTime;
          m['later-of-both'] = Math.max(m['explorer-index-fetched'], m['explorer-wasm-ready']);
          return m;
        });
        await page.check('#explorer-form input[name="topic"][value="consensus"]');
        await page.waitForURL((u) => u.search === '?topic=consensus', { timeout: 5000 });
        const filterMs = Number(await page.getAttribute('#explorer', 'data-filter-ms'));
        await page.fill('#explorer-q', 'consens');
        await page.waitForURL((u) => u.search.includes('q=consens'), { timeout: 5000 });
        const textMs = Number(await page.getAttribute('#explorer', 'data-filter-ms'));
        const words = await page.evaluate(() => performance.getEntriesByName('explorer-words')[0]?.startTime);
        runs.push({ ...state, marks: { ...marks, 'explorer-words': words }, filterMs, textMs });
      } finally {
        await page.close();
      }
      // Let the closed tab's teardown finish: on two cores it would slow the next load.
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    console.log(`/${lang}/explorer/, ${RUNS} loads:`);
    console.log(`  data-load-ms (index fetch start → first view): ${stat(runs.map((r) => r.loadMs))}`);
    for (const [name, from, to] of PHASES) {
      console.log(`    ${name}: ${stat(runs.map((r) => r.marks[to] - r.marks[from]))}`);
    }
    console.log(`  navigation start → interactive: ${stat(runs.map((r) => r.readyAt))}`);
    console.log(`  load event → interactive: ${stat(runs.map((r) => r.readyAt - r.loadEventEnd))}`);
    console.log(`  filter change (topic click), data-filter-ms: ${stat(runs.map((r) => r.filterMs))}`);
    console.log(`  then a free-text query, data-filter-ms: ${stat(runs.map((r) => r.textMs))}`);
    console.log(
      `  word index complete, after the first view: ${stat(runs.map((r) => r.marks['explorer-words'] - r.marks['explorer-rendered']))}`,
    );
  }
} finally {
  await site.close();
}
