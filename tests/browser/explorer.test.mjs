// The WebAssembly explorer in both languages, checked against /data/positions-<lang>.json:
// take-over and timings, facet clicks (URL, counts, results), reload, back, accent-less text
// search, CSV and JSON export, no console error.
//
// Expected numbers are recomputed here from the JSON with the engine's documented rules
// (explorer-wasm/src/engine.rs): OR within a facet, AND across facets; a selected topic or stance
// excludes the rows that have none (facts); the count shown next to a value is the number of
// results if that facet's selection were replaced by that value alone.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { setup, problemLines, waitForExplorer, observeExplorerReady, assertNone } from './browser.mjs';
import { positions, textMatches } from './site.mjs';

/** Facets that are recomputable from the JSON rows: facet key → row field. */
const FIELDS = { state: 'state_id', topic: 'topic_id', stance: 'stance_id' };

/** Columns of the CSV and JSON exports (explorer-wasm/src/export.rs). */
const EXPORT_COLUMNS = [
  'state_id', 'state', 'state_url', 'group', 'relation', 'document', 'topic_id', 'topic', 'stance_id', 'stance', 'quote', 'note', 'url',
];

/** Texts searched per language: accent-less and in another case than in the quote. */
const SEARCH = {
  fr: { query: 'ACCREDITATION', word: 'accréditation' },
  en: { query: 'turkiye', word: 'Türkiye' },
};

/** Cards rendered at first (PAGE in explorer-wasm/src/web.rs). */
const PAGE = 50;

const timings = [];

let site;
before(async () => {
  site = await setup({ acceptDownloads: true });
});
after(async () => {
  await site?.close();
  if (timings.length) {
    console.log('# explorer timings (for docs/benchmarks.md), headless Chromium, 2-core machine:');
    for (const t of timings) console.log(`#   ${t}`);
  }
});

/** { state: Set, topic: Set, stance: Set, q: string } from a URL query string. */
function filterOf(search) {
  const params = new URLSearchParams(search);
  const f = { q: params.get('q') ?? '' };
  for (const k of Object.keys(FIELDS)) f[k] = new Set(params.getAll(k));
  return f;
}

/** Whether `row` passes every filter of `f`, except the facet `except`. */
function passes(row, f, except = null) {
  for (const [k, field] of Object.entries(FIELDS)) {
    if (k === except || f[k].size === 0) continue;
    if (!f[k].has(row[field])) return false;
  }
  // A constrained topic or stance excludes rows without one (engine: "coded").
  if ((f.topic.size || f.stance.size) && (row.topic_id == null || row.stance_id == null)) return false;
  return textMatches(row, f.q);
}

function expectedRows(rows, f) {
  return rows.filter((r) => passes(r, f));
}

/** The count next to each value of `facet`, as the engine defines it. */
function expectedCounts(rows, f, facet) {
  const field = FIELDS[facet];
  const counts = new Map();
  for (const r of rows) {
    if (r[field] == null) continue;
    // Replacing this facet's selection by one value: the row must pass everything else, and
    // (when topic or stance is constrained by that value) have a topic and a stance.
    const g = { ...f, [facet]: new Set([r[field]]) };
    if (passes(r, g)) counts.set(r[field], (counts.get(r[field]) ?? 0) + 1);
  }
  return counts;
}

/** What the page shows: URL query, checked boxes, counts per facet, result count, cards. */
async function view(page) {
  return page.evaluate(() => {
    const facets = {};
    for (const fs of document.querySelectorAll('#explorer-form fieldset[data-facet]')) {
      const values = {};
      for (const input of fs.querySelectorAll('input[type=checkbox]')) {
        const span = input.parentElement.querySelector('.count');
        const m = /(\d+)/.exec(span?.textContent ?? '');
        values[input.value] = { checked: input.checked, count: m ? Number(m[1]) : null };
      }
      facets[fs.dataset.facet] = values;
    }
    const countText = document.querySelector('#explorer-results .explorer-count')?.textContent ?? '';
    return {
      search: location.search,
      facets,
      countText,
      count: /(\d+)/.test(countText) ? Number(/(\d+)/.exec(countText)[1]) : null,
      cards: document.querySelectorAll('#explorer-results .explorer-cards > li').length,
      cardStates: [...document.querySelectorAll('#explorer-results .explorer-cards > li .card-head strong')].map((e) => e.textContent),
      quotes: [...document.querySelectorAll('#explorer-results .explorer-cards > li blockquote')].map((e) => e.textContent),
      q: document.getElementById('explorer-q')?.value ?? '',
      filterMs: Number(document.getElementById('explorer').getAttribute('data-filter-ms')),
    };
  });
}

