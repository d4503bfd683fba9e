//! The Map view: the States of the results on a world map, coloured by the current selection.
//! With one topic selected, each State has the colour of its stance on it; otherwise, of how
//! many matching positions it has (four classes). A legend in text names every colour, and each
//! State is named with what its colour says (colour is never the only cue). A State on the map
//! is a link (the file's `?state=<id>`, so that it can be focused and opened elsewhere); a click
//! or Enter on it adds it to the State filter (or, when it is already selected, removes it)
//! without leaving the page.
//!
//! The geometry (`data-map` on `#explorer`, written by site-gen) is fetched the first time the
//! view is shown, never before, by the loader `init.js` hands over, and kept: each render only
//! recolours it.
//! Like the other views, `render` writes into the builder it is given and must not run queries;
//! the click listener is the page wiring's (`web`), which calls [`App::map_click`] here.

use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use super::dom::attr;
use super::{App, View};
use crate::engine::Facet;
use crate::html::Html;
use crate::text::{count, itoa};

/// Colour classes of the count mode (as on the home page's map): `roles-1` … `roles-4`.
const BINS: u32 = 4;

/// The geometry, from "not asked for" to shown.
#[derive(Default)]
pub(super) enum Geometry {
    #[default]
    Idle,
    Loading,
    /// The SVG, and each State's element with its index value.
    Ready(Element, Vec<(Element, u16)>),
    Failed,
}

/// The loader `init.js` hands over (a function returning a promise of the parsed SVG: fetching
/// and parsing cost a few lines there, and no bindings here), and the callbacks of its promise
/// (made once, holding the app weakly, as the listeners do).
pub(super) struct Loader {
    load: Function,
    done: Closure<dyn FnMut(JsValue)>,
    fail: Closure<dyn FnMut(JsValue)>,
}

pub(super) fn bind(app: &Rc<App>, load: Option<Function>) {
    let Some(load) = load else {
        return;
    };
    let weak = Rc::downgrade(app);
    let done = Closure::new(move |svg: JsValue| {
        if let Some(app) = weak.upgrade() {
            let geometry = svg.dyn_into().ok().and_then(|svg| ready(&app, svg));
            *app.map.borrow_mut() = geometry.unwrap_or(Geometry::Failed);
            app.map_arrived();
        }
    });
    let weak = Rc::downgrade(app);
    let fail = Closure::new(move |_| {
        if let Some(app) = weak.upgrade() {
            *app.map.borrow_mut() = Geometry::Failed;
            app.map_arrived();
        }
    });
    *app.map_loader.borrow_mut() = Some(Loader { load, done, fail });
}

/// Each State's element of the SVG found once; the inset's labels (entities drawn off the
/// map) written in the page's language.
fn ready(app: &App, svg: Element) -> Option<Geometry> {
    let mut states = Vec::new();
    let nodes = svg
        .query_selector_all("[data-state],[data-label-for]")
        .ok()?;
    for i in 0..nodes.length() {
        let Some(e) = nodes.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let label = e.get_attribute("data-label-for");
        let id = label.clone().unwrap_or_else(|| attr(&e, "data-state"));
        match (app.engine.find(Facet::State, &id), label) {
            (Some(v), Some(_)) => e.set_text_content(Some(app.engine.label(Facet::State, v))),
            (Some(v), None) => states.push((e, v)),
            _ => {}
        }
    }
    Some(Geometry::Ready(svg, states))
}

impl App {
    /// The geometry came (or failed): show it if the Map view is still the one shown.
    fn map_arrived(&self) {
        if self.view.get() == View::Map {
            let _ = self.render_view();
        }
    }

    /// Starts the one load of the geometry.
    fn fetch_map(&self) {
        let loader = self.map_loader.borrow();
        let promise = loader.as_ref().and_then(|l| {
            let p = l.load.call0(&JsValue::NULL).ok()?;
            Some((l, p.dyn_into::<Promise>().ok()?))
        });
        *self.map.borrow_mut() = match promise {
            Some((l, p)) => {
                let _ = p.then2(&l.done, &l.fail);
                Geometry::Loading
            }
            None => Geometry::Failed,
        };
    }

    /// A State clicked on the map: added to the State filter, or removed if it was in it.
    pub(super) fn map_click(&self, id: &str) -> Result<(), JsValue> {
        let Some(v) = self.engine.find(Facet::State, id) else {
            return Ok(());
        };
        {
            let mut q = self.query.borrow_mut();
            let on = !q.is_selected(Facet::State, v);
            q.set(Facet::State, v, on);
        }
        self.sync_form();
        self.update(super::Record::Push)
    }
}

