//! Reads the position of `mi_option_purge_delay` in the `mi_option_t` enum of the mimalloc
//! that libmimalloc-sys bundles, for `main.rs`: the crate exports no constant for that option,
//! and a bare number would silently set another option if mimalloc reordered its enum.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-env-changed=DEP_MIMALLOC_INCLUDE_DIR");
    let dir = std::env::var("DEP_MIMALLOC_INCLUDE_DIR")
        .expect("libmimalloc-sys gives the directory of mimalloc.h (DEP_MIMALLOC_INCLUDE_DIR)");
    let header = Path::new(&dir).join("mimalloc.h");
    println!("cargo:rerun-if-changed={}", header.display());
    let text = std::fs::read_to_string(&header)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", header.display()));
    let Some(position) = enum_position(&text, "mi_option_e", "mi_option_purge_delay") else {
        panic!(
            "mi_option_purge_delay is not in the mi_option_t enum of {}: see main.rs",
            header.display()
        );
    };
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("mi_options.rs");
    std::fs::write(
        &out,
        format!("/// `mi_option_purge_delay`, read from the bundled mimalloc.h.\nconst MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = {position};\n"),
    )
    .expect("write mi_options.rs");
}

/// The value of `name` in the C enum `tag`, whose members are numbered from 0 in order (the
/// options before `_mi_option_last` have no explicit values).
fn enum_position(header: &str, tag: &str, name: &str) -> Option<usize> {
    let body = header.split(&format!("typedef enum {tag} {{")).nth(1)?;
    let body = body.split('}').next()?;
    body.lines()
        .map(|l| l.split("//").next().unwrap_or("").trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .flat_map(|l| l.split(','))
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .take_while(|m| !m.contains('='))
        .position(|m| m == name)
}
