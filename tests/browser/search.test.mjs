// The header search box in Chromium, under the site's CSP: hidden without JavaScript, module
// loaded on focus and not before, typing shows paragraph results, keyboard navigation, Enter
// lands on the paragraph, ?q= restores, the other-language switch, filters, bad input, axe on
// the open results, no console error.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { setup, launch, problemLines, assertNone } from './browser.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DOC = '/fr/documents/a-78-76/';

let site;
before(async () => {
  site = await setup();
});
after(async () => {
  await site?.close();
});

async function withPage(path, fn, ctx = site) {
  const page = await ctx.newPage();
  const wasm = [];
  page.on('request', (r) => {
    if (r.url().endsWith('.wasm') || r.url().includes('/data/search/')) wasm.push(r.url());
  });
  try {
    await page.goto(site.base + path, { waitUntil: 'load' });
    await fn(page, wasm);
    if (ctx === site) assertNone(problemLines(site.problemsOf(page)), `${path}: console errors, CSP violations or failed requests`);
  } finally {
    await page.close();
  }
}

/** Types `q` into the box and waits for the status to announce a count. */
async function search(page, q) {
  await page.click('#site-search-q');
  await page.fill('#site-search-q', q);
  await waitShown(page, q);
}

/** Waits until the results on screen are those of `q`, their snippets filled in. */
async function waitShown(page, q) {
  await page.waitForFunction((q) => document.getElementById('site-search').dataset.shown === q
    && document.getElementById('site-search').dataset.filled === q
    && !document.getElementById('site-search-panel').hidden, q, { timeout: 15000 });
}

const results = (page) =>
  page.$$eval('#site-search-results [role=option]', (os) => os.map((o) => ({ href: o.getAttribute('href'), text: o.textContent, lang: o.lang })));

test('the box is shown with JavaScript, and loads nothing until it is used', async () => {
  await withPage(DOC, async (page, fetched) => {
    assert.equal(await page.isVisible('#site-search-q'), true);
    await page.waitForTimeout(500);
    assert.deepEqual(fetched, [], 'the module or the index was fetched on page load');
    await page.focus('#site-search-q');
    await page.waitForFunction(() => performance.getEntriesByType('resource').some((r) => r.name.endsWith('explorer_bg.wasm')));
  });
});

test('without JavaScript, no search control is shown', async () => {
  const nojs = await launch({ javaScriptEnabled: false });
  try {
    const page = await nojs.context.newPage();
    await page.goto(site.base + DOC);
    assert.equal(await page.isVisible('#site-search'), false);
    assert.equal(await page.isVisible('#site-search-q'), false);
  } finally {
    await nojs.close();
  }
});

test('typing finds paragraphs with highlighted words; the count is announced', async () => {
  await withPage(DOC, async (page) => {
    await search(page, 'fonds d\'affectation');
    const r = await results(page);
    assert.ok(r.length > 0 && r.length <= 10, `${r.length} results shown`);
    assert.ok(r.every((x) => x.href.startsWith('/fr/')), 'page language');
    assert.ok(r.some((x) => /^\/fr\/documents\/a-78-76\/#/.test(x.href)), 'results link to paragraph anchors');
    assert.ok(r.some((x) => x.text.includes('A/78/76')), 'results name their document');
    const marks = await page.$$eval('#site-search-results mark', (ms) => ms.map((m) => m.textContent.toLowerCase()));
    assert.ok(marks.some((m) => m.startsWith('fonds')), `highlights: ${marks.slice(0, 5)}`);
    const status = await page.textContent('#site-search-status');
    assert.match(status, /\d+ résultats|1 résultat/);
    assert.equal(await page.getAttribute('#site-search-q', 'aria-expanded'), 'true');
  });
});

test('arrow keys move through results, Enter lands on the paragraph, Escape closes', async () => {
  await withPage(DOC, async (page) => {
    await search(page, 'Genève');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const active = await page.getAttribute('#site-search-q', 'aria-activedescendant');
    assert.equal(active, 'site-search-opt-1');
    assert.equal(await page.getAttribute('#site-search-opt-1', 'aria-selected'), 'true');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.getAttribute('#site-search-q', 'aria-activedescendant'), 'site-search-opt-0');
    await page.keyboard.press('Escape');
    assert.equal(await page.isVisible('#site-search-panel'), false);
    assert.equal(await page.getAttribute('#site-search-q', 'aria-expanded'), 'false');
    // Down to the first result that is a paragraph (pages come first for some words).
    const hrefs = (await results(page)).map((r) => r.href);
    const n = hrefs.findIndex((h) => h.includes('#'));
    assert.ok(n >= 0, `no paragraph among ${hrefs}`);
    for (let i = 0; i <= n; i++) await page.keyboard.press('ArrowDown');
    const href = await page.getAttribute(`#site-search-opt-${n}`, 'href');
    await Promise.all([page.waitForURL((u) => u.hash !== ''), page.keyboard.press('Enter')]);
    const url = new URL(page.url());
    assert.equal(url.pathname + url.hash, href);
    const id = url.hash.slice(1);
    assert.equal(await page.evaluate((id) => !!document.getElementById(id), id), true, `no element #${id}`);
    assert.equal(await page.evaluate(() => document.querySelector(':target')?.id), id);
  });
});

test('/ focuses the box', async () => {
  await withPage('/en/', async (page) => {
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'site-search-q');
    assert.equal(await page.inputValue('#site-search-q'), '');
  });
});

