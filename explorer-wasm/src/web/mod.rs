//! The page wiring of the browser skin: reads the page's contract (see `#explorer` in the
//! explorer template), takes the index bytes `init.js` fetched, and binds the engine to the
//! form, the URL and the result views. It owns the state (query, view, results), the URL and
//! history, the dispatch of clicks, and the registry of views ([`View`]).
//!
//! The views themselves live beside it, one module each (`cards`, `matrix`, `compare`, `map`), as do
//! the facets (`facets`), the live region (`live`) and small DOM helpers (`dom`). It must not
//! build a view's markup itself, nor read the index's text for display: that is a view's job.
//!
//! Size and time first: a handful of delegated listeners instead of one per control, no string
//! formatting machinery in the hot path, and each view assembled off the page in a fragment
//! (`crate::html`), data as text nodes only, then inserted in one call.

mod cards;
mod compare;
mod dom;
mod facets;
mod live;
mod map;
mod matrix;

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Blob, BlobPropertyBag, Document, Element, HtmlAnchorElement, HtmlElement, HtmlInputElement,
    Url, Window,
};

use crate::engine::{Engine, Query, Results};
use crate::export::{to_csv, to_json};
use crate::html::{replace_children, Html};
use crate::model::Index;
use crate::text::{count, Plural};
use crate::url::push_pair;
use dom::{attr, child, listen, mark, now, set_ms, target};
use facets::Checkbox;

type Res<T = ()> = Result<T, JsValue>;

/// The word index is built after the first view in slices of about this long, so clicks and
/// painting are never held up for more than a frame.
const WORDS_SLICE_MS: f64 = 8.0;
/// Rows read between two looks at the clock.
const WORDS_STEP_ROWS: usize = 256;

/// The result views, in the switcher's order: the registry. Adding a view means a module
/// beside this one with a `render(&App, &mut Html, rows)` function, a variant here, its key in
/// [`View::key`] (the URL's `view=<key>`, the button's `data-act=view:<key>` and the label's
/// `data-t-<key>` on `#explorer`) and its arm in [`View::render`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Cards,
    Matrix,
    Compare,
    Map,
}

impl View {
    const ALL: [View; 4] = [View::Cards, View::Matrix, View::Compare, View::Map];

    fn key(self) -> &'static str {
        match self {
            View::Cards => "cards",
            View::Matrix => "matrix",
            View::Compare => "compare",
            View::Map => "map",
        }
    }

    /// Writes this view of `rows` (never empty: "no results" is said before).
    fn render(self, app: &App, h: &mut Html, rows: &[u32]) {
        match self {
            View::Cards => cards::render(app, h, rows),
            View::Matrix => matrix::render(app, h, rows),
            View::Compare => compare::render(app, h, rows),
            View::Map => map::render(app, h, rows),
        }
    }
}

/// How a change is recorded in the session history.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Record {
    Push,
    Replace,
    None,
}

/// UI strings, from the `data-t-*` attributes of `#explorer` (the page is already translated).
struct Texts {
    /// "{n} position|{n} positions": singular and plural (see `crate::text::count`).
    results: String,
    clear: String,
    remove: String,
    /// The views' labels, in [`View::ALL`]'s order.
    views: [String; View::ALL.len()],
    export_csv: String,
    export_json: String,
    more: String,
    no_results: String,
    facets: [String; 6],
    quote: String,
    evidence: String,
    compare_hint: String,
    /// " : " in French (with a no-break space), ": " otherwise.
    colon: &'static str,
    /// Which counts take the singular.
    plural: Plural,
}

