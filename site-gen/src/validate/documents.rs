//! Document rules: each document's blocks (anchors present, well-formed and unique; footnotes
//! referenced and defined), its two editions aligned, its metadata written once and resolved
//! (States, dates), and the anchors its facts point to. The symbols each block cites are found
//! in the same parse.
//!
//! A document is checked on its own (in parallel with the others); cross-document rules (a
//! symbol used twice) belong to the stage's driver, positions to [`super::positions`].

use super::data::state_ref;
use super::{DocMeta, Reply, State};
use crate::diagnostics::Diagnostics;
use crate::load::{DocFront, Document, Edition};
use crate::markdown::{scan_with, BlockKind, Scan};
use crate::mentions::{cited_in_block, Cited};
use crate::text::collapse_ws;
use crate::types::{is_valid_anchor, Lang, StateId, Symbol};
use std::collections::{BTreeMap, BTreeSet};

/// Anchors present, well-formed and unique; footnotes referenced and defined.
fn check_blocks(ed: &Edition<DocFront>, s: &Scan, d: &mut Diagnostics) {
    let path = &ed.source.path;
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (offset, text) in &s.bad_markers {
        d.error(path, ed.source.line(*offset), format!("malformed anchor marker `{text}`"),
            "write `{#id}` or `{#id .class}` at the start of the paragraph, e.g. `{#p4} 4. Décide…`");
    }
    for b in &s.blocks {
        // Lines are counted only for blocks that are reported: counting for every block would
        // rescan the body each time (quadratic on the 400 KB report).
        let line = || ed.source.line(b.offset);
        match &b.id {
            Some(id) => {
                if !is_valid_anchor(id) {
                    d.error(
                        path,
                        line(),
                        format!("invalid anchor '{id}'"),
                        "anchors use lowercase letters, digits and hyphens",
                    );
                }
                if let Some(first) = seen.insert(id, b.offset) {
                    d.error(
                        path,
                        line(),
                        format!(
                            "duplicate anchor '{id}' (first used on line {})",
                            ed.source.line(first)
                        ),
                        "give each paragraph its own id, e.g. the next number in the sequence",
                    );
                }
            }
            None if b.in_footnote || b.classes.iter().any(|c| c == "masthead" || c == "meta") => {}
            None if b.kind == BlockKind::Item && numbered(ed.source.body(), b.offset).is_some() => {
                let n = numbered(ed.source.body(), b.offset).unwrap_or_default();
                let preview: String = collapse_ws(&b.text).chars().take(50).collect();
                d.error(path, line(), format!("paragraph {n}. has no anchor, so Markdown reads \"{n}.\" as a numbered list item: \"{preview}\""),
                    format!("add its anchor before the number, as in the other paragraphs: `{{#p{n}}} {n}. …`"));
            }
            None => {
                let what = match b.kind {
                    BlockKind::Heading(_) => "heading without an anchor",
                    BlockKind::Item => "list item without an anchor",
                    _ => "paragraph without an anchor",
                };
                let preview: String = collapse_ws(&b.text).chars().take(50).collect();
                d.error(path, line(), format!("{what}: \"{preview}\""),
                    "start it with `{#id} ` (headings end with `{#id}`); same id in both languages; use `{.masthead}` or `{.meta}` for header lines");
            }
        }
    }
    let defined: BTreeSet<&str> = s.footnote_defs.iter().map(|(l, _)| l.as_str()).collect();
    let referenced: BTreeSet<&str> = s.footnote_refs.iter().map(|(l, _)| l.as_str()).collect();
    for (label, off) in &s.footnote_refs {
        if !defined.contains(label.as_str()) {
            d.error(
                path,
                ed.source.line(*off),
                format!("footnote [^{label}] is referenced but not defined"),
                format!("add a line `[^{label}]: text of the note` at the end of the document"),
            );
        }
    }
    for (label, off) in &s.undefined_refs {
        d.error(
            path,
            ed.source.line(*off),
            format!("footnote [^{label}] is referenced but not defined"),
            format!("add a line `[^{label}]: text of the note` at the end of the document"),
        );
    }
    let mut seen_defs = BTreeSet::new();
    for (label, off) in &s.footnote_defs {
        if !referenced.contains(label.as_str()) {
            d.error(
                path,
                ed.source.line(*off),
                format!("footnote [^{label}] is defined but never referenced"),
                format!("add `[^{label}]` where the note applies, or delete the definition"),
            );
        }
        if !seen_defs.insert(label) {
            d.error(
                path,
                ed.source.line(*off),
                format!("footnote [^{label}] is defined twice"),
                "keep one definition",
            );
        }
    }
}

