//! Recognises mentions in running text: UN document symbols, bare resolution numbers and State
//! names. The recogniser only finds spans; it never changes the text (links are added around it).

use crate::types::{Lang, StateId, Symbol};
use regex::Regex;
use std::ops::Range;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MentionKind {
    Symbol(Symbol),
    State(StateId),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub range: Range<usize>,
    pub kind: MentionKind,
}

// Word boundaries are ASCII (`(?-u:\b)`): a Unicode `\b` keeps the regex engine off its fast
// DFA on any text with an accent, which is every French paragraph, and the two only differ next
// to an accented letter glued to a symbol, a number or the word "résolution".

/// A full symbol from its first letter: `A/78/76`, `A/RES/77/37`, `A/C.1/78/L.60/Rev.1`,
/// `A/AC.292/2021/1`, `A/CONF.…`. Anchored: it is tried only where a letter `A`, `S` or `E`
/// starting a word stands before a slash (see [`find_symbols`]).
/// UN symbols, resolution numbers and dates are written with ASCII digits (`[0-9]`: `\d` would
/// take a digit of another script after a number for part of it).
fn symbol_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^(?:A|S|E)/(?:(?:RES|C\.[0-9]|AC\.[0-9]+|CONF\.[0-9]+|INF|HRC|S-[0-9]+)/)*[0-9]+(?:/(?:L\.|INF/)?[0-9]+)*(?:/(?:Rev|Corr|Add)\.[0-9]+)*",
        )
        .expect("static regex")
    })
}

/// `et Corr.1`, `and Add.2`, `et Corr.1 et 2` following a symbol.
fn suffix_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\s+(?:et|and)\s+((?:Corr|Add)\.[0-9]+)").expect("static regex"))
}

fn resolution_word_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(?i)(?-u:\b)r[ée]solutions?(?-u:\b)").expect("static regex"))
}

/// Whether a text speaks of resolutions: bare numbers such as `77/37` are only resolution
/// mentions in a block that does.
pub fn speaks_of_resolutions(text: &str) -> bool {
    // The case-insensitive regex is slow to start: a word "résolution" written in lower, title
    // or upper case holds "olution" or "OLUTION", which two SIMD searches rule out first.
    static LOWER: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    static UPPER: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let lower = LOWER.get_or_init(|| memchr::memmem::Finder::new(b"olution"));
    let upper = UPPER.get_or_init(|| memchr::memmem::Finder::new(b"OLUTION"));
    let bytes = text.as_bytes();
    (lower.find(bytes).is_some() || upper.find(bytes).is_some())
        && resolution_word_re().is_match(text)
}

/// A word character for the ASCII `\b` of the patterns: an accented letter next to a symbol or
/// a number does not join it (see the symbol and bare-number rules in [`find_symbols`]).
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A bare number `77/37` (session/number) around the slash at `slash`: one or two digits, the
/// first not 0, starting a word; then one to three digits ending one. Returns its span.
fn bare_number_at(bytes: &[u8], slash: usize) -> Option<Range<usize>> {
    let before = bytes[..slash]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let after = bytes[slash + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let start = slash - before;
    let end = slash + 1 + after;
    let starts_word = start == 0 || !is_word(bytes[start - 1]);
    let ends_word = bytes.get(end).is_none_or(|b| !is_word(*b));
    ((1..=2).contains(&before)
        && bytes[start] != b'0'
        && starts_word
        && (1..=3).contains(&after)
        && ends_word)
        .then_some(start..end)
}

/// Finds document mentions in `text`. `near_resolution` says whether the block this text
/// belongs to has spoken of a resolution (see [`speaks_of_resolutions`]) up to and including
/// `text`; it is asked only when the text holds a bare number such as `77/37`.
///
/// Every mention has a slash: the text is searched for slashes only, and each one is looked at
/// where it stands. A slash after a letter `A`, `S` or `E` starting a word starts a full symbol
/// (matched from that letter on); a slash between digits may be a bare number. A slash inside a
/// mention already found starts nothing. Most runs of text have no slash and cost one search.
pub fn find_symbols(text: &str, near_resolution: impl FnOnce() -> bool) -> Vec<Mention> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Bare numbers found, before the checks that need the block's words and neighbours.
    let mut bare: Vec<Range<usize>> = Vec::new();
    // End of the last full symbol: the slashes inside it start nothing.
    let mut symbol_end = 0;
    for slash in memchr::memchr_iter(b'/', bytes) {
        if slash == 0 {
            continue;
        }
        let letter = slash - 1;
        if letter >= symbol_end
            && matches!(bytes[letter], b'A' | b'S' | b'E')
            && (letter == 0 || !is_word(bytes[letter - 1]))
        {
            if let Some(m) = symbol_re().find(&text[letter..]) {
                let range = letter..letter + m.end();
                symbol_end = range.end;
                push_symbol(text, range, &mut out);
                continue;
            }
        }
        // Overlapping numbers ("1/2/3") need no care here: a number right after a slash is
        // never a resolution (below).
        if slash >= symbol_end {
            bare.extend(bare_number_at(bytes, slash));
        }
    }
    if !bare.is_empty() && near_resolution() {
        for whole in bare {
            let before = text[..whole.start].chars().next_back();
            let after = text[whole.end..].chars().next();
            // Part of a longer symbol, a date like 12/03/2023 or a fraction chain: not a resolution.
            if matches!(before, Some('/' | '.' | '-')) || matches!(after, Some('/' | '-')) {
                continue;
            }
            if after == Some('.') && text[whole.end + 1..].starts_with(|c: char| c.is_ascii_digit())
            {
                continue;
            }
            if out
                .iter()
                .any(|m| m.range.start <= whole.start && whole.end <= m.range.end)
            {
                continue;
            }
            out.push(Mention {
                kind: MentionKind::Symbol(Symbol(format!("A/RES/{}", &text[whole.clone()]))),
                range: whole,
            });
        }
    }
    out.sort_by_key(|m| m.range.start);
    out
}

