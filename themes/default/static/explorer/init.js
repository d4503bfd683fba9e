// Starts the explorer, or the explorer panel of a State or topic page. Loaded as an async module
// from <head> (by panel.js on those pages): the WebAssembly module needs
// nothing from the page, so it is fetched and compiled as soon as this runs, without waiting for
// the page to be parsed; once it is, the index is fetched and handed to the module. Without
// either, the error text is shown with the every-row table.

// A dynamic import, so that a missing or broken module still reaches `fail` below.
const wasm = import('./explorer.js').then(async (explorer) => {
  await explorer.default({ module_or_path: new URL('explorer_bg.wasm', import.meta.url) });
  performance.mark('explorer-wasm-ready');
  return explorer;
});
// Handled once the page is parsed (Promise.all below); this only keeps an early failure from
// being reported as unhandled in the meantime.
wasm.catch(() => {});

function start() {
  // The explorer page's, or the panel of a State or topic page (loaded by panel.js).
  const root = document.getElementById('explorer') || document.getElementById('explorer-panel');
  if (!root) return;
  const status = root.querySelector('#explorer-status');
  const fail = (e) => {
    console.error(e);
    if (status) {
      status.textContent = root.dataset.tError || '';
      status.classList.remove('visually-hidden');
    }
    showStaticTable();
  };
  if (status) status.textContent = root.dataset.tLoading || '';
  // data-load-ms counts from here to the first view rendered.
  const fetchStart = performance.now();
  performance.mark('explorer-fetch');
  const index = fetch(root.dataset.index)
    .then((r) => {
      if (!r.ok) throw new Error(`explorer index: HTTP ${r.status}`);
      return r.arrayBuffer();
    })
    .then((bytes) => {
      performance.mark('explorer-index-fetched');
      return bytes;
    });
  // The Map view's geometry: the module calls this when that view is first shown, never before.
  const loadMap = () =>
    fetch(root.dataset.map)
      .then((r) => {
        if (!r.ok) throw new Error(`explorer map: HTTP ${r.status}`);
        return r.text();
      })
      .then((text) => {
        const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
        if (svg.localName !== 'svg' || svg.querySelector('parsererror')) throw new Error('explorer map: unreadable');
        return svg;
      });
  Promise.all([index, wasm])
    .then(([bytes, explorer]) => explorer.start_explorer(root, new Uint8Array(bytes), fetchStart, loadMap))
    .catch(fail);
}

// The every-row table sits in <noscript> (see explorer.html); with scripting on, its content is
// text. When the explorer cannot start, that text (the generator's own markup) becomes the table.
function showStaticTable() {
  const held = document.getElementById('explorer-static');
  if (!held) return;
  const table = document.createElement('div');
  table.id = 'explorer-static';
  table.innerHTML = held.textContent;
  held.replaceWith(table);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start, { once: true });
} else {
  start();
}
