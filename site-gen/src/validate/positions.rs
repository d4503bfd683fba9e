//! Position rules: each coded-stance file names a State that replied, codes every topic once
//! with a stance the topic allows, and quotes its evidence verbatim from the anchored paragraph
//! of the replies document, in both languages.
//!
//! It reads the positions files and the replies document's parsed blocks; it must not parse
//! Markdown itself nor check documents (that is [`super::documents`]).

use super::data::state_ref;
use super::{normalise_quote, DocMeta, Position, State, Topic};
use crate::diagnostics::{suggest, Diagnostics};
use crate::load::{Corpus, DataFile, PositionsFile};
use crate::markdown::{BlockKind, Scan};
use crate::types::{Anchor, Lang, Slug, Stance, StateId};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[allow(clippy::too_many_arguments)]
pub(super) fn check_positions(
    corpus: &Corpus,
    states: &BTreeMap<StateId, State>,
    topics: &[Topic],
    replies_doc: Option<&Slug>,
    meta: &BTreeMap<Slug, DocMeta>,
    scans: &BTreeMap<(Slug, Lang), Scan>,
    d: &mut Diagnostics,
) -> Vec<Position> {
    let mut out = Vec::new();
    let respondents: BTreeSet<StateId> = replies_doc
        .and_then(|s| meta.get(s))
        .map(|m| m.replies.iter().map(|r| r.state.clone()).collect())
        .unwrap_or_default();
    let mut coded: BTreeSet<StateId> = BTreeSet::new();
    for f in &corpus.positions {
        let Some(state) = state_ref(states, &f.data.state, &f.path, &|| f.text.clone(), d) else {
            continue;
        };
        if !respondents.contains(&state) {
            d.error(&f.path, f.line(&f.data.state), format!("'{state}' has no reply in the annex, so it cannot have coded stances"),
                "coded stances come from the replies listed under [[replies]] in the report's front matter");
        }
        let stem = f
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem != state.as_str() {
            d.error(
                &f.path,
                f.line(&f.data.state),
                format!("file name '{stem}.toml' does not match state = \"{state}\""),
                format!("rename the file to {state}.toml"),
            );
        }
        coded.insert(state.clone());
        out.extend(check_position_file(
            f,
            &state,
            topics,
            replies_doc,
            scans,
            d,
        ));
    }
    if let Some(doc) = replies_doc {
        let dir = corpus.root.join("content/data/positions");
        for r in respondents.difference(&coded) {
            d.error(&dir.join(format!("{r}.toml")), 0, format!("respondent '{r}' has no coded stances"),
                "add the file with one [[positions]] entry per topic (use stance = \"not-addressed\" when the reply is silent)");
        }
        let _ = doc;
    }
    out
}

/// Evidence must state the position: a heading only names what follows it, so an evidence
/// anchor on a heading (or a table row) is refused. The French edition is enough, since both
/// editions carry the same anchors (the alignment rule); a missing anchor is reported with the quotes.
fn check_evidence_is_text(
    path: &Path,
    line: usize,
    anchor: &str,
    replies_doc: Option<&Slug>,
    scans: &BTreeMap<(Slug, Lang), Scan>,
    d: &mut Diagnostics,
) {
    let Some(doc) = replies_doc else { return };
    let Some(block) = scans
        .get(&(doc.clone(), Lang::Fr))
        .and_then(|s| s.blocks.iter().find(|b| b.id.as_deref() == Some(anchor)))
    else {
        return;
    };
    let what = match block.kind {
        BlockKind::Paragraph | BlockKind::Item => return,
        BlockKind::Heading(_) => "a heading",
        BlockKind::TableRow => "a table row",
    };
    d.error(
        path,
        line,
        format!("evidence anchor '{anchor}' is {what} in {doc}, not a paragraph or list item"),
        "anchor the evidence on the paragraph or list item that states the position, and quote from it",
    );
}

