//! The coding's reliability: a second, blind coding of a stratified random sample of
//! (State, topic) pairs, compared with the first coding (raw agreement and Cohen's κ on
//! stances, per topic and overall) and resolved by adjudication.
//!
//! It uses only `diagnostics` and `types`, so that each stage can call it without an import
//! cycle: `load` reads the file (`sample::load`), `validate` checks it against the topics and
//! the current coding (`sample::check`), and the renderer gives the methodology page its
//! table (`table::context`).

pub mod kappa;
pub mod sample;
pub mod table;

pub use kappa::Agreement;
pub use sample::{check, load, Coding, Sample};
pub use table::{context, Figures, Labels};
