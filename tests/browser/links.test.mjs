// An independent link checker (not the generator's own): every .html file under SITE_PUBLIC is
// parsed with parse5, and every internal href/src must resolve to a file of the build (a
// directory meaning its index.html) and, when it has a fragment, to an element id of the target.
// All failures are reported at once.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'parse5';
import { sitePublic } from './server.mjs';

const ROOT = sitePublic();
const ORIGIN = 'http://site.invalid';

/** Attributes holding one URL, per element (lower-case names). */
const URL_ATTRS = {
  a: ['href'],
  area: ['href'],
  link: ['href'],
  script: ['src'],
  img: ['src'],
  iframe: ['src'],
  embed: ['src'],
  source: ['src'],
  track: ['src'],
  audio: ['src'],
  video: ['src', 'poster'],
  object: ['data'],
  form: ['action'],
  input: ['src'],
  use: ['href', 'xlink:href'],
  image: ['href', 'xlink:href'],
};

/** All files under `dir`, relative, with '/' separators. */
async function walk(dir, rel = '') {
  const out = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(dir, r)));
    else out.push(r);
  }
  return out;
}

/** Depth-first walk of a parse5 tree, <template> contents included. */
function* elements(node) {
  for (const child of node.childNodes || []) {
    if (child.tagName) yield child;
    yield* elements(child);
  }
  if (node.content) yield* elements(node.content);
}

const attr = (el, name) => el.attrs.find((a) => a.name === name)?.value;

/** URL path of a published file: fr/about/index.html -> /fr/about/, 404.html -> /404.html. */
function urlPathOf(file) {
  return '/' + file.replace(/(^|\/)index\.html$/, '$1');
}

let pages; // Map: file (relative) -> { ids: Map<id, count>, links: [{ attr, tag, value, line }], base }
let files; // Set of every published file (relative)

before(async () => {
  assert.ok(existsSync(ROOT), `SITE_PUBLIC ${ROOT} does not exist: run 'cargo xtask build' first`);
  files = new Set(await walk(ROOT));
  pages = new Map();
  for (const file of [...files].filter((f) => f.endsWith('.html')).sort()) {
    const html = await readFile(path.join(ROOT, file), 'utf8');
    const doc = parse(html, { sourceCodeLocationInfo: true });
    const ids = new Map();
    const links = [];
    let base = null;
    for (const el of elements(doc)) {
      const id = attr(el, 'id');
      if (id !== undefined) ids.set(id, (ids.get(id) || 0) + 1);
      if (el.tagName === 'base' && attr(el, 'href') && base === null) base = attr(el, 'href');
      for (const name of URL_ATTRS[el.tagName] || []) {
        const value = attr(el, name);
        if (value === undefined) continue;
        links.push({ tag: el.tagName, attr: name, value, line: el.sourceCodeLocation?.startLine });
      }
      // The social card a page names (an absolute URL under the site's origin).
      if (el.tagName === 'meta' && attr(el, 'property') === 'og:image' && attr(el, 'content')) {
        links.push({ tag: 'meta', attr: 'content', value: attr(el, 'content'), line: el.sourceCodeLocation?.startLine });
      }
      for (const name of ['srcset', 'imagesrcset']) {
        const value = attr(el, name);
        if (!value) continue;
        for (const candidate of value.split(',')) {
          const u = candidate.trim().split(/\s+/)[0];
          if (u) links.push({ tag: el.tagName, attr: name, value: u, line: el.sourceCodeLocation?.startLine });
        }
      }
    }
    pages.set(file, { ids, links, base });
  }
});

