//! Stage 3, link: resolve mentions to targets and build the cross-references (cites / cited by,
//! the references page, the timeline of recalled resolutions, each State's relations).

use crate::markdown::Scan;
use crate::mentions::{find_symbols, speaks_of_resolutions, MentionKind, StateMatcher};
use crate::types::{Lang, Slug, StateId, Symbol};
use crate::validate::{Checked, DocMeta};
use rayon::prelude::*;
use regex::Regex;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// How a State relates to a document: derived from front matter and document structure only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    Sponsor,
    PoaCoauthor,
    Respondent,
}

impl Relation {
    pub const ALL: [Relation; 3] = [
        Relation::Sponsor,
        Relation::PoaCoauthor,
        Relation::Respondent,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Relation::Sponsor => "sponsor",
            Relation::PoaCoauthor => "poa-coauthor",
            Relation::Respondent => "respondent",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Fact {
    pub state: StateId,
    pub relation: Relation,
    pub doc: Slug,
    /// Where the evidence is: the sponsor line, note 8, or the reply's heading.
    pub anchor: String,
}

/// A resolution recalled with its date, as one document's text gives it.
#[derive(Debug, Clone)]
pub struct Recall {
    pub symbol: Symbol,
    pub date_text: String,
    pub year: Option<u32>,
    pub doc: Slug,
}

#[derive(Debug, Clone)]
pub struct Linked {
    pub checked: Checked,
    pub matchers: BTreeMap<Lang, StateMatcher>,
    /// Document pages in the corpus, by symbol.
    pub by_symbol: BTreeMap<Symbol, Slug>,
    /// Symbols each document cites, in order of first mention (from the source edition).
    pub cites: BTreeMap<Slug, Vec<Symbol>>,
    /// Corpus documents citing each symbol.
    pub cited_by: BTreeMap<Symbol, BTreeSet<Slug>>,
    pub facts: Vec<Fact>,
    /// Recalled resolutions per language, as the texts date them.
    pub timeline: BTreeMap<Lang, Vec<Recall>>,
}

impl Linked {
    pub fn meta(&self, slug: &Slug) -> Option<&DocMeta> {
        self.checked.meta.get(slug)
    }
}

pub fn link(mut checked: Checked) -> Linked {
    // The parsed blocks are read here for the last time: rendering works from the Markdown, so
    // they are freed before the pages are, which lowers the build's peak memory.
    let scans = std::mem::take(&mut checked.scans);
    let mut matchers = BTreeMap::new();
    for lang in Lang::ALL {
        let names: Vec<(String, StateId)> = checked
            .states
            .values()
            .flat_map(|s| s.spellings[&lang].iter().map(|n| (n.clone(), s.id.clone())))
            .collect();
        matchers.insert(lang, StateMatcher::new(&names));
    }
    let by_symbol: BTreeMap<Symbol, Slug> = checked
        .meta
        .iter()
        .filter_map(|(slug, m)| m.symbol.clone().map(|s| (s, slug.clone())))
        .collect();

    // One pass over every edition's blocks finds its symbol mentions (in parallel); the source
    // edition's give the document's citations, every edition's give the dated recalls.
    let editions: Vec<(&Slug, Lang, &Scan)> = scans
        .iter()
        .filter(|((slug, _), _)| checked.meta.contains_key(slug))
        .map(|((slug, lang), scan)| (slug, *lang, scan))
        .collect();
    let found: Vec<(Slug, Lang, Vec<Symbol>, Vec<Recall>)> = editions
        .par_iter()
        .map(|(slug, lang, scan)| {
            let (symbols, recalls) = symbols_and_recalls(scan, *lang, slug);
            ((*slug).clone(), *lang, symbols, recalls)
        })
        .collect();
    let mut cites = BTreeMap::new();
    let mut cited_by: BTreeMap<Symbol, BTreeSet<Slug>> = BTreeMap::new();
    let mut timeline: BTreeMap<Lang, Vec<Recall>> =
        Lang::ALL.iter().map(|l| (*l, Vec::new())).collect();
    // Millions of small allocations: freed by every thread rather than by this one alone.
    drop(editions);
    scans.into_par_iter().for_each(drop);
    // `found` follows the sorted map of scans: slug order, whatever the threads did.
    for (slug, lang, symbols, recalls) in found {
        let meta = &checked.meta[&slug];
        if lang == meta.source_lang {
            let mut list: Vec<Symbol> = Vec::new();
            for sym in symbols {
                if Some(&sym) != meta.symbol.as_ref() && !list.contains(&sym) {
                    list.push(sym);
                }
            }
            for s in &list {
                cited_by.entry(s.clone()).or_default().insert(slug.clone());
            }
            cites.insert(slug, list);
        }
        timeline.entry(lang).or_default().extend(recalls);
    }
    for recalls in timeline.values_mut() {
        // Stable: recalls of one symbol in one document keep their order in the text.
        recalls.sort_by(|a, b| {
            symbol_order(&a.symbol)
                .cmp(&symbol_order(&b.symbol))
                .then(a.doc.cmp(&b.doc))
        });
    }

    let mut facts = Vec::new();
    for (slug, m) in &checked.meta {
        facts.extend(m.sponsors.iter().map(|s| Fact {
            state: s.clone(),
            relation: Relation::Sponsor,
            doc: slug.clone(),
            anchor: "sponsors".into(),
        }));
        facts.extend(m.poa_coauthors.iter().map(|s| Fact {
            state: s.clone(),
            relation: Relation::PoaCoauthor,
            doc: slug.clone(),
            anchor: "fn-8".into(),
        }));
        facts.extend(m.replies.iter().map(|r| Fact {
            state: r.state.clone(),
            relation: Relation::Respondent,
            doc: slug.clone(),
            anchor: r.state.0.clone(),
        }));
    }

    Linked {
        checked,
        matchers,
        by_symbol,
        cites,
        cited_by,
        facts,
        timeline,
    }
}

/// Sort key for resolution symbols: session, then number (so 9/… precedes 43/…).
pub fn symbol_order(s: &Symbol) -> (u32, u32, String) {
    let nums: Vec<u32> = s.0.split('/').filter_map(|p| p.parse().ok()).collect();
    (
        nums.first().copied().unwrap_or(u32::MAX),
        nums.get(1).copied().unwrap_or(0),
        s.0.clone(),
    )
}

fn date_re(lang: Lang) -> &'static Regex {
    static FR: OnceLock<Regex> = OnceLock::new();
    static EN: OnceLock<Regex> = OnceLock::new();
    match lang {
        Lang::Fr => FR.get_or_init(|| {
            Regex::new(r"^(?: [A-Z])?(?: et \d{1,2}/\d{1,3})? du ((?:1er|\d{1,2}) (?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) (\d{4}))").expect("static regex")
        }),
        Lang::En => EN.get_or_init(|| {
            Regex::new(r"^(?: [A-Z])?(?: and \d{1,2}/\d{1,3})? of (\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) (\d{4}))").expect("static regex")
        }),
    }
}

/// Every symbol mentioned in an edition, in order, and the resolutions it recalls with a date
/// ("résolution 43/78 du 7 décembre 1988" / "resolution 53/70 of 4 December 1998").
fn symbols_and_recalls(scan: &Scan, lang: Lang, slug: &Slug) -> (Vec<Symbol>, Vec<Recall>) {
    let mut symbols = Vec::new();
    let mut recalls = Vec::new();
    for b in &scan.blocks {
        // Every symbol has a slash; a block with one is read with its whitespace collapsed, as
        // the dates that follow a resolution are matched word by word.
        if memchr::memchr(b'/', b.text.as_bytes()).is_none() {
            continue;
        }
        let text = crate::markdown::collapse_ws(&b.text);
        for m in find_symbols(&text, speaks_of_resolutions(&text)) {
            let MentionKind::Symbol(sym) = m.kind else {
                continue;
            };
            if sym.0.starts_with("A/RES/") {
                if let Some(c) = date_re(lang).captures(&text[m.range.end..]) {
                    recalls.push(Recall {
                        symbol: sym.clone(),
                        date_text: c[1].to_string(),
                        year: c[2].parse().ok(),
                        doc: slug.clone(),
                    });
                }
            }
            symbols.push(sym);
        }
    }
    (symbols, recalls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::scan;

    #[test]
    fn recalls_with_shared_dates() {
        let s = scan("{#pp1} Rappelant ses résolutions 43/78 H du 7 décembre 1988, 74/28 et 74/29 du 12 décembre 2019 et 77/37 du 7 décembre 2022,\n");
        let (_, r) = symbols_and_recalls(&s, Lang::Fr, &Slug::from("x"));
        let got: Vec<(String, String)> = r
            .iter()
            .map(|r| (r.symbol.0.clone(), r.date_text.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("A/RES/43/78".to_string(), "7 décembre 1988".to_string()),
                ("A/RES/74/28".to_string(), "12 décembre 2019".to_string()),
                ("A/RES/74/29".to_string(), "12 décembre 2019".to_string()),
                ("A/RES/77/37".to_string(), "7 décembre 2022".to_string()),
            ]
        );
    }

    #[test]
    fn english_recalls() {
        let s = scan("{#pp1} Recalling its resolutions 53/70 of 4 December 1998 and 54/49 of 1 December 1999,\n");
        let (_, r) = symbols_and_recalls(&s, Lang::En, &Slug::from("x"));
        assert_eq!(r.len(), 2);
        assert_eq!(r[1].date_text, "1 December 1999");
        assert_eq!(r[1].year, Some(1999));
    }

    #[test]
    fn symbol_order_is_numeric() {
        let mut v = [
            Symbol::from("A/RES/77/37"),
            Symbol::from("A/RES/9/1"),
            Symbol::from("A/RES/43/78"),
        ];
        v.sort_by_key(symbol_order);
        assert_eq!(v[0].0, "A/RES/9/1");
        assert_eq!(v[2].0, "A/RES/77/37");
    }
}
