//! Citations of the real documents: the bibliographic tags of each document page (checked
//! against values read by hand in the content's front matter and the UI strings), the JSON-LD,
//! the BibTeX (parsed with `biblatex`), the CSL-JSON (validated against the CSL schema), the
//! RIS, and the citation pages.

use biblatex::{Bibliography, ChunksExt};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn site() -> BTreeMap<String, Vec<u8>> {
    match site_gen::generate(&root(), None, None) {
        Ok((out, _)) => out,
        Err(d) => panic!("the real content does not build:\n{d}"),
    }
}

fn text(out: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        out.get(path)
            .unwrap_or_else(|| panic!("missing {path}"))
            .clone(),
    )
    .expect("utf-8")
}

/// The values of the `<meta name="…">` tags of a page, by name (entities decoded).
fn meta_tags(page: &str) -> BTreeMap<String, String> {
    let head = &page[..page.find("</head>").expect("head")];
    head.split("<meta name=\"")
        .skip(1)
        .filter_map(|rest| {
            let (name, rest) = rest.split_once('"')?;
            let content = rest.strip_prefix(" content=\"")?.split('"').next()?;
            Some((
                name.to_string(),
                html_escape::decode_html_entities(content).into_owned(),
            ))
        })
        .collect()
}

/// One document's expected values, read by hand in `content/*/documents/<slug>.md` (title,
/// symbol, date, organ) and `themes/default/i18n/*.toml` (the organ's name).
struct Expected {
    slug: &'static str,
    symbol: Option<&'static str>,
    date: Option<&'static str>,
    title_fr: &'static str,
    title_en: &'static str,
    author_fr: &'static str,
    author_en: &'static str,
    ld_type: &'static str,
}

const DOCS: [Expected; 5] = [
    Expected {
        slug: "a-78-76",
        symbol: Some("A/78/76"),
        date: Some("2023-04-18"),
        title_fr: "Programme d'action destiné à promouvoir le comportement responsable des États en matière d'utilisation du numérique dans le contexte de la sécurité internationale",
        title_en: "Programme of action to advance responsible State behaviour in the use of information and communications technologies in the context of international security",
        author_fr: "Nations Unies, Secrétaire général",
        author_en: "United Nations, Secretary-General",
        ld_type: "Report",
    },
    Expected {
        slug: "a-c-1-74-l-50-rev-1",
        symbol: Some("A/C.1/74/L.50/Rev.1"),
        date: None,
        title_fr: "Progrès de l’informatique et des télécommunications et sécurité internationale",
        title_en: "Developments in the field of information and telecommunications in the context of international security",
        author_fr: "Nations Unies, Première Commission",
        author_en: "United Nations, First Committee",
        ld_type: "Report",
    },
    Expected {
        slug: "a-c-1-78-l-60-rev-1",
        symbol: Some("A/C.1/78/L.60/Rev.1"),
        date: None,
        title_fr: "Programme d’action destiné à promouvoir le comportement responsable des États en matière d’utilisation du numérique dans le contexte de la sécurité internationale",
        title_en: "Programme of action to advance responsible State behaviour in the use of information and communications technologies in the context of international security",
        author_fr: "Nations Unies, Première Commission",
        author_en: "United Nations, First Committee",
        ld_type: "Report",
    },
    Expected {
        slug: "a-res-71-28",
        symbol: Some("A/RES/71/28"),
        date: Some("2016-12-05"),
        title_fr: "Progrès de l'informatique et des télécommunications et sécurité internationale",
        title_en: "Developments in the field of information and telecommunications in the context of international security",
        author_fr: "Nations Unies, Assemblée générale",
        author_en: "United Nations, General Assembly",
        ld_type: "Legislation",
    },
    Expected {
        slug: "oewg-2021-2025-session-4-programme",
        symbol: None,
        date: None,
        title_fr: "Programme de travail provisoire",
        title_en: "Provisional programme of work",
        author_fr: "Nations Unies, Groupe de travail à composition non limitée (2021-2025)",
        author_en: "United Nations, Open-ended working group (2021–2025)",
        ld_type: "Report",
    },
];

const ORIGIN: &str = "https://un-ict-security.example.org";

impl Expected {
    fn title(&self, lang: &str) -> &'static str {
        if lang == "fr" {
            self.title_fr
        } else {
            self.title_en
        }
    }

    fn author(&self, lang: &str) -> &'static str {
        if lang == "fr" {
            self.author_fr
        } else {
            self.author_en
        }
    }

    fn url(&self, lang: &str) -> String {
        format!("{ORIGIN}/{lang}/documents/{}/", self.slug)
    }
}

