//! The second coding's file (`content/data/reliability/second-coding.toml`): reading it, and
//! checking it against the topics and the current coding.

use crate::diagnostics::{line_of, suggest, Diagnostics};
use crate::types::{Anchor, Stance, StateId, TopicId};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Where the file is, under `content/data/`.
pub const FILE: &str = "reliability/second-coding.toml";

const NOT_ADDRESSED: &str = "not-addressed";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleRecord {
    /// The seed the sample was drawn with (`draw_sample.py`).
    pub seed: u64,
    /// States drawn for each topic.
    pub per_topic: Spanned<usize>,
    /// The commit holding the first coding the second one was compared with.
    pub first_coding: String,
    #[serde(default)]
    pub pair: Vec<PairRecord>,
}

/// One sampled (State, topic) pair as each coding saw it, and as resolved.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairRecord {
    pub state: Spanned<StateId>,
    pub topic: Spanned<TopicId>,
    /// False when the second coder could see the first coding of this pair (a worked example
    /// of the coding rules): such a pair is not counted in the agreement figures.
    #[serde(default = "yes")]
    pub blind: bool,
    pub first_stance: Spanned<Stance>,
    pub first_anchor: Option<Anchor>,
    pub second_stance: Spanned<Stance>,
    pub second_anchor: Option<Anchor>,
    pub second_quote_fr: Option<String>,
    pub resolved_stance: Spanned<Stance>,
    pub resolved_anchor: Option<Spanned<Anchor>>,
    /// Why the resolution differs from the first coding (required when it does).
    pub adjudication_fr: Option<String>,
    pub adjudication_en: Option<String>,
}

fn yes() -> bool {
    true
}

impl PairRecord {
    /// Whether adjudication changed the first coding's stance or evidence paragraph.
    pub fn changed(&self) -> bool {
        self.first_stance.get_ref() != self.resolved_stance.get_ref()
            || self.first_anchor.as_ref() != self.resolved_anchor.as_ref().map(Spanned::get_ref)
    }
}

/// The file as read, with its text so that spans become lines.
#[derive(Debug, Clone)]
pub struct Sample {
    pub path: PathBuf,
    pub text: String,
    pub data: SampleRecord,
}

impl Sample {
    fn line<T>(&self, s: &Spanned<T>) -> usize {
        line_of(&self.text, s.span().start)
    }
}

/// Reads the file under `data_dir` (`content/data/`). A site without one has no agreement
/// figures: that is not an error.
pub fn load(data_dir: &Path, d: &mut Diagnostics) -> Option<Sample> {
    let path = data_dir.join(FILE);
    if !path.exists() {
        return None;
    }
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            d.error(
                &path,
                0,
                format!("cannot read the file: {e}"),
                "save it as UTF-8 text",
            );
            return None;
        }
    };
    match toml::from_str::<SampleRecord>(&text) {
        Ok(data) => Some(Sample { path, text, data }),
        Err(e) => {
            let line = e.span().map_or(1, |s| line_of(&text, s.start));
            d.error(
                &path,
                line,
                e.message().trim(),
                "fix the TOML; see docs/content-format.md",
            );
            None
        }
    }
}

/// What the file is checked against, from the validated topics and positions.
pub struct Coding<'a> {
    pub states: BTreeSet<&'a StateId>,
    /// Every topic, with the stances it allows.
    pub topics: Vec<(&'a TopicId, &'a [Stance])>,
    /// The current coding of each (State, topic): stance and evidence paragraph.
    pub coded: BTreeMap<(&'a StateId, &'a TopicId), (&'a Stance, Option<&'a Anchor>)>,
}

