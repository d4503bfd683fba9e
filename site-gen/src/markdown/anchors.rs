//! Block ids: the `{#id .class}` marker that opens an anchored paragraph or list item, the
//! `id`/`class` attributes written from it, heading slugs and the uniqueness of ids on a page.
//!
//! Used by both the scanner and the HTML renderer; it must not depend on either (it reads marker
//! text and writes attributes, nothing more).

use crate::text::esc_into;
use pulldown_cmark::{Event, Tag, TagEnd};
use std::collections::BTreeMap;

/// Parses a leading `{#id .class …}` marker. Returns (id, classes, bytes consumed incl. spaces).
pub fn parse_marker(text: &str) -> Option<(Option<String>, Vec<String>, usize)> {
    let rest = text.strip_prefix('{')?;
    let close = rest.find('}')?;
    let inner = &rest[..close];
    if inner.is_empty() || !(inner.starts_with('#') || inner.starts_with('.')) {
        return None;
    }
    let mut id = None;
    let mut classes = Vec::new();
    for part in inner.split_whitespace() {
        if let Some(i) = part.strip_prefix('#') {
            if id.is_some() {
                return None;
            }
            id = Some(i.to_string());
        } else if let Some(c) = part.strip_prefix('.') {
            classes.push(c.to_string());
        } else {
            return None;
        }
    }
    let after = &rest[close + 1..];
    let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
    Some((id, classes, 1 + close + 1 + spaces))
}

/// Looks at the first text of the block starting at `i` for an attribute marker.
pub(super) fn marker_ahead(events: &[Event], i: usize) -> (Option<String>, Vec<String>, usize) {
    let mut j = i + 1;
    while let Some(ev) = events.get(j) {
        match ev {
            Event::Start(Tag::Paragraph) => j += 1,
            Event::Text(t) => {
                return match parse_marker(t) {
                    Some((id, classes, used)) => (id, classes, used),
                    None => (None, Vec::new(), 0),
                };
            }
            _ => break,
        }
    }
    (None, Vec::new(), 0)
}

pub(super) fn pending_permalink(used: &mut BTreeMap<String, usize>, id: &str) {
    *used.entry(id.to_string()).or_insert(0) += 1;
}

pub(super) fn attrs(id: Option<&str>, classes: &[String]) -> String {
    let mut s = String::new();
    write_attrs(&mut s, id, classes);
    s
}

pub(super) fn write_attrs(out: &mut String, id: Option<&str>, classes: &[String]) {
    if let Some(id) = id {
        out.push_str(" id=\"");
        esc_into(out, id);
        out.push('"');
    }
    if !classes.is_empty() {
        out.push_str(" class=\"");
        esc_into(out, &classes.join(" "));
        out.push('"');
    }
}

pub(super) fn heading_slug(rest: &[Event]) -> String {
    let mut text = String::new();
    for e in rest {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::End(TagEnd::Heading(_)) => break,
            _ => {}
        }
    }
    slugify(&text)
}

/// ASCII slug of a text: accents folded, everything else a hyphen.
pub fn slugify(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut s = String::new();
    for c in text.nfd() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '\'' || c == '’') && !s.ends_with('-') {
            // Non-ASCII letters are the combining marks left by NFD: dropping them folds accents.
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "section".into()
    } else {
        s
    }
}

pub(super) fn unique_id(used: &mut BTreeMap<String, usize>, id: String) -> String {
    let n = used.entry(id.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        id
    } else {
        format!("{id}-{n}")
    }
}