/// Adds a full symbol, and its corrigendum or addendum when "et Corr.1" / "and Add.2" follows.
fn push_symbol(text: &str, range: Range<usize>, out: &mut Vec<Mention>) {
    let sym = &text[range.clone()];
    let rest = &text[range.end..];
    out.push(Mention {
        range: range.clone(),
        kind: MentionKind::Symbol(Symbol(sym.to_string())),
    });
    // Most symbols are not followed by "et Corr.1": a look at the next word spares the regex
    // (and its capture groups) for them.
    let next_word = rest.trim_start();
    if next_word.len() == rest.len()
        || !(next_word.starts_with("et") || next_word.starts_with("and"))
    {
        return;
    }
    if let Some(g) = suffix_re().captures(rest).and_then(|s| s.get(1)) {
        let r = range.end + g.start()..range.end + g.end();
        out.push(Mention {
            range: r,
            kind: MentionKind::Symbol(Symbol(format!("{sym}/{}", g.as_str()))),
        });
    }
}

/// Recognises State names from their spellings (longest first, whole words only).
///
/// An Aho-Corasick automaton finds every spelling in one pass over the text, however many
/// spellings there are; word boundaries are then checked on each match.
#[derive(Debug, Clone)]
pub struct StateMatcher {
    ac: Option<aho_corasick::AhoCorasick>,
    /// For each pattern: its State, and whether it must start/end on a word boundary.
    patterns: Vec<(StateId, bool, bool)>,
}

impl StateMatcher {
    /// `names` pairs each spelling with its State. Spellings shorter than 4 characters are
    /// ignored: they would match ordinary words. A spelling with ' also matches ’ and the reverse.
    pub fn new(names: &[(String, StateId)]) -> StateMatcher {
        let mut spellings: Vec<(String, StateId)> = Vec::new();
        for (n, id) in names.iter().filter(|(n, _)| n.chars().count() >= 4) {
            for variant in [n.replace('’', "'"), n.replace('\'', "’")] {
                if !spellings.iter().any(|(s, _)| *s == variant) {
                    spellings.push((variant, id.clone()));
                }
            }
        }
        let patterns = spellings
            .iter()
            .map(|(n, id)| {
                (
                    id.clone(),
                    n.starts_with(char::is_alphanumeric),
                    n.ends_with(char::is_alphanumeric),
                )
            })
            .collect();
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(spellings.iter().map(|(n, _)| n.as_str()))
            .ok()
            .filter(|_| !spellings.is_empty());
        StateMatcher { ac, patterns }
    }

    pub fn find(&self, text: &str) -> Vec<Mention> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in ac.find_iter(text) {
            let (id, start_word, end_word) = &self.patterns[m.pattern().as_usize()];
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            let joined = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            if (*start_word && joined(before)) || (*end_word && joined(after)) {
                continue;
            }
            out.push(Mention {
                range: m.start()..m.end(),
                kind: MentionKind::State(id.clone()),
            });
        }
        out
    }
}

