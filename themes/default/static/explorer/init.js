// Starts the explorer. Loaded as an async module from <head>: the WebAssembly module needs
// nothing from the page, so it is fetched and compiled as soon as this runs, without waiting for
// the page to be parsed; once it is, the index is fetched and handed to the module. Without
// either, the static table stays in place and the error text is shown.
import init, { start_explorer } from './explorer.js';

const wasm = init({ module_or_path: new URL('explorer_bg.wasm', import.meta.url) }).then(() =>
  performance.mark('explorer-wasm-ready'),
);

function start() {
  const root = document.getElementById('explorer');
  if (!root) return;
  const status = document.getElementById('explorer-status');
  const fail = (e) => {
    console.error(e);
    if (status) {
      status.textContent = root.dataset.tError || '';
      status.classList.remove('visually-hidden');
    }
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
  Promise.all([index, wasm])
    .then(([bytes]) => start_explorer(root, new Uint8Array(bytes), fetchStart))
    .catch(fail);
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start, { once: true });
} else {
  start();
}