/** Waits until the live region announced `n` results (it speaks after a short delay). */
async function waitForStatus(page, n) {
  try {
    await page.waitForFunction(
      (n) => new RegExp(`^\\s*${n}\\D`).test(document.getElementById('explorer-status')?.textContent ?? ''),
      n,
      { timeout: 5000 },
    );
  } catch {
    const text = await page.textContent('#explorer-status');
    assert.fail(`#explorer-status should announce ${n} results, it says "${text}"`);
  }
}

/** Asserts the page shows exactly what the JSON gives for the filter in its URL. */
async function checkView(page, rows, label) {
  const v = await view(page);
  const f = filterOf(v.search);
  const want = expectedRows(rows, f);
  assert.equal(v.count, want.length, `${label}: "${v.countText}" shown, the JSON gives ${want.length} rows for ${v.search || '(no filter)'}`);
  assert.equal(v.cards, Math.min(want.length, PAGE), `${label}: ${v.cards} cards rendered for ${want.length} results (first page: ${PAGE})`);
  for (const facet of Object.keys(FIELDS)) {
    const expected = expectedCounts(rows, f, facet);
    const boxes = Object.keys(v.facets[facet] ?? {});
    assert.ok(boxes.length > 1, `${label}: the ${facet} fieldset has checkboxes`);
    const wrong = [];
    for (const [value, shown] of Object.entries(v.facets[facet] ?? {})) {
      const e = expected.get(value) ?? 0;
      if (shown.count !== e) wrong.push(`${value}: shows (${shown.count}), expected (${e})`);
      if (shown.checked !== f[facet].has(value)) wrong.push(`${value}: checked=${shown.checked} but the URL says ${f[facet].has(value)}`);
    }
    assertNone(wrong, `${label}: ${facet} facet values that disagree with the JSON for ${v.search || '(no filter)'}`);
  }
  await waitForStatus(page, want.length);
  return { v, want };
}

/** Opens the explorer (optionally with a query string) and waits for the WASM. */
async function openExplorer(lang, search = '') {
  const page = await site.newPage();
  await observeExplorerReady(page);
  await page.goto(`${site.base}/${lang}/explorer/${search}`, { waitUntil: 'load' });
  const state = await waitForExplorer(page);
  assert.ok(state.ok, `/${lang}/explorer/${search}: the WebAssembly explorer did not take over: ${state.reason}`);
  return { page, state };
}

function assertClean(page, label) {
  const problems = problemLines(site.problemsOf(page));
  assertNone(problems, `${label}: console errors, CSP violations or failed requests`);
}

/** Minimal RFC 4180 parser (quoted fields, doubled quotes, CRLF, newlines inside quotes). */
function parseCsv(text) {
  const records = [];
  let field = '';
  let record = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Clicks an export button and returns the downloaded file's name and text. */
async function download(page, act) {
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: 10000 }),
    page.click(`#explorer-views button[data-act="${act}"]`),
  ]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), text: await readFile(file, 'utf8') };
}

const sortedCount = (values) => {
  const m = new Map();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
};

test(
  'each active-filter chip shows its remove sign once',
  async () => {
    const { page } = await openExplorer('fr', '?topic=consensus&stance=supports');
    try {
      const chips = await page.evaluate(() =>
        [...document.querySelectorAll('#explorer-active .chip')].map((chip) => {
          const pseudo = (el, which) => {
            const c = getComputedStyle(el, which).content;
            return c && c !== 'none' && c !== 'normal' ? c.replace(/^"|"$/g, '') : '';
          };
          let text = pseudo(chip, '::before');
          for (const el of chip.querySelectorAll('*')) text += pseudo(el, '::before') + (el.children.length ? '' : el.textContent) + pseudo(el, '::after');
          return text + pseudo(chip, '::after');
        }),
      );
      assert.equal(chips.length, 2, 'two chips for two filters');
      for (const c of chips) assert.equal((c.match(/×/g) || []).length, 1, `chip "${c}" shows × ${(c.match(/×/g) || []).length} times`);
    } finally {
      await page.close();
    }
  },
);

