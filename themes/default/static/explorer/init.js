// Loads the explorer's WebAssembly module; without it the static table stays in place.
import init from './explorer.js';
init().catch(function () {
  var status = document.getElementById('explorer-status');
  var root = document.getElementById('explorer');
  if (status && root) status.textContent = root.dataset.tError || '';
});