/// All mentions in a text run, symbols first when they overlap a State name.
pub fn find_all(
    text: &str,
    near_resolution: impl FnOnce() -> bool,
    states: &StateMatcher,
) -> Vec<Mention> {
    let mut out = find_symbols(text, near_resolution);
    for m in states.find(text) {
        if !out
            .iter()
            .any(|o| o.range.start < m.range.end && m.range.start < o.range.end)
        {
            out.push(m);
        }
    }
    out.sort_by_key(|m| m.range.start);
    out
}

/// A symbol a block of text mentions, with the date the text gives when it recalls a resolution
/// ("résolution 43/78 du 7 décembre 1988" / "resolution 53/70 of 4 December 1998").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cited {
    pub symbol: Symbol,
    pub recalled: Option<RecallDate>,
}

/// A resolution's date as the text writes it, and its year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecallDate {
    pub text: String,
    pub year: Option<u32>,
}

fn date_re(lang: Lang) -> &'static Regex {
    static FR: OnceLock<Regex> = OnceLock::new();
    static EN: OnceLock<Regex> = OnceLock::new();
    match lang {
        Lang::Fr => FR.get_or_init(|| {
            Regex::new(r"^(?:\s+[A-Z])?(?:\s+et\s+[0-9]{1,2}/[0-9]{1,3})?\s+du\s+((?:1er|[0-9]{1,2})\s+(?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\s+([0-9]{4}))").expect("static regex")
        }),
        Lang::En => EN.get_or_init(|| {
            Regex::new(r"^(?:\s+[A-Z])?(?:\s+and\s+[0-9]{1,2}/[0-9]{1,3})?\s+of\s+([0-9]{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+([0-9]{4}))").expect("static regex")
        }),
    }
}

