//! CSV (RFC 4180) and JSON export of result rows, written by hand: serde_json would cost
//! ~25 KB gzipped of WebAssembly for what is a dozen lines here.

use crate::model::{Index, Row};

/// Column names, shared by both formats.
pub const COLUMNS: [&str; 10] = [
    "state_id", "state", "group", "relation", "document", "topic", "stance", "quote", "note", "url",
];

/// The ten fields of a row, in [`COLUMNS`] order.
fn fields(index: &Index, row: &Row) -> [String; 10] {
    let label = |labels: &[crate::model::Label], v: Option<u16>| {
        v.and_then(|v| labels.get(v as usize))
            .map(|l| l.label.clone())
            .unwrap_or_default()
    };
    let state = index.states.get(row.state as usize);
    let doc = index.documents.get(row.doc as usize);
    let mut url = doc.map(|d| d.url.clone()).unwrap_or_default();
    if !row.anchor.is_empty() {
        url.push('#');
        url.push_str(row.anchor);
    }
    [
        state.map(|s| s.id.clone()).unwrap_or_default(),
        state.map(|s| s.name.clone()).unwrap_or_default(),
        label(&index.groups, state.map(|s| s.group)),
        label(&index.relations, row.relation),
        doc.map(|d| d.label.clone()).unwrap_or_default(),
        label(&index.topics, row.topic),
        label(&index.stances, row.stance),
        row.quote.to_string(),
        row.note.to_string(),
        url,
    ]
}

fn rows<'a>(index: &'a Index, ids: &'a [u32]) -> impl Iterator<Item = Row<'a>> {
    ids.iter().filter_map(|i| index.rows.get(*i as usize))
}

/// CSV with a header line, CRLF line ends, fields quoted when they need it.
pub fn to_csv(index: &Index, ids: &[u32]) -> String {
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
        let f = fields(index, &row);
        line(&mut out, &f.each_ref().map(String::as_str));
    }
    out
}

/// A JSON array of objects keyed by [`COLUMNS`].
pub fn to_json(index: &Index, ids: &[u32]) -> String {
    let mut out = String::from("[");
    for (n, row) in rows(index, ids).enumerate() {
        out.push_str(if n == 0 { "\n{" } else { ",\n{" });
        for (i, (k, v)) in COLUMNS.iter().zip(fields(index, &row)).enumerate() {
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
