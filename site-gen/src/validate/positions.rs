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
    pending: &mut Vec<String>,
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
            pending,
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
/// anchor on a heading (or a table row) is refused. One edition is enough (the French, or the
/// English while it is the only one), since both carry the same anchors (the alignment rule); a missing anchor is reported with the quotes.
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
        .or_else(|| scans.get(&(doc.clone(), Lang::En)))
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
    pending: &mut Vec<String>,
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
                // French first, English later: while the replies document has no edition in
                // this language, its quote cannot be required nor checked; it is listed.
                if let Some(doc) =
                    replies_doc.filter(|doc| !scans.contains_key(&((*doc).clone(), lang)))
                {
                    let name = f
                        .path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    pending.push(match q {
                        None => format!("{name}:{line}: quote_{lang} on '{}' awaits the {} edition of {doc}", topic.id, lang.name_en()),
                        Some(_) => format!("{name}:{line}: quote_{lang} on '{}' is not checked until the {} edition of {doc} exists", topic.id, lang.name_en()),
                    });
                    continue;
                }
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
                            d.error(
                                &f.path,
                                f.line(q),
                                format!(
                                    "quote_{lang} is not found verbatim at #{}",
                                    anchor_raw.get_ref()
                                ),
                                quote_hint(&normalise_quote(q.get_ref()), &normalise_quote(&text)),
                            );
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
        // A note explains the coding to readers of both languages: one alone leaves the other
        // language's readers without it (unless that edition is still to come).
        if let (1, Some(&has)) = (note.len(), note.keys().next()) {
            let lacks = has.other();
            let edition_exists =
                replies_doc.is_none_or(|doc| scans.contains_key(&(doc.clone(), lacks)));
            if edition_exists {
                d.error(
                    &f.path,
                    line,
                    format!("topic '{}' has note_{has} but no note_{lacks}", topic.id),
                    format!("add note_{lacks}, the same note in the other language"),
                );
            }
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

/// How to fix a quote that is not in its paragraph: where the quote and the paragraph part,
/// shown on two lines with a caret under the first character that differs. The quote is aligned
/// where the paragraph holds the longest run of its first characters.
fn quote_hint(quote: &str, paragraph: &str) -> String {
    let q: Vec<char> = quote.chars().collect();
    let p: Vec<char> = paragraph.chars().collect();
    let common = |start: usize| {
        q.iter()
            .zip(&p[start..])
            .take_while(|(a, b)| a == b)
            .count()
    };
    let Some((start, same)) = (0..p.len())
        .map(|s| (s, common(s)))
        .filter(|(_, n)| *n > 0)
        .max_by_key(|(s, n)| (*n, std::cmp::Reverse(*s)))
    else {
        let reads: String = paragraph.chars().take(160).collect();
        return format!("copy the words exactly from the paragraph, which reads: \"{reads}\"");
    };
    const CONTEXT: usize = 30;
    const AFTER: usize = 20;
    let ctx: String = q[same.saturating_sub(CONTEXT)..same].iter().collect();
    let ctx = if same > CONTEXT {
        format!("…{ctx}")
    } else {
        ctx
    };
    let tail = |v: &[char]| v.iter().take(AFTER).collect::<String>();
    let line = |label: &str, rest: String| format!("{label}{ctx}{rest}").trim_end().to_string();
    format!(
        "copy the words exactly from the paragraph; they part at the caret:\n        {}\n        {}\n        {}^",
        line("quote:     ", tail(&q[same..])),
        line("paragraph: ", tail(&p[start + same..])),
        " ".repeat(11 + ctx.chars().count()),
    )
}

#[cfg(test)]
mod tests {
    use super::quote_hint;

    #[test]
    fn the_caret_is_under_the_first_difference() {
        let caret = format!("{}^", " ".repeat(8 + 11 + 8));
        assert_eq!(
            quote_hint("appuie le plan", "Le pays appuie la mise en place du plan."),
            [
                "copy the words exactly from the paragraph; they part at the caret:",
                "        quote:     appuie le plan",
                "        paragraph: appuie la mise en place du p",
                &caret,
            ]
            .join("\n")
        );
    }

    /// Thirty characters of context before the caret are shown whole; from thirty-one on, the
    /// first are cut and replaced by an ellipsis.
    #[test]
    fn a_long_common_start_is_cut_to_thirty_characters() {
        let thirty = "abcdefghijklmnopqrstuvwxyzABCD";
        assert_eq!(
            quote_hint(&format!("{thirty}x"), &format!("{thirty}y suite")),
            [
                "copy the words exactly from the paragraph; they part at the caret:",
                "        quote:     abcdefghijklmnopqrstuvwxyzABCDx",
                "        paragraph: abcdefghijklmnopqrstuvwxyzABCDy suite",
                &format!("{}^", " ".repeat(8 + 11 + 30)),
            ]
            .join("\n")
        );
        assert_eq!(
            quote_hint(&format!("{thirty}Ex"), &format!("{thirty}Ey")),
            [
                "copy the words exactly from the paragraph; they part at the caret:",
                "        quote:     …bcdefghijklmnopqrstuvwxyzABCDEx",
                "        paragraph: …bcdefghijklmnopqrstuvwxyzABCDEy",
                &format!("{}^", " ".repeat(8 + 11 + 31)),
            ]
            .join("\n")
        );
    }

    #[test]
    fn a_quote_with_nothing_in_common_shows_the_paragraph() {
        assert_eq!(
            quote_hint("zzz", "abc"),
            "copy the words exactly from the paragraph, which reads: \"abc\""
        );
    }
}
