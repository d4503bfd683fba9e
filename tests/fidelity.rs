//! Every word of each source text is in its curated copy, apart from the repairs listed in
//! content/fr/CORRECTIONS.md and the page noise removed (URL lists, print codes).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const SEEDS: &[(&str, &str)] = &[
    ("000_ffc38aad5fb62856.txt", "a-c-1-78-l-60-rev-1"),
    ("001_3dc1922842ad4263.txt", "a-c-1-74-l-50-rev-1"),
    ("002_92ea4afde8af2624.txt", "a-78-76"),
    ("003_54e83687c526eb99.txt", "a-res-71-28"),
    (
        "004_79f6fce39a690b52.txt",
        "oewg-2021-2025-session-4-programme",
    ),
];

/// Lowercase words (letters and digits), apostrophes unified, superscript digits folded.
fn words(text: &str) -> Vec<String> {
    let folded: String = text
        .chars()
        .map(|c| match c {
            '’' | '`' => '\'',
            '¹' => '1',
            '²' => '2',
            '³' => '3',
            '⁴' => '4',
            '⁵' => '5',
            '⁶' => '6',
            '⁷' => '7',
            '⁸' => '8',
            '⁹' => '9',
            '⁰' => '0',
            c => c,
        })
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

/// Lines that are page noise by construction: URL lists printed at page bottoms.
fn without_url_lines(seed: &str) -> String {
    seed.lines()
        .filter(|l| {
            !l.trim_start().starts_with("https://") && !l.trim_start().starts_with("http://")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn corrections() -> BTreeMap<String, BTreeSet<String>> {
    let text =
        std::fs::read_to_string(root().join("content/fr/CORRECTIONS.md")).expect("corrections log");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() >= 3 && !cells[0].starts_with("---") && cells[0] != "Document" {
            out.entry(cells[0].to_string())
                .or_default()
                .extend(words(cells[1]));
        }
    }
    out
}

#[test]
fn every_seed_word_is_in_the_copy_or_logged() {
    let fixes = corrections();
    let mut failures = Vec::new();
    for (seed, slug) in SEEDS {
        let seed_text =
            std::fs::read_to_string(root().join("tests/seeds").join(seed)).expect("seed");
        let copy = std::fs::read_to_string(
            root()
                .join("content/fr/documents")
                .join(format!("{slug}.md")),
        )
        .expect("copy");
        let have: BTreeSet<String> = words(&copy).into_iter().collect();
        let logged = fixes.get(*slug).cloned().unwrap_or_default();
        let missing: BTreeSet<String> = words(&without_url_lines(&seed_text))
            .into_iter()
            .filter(|w| !have.contains(w) && !logged.contains(w))
            .collect();
        if !missing.is_empty() {
            failures.push(format!(
                "{slug}: {} seed word(s) missing and not logged: {:?}",
                missing.len(),
                missing
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn logged_corrections_name_existing_documents() {
    let docs: BTreeSet<&str> = SEEDS.iter().map(|(_, s)| *s).collect();
    for slug in corrections().keys() {
        assert!(
            docs.contains(slug.as_str()),
            "unknown document in CORRECTIONS.md: {slug}"
        );
    }
}

#[test]
fn the_word_check_catches_a_dropped_word() {
    // The check itself must be able to fail: drop a word from a copy and it is reported.
    let seed = "Rappelant ses résolutions 53/70 du 4 décembre 1998";
    let copy = "Rappelant ses résolutions 53/70 du 4 1998";
    let have: BTreeSet<String> = words(copy).into_iter().collect();
    let missing: Vec<String> = words(seed)
        .into_iter()
        .filter(|w| !have.contains(w))
        .collect();
    assert_eq!(missing, ["décembre"]);
}

#[test]
fn the_english_corrections_page_lists_the_same_repairs() {
    let rows = |lang: &str| -> Vec<String> {
        let text = std::fs::read_to_string(root().join(format!("content/{lang}/CORRECTIONS.md")))
            .expect("log");
        text.lines()
            .filter(|l| l.starts_with('|'))
            .skip(2)
            .map(String::from)
            .collect()
    };
    assert_eq!(
        rows("fr"),
        rows("en"),
        "content/en/CORRECTIONS.md must carry the same table as the French log"
    );
}
