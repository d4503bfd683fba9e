//! The facets: the form's checkboxes (found once, each with its count span), the form ⇄ query
//! in both directions, the counts written after each run, the State list's name filter, and
//! the chips of the active filters with their remove buttons.
//!
//! It reads and writes the form and `#explorer-active` only: running the query, the URL and
//! the views belong to the page wiring (`web`) and the view modules.

use std::cell::Cell;

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Event, HtmlInputElement};

use super::dom::{attr, target};
use super::{App, Res};
use crate::engine::{Engine, Facet, Query, Results};
use crate::fold;
use crate::html::{replace_children, Html};
use crate::text::{fill, itoa};

/// One facet checkbox of the form, with its count span.
pub(super) struct Checkbox {
    facet: Facet,
    value: u16,
    input: HtmlInputElement,
    count: Option<Element>,
    /// The count last written, so unchanged spans are not touched again.
    shown: Cell<Option<u32>>,
}

/// The checkboxes under `root` whose facet and value the index knows.
pub(super) fn checkboxes(root: &Element, doc: &Document, engine: &Engine) -> Res<Vec<Checkbox>> {
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
    Ok(boxes)
}

impl App {
    /// The query as the form controls now describe it.
    pub(super) fn read_form(&self) {
        let mut query = Query::default();
        for b in &self.boxes {
            if b.input.checked() {
                query.set(b.facet, b.value, true);
            }
        }
        query.text = self.q.as_ref().map(|q| q.value()).unwrap_or_default();
        *self.query.borrow_mut() = query;
    }

    /// The form controls set to the current query.
    pub(super) fn sync_form(&self) {
        let q = self.query.borrow();
        for b in &self.boxes {
            b.input.set_checked(q.is_selected(b.facet, b.value));
        }
        if let Some(input) = &self.q {
            input.set_value(&q.text);
        }
    }

    /// Each checkbox's "(n)": the rows it would give with the other facets' filters applied.
    pub(super) fn write_counts(&self, results: &Results) {
        for b in &self.boxes {
            let n = results.count(b.facet, b.value);
            if let (Some(span), false) = (&b.count, b.shown.get() == Some(n)) {
                span.set_text_content(Some(&["(", &itoa(n as usize), ")"].concat()));
                span.set_class_name(if n == 0 { "count zero" } else { "count" });
                b.shown.set(Some(n));
            }
        }
    }

    /// With topics selected, shows only their stance groups (and the shared values, and any
    /// group with a value checked); with none, every group.
    pub(super) fn show_stance_groups(&self) -> Res {
        let q = self.query.borrow();
        let topics = q.selected(Facet::Topic);
        let groups = self.root.query_selector_all("fieldset[data-topic]")?;
        for i in 0..groups.length() {
            let Some(g) = groups.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                continue;
            };
            let topic = self.engine.find(Facet::Topic, &attr(&g, "data-topic"));
            let shown = topics.is_empty()
                || topic.is_some_and(|t| topics.contains(&t))
                || g.query_selector("input:checked")?.is_some();
            g.toggle_attribute_with_force("hidden", !shown)?;
        }
        Ok(())
    }

    /// Shows only the State checkboxes whose name matches the words typed (word prefixes).
    pub(super) fn filter_state_list(&self, e: &Event) {
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

    /// Removes one filter, named as a chip's `rm:` argument: `q` (the text) or
    /// `<facet index>-<value>`.
    pub(super) fn remove_filter(&self, arg: &str) {
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

    /// The active filters as chips with a remove button each, and "clear all".
    pub(super) fn render_active(&self) -> Res {
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
}