impl Texts {
    fn read(root: &Element) -> Texts {
        let lang = root.get_attribute("data-lang").unwrap_or_default();
        let t = |k: &str| {
            root.get_attribute(&["data-t-", k].concat())
                .unwrap_or_default()
        };
        Texts {
            results: t("results"),
            clear: t("clear"),
            remove: t("remove"),
            views: View::ALL.map(|v| t(v.key())),
            export_csv: t("export-csv"),
            export_json: t("export-json"),
            more: t("more"),
            no_results: t("no-results"),
            facets: [
                t("state"),
                t("group"),
                t("relation"),
                t("document"),
                t("topic"),
                t("stance"),
            ],
            quote: t("quote"),
            evidence: t("evidence"),
            compare_hint: t("compare-hint"),
            colon: if lang == "fr" { "\u{a0}: " } else { ": " },
            plural: Plural::of_lang(&lang),
        }
    }
}

struct App {
    window: Window,
    doc: Document,
    root: Element,
    engine: Engine,
    t: Texts,
    boxes: Vec<Checkbox>,
    q: Option<HtmlInputElement>,
    active: Option<Element>,
    views: Option<Element>,
    /// Where the views go: a container the module adds to `#explorer-results`.
    results_el: Option<Element>,
    status: Option<Element>,
    query: RefCell<Query>,
    view: Cell<View>,
    results: RefCell<Results>,
    /// Cards currently rendered (grows with "show more").
    shown: Cell<usize>,
    status_timer: Cell<Option<i32>>,
    status_cb: RefCell<Option<Closure<dyn FnMut()>>>,
    words_cb: RefCell<Option<Closure<dyn FnMut()>>>,
    /// The Map view's geometry, fetched when the view is first shown, and the fetch's callbacks.
    map: RefCell<map::Geometry>,
    map_loader: RefCell<Option<map::Loader>>,
    /// A panel's filter (`data-fixed`, on State and topic pages): the panel starts from it and
    /// leaves the page's URL and history alone.
    fixed: Option<String>,
}

/// Entry point, called by `init.js` with the index it fetched while the module compiled.
/// `fetch_start` is the `performance.now()` at which that fetch began: `data-load-ms` is the
/// time from there to the first view rendered.
/// `load_map` returns a promise of the Map view's geometry (an SVG element), called when that
/// view is first shown.
#[wasm_bindgen]
pub fn start_explorer(
    root: &Element,
    bytes: Vec<u8>,
    fetch_start: f64,
    load_map: Option<js_sys::Function>,
) -> Result<(), JsValue> {
    start(root, bytes, load_map).map_err(|_| JsValue::from_str("explorer: unreadable index"))?;
    if let Some(window) = web_sys::window() {
        set_ms(root, "data-load-ms", now(&window) - fetch_start);
    }
    Ok(())
}

/// Decodes an index and binds it to `root` (the `#explorer` element). Public for the browser
/// tests, which build the page contract themselves.
/// On failure the error text is shown and the static table stays.
pub fn start_with_bytes(root: &Element, bytes: Vec<u8>) -> Res {
    start(root, bytes, None)
}

fn start(root: &Element, bytes: Vec<u8>, load_map: Option<js_sys::Function>) -> Res {
    let started = bind_index(root, bytes, load_map);
    if started.is_err() {
        live::show_error(root);
    }
    started
}

fn bind_index(root: &Element, bytes: Vec<u8>, load_map: Option<js_sys::Function>) -> Res {
    let index = Index::from_bytes(bytes).map_err(|_| JsValue::NULL)?;
    let engine = Engine::new(index);
    mark("explorer-decoded");
    let app = App::new(root, engine)?;
    app.bind()?;
    map::bind(&app, load_map);
    // A panel's filter is its own and fixed; the explorer page's is the URL's.
    let search = match &app.fixed {
        Some(filter) => filter.clone(),
        None => app.window.location().search()?,
    };
    app.apply_url(&search);
    mark("explorer-bound");
    app.update(Record::None)?;
    app.hide_static()?;
    mark("explorer-rendered");
    app.schedule_words();
    // Started: the app now lives as long as the page, on purpose.
    std::mem::forget(app);
    Ok(())
}

