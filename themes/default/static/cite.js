// Citation page: a "Copy" button after each citation (the page works without it: the text
// can be selected). Labels come from the page; text is set as text.
(function () {
  var page = document.querySelector('.cite-page');
  if (!page || !navigator.clipboard) return;
  var copy = page.getAttribute('data-copy');
  var copied = page.getAttribute('data-copied');
  page.querySelectorAll('p.citation').forEach(function (p) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'cite-copy';
    button.textContent = copy;
    button.addEventListener('click', function () {
      navigator.clipboard.writeText(p.textContent).then(function () {
        button.textContent = copied;
        setTimeout(function () { button.textContent = copy; }, 2000);
      });
    });
    p.appendChild(document.createTextNode(' '));
    p.appendChild(button);
  });
  // Opened at a paragraph's anchor: bring its citation into view.
  if (location.hash) {
    var target = document.getElementById(location.hash.slice(1));
    if (target) target.classList.add('cite-target');
  }
})();
