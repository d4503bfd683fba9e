//! Search tokens: the folded words of a text (`fold::push_folded`, the explorer's own folding)
//! and UN symbols and resolution numbers kept whole (`A/C.1/78/L.60/Rev.1`, `77/37`).
//!
//! The index writer (`site-gen`) and the query parser both call [`for_each_token`], so a word
//! is cut and folded the same way on both sides.

use crate::fold::push_folded;
use std::ops::Range;

/// A symbol of the General Assembly's resolutions also answers to its bare number: the texts
/// say "résolution 77/37" as often as "A/RES/77/37".
const RESOLUTION_PREFIX: &str = "a/res/";

/// What each byte is to the tokeniser: `OTHER`, a `LOWER` case letter or digit, or an `UPPER`
/// case letter. One load per byte of the texts, where `u8::is_ascii_alphanumeric` makes three
/// range tests, and a word with no capital is its own term, with no copy.
const CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_uppercase() {
            UPPER
        } else if c.is_ascii_alphanumeric() {
            LOWER
        } else {
            OTHER
        };
        b += 1;
    }
    table
};
const OTHER: u8 = 0;
const LOWER: u8 = 1;
const UPPER: u8 = 2;

fn is_alnum(b: u8) -> bool {
    CLASS[b as usize] != OTHER
}

/// What a token is to its caller: a word or symbol of the text, or another name for the token
/// just before it (same position).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Alias,
}

/// Calls `f(term, byte range in text, kind)` for each token of `text`, in order. Terms are
/// folded (lower case, no accents); symbols are lower-cased and keep their `/` and `.`.
pub fn for_each_token(text: &str, mut f: impl FnMut(&str, Range<usize>, TokenKind)) {
    tokens(text, &mut f);
}

/// [`for_each_token`]'s body, compiled once for all its callers (the WebAssembly's size).
fn tokens(text: &str, f: &mut dyn FnMut(&str, Range<usize>, TokenKind)) {
    let bytes = text.as_bytes();
    let mut buf = String::new();
    let mut start = 0;
    let mut i = 0;
    // Whether the character before `i` belongs to a word: a symbol starts only at a word start.
    let mut in_word = false;
    while i < text.len() {
        if !in_word && is_alnum(bytes[i]) {
            // Most words are a run of ASCII letters and digits ended by ASCII punctuation
            // or a space: the run, lower-cased, is the term, and it cannot be a symbol.
            let mut classes = CLASS[bytes[i] as usize];
            let end = bytes[i + 1..]
                .iter()
                .position(|&b| {
                    let class = CLASS[b as usize];
                    classes |= class;
                    class == OTHER
                })
                .map_or(bytes.len(), |n| i + 1 + n);
            if bytes
                .get(end)
                .is_none_or(|&b| b < 0x80 && b != b'/' && b != b'.')
            {
                let word = text.get(i..end).unwrap_or("");
                if classes & UPPER == 0 {
                    f(word, i..end, TokenKind::Word);
                } else {
                    // `buf` is empty between words.
                    buf.push_str(word);
                    buf.make_ascii_lowercase();
                    f(&buf, i..end, TokenKind::Word);
                    buf.clear();
                }
                i = end;
                continue;
            }
            if let Some(end) = symbol_at(bytes, i) {
                let term = text.get(i..end).unwrap_or("").to_ascii_lowercase();
                f(&term, i..end, TokenKind::Word);
                if let Some(number) = term.strip_prefix(RESOLUTION_PREFIX) {
                    f(number, i..end, TokenKind::Alias);
                }
                i = end;
                continue;
            }
        }
        // ASCII, nearly every byte of the texts, is folded inline (the writer tokenises the
        // whole site); `push_folded` does the same for it.
        let b = bytes[i];
        let (keep, len) = if b < 0x80 {
            let keep = is_alnum(b);
            if keep {
                buf.push(b.to_ascii_lowercase() as char);
            }
            (keep, 1)
        } else {
            let c = text.get(i..).and_then(|s| s.chars().next()).unwrap_or(' ');
            (push_folded(c, &mut buf), c.len_utf8())
        };
        if keep {
            if !in_word {
                start = i;
            }
            in_word = true;
        } else {
            if in_word {
                f(&buf, start..i, TokenKind::Word);
                buf.clear();
            }
            in_word = false;
        }
        i += len;
    }
    if in_word {
        f(&buf, start..text.len(), TokenKind::Word);
    }
}

/// The end of a symbol starting at `i`: a run of ASCII letters, digits, `/` and `.` that holds
/// a `/` and a digit, without a trailing `/` or `.` (sentence punctuation), not followed by
/// another letter, and whose parts between slashes are not empty.
fn symbol_at(bytes: &[u8], i: usize) -> Option<usize> {
    let mut end = i;
    let mut slash = false;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'/' | b'.'))
    {
        slash |= bytes[end] == b'/';
        end += 1;
    }
    // Nearly every word: no `/`, so no symbol, whatever follows.
    if !slash {
        return None;
    }
    // Anything non-ASCII right after (a letter such as `é`) means the run is part of a word.
    if end < bytes.len() && bytes[end] >= 0x80 && !is_separator_after(&bytes[end..]) {
        return None;
    }
    while end > i && matches!(bytes[end - 1], b'/' | b'.') {
        end -= 1;
    }
    let run = &bytes[i..end];
    let ok = run.contains(&b'/')
        && run.iter().any(u8::is_ascii_digit)
        && !run.windows(2).any(|w| w[0] == b'/' && w[1] == b'/')
        && !run
            .windows(2)
            .any(|w| (w[0] == b'.') != (w[1] == b'.') && (w[0] == b'/' || w[1] == b'/'));
    ok.then_some(end)
}

