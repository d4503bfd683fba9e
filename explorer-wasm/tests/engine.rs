//! The engine against hand-checked expectations on the shared fixture, and against a naive
//! reference implementation on random indexes (proptest).

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::fixture;
use explorer_wasm::engine::{Engine, Facet, Query};
use explorer_wasm::export::{to_csv, to_json};
use explorer_wasm::fold;
use explorer_wasm::matrix::Matrix;
use explorer_wasm::model::{
    DocEntry, Index, IndexError, Label, Row, Rows, StateEntry, INDEX_VERSION,
};
use proptest::prelude::*;

fn engine() -> Engine {
    Engine::new(fixture())
}

fn query(sel: &[(Facet, &[u16])], text: &str) -> Query {
    let mut q = Query::default();
    for (f, values) in sel {
        for v in *values {
            q.set(*f, *v, true);
        }
    }
    q.text = text.into();
    q
}

fn counts(e: &Engine, q: &Query, f: Facet) -> Vec<u32> {
    e.run(q).counts[f as usize].clone()
}

#[test]
fn empty_query_matches_everything_and_counts_every_value() {
    let e = engine();
    let r = e.run(&Query::default());
    assert_eq!(r.rows, (0..12).collect::<Vec<_>>());
    assert_eq!(r.counts[Facet::State as usize], [3, 4, 2, 1, 2]);
    assert_eq!(r.counts[Facet::Group as usize], [7, 4, 1]);
    // Relations belong to the State: deu+fra, fra+cub, deu+fra+bra+jpn.
    assert_eq!(r.counts[Facet::Relation as usize], [7, 6, 10]);
    assert_eq!(r.counts[Facet::Document as usize], [9, 3]);
    assert_eq!(r.counts[Facet::Topic as usize], [3, 3, 2]);
    assert_eq!(r.counts[Facet::Stance as usize], [5, 2, 1]);
}

#[test]
fn one_topic_keeps_other_topics_counts_and_zeroes_stay() {
    let e = engine();
    let q = query(&[(Facet::Topic, &[0])], "");
    let r = e.run(&q);
    assert_eq!(r.rows, [3, 5, 7]);
    assert_eq!(r.counts[Facet::Topic as usize], [3, 3, 2]);
    assert_eq!(r.counts[Facet::State as usize], [1, 1, 1, 0, 0]);
    assert_eq!(r.counts[Facet::Group as usize], [2, 1, 0]);
    assert_eq!(r.counts[Facet::Relation as usize], [2, 1, 3]);
    assert_eq!(r.counts[Facet::Stance as usize], [2, 1, 0]);
    assert_eq!(r.counts[Facet::Document as usize], [3, 0]);
}

#[test]
fn and_across_facets_or_within() {
    let e = engine();
    let q = query(&[(Facet::Topic, &[0]), (Facet::Stance, &[0])], "");
    assert_eq!(e.run(&q).rows, [3, 5]);
    assert_eq!(counts(&e, &q, Facet::Topic), [2, 2, 1]);
    assert_eq!(counts(&e, &q, Facet::Stance), [2, 1, 0]);

    let q = query(&[(Facet::Relation, &[0, 1])], "");
    assert_eq!(e.run(&q).rows, [0, 1, 2, 3, 4, 5, 6, 10, 11]);

    let q = query(&[(Facet::Group, &[1]), (Facet::Relation, &[0])], "");
    assert!(e.run(&q).rows.is_empty());
    assert_eq!(counts(&e, &q, Facet::Relation), [0, 2, 2]);
    assert_eq!(counts(&e, &q, Facet::Group), [7, 0, 0]);
}

#[test]
fn facts_drop_out_when_a_topic_or_stance_is_chosen() {
    let e = engine();
    let q = query(&[(Facet::Document, &[1])], "");
    assert_eq!(e.run(&q).rows, [0, 1, 10]);
    let q = query(&[(Facet::Document, &[1]), (Facet::Stance, &[0, 1, 2])], "");
    assert!(e.run(&q).rows.is_empty());
    assert_eq!(counts(&e, &q, Facet::Stance), [0, 0, 0]);
    assert_eq!(counts(&e, &q, Facet::Document), [8, 0]);
}

