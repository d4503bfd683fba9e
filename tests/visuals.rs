//! The maps and charts of the real site (DESIGN.md §11), checked against the data files read
//! here on their own, not through the generator.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn site() -> BTreeMap<String, Vec<u8>> {
    match site_gen::generate(&root(), None, None) {
        Ok((out, _)) => out,
        Err(d) => panic!("the real content does not build:\n{d}"),
    }
}

fn page(out: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        out.get(path)
            .unwrap_or_else(|| panic!("missing {path}"))
            .clone(),
    )
    .unwrap()
}

fn toml_file(rel: &str) -> toml::Value {
    let text = std::fs::read_to_string(root().join(rel)).unwrap();
    toml::from_str(&text).unwrap()
}

/// State → topic → stance, from `content/data/positions/*.toml`.
fn coded() -> BTreeMap<String, BTreeMap<String, String>> {
    let mut all = BTreeMap::new();
    for e in std::fs::read_dir(root().join("content/data/positions")).unwrap() {
        let path = e.unwrap().path();
        let v: toml::Value = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let state = v["state"].as_str().unwrap().to_string();
        let mut by_topic = BTreeMap::new();
        for p in v["positions"].as_array().unwrap() {
            by_topic.insert(
                p["topic"].as_str().unwrap().to_string(),
                p["stance"].as_str().unwrap().to_string(),
            );
        }
        all.insert(state, by_topic);
    }
    all
}

fn topics() -> Vec<(String, Vec<String>)> {
    let v = toml_file("content/data/topics.toml");
    v["topic"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let stances = t["stances"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string());
            (t["id"].as_str().unwrap().to_string(), stances.collect())
        })
        .collect()
}

