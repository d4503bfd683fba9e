// The maps and charts in Chromium (DESIGN.md §11): axe finds no violation on the pages that carry
// them in the light and dark schemes, at 1280 px and at 390 px; nothing sticks out sideways on a
// phone; a State on a topic map and a segment of a stance bar are links that work; screenshots of
// the home, topic and State pages (desktop and mobile) go to screenshots/ (git-ignored).
// axe is injected with addScriptTag, which the site's CSP forbids: this context bypasses the CSP
// (pages.test.mjs checks the CSP on the same pages).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setup, assertNone } from './browser.mjs';
import { pageExists } from './site.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SHOTS = path.join(import.meta.dirname, 'screenshots');
const PAGES = ['/fr/', '/en/', '/fr/topics/', '/en/topics/consensus/', '/fr/topics/timing/', '/fr/states/fra/', '/en/states/eu/', '/en/states/sgp/'];
const VIEWPORTS = [
  ['desktop-1280', { width: 1280, height: 900 }],
  ['mobile-390', { width: 390, height: 844 }],
];

let site;
before(async () => {
  site = await setup({ bypassCSP: true });
});
after(async () => {
  await site?.close();
});

async function axe(page, label) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations.map((v) => `[${label}] ${v}`);
}

for (const scheme of ['light', 'dark']) {
  test(`axe: maps and charts in the ${scheme} scheme at 1280 and 390 px`, { timeout: 240000 }, async () => {
    const failures = [];
    const page = await site.newPage();
    try {
      await page.emulateMedia({ colorScheme: scheme });
      for (const p of PAGES) {
        assert.ok(pageExists(p), `${p} is not in the build: rebuild the site`);
        for (const [name, viewport] of VIEWPORTS) {
          await page.setViewportSize(viewport);
          await page.goto(site.base + p, { waitUntil: 'load' });
          failures.push(...(await axe(page, `${p} ${scheme} ${name}`)));
        }
      }
    } finally {
      await page.close();
    }
    assertNone(failures, 'axe violations');
  });
}

test('at 390 px the maps and bars fit the screen: no sideways scrolling', async () => {
  const page = await site.newPage();
  try {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const p of ['/fr/', '/en/topics/', '/en/topics/consensus/', '/fr/states/fra/']) {
      await page.goto(site.base + p, { waitUntil: 'load' });
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 390, `${p}: the page is ${wide} px wide at 390 px`);
      const map = await page.evaluate(() => {
        // A bar inside a table scrolls with its table (.table-wrap); the others must fit.
        const svg = [...document.querySelectorAll('.world-map, .locator, .stance-bar')].find((e) => !e.closest('.table-wrap'));
        return svg ? svg.getBoundingClientRect().right : 1;
      });
      assert.ok(map > 0 && map <= 390, `${p}: a figure ends at ${map} px`);
    }
  } finally {
    await page.close();
  }
});

test('a State on a topic map links to its page, and a bar segment to the filtered explorer', async () => {
  const page = await site.newPage();
  try {
    await page.goto(`${site.base}/en/topics/consensus/`, { waitUntil: 'load' });
    // The accessible name says the State and its stance. Germany: a click lands at the centre of
    // the link's box, which for France (with French Guiana) is in the ocean.
    const deu = page.locator('svg.world-map a[data-state="deu"]');
    assert.equal(await deu.getAttribute('aria-label'), 'Germany: Supports');
    await Promise.all([page.waitForURL('**/en/states/deu/'), deu.click()]);
    assert.equal(await page.locator('h1').textContent(), 'Germany');
    await page.goBack({ waitUntil: 'load' });
    const seg = page.locator('svg.stance-bar a.stance-supports');
    assert.match(await seg.getAttribute('aria-label'), /^Supports: \d+ of \d+ \(\d+ %\)$/);
    await Promise.all([page.waitForURL('**/en/explorer/?topic=consensus&stance=supports'), seg.click()]);
  } finally {
    await page.close();
  }
});

test('screenshots of the home, topic and State pages at 1280 px and 390 px', { timeout: 120000 }, async () => {
  await mkdir(SHOTS, { recursive: true });
  for (const [slug, p] of [['home', '/en/'], ['topic', '/en/topics/consensus/'], ['state', '/fr/states/fra/']]) {
    for (const [name, viewport] of VIEWPORTS) {
      const page = await site.newPage();
      try {
        await page.setViewportSize(viewport);
        await page.goto(site.base + p, { waitUntil: 'load' });
        const file = path.join(SHOTS, `visuals-${slug}-${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`# screenshot: ${path.relative(process.cwd(), file)}`);
      } finally {
        await page.close();
      }
    }
  }
});