#[test]
fn text_is_prefix_accent_and_case_insensitive() {
    let e = engine();
    let rows = |text: &str| e.run(&query(&[], text)).rows;
    assert_eq!(rows("consensus"), [3, 5, 8]);
    assert_eq!(rows("CONSENS"), [3, 5, 8]);
    assert_eq!(rows("l’allemagne"), [3]);
    assert_eq!(rows("l'ALLEMAGNE"), [3]);
    assert_eq!(rows("juridiquement contr"), [4, 11]);
    assert_eq!(rows("necessaire"), [4]);
    assert_eq!(rows("préfér"), [7, 8]);
    assert_eq!(rows("« pierre  angulaire »"), [5]);
    assert_eq!(rows("8"), [2], "notes are searched too");
    assert_eq!(rows("ensus"), Vec::<u32>::new(), "only word starts match");
    assert_eq!(rows("xyz"), Vec::<u32>::new());
    assert_eq!(
        rows(" ’ "),
        (0..12).collect::<Vec<_>>(),
        "no word, no filter"
    );

    let q = query(&[(Facet::Topic, &[1])], "consensus");
    assert_eq!(e.run(&q).rows, [8]);
    assert_eq!(counts(&e, &q, Facet::Topic), [2, 1, 0]);
    // The text cache must not leak into a later query with other text.
    assert_eq!(rows("cuba"), [11]);
    assert_eq!(rows("consensus"), [3, 5, 8]);
}

#[test]
fn query_string_round_trip_with_stable_ids() {
    let e = engine();
    let q = query(
        &[
            (Facet::State, &[1, 0]),
            (Facet::Topic, &[0]),
            (Facet::Document, &[1]),
        ],
        "l’état de droit",
    );
    let qs = e.query_string(&q);
    assert_eq!(
        qs,
        "state=deu&state=fra&doc=l60&topic=consensus&q=l%E2%80%99%C3%A9tat+de+droit"
    );
    assert_eq!(e.parse_query(&qs), q);
    assert_eq!(e.parse_query(&format!("?view=matrix&state=zzz&{qs}")), q);
    assert_eq!(e.query_string(&Query::default()), "");
}

#[test]
fn each_value_has_its_id_and_its_label() {
    let e = engine();
    // As the fixture writes them (tests/common/mod.rs), one value of each facet.
    let cases = [
        (Facet::State, 2, "bra", "Brésil"),
        (Facet::Group, 1, "grulac", "Amérique latine et Caraïbes"),
        (Facet::Relation, 2, "submitted", "A soumis ses vues"),
        (Facet::Document, 1, "l60", "A/C.1/78/L.60/Rev.1"),
        (
            Facet::Topic,
            1,
            "treaty",
            "Instrument juridiquement contraignant",
        ),
        (Facet::Stance, 1, "opposes", "S’oppose"),
    ];
    for (f, v, id, label) in cases {
        assert_eq!((e.id(f, v), e.label(f, v)), (id, label), "{f:?} {v}");
    }
    // A value past the last has neither.
    assert_eq!((e.id(Facet::State, 5), e.label(Facet::State, 5)), ("", ""));
}

#[test]
fn matrix_and_comparison() {
    let e = engine();
    let ix = e.index();
    let all: Vec<u32> = (0..12).collect();
    let m = Matrix::build(ix, &all);
    assert_eq!(m.states, [0, 1, 2, 3, 4]);
    assert_eq!(m.topics, [0, 1, 2]);
    let grid: Vec<Vec<Option<u32>>> = (0..5)
        .map(|s| (0..3).map(|t| m.cell(s, t)).collect())
        .collect();
    assert_eq!(
        grid,
        [
            vec![Some(3), Some(4), None],
            vec![Some(5), None, Some(6)],
            vec![Some(7), Some(8), None],
            vec![None, None, Some(9)],
            vec![None, Some(11), None],
        ]
    );
    let stance_filtered = e.run(&query(&[(Facet::Stance, &[1])], "")).rows;
    let m = Matrix::build(ix, &stance_filtered);
    assert_eq!(
        (m.states.as_slice(), m.topics.as_slice()),
        (&[0u16, 2][..], &[0u16, 1][..])
    );

    let c = Matrix::compare(ix, &all, &[4, 3]);
    assert_eq!(c.states, [4, 3]);
    assert_eq!(c.topics, [1, 2]);
    assert_eq!(
        (c.cell(0, 0), c.cell(0, 1), c.cell(1, 1)),
        (Some(11), None, Some(9))
    );
}