pub(super) fn render(app: &App, h: &mut Html, rows: &[u32]) {
    let t = |k: &str| attr(&app.root, &["data-t-map-", k].concat());
    if matches!(*app.map.borrow(), Geometry::Idle) {
        app.fetch_map();
    }
    let map = app.map.borrow();
    let (svg, states) = match &*map {
        Geometry::Ready(svg, states) => (svg, states),
        Geometry::Failed => {
            h.el("p", &[("class", "explorer-empty")], &t("error"));
            return;
        }
        _ => {
            h.el("p", &[("class", "explorer-hint")], &t("loading"));
            return;
        }
    };
    let ix = app.engine.index();
    let e = &app.engine;
    // One topic: stance mode (a State has at most one position on a topic), else count mode.
    let topic = match app.query.borrow().selected(Facet::Topic) {
        [one] => Some(*one),
        _ => None,
    };
    // Per State: its number of rows, and in stance mode its stance + 1 (0: none).
    let mut n = vec![(0u32, 0u16); ix.states.len()];
    for r in rows.iter().filter_map(|&row| ix.rows.get(row as usize)) {
        if let Some(c) = n.get_mut(r.state as usize) {
            c.0 += 1;
            if topic.is_some() && r.topic == topic {
                c.1 = r.stance.map_or(0, |s| s + 1);
            }
        }
    }
    let most = n.iter().map(|c| c.0).max().unwrap_or(0).max(1);
    // Class k of a count: the k-th quarter of 1..=most it falls in.
    let bin = |c: u32| (c * BINS).div_ceil(most);
    let none = t("none");
    for (el, v) in states {
        let (c, s) = n[*v as usize];
        let (class, what) = match (topic, s, c) {
            (Some(_), 1.., _) => (
                ["stance-", e.id(Facet::Stance, s - 1)].concat(),
                e.label(Facet::Stance, s - 1).to_string(),
            ),
            (None, _, 1..) => (
                ["roles-", &itoa(bin(c) as usize)].concat(),
                count(&app.t.results, app.t.plural, c as usize),
            ),
            _ => ("uncoded".into(), none.clone()),
        };
        let name = [e.label(Facet::State, *v), app.t.colon, &what].concat();
        let _ = el.set_attribute("class", &class);
        let _ = el.set_attribute("aria-label", &name);
        if let Some(title) = el.first_element_child() {
            title.set_text_content(Some(&name));
        }
    }
    let title = match topic {
        Some(tp) => [&t("stance"), app.t.colon, e.label(Facet::Topic, tp)].concat(),
        None => t("counts"),
    };
    let _ = svg.set_attribute("aria-label", &title);
    h.open("figure", &[("class", "map-figure explorer-map")])
        .node(svg)
        .open("figcaption", &[])
        .el("p", &[("class", "map-title")], &title)
        .open("ul", &[("class", "legend")]);
    let mut item = |class: &str, text: &str, k: usize| {
        h.open("li", &[])
            .el("span", &[("class", &["swatch ", class].concat())], "")
            .text(&[text, " (", &itoa(k), ")"].concat())
            .close("li");
    };
    // The legend: in stance mode the stances held, with their number of States; in count mode
    // the range of counts of each class, with its number of States.
    if topic.is_some() {
        for s in 0..ix.stances.len() as u16 {
            let k = n.iter().filter(|c| c.1 == s + 1).count();
            if k > 0 {
                let class = ["stance-", e.id(Facet::Stance, s)].concat();
                item(&class, e.label(Facet::Stance, s), k);
            }
        }
    } else {
        for b in 1..=BINS {
            let (lo, hi) = ((b - 1) * most / BINS + 1, b * most / BINS);
            let k = n.iter().filter(|c| c.0 > 0 && bin(c.0) == b).count();
            if lo <= hi {
                let (lo, hi) = (itoa(lo as usize), itoa(hi as usize));
                let range = if lo == hi {
                    lo
                } else {
                    [lo.as_str(), "–", &hi].concat()
                };
                item(&["roles-", &itoa(b as usize)].concat(), &range, k);
            }
        }
    }
    let k = n
        .iter()
        .filter(|c| c.0 == 0 || (topic.is_some() && c.1 == 0))
        .count();
    item("uncoded", &none, k);
    h.close("ul")
        .el("p", &[("class", "explorer-hint")], &t("hint"))
        .close("figcaption")
        .close("figure");
}
