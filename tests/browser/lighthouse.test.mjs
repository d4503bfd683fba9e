// Lighthouse (npm `lighthouse`, Debian's Chromium) on one page of each kind: accessibility, best
// practices and SEO must score 100; performance is recorded, not asserted (it depends on the
// machine), in LIGHTHOUSE_OUT (default: artefacts/lighthouse.json) for docs/benchmarks.md.
// Lighthouse's defaults: a mobile device with simulated throttling, served locally without
// compression.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { CHROMIUM, CHROMIUM_ARGS } from './browser.mjs';
import { startServer, sitePublic } from './server.mjs';
import { pageExists } from './site.mjs';

const PAGES = {
  home: '/en/',
  document: '/en/documents/a-78-76/',
  state: '/en/states/fra/',
  topic: '/en/topics/consensus/',
  explorer: '/en/explorer/',
};
const REQUIRED = ['accessibility', 'best-practices', 'seo'];
const OUT = process.env.LIGHTHOUSE_OUT || path.join(import.meta.dirname, 'artefacts', 'lighthouse.json');

let server;
let chrome;
const scores = {};
before(async () => {
  server = await startServer(sitePublic());
  chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: CHROMIUM_ARGS.map((a) => (a === '--headless' ? '--headless=new' : a)),
  });
});
after(async () => {
  await chrome?.kill();
  await server?.close();
  await mkdir(path.dirname(OUT), { recursive: true });
  await writeFile(OUT, JSON.stringify(scores, null, 2) + '\n');
});

for (const [kind, p] of Object.entries(PAGES)) {
  test(`lighthouse: the ${kind} page (${p}) scores 100 in accessibility, best practices and SEO`, { timeout: 180000 }, async () => {
    assert.ok(pageExists(p), `${p} is not in the build (SITE_PUBLIC): rebuild the site`);
    const result = await lighthouse(server.url + p, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', ...REQUIRED],
    });
    const { categories, audits } = result.lhr;
    scores[kind] = Object.fromEntries(
      Object.entries(categories).map(([id, c]) => [id, Math.round(c.score * 100)]),
    );
    scores[kind].url = p;
    const failing = [];
    for (const id of REQUIRED) {
      if (categories[id].score === 1) continue;
      for (const ref of categories[id].auditRefs) {
        const a = audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1) {
          const items = (a.details?.items || []).slice(0, 5).map((i) => JSON.stringify(i).slice(0, 300));
          failing.push([`${id}: ${a.id} — ${a.title}`, ...items].join('\n    '));
        }
      }
    }
    assert.deepEqual(failing, [], `${p}: ${JSON.stringify(scores[kind])}`);
  });
}