/// The number of a list item written `3.` or `3)` at `offset`: a numbered paragraph that lost
/// its `{#p3}` marker.
fn numbered(body: &str, offset: usize) -> Option<&str> {
    let rest = body.get(offset..)?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    (digits > 0 && rest[digits..].starts_with(['.', ')'])).then(|| &rest[..digits])
}

/// What checking one document leaves for the rest of the stage.
pub(super) struct DocChecked {
    pub(super) meta: Option<DocMeta>,
    /// The symbols each edition mentions, in order.
    pub(super) cited: Vec<(Lang, Vec<Cited>)>,
    /// Parsed blocks, kept only for the document with the States' replies (coded positions
    /// quote it); every other document's are freed as soon as it is checked, which keeps a
    /// large corpus's validation small.
    pub(super) scans: BTreeMap<Lang, Scan>,
    pub(super) diags: Diagnostics,
}

/// Parses a document's editions and runs every check that concerns it alone: blocks, the
/// alignment of its two editions, its metadata and the anchors its facts point to.
pub(super) fn check_document(doc: &Document, states: &BTreeMap<StateId, State>) -> DocChecked {
    let mut d = Diagnostics::default();
    let quoted = doc.editions.values().any(|e| e.front.replies.is_some());
    let mut scans = BTreeMap::new();
    let mut cited = Vec::new();
    for (lang, ed) in &doc.editions {
        // The symbols a block mentions are found as it is parsed. Its text is kept only where
        // it is read again: the replies document, and blocks without an anchor (quoted in
        // error messages).
        let mut mentioned = Vec::new();
        let s = scan_with(ed.source.body(), |block, text| {
            cited_in_block(text, *lang, &mut mentioned);
            quoted || block.id.is_none()
        });
        check_blocks(ed, &s, &mut d);
        scans.insert(*lang, s);
        cited.push((*lang, mentioned));
    }
    check_alignment(doc, &scans, &mut d);
    let meta = resolve_meta(doc, states, &mut d);
    if let Some(m) = &meta {
        check_evidence(doc, m, &scans, &mut d);
    }
    DocChecked {
        meta,
        cited,
        scans: if quoted { scans } else { BTreeMap::new() },
        diags: d,
    }
}

/// Facts link to their evidence: the sponsor line, the co-authors' note, each reply's heading.
fn check_evidence(doc: &Document, m: &DocMeta, scans: &BTreeMap<Lang, Scan>, d: &mut Diagnostics) {
    for (needed, anchor, hint) in [
        (
            !m.sponsors.is_empty(),
            "sponsors",
            "start the sponsor line with `{#sponsors} `",
        ),
        (
            !m.poa_coauthors.is_empty(),
            "fn-8",
            "the co-authors list is note 8 of the report: define `[^8]:`",
        ),
    ] {
        for (lang, ed) in &doc.editions {
            let has = scans.get(lang).is_some_and(|s| {
                s.anchors().any(|a| a == anchor)
                    || s.footnote_defs
                        .iter()
                        .any(|(l, _)| anchor.strip_prefix("fn-") == Some(l.as_str()))
            });
            if needed && !has {
                d.error(
                    &ed.source.path,
                    0,
                    format!("the front matter lists States but the body has no #{anchor}"),
                    hint,
                );
            }
        }
    }
    for r in &m.replies {
        for (lang, ed) in &doc.editions {
            let has = scans.get(lang).is_some_and(|s| {
                s.blocks.iter().any(|b| {
                    matches!(b.kind, BlockKind::Heading(_))
                        && b.id.as_deref() == Some(r.state.as_str())
                })
            });
            if !has {
                d.error(
                    &ed.source.path,
                    0,
                    format!(
                        "reply of '{}' has no heading {{#{}}} in the body",
                        r.state, r.state
                    ),
                    "add a heading such as `### Name {#id}` where the reply starts",
                );
            }
        }
    }
}

