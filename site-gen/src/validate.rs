//! Stage 2, validate: cross-file rules. Every problem is reported with its file and line; the
//! result carries what later stages need already resolved (metadata, parsed blocks, States).

use crate::diagnostics::{suggest, Diagnostics};
use crate::load::{Corpus, DataFile, DocFront, Document, Edition, Kind, Organ, PositionsFile};
use crate::markdown::{collapse_ws, scan_with, BlockKind, Scan};
use crate::mentions::{cited_in_block, Cited};
use crate::types::{is_valid_anchor, Anchor, Lang, Slug, Stance, StateId, Symbol, TopicId};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// UN regional groups, plus `none` for entities outside them (the European Union).
pub const GROUPS: &[&str] = &["African", "Asia-Pacific", "EEG", "GRULAC", "WEOG", "none"];

#[derive(Debug, Clone)]
pub struct Reply {
    pub state: StateId,
    pub date: Option<String>,
    pub original_language: Option<String>,
}

/// A document's language-neutral metadata, taken from its source edition.
#[derive(Debug, Clone)]
pub struct DocMeta {
    pub symbol: Option<Symbol>,
    pub kind: Kind,
    pub date: Option<String>,
    pub session: Option<u32>,
    pub agenda_item: Option<String>,
    pub organ: Option<Organ>,
    pub original_language: Option<String>,
    pub sponsors: Vec<StateId>,
    pub poa_coauthors: Vec<StateId>,
    pub replies: Vec<Reply>,
    pub source_lang: Lang,
}

#[derive(Debug, Clone)]
pub struct State {
    pub id: StateId,
    pub name_fr: String,
    pub name_en: String,
    /// Every spelling, per language, including the short name.
    pub spellings: BTreeMap<Lang, Vec<String>>,
    pub group: String,
}

impl State {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.name_fr,
            Lang::En => &self.name_en,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub id: TopicId,
    pub label: BTreeMap<Lang, String>,
    pub definition: BTreeMap<Lang, String>,
    pub stances: Vec<Stance>,
}

#[derive(Debug, Clone)]
pub struct Position {
    pub state: StateId,
    pub topic: TopicId,
    pub stance: Stance,
    pub anchor: Option<Anchor>,
    pub quote: BTreeMap<Lang, String>,
    pub note: BTreeMap<Lang, String>,
}

/// The corpus after validation: nothing downstream needs to re-check these rules.
#[derive(Debug, Clone)]
pub struct Checked {
    pub corpus: Corpus,
    pub meta: BTreeMap<Slug, DocMeta>,
    /// The symbols each document edition mentions, in order (found while its blocks were parsed).
    pub cited: BTreeMap<(Slug, Lang), Vec<Cited>>,
    pub states: BTreeMap<StateId, State>,
    pub topics: Vec<Topic>,
    pub stance_labels: BTreeMap<Stance, BTreeMap<Lang, String>>,
    pub positions: Vec<Position>,
    /// Slug of the document whose annex holds the States' replies (A/78/76).
    pub replies_doc: Option<Slug>,
    /// Editions that fall back to the other language: (slug, missing language).
    pub missing_translations: Vec<(String, Lang)>,
}

/// Whitespace collapsed and typographic apostrophes unified: the only liberties a quote may take.
pub fn normalise_quote(s: &str) -> String {
    crate::markdown::collapse_ws(&s.replace('’', "'"))
}