#[test]
fn csv_follows_rfc_4180() {
    let ix = fixture();
    let csv = to_csv(&ix, &[0, 5, 7], "https://h");
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "state_id,state,state_url,group,relation,document,topic_id,topic,stance_id,stance,quote,note,url"
    );
    // A fact: no topic, stance, quote or note; the URL is the document's, without an anchor.
    assert_eq!(
        lines[1],
        "deu,Allemagne,https://h/fr/etats/deu/,Europe occidentale et autres,Auteur,\
         A/C.1/78/L.60/Rev.1,,,,,,,https://h/fr/docs/l60/"
    );
    assert_eq!(
        lines[2],
        "fra,France,https://h/fr/etats/fra/,Europe occidentale et autres,,A/78/76,\
         consensus,Consensus,supports,Soutient,\
         \"La France est attachée au consensus, « pierre angulaire » du programme.\",,\
         https://h/fr/docs/a-78-76/#p20"
    );
    assert_eq!(
        lines[3],
        "bra,Brésil,https://h/fr/etats/bra/,Amérique latine et Caraïbes,,A/78/76,\
         consensus,Consensus,opposes,S’oppose,\
         \"Le Brésil préfère un \"\"vote\"\" à la majorité qualifiée.\",,\
         https://h/fr/docs/a-78-76/#p31"
    );
    assert_eq!(lines[4], "");
    assert_eq!(lines.len(), 5);
}

#[test]
fn json_is_an_array_of_objects() {
    let ix = fixture();
    assert_eq!(to_json(&ix, &[], ""), "[\n]\n");
    // Without an origin the URLs stay site-absolute.
    let json = to_json(&ix, &[7], "");
    assert_eq!(
        json,
        "[\n{\"state_id\":\"bra\",\"state\":\"Brésil\",\"state_url\":\"/fr/etats/bra/\",\
         \"group\":\"Amérique latine et Caraïbes\",\"relation\":\"\",\"document\":\"A/78/76\",\
         \"topic_id\":\"consensus\",\"topic\":\"Consensus\",\"stance_id\":\"opposes\",\
         \"stance\":\"S’oppose\",\
         \"quote\":\"Le Brésil préfère un \\\"vote\\\" à la majorité qualifiée.\",\"note\":\"\",\
         \"url\":\"/fr/docs/a-78-76/#p31\"}\n]\n"
    );
}

#[test]
fn index_round_trips_through_postcard() {
    let ix = fixture();
    assert_eq!(Index::from_bytes(ix.to_bytes()), Ok(ix));
}

#[test]
fn rows_read_back_column_by_column() {
    let ix = fixture();
    assert_eq!(ix.rows.len(), 12);
    let cuba = ix.rows.get(11).expect("row 11");
    assert_eq!(
        (cuba.state, cuba.doc, cuba.relation, cuba.topic, cuba.stance),
        (4, 0, None, Some(1), Some(0))
    );
    assert_eq!(cuba.anchor, "p50");
    assert_eq!(
        cuba.quote,
        "Cuba appuie un instrument juridiquement contraignant."
    );
    assert_eq!(cuba.note, "Voir aussi §51");
    let fact = ix.rows.get(2).expect("row 2");
    assert_eq!(
        (
            fact.relation,
            fact.topic,
            fact.anchor,
            fact.quote,
            fact.note
        ),
        (Some(1), None, "", "", "Note 8")
    );
    assert_eq!(ix.rows.get(12), None);
    let again: Rows = ix.rows.iter().collect();
    assert_eq!(again, ix.rows);
}

// ---- Malformed indexes: each is refused with its reason, never a panic ----

