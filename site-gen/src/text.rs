//! Plain-text helpers shared by the stages that read or write text: whitespace collapsing and
//! HTML/XML escaping.
//!
//! It sits below every stage (it imports nothing from the crate), so that the Markdown renderer,
//! the mention recogniser, validation, the templates and the feeds can all use it without
//! importing one another. It must not learn about Markdown, mentions or pages: only strings in,
//! strings out.

/// `s` with each run of whitespace made one space and none at the ends.
pub fn collapse_ws(s: &str) -> String {
    // Same result as `split_whitespace().join(" ")` (Unicode spaces, such as the no-break
    // spaces of French typography, count), but it runs over every block of the corpus, so it
    // copies whole stretches of text at once: a lone ASCII space between two words is already
    // what the result needs, and only other whitespace (runs, line breaks, no-break spaces, the
    // ends) starts a new stretch. Every non-ASCII space starts with one of four lead bytes, and
    // UTF-8 continuation bytes are never lead bytes, so only those need decoding.
    let bytes = s.as_bytes();
    let n = bytes.len();
    let mut out = String::with_capacity(n);
    let mut i = skip_spaces(s, 0);
    let mut stretch = i; // start of the text not yet copied
    while i < n {
        // The common case, one byte at a time through a table: not a space, nor a lead byte.
        let b = bytes[i];
        if MAYBE_SPACE[b as usize] == 0 {
            i += 1;
            continue;
        }
        // A lone ASCII space before a byte that cannot start a space: kept as it is.
        if b == b' ' && i + 1 < n && MAYBE_SPACE[bytes[i + 1] as usize] == 0 {
            i += 2;
            continue;
        }
        if space_len(s, i) == 0 {
            i += 1; // a lead byte of some other character (its continuation bytes are not)
            continue;
        }
        if bytes[i] == b' ' && i + 1 < n && space_len(s, i + 1) == 0 {
            i += 2;
            continue;
        }
        out.push_str(&s[stretch..i]);
        i = skip_spaces(s, i);
        if i < n {
            out.push(' ');
        }
        stretch = i;
    }
    out.push_str(&s[stretch..]);
    out
}

/// Bytes that are, or may start, a whitespace character: the ASCII spaces and the lead bytes
/// of U+0085, U+00A0, U+1680, U+2000–U+205F and U+3000.
const MAYBE_SPACE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut k = 0;
    let bytes = [
        b'\t', b'\n', 0x0b, 0x0c, b'\r', b' ', 0xc2, 0xe1, 0xe2, 0xe3,
    ];
    while k < bytes.len() {
        t[bytes[k] as usize] = 1;
        k += 1;
    }
    t
};

/// Length of the whitespace character at byte `i` of `s` (a character boundary), or 0: the
/// characters of `char::is_whitespace`, matched on their UTF-8 bytes (no decoding).
#[inline]
fn space_len(s: &str, i: usize) -> usize {
    let b = s.as_bytes();
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    match b[i] {
        b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => 1,
        // U+0085, U+00A0
        0xc2 if matches!(at(1), 0x85 | 0xa0) => 2,
        // U+1680
        0xe1 if at(1) == 0x9a && at(2) == 0x80 => 3,
        // U+2000–U+200A, U+2028, U+2029, U+202F; U+205F
        0xe2 if at(1) == 0x80 && matches!(at(2), 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf) => 3,
        0xe2 if at(1) == 0x81 && at(2) == 0x9f => 3,
        // U+3000
        0xe3 if at(1) == 0x80 && at(2) == 0x80 => 3,
        _ => 0,
    }
}

fn skip_spaces(s: &str, mut i: usize) -> usize {
    while i < s.len() {
        match space_len(s, i) {
            0 => break,
            k => i += k,
        }
    }
    i
}

/// Escapes text for HTML (or XML) element content and double-quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    esc_into(&mut out, s);
    out
}

/// Appends `s` escaped for HTML text and double-quoted attributes (`&`, `<`, `>`, `"`): the
/// hottest function of a build, since templates escape every value they print. Most text has
/// nothing to escape, so it is searched with SIMD (`memchr3` for `&<>`, `memchr` for `"`, each
/// search run again only once its match is used) and copied in whole runs.
pub fn esc_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let markup = |from: usize| memchr::memchr3(b'&', b'<', b'>', &bytes[from..]).map(|k| from + k);
    let quote = |from: usize| memchr::memchr(b'"', &bytes[from..]).map(|k| from + k);
    let (mut next_markup, mut next_quote) = (markup(0), quote(0));
    let mut last = 0;
    loop {
        let i = match (next_markup, next_quote) {
            (None, None) => break,
            (Some(m), None) => m,
            (None, Some(q)) => q,
            (Some(m), Some(q)) => m.min(q),
        };
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        };
        out.push_str(&s[last..i]);
        out.push_str(entity);
        last = i + 1;
        if next_markup == Some(i) {
            next_markup = markup(last);
        } else {
            next_quote = quote(last);
        }
    }
    out.push_str(&s[last..]);
}

#[cfg(test)]
mod tests {
    use super::collapse_ws;

    /// Every character of Unicode, between two letters, alone and doubled: the byte patterns
    /// must name exactly the characters `char::is_whitespace` names, near misses included
    /// (U+200B, U+2030, U+3001, U+0086, U+1681).
    #[test]
    fn every_character_is_a_space_exactly_when_rust_says_so() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for s in [format!("a{c}b"), format!("a {c}{c}b"), format!("{c}a{c}")] {
                let expected = s.split_whitespace().collect::<Vec<_>>().join(" ");
                assert_eq!(collapse_ws(&s), expected, "U+{:04X}", c as u32);
            }
        }
    }
}
