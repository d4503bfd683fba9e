//! Social cards of the real site: one 1200×630 PNG per home, document, State and topic page,
//! named by the page's Open Graph tags; drawn once and then taken from the cache; the same bytes
//! whatever the cache or the thread count.

#[path = "common/mod.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `site.toml`'s `base_url`, under which every card is named.
const BASE: &str = "https://un-ict-security.example.org/";

const DOCS: [&str; 5] = [
    "a-c-1-78-l-60-rev-1",
    "a-c-1-74-l-50-rev-1",
    "a-78-76",
    "a-res-71-28",
    "oewg-2021-2025-session-4-programme",
];

/// The ids of `[[<table>]]` entries of a data file.
fn ids(file: &str, table: &str) -> Vec<String> {
    let v: toml::Value =
        toml::from_str(&std::fs::read_to_string(root().join(file)).expect("read")).expect("toml");
    v[table]
        .as_array()
        .expect("array")
        .iter()
        .map(|t| t["id"].as_str().expect("id").to_string())
        .collect()
}

/// Every page that has a card of its own, in both languages.
fn card_pages() -> Vec<String> {
    let mut pages = Vec::new();
    for lang in ["fr", "en"] {
        pages.push(format!("{lang}/index.html"));
        for d in DOCS {
            pages.push(format!("{lang}/documents/{d}/index.html"));
        }
        for id in ids("content/data/states.toml", "state") {
            pages.push(format!("{lang}/states/{id}/index.html"));
        }
        for id in ids("content/data/topics.toml", "topic") {
            pages.push(format!("{lang}/topics/{id}/index.html"));
        }
    }
    pages
}

/// The `content` of the `<meta>` whose `property` or `name` is `key`, entities decoded.
fn meta(html: &str, key: &str) -> Option<String> {
    ["property", "name"].iter().find_map(|attr| {
        let start = html.find(&format!("<meta {attr}=\"{key}\" content=\""))?;
        let rest = &html[start..];
        let value = rest.split("content=\"").nth(1)?.split('"').next()?;
        Some(html_escape::decode_html_entities(value).into_owned())
    })
}

/// Width and height from a PNG's header, after checking its signature and first chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 24, "too short for a PNG");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is not IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

fn page(out: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        out.get(path)
            .unwrap_or_else(|| panic!("missing {path}"))
            .clone(),
    )
    .expect("utf-8")
}

/// The output key of an absolute card URL.
fn card_key(url: &str) -> String {
    url.strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not under {BASE}"))
        .to_string()
}

#[test]
fn every_card_is_a_1200_by_630_png_named_by_its_page() {
    let (out, _) = site_gen::generate(&root(), None, None).expect("builds");
    let pages = card_pages();
    // 2 homes, 2 × 5 documents, 2 × 88 States, 2 × 19 topics.
    assert_eq!(pages.len(), 2 + 10 + 176 + 38);
    let mut named = BTreeSet::new();
    for p in &pages {
        let html = page(&out, p);
        let url = meta(&html, "og:image").unwrap_or_else(|| panic!("{p}: no og:image"));
        let key = card_key(&url);
        assert!(
            key.starts_with("cards/") && key.ends_with(".png"),
            "{p}: {key}"
        );
        let png = out
            .get(&key)
            .unwrap_or_else(|| panic!("{p}: {key} not written"));
        assert_eq!(png_size(png), (1200, 630), "{key}");
        assert_eq!(
            meta(&html, "og:image:width").as_deref(),
            Some("1200"),
            "{p}"
        );
        assert_eq!(
            meta(&html, "og:image:height").as_deref(),
            Some("630"),
            "{p}"
        );
        assert_eq!(
            meta(&html, "twitter:card").as_deref(),
            Some("summary_large_image"),
            "{p}"
        );
        named.insert(key);
    }
    // Each of these pages shows something of its own (a name, a title in a language): no two
    // share a card.
    assert_eq!(named.len(), pages.len(), "pages sharing a card");
    // A parallel view is previewed with its document's card.
    for d in DOCS {
        for lang in ["fr", "en"] {
            let doc = meta(
                &page(&out, &format!("{lang}/documents/{d}/index.html")),
                "og:image",
            );
            let parallel = meta(
                &page(&out, &format!("{lang}/documents/{d}/parallel.html")),
                "og:image",
            );
            assert_eq!(doc, parallel, "{lang} {d}");
        }
    }
    // Every other page names its language's home card, and no card is written that no page names.
    let homes: BTreeSet<String> = ["fr", "en"]
        .iter()
        .map(|l| {
            card_key(&meta(&page(&out, &format!("{l}/index.html")), "og:image").expect("home"))
        })
        .collect();
    let mut used = named.clone();
    for (k, v) in &out {
        if k.ends_with(".html") && (k.starts_with("fr/") || k.starts_with("en/")) {
            let html = String::from_utf8_lossy(v);
            let url = meta(&html, "og:image").unwrap_or_else(|| panic!("{k}: no og:image"));
            let key = card_key(&url);
            if !pages.contains(k) && !k.ends_with("parallel.html") {
                assert!(homes.contains(&key), "{k} names {key}, not a home card");
            }
            used.insert(key);
        }
    }
    let written: BTreeSet<String> = out
        .keys()
        .filter(|k| k.starts_with("cards/"))
        .cloned()
        .collect();
    assert_eq!(written, used, "cards written but named by no page");
}