/// Postcard writes a byte string and a `Vec<u8>` alike (length, then the bytes), and a struct
/// as its fields in order, so these mirror the index's layout with every field open to abuse;
/// the text follows the postcard part, raw.
#[derive(serde::Serialize, Clone)]
struct RawRows {
    state: Vec<u8>,
    doc: Vec<u8>,
    relation: Vec<u8>,
    topic: Vec<u8>,
    stance: Vec<u8>,
    text_end: Vec<u8>,
    #[serde(skip)]
    text: Vec<u8>,
}

#[derive(serde::Serialize, Clone)]
struct RawIndex {
    version: u16,
    lang: String,
    groups: Vec<Label>,
    relations: Vec<Label>,
    documents: Vec<DocEntry>,
    topics: Vec<Label>,
    stances: Vec<Label>,
    states: Vec<StateEntry>,
    rows: RawRows,
}

fn le16(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn le32(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// The fixture's labels with two rows: a fact (deu, relation 0) and a coded stance with text.
fn raw() -> RawIndex {
    let ix = fixture();
    RawIndex {
        version: INDEX_VERSION,
        lang: ix.lang,
        groups: ix.groups,
        relations: ix.relations,
        documents: ix.documents,
        topics: ix.topics,
        stances: ix.stances,
        states: ix.states,
        rows: RawRows {
            state: le16(&[0, 1]),
            doc: le16(&[1, 0]),
            relation: le16(&[0, u16::MAX]),
            topic: le16(&[u16::MAX, 2]),
            stance: le16(&[u16::MAX, 1]),
            // Row 0: no text; row 1: anchor "p1", quote "Été", note "n".
            text_end: le32(&[0, 0, 0, 2, 7, 8]),
            text: "p1Étén".into(),
        },
    }
}

fn encode(raw: &RawIndex) -> Vec<u8> {
    let mut bytes = postcard::to_allocvec(raw).expect("serialises");
    bytes.extend_from_slice(&raw.rows.text);
    bytes
}

fn read(raw: &RawIndex) -> Result<Index, IndexError> {
    Index::from_bytes(encode(raw))
}

#[test]
fn the_raw_mirror_matches_the_real_layout() {
    let ix = read(&raw()).expect("a well-formed index");
    let row = ix.rows.get(1).expect("row 1");
    assert_eq!((row.anchor, row.quote, row.note), ("p1", "Été", "n"));
    assert_eq!(
        (row.topic, row.stance, row.relation),
        (Some(2), Some(1), None)
    );
}

#[test]
fn malformed_indexes_are_refused_with_their_reason() {
    let malformed = |what: &'static str| Err(IndexError::Malformed(what));
    let dangling = |row: usize, what: &'static str| Err(IndexError::Dangling { row, what });
    let case = |f: &dyn Fn(&mut RawIndex)| {
        let mut r = raw();
        f(&mut r);
        read(&r)
    };
    assert_eq!(
        case(&|r| r.version = 1),
        Err(IndexError::Version { found: 1 })
    );
    assert_eq!(
        case(&|r| r.rows.doc.pop().map(drop).unwrap_or_default()),
        malformed("row columns of different lengths")
    );
    assert_eq!(
        case(&|r| r.rows.text_end.truncate(20)),
        malformed("row columns of different lengths")
    );
    // Past the end of the text, and backwards.
    for ends in [[0, 0, 0, 2, 7, 9], [0, 0, 0, 2, 1, 8], [9, 0, 0, 2, 7, 8]] {
        assert_eq!(
            case(&|r| r.rows.text_end = le32(&ends)),
            malformed("text offsets")
        );
    }
    assert_eq!(
        case(&|r| r.rows.state = le16(&[0, 5])),
        dangling(1, "State")
    );
    assert_eq!(
        case(&|r| r.rows.state = le16(&[u16::MAX, 0])),
        dangling(0, "State"),
        "a row always has a State"
    );
    assert_eq!(
        case(&|r| r.rows.doc = le16(&[2, 0])),
        dangling(0, "document")
    );
    assert_eq!(
        case(&|r| r.rows.relation = le16(&[3, u16::MAX])),
        dangling(0, "relation")
    );
    assert_eq!(
        case(&|r| r.rows.topic = le16(&[u16::MAX, 3])),
        dangling(1, "topic")
    );
    assert_eq!(
        case(&|r| r.rows.stance = le16(&[7, 1])),
        dangling(0, "stance")
    );
    assert_eq!(
        case(&|r| r.states[0].group = 3),
        dangling(0, "group or relation (in a State)")
    );
    // Cut inside the postcard part, then inside the text.
    let bytes = encode(&raw());
    let text = raw().rows.text.len();
    for cut in [0, 1, 2, (bytes.len() - text) / 2, bytes.len() - text - 1] {
        let cut = Index::from_bytes(bytes[..cut].to_vec());
        assert!(matches!(cut, Err(IndexError::Decode(_))), "{cut:?}");
    }
    for cut in [bytes.len() - text, bytes.len() - 1] {
        assert_eq!(
            Index::from_bytes(bytes[..cut].to_vec()),
            malformed("text offsets")
        );
    }
}

#[test]
fn text_that_is_not_utf8_reads_as_a_replacement_character() {
    // Text is checked piece by piece when used: a bad piece cannot spoil its neighbours.
    let inside_e = case_text(|t| t[3] = 0xFF); // the second byte of "É" in the quote
    let row = inside_e.rows.get(1).expect("row 1");
    assert_eq!((row.anchor, row.quote, row.note), ("p1", "\u{FFFD}", "n"));
    // Offsets inside a character split it: both halves are invalid on their own.
    let mut r = raw();
    r.rows.text_end = le32(&[0, 0, 0, 3, 7, 8]);
    let split = read(&r).expect("structure is fine");
    let row = split.rows.get(1).expect("row 1");
    assert_eq!(
        (row.anchor, row.quote, row.note),
        ("\u{FFFD}", "\u{FFFD}", "n")
    );
    let e = Engine::new(split);
    assert!(e.run(&query(&[], "ete")).rows.is_empty());
}

fn case_text(f: impl Fn(&mut Vec<u8>)) -> Index {
    let mut r = raw();
    f(&mut r.rows.text);
    read(&r).expect("structure is fine")
}

#[test]
fn the_word_index_built_in_slices_or_at_once_gives_the_same_rows() {
    let q = query(&[], "juridiquement contr");
    let e = engine();
    // Twelve rows, five at a time: incomplete twice, then complete (and stays so).
    assert!(!e.index_words(5));
    assert!(!e.index_words(5));
    assert!(e.index_words(5));
    assert!(e.index_words(5));
    assert_eq!(e.run(&q).rows, [4, 11]);
    // A text query before any slice completes the index itself.
    let lazy = engine();
    assert_eq!(lazy.run(&q).rows, [4, 11]);
    assert!(lazy.index_words(1), "the query completed the word index");
    // Half-built, then queried: the rows not yet read are read first.
    let half = engine();
    assert!(!half.index_words(6));
    assert_eq!(half.run(&query(&[], "cuba")).rows, [11]);
}

// ---- Properties against a naive reference ----

const WORDS: [&str; 6] = ["état", "etats", "consensus", "Conférence", "l’ONU", "onu"];

/// A random index from raw numbers, every reference in range.
fn build_index(dims: [u8; 5], states: &[(u8, u8)], rows: &[(u8, u8, u8, u8, u8, u8)]) -> Index {
    let [g, r, d, t, s] = dims.map(|n| n % 3 + 1);
    let labels = |prefix: &str, n: u8| -> Vec<Label> {
        (0..n)
            .map(|i| Label {
                id: format!("{prefix}{i}"),
                label: format!("{prefix} {i}"),
            })
            .collect()
    };
    let states: Vec<StateEntry> = states
        .iter()
        .enumerate()
        .map(|(i, &(group, rels))| StateEntry {
            id: format!("s{i}"),
            name: format!("State {i}"),
            group: (group % g) as u16,
            relations: (0..r as u16).filter(|b| rels & (1 << b) != 0).collect(),
            url: String::new(),
        })
        .collect();
    let n_states = states.len() as u8;
    let word = |w: u8| WORDS.get(w as usize % 8).copied().unwrap_or("");
    let mut columns = Rows::default();
    for &(st, doc, topic, stance, w1, w2) in rows {
        let coded = topic % 4 != 0;
        columns.push(&Row {
            state: (st % n_states) as u16,
            doc: (doc % d) as u16,
            relation: (!coded).then_some((topic % r) as u16),
            topic: coded.then_some((topic % t) as u16),
            stance: coded.then_some((stance % s) as u16),
            anchor: "",
            quote: &format!("{} {}", word(w1), word(w2)),
            note: word(w1 / 8),
        });
    }
    Index {
        version: INDEX_VERSION,
        lang: "fr".into(),
        groups: labels("g", g),
        relations: labels("r", r),
        documents: (0..d)
            .map(|i| DocEntry {
                id: format!("d{i}"),
                label: format!("D{i}"),
                url: format!("/d{i}/"),
            })
            .collect(),
        topics: labels("t", t),
        stances: labels("x", s),
        states,
        rows: columns,
    }
}

fn build_query(e: &Engine, sel: &[Vec<u8>], text: u8) -> Query {
    let mut q = Query::default();
    for (f, values) in Facet::ALL.into_iter().zip(sel) {
        for v in values {
            q.set(f, (*v as usize % e.len(f)) as u16, true);
        }
    }
    q.text = match text % 5 {
        0 => String::new(),
        1 => "eta".into(),
        2 => "ÉTAT consensus".into(),
        3 => "l onu".into(),
        _ => "conf".into(),
    };
    q
}

fn naive_matches(ix: &Index, q: &Query, row: Row) -> bool {
    let ok = |f: Facet, v: u16| q.selected(f).is_empty() || q.is_selected(f, v);
    let ok_opt = |f: Facet, v: Option<u16>| q.selected(f).is_empty() || v.is_some_and(|v| ok(f, v));
    let st = &ix.states[row.state as usize];
    let rel = q.selected(Facet::Relation).is_empty()
        || st
            .relations
            .iter()
            .any(|r| q.is_selected(Facet::Relation, *r));
    let coded_ok = row.topic.is_some()
        || (q.selected(Facet::Topic).is_empty() && q.selected(Facet::Stance).is_empty());
    let words = fold::words(&format!("{} {}", row.quote, row.note));
    let text = fold::words(&q.text)
        .iter()
        .all(|t| words.iter().any(|w| w.starts_with(t.as_str())));
    ok(Facet::State, row.state)
        && ok(Facet::Group, st.group)
        && rel
        && ok(Facet::Document, row.doc)
        && ok_opt(Facet::Topic, row.topic)
        && ok_opt(Facet::Stance, row.stance)
        && coded_ok
        && text
}

fn naive_rows(ix: &Index, q: &Query) -> Vec<u32> {
    (0..ix.rows.len() as u32)
        .filter(|i| {
            ix.rows
                .get(*i as usize)
                .is_some_and(|r| naive_matches(ix, q, r))
        })
        .collect()
}

fn is_subset(a: &[u32], b: &[u32]) -> bool {
    a.iter().all(|x| b.binary_search(x).is_ok())
}

fn arb_case() -> impl Strategy<Value = (Index, Vec<Vec<u8>>, u8)> {
    (
        any::<[u8; 5]>(),
        proptest::collection::vec(any::<(u8, u8)>(), 1..6),
        proptest::collection::vec(any::<(u8, u8, u8, u8, u8, u8)>(), 0..40),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..3), FACETS_N),
        any::<u8>(),
    )
        .prop_map(|(dims, states, rows, sel, text)| (build_index(dims, &states, &rows), sel, text))
}

