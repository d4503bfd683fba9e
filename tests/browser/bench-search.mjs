// Not a test: run by `cargo xtask bench-search` (or by hand: SITE_PUBLIC=… [PAGEFIND_SITE=…]
// node bench-search.mjs). For each query, in a fresh browser profile (nothing cached), opens a
// document page, types the query, and reports the time from the first keystroke to the first
// results shown and the bytes fetched from the first keystroke on (the module included, as it
// is not cached). With PAGEFIND_SITE (the same site indexed by Pagefind, with the harness page
// `pagefind-bench.html` the xtask writes), the same for Pagefind's API: search, then the data
// of the first ten results. Then, warm, the time of each further keystroke (ours).

import { launch } from './browser.mjs';
import { startServer, sitePublic } from './server.mjs';

const QUERIES = (process.env.QUERIES || 'programme|Genève|fonds d\'affectation|77/37').split('|');
const PAGE = '/fr/documents/a-78-76/';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const p95 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.round((s.length - 1) * 0.95))];
};

async function bytesSince(page, t0) {
  return page.evaluate((t0) => performance.getEntriesByType('resource')
    .filter((r) => r.startTime >= t0)
    .reduce((n, r) => n + (r.encodedBodySize || r.transferSize || 0), 0), t0);
}

async function ours(base, q) {
  const b = await launch();
  try {
    const page = await b.context.newPage();
    await page.goto(base + PAGE, { waitUntil: 'load' });
    const t0 = await page.evaluate(() => performance.now());
    await page.click('#site-search-q');
    await page.keyboard.type(q);
    await page.waitForFunction((q) => document.getElementById('site-search').dataset.shown === q, q, { timeout: 30000 });
    const ms = Number(await page.getAttribute('#site-search', 'data-search-ms'));
    const bytes = await bytesSince(page, t0);
    // Warm: retype the query one key at a time, each keystroke timed to its results.
    const keys = [];
    await page.fill('#site-search-q', '');
    for (let i = 1; i <= q.length; i++) {
      const part = q.slice(0, i);
      const t = await page.evaluate(() => performance.now());
      await page.fill('#site-search-q', part);
      await page.waitForFunction((p) => document.getElementById('site-search').dataset.shown === p || !p.trim(), part);
      keys.push((await page.evaluate(() => performance.now())) - t);
    }
    return { ms, bytes, keys };
  } finally {
    await b.close();
  }
}

async function pagefind(base, q) {
  const b = await launch();
  try {
    const page = await b.context.newPage();
    await page.goto(base + '/pagefind-bench.html', { waitUntil: 'load' });
    const t0 = await page.evaluate(() => performance.now());
    await page.click('#q');
    await page.keyboard.type(q);
    await page.waitForFunction((q) => document.getElementById('q').dataset.shown === q, q, { timeout: 30000 });
    const ms = Number(await page.getAttribute('#q', 'data-ms'));
    return { ms, bytes: await bytesSince(page, t0) };
  } finally {
    await b.close();
  }
}

const server = await startServer(sitePublic());
const pf = process.env.PAGEFIND_SITE ? await startServer(process.env.PAGEFIND_SITE) : null;
const allKeys = [];
console.log('| query | ours: first keystroke → results (cold) | ours: bytes fetched | Pagefind: first keystroke → results (cold) | Pagefind: bytes fetched |');
console.log('|---|---|---|---|---|');
for (const q of QUERIES) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await ours(server.url, q));
  allKeys.push(...runs.flatMap((r) => r.keys));
  let pfCell = 'not run | not run';
  if (pf) {
    const p = [];
    for (let i = 0; i < 3; i++) p.push(await pagefind(pf.url, q));
    pfCell = `${median(p.map((r) => r.ms)).toFixed(0)} ms | ${(median(p.map((r) => r.bytes)) / 1000).toFixed(1)} KB`;
  }
  console.log(`| ${q} | ${median(runs.map((r) => r.ms)).toFixed(0)} ms | ${(median(runs.map((r) => r.bytes)) / 1000).toFixed(1)} KB | ${pfCell} |`);
}
console.log(`\nWarm keystrokes (ours, ${allKeys.length}, DOM update included): median ${median(allKeys).toFixed(1)} ms, p95 ${p95(allKeys).toFixed(1)} ms`);
await server.close();
await pf?.close();
