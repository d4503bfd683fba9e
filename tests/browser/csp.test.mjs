// The pages' own <meta> Content-Security-Policy protects them on a host that sends no header
// (GitHub Pages, S3, a bare nginx): the site is served with no security header at all, and on
// each page below an inline <script> injected into the page is blocked, the page's own
// WebAssembly or scripts still start, and the page reports no CSP violation of its own.
// pages.test.mjs checks the same pages under the `_headers` policy sent as a header.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, problemLines, waitForExplorer, assertNone } from './browser.mjs';

/** Nothing to wait for beyond the load event. */
const loaded = async () => ({ ok: true });

/** The header search box: typing a query loads the WebAssembly engine and shows results. */
async function searchWorks(page) {
  await page.click('#site-search-q');
  await page.fill('#site-search-q', 'consensus');
  try {
    await page.waitForFunction(
      () => document.getElementById('site-search').dataset.shown === 'consensus'
        && document.querySelectorAll('#site-search-results [role=option]').length > 0,
      null,
      { timeout: 15000 },
    );
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `no search results: ${e.message}` };
  }
}

/**
 * The pages checked, each with what it must get running under the meta policy alone:
 * `ready(page)` resolves to { ok: true } or { ok: false, reason }. One line per page.
 */
const PAGES = [
  { path: '/fr/documents/a-78-76/', ready: loaded },
  { path: '/fr/explorer/', ready: waitForExplorer },
  { path: '/en/explorer/', ready: waitForExplorer },
  { path: '/404.html', ready: loaded },
  { path: '/en/states/', ready: searchWorks },
];

let site;
before(async () => {
  site = await setup({}, { headers: false });
});
after(async () => {
  await site?.close();
});

/** Injects an inline script; resolves to the violation it raised, or null after `ms`. */
function injectInlineScript(ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), ms);
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
        clearTimeout(timer);
        resolve({ directive: e.effectiveDirective, blocked: e.blockedURI });
      },
      { once: true },
    );
    const s = document.createElement('script');
    s.textContent = 'window.__injectedRan = true;';
    document.body.append(s);
  });
}

test('the server of this file sends no Content-Security-Policy header', async () => {
  const res = await fetch(`${site.base}/fr/explorer/`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-security-policy'), null);
  assert.equal(res.headers.get('x-content-type-options'), null);
});

for (const { path: p, ready } of PAGES) {
  test(`${p} without any header: its <meta> policy blocks an injected inline script, the page still works`, async () => {
    const page = await site.newPage();
    try {
      const response = await page.goto(site.base + p, { waitUntil: 'load' });
      assert.equal(response.headers()['content-security-policy'], undefined, `${p}: a CSP header was sent`);
      const state = await ready(page);
      assert.ok(state.ok, `${p}: did not start under the meta policy: ${state.reason}`);
      // Before the injection: the page itself breaks none of its policy.
      assertNone(problemLines(site.problemsOf(page)), `${p}: console errors, CSP violations or failed requests`);

      const violation = await page.evaluate(injectInlineScript, 3000);
      assert.ok(violation, `${p}: the injected inline script raised no securitypolicyviolation`);
      assert.match(violation.directive, /^script-src/, `${p}: violated ${violation.directive}`);
      assert.equal(violation.blocked, 'inline', `${p}: blocked ${violation.blocked}`);
      assert.equal(await page.evaluate(() => window.__injectedRan ?? false), false, `${p}: the injected script ran`);
    } finally {
      await page.close();
    }
  });
}