const FACETS_N: usize = 6;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn rows_and_counts_match_the_naive_reference((ix, sel, text) in arb_case(), slice in 0..50usize) {
        let e = Engine::new(ix.clone());
        // Part of the word index built in the background, the rest by the query if it needs it.
        e.index_words(slice);
        let q = build_query(&e, &sel, text);
        let r = e.run(&q);
        prop_assert_eq!(&r.rows, &naive_rows(&ix, &q));
        for f in Facet::ALL {
            for v in 0..e.len(f) as u16 {
                let mut alone = q.clone();
                alone.clear_facet(f);
                alone.set(f, v, true);
                prop_assert_eq!(r.count(f, v), naive_rows(&ix, &alone).len() as u32, "{:?} {}", f, v);
            }
        }
    }

    #[test]
    fn unconstrained_single_valued_facet_counts_sum_to_the_results((ix, sel, text) in arb_case()) {
        let e = Engine::new(ix.clone());
        for f in [Facet::State, Facet::Group, Facet::Document, Facet::Topic] {
            let mut q = build_query(&e, &sel, text);
            q.clear_facet(f);
            let r = e.run(&q);
            let sum: u32 = r.counts[f as usize].iter().sum();
            // Every row has exactly one State, group and document; only coded rows a topic.
            let expected = r.rows.iter().filter(|i| f != Facet::Topic || ix.rows.get(**i as usize).is_some_and(|r| r.topic.is_some())).count();
            prop_assert_eq!(sum as usize, expected, "{:?}", f);
        }
    }

    #[test]
    fn or_within_never_shrinks_and_and_across_never_grows((ix, sel, text) in arb_case(), f in 0..FACETS_N, v in any::<u8>()) {
        let e = Engine::new(ix);
        let f = Facet::ALL[f];
        let v = (v as usize % e.len(f)) as u16;
        let q = build_query(&e, &sel, text);
        let before = e.run(&q).rows;
        let mut wider = q.clone();
        if !q.selected(f).is_empty() {
            wider.set(f, v, true);
            prop_assert!(is_subset(&before, &e.run(&wider).rows));
        }
        let mut loose = q.clone();
        loose.clear_facet(f);
        let loose_rows = e.run(&loose).rows;
        let mut narrow = loose.clone();
        narrow.set(f, v, true);
        prop_assert!(is_subset(&e.run(&narrow).rows, &loose_rows));
    }

    #[test]
    fn query_string_round_trips((ix, sel, _t) in arb_case(), text in "[a-zé&=+%#? ’]{0,12}") {
        let e = Engine::new(ix);
        let mut q = build_query(&e, &sel, 0);
        q.text = text.trim().to_string();
        prop_assert_eq!(e.parse_query(&e.query_string(&q)), q);
    }
}

