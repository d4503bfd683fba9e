//! Tests of the index files' layout (`model.rs`).

use super::*;

#[test]
fn keys_are_two_characters_and_files_are_hex() {
    assert_eq!(shard_key("etats"), "et");
    assert_eq!(shard_key("é"), "é");
    assert_eq!(shard_key("77/37"), "77");
    assert_eq!(shard_file("et"), "t-6574.bin");
    assert_eq!(shard_file("a/"), "t-612f.bin");
    assert_eq!(excerpt_file(33, 16), "x-2.bin");
}

#[test]
fn another_version_is_refused_by_name() {
    let mut bytes = Excerpts {
        version: SEARCH_VERSION,
        first: 0,
        texts: vec![],
    }
    .to_bytes();
    assert!(Excerpts::from_bytes(&bytes).is_ok());
    bytes[0] = 9;
    let e = Excerpts::from_bytes(&bytes).unwrap_err();
    assert!(e.0.contains("version 9"), "{e}");
    assert!(Meta::from_bytes(&[]).is_err());
}

#[test]
fn shard_check_catches_bad_postings() {
    let mut s = Shard {
        version: SEARCH_VERSION,
        key: "ab".into(),
        words: vec![("abc".into(), 0)],
        stems: vec![Postings {
            stem: "abc".into(),
            entries: vec![1, 3],
            positions: vec![vec![0], vec![2]],
        }],
    };
    assert!(s.check(4).is_ok());
    assert!(s.check(3).is_err());
    s.stems[0].entries = vec![3, 1];
    assert!(s.check(4).is_err());
    s.words[0].1 = 5;
    assert!(s.check(4).is_err());
}

#[test]
fn shards_round_trip_with_shared_prefixes_and_deltas() {
    // "état" and "états" share "état" (5 bytes: é is two); "étude" shares "ét" (3 bytes).
    let s = Shard {
        version: SEARCH_VERSION,
        key: "ét".into(),
        words: vec![("état".into(), 0), ("états".into(), 0), ("étude".into(), 1)],
        stems: vec![
            Postings {
                stem: "etat".into(),
                entries: vec![0, 200, 70_000],
                positions: vec![vec![0, 3], vec![TITLE_BASE], vec![1, 2, 300]],
            },
            Postings {
                stem: "etud".into(),
                entries: vec![5],
                positions: vec![vec![7]],
            },
        ],
    };
    assert_eq!(shared_prefix("état", "états"), 5);
    assert_eq!(shared_prefix("états", "étude"), 3);
    // A prefix never ends inside a character: "é" (c3 a9) and "è" (c3 a8) share none.
    assert_eq!(shared_prefix("é", "è"), 0);
    let bytes = s.to_bytes();
    assert_eq!(Shard::from_bytes(&bytes).unwrap(), s);
    // Every truncation, and every single corrupted byte, is an error or a shard, never a
    // panic.
    for n in 0..bytes.len() {
        assert!(Shard::from_bytes(&bytes[..n]).is_err(), "cut at {n}");
    }
    for n in 1..bytes.len() {
        let mut b = bytes.clone();
        b[n] ^= 0xff;
        let _ = Shard::from_bytes(&b);
    }
}

#[test]
fn meta_round_trips() {
    let m = Meta {
        version: SEARCH_VERSION,
        lang: "fr".into(),
        docs: vec![SearchDoc {
            id: "a-78-76".into(),
            label: "A/78/76".into(),
        }],
        entries: vec![
            EntryMeta {
                doc: 0,
                kind: EntryKind::Heading,
                len: 300,
                reply: true,
            },
            EntryMeta {
                doc: NO_DOC,
                kind: EntryKind::Page,
                len: 2,
                reply: false,
            },
        ],
        // The second URL shares "/fr/" with the first; "état" and "étude" share "ét",
        // which must not be cut inside "é".
        urls: ["/fr/d/#p1", "/fr/etats/che/"].into_iter().collect(),
        contexts: ["état", "étude"].into_iter().collect(),
        avg_len: 151.0,
        shards: vec!["ab".into(), "é".into()],
        chunk: 16,
        states: vec![StateSpellings {
            spellings: vec![
                vec!["suisse".into()],
                vec!["confederation".into(), "suisse".into()],
            ],
        }],
    };
    let bytes = m.to_bytes();
    let back = Meta::from_bytes(&bytes).unwrap();
    assert_eq!(back, m);
    assert_eq!(back.urls.get(1), "/fr/etats/che/");
    assert_eq!(back.contexts.get(1), "étude");
    for n in 0..bytes.len() {
        assert!(Meta::from_bytes(&bytes[..n]).is_err(), "cut at {n}");
    }
    // A shared prefix inside a character, or longer than the previous string, is refused.
    for n in 1..bytes.len() {
        let mut b = bytes.clone();
        b[n] ^= 0xff;
        let _ = Meta::from_bytes(&b);
    }
}

#[test]
fn entry_records_share_prefixes_with_the_entry_before() {
    let e = EntryMeta {
        doc: 1,
        kind: EntryKind::Paragraph,
        len: 5,
        reply: false,
    };
    let mut w = EntryWriter::default();
    let mut a = Vec::new();
    w.push(&mut a, &e, "/fr/d/#p1", "Préambule");
    let mut b = Vec::new();
    w.push(&mut b, &e, "/fr/d/#p2", "Préambule");
    // doc 1, flags 0, len 5; URL: 8 bytes shared ("/fr/d/#p"), then "2"; context: all
    // 10 bytes shared ("é" is two), nothing new.
    assert_eq!(b, [1, 0, 5, 8, 1, b'2', 10, 0]);
    assert_eq!(a.len(), 3 + 2 + 9 + 2 + 10);
}

#[test]
fn texts_share_the_span_of_a_repeated_string() {
    let t: Texts = ["a", "a", "bc", "a"].into_iter().collect();
    assert_eq!(t.len(), 4);
    assert_eq!(
        [t.get(0), t.get(1), t.get(2), t.get(3)],
        ["a", "a", "bc", "a"]
    );
    assert_eq!(t.buf, "abca");
    assert_eq!(t.get(9), "");
}
