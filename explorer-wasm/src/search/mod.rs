//! Site-wide search: the index model shared with `site-gen`, the tokeniser both sides use, the
//! writer's builder and the engine (query parsing, BM25 ranking, snippets). Plain Rust; the
//! wasm-bindgen layer is `search_web`.

pub mod build;
pub mod codec;
pub mod engine;
pub mod model;
pub mod tokenize;
