//! Accent- and case-insensitive word splitting for the full-text filter.
//!
//! Hand-written tables for Latin-1 and Latin Extended-A instead of Unicode normalisation:
//! French and English quotes never leave those blocks, and the tables cost a few hundred bytes
//! of WebAssembly where a normaliser costs tens of kilobytes.

/// Base letters for U+00C0..=U+00FF. Digits are expansions: 1 = "ae", 3 = "th", 4 = "ss";
/// a space marks a separator (× and ÷).
const LATIN1: &[u8; 64] = b"aaaaaa1ceeeeiiiidnooooo ouuuuy34aaaaaa1ceeeeiiiidnooooo ouuuuy3y";

/// Base letters for U+0100..=U+017F. Digits are expansions: 5 = "ij", 2 = "oe".
const LATIN_EXT_A: &[u8; 128] = b"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii55jjkkkllllllllllnnnnnnnnnoooooo22rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

/// Appends the folded form of `c` to `out`, or returns false when `c` separates words.
pub fn push_folded(c: char, out: &mut String) -> bool {
    let code = c as u32;
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            return true;
        }
        return false;
    }
    let base = match code {
        0xC0..=0xFF => LATIN1[(code - 0xC0) as usize],
        0x100..=0x17F => LATIN_EXT_A[(code - 0x100) as usize],
        // Latin-1 punctuation and symbols, general punctuation (’ “ « – … and the
        // various spaces), and the byte-order mark.
        0x80..=0xBF | 0x2000..=0x206F | 0x3000 | 0xFEFF => return false,
        0xFB00 => b'6', // ﬀ
        0xFB01 => b'7', // ﬁ
        0xFB02 => b'8', // ﬂ
        // Any other script: kept as is (case folding there is not worth its tables).
        _ => {
            out.push(c);
            return true;
        }
    };
    let expansion = match base {
        b' ' => return false,
        b'1' => "ae",
        b'2' => "oe",
        b'3' => "th",
        b'4' => "ss",
        b'5' => "ij",
        b'6' => "ff",
        b'7' => "fi",
        b'8' => "fl",
        _ => {
            out.push(base as char);
            return true;
        }
    };
    out.push_str(expansion);
    true
}

/// Calls `f` with each folded word of `text`, in order. `buf` is reused between words.
pub fn for_each_word(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    buf.clear();
    for c in text.chars() {
        // ASCII, nearly every character of French and English text, is handled inline: this
        // loop is most of the time it takes to build the word index.
        let in_word = if c.is_ascii() {
            let keep = c.is_ascii_alphanumeric();
            if keep {
                buf.push(c.to_ascii_lowercase());
            }
            keep
        } else {
            push_folded(c, buf)
        };
        if !in_word && !buf.is_empty() {
            f(buf);
            buf.clear();
        }
    }
    if !buf.is_empty() {
        f(buf);
        buf.clear();
    }
}

/// The folded words of `text`, in order (duplicates kept).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = String::new();
    for_each_word(text, &mut buf, |w| out.push(w.to_string()));
    out
}

/// `text` folded: lower-case, accents removed, one space between words.
pub fn fold(text: &str) -> String {
    words(text).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_french_accents_ligatures_and_case() {
        assert_eq!(
            fold("Œuvre À L’ÉTAT — façon «naïve»"),
            "oeuvre a l etat facon naive"
        );
        assert_eq!(
            fold("cœur, Ærø, Straße, ĳssel, Łódź"),
            "coeur aero strasse ijssel lodz"
        );
        assert_eq!(fold("ﬁnal ﬂow"), "final flow");
        assert_eq!(fold("5×3 ÷ 2"), "5 3 2");
    }

    #[test]
    fn splits_on_apostrophes_hyphens_and_spaces() {
        assert_eq!(
            words("l'organisation d’un non-governmental\u{a0}forum"),
            [
                "l",
                "organisation",
                "d",
                "un",
                "non",
                "governmental",
                "forum"
            ]
        );
        assert!(words(" … — ").is_empty());
    }

    #[test]
    fn tables_line_up_with_their_code_points() {
        // Spot checks at both ends of each table and around the expansions.
        let one = |c: char| fold(&c.to_string());
        assert_eq!(one('À'), "a");
        assert_eq!(one('ÿ'), "y");
        assert_eq!(one('Ø'), "o");
        assert_eq!(one('þ'), "th");
        assert_eq!(one('Ā'), "a");
        assert_eq!(one('Ĳ'), "ij");
        assert_eq!(one('ĸ'), "k");
        assert_eq!(one('Œ'), "oe");
        assert_eq!(one('Ÿ'), "y");
        assert_eq!(one('ž'), "z");
        assert_eq!(one('ſ'), "s");
        assert_eq!(one('я'), "я");
    }
}
