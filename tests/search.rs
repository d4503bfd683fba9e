//! The search index of the real site: every result links to an id of a written page, every
//! word of the index finds the entries that hold it, hand-written queries find the passages
//! they are about (relevance at top 3), and bad queries are harmless.

use explorer_wasm::search::engine::{parse, search, Filter};
use explorer_wasm::search::model::{Excerpts, Meta, Shard};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

type Output = BTreeMap<String, Vec<u8>>;

fn site() -> &'static Output {
    static SITE: OnceLock<Output> = OnceLock::new();
    SITE.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        match site_gen::generate(&root, None, None) {
            Ok((out, _)) => out,
            Err(d) => panic!("the real content does not build:\n{d}"),
        }
    })
}

struct Ix {
    meta: Meta,
    shards: Vec<Shard>,
    /// Entry → URL, from the metadata.
    urls: Vec<String>,
    /// Entry → its text, from the excerpt files.
    texts: Vec<String>,
}

fn load(lang: &str) -> Ix {
    let dir = format!("data/search/{lang}/");
    let out = site();
    let meta = Meta::from_bytes(&out[&format!("{dir}meta.bin")]).expect("meta");
    meta.check().expect("meta check");
    let mut shards = Vec::new();
    let urls: Vec<String> = (0..meta.entries.len())
        .map(|i| meta.urls.get(i).to_string())
        .collect();
    let mut texts = vec![None; meta.entries.len()];
    for (path, bytes) in out.range(dir.clone()..) {
        let Some(name) = path.strip_prefix(&dir) else {
            break;
        };
        if name.starts_with("t-") {
            let s = Shard::from_bytes(bytes).expect("shard");
            s.check(meta.entries.len()).expect("shard check");
            shards.push(s);
        } else if name.starts_with("x-") {
            let x = Excerpts::from_bytes(bytes).expect("excerpts");
            for (i, t) in x.texts.into_iter().enumerate() {
                texts[x.first as usize + i] = Some(t);
            }
        }
    }
    assert_eq!(
        shards.len(),
        meta.shards.len(),
        "{lang}: shards listed and written differ"
    );
    assert!(
        urls.iter().all(|u| !u.is_empty()),
        "{lang}: an entry has no URL"
    );
    assert!(
        texts
            .iter()
            .all(|t| t.as_ref().is_some_and(|t| !t.is_empty())),
        "{lang}: an entry has no excerpt"
    );
    let texts = texts.into_iter().map(Option::unwrap_or_default).collect();
    Ix {
        meta,
        shards,
        urls,
        texts,
    }
}

fn indexes() -> &'static [Ix; 2] {
    static IX: OnceLock<[Ix; 2]> = OnceLock::new();
    IX.get_or_init(|| [load("fr"), load("en")])
}

fn run<'a>(ix: &'a Ix, q: &str) -> Vec<&'a str> {
    let query = parse(q, &ix.meta.states);
    search(&ix.meta, &ix.shards, &query, Filter::default())
        .hits
        .iter()
        .map(|h| ix.urls[h.entry as usize].as_str())
        .collect()
}

