// axe-core on the sampled pages: zero violations (WCAG 2.0/2.1/2.2 A and AA, plus axe's
// best practices). axe is injected with addScriptTag, which the site's CSP forbids, so this
// file alone runs its context with bypassCSP (pages.test.mjs checks the CSP itself).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { setup, waitForExplorer } from './browser.mjs';
import { DOCUMENTS, STATES, TOPIC, pageExists } from './site.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const PAGES = [
  '/',
  '/404.html',
  '/fr/',
  '/en/',
  ...['fr', 'en'].flatMap((l) => DOCUMENTS.map((d) => `/${l}/documents/${d}/`)),
  '/fr/documents/a-78-76/parallel/',
  '/fr/states/',
  ...STATES.map((s) => `/fr/states/${s}/`),
  '/fr/topics/',
  `/fr/topics/${TOPIC}/`,
  '/fr/references/',
  '/fr/timeline/',
  '/fr/explorer/',
  '/en/explorer/',
  '/fr/downloads/',
  '/fr/about/',
  '/fr/methodology/',
  '/fr/glossary/',
  '/fr/corrections/',
  '/en/states/',
  `/en/topics/${TOPIC}/`,
];

/**
 * Known, reported defects: page → reason. A listed page still runs; its failure is reported as
 * TODO (not as a suite failure) until the fix lands. Keep this empty whenever possible.
 */
const KNOWN = {};

let site;
before(async () => {
  site = await setup({ bypassCSP: true });
});
after(async () => {
  await site?.close();
});

/** Runs axe on the current document; returns the violations, already formatted. */
async function axe(page, label) {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  });
  return results.map(
    (v) =>
      `[${label}] ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} node(s):\n` +
      v.nodes
        .slice(0, 5)
        .map((n) => `      ${n.target}\n        ${n.summary.replace(/\n\s*/g, ' | ')}`)
        .join('\n') +
      (v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : ''),
  );
}

for (const p of PAGES) {
  const options = KNOWN[p] ? { todo: KNOWN[p] } : {};
  test(`axe: ${p} has no accessibility violation`, options, async () => {
    assert.ok(pageExists(p), `${p} is not in the build (SITE_PUBLIC): rebuild the site`);
    const page = await site.newPage();
    try {
      await page.goto(site.base + p, { waitUntil: 'load' });
      if (p.endsWith('/explorer/')) {
        const state = await waitForExplorer(page);
        assert.ok(state.ok, `${p}: the WebAssembly explorer did not take over (${state.reason}); axe must audit the live explorer`);
      }
      const violations = await axe(page, p);
      assert.deepEqual(violations, [], `${violations.length} violation(s):\n  ${violations.join('\n  ')}`);
    } finally {
      await page.close();
    }
  });
}

test('axe: the explorer with filters, chips, matrix and comparison views', async () => {
  const views = [
    '/fr/explorer/?topic=consensus&stance=supports',
    '/fr/explorer/?topic=consensus&view=matrix',
    '/en/explorer/?state=fra&state=deu&view=compare',
    '/en/explorer/?q=zzzzzz',
  ];
  const failures = [];
  const page = await site.newPage();
  try {
    for (const v of views) {
      await page.goto(site.base + v, { waitUntil: 'load' });
      const state = await waitForExplorer(page);
      assert.ok(state.ok, `${v}: the WebAssembly explorer did not take over (${state.reason})`);
      failures.push(...(await axe(page, v)));
    }
  } finally {
    await page.close();
  }
  assert.deepEqual(failures, [], `${failures.length} violation(s):\n  ${failures.join('\n  ')}`);
});

test('axe: the document page with a paragraph targeted (#deu-3) and at 390 px', async () => {
  const page = await site.newPage();
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${site.base}/fr/documents/a-78-76/#deu-3`, { waitUntil: 'load' });
    const violations = await axe(page, '/fr/documents/a-78-76/#deu-3 @390px');
    assert.deepEqual(violations, [], `${violations.length} violation(s):\n  ${violations.join('\n  ')}`);
  } finally {
    await page.close();
  }
});
