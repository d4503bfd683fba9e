//! A maintainer's publishing workflow on the small fixture site (tests/fixtures/mini): a
//! document published in one language first, then translated.

#[path = "common/mod.rs"]
mod common;

use common::copy_dir;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The mini site with the real theme, plus the files of `overlay` (a folder under
/// tests/fixtures laid out like a site), in a fresh directory.
fn site_with(overlay: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mini = workspace().join("tests/fixtures/mini");
    copy_dir(&mini.join("content"), &dir.path().join("content"));
    std::fs::copy(mini.join("site.toml"), dir.path().join("site.toml")).expect("copy");
    copy_dir(&workspace().join("themes"), &dir.path().join("themes"));
    if let Some(o) = overlay {
        copy_dir(&workspace().join("tests/fixtures").join(o), dir.path());
    }
    dir
}

fn page(out: &site_gen::output::Output, key: &str) -> String {
    let bytes = out
        .get(key)
        .unwrap_or_else(|| panic!("{key} was not generated"));
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_french_only_document_is_published_with_a_notice_in_english() {
    let dir = site_with(Some("french-first"));
    let (out, warnings) = match site_gen::generate(dir.path(), None, None) {
        Ok(x) => x,
        Err(d) => panic!("a French-only document must build: {d}"),
    };
    let en = page(&out, "en/documents/note/index.html");
    assert!(
        en.contains("English translation in preparation: the French text is shown below.")
            && en.contains(
                r#"<a href="/fr/documents/note/" hreflang="fr">Go to the French edition</a>"#
            ),
        "the English page must say the translation is coming and link to the French edition"
    );
    assert!(
        en.contains("Le Secrétaire général a l'honneur de transmettre"),
        "the English page shows the French text"
    );
    // The note names Germany, which neither sponsored nor replied: its page lists the note.
    for (lang, heading) in [
        ("fr", "Mentions dans les documents"),
        ("en", "Mentioned in"),
    ] {
        let deu = page(&out, &format!("{lang}/states/deu/index.html"));
        assert!(
            deu.contains(&format!("<h2>{heading}</h2>"))
                && deu.contains(&format!(
                    r#"<li><a href="/{lang}/documents/note/">A/99/2 — Note d'essai</a></li>"#
                )),
            "{lang} page of Germany does not list the note that mentions it"
        );
    }
    let fr = page(&out, "fr/documents/note/index.html");
    assert!(
        fr.contains("<dd>Secrétariat</dd>") && en.contains("<dd>Secretariat</dd>"),
        "a note by the Secretariat names its organ"
    );
    assert!(
        !fr.contains("Traduction française en préparation"),
        "the French page is the original"
    );
    for lang in ["fr", "en"] {
        assert!(
            !out.contains_key(&format!("{lang}/documents/note/parallel.html")),
            "no parallel view while there is one edition"
        );
        let p = page(&out, &format!("{lang}/documents/note/index.html"));
        assert!(
            !p.contains("parallel.html"),
            "{lang} page offers a parallel view"
        );
    }
    // A document with both editions still offers its parallel view.
    assert!(page(&out, "en/documents/rapport/index.html")
        .contains("/en/documents/rapport/parallel.html"));
    assert_eq!(
        warnings,
        vec!["documents/note: no en edition; the other language is shown with a notice"]
    );
    let checked = site_gen::check(dir.path()).expect("check passes");
    assert_eq!(checked, warnings, "check lists the missing translation");
}

#[test]
fn check_prints_the_missing_translation() {
    let dir = site_with(Some("french-first"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_site-gen"))
        .arg("check")
        .arg("--root")
        .arg(dir.path())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "missing translation: documents/note: no en edition; the other language is shown with a notice"
        ),
        "{stdout}"
    );
}

#[test]
fn quotes_wait_for_the_edition_they_quote() {
    // The replies document has no English edition yet: its English quote cannot be checked,
    // and the site still builds.
    let dir = site_with(None);
    std::fs::remove_file(dir.path().join("content/en/documents/rapport.md")).expect("rm");
    let (_, warnings) = match site_gen::generate(dir.path(), None, None) {
        Ok(x) => x,
        Err(d) => panic!("a French-only replies document must build: {d}"),
    };
    // fra.toml line 4 is `topic = "establishment"`.
    assert!(
        warnings.contains(&"fra.toml:4: quote_en on 'establishment' is not checked until the English edition of rapport exists".to_string()),
        "{warnings:?}"
    );
    // Without the English quote, the same: it awaits the translation.
    let fra = dir.path().join("content/data/positions/fra.toml");
    let text = std::fs::read_to_string(&fra).expect("read");
    let without = text.replace(
        "quote_en = \"France supports the establishment of a programme of action\"\n",
        "",
    );
    assert_ne!(text, without);
    std::fs::write(&fra, without).expect("write");
    let (_, warnings) = site_gen::generate(dir.path(), None, None).expect("builds");
    assert!(
        warnings.contains(
            &"fra.toml:4: quote_en on 'establishment' awaits the English edition of rapport"
                .to_string()
        ),
        "{warnings:?}"
    );
}

#[test]
fn an_english_only_document_says_where_its_metadata_goes() {
    let dir = site_with(None);
    std::fs::write(
        dir.path().join("content/en/documents/note.md"),
        "+++\ntitle = \"Test note\"\ntranslation = \"unofficial\"\n+++\n\n{#p1} 1. The Secretary-General has the honour.\n",
    )
    .expect("write");
    let d = site_gen::generate(dir.path(), None, None).expect_err("no metadata anywhere");
    assert_eq!(d.0.len(), 1, "{d}");
    assert!(d.0[0].file.ends_with("content/en/documents/note.md"));
    assert_eq!(d.0[0].line, 1);
    assert_eq!(
        d.0[0].message,
        "this document has only an English edition, so its metadata (kind, symbol, date…) must be written here: there is no fr/documents/note.md yet"
    );
    // With its metadata, the English-only document builds, with the notice in French.
    std::fs::write(
        dir.path().join("content/en/documents/note.md"),
        "+++\nkind = \"note\"\ntitle = \"Test note\"\n+++\n\n{#p1} 1. The Secretary-General has the honour.\n",
    )
    .expect("write");
    let (out, warnings) = match site_gen::generate(dir.path(), None, None) {
        Ok(x) => x,
        Err(d) => panic!("an English-only document must build: {d}"),
    };
    let fr = page(&out, "fr/documents/note/index.html");
    assert!(fr.contains(
        "Traduction française en préparation : le texte anglais est affiché ci-dessous."
    ));
    assert!(fr
        .contains(r#"<a href="/en/documents/note/" hreflang="en">Aller à l'édition anglaise</a>"#));
    assert!(!out.contains_key("fr/documents/note/parallel.html"));
    assert_eq!(
        warnings,
        vec!["documents/note: no fr edition; the other language is shown with a notice"]
    );
}

/// Replaces `find` (which must be there) in one file of the site.
fn edit(dir: &Path, file: &str, find: &str, replace: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(find), "{find:?} not in {file}");
    std::fs::write(&path, text.replacen(find, replace, 1)).expect("write");
}

#[test]
fn content_links_follow_a_sub_path_base_url() {
    let dir = site_with(None);
    edit(
        dir.path(),
        "content/fr/pages/about.md",
        "Un site d'essai.",
        "Voir [le paragraphe 1](/fr/documents/rapport/#p1), [par. 1](doc:rapport#p1), \
         [A/99/1, par. 1](A/99/1#p1) et [le rapport](doc:rapport).",
    );
    let (out, _) = match site_gen::generate(dir.path(), Some("https://example.org/un-ict/"), None) {
        Ok(x) => x,
        Err(d) => panic!("links under a sub-path must resolve: {d}"),
    };
    let about = page(&out, "fr/about/index.html");
    assert_eq!(
        about
            .matches(r#"href="/un-ict/fr/documents/rapport/#p1""#)
            .count(),
        3,
        "the site-absolute link, the doc: form and the symbol form all point under /un-ict/"
    );
    assert!(about.contains(r#"href="/un-ict/fr/documents/rapport/""#));
    assert!(
        !about.contains(r#"href="/fr/"#),
        "a link escaped the base path"
    );
    // At the root, the same links need no rewriting.
    let (out, _) = site_gen::generate(dir.path(), None, None).expect("builds at the root");
    assert_eq!(
        page(&out, "fr/about/index.html")
            .matches(r#"href="/fr/documents/rapport/#p1""#)
            .count(),
        3
    );
}

#[test]
fn a_short_link_to_a_missing_paragraph_is_reported_as_written() {
    let dir = site_with(None);
    edit(
        dir.path(),
        "content/fr/pages/about.md",
        "Un site d'essai.",
        "Voir [par. 9](doc:rapport#p9).",
    );
    let d = site_gen::generate(dir.path(), None, None).expect_err("p9 does not exist");
    assert_eq!(d.0.len(), 1, "{d}");
    assert!(d.0[0].file.ends_with("content/fr/pages/about.md"));
    assert_eq!(d.0[0].line, 5);
    assert_eq!(
        d.0[0].message,
        "broken link: fr/about/index.html: link to doc:rapport#p9: no element with id \"p9\""
    );
}

#[test]
fn a_symbol_link_to_a_missing_paragraph_is_reported_as_written() {
    // The short form by symbol: reported at the line that holds it, in the form written.
    let dir = site_with(None);
    edit(
        dir.path(),
        "content/fr/pages/about.md",
        "Un site d'essai.",
        "Voir [A/99/1, par. 9](A/99/1#p9).",
    );
    let d = site_gen::generate(dir.path(), None, None).expect_err("p9 does not exist");
    assert_eq!(d.0.len(), 1, "{d}");
    assert!(d.0[0].file.ends_with("content/fr/pages/about.md"));
    assert_eq!(d.0[0].line, 5);
    assert_eq!(
        d.0[0].message,
        "broken link: fr/about/index.html: link to A/99/1#p9: no element with id \"p9\""
    );
}

#[test]
fn a_broken_link_in_a_document_is_one_error() {
    // The link is on the document's page and on both parallel views (there as `#fr-p9`).
    let dir = site_with(None);
    edit(
        dir.path(),
        "content/fr/documents/rapport.md",
        "La France appuie la création d'un programme d'action.",
        "La France appuie la création d'un programme d'action (voir le [paragraphe 9](#p9)).",
    );
    let d = site_gen::generate(dir.path(), None, None).expect_err("p9 does not exist");
    assert_eq!(d.0.len(), 1, "{d}");
    assert_eq!(d.0[0].line, 27);
    assert_eq!(
        d.0[0].message,
        "broken link: fr/documents/rapport/index.html: link to #p9: no element with id \"p9\""
    );
}

#[test]
fn a_minified_theme_script_is_published_only_while_it_matches_the_theme() {
    let dir = site_with(None);
    let theme_js = |rel: &str| {
        std::fs::read(dir.path().join("themes/default/static").join(rel)).expect("theme script")
    };
    // A package as `cargo xtask build` leaves it, by hand: the explorer, a copy of search.js
    // made from the theme's search.js as it is, and one of cite.js made from an older cite.js.
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(pkg.join("scripts/explorer")).expect("pkg");
    std::fs::write(pkg.join("explorer.js"), b"export default function () {}\n").expect("pkg");
    std::fs::write(pkg.join("explorer_bg.wasm"), b"\0asm\x01\0\0\0").expect("pkg");
    let put = |rel: &str, min: &[u8], source: &[u8]| {
        std::fs::write(pkg.join("scripts").join(rel), min).expect("pkg");
        std::fs::write(pkg.join("scripts").join(format!("{rel}.source")), source).expect("pkg");
    };
    put(
        "search.js",
        b"/* search, minified */",
        &theme_js("search.js"),
    );
    put(
        "explorer/init.js",
        b"/* init, minified */",
        &theme_js("explorer/init.js"),
    );
    put(
        "cite.js",
        b"/* an older cite, minified */",
        b"// an older cite.js\n",
    );
    let (out, _) = site_gen::generate(dir.path(), None, Some(&pkg))
        .unwrap_or_else(|d| panic!("the mini site must build with a package: {d}"));
    let published = |rel: &str| out.get(&format!("static/{rel}")).cloned();
    assert_eq!(
        published("search.js"),
        Some(b"/* search, minified */".to_vec())
    );
    assert_eq!(
        published("explorer/init.js"),
        Some(b"/* init, minified */".to_vec())
    );
    // Edited since the copy was made: published as written.
    assert_eq!(published("cite.js"), Some(theme_js("cite.js")));
    // No copy at all.
    assert_eq!(
        published("lang-switch.js"),
        Some(theme_js("lang-switch.js"))
    );
    // Without a package, every script is the theme's own.
    let (out, _) = site_gen::generate(dir.path(), None, None)
        .unwrap_or_else(|d| panic!("the mini site must build: {d}"));
    assert_eq!(
        out.get("static/search.js").cloned(),
        Some(theme_js("search.js"))
    );
}