/// The ids of a page (`id="…"`), as written.
fn ids(page: &str) -> Vec<&str> {
    page.split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

#[test]
fn every_result_links_to_an_id_of_a_written_page() {
    let out = site();
    for ix in indexes() {
        let mut bad = Vec::new();
        for url in &ix.urls {
            let (path, frag) = url.split_once('#').unwrap_or((url, ""));
            let file = format!("{}index.html", path.trim_start_matches('/'));
            let Some(page) = out.get(&file) else {
                bad.push(format!("{url}: no page {file}"));
                continue;
            };
            let page = String::from_utf8_lossy(page);
            if !frag.is_empty() && !ids(&page).contains(&frag) {
                bad.push(format!("{url}: no id {frag}"));
            }
        }
        assert!(
            bad.is_empty(),
            "{} broken result links:\n{}",
            bad.len(),
            bad.join("\n")
        );
        // Paragraph-level: most results of the documents name their own anchor.
        let anchored = ix
            .urls
            .iter()
            .filter(|u| u.contains("/documents/") && u.contains('#'))
            .count();
        assert!(
            anchored > 900,
            "{}: only {anchored} anchored document entries",
            ix.meta.lang
        );
    }
}

#[test]
fn every_word_of_the_index_finds_every_entry_of_its_stem() {
    for ix in indexes() {
        for shard in &ix.shards {
            for (word, stem) in &shard.words {
                let want = &shard.stems[*stem as usize].entries;
                let query = parse(&format!("{word} "), &[]);
                let got: Vec<u32> = search(&ix.meta, &ix.shards, &query, Filter::default())
                    .hits
                    .iter()
                    .map(|h| h.entry)
                    .collect();
                for e in want {
                    assert!(
                        got.contains(e),
                        "{}: {word:?} does not find entry {e}",
                        ix.meta.lang
                    );
                }
            }
        }
    }
}

#[test]
fn reply_filter_and_document_filter_hold_on_the_real_site() {
    let ix = &indexes()[0];
    let a7876 = ix
        .meta
        .docs
        .iter()
        .position(|d| d.id == "a-78-76")
        .expect("a-78-76") as u16;
    let query = parse("programme d'action", &ix.meta.states);
    let all = search(&ix.meta, &ix.shards, &query, Filter::default()).hits;
    let replies = search(
        &ix.meta,
        &ix.shards,
        &query,
        Filter {
            doc: None,
            replies_only: true,
        },
    )
    .hits;
    let in_doc = search(
        &ix.meta,
        &ix.shards,
        &query,
        Filter {
            doc: Some(a7876),
            replies_only: false,
        },
    )
    .hits;
    assert!(!replies.is_empty() && replies.len() < all.len());
    for h in &replies {
        let url = &ix.urls[h.entry as usize];
        assert!(url.contains("/documents/a-78-76/#"), "{url}");
        let frag = url.split_once('#').map_or("", |x| x.1);
        let body = frag
            .strip_prefix('p')
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
        assert!(!body, "a reply filter result outside the annex: {url}");
    }
    assert!(in_doc.len() < all.len());
    assert!(in_doc
        .iter()
        .all(|h| ix.urls[h.entry as usize].contains("/a-78-76/")));
}

/// Queries written from the texts, each with the passages that answer it (any one of them in
/// the top 3 counts as found): the paragraphs and headings that hold the words asked for, as
/// found by reading the texts (`grep` on `content/`), and the topic, State, glossary or
/// document page about it. `lang` is the index searched.
const RELEVANCE: &[(&str, &str, &[&str])] = &[
    // Topics.
    (
        "fr",
        "fonds d'affectation spéciale",
        &[
            "#p20",
            "#deu-26",
            "#aut-5",
            "#bel-18",
            "#egy-16",
            "#ita-15",
            "#jpn-18",
            "#gbr-11",
            "/topics/funding/",
        ],
    ),
    (
        "en",
        "trust fund",
        &[
            "#p20",
            "#deu-26",
            "#aut-5",
            "#bel-18",
            "#egy-16",
            "#fra-23",
            "#fra-25",
            "#ita-15",
            "#jpn-18",
            "#gbr-11",
            "/topics/funding/",
        ],
    ),
    (
        "fr",
        "points de contact",
        &[
            "#col-17",
            "#fra-13",
            "#mco-8",
            "/topics/contact-points-cbms/",
            "/glossary/#points-of-contact-directory",
        ],
    ),
    (
        "en",
        "points of contact",
        &[
            "#p33",
            "#deu-5",
            "#col-17",
            "#fra-13",
            "#mco-8",
            "/topics/contact-points-cbms/",
            "/glossary/#points-of-contact-directory",
        ],
    ),
    (
        "fr",
        "mécanisme permanent",
        &[
            "#p5", "#alb-3", "#deu-1", "#aus-18", "#aut-2", "#can-4", "#can-22", "#dnk-3",
            "#egy-7", "#ecu-3", "#usa-3", "#fin-5", "#fra-15", "#lva-1", "#nzl-9", "#rou-1",
            "#gbr-3", "#gbr-13", "#pp20",
        ],
    ),
    (
        "en",
        "permanent mechanism",
        &[
            "#alb-3", "#aus-18", "#aut-2", "#can-4", "#can-15", "#can-22", "#fra-15", "#nzl-9",
            "#gbr-13",
        ],
    ),
    (
        "fr",
        "droit international humanitaire",
        &["#chl-2", "#fin-9", "#fra-10", "#lva-6", "#rou-3"],
    ),
    (
        "en",
        "international humanitarian law",
        &["#deu-8", "#chl-2", "#fin-9", "#fra-10", "#lva-6", "#rou-3"],
    ),
    (
        "fr",
        "infrastructures critiques",
        &[
            "#p34", "#p37", "#aus-15", "#aut-5", "#can-17", "#egy-13", "#est-6", "#usa-19",
            "#jpn-12", "#jpn-13", "#mco-2", "#nld-11", "#phl-8", "#pp4",
        ],
    ),
    (
        "fr",
        "participation des femmes",
        &[
            "#p18",
            "#slv-10",
            "#ecu-5",
            "#phl-5",
            "#pp18",
            "/topics/gender/",
        ],
    ),
    (
        "en",
        "women",
        &["#p18", "#slv-10", "#phl-5", "#pp18", "/topics/gender/"],
    ),
    (
        "fr",
        "multipartite",
        &[
            "#p13", "#aus-13", "#aut-4", "#bel-20", "#can-20", "#chl-4", "#chl-5", "#swe-2",
            "#swe-3", "#usa-h6", "#gbr-h8", "#swe-h3",
        ],
    ),
    (
        "en",
        "multi-stakeholder",
        &[
            "#p13", "#aus-13", "#aut-4", "#bel-20", "#can-20", "#chl-4", "#chl-5", "#swe-2",
            "#swe-3", "#usa-h6", "#gbr-h8", "#swe-h3",
        ],
    ),
    // Places and States.
    (
        "fr",
        "Genève",
        &[
            "#p35",
            "#bel-9",
            "#ita-12",
            "#cze-26",
            "#pp3",
            "/topics/venue/",
        ],
    ),
    (
        "en",
        "Geneva",
        &[
            "#p35",
            "#bel-9",
            "#ita-12",
            "#cze-26",
            "#pp3",
            "/topics/venue/",
        ],
    ),
    ("fr", "Suisse", &["/states/che/", "#che"]),
    ("en", "Switzerland", &["/states/che/", "#che"]),
    ("fr", "Allemagne", &["/states/deu/", "#deu"]),
    ("en", "Germany", &["/states/deu/", "#deu"]),
    ("fr", "Cuba", &["/states/cub/", "#cub"]),
    ("en", "Russian Federation", &["/states/rus/", "#rus"]),
    ("fr", "Fédération de Russie", &["/states/rus/", "#rus"]),
    // Symbols and resolution numbers.
    (
        "fr",
        "75/240",
        &[
            "#p22", "#col-11", "#egy-21", "#rus-4", "#rus-6", "#nld-3", "#sgp-2", "#svn-2", "#pp1",
            "#p1",
        ],
    ),
    (
        "en",
        "75/240",
        &[
            "#p22", "#col-11", "#egy-21", "#rus-4", "#rus-6", "#nld-3", "#sgp-2", "#svn-2", "#pp1",
            "#p1",
        ],
    ),
    ("en", "A/RES/71/28", &["/documents/a-res-71-28/"]),
    (
        "fr",
        "A/C.1/78/L.60/Rev.1",
        &["/documents/a-c-1-78-l-60-rev-1/"],
    ),
    ("en", "73/27", &["#can-6", "#pp1"]),
    // Phrases.
    (
        "fr",
        "\"comportement responsable\"",
        &[
            "/documents/a-78-76/",
            "/documents/a-c-1-78-l-60-rev-1/",
            "/glossary/#framework-responsible-state-behaviour",
            "#summary-1",
            "#p1",
            "#p4",
        ],
    ),
    (
        "en",
        "\"responsible state behaviour\"",
        &[
            "/documents/a-78-76/",
            "/documents/a-c-1-78-l-60-rev-1/",
            "/glossary/#framework-responsible-state-behaviour",
            "#summary-1",
            "#p1",
            "#p4",
        ],
    ),
    (
        "fr",
        "\"points de contact\"",
        &[
            "#col-17",
            "#fra-13",
            "#mco-8",
            "/topics/contact-points-cbms/",
            "/glossary/#points-of-contact-directory",
        ],
    ),
    // Misspelled accents and case.
    (
        "fr",
        "geneve",
        &[
            "#p35",
            "#bel-9",
            "#ita-12",
            "#cze-26",
            "#pp3",
            "/topics/venue/",
        ],
    ),
    (
        "fr",
        "MECANISME PERMANENT",
        &[
            "#p5", "#alb-3", "#deu-1", "#aus-18", "#aut-2", "#can-4", "#can-22", "#dnk-3",
            "#egy-7", "#ecu-3", "#usa-3", "#fin-5", "#fra-15", "#lva-1", "#nzl-9", "#rou-1",
            "#gbr-3", "#gbr-13", "#pp20",
        ],
    ),
    ("fr", "federation de russie", &["/states/rus/", "#rus"]),
    ("fr", "egypte", &["/states/egy/", "#egy"]),
    // Words in the wrong language (State names are known in both).
    ("fr", "Switzerland", &["/states/che/", "#che"]),
    ("en", "Allemagne", &["/states/deu/", "#deu"]),
    ("fr", "Germany", &["/states/deu/", "#deu"]),
    ("en", "Égypte", &["/states/egy/", "#egy"]),
    // Pages.
    ("fr", "méthodologie", &["/methodology/"]),
    ("en", "glossary", &["/glossary/"]),
    ("en", "corrections log", &["/corrections/"]),
    // Stems and prefixes.
    (
        "fr",
        "négociations",
        &[
            "#aus-14", "#egy-34", "#slv-30", "#ecu-6", "#rus-2", "#rus-3", "#rus-4", "#rus-6",
            "#rus-10", "#fra-28", "#nzl-9", "#swe-6", "#che-14", "#pp12", "#p1",
        ],
    ),
    (
        "en",
        "negotiat",
        &[
            "#p16", "#p17", "#deu-25", "#aus-14", "#egy-34", "#slv-19", "#slv-30", "#ecu-6",
            "#rus-2", "#rus-3", "#rus-4", "#rus-6", "#rus-10", "#fra-28", "#nzl-9", "#gbr-25",
            "#swe-6", "#che-14", "#pp12", "#p1",
        ],
    ),
    (
        "en",
        "trust funds",
        &[
            "#p20",
            "#deu-26",
            "#aut-5",
            "#bel-18",
            "#egy-16",
            "#fra-23",
            "#fra-25",
            "#ita-15",
            "#jpn-18",
            "#gbr-11",
            "/topics/funding/",
        ],
    ),
];

#[test]
fn hand_written_queries_find_their_passages_in_the_top_3() {
    let [fr, en] = indexes();
    let mut found = 0;
    let mut misses = Vec::new();
    for (lang, q, want) in RELEVANCE {
        let ix = if *lang == "fr" { fr } else { en };
        let top: Vec<&str> = run(ix, q).into_iter().take(3).collect();
        if top.iter().any(|u| want.iter().any(|w| u.ends_with(w))) {
            found += 1;
        } else {
            misses.push(format!(
                "{lang} {q:?}: top 3 {top:?}, wanted one of {want:?}"
            ));
        }
    }
    let rate = found as f64 / RELEVANCE.len() as f64;
    println!(
        "relevance: {found}/{} = {:.1} % at top 3",
        RELEVANCE.len(),
        rate * 100.0
    );
    for m in &misses {
        println!("  miss: {m}");
    }
    assert!(RELEVANCE.len() >= 40);
    assert!(
        rate >= 0.9,
        "relevance {:.1} % < 90 %:\n{}",
        rate * 100.0,
        misses.join("\n")
    );
}

#[test]
fn bad_queries_return_nothing_or_sane_results() {
    let ix = &indexes()[0];
    let long = "sécurité ".repeat(1200);
    for q in [
        &long[..],
        &"x".repeat(10_000),
        "!!!???...,,,;;;",
        "\"",
        "\"\"\"\"",
        "\"programme d'action",
        "برنامج العمل",
        "\u{202e}etats\u{202c}",
        "😀 🇫🇷",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "/ // ///",
    ] {
        let r = run(ix, q);
        assert!(r.len() <= ix.meta.entries.len(), "{q:?}");
    }
    assert!(run(ix, "!!!???...,,,;;;").is_empty());
    assert!(run(ix, "<img src=x onerror=alert(1)>").is_empty());
    // The direction marks are not letters: the word between them is found.
    assert!(!run(ix, "\u{202e}etats\u{202c}").is_empty());
}

/// The index is made from the blocks the renderer records as it writes the pages, the same that
/// the open-data API is made of: every anchored block of every document's API file, in each
/// language, is an entry at that block's address with the block's very text.
#[test]
fn every_anchored_block_of_the_api_is_an_entry_with_the_same_text() {
    let out = site();
    for (ix, lang) in indexes().iter().zip(["fr", "en"]) {
        let entries: std::collections::HashSet<(&str, &str)> = ix
            .urls
            .iter()
            .zip(&ix.texts)
            .map(|(u, t)| (u.as_str(), t.as_str()))
            .collect();
        let mut checked = 0;
        let mut missing = Vec::new();
        for (path, bytes) in out.range("api/v1/documents/".to_string()..) {
            if !path.starts_with("api/v1/documents/") {
                break;
            }
            let slug = path
                .trim_start_matches("api/v1/documents/")
                .trim_end_matches(".json");
            let file: serde_json::Value = serde_json::from_slice(bytes).expect("json");
            for b in file["blocks"].as_array().expect("blocks") {
                let (Some(anchor), Some(text)) = (b["anchor"].as_str(), b["text"][lang].as_str())
                else {
                    continue;
                };
                let url = format!("/{lang}/documents/{slug}/#{anchor}");
                checked += 1;
                if !entries.contains(&(url.as_str(), text)) {
                    missing.push(format!("{url}: {text}"));
                }
            }
        }
        assert!(checked > 1000, "{lang}: only {checked} blocks read");
        assert!(
            missing.is_empty(),
            "{lang}: {} of {checked} blocks are not entries with their text, e.g.\n{}",
            missing.len(),
            missing[..missing.len().min(5)].join("\n")
        );
    }
}
