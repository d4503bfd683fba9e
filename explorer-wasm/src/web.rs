//! The thin browser skin: reads the page's contract (see `#explorer` in the explorer template),
//! loads the index, and binds the engine to the form, the URL and the result views.
//!
//! Size first: a handful of delegated listeners instead of one per control, no string
//! formatting machinery in the hot path, and every piece of data text set as a text node.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Array, Number, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    Blob, BlobPropertyBag, Document, Element, Event, HtmlAnchorElement, HtmlElement,
    HtmlInputElement, Node, Response, Url, Window,
};

use crate::engine::{Engine, Facet, Query, Results};
use crate::export::{to_csv, to_json};
use crate::fold;
use crate::matrix::Matrix;
use crate::model::Index;
use crate::url::push_pair;

type Res<T = ()> = Result<T, JsValue>;

/// Cards shown at first and added by each "show more".
const PAGE: usize = 50;
/// Delay before the live region speaks, so typing is not announced letter by letter.
const STATUS_DELAY_MS: i32 = 400;

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
    results_el: Option<Element>,
    status: Option<Element>,
    query: RefCell<Query>,
    view: Cell<View>,
    results: RefCell<Results>,
    /// Cards currently rendered (grows with "show more").
    shown: Cell<usize>,
    status_timer: Cell<Option<i32>>,
    status_cb: RefCell<Option<Closure<dyn FnMut()>>>,
}

#[wasm_bindgen]
extern "C" {
    /// `promise.then(ok, err)` with plain functions: two callbacks sequence the load more
    /// cheaply than an async executor (which costs kilobytes of WebAssembly and glue).
    type Thenable;
    #[wasm_bindgen(method)]
    fn then(this: &Thenable, ok: &JsValue, err: &JsValue);
}

fn then(promise: &Promise, ok: &JsValue, err: &JsValue) {
    promise.unchecked_ref::<Thenable>().then(ok, err);
}

/// Entry point: takes over `#explorer` when the page has one.
#[wasm_bindgen(start)]
pub fn start() {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("explorer"))
    else {
        return;
    };
    if load(&root).is_err() {
        show_error(&root);
    }
}

/// Fetches `data-index`, then starts the explorer on it.
fn load(root: &Element) -> Res {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let t0 = now(&window);
    set_status(root, &attr(root, "data-t-loading"));
    let fetch = window.fetch_with_str(&attr(root, "data-index"));
    let on_error = |root: &Element| {
        let root = root.clone();
        Closure::once_into_js(move |_: JsValue| show_error(&root))
    };
    let on_bytes = {
        let root = root.clone();
        Closure::once_into_js(move |buf: JsValue| {
            if start_with_bytes(&root, &Uint8Array::new(&buf).to_vec()).is_ok() {
                set_ms(&root, "data-load-ms", now(&window) - t0);
            }
        })
    };
    let on_response = {
        let root = root.clone();
        let on_error = on_error(&root);
        Closure::once_into_js(move |resp: JsValue| {
            let body = resp
                .dyn_into::<Response>()
                .ok()
                .filter(Response::ok)
                .and_then(|r| r.array_buffer().ok());
            match body {
                Some(body) => {
                    then(&body, &on_bytes, &on_error);
                }
                None => show_error(&root),
            }
        })
    };
    then(&fetch, &on_response, &on_error(root));
    Ok(())
}

/// Decodes an index and binds it to `root` (the `#explorer` element). Public for the browser
/// tests, which build the page contract themselves.
/// On failure the error text is shown and the static table stays.
pub fn start_with_bytes(root: &Element, bytes: &[u8]) -> Res {
    let started = bind_index(root, bytes);
    if started.is_err() {
        show_error(root);
    }
    started
}

