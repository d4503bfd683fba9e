//! The site's Content-Security-Policy, written once and sent two ways: in a `<meta>` element
//! first in every page's `<head>`, which holds on any host, and as a header in `_headers`, for
//! the hosts that read that file (Netlify, Cloudflare Pages; docs/deployment.md for the others).

/// The policy every page is written to satisfy: no inline script or style, scripts and styles
/// from the site only, WebAssembly allowed (the explorer), images from the site or `data:`, and
/// no other site may frame a page.
const DIRECTIVES: [(&str, &str); 4] = [
    ("default-src", "'self'"),
    ("script-src", "'self' 'wasm-unsafe-eval'"),
    ("img-src", "'self' data:"),
    ("frame-ancestors", "'none'"),
];

/// Directives a `<meta>` policy cannot carry: browsers ignore them there (CSP Level 3, §3.3),
/// so they go out only as a header.
pub const HEADER_ONLY: [&str; 3] = ["frame-ancestors", "report-uri", "sandbox"];

/// The whole policy, for the `Content-Security-Policy` header.
pub fn header_policy() -> String {
    join(DIRECTIVES.iter())
}

/// The policy without its header-only directives, for `<meta http-equiv>`.
pub fn meta_policy() -> String {
    join(
        DIRECTIVES
            .iter()
            .filter(|(name, _)| !HEADER_ONLY.contains(name)),
    )
}

fn join<'a>(directives: impl Iterator<Item = &'a (&'a str, &'a str)>) -> String {
    directives
        .map(|(name, value)| format!("{name} {value}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_policy_is_the_header_policy_without_frame_ancestors() {
        assert_eq!(
            header_policy(),
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:; \
             frame-ancestors 'none'"
        );
        assert_eq!(
            meta_policy(),
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:"
        );
    }
}
