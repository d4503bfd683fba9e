//! The agreement figures on the methodology page are recomputed here from the data files,
//! independently of the generator's `reliability` module, and compared with the page built
//! from the real content, in both languages: a figure the data does not give fails.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn data(rel: &str) -> String {
    std::fs::read_to_string(root().join("content/data").join(rel)).expect(rel)
}

#[derive(Deserialize)]
struct SampleFile {
    per_topic: usize,
    pair: Vec<Pair>,
}

#[derive(Deserialize)]
struct Pair {
    state: String,
    topic: String,
    #[serde(default = "yes")]
    blind: bool,
    first_stance: String,
    first_anchor: Option<String>,
    second_stance: String,
    second_anchor: Option<String>,
    second_quote_fr: Option<String>,
    resolved_stance: String,
    resolved_anchor: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct Labelled {
    id: String,
    label_fr: String,
    label_en: String,
}

#[derive(Deserialize)]
struct Topics {
    topic: Vec<Labelled>,
    stance: Vec<Labelled>,
}

#[derive(Deserialize)]
struct StateRecord {
    id: String,
    name_fr: String,
    name_en: String,
}

#[derive(Deserialize)]
struct States {
    state: Vec<StateRecord>,
}

#[derive(Deserialize)]
struct Positions {
    positions: Vec<Position>,
}

#[derive(Deserialize)]
struct Position {
    topic: String,
    stance: String,
    anchor: Option<String>,
}

fn sample() -> SampleFile {
    toml::from_str(&data("reliability/second-coding.toml")).expect("second coding parses")
}

fn topics() -> Topics {
    toml::from_str(&data("topics.toml")).expect("topics parse")
}

/// (n, agreements, κ) by the textbook formula: pₒ = agreements / n, pₑ = Σ_k p₁(k)·p₂(k) with
/// each coder's share of value k, κ = (pₒ − pₑ) / (1 − pₑ), undefined when pₑ is 1.
fn cohen(pairs: &[(&str, &str)]) -> (usize, usize, Option<f64>) {
    let n = pairs.len();
    let agree = pairs.iter().filter(|(a, b)| a == b).count();
    let values: BTreeSet<&str> = pairs.iter().flat_map(|(a, b)| [*a, *b]).collect();
    let share = |v: &str, first: bool| {
        let c = pairs
            .iter()
            .filter(|(a, b)| if first { *a == v } else { *b == v })
            .count();
        c as f64 / n as f64
    };
    let pe: f64 = values
        .iter()
        .map(|v| share(v, true) * share(v, false))
        .sum();
    let po = agree as f64 / n as f64;
    let kappa = ((1.0 - pe).abs() > 1e-9).then(|| (po - pe) / (1.0 - pe));
    (n, agree, kappa)
}

/// The cells of a table row as the page should show them, in `lang` ("fr" or "en").
fn expected_cells(
    label: &str,
    (n, agree, kappa): (usize, usize, Option<f64>),
    lang: &str,
) -> Vec<String> {
    let fr = lang == "fr";
    let dec = |s: String| if fr { s.replace('.', ",") } else { s };
    let raw = dec(format!("{:.1}", 100.0 * agree as f64 / n as f64));
    let raw = if fr {
        format!("{raw}\u{a0}%")
    } else {
        format!("{raw}%")
    };
    let kappa = kappa.map_or(
        if fr { "non défini" } else { "undefined" }.to_string(),
        |k| dec(format!("{k:.2}")),
    );
    vec![
        label.to_string(),
        n.to_string(),
        agree.to_string(),
        raw,
        kappa,
    ]
}

fn unescape(s: &str) -> String {
    s.replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Text of an HTML fragment: tags removed, entities decoded, whitespace collapsed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    // ASCII whitespace only: the no-break space before a French percent sign is kept.
    unescape(&out)
        .split(|c: char| c.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The element with `id="<id>"` in `page`, from its start tag to its end tag `</tag>`.
fn element<'p>(page: &'p str, id: &str, tag: &str) -> &'p str {
    let at = page
        .find(&format!(" id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element #{id}"));
    let start = page[..at].rfind('<').expect("start tag");
    let end = page[at..].find(&format!("</{tag}>")).expect("end tag") + at;
    &page[start..end + tag.len() + 3]
}

/// The cells (th and td) of each row of a table fragment, with the row's id.
fn rows(table: &str) -> Vec<(String, Vec<String>)> {
    table
        .split("<tr")
        .skip(1)
        .map(|r| {
            let id = r
                .split_once("id=\"")
                .and_then(|(_, rest)| rest.split('"').next())
                .filter(|_| r.trim_start().starts_with("id="))
                .unwrap_or("")
                .to_string();
            let cells = r
                .split("<t")
                .skip(1)
                .filter(|c| c.starts_with("h") || c.starts_with("d"))
                .map(|c| text(&format!("<t{}", c.split("</t").next().unwrap_or(""))))
                .collect();
            (id, cells)
        })
        .collect()
}

fn numbers(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[test]
fn methodology_page_shows_the_figures_the_data_gives() {
    let sample = sample();
    let topics = topics();
    let states: States = toml::from_str(&data("states.toml")).expect("states parse");
    let (out, _) = site_gen::generate(&root(), None, None).expect("the real content builds");
    let counted: Vec<&Pair> = sample.pair.iter().filter(|p| p.blind).collect();
    for lang in ["fr", "en"] {
        let label = |l: &Labelled| {
            if lang == "fr" {
                l.label_fr.clone()
            } else {
                l.label_en.clone()
            }
        };
        let state_name = |id: &str| {
            let s = states
                .state
                .iter()
                .find(|s| s.id == id)
                .expect("known State");
            if lang == "fr" {
                s.name_fr.clone()
            } else {
                s.name_en.clone()
            }
        };
        let path = format!("{lang}/methodology/index.html");
        let page =
            String::from_utf8(out.get(&path).expect("methodology page").clone()).expect("utf-8");

        // The table: one row per topic, in the taxonomy's order, then all topics together.
        let mut expected = Vec::new();
        for t in &topics.topic {
            let pairs: Vec<(&str, &str)> = counted
                .iter()
                .filter(|p| p.topic == t.id)
                .map(|p| (p.first_stance.as_str(), p.second_stance.as_str()))
                .collect();
            expected.push((
                format!("agreement-{}", t.id),
                expected_cells(&label(t), cohen(&pairs), lang),
            ));
        }
        let all: Vec<(&str, &str)> = counted
            .iter()
            .map(|p| (p.first_stance.as_str(), p.second_stance.as_str()))
            .collect();
        let overall_label = if lang == "fr" {
            "Ensemble des sujets"
        } else {
            "All topics"
        };
        expected.push((
            "agreement-overall".to_string(),
            expected_cells(overall_label, cohen(&all), lang),
        ));
        let table = element(&page, "agreement-table", "table");
        let shown: Vec<(String, Vec<String>)> = rows(table)
            .into_iter()
            .filter(|(id, _)| !id.is_empty())
            .collect();
        assert_eq!(shown, expected, "{path}: the agreement table");
        assert_eq!(
            table.matches("<tr").count(),
            expected.len() + 1,
            "{path}: a row the data does not give"
        );

        // The sample as described: pairs, States per topic, topics, counted pairs.
        let intro = element(&page, "agreement", "h3");
        let sentence_start = page.find(intro).expect("heading") + intro.len();
        let sentence = text(
            &page[sentence_start..page[sentence_start..].find("</p>").unwrap() + sentence_start],
        );
        assert_eq!(
            numbers(&sentence),
            [
                sample.pair.len(),
                sample.per_topic,
                topics.topic.len(),
                counted.len()
            ]
            .map(|n| n.to_string()),
            "{path}: {sentence}"
        );
        let excluded: Vec<String> = sample
            .pair
            .iter()
            .filter(|p| !p.blind)
            .map(|p| {
                let t = topics
                    .topic
                    .iter()
                    .find(|t| t.id == p.topic)
                    .expect("topic");
                format!("{} ({})", state_name(&p.state), label(t))
            })
            .collect();
        let list = element(&page, "agreement-excluded", "ul");
        let items: Vec<String> = list.split("<li>").skip(1).map(text).collect();
        assert_eq!(items, excluded, "{path}: the pairs left out");

        // Same evidence paragraph, among the pairs both codings give one with the same stance.
        let both: Vec<&&Pair> = counted
            .iter()
            .filter(|p| {
                p.first_stance == p.second_stance
                    && p.first_anchor.is_some()
                    && p.second_anchor.is_some()
            })
            .collect();
        let same = both
            .iter()
            .filter(|p| p.first_anchor == p.second_anchor)
            .count();
        let evidence = text(element(&page, "agreement-evidence", "p"));
        assert_eq!(
            numbers(&evidence),
            [same.to_string(), both.len().to_string()],
            "{path}: {evidence}"
        );

        // The pairs adjudication changed, and only those, with both paragraphs named.
        let changed: Vec<&Pair> = sample
            .pair
            .iter()
            .filter(|p| p.first_stance != p.resolved_stance || p.first_anchor != p.resolved_anchor)
            .collect();
        let ids: BTreeSet<String> = page
            .match_indices("id=\"changed-")
            .map(|(i, _)| page[i + 4..].split('"').next().unwrap_or("").to_string())
            .collect();
        let want: BTreeSet<String> = changed
            .iter()
            .map(|p| format!("changed-{}-{}", p.state, p.topic))
            .collect();
        assert_eq!(ids, want, "{path}: the changed pairs");
        for p in &changed {
            let item = text(element(
                &page,
                &format!("changed-{}-{}", p.state, p.topic),
                "li",
            ));
            let stance =
                |id: &str| label(topics.stance.iter().find(|s| s.id == id).expect("stance"));
            for part in [
                state_name(&p.state),
                stance(&p.first_stance),
                stance(&p.resolved_stance),
            ]
            .into_iter()
            .chain(p.first_anchor.clone())
            .chain(p.resolved_anchor.clone())
            {
                assert!(item.contains(&part), "{path}: {item} should name {part}");
            }
        }
    }
}

#[test]
fn the_sample_is_stratified_and_resolved_as_published() {
    let sample = sample();
    let topics = topics();
    let states: BTreeSet<String> = std::fs::read_dir(root().join("content/data/positions"))
        .expect("positions")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    // At least a fifth of the pairs, the same number of distinct States for every topic.
    assert!(
        5 * sample.per_topic >= states.len(),
        "under 20 % of the pairs"
    );
    for t in &topics.topic {
        let drawn: BTreeSet<&str> = sample
            .pair
            .iter()
            .filter(|p| p.topic == t.id)
            .map(|p| p.state.as_str())
            .collect();
        let listed = sample.pair.iter().filter(|p| p.topic == t.id).count();
        assert_eq!(
            (drawn.len(), listed),
            (sample.per_topic, sample.per_topic),
            "topic {}",
            t.id
        );
        assert!(drawn.iter().all(|s| states.contains(*s)));
    }
    assert_eq!(sample.pair.len(), sample.per_topic * topics.topic.len());

    // The resolution is what content/data/positions/ publishes.
    let mut coded: BTreeMap<(String, String), (String, Option<String>)> = BTreeMap::new();
    for s in &states {
        let f: Positions =
            toml::from_str(&data(&format!("positions/{s}.toml"))).expect("positions parse");
        for p in f.positions {
            coded.insert((s.clone(), p.topic), (p.stance, p.anchor));
        }
    }
    for p in &sample.pair {
        assert_eq!(
            coded.get(&(p.state.clone(), p.topic.clone())),
            Some(&(p.resolved_stance.clone(), p.resolved_anchor.clone())),
            "({}, {})",
            p.state,
            p.topic
        );
    }

    // The second coding's quotations are in the French reply at the paragraph it names.
    let reply =
        std::fs::read_to_string(root().join("content/fr/documents/a-78-76.md")).expect("A/78/76");
    let norm = |s: &str| {
        s.replace('’', "'")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    for p in &sample.pair {
        let (Some(anchor), Some(quote)) = (&p.second_anchor, &p.second_quote_fr) else {
            assert_eq!(
                p.second_stance, "not-addressed",
                "({}, {}) has no evidence",
                p.state, p.topic
            );
            continue;
        };
        let marker = format!("{{#{anchor}}}");
        let at = reply
            .find(&marker)
            .unwrap_or_else(|| panic!("no paragraph {anchor}"));
        let para = reply[at..].lines().next().unwrap_or("");
        assert!(
            norm(para).contains(&norm(quote)),
            "({}, {}): quote not at {anchor}",
            p.state,
            p.topic
        );
    }
}
