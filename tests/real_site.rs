//! Builds the real `content/` and checks the result as a reader would meet it.

#[path = "common/mod.rs"]
mod common;

use site_gen::markdown::scan;
use site_gen::mentions::{MentionKind, StateMatcher};
use site_gen::types::{Lang, StateId};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
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

fn html(out: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        out.get(path)
            .unwrap_or_else(|| panic!("missing {path}"))
            .clone(),
    )
    .expect("utf-8")
}

fn hrefs(page: &str) -> Vec<String> {
    page.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&#x2F;", "/"))
        .collect()
}

const DOCS: [&str; 5] = [
    "a-c-1-78-l-60-rev-1",
    "a-c-1-74-l-50-rev-1",
    "a-78-76",
    "a-res-71-28",
    "oewg-2021-2025-session-4-programme",
];

#[test]
fn every_document_is_reachable_from_each_home_page() {
    let out = site();
    for lang in ["fr", "en"] {
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([format!("{lang}/index.html")]);
        while let Some(p) = queue.pop_front() {
            if !seen.insert(p.clone()) {
                continue;
            }
            let Some(bytes) = out.get(&p) else { continue };
            for h in hrefs(&String::from_utf8_lossy(bytes)) {
                let h = h.split('#').next().unwrap_or("").to_string();
                if let Some(rel) = h.strip_prefix('/') {
                    let file = if rel.ends_with('/') || rel.is_empty() {
                        format!("{rel}index.html")
                    } else {
                        rel.to_string()
                    };
                    if file.starts_with(&format!("{lang}/")) && file.ends_with(".html") {
                        queue.push_back(file);
                    }
                }
            }
        }
        for d in DOCS {
            let page = format!("{lang}/documents/{d}/index.html");
            assert!(
                seen.contains(&page),
                "{page} is not reachable from /{lang}/"
            );
            assert!(
                seen.contains(&format!("{lang}/documents/{d}/parallel.html")),
                "parallel view of {d} unreachable in {lang}"
            );
        }
    }
}

#[test]
fn builds_are_byte_identical_across_thread_counts() {
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool")
        .install(site);
    let many = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .expect("pool")
        .install(site);
    assert_eq!(one.len(), many.len());
    // The open-data API is part of the comparison: the documents' files, made with their pages
    // on any thread, and the others (index, 88 States, 19 topics, positions, 5 schemas).
    let api = one.keys().filter(|k| k.starts_with("api/v1/")).count();
    assert_eq!(api, 5 + 1 + 88 + 19 + 1 + 5, "API files");
    for (k, v) in &one {
        assert!(many.get(k) == Some(v), "{k} differs between builds");
    }
}

/// Names in a sponsor line, in order, as the State matcher of the site resolves them.
fn sponsor_line_states(slug: &str) -> (Vec<StateId>, Vec<String>) {
    let text = std::fs::read_to_string(root().join(format!("content/fr/documents/{slug}.md")))
        .expect("doc");
    let s = scan(&text);
    let line = s
        .text_at("sponsors")
        .expect("a {#sponsors} paragraph")
        .to_string();
    names_in(line.split(" : ").next().unwrap_or(""))
}

/// The States named in a list, in order, and whatever words are left once they are removed.
fn names_in(list: &str) -> (Vec<StateId>, Vec<String>) {
    let list = list.to_string();
    let states_toml: toml::Value = toml::from_str(
        &std::fs::read_to_string(root().join("content/data/states.toml")).expect("states"),
    )
    .expect("toml");
    let mut names = Vec::new();
    for st in states_toml["state"].as_array().expect("array") {
        let id = StateId(st["id"].as_str().expect("id").to_string());
        names.push((
            st["name_fr"].as_str().expect("name").to_string(),
            id.clone(),
        ));
        for a in st
            .get("aliases")
            .and_then(|a| a.as_array())
            .into_iter()
            .flatten()
        {
            names.push((a.as_str().expect("alias").to_string(), id.clone()));
        }
    }
    let matcher = StateMatcher::new(&names);
    let found: Vec<StateId> = matcher
        .find(&list)
        .into_iter()
        .filter_map(|m| match m.kind {
            MentionKind::State(s) => Some(s),
            _ => None,
        })
        .collect();
    // Whatever is left once the names are removed must be separators only.
    let mut rest = list.clone();
    for m in matcher.find(&list).iter().rev() {
        rest.replace_range(m.range.clone(), "");
    }
    let leftovers: Vec<String> = rest
        .split([',', ' '])
        .map(str::trim)
        .filter(|w| !w.is_empty() && *w != "et")
        .map(String::from)
        .collect();
    (found, leftovers)
}

