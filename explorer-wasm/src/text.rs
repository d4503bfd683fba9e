//! UI strings filled in: a `{…}` placeholder replaced, a count in the right grammatical number
//! ("1 position", "42 positions"), and decimal digits — without Rust's formatting machinery,
//! whose size the WebAssembly module would carry.
//!
//! Plain string work only: reading the strings from the page is the web layer's job.

/// Which counts take the singular: the plural rule of the page's language (Unicode CLDR).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Plural {
    /// French: 0 and 1 are singular ("0 position", "1 position", "2 positions").
    French,
    /// English: only 1 is ("0 positions", "1 position").
    English,
}

impl Plural {
    /// The rule for a page's `lang` (`fr` or `en`); English for any other.
    pub fn of_lang(lang: &str) -> Plural {
        if lang == "fr" {
            Plural::French
        } else {
            Plural::English
        }
    }

    fn is_singular(self, n: usize) -> bool {
        match self {
            Plural::French => n < 2,
            Plural::English => n == 1,
        }
    }
}

/// `template` with its `{…}` placeholder replaced by `value` (each UI string has one).
pub fn fill(template: &str, value: &str) -> String {
    match (template.find('{'), template.find('}')) {
        // `get`, not indexing: a panicking slice links the formatting of its message.
        (Some(a), Some(b)) if a < b => [
            template.get(..a).unwrap_or(""),
            value,
            template.get(b + 1..).unwrap_or(""),
        ]
        .concat(),
        _ => template.to_string(),
    }
}

/// A count in words: `template` holds the singular and the plural form, `one|other`
/// ("{n} position|{n} positions"), or one form for every count; `{n}` becomes `n`.
pub fn count(template: &str, plural: Plural, n: usize) -> String {
    let (one, other) = template.split_once('|').unwrap_or((template, template));
    fill(if plural.is_singular(n) { one } else { other }, &itoa(n))
}

/// Decimal digits of `n`.
pub fn itoa(mut n: usize) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().map(|d| *d as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The site's own string for the results count (`ex_results`) in `toml`.
    fn ex_results(toml: &str) -> &str {
        let line = toml
            .lines()
            .find_map(|l| l.strip_prefix("ex_results = \""))
            .expect("ex_results in the UI strings");
        line.strip_suffix('"').expect("a one-line string")
    }

    #[test]
    fn result_counts_agree_in_number_in_french() {
        let t = ex_results(include_str!("../../themes/default/i18n/fr.toml"));
        let fr = Plural::of_lang("fr");
        assert_eq!(count(t, fr, 0), "0 position");
        assert_eq!(count(t, fr, 1), "1 position");
        assert_eq!(count(t, fr, 2), "2 positions");
        assert_eq!(count(t, fr, 1043), "1043 positions");
    }

    #[test]
    fn result_counts_agree_in_number_in_english() {
        let t = ex_results(include_str!("../../themes/default/i18n/en.toml"));
        let en = Plural::of_lang("en");
        assert_eq!(count(t, en, 0), "0 positions");
        assert_eq!(count(t, en, 1), "1 position");
        assert_eq!(count(t, en, 2), "2 positions");
        assert_eq!(count(t, en, 10), "10 positions");
    }

    #[test]
    fn a_template_with_one_form_serves_every_count() {
        assert_eq!(count("{n} rows", Plural::English, 1), "1 rows");
        assert_eq!(count("no placeholder", Plural::French, 3), "no placeholder");
        assert_eq!(
            fill("Retirer le filtre : {label}", "Cuba"),
            "Retirer le filtre : Cuba"
        );
        assert_eq!(itoa(0), "0");
        assert_eq!(itoa(65_536), "65536");
    }
}