test('?q= opens the search with that query, and the URL follows the query', async () => {
  await withPage('/en/documents/a-78-76/?q=trust%20fund', async (page) => {
    await waitShown(page, 'trust fund');
    assert.ok((await results(page)).length > 0);
    assert.equal(await page.inputValue('#site-search-q'), 'trust fund');
    await search(page, 'Geneva');
    assert.equal(new URL(page.url()).searchParams.get('q'), 'Geneva');
  });
});

test('the language switch searches the other language, or both', async () => {
  await withPage('/en/', async (page) => {
    await search(page, 'Genève');
    const en = await results(page);
    assert.ok(en.every((r) => r.href.startsWith('/en/')), 'page language first');
    await page.click('#site-search-panel button[data-langs=other]');
    await waitShown(page, 'Genève');
    const fr = await results(page);
    assert.ok(fr.every((r) => r.href.startsWith('/fr/') && r.lang === 'fr'), JSON.stringify(fr.slice(0, 2)));
    await page.click('#site-search-panel button[data-langs=both]');
    await search(page, 'fonds d\'affectation spéciale');
    const both = await results(page);
    assert.ok(both.some((r) => r.href.startsWith('/fr/')), 'a French query on the English site finds the French text');
  });
});

test('filters: one document, State replies only', async () => {
  await withPage('/fr/', async (page) => {
    await search(page, 'programme d\'action');
    await page.check('#site-search-replies');
    await waitShown(page, 'programme d\'action');
    const replies = await results(page);
    assert.ok(replies.length > 0);
    for (const r of replies) assert.match(r.href, /a-78-76\/#[a-z]{3}(-|$)/, r.href);
    await page.uncheck('#site-search-replies');
    await search(page, 'Genève');
    await page.selectOption('#site-search-doc', 'a-res-71-28');
    await waitShown(page, 'Genève');
    const inDoc = await results(page);
    assert.ok(inDoc.length > 0, 'A/RES/71/28 names Genève (#pp3)');
    for (const r of inDoc) assert.match(r.href, /a-res-71-28/, r.href);
  });
});

test('bad input never throws nor inserts markup', async () => {
  await withPage('/fr/', async (page) => {
    for (const q of ['x'.repeat(10000), '!!!???', '"', '"programme d', 'برنامج العمل', '😀', '<img src=x onerror="window.__pwned=1">', '<script>window.__pwned=1</script>']) {
      await page.fill('#site-search-q', q);
      await page.waitForTimeout(200);
    }
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.equal(await page.$$eval('#site-search-results img, #site-search-results script', (e) => e.length), 0);
  });
});

test('axe: the open results have no accessibility violation', async () => {
  const a11y = await setup({ bypassCSP: true });
  try {
    const page = await a11y.newPage();
    await page.goto(a11y.base + DOC);
    await search(page, 'Suisse');
    await page.keyboard.press('ArrowDown');
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
        resultTypes: ['violations'],
      });
      return r.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
    });
    assertNone(violations, 'axe violations with the results open');
  } finally {
    await a11y.close();
  }
});
