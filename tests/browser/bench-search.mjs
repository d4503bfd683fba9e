// Not a test: run by `cargo xtask bench-search` (or by hand: SITE_PUBLIC=… [PAGEFIND_SITE=…]
// node bench-search.mjs). For each query, in a fresh browser profile (nothing cached), opens a
// document page, types the query, and reports the time from the first keystroke to the first
// results shown (the first list with a result in it) and the bytes fetched from the first
// keystroke on (the module included, as it is not cached). With PAGEFIND_SITE (the same site
// indexed by Pagefind, with the harness page `pagefind-bench.html` the xtask writes), the same
// for Pagefind's API: search, then the data of the first ten results. Then, warm, the time of each further keystroke (ours).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch } from './browser.mjs';
import { startServerProcess, sitePublic } from './server.mjs';

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

/**
 * Records the requests of `page` (its workers' included: Pagefind searches in a worker, whose
 * fetches the page's Resource Timing does not list) from the moment `start()` is called.
 */
function recorder(page) {
  const urls = [];
  let on = false;
  page.on('request', (r) => { if (on) urls.push(new URL(r.url()).pathname); });
  return { start: () => { on = true; }, urls };
}

/**
 * The bytes of `urls` as a server compressing with gzip -9 would send them: each file's
 * gzipped size, read from disk under `root` (Pagefind's `.pagefind`, `pf_*` files are already
 * gzipped: their size as they are).
 */
function gzBytes(urls, root) {
  let n = 0;
  for (const u of urls) {
    try {
      const b = readFileSync(path.join(root, decodeURIComponent(u)));
      n += b[0] === 0x1f && b[1] === 0x8b ? b.length : gzipSync(b, { level: 9 }).length;
    } catch {
      // Not a file of the site (e.g. a favicon the server answers with its 404 page).
    }
  }
  return n;
}

async function ours(base, q) {
  const b = await launch();
  try {
    const page = await b.context.newPage();
    const rec = recorder(page);
    await page.goto(base + PAGE, { waitUntil: 'load' });
    rec.start();
    await page.click('#site-search-q');
    await page.keyboard.type(q);
    await page.waitForFunction((q) => document.getElementById('site-search').dataset.filled === q, q, { timeout: 30000 });
    // Set at the first results that list something: a query of the benchmark must have some.
    const msText = await page.getAttribute('#site-search', 'data-search-ms');
    if (msText === null) throw new Error(`${q}: no result was ever listed`);
    const ms = Number(msText);
    const filledMs = Number(await page.getAttribute('#site-search', 'data-filled-ms'));
    const bytes = gzBytes(rec.urls, sitePublic());
    // Warm: retype the query one key at a time; in the page, each input event is timed to the
    // results of that text being listed, and to their snippets being filled in (the attributes
    // search.js sets), DOM update included.
    await page.fill('#site-search-q', '');
    await page.evaluate(() => {
      const root = document.getElementById('site-search');
      const input = document.getElementById('site-search-q');
      window.__keys = [];
      window.__filled = [];
      let t = 0;
      let listed = false;
      let want = '';
      input.addEventListener('input', () => { t = performance.now(); want = input.value; listed = false; }, true);
      new MutationObserver(() => {
        if (t && !listed && root.dataset.shown === want) {
          window.__keys.push(performance.now() - t);
          listed = true;
        }
        if (t && listed && root.dataset.filled === want) {
          window.__filled.push(performance.now() - t);
          t = 0;
        }
      }).observe(root, { attributes: true, attributeFilter: ['data-shown', 'data-filled'] });
    });
    for (const ch of q) {
      const before = await page.evaluate(() => window.__filled.length);
      await page.keyboard.type(ch);
      await page.waitForFunction((n) => window.__filled.length > n, before, { timeout: 10000 }).catch(() => {});
    }
    const keys = await page.evaluate(() => window.__keys);
    const filled = await page.evaluate(() => window.__filled);
    return { ms, filledMs, bytes, keys, filled };
  } finally {
    await b.close();
  }
}

async function pagefind(base, q) {
  const b = await launch();
  try {
    const page = await b.context.newPage();
    const rec = recorder(page);
    await page.goto(base + '/pagefind-bench.html', { waitUntil: 'load' });
    rec.start();
    await page.click('#q');
    await page.keyboard.type(q);
    await page.waitForFunction((q) => document.getElementById('q').dataset.shown === q, q, { timeout: 30000 });
    const ms = Number(await page.getAttribute('#q', 'data-ms'));
    return { ms, bytes: gzBytes(rec.urls, process.env.PAGEFIND_SITE) };
  } finally {
    await b.close();
  }
}

// Each site is served by a process of its own, not by this one, which drives the browser.
const server = await startServerProcess(sitePublic());
const pf = process.env.PAGEFIND_SITE ? await startServerProcess(process.env.PAGEFIND_SITE) : null;
const allKeys = [];
const allFilled = [];
console.log('| query | ours: first keystroke → results listed (cold) | ours: → snippets filled | ours: bytes fetched | Pagefind: first keystroke → results with data (cold) | Pagefind: bytes fetched |');
console.log('|---|---|---|---|---|---|');
for (const q of QUERIES) {
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await ours(server.url, q));
  allKeys.push(...runs.flatMap((r) => r.keys));
  allFilled.push(...runs.flatMap((r) => r.filled));
  let pfCell = 'not run | not run';
  if (pf) {
    const p = [];
    for (let i = 0; i < 3; i++) p.push(await pagefind(pf.url, q));
    pfCell = `${median(p.map((r) => r.ms)).toFixed(0)} ms | ${(median(p.map((r) => r.bytes)) / 1000).toFixed(1)} KB`;
  }
  console.log(`| ${q} | ${median(runs.map((r) => r.ms)).toFixed(0)} ms | ${median(runs.map((r) => r.filledMs)).toFixed(0)} ms | ${(median(runs.map((r) => r.bytes)) / 1000).toFixed(1)} KB | ${pfCell} |`);
}
console.log(`\nWarm keystrokes (ours, ${allKeys.length}, input event → results listed): median ${median(allKeys).toFixed(1)} ms, p95 ${p95(allKeys).toFixed(1)} ms`);
console.log(`Warm keystrokes (ours, ${allFilled.length}, input event → snippets filled): median ${median(allFilled).toFixed(1)} ms, p95 ${p95(allFilled).toFixed(1)} ms`);
await server.close();
await pf?.close();
