//! Query <-> URL query string (`state=deu&state=fra&topic=consensus&q=…`).
//!
//! Keys are the facet keys (the same names as the no-JavaScript form fields, so a submitted form
//! and a shared link read the same) and values are the index's stable ids. Unknown keys and ids
//! are ignored, so an old link never breaks the page.

use crate::engine::{Engine, Facet, Query};

/// Key of the free-text query.
pub const TEXT_KEY: &str = "q";

/// `application/x-www-form-urlencoded` pairs of a query string (a leading `?` is skipped).
pub fn parse_pairs(qs: &str) -> Vec<(String, String)> {
    qs.strip_prefix('?')
        .unwrap_or(qs)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Percent-decodes a component, with `+` as a space; invalid escapes are kept verbatim.
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' => match (hex(b.get(i + 1)), hex(b.get(i + 2))) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    // Not UTF-8 after decoding: not a value this site ever wrote, so it is dropped.
    String::from_utf8(out).unwrap_or_default()
}

fn hex(c: Option<&u8>) -> Option<u8> {
    (*c? as char).to_digit(16).map(|d| d as u8)
}

/// Appends `s` percent-encoded (space as `+`, as a form submission would).
pub fn encode_into(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 15) as usize] as char);
            }
        }
    }
}

/// Appends `key=value` to a query string being built.
pub fn push_pair(out: &mut String, key: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    encode_into(key, out);
    out.push('=');
    encode_into(value, out);
}

impl Engine {
    /// The query a URL's query string describes.
    pub fn parse_query(&self, qs: &str) -> Query {
        let mut query = Query::default();
        for (k, v) in parse_pairs(qs) {
            if k == TEXT_KEY {
                query.text = v;
            } else if let Some(f) = Facet::from_key(&k) {
                if let Some(value) = self.find(f, &v) {
                    query.set(f, value, true);
                }
            }
        }
        query
    }

    /// The query string of a query (without `?`): facets in a fixed order, then the text.
    pub fn query_string(&self, query: &Query) -> String {
        let mut out = String::new();
        for f in Facet::ALL {
            for v in query.selected(f) {
                push_pair(&mut out, f.key(), self.id(f, *v));
            }
        }
        if !query.text.trim().is_empty() {
            push_pair(&mut out, TEXT_KEY, &query.text);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_forms_and_survives_bad_escapes() {
        assert_eq!(
            parse_pairs("?state=deu&q=l%E2%80%99%C3%A9tat+de+droit&x&%zz=%4"),
            [
                ("state".into(), "deu".into()),
                ("q".into(), "l’état de droit".into()),
                ("x".into(), String::new()),
                ("%zz".into(), "%4".into()),
            ]
        );
    }

    #[test]
    fn encodes_reserved_characters() {
        let mut s = String::new();
        push_pair(&mut s, "q", "a&b=c d/é");
        push_pair(&mut s, "state", "fra");
        assert_eq!(s, "q=a%26b%3Dc+d%2F%C3%A9&state=fra");
        assert_eq!(parse_pairs(&s)[0].1, "a&b=c d/é");
    }
}
