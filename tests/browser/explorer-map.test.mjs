// The explorer's Map view, its Compare view with up to four States, and its layout, checked
// against /data/positions-<lang>.json:
// - the map's geometry is not requested on page load, only when the Map view is opened;
// - without a topic, each State's colour class is its number of matching rows in four classes
//   (class k of n rows: ceil(4n / the largest count)); with one topic, its stance on that topic;
//   a filter change recolours it; a click on a State adds it to the State filter;
// - the European Union, which has no shape, is on the map as a labelled marker;
// - Compare shows four States side by side, reached from a State page's "Compare with…" link;
// - at 1280×1000 and at 390 px results start on the first screen; stance values are grouped
//   under their topic; axe finds nothing on the Map view, light and dark, at 1280 and 390 px.
// This file injects axe, so its context bypasses the CSP (csp.test.mjs checks the policy).

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { setup, problemLines, waitForExplorer, assertNone } from './browser.mjs';
import { positions } from './site.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const MAP_FILE = '/data/explorer-map.svg';

let site;
before(async () => {
  site = await setup({ bypassCSP: true });
});
after(async () => {
  await site?.close();
});

/** Opens the explorer with a query string and waits for the WebAssembly; records requests. */
async function open(lang, search = '', viewport = null) {
  const page = await site.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(`${site.base}/${lang}/explorer/${search}`, { waitUntil: 'load' });
  const state = await waitForExplorer(page);
  assert.ok(state.ok, `/${lang}/explorer/${search}: the explorer did not start: ${state.reason}`);
  return { page, requests };
}

/** Waits until the map is drawn, then returns each State's class and name on it. */
async function mapStates(page) {
  await page.waitForSelector('.explorer-map svg [data-state]', { timeout: 10000 });
  return page.evaluate(() => {
    const out = {};
    for (const e of document.querySelectorAll('.explorer-map svg [data-state]')) {
      out[e.dataset.state] = { cls: e.getAttribute('class'), name: e.getAttribute('aria-label'), title: e.querySelector('title')?.textContent };
    }
    return out;
  });
}

/** The rows of the JSON that pass a filter: OR within a facet, AND across, as the engine. */
function matching(rows, { state = [], topic = [], stance = [] } = {}) {
  return rows.filter(
    (r) =>
      (!state.length || state.includes(r.state_id)) &&
      (!topic.length || topic.includes(r.topic_id)) &&
      (!stance.length || stance.includes(r.stance_id)) &&
      (!(topic.length || stance.length) || (r.topic_id != null && r.stance_id != null)),
  );
}

/** What the map should say of each State of `all`, in count mode or for one topic. */
function expectedClasses(all, rows, topic = null) {
  const count = new Map();
  const stance = new Map();
  for (const r of rows) {
    count.set(r.state_id, (count.get(r.state_id) ?? 0) + 1);
    if (topic && r.topic_id === topic) stance.set(r.state_id, r.stance_id);
  }
  const most = Math.max(1, ...count.values());
  const want = {};
  for (const id of new Set(all.map((r) => r.state_id))) {
    const n = count.get(id) ?? 0;
    if (topic) want[id] = stance.has(id) ? `stance-${stance.get(id)}` : 'uncoded';
    else want[id] = n ? `roles-${Math.ceil((4 * n) / most)}` : 'uncoded';
  }
  return want;
}

function compareClasses(shown, want, label) {
  const wrong = [];
  for (const [id, cls] of Object.entries(want)) {
    if (!shown[id]) wrong.push(`${id}: not on the map`);
    else if (shown[id].cls !== cls) wrong.push(`${id}: class "${shown[id].cls}", expected "${cls}"`);
  }
  assertNone(wrong, `${label}: States coloured unlike the JSON`);
}