for (const lang of ['fr', 'en']) {
  describe(`explorer (${lang})`, () => {
    let rows;
    before(async () => {
      rows = await positions(lang);
    });

    test('the WebAssembly takes over and shows every row of the JSON (timings printed)', async () => {
      const { page, state } = await openExplorer(lang);
      try {
        const sinceLoad = state.readyAt != null && state.loadEventEnd ? state.readyAt - state.loadEventEnd : NaN;
        timings.push(
          `${lang}: data-load-ms=${state.loadMs} data-filter-ms=${state.filterMs} ` +
            `navigation start → data-load-ms=${state.readyAt != null ? state.readyAt.toFixed(1) : '?'} ms ` +
            `load event → data-load-ms=${Number.isFinite(sinceLoad) ? sinceLoad.toFixed(1) : '?'} ms ` +
            `(${rows.length} rows)`,
        );
        assert.ok(state.loadMs > 0, `data-load-ms="${state.loadMs}" should be a positive number`);
        assert.ok(Number.isFinite(state.filterMs) && state.filterMs >= 0, `data-filter-ms="${state.filterMs}"`);
        assert.ok(await page.locator('#explorer-submit').isHidden(), 'the no-JavaScript submit button is hidden once the WASM runs');
        for (const act of ['csv', 'json']) {
          assert.equal(await page.locator(`#explorer-views button[data-act="${act}"]`).count(), 1, `#explorer-views has the ${act} export button`);
        }
        assert.equal(await page.locator('#explorer-results table.static-rows').count(), 0, 'the every-row table stays unbuilt in its <noscript> while the explorer runs');
        const { v } = await checkView(page, rows, 'no filter');
        assert.equal(v.count, rows.length, `without a filter every one of the ${rows.length} JSON rows is a result`);
        assert.equal(v.search, '', 'no query string before any click');
        assertClean(page, `/${lang}/explorer/`);
      } finally {
        await page.close();
      }
    });

    test('topic and stance checkboxes: URL, counts and results; reload keeps the view; Back undoes one filter', async () => {
      const { page } = await openExplorer(lang);
      try {
        await page.check('#explorer-form input[name="topic"][value="consensus"]');
        await page.waitForURL((u) => u.search === '?topic=consensus', { timeout: 5000 }).catch(() => {});
        assert.equal(new URL(page.url()).search, '?topic=consensus', 'the topic click is in the query string');
        const one = await checkView(page, rows, 'topic=consensus');
        assert.ok(one.want.length > 0, 'the JSON has rows for topic consensus');
        timings.push(`${lang}: data-filter-ms after the topic click=${one.v.filterMs}`);

        await page.check('#explorer-form input[name="stance"][value="supports"]');
        await page.waitForURL((u) => u.search.includes('stance=supports'), { timeout: 5000 }).catch(() => {});
        const search = new URL(page.url()).search;
        assert.deepEqual(
          [...new URLSearchParams(search)].sort(),
          [['stance', 'supports'], ['topic', 'consensus']],
          `both filters in the query string (got "${search}")`,
        );
        const two = await checkView(page, rows, 'topic=consensus&stance=supports');
        assert.ok(two.want.length > 0 && two.want.length < one.want.length, `the stance narrows the results (${one.want.length} → ${two.want.length})`);
        timings.push(`${lang}: data-filter-ms after the stance click=${two.v.filterMs}`);
        // The cards are the JSON's rows: same States, same quotes.
        assert.deepEqual(
          sortedCount(two.v.cardStates),
          sortedCount(two.want.slice(0, PAGE).map((r) => r.state)),
          'the cards show the States of the matching JSON rows',
        );
        assert.deepEqual(
          sortedCount(two.v.quotes),
          sortedCount(two.want.slice(0, PAGE).map((r) => r.quote).filter(Boolean)),
          'the cards show the quotes of the matching JSON rows',
        );

        // Reload: the URL alone rebuilds the same view.
        await page.reload({ waitUntil: 'load' });
        const again = await waitForExplorer(page);
        assert.ok(again.ok, `after reload: ${again.reason}`);
        const reloaded = await checkView(page, rows, 'after reload');
        assert.equal(reloaded.v.search, search, 'the reload keeps the query string');
        assert.equal(reloaded.v.count, two.want.length, 'the reload shows the same number of results');
        assert.ok(reloaded.v.facets.topic.consensus.checked && reloaded.v.facets.stance.supports.checked, 'the reload re-checks both boxes');

        // Back: one step, the stance filter goes, the topic stays.
        await page.goBack({ waitUntil: 'commit' });
        await page.waitForFunction(() => !document.querySelector('#explorer-form input[name="stance"][value="supports"]').checked, null, { timeout: 5000 }).catch(() => {});
        const back = await checkView(page, rows, 'after Back');
        assert.equal(back.v.search, '?topic=consensus', 'Back removes the last filter only');
        assert.equal(back.v.count, one.want.length, 'Back shows the topic-only results again');
        assert.ok(back.v.facets.topic.consensus.checked && !back.v.facets.stance.supports.checked, 'Back unchecks the stance box only');

        // Removing the remaining filter with its chip button, then nothing is filtered.
        await page.click('#explorer-active .chip button');
        await page.waitForURL((u) => u.search === '', { timeout: 5000 }).catch(() => {});
        const cleared = await checkView(page, rows, 'after removing the chip');
        assert.equal(cleared.v.count, rows.length, 'removing the last chip shows every row');
        assertClean(page, 'filter flow');
      } finally {
        await page.close();
      }
    });

    test(`accent- and case-insensitive search: "${SEARCH[lang].query}" finds "${SEARCH[lang].word}"`, async () => {
      const { query, word } = SEARCH[lang];
      const withWord = rows.filter((r) => `${r.quote} ${r.note}`.includes(word));
      assert.ok(withWord.length > 0, `the ${lang} JSON has a quote with "${word}" (update SEARCH if the data changed)`);
      const { page } = await openExplorer(lang);
      try {
        await page.fill('#explorer-q', query);
        await page.waitForFunction((q) => new URLSearchParams(location.search).get('q') === q, query, { timeout: 5000 }).catch(() => {});
        assert.equal(new URLSearchParams(new URL(page.url()).search).get('q'), query, 'the text query is in the URL');
        const { v, want } = await checkView(page, rows, `q=${query}`);
        assert.ok(want.length >= withWord.length, 'the JSON-side search finds the quote');
        for (const r of withWord) {
          assert.ok(
            v.quotes.some((q) => q === r.quote),
            `the quote of ${r.state} with "${word}" is among the results: ${v.quotes.map((q) => q.slice(0, 60)).join(' | ')}`,
          );
        }
        assertClean(page, 'text search');
      } finally {
        await page.close();
      }
    });

    test('CSV and JSON exports hold the current results (header + one line per result)', async () => {
      const search = '?topic=consensus&stance=supports';
      const { page } = await openExplorer(lang, search);
      try {
        const { v, want } = await checkView(page, rows, search);
        const csv = await download(page, 'csv');
        assert.match(csv.name, /\.csv$/, `CSV file name "${csv.name}"`);
        const records = parseCsv(csv.text.replace(/^\uFEFF/, ''));
        assert.deepEqual(records[0], EXPORT_COLUMNS, 'CSV header');
        assert.equal(records.length - 1, v.count, `the CSV has ${records.length - 1} data rows, the page shows ${v.count} results`);
        assert.equal(records.length - 1, want.length, 'and the JSON data agrees');
        assert.ok(records.every((r) => r.length === EXPORT_COLUMNS.length), 'every CSV line has the 13 columns');
        assert.deepEqual(
          sortedCount(records.slice(1).map((r) => r[0])),
          sortedCount(want.map((r) => r.state_id)),
          'the CSV rows are the matching rows (same State ids)',
        );
        assert.deepEqual(
          sortedCount(records.slice(1).map((r) => r[EXPORT_COLUMNS.indexOf('quote')])),
          sortedCount(want.map((r) => r.quote)),
          'the CSV rows carry the same quotes as the JSON',
        );

        const json = await download(page, 'json');
        assert.match(json.name, /\.json$/, `JSON file name "${json.name}"`);
        const data = JSON.parse(json.text);
        assert.ok(Array.isArray(data), 'the JSON export is an array');
        assert.equal(data.length, v.count, 'the JSON export has one object per result');
        assert.deepEqual(Object.keys(data[0] ?? {}), EXPORT_COLUMNS, 'JSON export keys');
        assertClean(page, 'exports');
      } finally {
        await page.close();
      }
    });
  });
}