/// Both editions of a document must have the same anchors, footnotes and table shapes.
fn check_alignment(doc: &Document, scans: &BTreeMap<Lang, Scan>, d: &mut Diagnostics) {
    let (Some(fr), Some(en)) = (scans.get(&Lang::Fr), scans.get(&Lang::En)) else {
        return;
    };
    let Some(en_ed) = doc.editions.get(&Lang::En) else {
        return;
    };
    let path = &en_ed.source.path;
    let fr_ids: Vec<&str> = fr.anchors().collect();
    let en_ids: Vec<&str> = en.anchors().collect();
    if fr_ids != en_ids {
        report_misalignment(doc, fr, en, &fr_ids, &en_ids, d);
    }
    let labels = |s: &Scan| {
        s.footnote_defs
            .iter()
            .map(|(l, _)| l.clone())
            .collect::<BTreeSet<_>>()
    };
    if labels(fr) != labels(en) {
        d.error(
            path,
            0,
            format!(
                "footnotes differ from the French edition: {:?} vs {:?}",
                labels(fr),
                labels(en)
            ),
            "translate every footnote, keeping its label",
        );
    }
    if fr.tables != en.tables {
        d.error(
            path,
            0,
            format!(
                "table shapes differ from the French edition: {:?} vs {:?}",
                fr.tables, en.tables
            ),
            "keep the same rows and columns in both languages",
        );
    }
}

/// The first place where the editions' anchors part, said as the fix: a paragraph missing from
/// the English edition, one the French does not have, or one out of order, each with the line
/// on both sides ("file:line" names the other edition).
fn report_misalignment(
    doc: &Document,
    fr: &Scan,
    en: &Scan,
    fr_ids: &[&str],
    en_ids: &[&str],
    d: &mut Diagnostics,
) {
    let (Some(fr_ed), Some(en_ed)) = (doc.editions.get(&Lang::Fr), doc.editions.get(&Lang::En))
    else {
        return;
    };
    let i = fr_ids
        .iter()
        .zip(en_ids)
        .position(|(a, b)| a != b)
        .unwrap_or(fr_ids.len().min(en_ids.len()));
    // The line of the anchored block `id` in an edition, or of its i-th anchored block.
    let line_of_id = |s: &Scan, ed: &Edition<DocFront>, id: &str| {
        s.blocks
            .iter()
            .find(|b| b.id.as_deref() == Some(id))
            .map_or(0, |b| ed.source.line(b.offset))
    };
    let line_at = |s: &Scan, ed: &Edition<DocFront>, i: usize| {
        s.blocks
            .iter()
            .filter(|b| b.id.is_some())
            .nth(i)
            // Past the last anchored block: the last line with text, not the line after the final newline.
            .map_or_else(
                || ed.source.line(ed.source.body().trim_end().len()),
                |b| ed.source.line(b.offset),
            )
    };
    let rel = |ed: &Edition<DocFront>| format!("{}/documents/{}.md", ed.lang, doc.slug);
    match (fr_ids.get(i), en_ids.get(i)) {
        (Some(id), _) if !en_ids.contains(id) => {
            d.error(
                &en_ed.source.path,
                line_at(en, en_ed, i),
                format!(
                    "paragraph {id} is missing (French has it at {}:{})",
                    rel(fr_ed),
                    line_of_id(fr, fr_ed, id)
                ),
                format!(
                    "add a paragraph starting {{#{id}}} here, the translation of the French one"
                ),
            );
        }
        (_, Some(id)) if !fr_ids.contains(id) => {
            d.error(
                &en_ed.source.path,
                line_of_id(en, en_ed, id),
                format!(
                    "paragraph {id} is not in the French edition (the French has {} here, at {}:{})",
                    fr_ids.get(i).map_or("nothing more", |f| f),
                    rel(fr_ed),
                    line_at(fr, fr_ed, i)
                ),
                "remove it, or correct its anchor to the one of the French paragraph it translates",
            );
        }
        (Some(id), _) => {
            d.error(
                &en_ed.source.path,
                line_of_id(en, en_ed, id),
                format!(
                    "paragraph {id} is out of order (French has it at {}:{}, after {})",
                    rel(fr_ed),
                    line_of_id(fr, fr_ed, id),
                    i.checked_sub(1)
                        .and_then(|j| fr_ids.get(j))
                        .map_or("the start", |p| p)
                ),
                "put the paragraphs in the order of the French edition",
            );
        }
        (None, _) => {}
    }
}