for (const lang of ['fr', 'en']) {
  describe(`Map view (${lang})`, () => {
    let rows;
    before(async () => {
      rows = await positions(lang);
    });

    test('the geometry is fetched when the Map view opens, never on page load', async () => {
      const { page, requests } = await open(lang);
      try {
        await page.waitForTimeout(500);
        assert.ok(!requests.includes(MAP_FILE), `${MAP_FILE} was requested on page load`);
        assert.equal(await page.locator('.explorer-map').count(), 0, 'no map before the view is chosen');
        await page.click('#explorer-views button[data-act="view:map"]');
        const shown = await mapStates(page);
        assert.ok(requests.includes(MAP_FILE), `${MAP_FILE} requested once the view is open`);
        assert.equal(requests.filter((r) => r === MAP_FILE).length, 1, 'fetched once');
        assert.equal(new URL(page.url()).searchParams.get('view'), 'map', 'the view is in the URL');
        // Every State of the data is on the map, by shape, marker or inset marker.
        const ids = [...new Set(rows.map((r) => r.state_id))];
        const missing = ids.filter((id) => !shown[id]);
        assertNone(missing, 'States of the data missing from the map');
        // Switching views and back does not fetch it again.
        await page.click('#explorer-views button[data-act="view:cards"]');
        await page.click('#explorer-views button[data-act="view:map"]');
        await mapStates(page);
        assert.equal(requests.filter((r) => r === MAP_FILE).length, 1, 'not fetched again');
        assertNone(problemLines(site.problemsOf(page)), 'console errors or failed requests');
      } finally {
        await page.close();
      }
    });

    test('without a topic each State shows its number of matching rows; one topic recolours it by stance; a stance filter again', async () => {
      const { page } = await open(lang, '?view=map');
      try {
        const all = await mapStates(page);
        compareClasses(all, expectedClasses(rows, rows), 'no filter');
        // The name says the count, not only the colour.
        const fraRows = rows.filter((r) => r.state_id === 'fra').length;
        assert.match(all.fra.name, new RegExp(`\\b${fraRows}\\b`), `France's name on the map gives its ${fraRows} rows: "${all.fra.name}"`);
        assert.equal(all.fra.title, all.fra.name, 'the <title> says the same as the label');

        await page.check('#explorer-form input[name="topic"][value="consensus"]');
        await page.waitForFunction(() => document.querySelector('.explorer-map [data-state="fra"]')?.getAttribute('class')?.startsWith('stance-'), null, { timeout: 5000 });
        const one = await mapStates(page);
        const want = expectedClasses(rows, matching(rows, { topic: ['consensus'] }), 'consensus');
        assert.ok(Object.values(want).some((c) => c.startsWith('stance-')), 'the JSON has stances on consensus');
        compareClasses(one, want, 'topic=consensus');
        const fraStance = rows.find((r) => r.state_id === 'fra' && r.topic_id === 'consensus');
        assert.ok(one.fra.name.includes(fraStance.stance), `France's name gives its stance "${fraStance.stance}": "${one.fra.name}"`);
        // The legend names each stance shown with its number of States.
        const legend = await page.locator('.explorer-map .legend li').allTextContents();
        const supports = Object.values(want).filter((c) => c === 'stance-supports').length;
        const label = rows.find((r) => r.stance_id === 'supports').stance;
        assert.ok(legend.some((l) => l.trim() === `${label} (${supports})`), `legend has "${label} (${supports})": ${legend.join(' | ')}`);

        await page.check('#explorer-form input[name="stance"][value="supports"]');
        await page.waitForURL((u) => u.search.includes('stance=supports'), { timeout: 5000 });
        await page.waitForFunction(() => document.querySelectorAll('.explorer-map .legend li').length === 2, null, { timeout: 5000 }).catch(() => {});
        const two = await mapStates(page);
        compareClasses(two, expectedClasses(rows, matching(rows, { topic: ['consensus'], stance: ['supports'] }), 'consensus'), 'topic=consensus&stance=supports');
        assert.ok(Object.values(two).some((s) => s.cls === 'uncoded') && Object.values(two).some((s) => s.cls === 'stance-supports'), 'some States lose their colour, others keep it');
      } finally {
        await page.close();
      }
    });

    test('a click on a State adds it to the State filter (and the results follow)', async () => {
      const { page } = await open(lang, '?topic=consensus&view=map');
      try {
        await mapStates(page);
        await page.click('.explorer-map svg [data-state="deu"]');
        await page.waitForURL((u) => u.searchParams.getAll('state').includes('deu'), { timeout: 5000 });
        const url = new URL(page.url());
        assert.deepEqual(url.searchParams.getAll('state'), ['deu'], 'the State is in the URL');
        assert.equal(url.pathname, `/${lang}/explorer/`, 'the page stays');
        assert.ok(await page.isChecked('#explorer-form input[name="state"][value="deu"]'), 'its checkbox is checked');
        const want = matching(rows, { state: ['deu'], topic: ['consensus'] }).length;
        const count = await page.textContent('#explorer-results .explorer-count');
        assert.equal(Number(/\d+/.exec(count)[0]), want, `the count follows the filter (${want} in the JSON): "${count}"`);
        // With only Germany matching, every other State is "no match".
        const shown = await mapStates(page);
        assert.ok(shown.deu.cls.startsWith('stance-') && shown.fra.cls === 'uncoded', `Germany coloured, France not: ${shown.deu.cls}, ${shown.fra.cls}`);
        // By keyboard: Enter on a focused State adds it too.
        await page.focus('.explorer-map svg [data-state="fra"]');
        await page.keyboard.press('Enter');
        await page.waitForURL((u) => u.searchParams.getAll('state').includes('fra'), { timeout: 5000 });
        assert.deepEqual(new URL(page.url()).searchParams.getAll('state').sort(), ['deu', 'fra']);
      } finally {
        await page.close();
      }
    });

    test('the European Union, which has no shape, is a labelled marker', async () => {
      const { page } = await open(lang, '?view=map');
      try {
        await mapStates(page);
        const eu = rows.find((r) => r.state_id === 'eu').state;
        assert.equal(await page.locator('.explorer-map svg [data-state="eu"] circle.marker').count(), 1, 'a marker');
        assert.equal((await page.textContent('.explorer-map svg [data-label-for="eu"]')).trim(), eu, 'labelled with its name');
      } finally {
        await page.close();
      }
    });
  });
}

