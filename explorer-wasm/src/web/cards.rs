//! The cards view ("quotes"): one card per matching row — State and group, topic and stance
//! (or the relation of a fact), document, quote, note and a link to the evidence — the first
//! [`PAGE`] at once, the next [`PAGE`] on each "show more".
//!
//! It only writes rows it is given into the builder it is given (data as text nodes): it must
//! not run queries, read the form or touch the URL; the page wiring (`web`) does that.

use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use super::dom::child;
use super::{App, Res};
use crate::engine::Facet;
use crate::html::Html;

/// Cards shown at first and added by each "show more".
pub(super) const PAGE: usize = 50;

/// The first page of cards, and "show more" when there are more.
pub(super) fn render(app: &App, h: &mut Html, rows: &[u32]) {
    h.open("ul", &[("class", "explorer-cards")]);
    write_cards(app, h, &rows[..rows.len().min(PAGE)], false);
    h.close("ul");
    if rows.len() > PAGE {
        App::button(h, "more", &app.t.more);
    }
}

/// One `<li class="card">` per row; `focus_first` makes the first one focusable (the target of
/// "show more").
fn write_cards(app: &App, h: &mut Html, rows: &[u32], focus_first: bool) {
    let ix = app.engine.index();
    let label = |f: Facet, v: u16| app.engine.label(f, v);
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
            let stance_class = ["stance stance-", app.engine.id(Facet::Stance, s)].concat();
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
                .el("a", &[("href", &app.evidence_url(id))], &app.t.evidence)
                .close("p");
        }
        h.close("li");
    }
}

/// Adds the next page of cards and moves focus to the first new one.
pub(super) fn more(app: &App) -> Res {
    let Some(list) = child(&app.root, ".explorer-cards") else {
        return Ok(());
    };
    let results = app.results.borrow();
    let from = app.shown.get().min(results.rows.len());
    let to = (from + PAGE).min(results.rows.len());
    app.shown.set(to);
    let mut h = Html::new(&app.doc);
    write_cards(app, &mut h, &results.rows[from..to], true);
    let cards = h.finish()?;
    list.append_child(&cards)?;
    if to == results.rows.len() {
        if let Some(b) = child(&app.root, "#explorer-results button[data-act=more]") {
            b.remove();
        }
    }
    if let Some(li) = list.query_selector_all("li.card")?.get(from as u32) {
        li.dyn_into::<HtmlElement>()?.focus()?;
    }
    Ok(())
}