#[test]
fn note_8_names_resolve_to_the_coauthors_list() {
    let text =
        std::fs::read_to_string(root().join("content/fr/documents/a-78-76.md")).expect("doc");
    let front: toml::Value = toml::from_str(text.split("+++").nth(1).expect("fm")).expect("toml");
    let expected: Vec<StateId> = front["poa_coauthors"]
        .as_array()
        .expect("list")
        .iter()
        .map(|s| StateId(s.as_str().expect("id").into()))
        .collect();
    let s = scan(&text);
    let note = s
        .blocks
        .iter()
        .find(|b| b.in_footnote && b.text.starts_with("Argentine, Canada"))
        .expect("note 8");
    let (mut found, leftovers) = names_in(&note.text);
    // "l'Union européenne et les États membres de l'Union européenne" names the Union once.
    found.dedup();
    assert_eq!(found, expected, "note 8 and poa_coauthors disagree");
    // Once the States are removed, only the note's connecting words remain.
    let allowed = ["et", "les", "États", "membres", "de", "(", ").", "l'", "l’"];
    let unknown: Vec<&String> = leftovers
        .iter()
        .filter(|w| !allowed.contains(&w.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "words in note 8 that name no State: {unknown:?}"
    );
    assert!(
        leftovers.iter().any(|w| w == "membres"),
        "the check must see the connecting words"
    );
}

fn front_sponsors(slug: &str) -> Vec<StateId> {
    let text = std::fs::read_to_string(root().join(format!("content/fr/documents/{slug}.md")))
        .expect("doc");
    let front = text.split("+++").nth(1).expect("front matter");
    let v: toml::Value = toml::from_str(front).expect("toml");
    v["sponsors"]
        .as_array()
        .expect("sponsors")
        .iter()
        .map(|s| StateId(s.as_str().expect("id").into()))
        .collect()
}

#[test]
fn sponsor_lines_resolve_to_the_front_matter_lists() {
    for (slug, count) in [("a-c-1-78-l-60-rev-1", 52), ("a-c-1-74-l-50-rev-1", 21)] {
        let (found, leftovers) = sponsor_line_states(slug);
        assert!(
            leftovers.is_empty(),
            "{slug}: names in the sponsor line that match no State: {leftovers:?}"
        );
        assert_eq!(found.len(), count, "{slug}: sponsor count");
        assert_eq!(
            found,
            front_sponsors(slug),
            "{slug}: sponsor line and front matter disagree"
        );
    }
}

#[test]
fn annex_has_37_replies_and_note_8_lists_the_coauthors() {
    let text =
        std::fs::read_to_string(root().join("content/fr/documents/a-78-76.md")).expect("doc");
    let front: toml::Value = toml::from_str(text.split("+++").nth(1).expect("fm")).expect("toml");
    let replies = front["replies"].as_array().expect("replies");
    assert_eq!(replies.len(), 37);
    let co = front["poa_coauthors"].as_array().expect("coauthors");
    assert!(co.iter().any(|c| c.as_str() == Some("eu")));
    let s = scan(&text);
    for r in replies {
        let id = r["state"].as_str().expect("state");
        assert!(s.anchors().any(|a| a == id), "no section #{id}");
        assert!(
            s.anchors().any(|a| a == format!("{id}-1")),
            "no paragraph #{id}-1"
        );
    }
}

#[test]
fn english_edition_is_aligned_complete_and_translated() {
    // French function words that English prose never needs; a paragraph full of them is French.
    let french = [
        "le", "la", "les", "des", "du", "et", "est", "dans", "pour", "que", "qui", "une", "sur",
        "au", "aux",
    ];
    for d in DOCS {
        let fr = scan(
            &std::fs::read_to_string(root().join(format!("content/fr/documents/{d}.md")))
                .expect("fr"),
        );
        let en = scan(
            &std::fs::read_to_string(root().join(format!("content/en/documents/{d}.md")))
                .expect("en"),
        );
        assert_eq!(
            fr.anchors().collect::<Vec<_>>(),
            en.anchors().collect::<Vec<_>>(),
            "{d}: anchors"
        );
        let labels = |s: &site_gen::markdown::Scan| {
            s.footnote_defs
                .iter()
                .map(|(l, _)| l.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(labels(&fr), labels(&en), "{d}: footnotes");
        assert_eq!(fr.tables, en.tables, "{d}: tables");
        let count = |s: &site_gen::markdown::Scan| {
            s.blocks
                .iter()
                .map(|b| b.text.split_whitespace().count())
                .sum::<usize>() as f64
        };
        let ratio = count(&en) / count(&fr);
        assert!(
            (0.8..=1.2).contains(&ratio),
            "{d}: English is {ratio:.2} of the French word count"
        );
        for b in en
            .blocks
            .iter()
            .filter(|b| b.text.split_whitespace().count() >= 8)
        {
            let words: Vec<String> = b
                .text
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            let fr_words = words
                .iter()
                .filter(|w| french.contains(&w.as_str()))
                .count();
            assert!(
                fr_words * 5 < words.len(),
                "{d}: English paragraph {:?} looks French: {}",
                b.id,
                b.text
            );
        }
    }
}

#[test]
fn english_pages_are_labelled_unofficial_and_link_the_official_version() {
    let out = site();
    let page = html(&out, "en/documents/a-78-76/index.html");
    assert!(
        page.contains("Unofficial translation"),
        "no unofficial label"
    );
    assert!(
        page.contains("href=\"https://undocs.org/en/A/78/76\""),
        "no link to the official English version"
    );
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("hreflang=\"fr\""));
}

#[test]
fn cross_links_in_real_pages() {
    let out = site();
    let l60 = html(&out, "fr/documents/a-c-1-78-l-60-rev-1/index.html");
    // A resolution in the corpus links to its page; others to undocs.org in the page's language.
    assert!(
        l60.contains("<a class=\"sym\" href=\"/fr/documents/a-res-71-28/\">71/28</a>"),
        "71/28 not linked internally"
    );
    assert!(
        l60.contains("<a class=\"sym\" href=\"https://undocs.org/fr/A/RES/43/78\">43/78</a>"),
        "43/78 not linked to undocs"
    );
    assert!(
        l60.contains("href=\"/fr/states/alb/\""),
        "sponsor not linked"
    );
    // Cited by: A/RES/71/28 is recalled by both drafts.
    let r71 = html(&out, "en/documents/a-res-71-28/index.html");
    assert!(
        r71.contains("/en/documents/a-c-1-78-l-60-rev-1/"),
        "cited-by missing"
    );
    // The timeline lists the oldest recalled resolution first, with the text's own date.
    let tl = html(&out, "fr/timeline/index.html");
    let first = tl.find("36/103").expect("36/103 in the timeline");
    assert!(first < tl.find("77/37").expect("77/37"));
    assert!(tl.contains("9 décembre 1981"));
}

#[test]
fn explorer_index_matches_the_dataset() {
    let out = site();
    for lang in [Lang::Fr, Lang::En] {
        let bytes = out
            .get(&format!("data/explorer-{}.bin", lang.code()))
            .expect("index");
        let index = explorer_wasm::model::Index::from_bytes(bytes.clone()).expect("decodes");
        let coded = index.rows.iter().filter(|r| r.topic.is_some()).count();
        assert_eq!(coded, 37 * 19, "every respondent × topic");
        let respondents = index
            .rows
            .iter()
            .filter(|r| {
                r.relation
                    .is_some_and(|x| index.relations[x as usize].id == "respondent")
            })
            .count();
        assert_eq!(respondents, 37);
        // Every quote is non-empty unless the stance is not-addressed.
        for r in index.rows.iter().filter(|r| r.stance.is_some()) {
            let stance = &index.stances[r.stance.unwrap_or(0) as usize].id;
            assert_eq!(stance == "not-addressed", r.quote.is_empty(), "row {r:?}");
        }
        // The text read back from the index's raw tail is the text of the JSON download, row for
        // row (both come from the same rows, in the same order).
        let json: serde_json::Value = serde_json::from_slice(
            out.get(&format!("data/positions-{}.json", lang.code()))
                .expect("JSON download"),
        )
        .expect("JSON");
        let json_rows = json["rows"].as_array().expect("rows");
        assert_eq!(json_rows.len(), index.rows.len());
        for (r, j) in index.rows.iter().zip(json_rows) {
            assert_eq!(r.quote, j["quote"], "quote of {j}");
            assert_eq!(r.note, j["note"], "note of {j}");
            let url = j["url"].as_str().unwrap_or_default();
            assert_eq!(r.anchor.is_empty(), !url.contains('#'), "anchor of {j}");
            assert!(url.ends_with(&format!("#{}", r.anchor)) || r.anchor.is_empty());
        }
    }
    assert!(
        out.contains_key("data/positions-fr.csv") && out.contains_key("data/positions-en.json")
    );
}

#[test]
fn web_conventions() {
    let out = site();
    let sitemap = html(&out, "sitemap.xml");
    assert!(sitemap.contains("hreflang=\"en\"") && sitemap.contains("/fr/documents/a-78-76/"));
    assert!(html(&out, "robots.txt").contains("Sitemap:"));
    assert!(html(&out, "fr/atom.xml").contains("<feed"));
    assert!(out.contains_key("404.html"));
    let landing = html(&out, "index.html");
    assert!(landing.contains("href=\"/fr/\"") && landing.contains("href=\"/en/\""));
    for (path, bytes) in out.iter().filter(|(p, _)| p.ends_with(".html")) {
        let page = String::from_utf8_lossy(bytes);
        assert!(
            !page.contains("<script>") && !page.contains("<script type=\"module\">"),
            "{path}: inline script"
        );
        assert!(
            !page.contains(" onclick=")
                && !page.contains(" onload=")
                && !page.contains("javascript:"),
            "{path}: inline handler"
        );
    }
    assert!(html(&out, "_headers").contains(&format!(
        "Content-Security-Policy: {}",
        site_gen::csp::header_policy()
    )));
}

/// The tags of `page` from `<head>` on, as written, and whether only whitespace separates them.
fn head_tags(page: &str) -> (Vec<&str>, bool) {
    let Some(start) = page.find("<head>") else {
        return (Vec::new(), false);
    };
    let mut rest = &page[start..];
    let (mut tags, mut only_space) = (Vec::new(), true);
    while let Some(open) = rest.find('<') {
        only_space &= rest[..open].trim().is_empty();
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        tags.push(&rest[open..open + close + 1]);
        rest = &rest[open + close + 1..];
        if tags.len() == 3 {
            break;
        }
    }
    (tags, only_space)
}

#[test]
fn every_page_carries_the_meta_policy_first_in_head() {
    let out = site();
    // The header policy as `_headers` sends it, less what a <meta> policy cannot carry.
    let headers = html(&out, "_headers");
    let header_policy = headers
        .lines()
        .find_map(|l| l.trim().strip_prefix("Content-Security-Policy: "))
        .expect("_headers has a Content-Security-Policy line");
    assert!(
        header_policy.contains("frame-ancestors 'none'"),
        "{header_policy}"
    );
    let meta_policy = header_policy
        .split(';')
        .map(str::trim)
        .filter(|d| {
            let name = d.split_whitespace().next().unwrap_or("");
            !["frame-ancestors", "report-uri", "sandbox"].contains(&name)
        })
        .collect::<Vec<_>>()
        .join("; ");
    assert_eq!(
        meta_policy,
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:"
    );
    let expected =
        format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{meta_policy}\">");
    let pages: Vec<_> = out.iter().filter(|(p, _)| p.ends_with(".html")).collect();
    for (path, bytes) in &pages {
        let page = String::from_utf8_lossy(bytes);
        let (tags, only_space) = head_tags(&page);
        assert_eq!(
            tags[..],
            ["<head>", "<meta charset=\"utf-8\">", expected.as_str()],
            "{path}: <head> does not open with the charset and the policy"
        );
        assert!(only_space, "{path}: text between the first tags of <head>");
        assert_eq!(
            page.matches("Content-Security-Policy").count(),
            1,
            "{path}: more than one policy"
        );
    }
    assert!(pages.len() > 200, "only {} pages", pages.len());
    assert!(out.contains_key("404.html") && out.contains_key("index.html"));
}

#[test]
fn site_works_under_a_sub_path() {
    let (out, _) = site_gen::generate(&root(), Some("https://host.example/sub/path/"), None)
        .expect("builds under a sub-path");
    let home = html(&out, "fr/index.html");
    assert!(
        home.contains("href=\"/sub/path/fr/documents/\""),
        "links are not prefixed"
    );
    assert!(home.contains("href=\"/sub/path/static/style.css\""));
    assert!(html(&out, "sitemap.xml").contains("https://host.example/sub/path/fr/"));
}

#[test]
fn builds_are_byte_identical_across_directories() {
    let copy = tempfile::tempdir().expect("tempdir");
    for part in ["content", "themes"] {
        common::copy_dir(&root().join(part), &copy.path().join(part));
    }
    std::fs::copy(root().join("site.toml"), copy.path().join("site.toml")).expect("copy");
    let (elsewhere, _) = site_gen::generate(copy.path(), None, None).expect("builds from a copy");
    assert!(
        elsewhere == site(),
        "output depends on the project's directory"
    );
}

/// The programme of work prints each guiding question under the time slot it belongs to
/// (seed 004); the copy, both editions and the parallel view keep that order.
#[test]
fn programme_questions_sit_under_their_time_slots() {
    // Read off the source by hand: Wednesday's morning and Friday's afternoon have no questions.
    let expected = "d1 d1-s1 d1-q1 d1-q2 d1-q3 d1-q4 d1-s2 d1-q5 d1-q6 d1-q7 \
         d2 d2-s1 d2-q1 d2-s2 d2-q2 d2-q3 d2-q4 \
         d3 d3-s1 d3-s2 d3-q1 d3-q2 d3-q3 \
         d4 d4-s1 d4-q1 d4-q2 d4-s2 d4-q3 d4-q4 d4-s3 d4-q5 d4-q6 \
         d5 d5-s1 d5-q1 d5-q2 d5-s2 d5-q3 d5-q4 d5-s3";
    let expected: Vec<&str> = expected.split_whitespace().collect();
    // Day headings, slot headings and questions, in page order, stripped of an edition prefix.
    let outline = |page: &str, prefix: &str| -> Vec<String> {
        page.split(" id=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .filter_map(|id| id.strip_prefix(prefix))
            .filter(|id| {
                let b = id.as_bytes();
                b.len() >= 2
                    && b[0] == b'd'
                    && b[1].is_ascii_digit()
                    && (b.len() == 2 || (b.len() == 5 && (b[3] == b's' || b[3] == b'q')))
            })
            .map(str::to_string)
            .collect()
    };
    let out = site();
    let slug = "oewg-2021-2025-session-4-programme";
    for lang in ["fr", "en"] {
        let page = html(&out, &format!("{lang}/documents/{slug}/index.html"));
        assert_eq!(outline(&page, ""), expected, "{lang} page");
        let parallel = html(&out, &format!("{lang}/documents/{slug}/parallel.html"));
        for side in ["fr-", "en-"] {
            assert_eq!(
                outline(&parallel, side),
                expected,
                "{lang} parallel, {side}"
            );
        }
    }
}

#[test]
fn the_explorer_export_of_every_row_is_the_csv_download() {
    // One writer: the explorer's export (what its CSV button downloads, here over every row of
    // the index the page reads) and the download page's file have the same columns and rows.
    let out = site();
    for lang in ["fr", "en"] {
        let index = explorer_wasm::model::Index::from_bytes(
            out[&format!("data/explorer-{lang}.bin")].clone(),
        )
        .expect("decodes");
        let all: Vec<u32> = (0..index.rows.len() as u32).collect();
        // `base_url` in site.toml is https://un-ict-security.example.org/.
        let export =
            explorer_wasm::export::to_csv(&index, &all, "https://un-ict-security.example.org");
        let download =
            String::from_utf8(out[&format!("data/positions-{lang}.csv")].clone()).expect("UTF-8");
        assert_eq!(export, download, "{lang}");
        // The JSON download names the same columns.
        let j: serde_json::Value =
            serde_json::from_slice(&out[&format!("data/positions-{lang}.json")]).expect("json");
        assert_eq!(
            j["columns"],
            serde_json::json!(explorer_wasm::export::COLUMNS)
        );
        assert_eq!(
            download.lines().next(),
            Some("state_id,state,state_url,group,relation,document,topic_id,topic,stance_id,stance,quote,note,url")
        );
    }
}

#[test]
fn the_positions_data_describes_every_field_it_carries() {
    let out = site();
    for lang in ["fr", "en"] {
        let j: serde_json::Value =
            serde_json::from_slice(&out[&format!("data/positions-{lang}.json")]).expect("json");
        let cols: Vec<&str> = j["columns"]
            .as_array()
            .expect("columns")
            .iter()
            .filter_map(|c| c.as_str())
            .collect();
        let rows = j["rows"].as_array().expect("rows");
        assert!(!rows.is_empty());
        for row in rows {
            for key in row.as_object().expect("row").keys() {
                assert!(
                    cols.contains(&key.as_str()),
                    "`{key}` is not in columns {cols:?}"
                );
            }
        }
        assert!(cols.contains(&"note") && cols.contains(&"state_url"));
        let csv = String::from_utf8_lossy(&out[&format!("data/positions-{lang}.csv")]).into_owned();
        assert_eq!(
            csv.lines().next(),
            Some(cols.join(",").as_str()),
            "CSV header"
        );
        // A coded note reaches the CSV.
        let noted = rows
            .iter()
            .filter_map(|r| r["note"].as_str())
            .find(|n| !n.is_empty() && !n.contains(['"', ',', '\n']))
            .expect("the content codes notes");
        assert!(csv.contains(noted), "note {noted:?} missing from the CSV");
    }
}