#[test]
fn open_graph_tags_of_hand_checked_pages() {
    let (out, _) = site_gen::generate(&root(), None, None).expect("builds");
    // The English page of Estonia, a State that replied: 19 topics coded in
    // content/data/positions/est.toml, 8 of them `not-addressed`, so 11 addressed.
    let html = page(&out, "en/states/est/index.html");
    assert_eq!(meta(&html, "og:title").as_deref(), Some("Estonia"));
    assert_eq!(meta(&html, "og:locale").as_deref(), Some("en_GB"));
    assert_eq!(meta(&html, "og:locale:alternate").as_deref(), Some("fr_FR"));
    assert_eq!(
        meta(&html, "og:url").as_deref(),
        Some("https://un-ict-security.example.org/en/states/est/")
    );
    assert_eq!(
        meta(&html, "og:description").as_deref(),
        Some("State · Eastern European States — Addressed 11 of the 19 topics coded")
    );
    assert_eq!(
        meta(&html, "og:image:alt").as_deref(),
        Some("Estonia. State · Eastern European States. Addressed 11 of the 19 topics coded")
    );
    assert_eq!(
        meta(&html, "twitter:card").as_deref(),
        Some("summary_large_image")
    );
    // The French page of the same State.
    let html = page(&out, "fr/states/est/index.html");
    assert_eq!(meta(&html, "og:locale").as_deref(), Some("fr_FR"));
    assert_eq!(meta(&html, "og:locale:alternate").as_deref(), Some("en_GB"));
    assert_eq!(
        meta(&html, "og:description").as_deref(),
        Some("État · Groupe des États d'Europe orientale — Position exprimée sur 11 des 19 sujets codés")
    );
    // A document: the report A/78/76 of 18 April 2023, in French.
    let html = page(&out, "fr/documents/a-78-76/index.html");
    let title = "Programme d'action destiné à promouvoir le comportement responsable des États en matière d'utilisation du numérique dans le contexte de la sécurité internationale";
    assert_eq!(meta(&html, "og:title").as_deref(), Some(title));
    assert_eq!(
        meta(&html, "og:description"),
        Some(format!("{title} — Rapport · A/78/76, 18 avril 2023"))
    );
}

/// Copies what a build reads (content, theme, settings) into `to`.
fn copy_site(to: &Path) {
    for part in ["content", "themes"] {
        common::copy_dir(&root().join(part), &to.join(part));
    }
    std::fs::copy(root().join("site.toml"), to.join("site.toml")).expect("site.toml");
}

