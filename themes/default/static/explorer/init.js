// Loads the explorer's WebAssembly module; without it the static table stays in place.
import init from './explorer.js';
init({ module_or_path: new URL('explorer_bg.wasm', import.meta.url) }).catch(function (e) {
  console.error(e);
  var status = document.getElementById('explorer-status');
  var root = document.getElementById('explorer');
  if (status && root) {
    status.textContent = root.dataset.tError || '';
    status.classList.remove('visually-hidden');
  }
});
