//! Small DOM helpers of the web layer: attributes, selectors, event listeners and timing.
//!
//! No state and no knowledge of the explorer's views or query: anything that does belongs to
//! the page wiring (`web`) or to a view module.

use std::rc::{Rc, Weak};

use js_sys::Number;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, Window};

use super::{App, Res};

pub(super) fn attr(e: &Element, name: &str) -> String {
    e.get_attribute(name).unwrap_or_default()
}

pub(super) fn child(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

pub(super) fn target(e: &Event) -> Option<Element> {
    e.target().and_then(|t| t.dyn_into::<Element>().ok())
}

pub(super) fn now(window: &Window) -> f64 {
    window.performance().map(|p| p.now()).unwrap_or(0.0)
}

/// Milliseconds with one decimal, formatted by JavaScript (Rust's float formatting is large).
pub(super) fn set_ms(root: &Element, name: &str, ms: f64) {
    if let Ok(s) = Number::from(ms).to_fixed(1) {
        let _ = root.set_attribute(name, &String::from(s));
    }
}

/// Adds an event listener that lives as long as the page and calls `f` while the app lives.
pub(super) fn listen(
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
pub(super) fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}