/// Whether the non-ASCII character at the start of `rest` separates words (a no-break space,
/// a typographic quote or dash), as the folding says.
fn is_separator_after(rest: &[u8]) -> bool {
    let s = match std::str::from_utf8(&rest[..rest.len().min(4)]) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or(""),
    };
    s.chars()
        .next()
        .is_some_and(|c| !push_folded(c, &mut String::new()))
}

/// The tokens of `text` as owned terms, aliases included (for tests and small texts).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_token(text, |t, _, _| out.push(t.to_string()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_like_the_explorer() {
        assert_eq!(terms("Les États, l’Union"), ["les", "etats", "l", "union"]);
        assert_eq!(terms("ŒUVRE"), ["oeuvre"]);
    }

    #[test]
    fn symbols_and_resolution_numbers_are_one_token() {
        assert_eq!(
            terms("voir A/C.1/78/L.60/Rev.1, et (A/RES/73/27)."),
            ["voir", "a/c.1/78/l.60/rev.1", "et", "a/res/73/27", "73/27"]
        );
        assert_eq!(terms("résolution 77/37 du"), ["resolution", "77/37", "du"]);
        assert_eq!(terms("A/78/76."), ["a/78/76"]);
        // A symbol whose first part ends with a `.`: the word before it is not cut short.
        assert_eq!(terms("E.CN.4/2005/L.1"), ["e.cn.4/2005/l.1"]);
    }

    #[test]
    fn slashes_without_digits_or_with_gaps_are_words() {
        assert_eq!(terms("and/or"), ["and", "or"]);
        assert_eq!(terms("1//2"), ["1", "2"]);
        assert_eq!(terms("a/./1"), ["a", "1"]);
        // A run glued to a letter outside ASCII is a word, not a symbol.
        assert_eq!(terms("12/3é"), ["12", "3e"]);
        // After a no-break space, the symbol stands.
        assert_eq!(terms("77/37\u{a0}et"), ["77/37", "et"]);
    }

    #[test]
    fn ranges_point_at_the_source_text() {
        let text = "Les États — A/RES/77/37";
        let mut seen = Vec::new();
        for_each_token(text, |t, r, k| seen.push((t.to_string(), &text[r], k)));
        assert_eq!(seen[1], ("etats".into(), "États", TokenKind::Word));
        assert_eq!(
            seen[2],
            ("a/res/77/37".into(), "A/RES/77/37", TokenKind::Word)
        );
        assert_eq!(seen[3], ("77/37".into(), "A/RES/77/37", TokenKind::Alias));
    }

    #[test]
    fn a_symbol_inside_a_word_is_not_cut_out() {
        // `x` before: not at a word start.
        assert_eq!(terms("éa/1"), ["ea", "1"]);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// The tokens by their definition, one character at a time: a symbol where one starts at
    /// a word start, otherwise runs of characters that fold to something.
    fn one_char_at_a_time(text: &str) -> Vec<(String, Range<usize>, TokenKind)> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let (mut word, mut start, mut in_word, mut i) = (String::new(), 0, false, 0);
        while i < text.len() {
            if !in_word && bytes[i].is_ascii_alphanumeric() {
                if let Some(end) = symbol_at(bytes, i) {
                    let term = text[i..end].to_ascii_lowercase();
                    if let Some(n) = term.strip_prefix(RESOLUTION_PREFIX) {
                        let n = n.to_string();
                        out.push((term, i..end, TokenKind::Word));
                        out.push((n, i..end, TokenKind::Alias));
                    } else {
                        out.push((term, i..end, TokenKind::Word));
                    }
                    i = end;
                    continue;
                }
            }
            let c = text[i..].chars().next().unwrap();
            if push_folded(c, &mut word) {
                if !in_word {
                    start = i;
                }
                in_word = true;
            } else {
                if in_word {
                    out.push((std::mem::take(&mut word), start..i, TokenKind::Word));
                }
                in_word = false;
            }
            i += c.len_utf8();
        }
        if in_word {
            out.push((word, start..text.len(), TokenKind::Word));
        }
        out
    }

    proptest! {
        #[test]
        fn the_tokens_are_those_of_one_character_at_a_time(
            text in "[aZ9/.RrEeSs -,’é\u{a0}É«Œ1-7]{0,40}"
        ) {
            let mut got = Vec::new();
            for_each_token(&text, |t, r, k| got.push((t.to_string(), r, k)));
            prop_assert_eq!(got, one_char_at_a_time(&text));
        }
    }
}
