// What the tests know about the site: the sampled pages and the data files.

import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { sitePublic } from './server.mjs';

export const LANGS = ['fr', 'en'];

export const DOCUMENTS = [
  'a-c-1-78-l-60-rev-1',
  'a-c-1-74-l-50-rev-1',
  'a-78-76',
  'a-res-71-28',
  'oewg-2021-2025-session-4-programme',
];

export const STATES = ['fra', 'deu'];
export const TOPIC = 'consensus';

/** The sampled pages of one language (paths with a trailing slash). */
export function pagesOf(lang) {
  const l = `/${lang}`;
  return [
    `${l}/`,
    ...DOCUMENTS.map((d) => `${l}/documents/${d}/`),
    `${l}/documents/a-78-76/parallel.html`,
    `${l}/states/`,
    ...STATES.map((s) => `${l}/states/${s}/`),
    `${l}/topics/`,
    `${l}/topics/${TOPIC}/`,
    `${l}/references/`,
    `${l}/timeline/`,
    `${l}/explorer/`,
    `${l}/downloads/`,
    `${l}/about/`,
    `${l}/methodology/`,
    `${l}/glossary/`,
    `${l}/corrections/`,
  ];
}

/** Landing and 404 first, then every sampled page of both languages. */
export const SAMPLED_PAGES = ['/', '/404.html', ...LANGS.flatMap(pagesOf)];

/** The language a path belongs to ('fr', 'en' or null for the landing and 404 pages). */
export function langOf(p) {
  const m = /^\/(fr|en)\//.exec(p);
  return m ? m[1] : null;
}

/** Whether the page file exists in the current build (the suite fails clearly when not). */
export function pageFile(p) {
  const rel = p.endsWith('/') ? `${p}index.html` : p;
  return path.join(sitePublic(), rel);
}

export function pageExists(p) {
  return existsSync(pageFile(p));
}

/** `/data/positions-<lang>.json`'s rows. */
export async function positions(lang) {
  const file = path.join(sitePublic(), 'data', `positions-${lang}.json`);
  const data = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(data.rows)) throw new Error(`${file}: no "rows" array`);
  return data.rows;
}

/**
 * The explorer's accent- and case-insensitive word folding (explorer-wasm/src/fold.rs), redone
 * independently: NFD without combining marks, the few ligatures and letters NFD keeps, then
 * lower-case words of letters and digits.
 */
export function foldWords(text) {
  const special = {
    æ: 'ae', œ: 'oe', ß: 'ss', þ: 'th', ð: 'd', ø: 'o', ł: 'l', đ: 'd', ħ: 'h', ı: 'i',
    ĳ: 'ij', ŀ: 'l', ŉ: 'n', ŋ: 'n', ŧ: 't', ſ: 's', ĸ: 'k', ﬀ: 'ff', ﬁ: 'fi', ﬂ: 'fl',
  };
  const folded = [...String(text ?? '').toLowerCase()]
    .map((c) => special[c] ?? c)
    .join('')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
  // Separators: ASCII non-alphanumerics, Latin-1 punctuation, × ÷, general punctuation, BOM.
  return folded
    .split(/[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u0080-\u00bf\u00d7\u00f7\u2000-\u206f\u3000\ufeff]+/u)
    .filter(Boolean);
}

/** Rows whose quote or note has, for every query word, a word starting with it. */
export function textMatches(row, query) {
  const terms = foldWords(query);
  if (terms.length === 0) return true;
  const words = [...foldWords(row.quote), ...foldWords(row.note)];
  return terms.every((t) => words.some((w) => w.startsWith(t)));
}