impl App {
    fn new(root: &Element, engine: Engine) -> Res<Rc<App>> {
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        let doc = window.document().ok_or(JsValue::NULL)?;
        let boxes = facets::checkboxes(root, &doc, &engine)?;
        // The views get a container of their own next to the static table, which is hidden once
        // the first view is up rather than removed: removing the ~10 000 nodes of the real
        // table took 10 ms of the first view.
        let results_el = match child(root, "#explorer-results") {
            Some(results) => {
                let live = doc.create_element("div")?;
                live.set_class_name("explorer-live");
                results.append_child(&live)?;
                Some(live)
            }
            None => None,
        };
        Ok(Rc::new(App {
            t: Texts::read(root),
            q: child(root, "#explorer-q").and_then(|e| e.dyn_into().ok()),
            active: child(root, "#explorer-active"),
            views: child(root, "#explorer-views"),
            results_el,
            status: child(root, "#explorer-status"),
            window,
            doc,
            root: root.clone(),
            engine,
            boxes,
            query: RefCell::default(),
            view: Cell::new(View::Cards),
            results: RefCell::default(),
            shown: Cell::new(cards::PAGE),
            status_timer: Cell::new(None),
            status_cb: RefCell::new(None),
            words_cb: RefCell::new(None),
            map: RefCell::default(),
            map_loader: RefCell::new(None),
            fixed: root.get_attribute("data-fixed"),
        }))
    }

    /// Hides the submit button, builds the view switcher and attaches the listeners. Closures
    /// hold a weak reference: if starting fails half-way, the app is dropped and they go inert.
    fn bind(self: &Rc<Self>) -> Res {
        if let Some(submit) = child(&self.root, "#explorer-submit") {
            submit.set_attribute("hidden", "")?;
        }
        self.build_switcher()?;
        let form = child(&self.root, "#explorer-form");
        if let Some(form) = &form {
            listen(form, "submit", self, |_, e| e.prevent_default())?;
            listen(form, "change", self, |app, e| {
                // Text boxes also fire `change` on blur; they are handled on `input`.
                if target(&e).and_then(|t| t.get_attribute("type")).as_deref() != Some("checkbox") {
                    return;
                }
                app.read_form();
                let _ = app.update(Record::Push);
            })?;
        }
        listen(&self.root, "input", self, |app, e| {
            let id = target(&e).map(|t| t.id()).unwrap_or_default();
            if id == "explorer-q" {
                app.read_form();
                let _ = app.update(Record::Replace);
            } else if id == "explorer-state-filter" {
                app.filter_state_list(&e);
            }
        })?;
        listen(&self.root, "click", self, |app, e| {
            let button = target(&e).and_then(|t| t.closest("button[data-act]").ok().flatten());
            if let Some(act) = button.and_then(|b| b.get_attribute("data-act")) {
                let _ = app.act(&act);
                return;
            }
            let state =
                target(&e).and_then(|t| t.closest(".explorer-map [data-state]").ok().flatten());
            if let Some(id) = state.map(|s| attr(&s, "data-state")) {
                e.prevent_default();
                let _ = app.map_click(&id);
            }
        })?;
        listen(&self.window, "popstate", self, |app, _| {
            if app.fixed.is_some() {
                return;
            }
            if let Ok(search) = app.window.location().search() {
                app.apply_url(&search);
                let _ = app.update(Record::None);
            }
        })?;
        let weak = Rc::downgrade(self);
        *self.status_cb.borrow_mut() = Some(Closure::new(move || {
            if let Some(app) = weak.upgrade() {
                app.announce();
            }
        }));
        let weak = Rc::downgrade(self);
        *self.words_cb.borrow_mut() = Some(Closure::new(move || {
            if let Some(app) = weak.upgrade() {
                app.index_words();
            }
        }));
        Ok(())
    }

