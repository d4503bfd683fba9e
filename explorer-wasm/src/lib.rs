//! The State-positions explorer.
//!
//! `model` (the index format), `engine` (filtering, facet counts) and its helpers — `fold` (text
//! matching), `url` (query strings), `export` (CSV/JSON), `matrix` (States × topics), `text` (UI strings
//! with counts) — are plain
//! Rust, tested natively; `web` is the thin wasm-bindgen layer that binds them to the page (its
//! page wiring, with one module per result view beside it), and `html` the builder the views
//! are assembled with (DOM nodes, text nodes for all data).

pub mod engine;
pub mod export;
pub mod fold;
pub mod matrix;
pub mod model;
pub mod search;
pub mod text;
pub mod url;

#[cfg(target_arch = "wasm32")]
mod html;
#[cfg(target_arch = "wasm32")]
mod search_web;
#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
pub use web::{start_explorer, start_with_bytes};
