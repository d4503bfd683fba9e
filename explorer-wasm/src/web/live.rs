//! The live region (`#explorer-status`, `role=status`): what a screen reader hears after a
//! change — the number of results and the filters applied — once typing has paused, and the
//! error text when the module cannot start.
//!
//! It only writes the status element: it must not change the query, the views or the URL.

use wasm_bindgen::JsCast;
use web_sys::Element;

use super::dom::{attr, child};
use super::App;
use crate::engine::Facet;
use crate::fold;
use crate::text::count;

/// Delay before the live region speaks, so typing is not announced letter by letter.
const STATUS_DELAY_MS: i32 = 400;

impl App {
    /// (Re)starts the delay after which [`App::announce`] speaks.
    pub(super) fn schedule_status(&self) {
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
    pub(super) fn announce(&self) {
        self.status_timer.set(None);
        let n = self.results.borrow().rows.len();
        let mut text = count(&self.t.results, self.t.plural, n);
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
}

/// Shows the error text in the status, to everyone; the static table stays in place.
pub(super) fn show_error(root: &Element) {
    let msg = attr(root, "data-t-error");
    if let Some(status) = child(root, "#explorer-status") {
        status.set_text_content(Some(&msg));
        // Sighted users should see it too.
        let _ = status.class_list().remove_1("visually-hidden");
    }
}
