// Every sampled page loads in Chromium under the site's CSP with no console error, no uncaught
// exception, no CSP violation and no failed request; <html lang> matches the path's language;
// the language switcher keeps the fragment; screenshots of a document page (desktop, mobile).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { decodePng, inkOf } from './png.mjs';
import path from 'node:path';
import { setup, problemLines, waitForExplorer, assertNone } from './browser.mjs';
import { SAMPLED_PAGES, langOf, pageExists } from './site.mjs';

const SHOTS = path.join(import.meta.dirname, 'screenshots');

let site;
before(async () => {
  site = await setup();
});
after(async () => {
  await site?.close();
});

/** Opens `p` in a fresh tab, waits for it to settle, runs `check(page, response)`, closes it. */
async function visit(p, check) {
  const page = await site.newPage();
  try {
    const response = await page.goto(site.base + p, { waitUntil: 'load' });
    if (await page.$('#explorer')) await waitForExplorer(page);
    await check(page, response);
  } finally {
    await page.close();
  }
}

for (const p of SAMPLED_PAGES) {
  test(`${p} loads cleanly (no console error, no CSP violation, right lang)`, async () => {
    assert.ok(pageExists(p), `${p} is not in the build (SITE_PUBLIC): rebuild the site`);
    await visit(p, async (page, response) => {
      assert.equal(response.status(), 200, `${p}: HTTP ${response.status()}`);
      const problems = problemLines(site.problemsOf(page));
      assertNone(problems, `${p}: console errors, CSP violations or failed requests`);
      const lang = await page.getAttribute('html', 'lang');
      const expected = langOf(p);
      if (expected) {
        assert.equal(lang, expected, `${p}: <html lang="${lang}">, expected "${expected}" from the path`);
      } else {
        assert.match(lang ?? '', /^(fr|en)$/, `${p}: <html lang="${lang}"> is neither fr nor en`);
      }
      const title = (await page.title()).trim();
      assert.ok(title.length > 0, `${p}: empty <title>`);
      assert.equal(await page.locator('h1').count() > 0, true, `${p}: no <h1>`);
    });
  });
}

test('an unknown URL gets the 404 page with status 404, and it works there', async () => {
  for (const p of ['/does-not-exist/', '/fr/documents/nope/deeper/']) {
    await visit(p, async (page, response) => {
      assert.equal(response.status(), 404, `${p}: HTTP ${response.status()}, expected 404`);
      const problems = problemLines(site.problemsOf(page));
      assertNone(problems, `${p} (404 page): console errors, CSP violations or failed requests`);
      // Its stylesheet applies although the page is served at another path.
      const styled = await page.evaluate(() =>
        [...document.styleSheets].some((s) => {
          try {
            return s.cssRules.length > 0;
          } catch {
            return false;
          }
        }),
      );
      assert.ok(styled, `${p}: the 404 page's stylesheet did not load`);
    });
  }
});

test('every page of the sample sends the Content-Security-Policy header (server sanity)', async () => {
  const res = await fetch(`${site.base}/fr/`);
  assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
  const wasm = await fetch(`${site.base}/static/explorer/explorer_bg.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm', 'the .wasm MIME type');
  const js = await fetch(`${site.base}/static/explorer/explorer.js`);
  assert.match(js.headers.get('content-type') ?? '', /^text\/javascript/, 'the .js MIME type');
});

test('the language switcher keeps the paragraph: /fr/documents/a-78-76/#deu-3 → /en/…#deu-3', async () => {
  const page = await site.newPage();
  try {
    await page.goto(`${site.base}/fr/documents/a-78-76/#deu-3`, { waitUntil: 'load' });
    const href = await page.getAttribute('#lang-switch', 'href');
    assert.equal(href, '/en/documents/a-78-76/#deu-3', '#lang-switch href on load with a fragment');

    // Following another paragraph link updates it (hashchange).
    await page.evaluate(() => {
      location.hash = '#deu-1';
    });
    await page.waitForFunction(() => document.getElementById('lang-switch').getAttribute('href').endsWith('#deu-1'));
    assert.equal(await page.getAttribute('#lang-switch', 'href'), '/en/documents/a-78-76/#deu-1', 'after a hash change');

    await page.evaluate(() => {
      location.hash = '#deu-3';
    });
    await Promise.all([page.waitForURL('**/en/documents/a-78-76/#deu-3'), page.click('#lang-switch')]);
    assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the switched page is in English');
    assert.equal(await page.locator('#deu-3').count(), 1, 'the English page has the same paragraph id');
    const back = await page.getAttribute('#lang-switch', 'href');
    assert.equal(back, '/fr/documents/a-78-76/#deu-3', 'and its own switcher points back to the French paragraph');
    const problems = problemLines(site.problemsOf(page));
    assertNone(problems, 'console errors, CSP violations or failed requests');
  } finally {
    await page.close();
  }
});