fn bind_index(root: &Element, bytes: &[u8]) -> Res {
    let index = Index::from_bytes(bytes).map_err(|_| JsValue::NULL)?;
    let app = App::new(root, Engine::new(index))?;
    app.bind()?;
    let search = app.window.location().search()?;
    app.apply_url(&search);
    app.update(Record::None)?;
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
            let count = match input.parent_element() {
                Some(label) => match label.query_selector(".count")? {
                    Some(span) => Some(span),
                    None => {
                        let span = doc.create_element("span")?;
                        span.set_class_name("count");
                        label.append_child(&doc.create_text_node(" "))?;
                        label.append_child(&span)?;
                        Some(span)
                    }
                },
                None => None,
            };
            boxes.push(Checkbox {
                facet,
                value,
                input,
                count,
            });
        }
        Ok(Rc::new(App {
            t: Texts::read(root),
            q: child(root, "#explorer-q").and_then(|e| e.dyn_into().ok()),
            active: child(root, "#explorer-active"),
            views: child(root, "#explorer-views"),
            results_el: child(root, "#explorer-results"),
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
        Ok(())
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
            if let Some(span) = &b.count {
                let n = results.count(b.facet, b.value);
                span.set_text_content(Some(&["(", &itoa(n as usize), ")"].concat()));
                span.class_list().toggle_with_force("zero", n == 0)?;
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

    fn el(&self, tag: &str, class: &str) -> Res<Element> {
        let e = self.doc.create_element(tag)?;
        if !class.is_empty() {
            e.set_class_name(class);
        }
        Ok(e)
    }

    /// Appends an element holding `text` as a text node (never parsed as HTML).
    fn text_el(&self, parent: &Node, tag: &str, class: &str, text: &str) -> Res<Element> {
        let e = self.el(tag, class)?;
        e.set_text_content(Some(text));
        parent.append_child(&e)?;
        Ok(e)
    }

    /// Appends `(tag, class, text)` items separated by " · ", so they read apart unstyled too.
    fn parts(&self, parent: &Element, items: &[(&str, &str, &str)]) -> Res {
        for (i, (tag, class, text)) in items.iter().enumerate() {
            if i > 0 {
                parent.append_child(&self.doc.create_text_node(" · "))?;
            }
            self.text_el(parent, tag, class, text)?;
        }
        Ok(())
    }

    fn button(&self, parent: &Node, act: &str, text: &str) -> Res<Element> {
        let b = self.text_el(parent, "button", "", text)?;
        b.set_attribute("type", "button")?;
        b.set_attribute("data-act", act)?;
        Ok(b)
    }

    fn link(&self, parent: &Node, href: &str, text: &str) -> Res<Element> {
        let a = self.text_el(parent, "a", "", text)?;
        a.set_attribute("href", href)?;
        Ok(a)
    }

    /// View switcher and export buttons, built once.
    fn build_switcher(&self) -> Res {
        let Some(views) = &self.views else {
            return Ok(());
        };
        views.set_text_content(None);
        let group = self.el("div", "explorer-view-switch")?;
        group.set_attribute("role", "group")?;
        for (v, label) in View::ALL.iter().zip(&self.t.views) {
            self.button(&group, &["view:", v.key()].concat(), label)?;
        }
        views.append_child(&group)?;
        let export = self.el("div", "explorer-export")?;
        self.button(&export, "csv", &self.t.export_csv)?;
        self.button(&export, "json", &self.t.export_json)?;
        views.append_child(&export)?;
        Ok(())
    }

    /// The active filters as chips with a remove button each, and "clear all".
    fn render_active(&self) -> Res {
        let Some(active) = &self.active else {
            return Ok(());
        };
        active.set_text_content(None);
        let q = self.query.borrow();
        let mut any = false;
        let mut chip = |act: String, facet: &str, label: &str| -> Res {
            any = true;
            let span = self.el("span", "chip")?;
            self.text_el(&span, "span", "", &[facet, self.t.colon, label].concat())?;
            let b = self.button(&span, &act, "×")?;
            b.set_attribute("aria-label", &fill(&self.t.remove, label))?;
            active.append_child(&span)?;
            Ok(())
        };
        for (i, f) in Facet::ALL.into_iter().enumerate() {
            for v in q.selected(f) {
                let act = ["rm:", &itoa(i), "-", &itoa(*v as usize)].concat();
                chip(act, &self.t.facets[i], self.engine.label(f, *v))?;
            }
        }
        if !fold::words(&q.text).is_empty() {
            chip("rm:q".into(), &self.t.quote, q.text.trim())?;
        }
        if any {
            self.button(active, "clear", &self.t.clear)?
                .set_class_name("chip-clear");
        }
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
        out.set_text_content(None);
        let results = self.results.borrow();
        let n = results.rows.len();
        self.text_el(out, "p", "explorer-count", &fill(&self.t.results, &itoa(n)))?;
        if n == 0 {
            self.text_el(out, "p", "explorer-empty", &self.t.no_results)?;
            return Ok(());
        }
        match self.view.get() {
            View::Cards => {
                let list = self.el("ul", "explorer-cards")?;
                out.append_child(&list)?;
                self.append_cards(&list, &results.rows[..n.min(PAGE)])?;
                if n > PAGE {
                    self.button(out, "more", &self.t.more)?;
                }
            }
            View::Matrix => {
                let m = Matrix::build(self.engine.index(), &results.rows);
                if m.states.is_empty() {
                    // Only facts match: there is no stance to tabulate.
                    self.text_el(out, "p", "explorer-empty", &self.t.no_results)?;
                } else {
                    self.render_grid(out, &m, false)?;
                }
            }
            View::Compare => {
                let states = self.query.borrow().selected(Facet::State).to_vec();
                if (2..=4).contains(&states.len()) {
                    let m = Matrix::compare(self.engine.index(), &results.rows, &states);
                    self.render_grid(out, &m, true)?;
                } else {
                    self.text_el(out, "p", "explorer-hint", &self.t.compare_hint)?;
                }
            }
        }
        Ok(())
    }

    fn append_cards(&self, list: &Element, rows: &[u32]) -> Res<Option<Element>> {
        let ix = self.engine.index();
        let mut first = None;
        for &id in rows {
            let Some(r) = ix.rows.get(id as usize) else {
                continue;
            };
            let li = self.el("li", "card")?;
            let label = |f: Facet, v: u16| self.engine.label(f, v);
            let group = ix
                .states
                .get(r.state as usize)
                .map(|s| label(Facet::Group, s.group));
            let head = self.el("p", "card-head")?;
            self.parts(
                &head,
                &[
                    ("strong", "", label(Facet::State, r.state)),
                    ("span", "card-group", group.unwrap_or_default()),
                ],
            )?;
            li.append_child(&head)?;
            let meta = self.el("p", "card-meta")?;
            let stance_class: String;
            let mut items = Vec::with_capacity(3);
            if let (Some(t), Some(s)) = (r.topic, r.stance) {
                stance_class = ["stance stance-", self.engine.id(Facet::Stance, s)].concat();
                items.push(("span", "card-topic", label(Facet::Topic, t)));
                items.push(("span", stance_class.as_str(), label(Facet::Stance, s)));
            } else if let Some(rel) = r.relation {
                items.push(("span", "card-relation", label(Facet::Relation, rel)));
            }
            items.push(("span", "card-doc", label(Facet::Document, r.doc)));
            self.parts(&meta, &items)?;
            li.append_child(&meta)?;
            if !r.quote.is_empty() {
                self.text_el(&li, "blockquote", "", &r.quote)?;
            }
            if !r.note.is_empty() {
                self.text_el(&li, "p", "card-note", &r.note)?;
            }
            if !r.anchor.is_empty() {
                let p = self.el("p", "card-link")?;
                self.link(&p, &self.evidence_url(id), &self.t.evidence)?;
                li.append_child(&p)?;
            }
            list.append_child(&li)?;
            first.get_or_insert(li);
        }
        Ok(first)
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
        let first = self.append_cards(&list, &results.rows[from..to])?;
        if to == results.rows.len() {
            if let Some(b) = child(&self.root, "#explorer-results button[data-act=more]") {
                b.remove();
            }
        }
        if let Some(li) = first {
            li.set_attribute("tabindex", "-1")?;
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
            url.push_str(&r.anchor);
        }
        url
    }

    /// A States × topics table (matrix), or topics × States (comparison, with quotes).
    fn render_grid(&self, out: &Element, m: &Matrix, compare: bool) -> Res {
        let wrap = self.el("div", "table-scroll")?;
        let table = self.el("table", "explorer-matrix sticky-header")?;
        self.text_el(
            &table,
            "caption",
            "",
            &self.t.views[if compare { 2 } else { 1 }],
        )?;
        let (cols, rows, col_facet, row_facet) = if compare {
            (&m.states, &m.topics, Facet::State, Facet::Topic)
        } else {
            (&m.topics, &m.states, Facet::Topic, Facet::State)
        };
        let head = self.el("thead", "")?;
        let tr = self.el("tr", "")?;
        let corner = &self.t.facets[row_facet as usize];
        self.text_el(&tr, "th", "", corner)?
            .set_attribute("scope", "col")?;
        for c in cols {
            let th = self.text_el(&tr, "th", "", self.engine.label(col_facet, *c))?;
            th.set_attribute("scope", "col")?;
        }
        head.append_child(&tr)?;
        table.append_child(&head)?;
        let body = self.el("tbody", "")?;
        for (ri, r) in rows.iter().enumerate() {
            let tr = self.el("tr", "")?;
            let th = self.text_el(&tr, "th", "", self.engine.label(row_facet, *r))?;
            th.set_attribute("scope", "row")?;
            for ci in 0..cols.len() {
                let (s, t) = if compare { (ci, ri) } else { (ri, ci) };
                let td = self.el("td", "")?;
                if let Some(row) = m.cell(s, t) {
                    self.fill_cell(&td, row, compare)?;
                }
                tr.append_child(&td)?;
            }
            body.append_child(&tr)?;
        }
        table.append_child(&body)?;
        wrap.append_child(&table)?;
        out.append_child(&wrap)?;
        Ok(())
    }

    /// Stance label (linked to its evidence when there is some) and, when comparing, the quote.
    fn fill_cell(&self, td: &Element, row: u32, with_quote: bool) -> Res {
        let ix = self.engine.index();
        let Some(r) = ix.rows.get(row as usize) else {
            return Ok(());
        };
        let Some(stance) = r.stance else {
            return Ok(());
        };
        td.set_class_name(&["stance-", self.engine.id(Facet::Stance, stance)].concat());
        let label = self.engine.label(Facet::Stance, stance);
        if r.anchor.is_empty() {
            self.text_el(td, "span", "", label)?;
        } else {
            self.link(td, &self.evidence_url(row), label)?;
        }
        if with_quote && !r.quote.is_empty() {
            self.text_el(td, "blockquote", "", &r.quote)?;
        }
        Ok(())
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
