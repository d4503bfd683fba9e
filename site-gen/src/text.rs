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
        if MAYBE_SPACE[bytes[i] as usize] == 0 {
            i += 1;
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

/// Length of the whitespace character at byte `i` of `s` (a character boundary), or 0.
#[inline]
fn space_len(s: &str, i: usize) -> usize {
    match s.as_bytes()[i] {
        b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => 1,
        0xc2 | 0xe1 | 0xe2 | 0xe3 => match s[i..].chars().next() {
            Some(c) if c.is_whitespace() => c.len_utf8(),
            _ => 0,
        },
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