/// Every pair names a known State and topic, with stances the topic allows and evidence where
/// a stance needs it; no pair twice; `per_topic` pairs for each topic; the resolved stance and
/// evidence paragraph are those of `content/data/positions/`; a change says why.
pub fn check(sample: Option<&Sample>, coding: &Coding, d: &mut Diagnostics) {
    let Some(s) = sample else { return };
    let mut seen = BTreeSet::new();
    let mut per_topic: BTreeMap<&TopicId, usize> = BTreeMap::new();
    for p in &s.data.pair {
        let (state, topic) = (p.state.get_ref(), p.topic.get_ref());
        let line = s.line(&p.state);
        if !coding.states.contains(state) {
            let hint = suggest(state.as_str(), coding.states.iter().map(|s| s.as_str()))
                .map_or("use the id of a State with coded positions".into(), |c| {
                    format!("did you mean '{c}'?")
                });
            d.error(&s.path, line, format!("unknown State '{state}'"), hint);
            continue;
        }
        let Some(&(topic, allowed)) = coding.topics.iter().find(|(t, _)| *t == topic) else {
            let hint = suggest(topic.as_str(), coding.topics.iter().map(|t| t.0.as_str())).map_or(
                "see content/data/topics.toml for the topic ids".into(),
                |c| format!("did you mean '{c}'?"),
            );
            d.error(
                &s.path,
                s.line(&p.topic),
                format!("unknown topic '{topic}'"),
                hint,
            );
            continue;
        };
        if !seen.insert((state, topic)) {
            d.error(
                &s.path,
                line,
                format!("the pair ({state}, {topic}) is listed twice"),
                "keep one [[pair]] for each sampled (State, topic)",
            );
        }
        *per_topic.entry(topic).or_default() += 1;
        check_stances(s, p, allowed, d);
        check_resolution(s, p, coding, d);
    }
    let want = *s.data.per_topic.get_ref();
    for (topic, _) in &coding.topics {
        let got = per_topic.get(topic).copied().unwrap_or(0);
        if got != want {
            d.error(
                &s.path,
                s.line(&s.data.per_topic),
                format!("topic '{topic}' has {got} sampled pair(s), not per_topic = {want}"),
                "the sample is stratified by topic: draw it with draw_sample.py in the same folder",
            );
        }
    }
}

/// Each of the three stances is allowed for the topic and has evidence exactly when it is not
/// `not-addressed`.
fn check_stances(s: &Sample, p: &PairRecord, allowed: &[Stance], d: &mut Diagnostics) {
    let second_evidence = p.second_anchor.is_some() && p.second_quote_fr.is_some();
    let resolved_anchor = p.resolved_anchor.is_some();
    for (field, stance, has_evidence, evidence) in [
        (
            "first_stance",
            &p.first_stance,
            p.first_anchor.is_some(),
            "first_anchor",
        ),
        (
            "second_stance",
            &p.second_stance,
            second_evidence,
            "second_anchor and second_quote_fr",
        ),
        (
            "resolved_stance",
            &p.resolved_stance,
            resolved_anchor,
            "resolved_anchor",
        ),
    ] {
        let line = s.line(stance);
        if !allowed.contains(stance.get_ref()) {
            let list: Vec<&str> = allowed.iter().map(Stance::as_str).collect();
            d.error(
                &s.path,
                line,
                format!(
                    "{field} '{}' is not allowed for topic '{}'",
                    stance.get_ref(),
                    p.topic.get_ref()
                ),
                format!("allowed: {}", list.join(", ")),
            );
        } else if (stance.get_ref().as_str() == NOT_ADDRESSED) == has_evidence {
            let hint = if has_evidence {
                format!("remove {evidence}, or give the stance they support")
            } else {
                format!("add {evidence}: the paragraph the stance rests on")
            };
            d.error(
                &s.path,
                line,
                format!("{field} '{}' and its evidence disagree", stance.get_ref()),
                hint,
            );
        }
    }
}