test('Compare: four States side by side, from a State page\'s "Compare with…" link and the State list', async () => {
  const rows = await positions('en');
  const page = await site.newPage();
  try {
    await page.goto(`${site.base}/en/states/fra/`, { waitUntil: 'load' });
    await page.click('a.compare-with');
    await waitForExplorer(page);
    const url = new URL(page.url());
    assert.equal(url.pathname, '/en/explorer/');
    assert.deepEqual([url.searchParams.getAll('state'), url.searchParams.get('view')], [['fra'], 'compare']);
    assert.equal(await page.locator('#explorer-results .explorer-hint').count(), 1, 'one State: the hint asks for more');
    for (const id of ['deu', 'jpn', 'cub']) await page.check(`#explorer-form input[name="state"][value="${id}"]`);
    await page.waitForSelector('#explorer-results table.explorer-matrix', { timeout: 5000 });
    const table = await page.evaluate(() => {
      const t = document.querySelector('#explorer-results table.explorer-matrix');
      return {
        heads: [...t.querySelectorAll('thead th')].slice(1).map((th) => th.textContent),
        rows: [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.querySelector('a,span')?.textContent ?? c.textContent)),
      };
    });
    const names = Object.fromEntries(rows.map((r) => [r.state_id, r.state]));
    assert.deepEqual([...table.heads].sort(), ['cub', 'deu', 'fra', 'jpn'].map((id) => names[id]).sort(), 'four State columns');
    // Each cell is that State's stance on the row's topic, as in the JSON.
    const topicOf = Object.fromEntries(rows.filter((r) => r.topic).map((r) => [r.topic, r.topic_id]));
    const wrong = [];
    for (const [topic, ...cells] of table.rows) {
      cells.forEach((cell, i) => {
        const id = Object.keys(names).find((k) => names[k] === table.heads[i]);
        const row = rows.find((r) => r.state_id === id && r.topic_id === topicOf[topic]);
        if ((row?.stance ?? '') !== cell) wrong.push(`${table.heads[i]} / ${topic}: "${cell}", JSON "${row?.stance ?? ''}"`);
      });
    }
    assert.ok(table.rows.length > 0, 'topic rows');
    assertNone(wrong, 'cells unlike the JSON');
  } finally {
    await page.close();
  }
});

test('results on the first screen at 1280×1000 and at 390 px; stance values under their topic', async () => {
  for (const viewport of [{ width: 1280, height: 1000 }, { width: 390, height: 844 }]) {
    const { page } = await open('en', '', viewport);
    try {
      const top = await page.evaluate(() => document.querySelector('#explorer-results .explorer-cards li')?.getBoundingClientRect().top ?? Infinity);
      assert.ok(top < viewport.height - 50, `${viewport.width}px: the first result starts at ${top}px, below the first screen`);
      const shown = await page.isVisible('#explorer-form input[name="topic"]');
      assert.equal(shown, viewport.width >= 1024, `${viewport.width}px: the facets are ${shown ? 'shown' : 'folded'}`);
      if (!shown) {
        await page.click('#explorer-filters > summary');
        assert.ok(await page.isVisible('#explorer-form input[name="topic"]'), `${viewport.width}px: the panel opens`);
      }
      const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(sideways <= 0, `${viewport.width}px: ${sideways}px of sideways scrolling`);
    } finally {
      await page.close();
    }
  }
  const { page } = await open('en', '', { width: 1280, height: 1000 });
  try {
    // "Geneva" is a value of the venue topic only: it is under that topic's heading.
    const group = await page.evaluate(() => {
      const input = document.querySelector('#explorer-form input[name="stance"][value="geneva"]');
      const fs = input.closest('fieldset.stance-group');
      return { topic: fs?.dataset.topic, legend: fs?.querySelector('legend')?.textContent };
    });
    assert.equal(group.topic, 'venue', 'geneva is grouped under the venue topic');
    // With a topic selected, only its values and the shared ones stay in view.
    await page.check('#explorer-form input[name="topic"][value="consensus"]');
    await page.waitForURL((u) => u.search === '?topic=consensus', { timeout: 5000 });
    assert.ok(await page.isHidden('fieldset.stance-group[data-topic="venue"]'), 'the venue values are hidden');
    assert.ok(await page.isVisible('#explorer-form input[name="stance"][value="supports"]'), 'shared values stay');
  } finally {
    await page.close();
  }
});