// Without the explorer, every row is still there: for readers without JavaScript (the <noscript>
// table), and when the explorer cannot start (init.js builds the same table and says why).
describe('the every-row table when the explorer does not run', () => {
  let rows;
  before(async () => {
    rows = await positions('fr');
  });

  const staticRows = (page) => page.locator('#explorer-results table.static-rows tbody tr');

  test('without JavaScript', async () => {
    const context = await site.context.browser().newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${site.base}/fr/explorer/`, { waitUntil: 'load' });
      await staticRows(page).first().waitFor();
      assert.equal(await staticRows(page).count(), rows.length, 'one table row per row of positions-fr.json');
      assert.ok(await page.locator('#explorer-submit').isVisible(), 'the plain form is usable');
    } finally {
      await context.close();
    }
  });

  for (const [what, pattern] of [
    ['the index cannot be fetched', '**/data/explorer-fr.bin'],
    ['the WebAssembly glue cannot be loaded', '**/static/explorer/explorer.js'],
  ]) {
    test(`when ${what}`, async () => {
      const page = await site.newPage();
      try {
        await page.route(pattern, (route) => route.fulfill({ status: 404, body: 'missing' }));
        await page.goto(`${site.base}/fr/explorer/`, { waitUntil: 'load' });
        await staticRows(page).first().waitFor();
        assert.equal(await staticRows(page).count(), rows.length, 'one table row per row of positions-fr.json');
        const status = page.locator('#explorer-status');
        assert.ok(await status.isVisible(), 'the error is visible');
        const expected = await page.locator('#explorer').getAttribute('data-t-error');
        assert.equal((await status.textContent()).trim(), expected.trim(), 'the page says the explorer could not start');
      } finally {
        await page.close();
      }
    });
  }
});
