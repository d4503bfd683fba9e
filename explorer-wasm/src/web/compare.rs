//! The comparison view: 2 to 4 chosen States side by side, one row per topic, each cell the
//! stance with its quote; with fewer or more States chosen, a hint says how to use it.
//!
//! It only writes the rows it is given into the builder it is given (data as text nodes): it
//! must not run queries, change the chosen States or touch the URL; the page wiring (`web`)
//! does that.

use super::matrix::write_grid;
use super::App;
use crate::engine::Facet;
use crate::html::Html;
use crate::matrix::Matrix;

pub(super) fn render(app: &App, h: &mut Html, rows: &[u32]) {
    let states = app.query.borrow().selected(Facet::State).to_vec();
    if (2..=4).contains(&states.len()) {
        let m = Matrix::compare(app.engine.index(), rows, &states);
        write_grid(app, h, &m, true);
    } else {
        h.el("p", &[("class", "explorer-hint")], &app.t.compare_hint);
    }
}
