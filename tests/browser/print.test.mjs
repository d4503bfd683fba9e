// A State page and a topic page print as a brief (Chromium's print-to-PDF, A4): one or two pages
// (three for a topic with many long quotes: every quote is kept), the page's address and the
// data's date on top, the site's navigation and footer left out. The PDFs go to screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setup } from './browser.mjs';

const SHOTS = path.join(import.meta.dirname, 'screenshots');

let site;
before(async () => {
  site = await setup();
});
after(async () => {
  await site?.close();
});

/** Pages of a PDF: Chromium writes one `/Type /Page` object per page (and `/Type /Pages` for the tree). */
function pageCount(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
}

for (const [p, maxPages] of [['/en/states/fra/', 2], ['/fr/states/sgp/', 2], ['/en/topics/consensus/', 2], ['/fr/topics/timing/', 3]]) {
  test(`${p} prints as a brief of at most ${maxPages} A4 pages`, async () => {
    await mkdir(SHOTS, { recursive: true });
    const page = await site.newPage();
    try {
      await page.goto(site.base + p, { waitUntil: 'load' });
      await page.emulateMedia({ media: 'print' });
      const seen = await page.evaluate(() => {
        const shown = (sel) => {
          const el = document.querySelector(sel);
          return !!el && getComputedStyle(el).display !== 'none';
        };
        return {
          nav: shown('.site-header nav'),
          footer: shown('.site-footer'),
          source: shown('.print-only') ? document.querySelector('.print-only').textContent : null,
          figure: shown('.map-figure, .locator-figure'),
        };
      });
      assert.equal(seen.nav, false, 'the navigation is not printed');
      assert.equal(seen.footer, false, 'the footer is not printed');
      assert.ok(seen.figure, 'the map is printed');
      assert.match(seen.source ?? '', /^https?:\/\/\S+\/(states|topics)\/\S+\/ · .+\d{4}-\d{2}-\d{2}$/, 'the address and the date of the data are printed');
      const file = path.join(SHOTS, `print-${p.replace(/\//g, '-').replace(/^-|-$/g, '')}.pdf`);
      const pdf = await page.pdf({ path: file, format: 'A4', printBackground: true });
      const n = pageCount(pdf);
      console.log(`# ${path.relative(process.cwd(), file)}: ${n} page(s)`);
      assert.ok(n >= 1 && n <= maxPages, `${p}: ${n} pages`);
    } finally {
      await page.close();
    }
  });
}
