// Launch helper: Debian's Chromium driven by playwright-core (no browser download), plus a
// watcher that collects, per page, console errors, uncaught exceptions, CSP violations and
// failed requests, so each test can assert "nothing went wrong" with one readable message.

import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startServer, sitePublic } from './server.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Chromium with a fresh temporary profile (--user-data-dir in a mkdtemp directory,
 * removed on close) and returns { context, browser-like close() }.
 * `options` are Playwright context options (viewport, bypassCSP, acceptDownloads…).
 */
export async function launch(options = {}) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' ` +
        '(or set CHROMIUM_PATH)',
    );
  }
  const profile = await mkdtemp(path.join(os.tmpdir(), 'site-browser-tests-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(profile, { recursive: true, force: true }).catch(() => {});
    },
  };
}

/** Recorded in every page before its own scripts run: CSP violations as the DOM reports them. */
function cspInitScript() {
  document.addEventListener(
    'securitypolicyviolation',
    (e) => {
      const v = {
        directive: e.violatedDirective || e.effectiveDirective,
        blocked: e.blockedURI,
        source: e.sourceFile,
        line: e.lineNumber,
        sample: e.sample,
      };
      (window.__cspViolations ||= []).push(v);
      // The binding exists when the watcher installed it; the array is the fallback.
      if (typeof window.__reportCsp === 'function') window.__reportCsp(v);
    },
    true,
  );
}

/**
 * Starts watching a context: every page opened in it gets its problems recorded.
 * Returns `problemsOf(page)` → { console, errors, csp, requests } (arrays of strings).
 */
export async function watch(context) {
  const byPage = new WeakMap();
  const entry = (page) => {
    let e = byPage.get(page);
    if (!e) {
      e = { console: [], errors: [], csp: [], requests: [] };
      byPage.set(page, e);
    }
    return e;
  };
  await context.exposeBinding('__reportCsp', ({ page }, v) => {
    entry(page).csp.push(
      `CSP ${v.directive} blocked ${v.blocked || '(inline)'}` +
        (v.source ? ` at ${v.source}:${v.line}` : '') +
        (v.sample ? ` sample=${JSON.stringify(v.sample)}` : ''),
    );
  });
  await context.addInitScript(cspInitScript);
  const attach = (page) => {
    const e = entry(page);
    page.on('console', (msg) => {
      const text = msg.text();
      const isCsp = /Content.Security.Policy/i.test(text);
      if (isCsp) e.csp.push(`console: ${text}`);
      else if (msg.type() === 'error') {
        // Chromium reports the 404 page's own status as a console error: that one is expected
        // when a test opens a missing URL on purpose, and is checked through `requests` instead.
        if (/Failed to load resource: the server responded with a status of 404/.test(text)) {
          return;
        }
        e.console.push(`${text} (${msg.location().url || '?'})`);
      }
    });
    page.on('pageerror', (err) => e.errors.push(String(err?.stack || err)));
    page.on('requestfailed', (req) => {
      const why = req.failure()?.errorText || 'failed';
      // A download the test caught, or a navigation aborted by the next one, is not a defect.
      if (/ERR_ABORTED/.test(why)) return;
      e.requests.push(`${req.method()} ${req.url()}: ${why}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400 && res.request().resourceType() !== 'document') {
        e.requests.push(`${res.status()} ${res.url()}`);
      }
    });
  };
  context.pages().forEach(attach);
  context.on('page', attach);
  return (page) => entry(page);
}

/** Fails with `message` and the list, one per line, when `list` is not empty. */
export function assertNone(list, message) {
  if (list.length) assert.fail(`${message}: ${list.length}\n  ${list.join('\n  ')}`);
}

/** Every problem recorded for `page`, as lines (empty when all is well). */
export function problemLines(p) {
  return [
    ...p.console.map((s) => `console error: ${s}`),
    ...p.errors.map((s) => `uncaught: ${s}`),
    ...p.csp.map((s) => `CSP violation: ${s}`),
    ...p.requests.map((s) => `request: ${s}`),
  ];
}

/**
 * Waits until the explorer's WebAssembly took over `#explorer` (it sets data-load-ms) or gave up
 * (#explorer-status shows the page's data-t-error text). Resolves to
 * { ok: true, loadMs, filterMs, sinceLoadEventMs } or { ok: false, reason }.
 * `sinceLoadEventMs` is the time from the page's load event to data-load-ms being set,
 * measured in the page with performance.now().
 */
export async function waitForExplorer(page, timeout = 20000) {
  try {
    await page.waitForFunction(
      () => {
        const root = document.getElementById('explorer');
        if (!root) return true;
        if (root.hasAttribute('data-load-ms')) return true;
        const status = document.getElementById('explorer-status');
        return !!status && !!root.dataset.tError && status.textContent.trim() === root.dataset.tError.trim();
      },
      null,
      { timeout, polling: 'raf' },
    );
  } catch {
    return { ok: false, reason: `#explorer got no data-load-ms within ${timeout} ms` };
  }
  return page.evaluate(() => {
    const root = document.getElementById('explorer');
    if (!root) return { ok: false, reason: 'no #explorer element on the page' };
    if (!root.hasAttribute('data-load-ms')) {
      const status = document.getElementById('explorer-status')?.textContent.trim();
      return { ok: false, reason: `the explorer gave up and shows its error text: "${status}"` };
    }
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      ok: true,
      loadMs: Number(root.getAttribute('data-load-ms')),
      filterMs: Number(root.getAttribute('data-filter-ms')),
      // Set by the page-side observer installed by `observeExplorerReady`, when present.
      readyAt: window.__explorerReadyAt ?? null,
      loadEventEnd: nav ? nav.loadEventEnd : null,
    };
  });
}

/**
 * Installs (before any page script) an observer that records performance.now() when #explorer
 * gets its data-load-ms attribute, so the delay after the load event can be measured exactly.
 */
export async function observeExplorerReady(page) {
  await page.addInitScript(() => {
    const arm = () => {
      const root = document.getElementById('explorer');
      if (!root) return;
      if (root.hasAttribute('data-load-ms')) {
        window.__explorerReadyAt = performance.now();
        return;
      }
      new MutationObserver((_, obs) => {
        if (root.hasAttribute('data-load-ms')) {
          window.__explorerReadyAt ??= performance.now();
          obs.disconnect();
        }
      }).observe(root, { attributes: true, attributeFilter: ['data-load-ms'] });
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', arm);
    else arm();
  });
}

/**
 * Starts the static server and Chromium for one test file. `options` go to the context,
 * `serverOptions` to the server (`{ headers: false }`: no CSP header, see server.mjs).
 * Returns { base, context, problemsOf, newPage(), close() }.
 */
export async function setup(options = {}, serverOptions = {}) {
  const server = await startServer(sitePublic(), serverOptions);
  let browser;
  try {
    browser = await launch(options);
  } catch (e) {
    await server.close();
    throw e;
  }
  const problemsOf = await watch(browser.context);
  return {
    base: server.url,
    server,
    context: browser.context,
    problemsOf,
    newPage: () => browser.context.newPage(),
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
