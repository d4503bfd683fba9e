// Keeps the language switcher on the same paragraph: anchors are identical in both languages.
(function () {
  var link = document.getElementById('lang-switch');
  if (!link) return;
  var base = link.getAttribute('href').split('#')[0];
  function update() { link.setAttribute('href', base + (location.hash || '')); }
  window.addEventListener('hashchange', update);
  update();
})();
