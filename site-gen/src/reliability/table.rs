//! The agreement figures and the pairs adjudication changed, as the methodology page shows
//! them in one language.

use super::kappa::Agreement;
use super::sample::{PairRecord, SampleRecord};
use crate::types::{Lang, Stance, StateId, TopicId};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Agreement on stances per topic (in the given order) and over every counted pair, and how
/// often the two codings that agree on a stance other than not-addressed cite the same
/// paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub topics: Vec<(TopicId, Agreement)>,
    pub overall: Agreement,
    /// (pairs citing the same paragraph, pairs where both codings cite one).
    pub same_evidence: (usize, usize),
}

impl Figures {
    /// Only blind pairs count: a pair the second coder could see coded is no test of the rules.
    pub fn of(sample: &SampleRecord, topics: &[&TopicId]) -> Figures {
        let counted: Vec<&PairRecord> = sample.pair.iter().filter(|p| p.blind).collect();
        let stances = |p: &&PairRecord| {
            (
                p.first_stance.get_ref().clone(),
                p.second_stance.get_ref().clone(),
            )
        };
        let per_topic = topics
            .iter()
            .map(|&t| {
                let of_topic = counted.iter().filter(|p| p.topic.get_ref() == t);
                (t.clone(), Agreement::of(of_topic.map(stances)))
            })
            .collect();
        let both: Vec<&&PairRecord> = counted
            .iter()
            .filter(|p| p.first_stance.get_ref() == p.second_stance.get_ref())
            .filter(|p| p.first_anchor.is_some() && p.second_anchor.is_some())
            .collect();
        let same = both
            .iter()
            .filter(|p| p.first_anchor == p.second_anchor)
            .count();
        Figures {
            topics: per_topic,
            overall: Agreement::of(counted.iter().map(stances)),
            same_evidence: (same, both.len()),
        }
    }
}

/// The words the table needs in the page's language.
pub struct Labels<'a> {
    pub topics: Vec<(&'a TopicId, &'a str)>,
    pub states: BTreeMap<&'a StateId, &'a str>,
    pub stances: BTreeMap<&'a Stance, &'a str>,
    /// The page of the document holding the replies, for links to the evidence paragraphs.
    pub replies_url: Option<String>,
}

