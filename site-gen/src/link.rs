//! Stage 3, link: resolve mentions to targets and build the cross-references (cites / cited by,
//! the references page, the timeline of recalled resolutions, each State's relations).

use crate::mentions::{find_all, MentionKind, RecallDate, StateMatcher};
use crate::types::{Lang, Slug, StateId, Symbol};
use crate::validate::{Checked, DocMeta};
use std::collections::{BTreeMap, BTreeSet};

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
    pub date: RecallDate,
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
    /// The documents whose text names each State (in their source edition), in slug order.
    pub mentioned_in: BTreeMap<StateId, BTreeSet<Slug>>,
}

impl Linked {
    pub fn meta(&self, slug: &Slug) -> Option<&DocMeta> {
        self.checked.meta.get(slug)
    }
}

pub fn link(mut checked: Checked) -> Linked {
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

    // The source edition's mentions give the document's citations; every edition's dated
    // recalls give the timeline. The map is sorted: slug order, whatever the threads did.
    let mut cites = BTreeMap::new();
    // Documents come in slug order, each once per symbol: a list per symbol is already a
    // sorted set, made into one at the end (in one pass, not one search per document).
    let mut citing: BTreeMap<Symbol, Vec<Slug>> = BTreeMap::new();
    let mut timeline: BTreeMap<Lang, Vec<Recall>> =
        Lang::ALL.iter().map(|l| (*l, Vec::new())).collect();
    for ((slug, lang), mentioned) in std::mem::take(&mut checked.cited) {
        let Some(meta) = checked.meta.get(&slug) else {
            continue;
        };
        if lang == meta.source_lang {
            let mut list: Vec<Symbol> = Vec::new();
            for c in &mentioned {
                if Some(&c.symbol) != meta.symbol.as_ref() && !list.contains(&c.symbol) {
                    list.push(c.symbol.clone());
                }
            }
            for s in &list {
                match citing.get_mut(s) {
                    Some(docs) => docs.push(slug.clone()),
                    None => {
                        citing.insert(s.clone(), vec![slug.clone()]);
                    }
                }
            }
            cites.insert(slug.clone(), list);
        }
        let recalls = timeline.entry(lang).or_default();
        for c in mentioned {
            if let Some(date) = c.recalled {
                recalls.push(Recall {
                    symbol: c.symbol,
                    date,
                    doc: slug.clone(),
                });
            }
        }
    }
    let cited_by: BTreeMap<Symbol, BTreeSet<Slug>> = citing
        .into_iter()
        .map(|(s, docs)| (s, docs.into_iter().collect()))
        .collect();
    for recalls in timeline.values_mut() {
        // Stable: recalls of one symbol in one document keep their order in the text. Each
        // key is made once (a large corpus recalls tens of thousands of resolutions).
        recalls.sort_by_cached_key(|r| (symbol_order(&r.symbol), r.doc.clone()));
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

    // A State's page lists the documents that name it, beyond those it sponsored or replied in.
    let mut mentioned_in: BTreeMap<StateId, BTreeSet<Slug>> = BTreeMap::new();
    for doc in &checked.corpus.documents {
        let Some(meta) = checked.meta.get(&doc.slug) else {
            continue;
        };
        let Some(ed) = doc.editions.get(&meta.source_lang) else {
            continue;
        };
        for m in find_all(ed.source.body(), || false, &matchers[&meta.source_lang]) {
            if let MentionKind::State(id) = m.kind {
                mentioned_in.entry(id).or_default().insert(doc.slug.clone());
            }
        }
    }

    Linked {
        checked,
        matchers,
        mentioned_in,
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

#[cfg(test)]
mod tests {
    use super::*;

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