/// Appends to `out` every symbol mentioned in one block's plain text, in order, with the date
/// of each resolution it recalls with one. The text is read as the source has it, line breaks
/// and all (the date patterns allow any whitespace between words); only a date found is
/// collapsed to single spaces.
pub fn cited_in_block(text: &str, lang: Lang, out: &mut Vec<Cited>) {
    for m in find_symbols(text, || speaks_of_resolutions(text)) {
        let MentionKind::Symbol(symbol) = m.kind else {
            continue;
        };
        let recalled = if symbol.0.starts_with("A/RES/") {
            date_re(lang)
                .captures(&text[m.range.end..])
                .map(|c| RecallDate {
                    text: crate::text::collapse_ws(&c[1]),
                    year: c[2].parse().ok(),
                })
        } else {
            None
        };
        out.push(Cited { symbol, recalled });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recalls(text: &str, lang: Lang) -> Vec<(String, String, Option<u32>)> {
        let mut out = Vec::new();
        cited_in_block(text, lang, &mut out);
        out.into_iter()
            .filter_map(|c| c.recalled.map(|d| (c.symbol.0, d.text, d.year)))
            .collect()
    }

    #[test]
    fn recalls_with_shared_dates() {
        // A line break inside a date, as in the curated files: the date is given collapsed.
        let got = recalls("Rappelant ses résolutions 43/78 H du 7 décembre 1988, 74/28 et 74/29 du 12\ndécembre 2019 et 77/37 du 7 décembre 2022,", Lang::Fr);
        let want = [
            ("A/RES/43/78", "7 décembre 1988", 1988),
            ("A/RES/74/28", "12 décembre 2019", 2019),
            ("A/RES/74/29", "12 décembre 2019", 2019),
            ("A/RES/77/37", "7 décembre 2022", 2022),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(s, d, y)| (s.to_string(), d.to_string(), Some(*y)))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn dates_across_line_breaks_and_no_break_spaces() {
        // Any whitespace between the words of a date (line breaks, runs of spaces, the
        // no-break spaces of French typography); the date comes out with single spaces.
        let got = recalls(
            "la résolution 70/237\ndu 23\u{a0}décembre   2015 et la résolution 73/27 H\ndu\n5 décembre 2018",
            Lang::Fr,
        );
        assert_eq!(
            got,
            [
                (
                    "A/RES/70/237".to_string(),
                    "23 décembre 2015".to_string(),
                    Some(2015)
                ),
                (
                    "A/RES/73/27".to_string(),
                    "5 décembre 2018".to_string(),
                    Some(2018)
                ),
            ]
        );
        // Words that are not a date are not read as one.
        assert!(recalls("la résolution 70/237 du mois de décembre 2015", Lang::Fr).is_empty());
    }

    #[test]
    fn english_recalls() {
        let got = recalls(
            "Recalling its resolutions 53/70 of 4 December 1998 and 54/49 of 1 December 1999,",
            Lang::En,
        );
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].1, "1 December 1999");
        assert_eq!(got[1].2, Some(1999));
    }

    #[test]
    fn cited_symbols_in_order_and_undated_ones_have_no_date() {
        let mut out = Vec::new();
        cited_in_block(
            "Voir A/78/76 et la résolution 77/37, ainsi que A/RES/75/240.",
            Lang::Fr,
            &mut out,
        );
        let got: Vec<(&str, bool)> = out
            .iter()
            .map(|c| (c.symbol.0.as_str(), c.recalled.is_some()))
            .collect();
        assert_eq!(
            got,
            [
                ("A/78/76", false),
                ("A/RES/77/37", false),
                ("A/RES/75/240", false)
            ]
        );
    }

    fn syms(text: &str) -> Vec<String> {
        find_symbols(text, || speaks_of_resolutions(text))
            .into_iter()
            .map(|m| match m.kind {
                MentionKind::Symbol(s) => format!("{}={}", &text[m.range], s),
                MentionKind::State(s) => s.0,
            })
            .collect()
    }

    // Sentences below are taken from the seed texts.
    #[test]
    fn full_symbols_from_the_seeds() {
        assert_eq!(
            syms("L’ordre du jour annoté, tel qu’adopté par le groupe de travail à sa séance d’organisation tenue le 1er juin 2022, figure dans le document A/AC.292/2021/1."),
            ["A/AC.292/2021/1=A/AC.292/2021/1"]
        );
        assert_eq!(
            syms("[sur la base du rapport de la Première Commission (A/71/445)]"),
            ["A/71/445=A/71/445"]
        );
        assert_eq!(syms("Voir A/68/98, par. 19."), ["A/68/98=A/68/98"]);
        assert_eq!(
            syms("projet A/C.1/78/L.60/Rev.1 et A/RES/77/37"),
            [
                "A/C.1/78/L.60/Rev.1=A/C.1/78/L.60/Rev.1",
                "A/RES/77/37=A/RES/77/37"
            ]
        );
    }

    #[test]
    fn seed_001_recall_list_after_ocr_repair() {
        // "54/49 du ler décembre 1999" was read by OCR as "ler"; the curated text has "1er".
        let text = "Rappelant ses résolutions 36/103 du 9 décembre 1981, 54/49 du 1er décembre 1999, 68/243 du 27 décembre 2013, 71/28 du 5 décembre 2016 et 73/27 du 5 décembre 2018,";
        assert_eq!(
            syms(text),
            [
                "36/103=A/RES/36/103",
                "54/49=A/RES/54/49",
                "68/243=A/RES/68/243",
                "71/28=A/RES/71/28",
                "73/27=A/RES/73/27"
            ]
        );
    }

    #[test]
    fn seed_004_note_paragraph() {
        let text = "qui a été créé en application de la résolution 75/240 de l’Assemblée générale, se tiendra du 6 au 10 mars 2023 au Siège.";
        assert_eq!(syms(text), ["75/240=A/RES/75/240"]);
    }

    #[test]
    fn corrigenda_and_addenda() {
        assert_eq!(
            syms("A/65/201 et Corr.1"),
            ["A/65/201=A/65/201", "Corr.1=A/65/201/Corr.1"]
        );
        assert_eq!(
            syms("A/77/275 and Add.1"),
            ["A/77/275=A/77/275", "Add.1=A/77/275/Add.1"]
        );
    }

    #[test]
    fn bare_resolution_numbers_near_the_word_resolution() {
        assert_eq!(
            syms("Rappelant ses résolutions 43/78 H du 7 décembre 1988, 53/70 du 4 décembre 1998, 74/28 et 74/29 du 12 décembre 2019"),
            ["43/78=A/RES/43/78", "53/70=A/RES/53/70", "74/28=A/RES/74/28", "74/29=A/RES/74/29"]
        );
        assert_eq!(
            syms("Au paragraphe 3 de sa résolution 77/37, l'Assemblée générale a prié"),
            ["77/37=A/RES/77/37"]
        );
        assert_eq!(
            syms("Recalling its resolution 75/240 of 31 December 2020"),
            ["75/240=A/RES/75/240"]
        );
    }

    #[test]
    fn the_word_resolution_in_any_usual_case() {
        for text in [
            "Résolution 77/37",
            "RÉSOLUTION 77/37",
            "resolutions 77/37",
            "RESOLUTION 77/37",
        ] {
            assert!(speaks_of_resolutions(text), "{text}");
            assert_eq!(syms(text).len(), 1, "{text}");
        }
        for text in ["la solution 77/37", "évolution 77/37", "résolu 77/37"] {
            assert!(!speaks_of_resolutions(text), "{text}");
        }
    }

    #[test]
    fn a_full_stop_ends_a_resolution_number_but_a_decimal_point_does_not() {
        assert_eq!(syms("Voir la résolution 77/37."), ["77/37=A/RES/77/37"]);
        // "37.5" is a number with decimals, so "77/37.5" is no resolution number.
        assert!(syms("la résolution prévoit 77/37.5 au total").is_empty());
    }

    #[test]
    fn negative_cases_dates_paragraphs_pages() {
        // No "résolution" in the block: a bare number is not a link.
        assert!(syms("Section G, paragraphe 18 b), 2021-2025, le 14 avril 2023").is_empty());
        assert!(syms("La date du 12/03/2023 est une date.").is_empty());
        assert!(syms("groupe de travail (2021-2025) ; page 15 ; paragraphe 77").is_empty());
        // Even near "résolution", a date with slashes is not a resolution.
        assert!(syms("résolution adoptée le 12/03/2023").is_empty());
        assert!(syms("la résolution, au paragraphe 4, alinéa 3").is_empty());
    }

    #[test]
    fn all_mentions_in_text_order() {
        let m = StateMatcher::new(&[
            ("France".into(), StateId::from("fra")),
            ("Inde".into(), StateId::from("ind")),
        ]);
        let text = "La France et l'Inde citent A/78/76.";
        let got: Vec<(&str, String)> = find_all(text, || false, &m)
            .into_iter()
            .map(|x| {
                let id = match x.kind {
                    MentionKind::State(s) => s.0,
                    MentionKind::Symbol(s) => s.0,
                };
                (&text[x.range], id)
            })
            .collect();
        assert_eq!(
            got,
            [
                ("France", "fra".to_string()),
                ("Inde", "ind".to_string()),
                ("A/78/76", "A/78/76".to_string()),
            ]
        );
    }

    #[test]
    fn a_symbol_wins_over_a_state_name_it_overlaps_but_not_one_it_touches() {
        let m = StateMatcher::new(&[
            ("Document A".into(), StateId::from("doc")),
            ("Pays-Bas (Royaume des)".into(), StateId::from("nld")),
            ("(Royaume des) Pays-Bas".into(), StateId::from("nld")),
        ]);
        let found = |text: &'static str| -> Vec<&'static str> {
            find_all(text, || false, &m)
                .into_iter()
                .map(|x| &text[x.range])
                .collect()
        };
        // "Document A" and "A/78/76" share the "A": the symbol is kept.
        assert_eq!(found("Document A/78/76"), ["A/78/76"]);
        // A name that ends where the symbol starts, or starts where it ends, is kept too.
        assert_eq!(
            found("Pays-Bas (Royaume des)A/78/76"),
            ["Pays-Bas (Royaume des)", "A/78/76"]
        );
        assert_eq!(
            found("A/78/76(Royaume des) Pays-Bas"),
            ["A/78/76", "(Royaume des) Pays-Bas"]
        );
    }

    #[test]
    fn state_names_longest_first_and_apostrophes() {
        let m = StateMatcher::new(&[
            (
                "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord".into(),
                StateId::from("gbr"),
            ),
            ("Royaume-Uni".into(), StateId::from("gbr")),
            ("Pays-Bas (Royaume des)".into(), StateId::from("nld")),
            ("Pays-Bas".into(), StateId::from("nld")),
            ("Inde".into(), StateId::from("ind")),
        ]);
        let text = "Roumanie, Royaume-Uni de Grande-Bretagne et d’Irlande du Nord, Pays-Bas (Royaume des) et l'Inde ; Indes";
        let found: Vec<(&str, String)> = m
            .find(text)
            .into_iter()
            .map(|x| {
                (
                    &text[x.range.clone()],
                    match x.kind {
                        MentionKind::State(s) => s.0,
                        MentionKind::Symbol(s) => s.0,
                    },
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "Royaume-Uni de Grande-Bretagne et d’Irlande du Nord",
                    "gbr".to_string()
                ),
                ("Pays-Bas (Royaume des)", "nld".to_string()),
                ("Inde", "ind".to_string()),
            ]
        );
    }
}