test('axe: the Map view in the light and dark schemes, at 1280 and 390 px', { timeout: 120000 }, async () => {
  const failures = [];
  for (const scheme of ['light', 'dark']) {
    for (const width of [1280, 390]) {
      for (const search of ['?view=map', '?topic=consensus&view=map']) {
        const { page } = await open('fr', search, { width, height: 900 });
        try {
          await page.emulateMedia({ colorScheme: scheme });
          await mapStates(page);
          await page.addScriptTag({ path: AXE });
          const v = await page.evaluate(async () => {
            // eslint-disable-next-line no-undef
            const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] });
            return r.violations.map((x) => `${x.id}: ${x.help} — ${x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
          });
          failures.push(...v.map((x) => `[${search} ${scheme} ${width}px] ${x}`));
        } finally {
          await page.close();
        }
      }
    }
  }
  assertNone(failures, 'axe violations');
});

describe('the explorer panel of State and topic pages', () => {
  /** Scrolls to the panel and waits for the module; returns the requests made before that. */
  async function openPanel(path) {
    const page = await site.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(site.base + path, { waitUntil: 'load' });
    await page.waitForTimeout(300);
    const before = requests.filter((r) => r.endsWith('.wasm') || r.endsWith('.bin'));
    await page.locator('#explorer-panel').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.getElementById('explorer-panel')?.hasAttribute('data-load-ms'), null, { timeout: 15000 });
    return { page, before };
  }
  const countOf = async (page) => Number(/\d+/.exec(await page.textContent('#explorer-panel .explorer-count'))[0]);

  test('a State page: the panel loads when it nears the screen, filtered to the State, and leaves the URL alone', async () => {
    const rows = await positions('en');
    const { page, before } = await openPanel('/en/states/deu/');
    try {
      assertNone(before, 'the module or index fetched before the panel came near the screen');
      assert.equal(await countOf(page), rows.filter((r) => r.state_id === 'deu').length, "the panel shows Germany's rows of the JSON");
      // One State chosen: Compare says how to add others where the panel can, not a State list it lacks.
      await page.click('#explorer-panel button[data-act="view:compare"]');
      const hint = await page.textContent('#explorer-panel .explorer-hint');
      assert.match(hint, /Map view/, 'the panel compare hint points to the Map view');
      assert.doesNotMatch(hint, /^Choose 2 to 4 States in the State list$/, "the explorer page's hint, whose list the panel lacks");
      await page.click('#explorer-panel button[data-act="view:map"]');
      // Austria: a compact shape, so the middle of its box is on it.
      await page.waitForSelector('#explorer-panel .explorer-map svg [data-state="aut"]');
      await page.click('#explorer-panel .explorer-map svg [data-state="aut"]');
      const both = rows.filter((r) => ['deu', 'aut'].includes(r.state_id)).length;
      await page.waitForFunction((n) => /\d+/.exec(document.querySelector('#explorer-panel .explorer-count').textContent)[0] === String(n), both, { timeout: 5000 });
      assert.equal(new URL(page.url()).search, '', 'the page URL has no filter');
      // Two States now: Compare shows them side by side.
      await page.click('#explorer-panel button[data-act="view:compare"]');
      assert.equal(await page.locator('#explorer-panel .explorer-hint').count(), 0, 'no hint with two States');
      assertNone(problemLines(site.problemsOf(page)), 'console errors or failed requests');
    } finally {
      await page.close();
    }
  });

  test('a topic page: the panel is filtered to the topic, and its map shows the stances', async () => {
    const rows = await positions('fr');
    const { page } = await openPanel('/fr/topics/consensus/');
    try {
      const want = matching(rows, { topic: ['consensus'] });
      assert.equal(await countOf(page), want.length, 'the topic rows of the JSON');
      await page.click('#explorer-panel button[data-act="view:map"]');
      const shown = await mapStates(page);
      compareClasses(shown, expectedClasses(rows, want, 'consensus'), 'topic panel');
    } finally {
      await page.close();
    }
  });

  test('without JavaScript there is no panel, and the static table stays', async () => {
    const context = await site.context.browser().newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      for (const p of ['/en/states/deu/', '/fr/topics/consensus/']) {
        await page.goto(site.base + p, { waitUntil: 'load' });
        assert.equal(await page.locator('#explorer-panel').count(), 1, `${p}: the panel is in the page`);
        assert.ok(await page.locator('#explorer-panel').isHidden(), `${p}: and hidden`);
        assert.equal(await page.locator('#explorer-panel button, #explorer-panel input').count(), 0, `${p}: no control in it`);
      }
      assert.ok(await page.locator('#positions').isVisible(), 'the topic page keeps its list of positions');
    } finally {
      await context.close();
    }
  });
});
