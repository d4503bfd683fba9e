//! Stage 2, validate: cross-file rules. Every problem is reported with its file and line; the
//! result carries what later stages need already resolved (metadata, parsed blocks, States).
//!
//! The rules come in four groups, one module each: `i18n` (the theme's UI strings in both
//! languages), `data` (the States and topics registries), `documents` (each document's
//! blocks, editions, metadata and evidence) and `positions` (coded stances and their quotes).
//! This module holds the validated types and runs the groups in order. Validation must not
//! render, link or write anything: it only reads the loaded corpus and reports.

mod data;
mod documents;
mod i18n;
mod positions;

use crate::diagnostics::Diagnostics;
use crate::load::{Corpus, Kind, Organ};
use crate::mentions::Cited;
use crate::types::{Anchor, Lang, Slug, Stance, StateId, Symbol, TopicId};
use rayon::prelude::*;
use std::collections::BTreeMap;
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
    /// Quotes of coded positions that wait for an edition of the replies document, one line each.
    pub pending_quotes: Vec<String>,
}

/// Whitespace collapsed and typographic apostrophes unified: the only liberties a quote may take.
pub fn normalise_quote(s: &str) -> String {
    crate::text::collapse_ws(&s.replace('’', "'"))
}

pub fn validate(corpus: Corpus) -> Result<Checked, Diagnostics> {
    let mut d = Diagnostics::default();
    i18n::check_i18n(&corpus, &mut d);
    let states = data::check_states(&corpus, &mut d);
    let (topics, stance_labels) = data::check_topics(&corpus, &mut d);

    let mut meta = BTreeMap::new();
    let mut scans = BTreeMap::new();
    let mut cited = BTreeMap::new();
    let mut missing_translations = Vec::new();
    let mut symbols: BTreeMap<Symbol, &Path> = BTreeMap::new();
    // Documents are checked independently of one another: in parallel, merged back in order.
    let per_doc: Vec<documents::DocChecked> = corpus
        .documents
        .par_iter()
        .map(|doc| documents::check_document(doc, &states))
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
                    // The line of the `symbol` field (spans count from the opening `+++` line).
                    let line = ed.front.symbol.as_ref().map_or(1, |s| {
                        crate::diagnostics::line_of(
                            &documents::front_text(&ed.source),
                            s.span().start,
                        )
                    });
                    d.error(
                        &ed.source.path,
                        line,
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
    let mut pending_quotes = Vec::new();
    let positions = positions::check_positions(
        &corpus,
        &states,
        &topics,
        replies_doc.as_ref(),
        &meta,
        &scans,
        &mut pending_quotes,
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
        pending_quotes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_is_named_in_the_language_asked() {
        let s = State {
            id: StateId::from("nld"),
            name_fr: "Pays-Bas (Royaume des)".into(),
            name_en: "Netherlands (Kingdom of the)".into(),
            spellings: BTreeMap::new(),
            group: "WEOG".into(),
        };
        assert_eq!(s.name(Lang::Fr), "Pays-Bas (Royaume des)");
        assert_eq!(s.name(Lang::En), "Netherlands (Kingdom of the)");
    }
}