#[test]
fn document_pages_carry_hand_checked_bibliographic_tags() {
    let out = site();
    for d in &DOCS {
        for lang in ["fr", "en"] {
            let page = text(&out, &format!("{lang}/documents/{}/index.html", d.slug));
            let tags = meta_tags(&page);
            let tag = |name: &str| tags.get(name).map(String::as_str);
            let what = format!("{} {lang}", d.slug);
            assert_eq!(tag("citation_title"), Some(d.title(lang)), "{what}");
            assert_eq!(tag("DC.title"), Some(d.title(lang)), "{what}");
            assert_eq!(tag("citation_author"), Some(d.author(lang)), "{what}");
            let un = if lang == "fr" {
                "Nations Unies"
            } else {
                "United Nations"
            };
            assert_eq!(tag("citation_publisher"), Some(un), "{what}");
            assert_eq!(tag("DC.publisher"), Some(un), "{what}");
            assert_eq!(tag("citation_language"), Some(lang), "{what}");
            assert_eq!(tag("DC.language"), Some(lang), "{what}");
            assert_eq!(
                tag("citation_public_url"),
                Some(d.url(lang).as_str()),
                "{what}"
            );
            let slashed = d.date.map(|x| x.replace('-', "/"));
            assert_eq!(tag("citation_date"), slashed.as_deref(), "{what}");
            assert_eq!(tag("DC.date"), d.date, "{what}");
            assert_eq!(tag("citation_technical_report_number"), d.symbol, "{what}");
            assert_eq!(tag("DC.identifier"), d.symbol, "{what}");

            // schema.org, in a data block the browser never runs.
            let ld = page
                .split("<script type=\"application/ld+json\">")
                .nth(1)
                .and_then(|r| r.split("</script>").next())
                .unwrap_or_else(|| panic!("{what}: no JSON-LD"));
            let ld: Value = serde_json::from_str(ld).expect("JSON-LD is JSON");
            assert_eq!(ld["@context"], "https://schema.org", "{what}");
            assert_eq!(ld["@type"], d.ld_type, "{what}");
            assert_eq!(ld["name"], d.title(lang), "{what}");
            assert_eq!(ld["url"], d.url(lang).as_str(), "{what}");
            assert_eq!(ld["inLanguage"], lang, "{what}");
            // The English edition is a translation of the French one.
            assert_eq!(ld["translationOfWork"].is_object(), lang == "en", "{what}");
            // A link to the citation page.
            assert!(
                page.contains(&format!("href=\"/{lang}/documents/{}/cite/\"", d.slug)),
                "{what}: no link to the citation page"
            );
        }
    }
}

#[test]
fn bibtex_parses_and_holds_the_document() {
    let out = site();
    for d in &DOCS {
        for lang in ["fr", "en"] {
            let src = text(&out, &format!("data/cite/{}-{lang}.bib", d.slug));
            let bib = Bibliography::parse(&src).unwrap_or_else(|e| {
                panic!("{} {lang}: BibTeX does not parse: {e:?}\n{src}", d.slug)
            });
            assert_eq!(bib.len(), 1);
            let key = format!("{}-{lang}", d.slug);
            let entry = bib.get(&key).unwrap_or_else(|| panic!("no entry {key}"));
            let field = |name: &str| entry.get(name).map(|c| c.format_verbatim());
            assert_eq!(field("title").as_deref(), Some(d.title(lang)), "{key}");
            assert_eq!(field("author").as_deref(), Some(d.author(lang)), "{key}");
            assert_eq!(field("number").as_deref(), d.symbol, "{key}");
            assert_eq!(field("date").as_deref(), d.date, "{key}");
            assert_eq!(field("url"), Some(d.url(lang)), "{key}");
            let note = field("note");
            assert_eq!(
                note.as_deref(),
                (lang == "en").then_some("unofficial translation"),
                "{key}: only the English edition is a translation"
            );
        }
    }
}

#[test]
fn csl_json_is_valid_against_the_csl_schema() {
    let out = site();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/fixtures/csl/csl-data.json")).expect("schema"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("CSL schema compiles");
    for d in &DOCS {
        for lang in ["fr", "en"] {
            let path = format!("data/cite/{}-{lang}.json", d.slug);
            let v: Value = serde_json::from_str(&text(&out, &path)).expect("JSON");
            let errors: Vec<String> = validator.iter_errors(&v).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{path}: {errors:?}");
            let item = &v[0];
            assert_eq!(item["title"], d.title(lang), "{path}");
            assert_eq!(item["author"][0]["literal"], d.author(lang), "{path}");
            assert_eq!(item["URL"], d.url(lang).as_str(), "{path}");
            assert_eq!(
                item.get("number").and_then(Value::as_str),
                d.symbol,
                "{path}"
            );
        }
    }
    // The schema has teeth: a field CSL does not have is refused.
    let bad = serde_json::json!([{"id": "x", "type": "report", "symbol": "A/78/76"}]);
    assert!(!validator.is_valid(&bad));
}