fn resolve_meta(
    doc: &Document,
    states: &BTreeMap<StateId, State>,
    d: &mut Diagnostics,
) -> Option<DocMeta> {
    let with_meta: Vec<&Edition<DocFront>> = doc
        .editions
        .values()
        .filter(|e| e.front.has_metadata())
        .collect();
    let Some(ed) = with_meta.first().copied() else {
        let ed = doc.editions.values().next()?;
        if doc.editions.len() == 1 && ed.lang == Lang::En {
            // The docs put the metadata in the French file; an English-first document has none
            // yet, so the English file carries it until the French one exists.
            d.error(
                &ed.source.path,
                1,
                format!("this document has only an English edition, so its metadata (kind, symbol, date…) must be written here: there is no fr/documents/{}.md yet", doc.slug),
                "add `kind = \"report\"` (or resolution, draft-resolution, note; then symbol, date… when known) to this front matter; when the French file is added, move the metadata there",
            );
            return None;
        }
        d.error(
            &ed.source.path,
            1,
            "document metadata is missing",
            "add `kind` (and symbol, date… when known) to the front matter of the source edition",
        );
        return None;
    };
    if with_meta.len() > 1 {
        d.error(&with_meta[1].source.path, 1, "document metadata is written in both editions",
            format!("keep symbol, kind, date, sponsors… only in {}; the other edition has title and translation", ed.source.path.display()));
    }
    let f = &ed.front;
    let path = &ed.source.path;
    // Front matter spans are relative to the TOML text, which starts on line 2.
    let text = || front_text(&ed.source);
    let Some(kind) = f.kind else {
        d.error(
            path,
            1,
            "field `kind` is missing",
            "add kind = \"resolution\" | \"draft-resolution\" | \"report\" | \"note\"",
        );
        return None;
    };
    let mut list = |v: &Option<Vec<toml::Spanned<String>>>| -> Vec<StateId> {
        v.iter()
            .flatten()
            .filter_map(|s| state_ref(states, s, path, &text, d))
            .collect()
    };
    let sponsors = list(&f.sponsors);
    let poa_coauthors = list(&f.poa_coauthors);
    let replies = f
        .replies
        .iter()
        .flatten()
        .filter_map(|r| {
            state_ref(states, &r.state, path, &text, d).map(|state| Reply {
                state,
                date: r.date.clone(),
                original_language: r.original_language.clone(),
            })
        })
        .collect();
    if let Some(date) = &f.date {
        if !is_iso_date(date.get_ref()) {
            d.error(
                path,
                crate::diagnostics::line_of(&text(), date.span().start),
                format!("date '{}' is not YYYY-MM-DD", date.get_ref()),
                "write the date as 2023-04-18, or omit it when the text does not establish it",
            );
        }
    }
    Some(DocMeta {
        symbol: f.symbol.as_ref().map(|s| Symbol(s.get_ref().clone())),
        kind,
        date: f.date.as_ref().map(|s| s.get_ref().clone()),
        session: f.session,
        agenda_item: f.agenda_item.clone(),
        organ: f.organ,
        original_language: f.original_language.clone(),
        sponsors,
        poa_coauthors,
        replies,
        source_lang: ed.lang,
    })
}

/// A reconstruction of the file text up to the body, so that front matter spans map to lines:
/// the opening `+++` line precedes the TOML.
pub(super) fn front_text(source: &crate::load::Source) -> String {
    std::fs::read_to_string(&source.path)
        .map(|t| t.trim_start_matches('\u{feff}').replace("\r\n", "\n"))
        .map(|t| {
            t.strip_prefix("+++\n")
                .map(|r| format!("\n{r}"))
                .unwrap_or(t)
        })
        .unwrap_or_default()
}

/// A real calendar date written YYYY-MM-DD (month 1–12, a day that month has).
fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (num(0..4), num(5..7), num(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::{is_iso_date, numbered};

    #[test]
    fn a_numbered_item_is_its_digits_then_a_full_stop_or_a_parenthesis() {
        assert_eq!(numbered("3. Décide", 0), Some("3"));
        assert_eq!(numbered("12) Décide", 0), Some("12"));
        assert_eq!(numbered("texte\n127. Décide", 6), Some("127"));
        // Digits alone, a full stop alone, or no digits: not a numbered item.
        assert_eq!(numbered("12 Décide", 0), None);
        assert_eq!(numbered(". Décide", 0), None);
        assert_eq!(numbered("Décide. 3", 0), None);
        assert_eq!(numbered("3. x", 9), None);
    }

    #[test]
    fn dates_are_real_calendar_dates() {
        for good in [
            "2023-04-18",
            "2024-02-29",
            "2000-02-29",
            "2023-02-28",
            "2023-12-31",
            "2023-01-01",
        ] {
            assert!(is_iso_date(good), "{good} refused");
        }
        for bad in [
            "2023-13-45",
            "2023-00-10",
            "2023-04-00",
            "2023-04-31",
            "2023-02-29",
            "1900-02-29",
            "2023-4-18",
            "2023/04/18",
            "18-04-2023",
            "2023-04-1a",
            "2023-04-18 ",
            "",
        ] {
            assert!(!is_iso_date(bad), "{bad} accepted");
        }
    }
}