/// The resolution is the current coding, and a change from the first coding is explained.
fn check_resolution(s: &Sample, p: &PairRecord, coding: &Coding, d: &mut Diagnostics) {
    let (state, topic) = (p.state.get_ref(), p.topic.get_ref());
    let file = format!("content/data/positions/{state}.toml");
    // A topic missing from the positions file is reported by the positions' own validation.
    if let Some(&(stance, anchor)) = coding.coded.get(&(state, topic)) {
        if stance != p.resolved_stance.get_ref() {
            d.error(
                &s.path,
                s.line(&p.resolved_stance),
                format!(
                    "resolved_stance '{}' of ({state}, {topic}) is not the coding in {file}, '{stance}'",
                    p.resolved_stance.get_ref()
                ),
                "the resolution after adjudication is the published coding: make the two agree",
            );
        } else if anchor != p.resolved_anchor.as_ref().map(Spanned::get_ref) {
            let line = p
                .resolved_anchor
                .as_ref()
                .map_or(s.line(&p.resolved_stance), |a| s.line(a));
            let shown = |a: Option<&Anchor>| a.map_or("none".to_string(), |a| format!("'{a}'"));
            d.error(
                &s.path,
                line,
                format!(
                    "resolved_anchor {} of ({state}, {topic}) is not the evidence in {file}, {}",
                    shown(p.resolved_anchor.as_ref().map(Spanned::get_ref)),
                    shown(anchor)
                ),
                "the resolution after adjudication is the published coding: make the two agree",
            );
        }
    }
    if p.changed() && (p.adjudication_fr.is_none() || p.adjudication_en.is_none()) {
        d.error(
            &s.path,
            s.line(&p.resolved_stance),
            format!("({state}, {topic}) was changed by adjudication but does not say why"),
            "add adjudication_fr and adjudication_en: what was wrong in the first coding",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "seed = 1\nper_topic = 1\nfirst_coding = \"abc\"\n";

    fn sample(pairs: &str) -> Sample {
        let text = format!("{HEAD}{pairs}");
        let data = toml::from_str(&text).expect("valid TOML");
        Sample {
            path: PathBuf::from("second-coding.toml"),
            text,
            data,
        }
    }

    /// One State, `fra`, and one topic, `gender`, coded supports at fra-2.
    fn problems(pairs: &str) -> Vec<(usize, String)> {
        let (fra, gender) = (StateId::from("fra"), TopicId::from("gender"));
        let allowed = [Stance::from("supports"), Stance::from("not-addressed")];
        let (supports, fra2) = (Stance::from("supports"), Anchor::from("fra-2"));
        let coding = Coding {
            states: [&fra].into_iter().collect(),
            topics: vec![(&gender, &allowed[..])],
            coded: [((&fra, &gender), (&supports, Some(&fra2)))]
                .into_iter()
                .collect(),
        };
        let mut d = Diagnostics::default();
        check(Some(&sample(pairs)), &coding, &mut d);
        d.0.into_iter().map(|p| (p.line, p.message)).collect()
    }

    const GOOD: &str = "[[pair]]\nstate = \"fra\"\ntopic = \"gender\"\n\
        first_stance = \"supports\"\nfirst_anchor = \"fra-2\"\n\
        second_stance = \"not-addressed\"\n\
        resolved_stance = \"supports\"\nresolved_anchor = \"fra-2\"\n";

    #[test]
    fn a_resolution_equal_to_the_coding_passes() {
        assert_eq!(problems(GOOD), vec![]);
    }

    #[test]
    fn a_resolution_that_is_not_the_coding_is_located() {
        // Lines 1-3 are the head, 4 `[[pair]]`, 5 `state`, … 10 resolved_stance, 11 resolved_anchor.
        let p = GOOD.replace(
            "resolved_stance = \"supports\"\nresolved_anchor = \"fra-2\"\n",
            "resolved_stance = \"not-addressed\"\nadjudication_fr = \"x\"\nadjudication_en = \"x\"\n",
        );
        assert_eq!(
            problems(&p),
            vec![(10, "resolved_stance 'not-addressed' of (fra, gender) is not the coding in content/data/positions/fra.toml, 'supports'".to_string())]
        );
        let p = GOOD.replace("resolved_anchor = \"fra-2\"", "resolved_anchor = \"fra-3\"");
        assert_eq!(
            problems(&p),
            vec![
                (11, "resolved_anchor 'fra-3' of (fra, gender) is not the evidence in content/data/positions/fra.toml, 'fra-2'".to_string()),
                (10, "(fra, gender) was changed by adjudication but does not say why".to_string()),
            ]
        );
    }

    #[test]
    fn unknown_names_disallowed_stances_and_missing_evidence() {
        assert_eq!(
            problems(&GOOD.replace("state = \"fra\"", "state = \"fr\"")),
            vec![
                (5, "unknown State 'fr'".to_string()),
                (
                    2,
                    "topic 'gender' has 0 sampled pair(s), not per_topic = 1".to_string()
                ),
            ]
        );
        assert_eq!(
            problems(&GOOD.replace(
                "second_stance = \"not-addressed\"",
                "second_stance = \"opposes\""
            )),
            vec![(
                9,
                "second_stance 'opposes' is not allowed for topic 'gender'".to_string()
            )]
        );
        // Supports without the paragraph and quotation it rests on.
        assert_eq!(
            problems(&GOOD.replace(
                "second_stance = \"not-addressed\"",
                "second_stance = \"supports\""
            )),
            vec![(
                9,
                "second_stance 'supports' and its evidence disagree".to_string()
            )]
        );
    }

    #[test]
    fn a_pair_twice_breaks_the_stratification() {
        assert_eq!(
            // The second pair starts after a blank line 12: `[[pair]]` 13, `state` 14.
            problems(&format!("{GOOD}\n{GOOD}")),
            vec![
                (14, "the pair (fra, gender) is listed twice".to_string()),
                (
                    2,
                    "topic 'gender' has 2 sampled pair(s), not per_topic = 1".to_string()
                ),
            ]
        );
    }
}