fn state_ids() -> Vec<String> {
    let v = toml_file("content/data/states.toml");
    v["state"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// The `<figure class="map-figure">…</figure>` of a page.
fn figure(html: &str) -> &str {
    let i = html
        .find("<figure class=\"map-figure\">")
        .expect("a map figure");
    let j = html[i..].find("</figure>").unwrap() + i + 9;
    &html[i..j]
}

fn gzipped_len(bytes: &[u8]) -> usize {
    let mut gz = Command::new("gzip")
        .arg("-9c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip on the PATH");
    gz.stdin.take().unwrap().write_all(bytes).unwrap();
    gz.wait_with_output().unwrap().stdout.len()
}

#[test]
fn every_state_with_a_coded_position_is_on_each_topic_map_with_its_stance() {
    let out = site();
    let coded = coded();
    let ids = state_ids();
    assert!(coded.len() >= 37, "{} States coded", coded.len());
    for lang in ["fr", "en"] {
        for (topic, _) in topics() {
            let html = page(&out, &format!("{lang}/topics/{topic}/index.html"));
            let fig = figure(&html);
            for (state, by_topic) in &coded {
                let stance = &by_topic[&topic];
                // Drawn as a shape or a marker (an element of the SVG) with its stance's class.
                let mark = format!("class=\"stance-{stance}\" data-state=\"{state}\"");
                assert!(
                    fig.contains(&mark),
                    "{lang} {topic}: {state} ({stance}) missing"
                );
            }
            // Every other State of the corpus is there too, as uncoded, on the map or listed under it.
            for id in &ids {
                assert!(
                    fig.contains(&format!("data-state=\"{id}\"")),
                    "{lang} {topic}: {id}"
                );
            }
            // The figure links to the text alternative, which the page has.
            assert!(fig.contains("href=\"#positions\"") && html.contains("id=\"positions\""));
        }
    }
}

#[test]
fn the_stance_bar_counts_each_stance_and_links_to_the_filtered_explorer() {
    let out = site();
    let coded = coded();
    for (topic, stances) in topics() {
        for path in [
            format!("en/topics/{topic}/index.html"),
            "en/topics/index.html".to_string(),
        ] {
            let html = page(&out, &path);
            let start = html
                .find(&format!("explorer/?topic={topic}&amp;"))
                .expect("a bar of the topic");
            let bar_start = html[..start].rfind("<svg class=\"stance-bar\"").unwrap();
            let bar = &html[bar_start..bar_start + html[bar_start..].find("</svg>").unwrap()];
            let total = coded.len();
            for s in &stances {
                let n = coded.values().filter(|t| &t[&topic] == s).count();
                let link = format!("explorer/?topic={topic}&amp;stance={s}\"");
                if n == 0 {
                    assert!(!bar.contains(&link), "{path}: empty {s} drawn");
                    continue;
                }
                assert!(bar.contains(&link), "{path}: no segment for {s}");
                let pct = (n * 100 + total / 2) / total;
                let name = format!(": {n} of {total} ({pct} %)\"");
                let seg = &bar[bar.find(&link).unwrap()..];
                assert!(
                    seg[..seg.find('>').unwrap()].contains(&name),
                    "{path} {s}: {name}"
                );
            }
        }
    }
}

#[test]
fn the_home_map_shows_every_sponsor_coauthor_and_respondent() {
    let out = site();
    let mut expected: BTreeSet<String> = coded().keys().cloned().collect();
    for doc in ["a-c-1-78-l-60-rev-1", "a-c-1-74-l-50-rev-1"] {
        let text =
            std::fs::read_to_string(root().join(format!("content/fr/documents/{doc}.md"))).unwrap();
        let front = text.split("+++").nth(1).unwrap();
        let v: toml::Value = toml::from_str(front).unwrap();
        expected.extend(
            v["sponsors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_string()),
        );
    }
    for lang in ["fr", "en"] {
        let html = page(&out, &format!("{lang}/index.html"));
        let fig = figure(&html);
        for id in &expected {
            assert!(
                fig.contains(&format!("data-state=\"{id}\"")),
                "{lang}: {id} missing"
            );
        }
        // France sponsored A/C.1/78/L.60/Rev.1, co-authored the 2020 proposal and replied.
        let fra = &fig[fig.find("data-state=\"fra\"").unwrap()..];
        assert!(fig.contains("class=\"roles-3\" data-state=\"fra\""));
        assert!(fra[..fra.find('>').unwrap()].contains("A/C.1/78/L.60/Rev.1"));
    }
}

#[test]
fn state_pages_have_a_locator_and_a_strip_of_every_topic() {
    let out = site();
    let coded = coded();
    let topics = topics();
    for id in state_ids() {
        let html = page(&out, &format!("en/states/{id}/index.html"));
        // Every State is on the map or, for the EU, its members are.
        assert!(html.contains("<svg class=\"locator\""), "{id}: no locator");
        assert!(
            html.contains("<path class=\"here\" d=\"M") || html.contains("class=\"here-ring\""),
            "{id}"
        );
        let strip = html.find("<ol class=\"stance-strip\"");
        match coded.get(&id) {
            None => assert!(strip.is_none(), "{id}: a strip without positions"),
            Some(by_topic) => {
                let s = &html[strip.expect("a strip")..];
                let s = &s[..s.find("</ol>").unwrap()];
                assert_eq!(s.matches("<li>").count(), topics.len(), "{id}");
                for (topic, _) in &topics {
                    assert!(
                        s.contains(&format!("class=\"stance stance-{}\"", by_topic[topic])),
                        "{id} {topic}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_topic_page_map_and_chart_weigh_at_most_40_kb_gzipped() {
    let out = site();
    let mut worst = (0, String::new());
    for lang in ["fr", "en"] {
        for (topic, _) in topics() {
            let html = page(&out, &format!("{lang}/topics/{topic}/index.html"));
            let bar = html.find("<svg class=\"stance-bar\"").unwrap();
            let end = html.find("<div id=\"positions\">").unwrap();
            let n = gzipped_len(&html.as_bytes()[bar..end]);
            if n > worst.0 {
                worst = (n, format!("{lang}/{topic}"));
            }
        }
    }
    eprintln!(
        "largest topic map + chart: {} bytes gzipped ({})",
        worst.0, worst.1
    );
    assert!(worst.0 <= 40 * 1024, "{worst:?}");
}
