use super::*;
use crate::search::build::{build, spellings, EntryInput};
use crate::search::model::{EntryKind, SearchDoc, Shard};

fn entry(kind: EntryKind, doc: u16, reply: bool, title: &str, text: &str) -> EntryInput {
    EntryInput {
        kind,
        doc,
        reply,
        url: format!("/fr/x/#{}", text.len()),
        context: title.into(),
        title: title.into(),
        text: text.into(),
    }
}

fn para(text: &str) -> EntryInput {
    entry(EntryKind::Paragraph, 0, false, "", text)
}

/// A toy stemmer, enough to tell stemmed from unstemmed matching: drops a final `s`.
fn toy_stem(_orig: &str, folded: &str) -> Option<String> {
    folded.strip_suffix('s').map(str::to_string)
}

struct Ix {
    meta: Meta,
    shards: Vec<Shard>,
}

fn index(entries: &[EntryInput]) -> Ix {
    let states = vec![spellings([
        "Suisse",
        "Switzerland",
        "la Confédération suisse",
    ])];
    let docs = vec![
        SearchDoc {
            id: "a".into(),
            label: "A/1".into(),
        },
        SearchDoc {
            id: "b".into(),
            label: "B/1".into(),
        },
    ];
    let b = build("fr", docs, states, entries, 4, &toy_stem);
    let shards = b.shards;
    Ix {
        meta: b.meta,
        shards,
    }
}

fn run(ix: &Ix, q: &str) -> Vec<u32> {
    run_f(ix, q, Filter::default())
}

fn run_f(ix: &Ix, q: &str, f: Filter) -> Vec<u32> {
    let query = parse(q, &ix.meta.states);
    search(&ix.meta, &ix.shards, &query, f)
        .hits
        .iter()
        .map(|h| h.entry)
        .collect()
}

#[test]
fn case_and_accents_are_ignored() {
    let ix = index(&[para("Les États Membres"), para("autre chose")]);
    assert_eq!(run(&ix, "etats "), [0]);
    assert_eq!(run(&ix, "ÉTATS "), [0]);
    assert_eq!(run(&ix, "membrés "), [0]);
}

#[test]
fn the_last_word_matches_as_a_prefix_while_typed() {
    let ix = index(&[para("sécurité internationale"), para("secours")]);
    assert_eq!(run(&ix, "secu"), [0]);
    let mut r = run(&ix, "sec");
    r.sort();
    assert_eq!(r, [0, 1]);
    // Once a space follows, the word is whole: `secu` is no word of the texts.
    assert!(run(&ix, "secu ").is_empty());
    // A word not at the end is whole too.
    assert!(run(&ix, "sec internationale").is_empty());
}

#[test]
fn a_word_stands_for_the_words_with_its_stem() {
    let ix = index(&[para("un fonds"), para("le fond"), para("fondation")]);
    assert_eq!(run(&ix, "fonds "), [0, 1]);
    assert_eq!(run(&ix, "fond "), [0, 1]);
}

#[test]
fn an_unknown_word_falls_back_to_its_longest_known_prefix() {
    let ix = index(&[para("negotiation held"), para("other")]);
    assert_eq!(run(&ix, "negotiating "), [0]);
    // Not below four characters.
    assert!(run(&ix, "othxxx ").is_empty());
}

#[test]
fn quoted_phrases_need_the_words_in_order() {
    let ix = index(&[
        para("a trust fund was set"),
        para("fund the trust"),
        para("trust in the fund"),
    ]);
    assert_eq!(run(&ix, "\"trust fund\""), [0]);
    let mut both = run(&ix, "trust fund");
    both.sort();
    assert_eq!(both, [0, 1, 2]);
    // An unpaired quote runs to the end of the query.
    assert_eq!(run(&ix, "\"trust fund"), [0]);
}

#[test]
fn symbols_and_resolution_numbers_find_their_citations() {
    let ix = index(&[
        para("rappelant sa résolution A/RES/77/37"),
        para("la résolution 77/37 du 6 décembre"),
        para("voir A/C.1/78/L.60/Rev.1."),
        para("77 et 37"),
    ]);
    assert_eq!(run(&ix, "77/37 "), [0, 1]);
    assert_eq!(run(&ix, "A/RES/77/37"), [0]);
    assert_eq!(run(&ix, "a/c.1/78/l.60/rev.1"), [2]);
    assert_eq!(
        run(&ix, "A/C.1/78/L.6"),
        [2],
        "prefix of a symbol while typed"
    );
}

#[test]
fn a_state_is_found_under_any_of_its_spellings() {
    let ix = index(&[
        para("La Suisse a répondu"),
        para("Switzerland replied"),
        para("la Confédération suisse"),
        para("autre"),
    ]);
    for q in [
        "Switzerland",
        "suisse ",
        "Confédération suisse",
        "confederation SUISSE ",
    ] {
        let mut r = run(&ix, q);
        r.sort();
        assert_eq!(r, [0, 1, 2], "{q}");
    }
}

#[test]
fn ties_are_broken_by_site_order_and_boosts_rank_titles_first() {
    let ix = index(&[
        para("cadre normatif"),
        para("cadre normatif"),
        para("cadre normatif"),
    ]);
    assert_eq!(run(&ix, "cadre"), [0, 1, 2]);
    let ix = index(&[
        para("le cadre"),
        entry(EntryKind::Heading, 0, false, "", "le cadre"),
        entry(EntryKind::Paragraph, 0, false, "Le cadre", "le cadre"),
    ]);
    let r = run(&ix, "cadre ");
    assert_eq!(r[2], 0, "the plain paragraph last: {r:?}");
}

