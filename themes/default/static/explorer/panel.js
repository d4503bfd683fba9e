// The explorer panel of State and topic pages (#explorer-panel): shown only when scripts run,
// and the module (init.js, the same as the explorer page's) loaded only once the panel nears the
// screen, so that a reader who never scrolls to it downloads nothing. A deferred module: the
// page is parsed when this runs.
const panel = document.getElementById('explorer-panel');
if (panel) {
  panel.hidden = false;
  new IntersectionObserver(
    (entries, observer) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      import('./init.js');
    },
    { rootMargin: '300px' },
  ).observe(panel);
}
