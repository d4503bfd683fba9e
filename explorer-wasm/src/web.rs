//! The thin browser skin: reads the page's contract (see `#explorer` in the explorer template),
//! takes the index bytes `init.js` fetched, and binds the engine to the form, the URL and the
//! result views.
//!
//! Size and time first: a handful of delegated listeners instead of one per control, no string
//! formatting machinery in the hot path, and each view assembled off the page in a fragment
//! (`crate::html`), data as text nodes only, then inserted in one call.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Array, Number};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Blob, BlobPropertyBag, Document, Element, Event, HtmlAnchorElement, HtmlElement,
    HtmlInputElement, Url, Window,
};

use crate::engine::{Engine, Facet, Query, Results};
use crate::export::{to_csv, to_json};
use crate::fold;
use crate::html::{replace_children, Html};
use crate::matrix::Matrix;
use crate::model::Index;
use crate::url::push_pair;

type Res<T = ()> = Result<T, JsValue>;

/// Cards shown at first and added by each "show more".
const PAGE: usize = 50;
/// Delay before the live region speaks, so typing is not announced letter by letter.
const STATUS_DELAY_MS: i32 = 400;
/// The word index is built after the first view in slices of about this long, so clicks and
/// painting are never held up for more than a frame.
const WORDS_SLICE_MS: f64 = 8.0;
/// Rows read between two looks at the clock.
const WORDS_STEP_ROWS: usize = 256;

#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Cards,
    Matrix,
    Compare,
}

impl View {
    const ALL: [View; 3] = [View::Cards, View::Matrix, View::Compare];