#[test]
fn ris_has_every_required_tag() {
    let out = site();
    for d in &DOCS {
        for lang in ["fr", "en"] {
            let path = format!("data/cite/{}-{lang}.ris", d.slug);
            let ris = text(&out, &path);
            let lines: Vec<&str> = ris.split("\r\n").filter(|l| !l.is_empty()).collect();
            // RIS: `XX  - value`, TY first, ER last.
            assert_eq!(lines.first(), Some(&"TY  - RPRT"), "{path}");
            assert_eq!(lines.last(), Some(&"ER  - "), "{path}");
            let tags: BTreeMap<&str, &str> = lines
                .iter()
                .map(|l| {
                    assert!(l.len() >= 6 && &l[2..6] == "  - ", "{path}: {l:?}");
                    (&l[..2], &l[6..])
                })
                .collect();
            assert_eq!(tags.get("TI"), Some(&d.title(lang)), "{path}");
            assert_eq!(tags.get("AU"), Some(&d.author(lang)), "{path}");
            assert!(tags.contains_key("PB") && tags.contains_key("LA"), "{path}");
            assert_eq!(
                tags.get("UR").copied(),
                Some(d.url(lang).as_str()),
                "{path}"
            );
            assert_eq!(tags.get("SN").copied(), d.symbol, "{path}");
            assert_eq!(tags.get("PY").copied(), d.date.map(|x| &x[..4]), "{path}");
            assert_eq!(
                tags.get("N1").copied(),
                (lang == "en").then_some("unofficial translation"),
                "{path}"
            );
        }
    }
}

#[test]
fn citation_pages_cite_every_paragraph_and_say_when_a_text_is_a_translation() {
    let out = site();
    for d in &DOCS {
        for lang in ["fr", "en"] {
            let doc = text(&out, &format!("{lang}/documents/{}/index.html", d.slug));
            let page = text(
                &out,
                &format!("{lang}/documents/{}/cite/index.html", d.slug),
            );
            // Every anchored paragraph and list item of the document has its citation.
            let anchors: Vec<&str> = ["<p id=\"", "<li id=\""]
                .iter()
                .flat_map(|open| doc.split(open).skip(1))
                .filter_map(|rest| rest.split('"').next())
                .filter(|id| !id.starts_with("fn-"))
                .collect();
            assert!(anchors.len() > 10, "{} {lang}", d.slug);
            for a in &anchors {
                let li = page
                    .split(&format!("<li id=\"{a}\"><p class=\"citation\">"))
                    .nth(1)
                    .and_then(|r| r.split("</p>").next())
                    .unwrap_or_else(|| panic!("{} {lang}: no citation of #{a}", d.slug));
                let li = html_escape::decode_html_entities(li);
                assert!(li.starts_with(d.author(lang)), "{li}");
                assert!(li.ends_with(&format!("{}#{a}", d.url(lang))), "{li}");
                assert_eq!(
                    li.contains("(unofficial translation)"),
                    lang == "en",
                    "{} {lang}: {li}",
                    d.slug
                );
            }
        }
    }
    // Hand-checked: paragraph 4 of A/C.1/78/L.60/Rev.1, and a preambular paragraph.
    let fr = text(&out, "fr/documents/a-c-1-78-l-60-rev-1/cite/index.html");
    assert!(fr.contains("<li id=\"p4\"><p class=\"citation\">Nations Unies, Première Commission, « Programme d’action destiné à promouvoir le comportement responsable des États en matière d’utilisation du numérique dans le contexte de la sécurité internationale », A/C.1/78/L.60/Rev.1, par. 4. https://un-ict-security.example.org/fr/documents/a-c-1-78-l-60-rev-1/#p4</p></li>"));
    let en = text(&out, "en/documents/a-res-71-28/cite/index.html");
    assert!(en.contains("<li id=\"pp1\"><p class=\"citation\">United Nations, General Assembly, “Developments in the field of information and telecommunications in the context of international security”, A/RES/71/28, 5 December 2016, preambular para. 1 (unofficial translation). https://un-ict-security.example.org/en/documents/a-res-71-28/#pp1</p></li>"), "{en}");
}