fn build(site: &Path, out: &Path, cache: &Path) -> site_gen::BuildReport {
    site_gen::build(&site_gen::BuildOptions {
        root: site.to_path_buf(),
        output: out.to_path_buf(),
        explorer_pkg: None,
        base_url: None,
        card_cache: Some(cache.to_path_buf()),
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("prefix");
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

fn og_image(out: &Path, page: &str) -> String {
    let html = std::fs::read_to_string(out.join(page)).expect("page");
    card_key(&meta(&html, "og:image").expect("og:image"))
}

/// Cards of the real site: 2 homes, 10 documents, 176 State and 38 topic pages (every page
/// shows something of its own; the parallel views and the other pages share these).
const CARDS: usize = 226;

#[test]
fn a_rebuild_draws_no_card_and_a_changed_title_redraws_only_its_own() {
    let site = tempfile::tempdir().expect("tmp");
    copy_site(site.path());
    let cache = tempfile::tempdir().expect("tmp");
    let out = |n: u32| site.path().join(format!("public-{n}"));
    let first = build(site.path(), &out(1), cache.path());
    assert_eq!((first.cards.drawn, first.cards.reused), (CARDS, 0));
    let second = build(site.path(), &out(2), cache.path());
    assert_eq!((second.cards.drawn, second.cards.reused), (0, CARDS));
    assert!(
        files(&out(1)) == files(&out(2)),
        "a warm build differs from a cold one"
    );
    // A card of the warm build is the cache's file itself (a hard link), not a copy.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let key = og_image(&out(2), "en/topics/index.html");
        let name = key.strip_prefix("cards/").expect("cards/");
        let published = std::fs::metadata(out(2).join(&key)).expect("card");
        let kept = std::fs::metadata(cache.path().join(name)).expect("cached");
        assert_eq!(published.ino(), kept.ino(), "{key} was copied, not linked");
    }

    // The English title of one document changes: its card, and only it, is drawn again.
    let doc = site
        .path()
        .join("content/en/documents/oewg-2021-2025-session-4-programme.md");
    let text = std::fs::read_to_string(&doc).expect("doc");
    let old = "title = \"Provisional programme of work\"";
    assert!(text.contains(old));
    std::fs::write(
        &doc,
        text.replace(old, "title = \"Provisional programme of work (draft)\""),
    )
    .expect("write");
    let third = build(site.path(), &out(3), cache.path());
    assert_eq!((third.cards.drawn, third.cards.reused), (1, CARDS - 1));
    let page = "documents/oewg-2021-2025-session-4-programme/index.html";
    let (before, after) = (
        og_image(&out(2), &format!("en/{page}")),
        og_image(&out(3), &format!("en/{page}")),
    );
    assert_ne!(before, after, "the changed card kept its name");
    assert!(
        !out(3).join(&before).exists(),
        "the old card is still published"
    );
    assert_eq!(
        og_image(&out(2), &format!("fr/{page}")),
        og_image(&out(3), &format!("fr/{page}")),
        "the French card changed"
    );
}

#[test]
fn cards_drawn_on_one_thread_or_four_are_the_same_bytes() {
    let run = |threads: usize| {
        let cache = tempfile::tempdir().expect("tmp");
        let out = tempfile::tempdir().expect("tmp");
        let public = out.path().join("public");
        let report = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("pool")
            .install(|| build(&root(), &public, cache.path()));
        assert_eq!(report.cards.drawn, CARDS);
        files(&public)
    };
    let (one, four) = (run(1), run(4));
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        four.keys().collect::<Vec<_>>()
    );
    for (k, v) in &one {
        assert!(four.get(k) == Some(v), "{k} differs between thread counts");
    }
}

#[test]
fn a_title_the_card_fonts_cannot_draw_fails_the_build_naming_page_and_character() {
    let site = tempfile::tempdir().expect("tmp");
    copy_site(site.path());
    let doc = site
        .path()
        .join("content/en/documents/oewg-2021-2025-session-4-programme.md");
    let text = std::fs::read_to_string(&doc).expect("doc");
    let old = "title = \"Provisional programme of work\"";
    std::fs::write(
        &doc,
        text.replace(old, "title = \"Provisional programme of work 日程\""),
    )
    .expect("write");
    let out = site.path().join("public");
    let err = site_gen::build(&site_gen::BuildOptions {
        root: site.path().to_path_buf(),
        output: out.clone(),
        explorer_pkg: None,
        base_url: None,
        card_cache: Some(site.path().join("cache")),
    })
    .expect_err("a character outside the fonts");
    let msg = err.to_string();
    assert!(
        msg.contains("/en/documents/oewg-2021-2025-session-4-programme/"),
        "{msg}"
    );
    assert!(
        msg.contains("日 (U+65E5)") && msg.contains("程 (U+7A0B)"),
        "{msg}"
    );
    assert!(msg.contains("themes/default/fonts/README.md"), "{msg}");
    assert!(!out.exists(), "a site was published");
}
