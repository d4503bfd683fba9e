//! Registry rules: the States of `states.toml` (ids, regional groups, spellings that name one
//! State only) and the topics and stances of `topics.toml`; and the lookup of a State id written
//! elsewhere, with a suggestion when it is unknown.
//!
//! It builds the registries the other rules check against; it must not read documents or
//! positions.

use super::{State, Topic, GROUPS};
use crate::diagnostics::{suggest, Diagnostics};
use crate::load::Corpus;
use crate::types::{is_valid_anchor, Lang, Stance, StateId, TopicId};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub(super) fn check_states(corpus: &Corpus, d: &mut Diagnostics) -> BTreeMap<StateId, State> {
    let f = &corpus.states;
    let mut out: BTreeMap<StateId, State> = BTreeMap::new();
    let mut spellings: BTreeMap<(Lang, String), StateId> = BTreeMap::new();
    for s in &f.data.state {
        let id = StateId(s.id.get_ref().clone());
        if !is_valid_anchor(id.as_str()) {
            d.error(
                &f.path,
                f.line(&s.id),
                format!("invalid State id '{id}'"),
                "use the lowercase ISO 3166-1 alpha-3 code, e.g. \"deu\"",
            );
        }
        if !GROUPS.contains(&s.group.get_ref().as_str()) {
            d.error(
                &f.path,
                f.line(&s.group),
                format!("unknown regional group '{}'", s.group.get_ref()),
                format!("use one of: {}", GROUPS.join(", ")),
            );
        }
        let mut per_lang = BTreeMap::new();
        per_lang.insert(
            Lang::Fr,
            std::iter::once(s.name_fr.clone())
                .chain(s.aliases.iter().cloned())
                .collect::<Vec<_>>(),
        );
        per_lang.insert(
            Lang::En,
            std::iter::once(s.name_en.clone())
                .chain(s.aliases_en.iter().cloned())
                .collect::<Vec<_>>(),
        );
        for (lang, names) in &per_lang {
            for n in names {
                if let Some(other) = spellings.insert((*lang, n.replace('’', "'")), id.clone()) {
                    if other != id {
                        d.error(
                            &f.path,
                            f.line(&s.id),
                            format!("spelling \"{n}\" is used by both '{other}' and '{id}'"),
                            "a spelling must name one State only",
                        );
                    }
                }
            }
        }
        let state = State {
            id: id.clone(),
            name_fr: s.name_fr.clone(),
            name_en: s.name_en.clone(),
            spellings: per_lang,
            group: s.group.get_ref().clone(),
        };
        if out.insert(id.clone(), state).is_some() {
            d.error(
                &f.path,
                f.line(&s.id),
                format!("State id '{id}' is defined twice"),
                "merge the two entries",
            );
        }
    }
    out
}

pub(super) fn check_topics(
    corpus: &Corpus,
    d: &mut Diagnostics,
) -> (Vec<Topic>, BTreeMap<Stance, BTreeMap<Lang, String>>) {
    let f = &corpus.topics;
    let mut stances = BTreeMap::new();
    for s in &f.data.stance {
        let labels = BTreeMap::from([
            (Lang::Fr, s.label_fr.clone()),
            (Lang::En, s.label_en.clone()),
        ]);
        if stances
            .insert(Stance(s.id.get_ref().clone()), labels)
            .is_some()
        {
            d.error(
                &f.path,
                f.line(&s.id),
                format!("stance '{}' is defined twice", s.id.get_ref()),
                "keep one definition",
            );
        }
    }
    let mut topics = Vec::new();
    let mut seen = BTreeSet::new();
    for t in &f.data.topic {
        if !seen.insert(t.id.get_ref().clone()) {
            d.error(
                &f.path,
                f.line(&t.id),
                format!("topic '{}' is defined twice", t.id.get_ref()),
                "keep one definition",
            );
        }
        for s in &t.stances {
            if !stances.contains_key(&Stance(s.get_ref().clone())) {
                d.error(
                    &f.path,
                    f.line(s),
                    format!("stance '{}' is not defined", s.get_ref()),
                    "add a [[stance]] with this id and its labels, or fix the spelling",
                );
            }
        }
        if !t.stances.iter().any(|s| s.get_ref() == "not-addressed") {
            d.error(
                &f.path,
                f.line(&t.id),
                format!("topic '{}' lacks the stance not-addressed", t.id.get_ref()),
                "every topic allows \"not-addressed\"",
            );
        }
        topics.push(Topic {
            id: TopicId(t.id.get_ref().clone()),
            label: BTreeMap::from([
                (Lang::Fr, t.label_fr.clone()),
                (Lang::En, t.label_en.clone()),
            ]),
            definition: BTreeMap::from([
                (Lang::Fr, t.definition_fr.clone()),
                (Lang::En, t.definition_en.clone()),
            ]),
            stances: t
                .stances
                .iter()
                .map(|s| Stance(s.get_ref().clone()))
                .collect(),
        });
    }
    (topics, stances)
}

pub(super) fn state_ref(
    states: &BTreeMap<StateId, State>,
    raw: &toml::Spanned<String>,
    path: &Path,
    text: &dyn Fn() -> String,
    d: &mut Diagnostics,
) -> Option<StateId> {
    let id = StateId(raw.get_ref().clone());
    if states.contains_key(&id) {
        return Some(id);
    }
    // The text is only needed (and only read) to locate an error.
    let line = crate::diagnostics::line_of(&text(), raw.span().start);
    let hint = suggest(raw.get_ref(), states.keys().map(|k| k.as_str()))
        .map(|s| {
            format!(
                "did you mean '{s}' ({})?",
                states[&StateId::from(s)].name_fr
            )
        })
        .or_else(|| {
            states
                .values()
                .find(|s| {
                    s.spellings
                        .values()
                        .flatten()
                        .any(|n| n.eq_ignore_ascii_case(raw.get_ref()))
                })
                .map(|s| format!("use the id '{}' for {}", s.id, s.name_fr))
        })
        .unwrap_or_else(|| "add the State to content/data/states.toml or fix the id".into());
    d.error(
        path,
        line,
        format!("unknown State '{}'", raw.get_ref()),
        hint,
    );
    None
}