/** The published file a site path designates, or null. */
function fileFor(urlPath) {
  let p;
  try {
    p = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const rel = p.replace(/^\/+/, '');
  if (rel === '' || rel.endsWith('/')) {
    const index = `${rel}index.html`;
    return files.has(index) ? index : null;
  }
  if (files.has(rel)) return rel;
  // A directory linked without its trailing slash: the host redirects to it.
  const full = path.join(ROOT, rel);
  if (existsSync(full) && statSync(full).isDirectory() && files.has(`${rel}/index.html`)) {
    return `${rel}/index.html`;
  }
  return null;
}

/** Classifies a link value: null when it leaves the site, else the URL it resolves to. */
function internalUrl(value, pageUrl) {
  const v = value.trim();
  if (v === '') return new URL(pageUrl);
  if (/^[a-z][a-z0-9+.-]*:/i.test(v) || v.startsWith('//')) return null; // scheme or host
  return new URL(v, pageUrl);
}

test('every HTML file parses and the build has pages in both languages', () => {
  assert.ok(pages.size > 0, `no .html file under ${ROOT}`);
  for (const must of ['index.html', '404.html', 'fr/index.html', 'en/index.html']) {
    assert.ok(files.has(must), `${must} is missing from ${ROOT}`);
  }
  console.log(`# ${pages.size} HTML files, ${files.size} files in ${ROOT}`);
});

test('every internal href/src resolves to a file, and every fragment to an id of its target', () => {
  const failures = [];
  let checked = 0;
  for (const [file, page] of pages) {
    const pageUrl = new URL(page.base || urlPathOf(file), new URL(urlPathOf(file), ORIGIN)).href;
    for (const link of page.links) {
      const url = internalUrl(link.value, pageUrl);
      if (!url) continue;
      checked++;
      const where = `${file}:${link.line ?? '?'} <${link.tag} ${link.attr}="${link.value}">`;
      if (url.origin !== ORIGIN) {
        failures.push(`${where}: resolves outside the site (${url.href})`);
        continue;
      }
      const target = fileFor(url.pathname);
      if (!target) {
        failures.push(`${where}: no file for ${url.pathname}`);
        continue;
      }
      const frag = url.hash.slice(1);
      if (!frag || !target.endsWith('.html')) continue;
      let id;
      try {
        id = decodeURIComponent(frag);
      } catch {
        id = frag;
      }
      // "#top" scrolls to the top of any HTML document (HTML's "indicated part" rules).
      if (!pages.get(target).ids.has(id) && id.toLowerCase() !== 'top') {
        failures.push(`${where}: no id="${id}" in ${target}`);
      }
    }
  }
  console.log(`# ${checked} internal links checked`);
  assert.equal(
    failures.length,
    0,
    `${failures.length} broken internal link(s):\n  ${failures.join('\n  ')}`,
  );
});

test('404.html uses only site-absolute links (it is served at any path)', () => {
  const page = pages.get('404.html');
  assert.ok(page, '404.html is missing');
  const relative = page.links
    .filter((l) => {
      const v = l.value.trim();
      return v && !/^[a-z][a-z0-9+.-]*:/i.test(v) && !v.startsWith('/') && !v.startsWith('#');
    })
    .map((l) => `line ${l.line}: <${l.tag} ${l.attr}="${l.value}">`);
  if (relative.length) assert.fail(`404.html has relative links that break under /a/b/:\n  ${relative.join('\n  ')}`);
});

test('ids are unique within every page', () => {
  const dups = [];
  for (const [file, page] of pages) {
    for (const [id, n] of page.ids) if (n > 1) dups.push(`${file}: id="${id}" ×${n}`);
  }
  assert.equal(dups.length, 0, `${dups.length} duplicated id(s):\n  ${dups.join('\n  ')}`);
});

test("absolute links to the site's own origin (canonical, hreflang, social card, sitemap) resolve", async () => {
  // The site's public origin, from the landing page's canonical link.
  const landing = await readFile(path.join(ROOT, 'index.html'), 'utf8');
  const canonical = [...elements(parse(landing))].find(
    (el) => el.tagName === 'link' && attr(el, 'rel') === 'canonical',
  );
  assert.ok(canonical, 'index.html has no <link rel="canonical">');
  const site = new URL(attr(canonical, 'href'));
  const basePath = site.pathname.endsWith('/') ? site.pathname : `${site.pathname}/`;
  const failures = [];
  const check = (where, href) => {
    let url;
    try {
      url = new URL(href);
    } catch {
      failures.push(`${where}: invalid URL ${href}`);
      return;
    }
    if (url.origin !== site.origin || !url.pathname.startsWith(basePath)) return;
    const target = fileFor('/' + url.pathname.slice(basePath.length));
    if (!target) failures.push(`${where}: no file for ${href}`);
    else if (url.hash && target.endsWith('.html') && !pages.get(target).ids.has(decodeURIComponent(url.hash.slice(1)))) {
      failures.push(`${where}: no id for ${href}`);
    }
  };
  for (const [file, page] of pages) {
    for (const l of page.links) {
      if (/^https?:/i.test(l.value)) check(`${file}:${l.line} <${l.tag} ${l.attr}>`, l.value);
    }
  }
  if (files.has('sitemap.xml')) {
    const xml = await readFile(path.join(ROOT, 'sitemap.xml'), 'utf8');
    for (const m of xml.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)) check('sitemap.xml <loc>', m[1]);
    for (const m of xml.matchAll(/<xhtml:link[^>]*href="([^"]+)"/g)) check('sitemap.xml <xhtml:link>', m[1]);
  }
  for (const lang of ['fr', 'en']) {
    const f = `data/positions-${lang}.json`;
    if (!files.has(f)) continue;
    const data = JSON.parse(await readFile(path.join(ROOT, f), 'utf8'));
    for (const [i, r] of (data.rows || []).entries()) {
      for (const k of ['url', 'state_url']) if (r[k]) check(`${f} rows[${i}].${k}`, r[k]);
    }
  }
  const unique = [...new Set(failures)];
  assert.equal(unique.length, 0, `${unique.length} broken absolute link(s) to ${site.origin}${basePath}:\n  ${unique.join('\n  ')}`);
});