    fn key(self) -> &'static str {
        match self {
            View::Cards => "cards",
            View::Matrix => "matrix",
            View::Compare => "compare",
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
    results: String,
    clear: String,
    remove: String,
    views: [String; 3],
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
}

impl Texts {
    fn read(root: &Element) -> Texts {
        let t = |k: &str| {
            root.get_attribute(&["data-t-", k].concat())
                .unwrap_or_default()
        };
        Texts {
            results: t("results"),
            clear: t("clear"),
            remove: t("remove"),
            views: [t("cards"), t("matrix"), t("compare")],
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
            colon: if root.get_attribute("data-lang").as_deref() == Some("fr") {
                "\u{a0}: "
            } else {
                ": "
            },
        }
    }
}

/// One facet checkbox of the form, with its count span.
struct Checkbox {
    facet: Facet,
    value: u16,
    input: HtmlInputElement,
    count: Option<Element>,
    /// The count last written, so unchanged spans are not touched again.
    shown: Cell<Option<u32>>,
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
}

/// Entry point, called by `init.js` with the index it fetched while the module compiled.
/// `fetch_start` is the `performance.now()` at which that fetch began: `data-load-ms` is the
/// time from there to the first view rendered.
#[wasm_bindgen]
pub fn start_explorer(root: &Element, bytes: Vec<u8>, fetch_start: f64) -> Result<(), JsValue> {
    start_with_bytes(root, bytes).map_err(|_| JsValue::from_str("explorer: unreadable index"))?;
    if let Some(window) = web_sys::window() {
        set_ms(root, "data-load-ms", now(&window) - fetch_start);
    }
    Ok(())
}

/// Decodes an index and binds it to `root` (the `#explorer` element). Public for the browser
/// tests, which build the page contract themselves.
/// On failure the error text is shown and the static table stays.
pub fn start_with_bytes(root: &Element, bytes: Vec<u8>) -> Res {
    let started = bind_index(root, bytes);
    if started.is_err() {
        show_error(root);
    }
    started
}

fn bind_index(root: &Element, bytes: Vec<u8>) -> Res {
    let index = Index::from_bytes(bytes).map_err(|_| JsValue::NULL)?;
    let engine = Engine::new(index);
    mark("explorer-decoded");
    let app = App::new(root, engine)?;
    app.bind()?;
    let search = app.window.location().search()?;
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

fn show_error(root: &Element) {
    let msg = attr(root, "data-t-error");
    set_status(root, &msg);
    if let Some(status) = child(root, "#explorer-status") {
        // Sighted users should see it too; the static table stays in place.
        let _ = status.class_list().remove_1("visually-hidden");
    }
}

impl App {
    fn new(root: &Element, engine: Engine) -> Res<Rc<App>> {
        let window = web_sys::window().ok_or(JsValue::NULL)?;
        let doc = window.document().ok_or(JsValue::NULL)?;
        let mut boxes = Vec::new();
        let inputs = root.query_selector_all("input[type=checkbox]")?;
        for i in 0..inputs.length() {
            let Some(input) = inputs
                .get(i)
                .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
            else {
                continue;
            };
            let Some(facet) = Facet::from_key(&input.name()) else {
                continue;
            };
            let Some(value) = engine.find(facet, &input.value()) else {
                continue;
            };
            // The template puts the count span right after the label's text.
            let count = match input.next_element_sibling() {
                Some(span) if span.class_list().contains("count") => Some(span),
                _ => match input.parent_element() {
                    Some(label) => {
                        let span = doc.create_element("span")?;
                        span.set_class_name("count");
                        label.append_child(&doc.create_text_node(" "))?;
                        label.append_child(&span)?;
                        Some(span)
                    }
                    None => None,
                },
            };
            boxes.push(Checkbox {
                facet,
                value,
                input,
                count,
                shown: Cell::new(None),
            });
        }
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
            shown: Cell::new(PAGE),
            status_timer: Cell::new(None),
            status_cb: RefCell::new(None),
            words_cb: RefCell::new(None),
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
            }
        })?;
        listen(&self.window, "popstate", self, |app, _| {
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

    /// Sets the query and view from a query string, and the form controls to match.
    fn apply_url(&self, search: &str) {
        let query = self.engine.parse_query(search);
        let view = crate::url::parse_pairs(search)
            .into_iter()
            .rev()
            .find(|(k, _)| k == "view")
            .and_then(|(_, v)| View::ALL.into_iter().find(|w| w.key() == v))
            .unwrap_or(View::Cards);
        for b in &self.boxes {
            b.input.set_checked(query.is_selected(b.facet, b.value));
        }
        if let Some(q) = &self.q {
            q.set_value(&query.text);
        }
        *self.query.borrow_mut() = query;
        self.view.set(view);
    }

    /// The query as the form controls now describe it.
    fn read_form(&self) {
        let mut query = Query::default();
        for b in &self.boxes {
            if b.input.checked() {
                query.set(b.facet, b.value, true);
            }
        }
        query.text = self.q.as_ref().map(|q| q.value()).unwrap_or_default();
        *self.query.borrow_mut() = query;
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
        for b in &self.boxes {
            let n = results.count(b.facet, b.value);
            if let (Some(span), false) = (&b.count, b.shown.get() == Some(n)) {
                span.set_text_content(Some(&["(", &itoa(n as usize), ")"].concat()));
                span.set_class_name(if n == 0 { "count zero" } else { "count" });
                b.shown.set(Some(n));
            }
        }
        *self.results.borrow_mut() = results;
        self.shown.set(PAGE);
        self.render_active()?;
        self.render_view()?;
        if record != Record::None {
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
            "more" => self.more_cards(),
            "csv" => {
                let csv = to_csv(self.engine.index(), &self.results.borrow().rows);
                // The BOM lets spreadsheet programs read the accents as UTF-8.
                self.download(
                    &["\u{feff}", &csv].concat(),
                    "text/csv;charset=utf-8",
                    "csv",
                )
            }
            "json" => {
                let json = to_json(self.engine.index(), &self.results.borrow().rows);
                self.download(&json, "application/json", "json")
            }
            "clear" => {
                *self.query.borrow_mut() = Query::default();
                self.sync_form()?;
                self.update(Record::Push)?;
                self.refocus()
            }
            "rm" => {
                {
                    let mut q = self.query.borrow_mut();
                    if arg == "q" {
                        q.text.clear();
                    } else if let Some((f, v)) = arg.split_once('-') {
                        let f = f
                            .parse::<usize>()
                            .ok()
                            .and_then(|f| Facet::ALL.get(f).copied());
                        if let (Some(f), Ok(v)) = (f, v.parse::<u16>()) {
                            q.set(f, v, false);
                        }
                    }
                }
                self.sync_form()?;
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

    fn sync_form(&self) -> Res {
        let q = self.query.borrow();
        for b in &self.boxes {
            b.input.set_checked(q.is_selected(b.facet, b.value));
        }
        if let Some(input) = &self.q {
            input.set_value(&q.text);
        }
        Ok(())
    }

    /// Shows only the State checkboxes whose name matches the words typed (word prefixes).
    fn filter_state_list(&self, e: &Event) {
        let typed = target(e)
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            .map(|i| fold::words(&i.value()))
            .unwrap_or_default();
        for b in self.boxes.iter().filter(|b| b.facet == Facet::State) {
            let name = fold::words(self.engine.label(Facet::State, b.value));
            let shown = typed
                .iter()
                .all(|t| name.iter().any(|w| w.starts_with(t.as_str())));
            if let Some(label) = b.input.parent_element() {
                let _ = label.toggle_attribute_with_force("hidden", !shown);
            }
        }
    }

    // ---- Rendering ----

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

    /// The active filters as chips with a remove button each, and "clear all".
    fn render_active(&self) -> Res {
        let Some(active) = &self.active else {
            return Ok(());
        };
        let q = self.query.borrow();
        let mut h = Html::new(&self.doc);
        let mut any = false;
        let mut chip = |act: &str, facet: &str, label: &str| {
            any = true;
            h.open("span", &[("class", "chip")]).el(
                "span",
                &[],
                &[facet, self.t.colon, label].concat(),
            );
            let remove = fill(&self.t.remove, label);
            h.el(
                "button",
                &[
                    ("type", "button"),
                    ("data-act", act),
                    ("aria-label", &remove),
                ],
                "×",
            )
            .close("span");
        };
        for (i, f) in Facet::ALL.into_iter().enumerate() {
            for v in q.selected(f) {
                let act = ["rm:", &itoa(i), "-", &itoa(*v as usize)].concat();
                chip(&act, &self.t.facets[i], self.engine.label(f, *v));
            }
        }
        if !fold::words(&q.text).is_empty() {
            chip("rm:q", &self.t.quote, q.text.trim());
        }
        if any {
            let attrs = [
                ("type", "button"),
                ("data-act", "clear"),
                ("class", "chip-clear"),
            ];
            h.el("button", &attrs, &self.t.clear);
        }
        replace_children(active, h)?;
        Ok(())
    }

    /// Replaces the results area with the current view.
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
            &fill(&self.t.results, &itoa(n)),
        );
        let empty = [("class", "explorer-empty")];
        match self.view.get() {
            _ if n == 0 => {
                h.el("p", &empty, &self.t.no_results);
            }
            View::Cards => {
                h.open("ul", &[("class", "explorer-cards")]);
                self.write_cards(&mut h, &results.rows[..n.min(PAGE)], false);
                h.close("ul");
                if n > PAGE {
                    App::button(&mut h, "more", &self.t.more);
                }
            }
            View::Matrix => {
                let m = Matrix::build(self.engine.index(), &results.rows);
                if m.states.is_empty() {
                    // Only facts match: there is no stance to tabulate.
                    h.el("p", &empty, &self.t.no_results);
                } else {
                    self.write_grid(&mut h, &m, false);
                }
            }
            View::Compare => {
                let states = self.query.borrow().selected(Facet::State).to_vec();
                if (2..=4).contains(&states.len()) {
                    let m = Matrix::compare(self.engine.index(), &results.rows, &states);
                    self.write_grid(&mut h, &m, true);
                } else {
                    h.el("p", &[("class", "explorer-hint")], &self.t.compare_hint);
                }
            }
        }
        replace_children(out, h)?;
        Ok(())
    }

    /// One `<li class="card">` per row; `focus_first` makes the first one focusable (the
    /// target of "show more").
    fn write_cards(&self, h: &mut Html, rows: &[u32], focus_first: bool) {
        let ix = self.engine.index();
        let label = |f: Facet, v: u16| self.engine.label(f, v);
        for (k, &id) in rows.iter().enumerate() {
            let Some(r) = ix.rows.get(id as usize) else {
                continue;
            };
            let tabindex = if focus_first && k == 0 { "-1" } else { "" };
            h.open("li", &[("class", "card"), ("tabindex", tabindex)]);
            let group = ix
                .states
                .get(r.state as usize)
                .map(|s| label(Facet::Group, s.group));
            h.open("p", &[("class", "card-head")])
                .el("strong", &[], label(Facet::State, r.state))
                .text(" · ")
                .el(
                    "span",
                    &[("class", "card-group")],
                    group.unwrap_or_default(),
                )
                .close("p");
            // Parts separated by " · ", so they read apart unstyled too.
            h.open("p", &[("class", "card-meta")]);
            if let (Some(t), Some(s)) = (r.topic, r.stance) {
                let stance_class = ["stance stance-", self.engine.id(Facet::Stance, s)].concat();
                h.el("span", &[("class", "card-topic")], label(Facet::Topic, t))
                    .text(" · ")
                    .el("span", &[("class", &stance_class)], label(Facet::Stance, s))
                    .text(" · ");
            } else if let Some(rel) = r.relation {
                h.el(
                    "span",
                    &[("class", "card-relation")],
                    label(Facet::Relation, rel),
                )
                .text(" · ");
            }
            h.el(
                "span",
                &[("class", "card-doc")],
                label(Facet::Document, r.doc),
            )
            .close("p");
            if !r.quote.is_empty() {
                h.el("blockquote", &[], r.quote);
            }
            if !r.note.is_empty() {
                h.el("p", &[("class", "card-note")], r.note);
            }
            if !r.anchor.is_empty() {
                h.open("p", &[("class", "card-link")])
                    .el("a", &[("href", &self.evidence_url(id))], &self.t.evidence)
                    .close("p");
            }
            h.close("li");
        }
    }

    /// Adds the next page of cards and moves focus to the first new one.
    fn more_cards(&self) -> Res {
        let Some(list) = child(&self.root, ".explorer-cards") else {
            return Ok(());
        };
        let results = self.results.borrow();
        let from = self.shown.get().min(results.rows.len());
        let to = (from + PAGE).min(results.rows.len());
        self.shown.set(to);
        let mut h = Html::new(&self.doc);
        self.write_cards(&mut h, &results.rows[from..to], true);
        let cards = h.finish()?;
        list.append_child(&cards)?;
        if to == results.rows.len() {
            if let Some(b) = child(&self.root, "#explorer-results button[data-act=more]") {
                b.remove();
            }
        }
        if let Some(li) = list.query_selector_all("li.card")?.get(from as u32) {
            li.dyn_into::<HtmlElement>()?.focus()?;
        }
        Ok(())
    }

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

    /// A States × topics table (matrix), or topics × States (comparison, with quotes).
    fn write_grid(&self, h: &mut Html, m: &Matrix, compare: bool) {
        let (cols, rows, col_facet, row_facet) = if compare {
            (&m.states, &m.topics, Facet::State, Facet::Topic)
        } else {
            (&m.topics, &m.states, Facet::Topic, Facet::State)
        };
        let caption = &self.t.views[if compare { 2 } else { 1 }];
        h.open("div", &[("class", "table-scroll")])
            .open("table", &[("class", "explorer-matrix sticky-header")])
            .el("caption", &[], caption)
            .open("thead", &[])
            .open("tr", &[])
            .el(
                "th",
                &[("scope", "col")],
                &self.t.facets[row_facet as usize],
            );
        for c in cols {
            h.el("th", &[("scope", "col")], self.engine.label(col_facet, *c));
        }
        h.close("tr").close("thead").open("tbody", &[]);
        for (ri, r) in rows.iter().enumerate() {
            h.open("tr", &[])
                .el("th", &[("scope", "row")], self.engine.label(row_facet, *r));
            for ci in 0..cols.len() {
                let (s, t) = if compare { (ci, ri) } else { (ri, ci) };
                match m.cell(s, t) {
                    Some(row) => self.write_cell(h, row, compare),
                    None => {
                        h.el("td", &[], "");
                    }
                }
            }
            h.close("tr");
        }
        h.close("tbody").close("table").close("div");
    }

    /// Stance label (linked to its evidence when there is some) and, when comparing, the quote.
    fn write_cell(&self, h: &mut Html, row: u32, with_quote: bool) {
        let r = self.engine.index().rows.get(row as usize);
        let Some((r, stance)) = r.and_then(|r| Some((r, r.stance?))) else {
            h.el("td", &[], "");
            return;
        };
        let class = ["stance-", self.engine.id(Facet::Stance, stance)].concat();
        let label = self.engine.label(Facet::Stance, stance);
        h.open("td", &[("class", &class)]);
        if r.anchor.is_empty() {
            h.el("span", &[], label);
        } else {
            h.el("a", &[("href", &self.evidence_url(row))], label);
        }
        if with_quote && !r.quote.is_empty() {
            h.el("blockquote", &[], r.quote);
        }
        h.close("td");
    }

    // ---- Status, export ----

    fn schedule_status(&self) {
        if let Some(id) = self.status_timer.take() {
            self.window.clear_timeout_with_handle(id);
        }
        if let Some(cb) = self.status_cb.borrow().as_ref() {
            let id = self
                .window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    cb.as_ref().unchecked_ref(),
                    STATUS_DELAY_MS,
                )
                .ok();
            self.status_timer.set(id);
        }
    }

    /// "42 positions — Sujet : Consensus ; Position : Soutient".
    fn announce(&self) {
        self.status_timer.set(None);
        let n = self.results.borrow().rows.len();
        let mut text = fill(&self.t.results, &itoa(n));
        let q = self.query.borrow();
        let mut sep = " — ";
        for (i, f) in Facet::ALL.into_iter().enumerate() {
            let values = q.selected(f);
            if values.is_empty() {
                continue;
            }
            text.push_str(sep);
            sep = " ; ";
            text.push_str(&self.t.facets[i]);
            text.push_str(self.t.colon);
            for (k, v) in values.iter().enumerate() {
                if k > 0 {
                    text.push_str(", ");
                }
                text.push_str(self.engine.label(f, *v));
            }
        }
        if !fold::words(&q.text).is_empty() {
            text.push_str(sep);
            text.push_str(&self.t.quote);
            text.push_str(self.t.colon);
            text.push_str(q.text.trim());
        }
        if let Some(status) = &self.status {
            status.set_text_content(Some(&text));
        }
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

// ---- Small DOM helpers ----

fn attr(e: &Element, name: &str) -> String {
    e.get_attribute(name).unwrap_or_default()
}

fn child(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

fn target(e: &Event) -> Option<Element> {
    e.target().and_then(|t| t.dyn_into::<Element>().ok())
}

fn set_status(root: &Element, text: &str) {
    if let Some(status) = child(root, "#explorer-status") {
        status.set_text_content(Some(text));
    }
}

fn now(window: &Window) -> f64 {
    window.performance().map(|p| p.now()).unwrap_or(0.0)
}

/// Milliseconds with one decimal, formatted by JavaScript (Rust's float formatting is large).
fn set_ms(root: &Element, name: &str, ms: f64) {
    if let Ok(s) = Number::from(ms).to_fixed(1) {
        let _ = root.set_attribute(name, &String::from(s));
    }
}

/// `template` with its `{…}` placeholder replaced by `value` (each UI string has one).
fn fill(template: &str, value: &str) -> String {
    match (template.find('{'), template.find('}')) {
        (Some(a), Some(b)) if a < b => [&template[..a], value, &template[b + 1..]].concat(),
        _ => template.to_string(),
    }
}

/// Decimal digits of `n`, without the formatting machinery.
fn itoa(mut n: usize) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().map(|d| *d as char).collect()
}

/// Adds an event listener that lives as long as the page and calls `f` while the app lives.
fn listen(
    on: &web_sys::EventTarget,
    event: &str,
    app: &Rc<App>,
    f: impl Fn(&App, Event) + 'static,
) -> Res {
    let weak: Weak<App> = Rc::downgrade(app);
    let cb = Closure::<dyn FnMut(Event)>::new(move |e: Event| {
        if let Some(app) = weak.upgrade() {
            f(&app, e);
        }
    });
    on.add_event_listener_with_callback(event, cb.as_ref().unchecked_ref())?;
    // The listener must outlive this call; it is released with the page.
    cb.forget();
    Ok(())
}

/// A User Timing mark, so the phases of the load can be read in the browser's tools and by the
/// browser tests.
fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}
