//! CSV (RFC 4180) and JSON export of result rows, written by hand: serde_json would cost
//! ~25 KB gzipped of WebAssembly for what is a dozen lines here.

use crate::model::{Index, Row};

/// Column names, shared by both formats and by the site's downloads (`site-gen` writes its
/// `positions-<lang>.csv` with [`to_csv`] over every row), so the explorer's export and the
/// download page give the same columns for the same rows.
pub const COLUMNS: [&str; 13] = [
    "state_id",
    "state",
    "state_url",
    "group",
    "relation",
    "document",
    "topic_id",
    "topic",
    "stance_id",
    "stance",
    "quote",
    "note",
    "url",
];

/// The fields of a row, in [`COLUMNS`] order. `origin` (`https://host`, or empty) is put before
/// the site-absolute URLs, so a file is useful outside the site.
fn fields(index: &Index, row: &Row, origin: &str) -> [String; 13] {
    let entry = |labels: &'_ [crate::model::Label], v: Option<u16>| {
        v.and_then(|v| labels.get(v as usize))
            .map(|l| (l.id.clone(), l.label.clone()))
            .unwrap_or_default()
    };
    let state = index.states.get(row.state as usize);
    let doc = index.documents.get(row.doc as usize);
    let mut url = doc
        .map(|d| format!("{origin}{}", d.url))
        .unwrap_or_default();
    if !row.anchor.is_empty() {
        url.push('#');
        url.push_str(row.anchor);
    }
    let (topic_id, topic) = entry(&index.topics, row.topic);
    let (stance_id, stance) = entry(&index.stances, row.stance);
    [
        state.map(|s| s.id.clone()).unwrap_or_default(),
        state.map(|s| s.name.clone()).unwrap_or_default(),
        state
            .map(|s| format!("{origin}{}", s.url))
            .unwrap_or_default(),
        entry(&index.groups, state.map(|s| s.group)).1,
        entry(&index.relations, row.relation).1,
        doc.map(|d| d.label.clone()).unwrap_or_default(),
        topic_id,
        topic,
        stance_id,
        stance,
        row.quote.to_string(),
        row.note.to_string(),
        url,
    ]
}

fn rows<'a>(index: &'a Index, ids: &'a [u32]) -> impl Iterator<Item = Row<'a>> {
    ids.iter().filter_map(|i| index.rows.get(*i as usize))
}

/// CSV with a header line, CRLF line ends, fields quoted when they need it (RFC 4180), of the
/// rows `ids`; URLs start with `origin`.
pub fn to_csv(index: &Index, ids: &[u32], origin: &str) -> String {
    let mut out = String::new();
    let line = |out: &mut String, fields: &[&str]| {
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if f.contains([',', '"', '\r', '\n']) {
                out.push('"');
                for c in f.chars() {
                    if c == '"' {
                        out.push('"');
                    }
                    out.push(c);
                }
                out.push('"');
            } else {
                out.push_str(f);
            }
        }
        out.push_str("\r\n");
    };
    line(&mut out, &COLUMNS);
    for row in rows(index, ids) {
        let f = fields(index, &row, origin);
        line(&mut out, &f.each_ref().map(String::as_str));
    }
    out
}

/// A JSON array of objects keyed by [`COLUMNS`]; URLs start with `origin`.
pub fn to_json(index: &Index, ids: &[u32], origin: &str) -> String {
    let mut out = String::from("[");
    for (n, row) in rows(index, ids).enumerate() {
        out.push_str(if n == 0 { "\n{" } else { ",\n{" });
        for (i, (k, v)) in COLUMNS.iter().zip(fields(index, &row, origin)).enumerate() {
            if i > 0 {
                out.push(',');
            }
            json_string(k, &mut out);
            out.push(':');
            json_string(&v, &mut out);
        }
        out.push('}');
    }
    out.push_str("\n]\n");
    out
}

/// Appends `s` as a JSON string literal.
fn json_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_controls_quotes_and_backslashes() {
        let mut s = String::new();
        json_string("a\"b\\c\nd\u{1}é", &mut s);
        assert_eq!(s, r#""a\"b\\c\nd\u0001é""#);
    }
}