#[test]
fn bm25_prefers_rarer_words_and_shorter_entries() {
    let ix = index(&[
        para("cadre cadre cadre commun et long texte sans rapport avec la question posée ici"),
        para("cadre rare"),
        para("cadre"),
    ]);
    assert_eq!(run(&ix, "cadre rare ")[0], 1);
    assert_eq!(
        run(&ix, "cadre ").last(),
        Some(&0),
        "the long entry ranks last"
    );
}

#[test]
fn filters_keep_one_document_or_the_replies() {
    let ix = index(&[
        entry(EntryKind::Paragraph, 0, false, "", "cadre"),
        entry(EntryKind::Paragraph, 1, true, "Suisse", "cadre"),
        entry(EntryKind::Page, NO_DOC, false, "", "cadre"),
    ]);
    assert_eq!(
        run_f(
            &ix,
            "cadre",
            Filter {
                doc: Some(1),
                replies_only: false
            }
        ),
        [1]
    );
    assert_eq!(
        run_f(
            &ix,
            "cadre",
            Filter {
                doc: None,
                replies_only: true
            }
        ),
        [1]
    );
    assert_eq!(run_f(&ix, "cadre", Filter::default()).len(), 3);
}

#[test]
fn the_title_field_is_searched_and_boosted() {
    let ix = index(&[
        para("sécurité"),
        entry(EntryKind::Paragraph, 1, true, "Suisse", "sécurité"),
    ]);
    assert_eq!(run(&ix, "suisse securite"), [1]);
    assert_eq!(run(&ix, "securite")[..], [0, 1]);
}

#[test]
fn bad_queries_return_nothing_or_sane_results_and_never_panic() {
    let ix = index(&[para("Les États <script> مرحبا 😀 fin"), para("autre")]);
    let long = "é".repeat(10_000);
    for q in [
        &long[..],
        "",
        "   ",
        "!!!,;:?",
        "\"",
        "\"\"\"",
        "\"les",
        "<script>alert(1)</script>",
        "\u{202e}مرحبا",
        "😀😀",
        "a/",
        "/",
        "..//..",
        "\u{0}",
    ] {
        let r = run(&ix, q);
        assert!(r.len() <= 2, "{q:?}");
    }
    assert_eq!(run(&ix, "script"), [0]);
    assert_eq!(run(&ix, "مرحبا"), [0]);
    assert!(parse(&"mot ".repeat(5000), &[]).clauses.len() <= MAX_CLAUSES);
}

#[test]
fn snippets_highlight_the_matched_words_around_the_first() {
    let words = ["etats".to_string(), "77/37".to_string()];
    let s = snippet(
        "Les États ont cité la résolution A/RES/77/37, voilà.",
        &words,
        40,
    );
    let hl: Vec<&str> = s.iter().filter(|x| x.1).map(|x| x.0.as_str()).collect();
    assert_eq!(hl, ["États", "A/RES/77/37"]);
    let joined: String = s.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        joined,
        "Les États ont cité la résolution A/RES/77/37, voilà."
    );
    let long = format!("{} États {}", "mot ".repeat(50), "fin ".repeat(50));
    let s = snippet(&long, &words, 20);
    let joined: String = s.iter().map(|x| x.0.as_str()).collect();
    assert!(
        joined.starts_with("… ") && joined.ends_with(" …") && joined.contains("États"),
        "{joined}"
    );
}

#[test]
fn shard_keys_are_those_the_index_has() {
    let ix = index(&[para("sécurité cadre")]);
    let q = parse("cadre securite zzz", &ix.meta.states);
    assert_eq!(q.shard_keys(&ix.meta), ["ca", "se"]);
    assert!(
        parse("cadre cadre", &[]).shard_keys(&ix.meta) == ["ca"],
        "no repeats"
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod props {
    use super::*;
    use proptest::prelude::*;

    const POOL: &[&str] = &[
        "États",
        "état",
        "Fonds",
        "fond",
        "l'Union",
        "A/RES/77/37",
        "77/37",
        "cœur",
        "négociation",
        "négociations",
        "x",
        "Suisse",
        "trust",
        "fund",
        "A/C.1/78/L.60/Rev.1",
        "2021",
        "«",
        "—",
        "d’un",
    ];

    proptest! {
        #[test]
        fn every_indexed_token_finds_its_entry(texts in proptest::collection::vec(proptest::collection::vec(0..POOL.len(), 1..8), 1..6)) {
            let entries: Vec<EntryInput> = texts.iter().map(|t| para(&t.iter().map(|&i| POOL[i]).collect::<Vec<_>>().join(" "))).collect();
            let ix = index(&entries);
            for (i, e) in entries.iter().enumerate() {
                for term in crate::search::tokenize::terms(&e.text) {
                    // As a whole word, and as the word being typed.
                    for q in [format!("{term} "), term.clone()] {
                        let r = run(&ix, &q);
                        prop_assert!(r.contains(&(i as u32)), "{:?} does not find entry {} ({:?})", q, i, e.text);
                    }
                }
            }
        }

        #[test]
        fn results_are_sorted_and_stable(texts in proptest::collection::vec(proptest::collection::vec(0..POOL.len(), 1..8), 1..8), q in 0..POOL.len()) {
            let entries: Vec<EntryInput> = texts.iter().map(|t| para(&t.iter().map(|&i| POOL[i]).collect::<Vec<_>>().join(" "))).collect();
            let ix = index(&entries);
            let query = parse(POOL[q], &ix.meta.states);
            let a = search(&ix.meta, &ix.shards, &query, Filter::default()).hits;
            let b = search(&ix.meta, &ix.shards, &query, Filter::default()).hits;
            prop_assert_eq!(&a, &b);
            for w in a.windows(2) {
                prop_assert!(w[0].score > w[1].score || (w[0].score == w[1].score && w[0].entry < w[1].entry));
            }
        }
    }
}
