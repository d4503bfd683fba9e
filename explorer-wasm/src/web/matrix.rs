//! The matrix view: States × topics, each cell the State's stance on the topic, linked to its
//! evidence. Also the grid writer the comparison view (`compare`) shares, turned the other way.
//!
//! It only writes the rows it is given into the builder it is given (data as text nodes): it
//! must not run queries, read the form or touch the URL; the page wiring (`web`) does that.

use super::{App, View};
use crate::engine::Facet;
use crate::html::Html;
use crate::matrix::Matrix;

/// The grid of the States and topics of `rows`; a "no results" line when only facts match.
pub(super) fn render(app: &App, h: &mut Html, rows: &[u32]) {
    let m = Matrix::build(app.engine.index(), rows);
    if m.states.is_empty() {
        // Only facts match: there is no stance to tabulate.
        h.el("p", &[("class", "explorer-empty")], &app.t.no_results);
    } else {
        write_grid(app, h, &m, false);
    }
}

/// A States × topics table (matrix), or topics × States (comparison, with quotes).
pub(super) fn write_grid(app: &App, h: &mut Html, m: &Matrix, compare: bool) {
    let (cols, rows, col_facet, row_facet) = if compare {
        (&m.states, &m.topics, Facet::State, Facet::Topic)
    } else {
        (&m.topics, &m.states, Facet::Topic, Facet::State)
    };
    let view = if compare { View::Compare } else { View::Matrix };
    h.open("div", &[("class", "table-scroll")])
        .open("table", &[("class", "explorer-matrix sticky-header")])
        .el("caption", &[], &app.t.views[view as usize])
        .open("thead", &[])
        .open("tr", &[])
        .el("th", &[("scope", "col")], &app.t.facets[row_facet as usize]);
    for c in cols {
        h.el("th", &[("scope", "col")], app.engine.label(col_facet, *c));
    }
    h.close("tr").close("thead").open("tbody", &[]);
    for (ri, r) in rows.iter().enumerate() {
        h.open("tr", &[])
            .el("th", &[("scope", "row")], app.engine.label(row_facet, *r));
        for ci in 0..cols.len() {
            let (s, t) = if compare { (ci, ri) } else { (ri, ci) };
            match m.cell(s, t) {
                Some(row) => write_cell(app, h, row, compare),
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
fn write_cell(app: &App, h: &mut Html, row: u32, with_quote: bool) {
    let r = app.engine.index().rows.get(row as usize);
    let Some((r, stance)) = r.and_then(|r| Some((r, r.stance?))) else {
        h.el("td", &[], "");
        return;
    };
    let class = ["stance-", app.engine.id(Facet::Stance, stance)].concat();
    let label = app.engine.label(Facet::Stance, stance);
    h.open("td", &[("class", &class)]);
    if r.anchor.is_empty() {
        h.el("span", &[], label);
    } else {
        h.el("a", &[("href", &app.evidence_url(row))], label);
    }
    if with_quote && !r.quote.is_empty() {
        h.el("blockquote", &[], r.quote);
    }
    h.close("td");
}
