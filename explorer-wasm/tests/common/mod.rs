//! A small hand-built index shared by the native and browser tests.
//!
//! States: deu, fra (group weog), bra, cub (grulac), jpn (asia). Relations of the States:
//! deu {sponsor, submitted}, fra {sponsor, coauthor, submitted}, bra {submitted},
//! jpn {submitted}, cub {coauthor}. Rows 0, 1, 2 and 10 are facts; the others coded stances.

#![allow(dead_code)]

use explorer_wasm::model::{DocEntry, Index, Label, Row, StateEntry, INDEX_VERSION};

fn label(id: &str, label: &str) -> Label {
    Label {
        id: id.into(),
        label: label.into(),
    }
}

fn state(id: &str, name: &str, group: u16, relations: &[u16]) -> StateEntry {
    StateEntry {
        id: id.into(),
        name: name.into(),
        group,
        relations: relations.to_vec(),
        url: format!("/fr/etats/{id}/"),
    }
}

fn fact(state: u16, doc: u16, relation: u16, note: &str) -> Row<'_> {
    Row {
        state,
        doc,
        relation: Some(relation),
        note,
        ..Row::default()
    }
}

fn coded<'a>(
    state: u16,
    topic: u16,
    stance: u16,
    anchor: &'a str,
    quote: &'a str,
    note: &'a str,
) -> Row<'a> {
    Row {
        state,
        doc: 0,
        relation: None,
        topic: Some(topic),
        stance: Some(stance),
        anchor,
        quote,
        note,
    }
}

pub const XSS: &str = "<img src=x onerror=alert(1)>";

pub fn fixture() -> Index {
    let xss_quote = format!("Un fonds d'affectation spéciale {XSS}");
    Index {
        version: INDEX_VERSION,
        lang: "fr".into(),
        groups: vec![
            label("weog", "Europe occidentale et autres"),
            label("grulac", "Amérique latine et Caraïbes"),
            label("asia", "Asie-Pacifique"),
        ],
        relations: vec![
            label("sponsor", "Auteur"),
            label("coauthor", "Coauteur"),
            label("submitted", "A soumis ses vues"),
        ],
        documents: vec![
            DocEntry {
                id: "a-78-76".into(),
                label: "A/78/76".into(),
                url: "/fr/docs/a-78-76/".into(),
            },
            DocEntry {
                id: "l60".into(),
                label: "A/C.1/78/L.60/Rev.1".into(),
                url: "/fr/docs/l60/".into(),
            },
        ],
        topics: vec![
            label("consensus", "Consensus"),
            label("treaty", "Instrument juridiquement contraignant"),
            label("funding", "Financement"),
        ],
        stances: vec![
            label("supports", "Soutient"),
            label("opposes", "S’oppose"),
            label("not-addressed", "Non abordé"),
        ],
        states: vec![
            state("deu", "Allemagne", 0, &[0, 2]),
            state("fra", "France", 0, &[0, 1, 2]),
            state("bra", "Brésil", 1, &[2]),
            state("jpn", "Japon", 2, &[2]),
            state("cub", "Cuba", 1, &[1]),
        ],
        rows: vec![
            fact(0, 1, 0, ""),
            fact(1, 1, 0, ""),
            fact(1, 0, 1, "Note 8"),
            coded(
                0,
                0,
                0,
                "p12",
                "L’Allemagne soutient la prise de décision par consensus.",
                "",
            ),
            coded(
                0,
                1,
                1,
                "p13",
                "Un nouvel instrument juridiquement contraignant n’est pas nécessaire.",
                "",
            ),
            coded(
                1,
                0,
                0,
                "p20",
                "La France est attachée au consensus, « pierre angulaire » du programme.",
                "",
            ),
            coded(1, 2, 2, "", "", ""),
            coded(
                2,
                0,
                1,
                "p31",
                "Le Brésil préfère un \"vote\" à la majorité qualifiée.",
                "",
            ),
            coded(
                2,
                1,
                0,
                "p32",
                "Un traité élaboré par consensus est préférable.",
                "",
            ),
            coded(3, 2, 0, "p40", &xss_quote, ""),
            fact(4, 1, 1, ""),
            coded(
                4,
                1,
                0,
                "p50",
                "Cuba appuie un instrument juridiquement contraignant.",
                "Voir aussi §51",
            ),
        ]
        .into_iter()
        .collect(),
    }
}