test('screenshots of /fr/documents/a-78-76/ at 1280 px and 390 px (mobile)', async () => {
  await mkdir(SHOTS, { recursive: true });
  for (const [name, viewport] of [
    ['desktop-1280', { width: 1280, height: 900 }],
    ['mobile-390', { width: 390, height: 844 }],
  ]) {
    const page = await site.newPage();
    try {
      await page.setViewportSize(viewport);
      await page.goto(`${site.base}/fr/documents/a-78-76/`, { waitUntil: 'load' });
      const file = path.join(SHOTS, `fr-documents-a-78-76-${name}.png`);
      const shots = [await page.screenshot({ path: file })];
      // The document body (below the header and the table of contents) and the footnotes.
      await page.evaluate(() => document.querySelector('.doc-body')?.scrollIntoView());
      shots.push(await page.screenshot({ path: file.replace(/\.png$/, '-body.png') }));
      await page.evaluate(() => document.querySelector('.footnotes')?.scrollIntoView());
      shots.push(await page.screenshot({ path: file.replace(/\.png$/, '-footnotes.png') }));
      // Each shot is the viewport (device scale 1) and shows something: a blank page is one
      // colour; a page of text has a few per cent of its pixels inked, in many anti-aliased
      // shades. Scrolling moved the view, so no two shots are the same picture.
      for (const [i, shot] of shots.entries()) {
        const img = decodePng(shot);
        assert.deepEqual([img.width, img.height], [viewport.width, viewport.height], `${name} shot ${i}: size`);
        const { ink, colours } = inkOf(img);
        assert.ok(ink > 0.01 && colours > 20, `${name} shot ${i} looks blank: ${(ink * 100).toFixed(2)} % inked, ${colours} colours`);
      }
      assert.ok(!shots[0].equals(shots[1]) && !shots[1].equals(shots[2]), `${name}: scrolling did not change the view`);
      console.log(`# screenshots: ${path.relative(process.cwd(), file)} (and -body, -footnotes)`);
      const problems = problemLines(site.problemsOf(page));
      assertNone(problems, 'console errors, CSP violations or failed requests');
    } finally {
      await page.close();
    }
  }
});

/** Elements sticking out past the right edge, outside any scrolling container. */
function overflowReport() {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    let p = el.parentElement;
    let scrolls = false;
    for (; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') {
        scrolls = true;
        break;
      }
    }
    if (scrolls || getComputedStyle(el).position === 'fixed') continue;
    // Report the innermost culprits: skip an element whose child is reported too.
    const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
    wide.push({ el, text: `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls}> right=${Math.round(r.right)}px "${el.textContent.trim().slice(0, 50)}"` });
  }
  // Innermost culprits first, inline ones (an unbreakable link) before the blocks they stretch.
  const leaves = wide
    .filter((w) => !wide.some((o) => o !== w && w.el.contains(o.el)))
    .map((w) => ({ ...w, inline: getComputedStyle(w.el).display === 'inline', w: w.el.getBoundingClientRect().width }))
    .sort((a, b) => b.inline - a.inline || b.w - a.w);
  return { scrollWidth: document.documentElement.scrollWidth, width, wide: leaves.slice(0, 8).map((w) => w.text) };
}

const MOBILE_PAGES = [
  '/fr/documents/a-78-76/',
  '/en/documents/a-78-76/',
  '/fr/documents/a-78-76/parallel.html',
  '/fr/documents/a-res-71-28/',
  '/fr/documents/oewg-2021-2025-session-4-programme/',
  '/fr/states/fra/',
  '/fr/topics/consensus/',
  '/fr/explorer/',
  '/fr/references/',
  '/fr/timeline/',
  '/fr/',
  '/',
];

/** Pages checked at desktop width too (two text columns side by side). */
const DESKTOP_PAGES = ['/fr/documents/a-78-76/parallel.html', '/en/documents/a-78-76/parallel.html', '/fr/documents/a-78-76/', '/fr/explorer/'];

test(
  'no page of the sample scrolls sideways (390 px mobile, 1280 px desktop)',
  async () => {
    const failures = [];
    const page = await site.newPage();
    try {
      for (const [width, pages] of [[390, MOBILE_PAGES], [1280, DESKTOP_PAGES]]) {
        await page.setViewportSize({ width, height: 844 });
        for (const p of pages) {
          await page.goto(site.base + p, { waitUntil: 'load' });
          const r = await page.evaluate(overflowReport);
          if (r.scrollWidth > r.width) {
            failures.push(`${p} @${width}px: scrollWidth ${r.scrollWidth} > ${r.width}; past the edge:\n    ${r.wide.join('\n    ')}`);
          }
        }
      }
    } finally {
      await page.close();
    }
    assertNone(failures, 'pages wider than the screen');
  },
);