pub fn validate(corpus: Corpus) -> Result<Checked, Diagnostics> {
    let mut d = Diagnostics::default();
    check_i18n(&corpus, &mut d);
    let states = check_states(&corpus, &mut d);
    let (topics, stance_labels) = check_topics(&corpus, &mut d);

    let mut meta = BTreeMap::new();
    let mut scans = BTreeMap::new();
    let mut cited = BTreeMap::new();
    let mut missing_translations = Vec::new();
    let mut symbols: BTreeMap<Symbol, &Path> = BTreeMap::new();
    // Documents are checked independently of one another: in parallel, merged back in order.
    let per_doc: Vec<DocChecked> = corpus
        .documents
        .par_iter()
        .map(|doc| check_document(doc, &states))
        .collect();
    for (doc, checked) in corpus.documents.iter().zip(per_doc) {
        d.extend(checked.diags);
        for lang in Lang::ALL {
            if !doc.editions.contains_key(&lang) {
                missing_translations.push((format!("documents/{}", doc.slug), lang));
            }
        }
        for (lang, c) in checked.cited {
            cited.insert((doc.slug.clone(), lang), c);
        }
        for (lang, s) in checked.scans {
            scans.insert((doc.slug.clone(), lang), s);
        }
        if let Some(m) = checked.meta {
            if let Some(sym) = &m.symbol {
                let ed = &doc.editions[&m.source_lang];
                if let Some(prev) = symbols.insert(sym.clone(), &ed.source.path) {
                    d.error(
                        &ed.source.path,
                        2,
                        format!("symbol {sym} is already used by {}", prev.display()),
                        "each document has its own symbol; remove the duplicate file",
                    );
                }
            }
            meta.insert(doc.slug.clone(), m);
        }
    }
    for page in &corpus.pages {
        for lang in Lang::ALL {
            if !page.editions.contains_key(&lang) {
                missing_translations.push((format!("pages/{}", page.slug), lang));
            }
        }
    }

    let replies_doc = meta
        .iter()
        .find(|(_, m)| !m.replies.is_empty())
        .map(|(s, _)| s.clone());
    let positions = check_positions(
        &corpus,
        &states,
        &topics,
        replies_doc.as_ref(),
        &meta,
        &scans,
        &mut d,
    );
    crate::reliability::check(
        corpus.reliability.as_ref(),
        &crate::reliability::Coding {
            states: states.keys().collect(),
            topics: topics.iter().map(|t| (&t.id, &t.stances[..])).collect(),
            coded: positions
                .iter()
                .map(|p| ((&p.state, &p.topic), (&p.stance, p.anchor.as_ref())))
                .collect(),
        },
        &mut d,
    );

    d.into_result(Checked {
        corpus,
        meta,
        cited,
        states,
        topics,
        stance_labels,
        positions,
        replies_doc,
        missing_translations,
    })
}

fn check_i18n(corpus: &Corpus, d: &mut Diagnostics) {
    let (Some(fr), Some(en)) = (
        corpus.theme.i18n.get(&Lang::Fr),
        corpus.theme.i18n.get(&Lang::En),
    ) else {
        d.error(
            &corpus.theme.dir.join("i18n"),
            0,
            "UI strings for both languages are required",
            "add i18n/fr.toml and i18n/en.toml",
        );
        return;
    };
    for (a, b) in [(fr, en), (en, fr)] {
        for key in a.strings.keys().filter(|k| !b.strings.contains_key(*k)) {
            d.error(
                &b.path,
                0,
                format!(
                    "missing UI string `{key}` (present in {})",
                    a.path.display()
                ),
                format!("add `{key} = \"…\"` translated"),
            );
        }
    }
}

fn check_states(corpus: &Corpus, d: &mut Diagnostics) -> BTreeMap<StateId, State> {
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

fn check_topics(
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

/// What checking one document leaves for the rest of the stage.
struct DocChecked {
    meta: Option<DocMeta>,
    /// The symbols each edition mentions, in order.
    cited: Vec<(Lang, Vec<Cited>)>,
    /// Parsed blocks, kept only for the document with the States' replies (coded positions
    /// quote it); every other document's are freed as soon as it is checked, which keeps a
    /// large corpus's validation small.
    scans: BTreeMap<Lang, Scan>,
    diags: Diagnostics,
}

/// Parses a document's editions and runs every check that concerns it alone: blocks, the
/// alignment of its two editions, its metadata and the anchors its facts point to.
fn check_document(doc: &Document, states: &BTreeMap<StateId, State>) -> DocChecked {
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
        let i = fr_ids
            .iter()
            .zip(&en_ids)
            .position(|(a, b)| a != b)
            .unwrap_or(fr_ids.len().min(en_ids.len()));
        let line = en
            .blocks
            .iter()
            .filter(|b| b.id.is_some())
            .nth(i)
            .map_or(0, |b| en_ed.source.line(b.offset));
        d.error(path, line, format!(
            "anchors differ from the French edition at position {}: French has {:?}, English has {:?}",
            i + 1, fr_ids.get(i), en_ids.get(i)),
            "both editions must have the same paragraphs, in the same order, with the same ids");
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

fn state_ref(
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
fn front_text(source: &crate::load::Source) -> String {
    std::fs::read_to_string(&source.path)
        .map(|t| t.replace("\r\n", "\n"))
        .map(|t| {
            t.strip_prefix("+++\n")
                .map(|r| format!("\n{r}"))
                .unwrap_or(t)
        })
        .unwrap_or_default()
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[allow(clippy::too_many_arguments)]
fn check_positions(
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