/// A text query of `n` words drawn from `pool` (by the indexes in `picks`, cycled).
fn huge_query(pool: &[&str], picks: &[usize], n: usize) -> String {
    let mut text = String::new();
    for i in 0..n {
        text.push_str(pool[picks[i % picks.len()] % pool.len()]);
        text.push(' ');
    }
    text
}

proptest! {
    // Each case runs a query of tens of thousands of words: a few cases are enough.
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// However many words a query has — past 65 535 too, where a 16-bit per-row counter
    /// wrapped — a row matches when every word starts one of its words, as the naive reference
    /// says. Repeated words, and words that are prefixes of others, count once each.
    #[test]
    fn huge_text_queries_match_the_naive_reference(
        (ix, sel, text) in arb_case(),
        picks in proptest::collection::vec(0..8usize, 1..4),
        n in 65_530..66_000usize,
    ) {
        let e = Engine::new(ix.clone());
        let mut q = build_query(&e, &sel, text);
        q.text = huge_query(&["état", "etats", "consensus", "conf", "l", "onu", "e", "xyz"], &picks, n);
        prop_assert_eq!(e.run(&q).rows, naive_rows(&ix, &q));
    }
}

#[test]
fn queries_of_65_536_words_and_more_still_match() {
    // The rows of the fixture holding "consensus" (3, 5, 8) match it written 65 536 times.
    let e = engine();
    let repeated = "consensus ".repeat(65_536);
    assert_eq!(e.run(&query(&[], &repeated)).rows, [3, 5, 8]);

    // One row holding 70 000 distinct words, queried with all of them: every word matches, so
    // the row does; the row without them does not.
    let many: String = (0..70_000).map(|i| format!("w{i} ")).collect();
    let mut ix = fixture();
    ix.rows = [
        Row {
            quote: &many,
            ..fixture().rows.get(3).unwrap()
        },
        fixture().rows.get(4).unwrap(),
    ]
    .into_iter()
    .collect();
    let e = Engine::new(ix);
    assert_eq!(e.run(&query(&[], &many)).rows, [0]);
}