/// A number with `places` decimals, with the language's decimal separator.
pub fn decimal(x: f64, places: usize, lang: Lang) -> String {
    let s = format!("{x:.places$}");
    match lang {
        Lang::Fr => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A share as a percentage with one decimal: `87,5 %` (no-break space) or `87.5%`.
pub fn percent(share: f64, lang: Lang) -> String {
    let n = decimal(share * 100.0, 1, lang);
    match lang {
        Lang::Fr => format!("{n}\u{a0}%"),
        Lang::En => format!("{n}%"),
    }
}

fn row(a: &Agreement, lang: Lang) -> Value {
    json!({
        "n": a.n.to_string(),
        "agree": a.agree.to_string(),
        "raw": a.raw().map(|r| percent(r, lang)),
        "kappa": a.kappa.map(|k| decimal(k, 2, lang)),
    })
}

/// The methodology page's `reliability` entry.
pub fn context(sample: &SampleRecord, labels: &Labels, lang: Lang) -> Value {
    let order: Vec<&TopicId> = labels.topics.iter().map(|(t, _)| *t).collect();
    let figures = Figures::of(sample, &order);
    let topic_label = |t: &TopicId| {
        labels
            .topics
            .iter()
            .find(|(id, _)| *id == t)
            .map_or(t.as_str(), |(_, l)| *l)
            .to_string()
    };
    let state_name = |s: &StateId| {
        labels
            .states
            .get(s)
            .map_or(s.to_string(), |n| n.to_string())
    };
    let stance_label = |s: &Stance| {
        labels
            .stances
            .get(s)
            .map_or(s.to_string(), |n| n.to_string())
    };
    let link = |a: &str| labels.replies_url.as_ref().map(|u| format!("{u}#{a}"));
    let rows: Vec<Value> = figures
        .topics
        .iter()
        .map(|(t, a)| {
            let mut r = row(a, lang);
            r["id"] = t.as_str().into();
            r["topic"] = topic_label(t).into();
            r
        })
        .collect();
    let excluded: Vec<Value> = sample
        .pair
        .iter()
        .filter(|p| !p.blind)
        .map(|p| json!({"state": state_name(p.state.get_ref()), "topic": topic_label(p.topic.get_ref())}))
        .collect();
    // In the topics' order, then the States'.
    let mut changed: Vec<&PairRecord> = sample.pair.iter().filter(|p| p.changed()).collect();
    changed.sort_by_key(|p| {
        let t = order.iter().position(|t| *t == p.topic.get_ref());
        (t, p.state.get_ref().clone())
    });
    let changed: Vec<Value> = changed
        .iter()
        .map(|p| {
            let note = match lang {
                Lang::Fr => &p.adjudication_fr,
                Lang::En => &p.adjudication_en,
            };
            let first_anchor = p.first_anchor.as_ref().map(|a| a.as_str());
            let resolved_anchor = p.resolved_anchor.as_ref().map(|a| a.get_ref().as_str());
            json!({
                "id": format!("{}-{}", p.state.get_ref(), p.topic.get_ref()),
                "state": state_name(p.state.get_ref()),
                "topic": topic_label(p.topic.get_ref()),
                "first": stance_label(p.first_stance.get_ref()),
                "resolved": stance_label(p.resolved_stance.get_ref()),
                "first_anchor": first_anchor,
                "first_url": first_anchor.and_then(link),
                "resolved_anchor": resolved_anchor,
                "resolved_url": resolved_anchor.and_then(link),
                "note": note,
            })
        })
        .collect();
    let (same, both) = figures.same_evidence;
    json!({
        "pairs": sample.pair.len().to_string(),
        "per_topic": sample.per_topic.get_ref().to_string(),
        "topics": order.len().to_string(),
        "counted": figures.overall.n.to_string(),
        "excluded": excluded,
        "rows": rows,
        "overall": row(&figures.overall, lang),
        "same_evidence": same.to_string(),
        "both_evidence": both.to_string(),
        "changed": changed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(
        state: &str,
        topic: &str,
        first: (&str, Option<&str>),
        second: (&str, Option<&str>),
        blind: bool,
    ) -> String {
        let anchor = |k: &str, a: Option<&str>| {
            a.map_or(String::new(), |a| format!("{k}_anchor = \"{a}\"\n"))
        };
        let quote = if second.1.is_some() {
            "second_quote_fr = \"q\"\n"
        } else {
            ""
        };
        format!(
            "[[pair]]\nstate = \"{state}\"\ntopic = \"{topic}\"\nblind = {blind}\nfirst_stance = \"{}\"\n{}second_stance = \"{}\"\n{}{quote}resolved_stance = \"{}\"\n{}",
            first.0, anchor("first", first.1), second.0, anchor("second", second.1), first.0, anchor("resolved", first.1)
        )
    }

    #[test]
    fn figures_count_blind_pairs_by_topic_and_the_evidence_both_cite() {
        let s = [
            "seed = 1\nper_topic = 3\nfirst_coding = \"abc\"\n".to_string(),
            // Topic a: agree (same paragraph), disagree, agree on not-addressed.
            pair(
                "x",
                "a",
                ("supports", Some("x-1")),
                ("supports", Some("x-1")),
                true,
            ),
            pair(
                "y",
                "a",
                ("supports", Some("y-1")),
                ("not-addressed", None),
                true,
            ),
            pair(
                "z",
                "a",
                ("not-addressed", None),
                ("not-addressed", None),
                true,
            ),
            // Topic b: agree on supports at different paragraphs; the pair not blind is left out
            // although it disagrees.
            pair(
                "x",
                "b",
                ("supports", Some("x-2")),
                ("supports", Some("x-3")),
                true,
            ),
            pair(
                "y",
                "b",
                ("supports", Some("y-2")),
                ("supports", Some("y-2")),
                true,
            ),
            pair(
                "z",
                "b",
                ("supports", Some("z-2")),
                ("not-addressed", None),
                false,
            ),
        ]
        .concat();
        let sample: SampleRecord = toml::from_str(&s).expect("valid");
        let (a, b) = (TopicId::from("a"), TopicId::from("b"));
        let f = Figures::of(&sample, &[&a, &b]);
        // a: 3 pairs, 2 agree; first supports 2 / not-addressed 1, second 1 / 2:
        // Σ = 2·1 + 1·2 = 4; κ = (3·2 − 4)/(9 − 4) = 0.4.
        assert_eq!((f.topics[0].1.n, f.topics[0].1.agree), (3, 2));
        assert!((f.topics[0].1.kappa.unwrap() - 0.4).abs() < 1e-12);
        // b: 2 counted pairs, both supports: κ undefined.
        assert_eq!(
            (f.topics[1].1.n, f.topics[1].1.agree, f.topics[1].1.kappa),
            (2, 2, None)
        );
        // Overall: 5 pairs, 4 agree; supports 4 / 3, not-addressed 1 / 2: Σ = 12 + 2 = 14;
        // κ = (5·4 − 14)/(25 − 14) = 6/11.
        assert_eq!((f.overall.n, f.overall.agree), (5, 4));
        assert!((f.overall.kappa.unwrap() - 6.0 / 11.0).abs() < 1e-12);
        // Both cite a paragraph in x/a, x/b, y/b; the same one in x/a and y/b.
        assert_eq!(f.same_evidence, (2, 3));
    }

    #[test]
    fn numbers_in_each_language() {
        assert_eq!(decimal(6.0 / 11.0, 2, Lang::Fr), "0,55");
        assert_eq!(decimal(6.0 / 11.0, 2, Lang::En), "0.55");
        assert_eq!(decimal(-1.0, 2, Lang::En), "-1.00");
        assert_eq!(percent(7.0 / 8.0, Lang::Fr), "87,5\u{a0}%");
        assert_eq!(percent(1.0, Lang::En), "100.0%");
    }
}
