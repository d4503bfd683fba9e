//! Small helpers the page families share: dates as each language writes them, the
//! accent-insensitive sort key for names, and JSON objects built without copies.
//!
//! Pure functions of their arguments: nothing here may read the corpus or the theme.

use crate::types::Lang;
use serde_json::Value;

/// A JSON object of the given entries, moved in (the `json!` macro copies every value it is
/// given through serialisation, which for a document's body or a list of thousands of documents
/// is a deep copy per page).
pub(super) fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2023-04-18` → "18 avril 2023" / "18 April 2023".
pub fn format_date(iso: &str, lang: Lang) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    let (Some(y), Some(m), Some(d)) = (
        parts.first(),
        parts.get(1).and_then(|m| m.parse::<usize>().ok()),
        parts.get(2).and_then(|d| d.parse::<u32>().ok()),
    ) else {
        return iso.to_string();
    };
    let Some(month) = (match lang {
        Lang::Fr => MONTHS_FR.get(m.wrapping_sub(1)),
        Lang::En => MONTHS_EN.get(m.wrapping_sub(1)),
    }) else {
        return iso.to_string();
    };
    let day = if lang == Lang::Fr && d == 1 {
        "1er".to_string()
    } else {
        d.to_string()
    };
    format!("{day} {month} {y}")
}

/// Accent-insensitive sort key for names (É sorts with E).
pub fn sort_key(s: Option<&str>) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.unwrap_or("")
        .nfd()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_both_languages() {
        assert_eq!(format_date("2023-04-18", Lang::Fr), "18 avril 2023");
        assert_eq!(format_date("2016-12-01", Lang::Fr), "1er décembre 2016");
        assert_eq!(format_date("2016-12-05", Lang::En), "5 December 2016");
        assert_eq!(format_date("bad", Lang::En), "bad");
    }

    #[test]
    fn names_sort_without_accents() {
        let mut v = vec!["Équateur", "Estonie", "Égypte", "El Salvador"];
        v.sort_by_key(|s| sort_key(Some(s)));
        assert_eq!(v, ["Égypte", "El Salvador", "Équateur", "Estonie"]);
    }
}
