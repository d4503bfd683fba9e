// The search box of every page's header. The box is hidden in the HTML and shown here, so that
// a reader without JavaScript sees no dead control. The WebAssembly module (the explorer's, one
// cached module for both) is loaded on the first focus or keystroke, never on page load, or at
// once when the URL carries ?q=. The engine ranks and cuts snippets; this file fetches the
// index files it asks for and writes results as DOM nodes and text (never as HTML).

const root = document.getElementById('site-search');
const PAGE = 10;

if (root) {
  const input = document.getElementById('site-search-q');
  const panel = document.getElementById('site-search-panel');
  const list = document.getElementById('site-search-results');
  const status = document.getElementById('site-search-status');
  const more = document.getElementById('site-search-more');
  const docSelect = document.getElementById('site-search-doc');
  const replies = document.getElementById('site-search-replies');
  const langButtons = Array.from(root.querySelectorAll('button[data-langs]'));
  const { index: indexUrl, module: moduleUrl, lang: pageLang, other: otherLang } = root.dataset;
  // The explorer's own free-text filter is `q=` too: on its page, the URL belongs to it.
  const ownsUrl = !document.getElementById('explorer');

  let engine = null; // promise of the SearchIndex
  const files = new Map(); // URL → promise of the file added to the index
  let seq = 0;
  let shown = 0;
  let total = 0;
  let active = -1;
  let langMode = 'page';
  let typedAt = 0; // the first keystroke's time; -1 once results are shown
  let filledFrom = 0;

  // The combobox exists only with this script, so its role is set here: the HTML's validator
  // (ARIA in HTML) allows no role on a search field without a list.
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('aria-autocomplete', 'list');
  root.hidden = false;

  const fetched = new Map(); // URL → promise of its bytes

  function load() {
    // The page language's metadata and the WebAssembly are fetched while the glue loads, not
    // after it; the module compiles as it streams in.
    fetchOnce(`${indexUrl}${pageLang}/meta.bin`).catch(() => {});
    engine ??= (async () => {
      const wasm = fetch(new URL(moduleUrl + 'explorer_bg.wasm', location.href));
      const glue = await import(moduleUrl + 'explorer.js');
      await glue.default({ module_or_path: wasm });
      return new glue.SearchIndex();
    })();
    return engine;
  }

  async function bytes(url) {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`search index: HTTP ${r.status} for ${url}`);
    return new Uint8Array(await r.arrayBuffer());
  }

  function fetchOnce(url) {
    if (!fetched.has(url)) fetched.set(url, bytes(url));
    return fetched.get(url);
  }

  /** Fetches `url` once and hands it to `add`; later calls wait for the same fetch. */
  function once(url, add) {
    if (!files.has(url)) files.set(url, fetchOnce(url).then(add));
    return files.get(url);
  }

  function langs() {
    if (langMode === 'other') return [otherLang];
    if (langMode === 'both') return [pageLang, otherLang];
    return [pageLang];
  }

  async function run(from = 0) {
    const my = ++seq;
    delete root.dataset.shown;
    delete root.dataset.filled;
    const q = input.value;
    if (from === 0) syncUrl(q);
    if (!q.trim()) {
      close();
      return;
    }
    try {
      const idx = await load();
      const ls = langs();
      await Promise.all(ls.map((l) => once(`${indexUrl}${l}/meta.bin`, (b) => { idx.add_meta(b); fillDocs(idx); })));
      // A text typed over while the module loaded fetches none of its shards: they would only
      // delay those of the text in the box.
      if (my !== seq) return;
      await Promise.all(ls.flatMap((l) =>
        Array.from(idx.needed_shards(l, q), (f) => once(`${indexUrl}${l}/${f}`, (b) => idx.add_shard(l, b)))));
      if (my !== seq) return;
      total = idx.run(q, ls.join(' '), docSelect.value, replies.checked);
      // The results are listed at once (URL and context are in the metadata); their snippets
      // are filled in when the excerpt files they need arrive.
      show(idx.rows(from, PAGE), from, q);
      const need = Array.from(idx.needed_excerpts(from, PAGE), (f) =>
        once(indexUrl + f, (b) => idx.add_excerpts(f.split('/')[0], b)));
      if (need.length) {
        await Promise.all(need);
        if (my !== seq) return;
        fill(idx.rows(from, PAGE), from);
      }
      // Snippets on screen too (read by the browser tests and the benchmark).
      root.dataset.filled = q;
      if (filledFrom) {
        root.dataset.filledMs = String(Math.round(performance.now() - filledFrom));
        filledFrom = 0;
      }
    } catch (e) {
      console.error(e);
      status.textContent = root.dataset.tError;
      open();
    }
  }

  function fillDocs(idx) {
    if (docSelect.options.length > 1) return;
    const d = idx.docs(pageLang);
    for (let i = 0; i + 1 < d.length; i += 2) docSelect.add(new Option(d[i + 1], d[i]));
  }

  function show(rows, from, q) {
    if (from === 0) {
      list.replaceChildren();
      active = -1;
      input.removeAttribute('aria-activedescendant');
    }
    for (const row of rows) list.append(option(row, list.children.length));
    shown = from + rows.length;
    more.hidden = shown >= total;
    const t = root.dataset;
    status.textContent = total === 0 ? t.tNone : total === 1 ? t.tOne : t.tCount.replace('{n}', total);
    open();
    // What the results on screen answer, and how long the first results took from the first
    // keystroke (read by the browser tests and the benchmark; measured once per page, so that a
    // later keystroke's time never stands for the first one's, and only once there is a result:
    // a first letter that matches nothing is answered at once, which says nothing of the load).
    root.dataset.shown = q;
    if (typedAt > 0 && total > 0) {
      root.dataset.searchMs = String(Math.round(performance.now() - typedAt));
      filledFrom = typedAt;
      typedAt = -1;
    }
  }

  /** Puts the snippets of `rows` (loaded since `show`) into the options from `from` on. */
  function fill(rows, from) {
    rows.forEach((row, i) => {
      const snip = list.children[from + i]?.lastChild;
      if (snip && row.length > 4) snip.replaceChildren(...snippet(row));
    });
  }

  /** The snippet of a row: text nodes, and `<mark>` for the matched words. */
  function snippet(row) {
    const out = [];
    for (let i = 4; i + 1 < row.length; i += 2) {
      if (row[i + 1]) {
        const m = document.createElement('mark');
        m.textContent = row[i];
        out.push(m);
      } else {
        out.push(row[i]);
      }
    }
    return out;
  }

  /** One result: `[lang, url, document, context, text, highlighted, …]` → a link as an option. */
  function option(row, n) {
    const [lang, url, doc, context] = row;
    const a = document.createElement('a');
    a.href = url;
    a.id = `site-search-opt-${n}`;
    a.setAttribute('role', 'option');
    a.setAttribute('aria-selected', 'false');
    a.tabIndex = -1;
    if (lang !== document.documentElement.lang) a.lang = lang;
    const head = document.createElement('span');
    head.className = 'site-search-where';
    head.textContent = [doc, context].filter(Boolean).join(' · ');
    const snip = document.createElement('span');
    snip.className = 'site-search-snippet';
    snip.append(...snippet(row));
    a.append(head, snip);
    return a;
  }

  function open() {
    panel.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function close() {
    panel.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function move(delta) {
    const opts = list.children;
    if (!opts.length) return;
    if (active >= 0) opts[active].setAttribute('aria-selected', 'false');
    active = (active + delta + opts.length) % opts.length;
    const o = opts[active];
    o.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', o.id);
    o.scrollIntoView({ block: 'nearest' });
  }

  function syncUrl(q) {
    if (!ownsUrl) return;
    const u = new URL(location.href);
    if (q.trim()) u.searchParams.set('q', q);
    else u.searchParams.delete('q');
    if (u.href !== location.href) history.replaceState(history.state, '', u);
  }

  input.addEventListener('focus', () => { load().catch(() => {}); }, { once: true });
  input.addEventListener('input', () => {
    if (typedAt === 0) typedAt = performance.now();
    run();
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (panel.hidden && input.value.trim()) open();
      move(e.key === 'ArrowDown' ? 1 : -1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const o = list.children[active];
      if (o && !panel.hidden) location.assign(o.href);
      else run();
    } else if (e.key === 'Escape') {
      if (!panel.hidden) {
        e.preventDefault();
        close();
      }
    }
  });
  for (const b of langButtons) {
    b.addEventListener('click', () => {
      langMode = b.dataset.langs;
      for (const o of langButtons) o.setAttribute('aria-pressed', String(o === b));
      run();
    });
  }
  docSelect.addEventListener('change', () => run());
  replies.addEventListener('change', () => run());
  more.addEventListener('click', () => run(shown));
  // A click outside the search closes its results.
  document.addEventListener('click', (e) => {
    if (!root.contains(e.target)) close();
  });
  // `/` focuses the box, unless the reader is typing somewhere.
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || t.isContentEditable) return;
    e.preventDefault();
    input.focus();
  });

  function fromUrl() {
    if (!ownsUrl) return;
    const q = new URLSearchParams(location.search).get('q');
    if (q !== null && q !== input.value) {
      input.value = q;
      run();
    } else if (q === null && input.value) {
      input.value = '';
      close();
    }
  }
  window.addEventListener('popstate', fromUrl);
  fromUrl();
}