fn check_position_file(
    f: &DataFile<PositionsFile>,
    state: &StateId,
    topics: &[Topic],
    replies_doc: Option<&Slug>,
    scans: &BTreeMap<(Slug, Lang), Scan>,
    d: &mut Diagnostics,
) -> Vec<Position> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for p in &f.data.positions {
        let line = f.line(&p.topic);
        let Some(topic) = topics.iter().find(|t| t.id.as_str() == p.topic.get_ref()) else {
            let hint = suggest(p.topic.get_ref(), topics.iter().map(|t| t.id.as_str())).map_or(
                "see content/data/topics.toml for the topic ids".into(),
                |s| format!("did you mean '{s}'?"),
            );
            d.error(
                &f.path,
                line,
                format!("unknown topic '{}'", p.topic.get_ref()),
                hint,
            );
            continue;
        };
        if !seen.insert(topic.id.clone()) {
            d.error(
                &f.path,
                line,
                format!("topic '{}' is coded twice", topic.id),
                "keep one entry per topic",
            );
        }
        let stance = Stance(p.stance.get_ref().clone());
        if !topic.stances.contains(&stance) {
            d.error(
                &f.path,
                f.line(&p.stance),
                format!("stance '{stance}' is not allowed for topic '{}'", topic.id),
                format!(
                    "allowed: {}",
                    topic
                        .stances
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            continue;
        }
        let mut quote = BTreeMap::new();
        let anchor = p.anchor.as_ref().map(|a| Anchor(a.get_ref().clone()));
        if stance.as_str() == "not-addressed" {
            if anchor.is_some() || p.quote_fr.is_some() || p.quote_en.is_some() {
                d.error(
                    &f.path,
                    line,
                    format!("topic '{}' is not-addressed but has evidence", topic.id),
                    "remove anchor and quotes, or choose the stance the quote supports",
                );
            }
        } else {
            let Some(anchor_raw) = &p.anchor else {
                d.error(
                    &f.path,
                    line,
                    format!("stance '{stance}' on '{}' has no anchor", topic.id),
                    format!("add anchor = \"{state}-N\", the paragraph that holds the evidence"),
                );
                continue;
            };
            check_evidence_is_text(
                &f.path,
                f.line(anchor_raw),
                anchor_raw.get_ref(),
                replies_doc,
                scans,
                d,
            );
            for (lang, q) in [(Lang::Fr, &p.quote_fr), (Lang::En, &p.quote_en)] {
                let Some(q) = q else {
                    d.error(
                        &f.path,
                        line,
                        format!("stance on '{}' has no quote_{lang}", topic.id),
                        format!(
                            "add quote_{lang}, copied verbatim from the paragraph #{}",
                            anchor_raw.get_ref()
                        ),
                    );
                    continue;
                };
                let Some(doc) = replies_doc else { continue };
                let Some(s) = scans.get(&(doc.clone(), lang)) else {
                    continue;
                };
                match s.text_at(anchor_raw.get_ref()) {
                    None => {
                        d.error(
                            &f.path,
                            f.line(anchor_raw),
                            format!(
                                "anchor '{}' does not exist in the {lang} edition of {doc}",
                                anchor_raw.get_ref()
                            ),
                            "use the id of the paragraph that holds the quote",
                        );
                    }
                    Some(text) => {
                        if q.get_ref().trim().is_empty()
                            || !normalise_quote(&text).contains(&normalise_quote(q.get_ref()))
                        {
                            d.error(&f.path, f.line(q), format!("quote_{lang} is not found verbatim at #{}", anchor_raw.get_ref()),
                                format!("copy the words exactly from the paragraph, which reads: \"{}\"", text.chars().take(160).collect::<String>()));
                        } else {
                            quote.insert(lang, q.get_ref().clone());
                        }
                    }
                }
            }
        }
        let mut note = BTreeMap::new();
        if let Some(n) = &p.note_fr {
            note.insert(Lang::Fr, n.clone());
        }
        if let Some(n) = &p.note_en {
            note.insert(Lang::En, n.clone());
        }
        out.push(Position {
            state: state.clone(),
            topic: topic.id.clone(),
            stance,
            anchor,
            quote,
            note,
        });
    }
    for t in topics {
        if !seen.contains(&t.id) {
            d.error(&f.path, f.line(&f.data.state), format!("topic '{}' is not coded", t.id),
                format!("add [[positions]] topic = \"{}\" (stance = \"not-addressed\" if the reply is silent)", t.id));
        }
    }
    out
}