    /// Hides what `#explorer-results` held before the module (the static table).
    fn hide_static(&self) -> Res {
        let held = self
            .root
            .query_selector_all("#explorer-results > :not(.explorer-live)")?;
        for i in 0..held.length() {
            if let Some(e) = held.get(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                e.set_attribute("hidden", "")?;
            }
        }
        Ok(())
    }

    /// Queues the next slice of the word index (a zero timeout lets input and painting go
    /// first).
    fn schedule_words(&self) {
        if let Some(cb) = self.words_cb.borrow().as_ref() {
            let _ = self
                .window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    cb.as_ref().unchecked_ref(),
                    0,
                );
        }
    }

    /// Builds the word index for about [`WORDS_SLICE_MS`], then yields. A text query that
    /// comes first finishes it at once (see `Engine::index_words`).
    fn index_words(&self) {
        let t0 = now(&self.window);
        while now(&self.window) - t0 < WORDS_SLICE_MS {
            if self.engine.index_words(WORDS_STEP_ROWS) {
                mark("explorer-words");
                return;
            }
        }
        self.schedule_words();
    }

    // ---- State and URL ----

    /// Sets the query and view from a query string, and the form controls to match.
    fn apply_url(&self, search: &str) {
        let query = self.engine.parse_query(search);
        let view = crate::url::parse_pairs(search)
            .into_iter()
            .rev()
            .find(|(k, _)| k == "view")
            .and_then(|(_, v)| View::ALL.into_iter().find(|w| w.key() == v))
            .unwrap_or(View::Cards);
        *self.query.borrow_mut() = query;
        self.sync_form();
        self.view.set(view);
    }

    fn url(&self) -> String {
        let mut qs = self.engine.query_string(&self.query.borrow());
        if self.view.get() != View::Cards {
            push_pair(&mut qs, "view", self.view.get().key());
        }
        qs
    }

    /// Runs the query and redraws everything that depends on it.
    fn update(&self, record: Record) -> Res {
        let t0 = now(&self.window);
        let results = self.engine.run(&self.query.borrow());
        self.write_counts(&results);
        *self.results.borrow_mut() = results;
        self.shown.set(cards::PAGE);
        self.render_active()?;
        self.show_stance_groups()?;
        self.render_view()?;
        if record != Record::None && self.fixed.is_none() {
            let qs = self.url();
            let location = self.window.location();
            if location.search()?.trim_start_matches('?') != qs {
                let url = if qs.is_empty() {
                    location.pathname()?
                } else {
                    ["?", &qs].concat()
                };
                let history = self.window.history()?;
                if record == Record::Push {
                    history.push_state_with_url(&JsValue::NULL, "", Some(&url))?;
                } else {
                    history.replace_state_with_url(&JsValue::NULL, "", Some(&url))?;
                }
            }
        }
        set_ms(&self.root, "data-filter-ms", now(&self.window) - t0);
        self.schedule_status();
        Ok(())
    }

    /// Handles a click on one of our buttons (`data-act`).
    fn act(&self, act: &str) -> Res {
        let (verb, arg) = act.split_once(':').unwrap_or((act, ""));
        match verb {
            "view" => {
                let view = View::ALL.into_iter().find(|v| v.key() == arg);
                self.view.set(view.unwrap_or(View::Cards));
                self.update(Record::Push)
            }
            "more" => cards::more(self),
            "csv" => {
                // Absolute URLs, as in the site's downloads: the file is read outside the site.
                let origin = self.window.location().origin()?;
                let csv = to_csv(self.engine.index(), &self.results.borrow().rows, &origin);
                // The BOM lets spreadsheet programs read the accents as UTF-8.
                self.download(
                    &["\u{feff}", &csv].concat(),
                    "text/csv;charset=utf-8",
                    "csv",
                )
            }
            "json" => {
                let origin = self.window.location().origin()?;
                let json = to_json(self.engine.index(), &self.results.borrow().rows, &origin);
                self.download(&json, "application/json", "json")
            }
            "clear" | "rm" => {
                if verb == "clear" {
                    *self.query.borrow_mut() = Query::default();
                } else {
                    self.remove_filter(arg);
                }
                self.sync_form();
                self.update(Record::Push)?;
                self.refocus()
            }
            _ => Ok(()),
        }
    }

    /// The button that had focus is gone: keep keyboard focus inside the explorer, on the next
    /// chip or else on the search box.
    fn refocus(&self) -> Res {
        let next = child(&self.root, "#explorer-active button");
        let next = next.or_else(|| self.q.as_ref().map(|q| q.clone().into()));
        match next {
            Some(e) => e.dyn_into::<HtmlElement>()?.focus(),
            None => Ok(()),
        }
    }

    // ---- The results area ----

    fn button(h: &mut Html, act: &str, text: &str) {
        h.el("button", &[("type", "button"), ("data-act", act)], text);
    }

    /// View switcher and export buttons, built once.
    fn build_switcher(&self) -> Res {
        let Some(views) = &self.views else {
            return Ok(());
        };
        let mut h = Html::new(&self.doc);
        h.open(
            "div",
            &[("class", "explorer-view-switch"), ("role", "group")],
        );
        for (v, label) in View::ALL.iter().zip(&self.t.views) {
            App::button(&mut h, &["view:", v.key()].concat(), label);
        }
        h.close("div").open("div", &[("class", "explorer-export")]);
        App::button(&mut h, "csv", &self.t.export_csv);
        App::button(&mut h, "json", &self.t.export_json);
        h.close("div");
        replace_children(views, h)?;
        Ok(())
    }

    /// Replaces the results area with the count and the current view.
    fn render_view(&self) -> Res {
        if let Some(views) = &self.views {
            let buttons = views.query_selector_all("[data-act^='view:']")?;
            for i in 0..buttons.length() {
                if let Some(b) = buttons.get(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let on = b.get_attribute("data-act").as_deref()
                        == Some(&["view:", self.view.get().key()].concat());
                    b.set_attribute("aria-pressed", if on { "true" } else { "false" })?;
                }
            }
        }
        let Some(out) = &self.results_el else {
            return Ok(());
        };
        let results = self.results.borrow();
        let n = results.rows.len();
        let mut h = Html::new(&self.doc);
        h.el(
            "p",
            &[("class", "explorer-count")],
            &count(&self.t.results, self.t.plural, n),
        );
        if n == 0 {
            h.el("p", &[("class", "explorer-empty")], &self.t.no_results);
        } else {
            self.view.get().render(self, &mut h, &results.rows);
        }
        replace_children(out, h)?;
        Ok(())
    }

    /// The link to a row's evidence: its document's page, at its anchor.
    fn evidence_url(&self, row: u32) -> String {
        let ix = self.engine.index();
        let Some(r) = ix.rows.get(row as usize) else {
            return String::new();
        };
        let doc = ix.documents.get(r.doc as usize).map(|d| d.url.as_str());
        let mut url = doc.unwrap_or_default().to_string();
        if !r.anchor.is_empty() {
            url.push('#');
            url.push_str(r.anchor);
        }
        url
    }

    /// Saves `data` through a temporary `<a download>` pointing at a Blob URL.
    fn download(&self, data: &str, mime: &str, ext: &str) -> Res {
        let opts = BlobPropertyBag::new();
        opts.set_type(mime);
        let parts = Array::of1(&JsValue::from_str(data));
        let blob = Blob::new_with_str_sequence_and_options(&parts, &opts)?;
        let url = Url::create_object_url_with_blob(&blob)?;
        let a: HtmlAnchorElement = self.doc.create_element("a")?.dyn_into()?;
        a.set_href(&url);
        a.set_download(&["explorer-", &attr(&self.root, "data-lang"), ".", ext].concat());
        let body = self.doc.body().ok_or(JsValue::NULL)?;
        body.append_child(&a)?;
        a.click();
        a.remove();
        Url::revoke_object_url(&url)
    }
}
