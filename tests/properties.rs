//! Property tests: arbitrary input never panics the front matter parser, the mention recogniser
//! or the Markdown stage, and the recogniser never changes the visible text.

use proptest::prelude::*;
use site_gen::diagnostics::Diagnostics;
use site_gen::markdown::{esc, render, scan, Linker};
use site_gen::mentions::{find_all, speaks_of_resolutions, StateMatcher};
use site_gen::types::StateId;
use std::path::Path;

fn matcher() -> StateMatcher {
    StateMatcher::new(&[
        ("France".into(), StateId::from("fra")),
        ("Pays-Bas (Royaume des)".into(), StateId::from("nld")),
        (
            "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord".into(),
            StateId::from("gbr"),
        ),
        ("Côte d’Ivoire".into(), StateId::from("civ")),
    ])
}

/// Text built from the pieces that matter to the recogniser, plus arbitrary characters.
fn texty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("résolution ".to_string()),
        Just("A/RES/77/37".to_string()),
        Just("A/C.1/78/L.60/Rev.1".to_string()),
        Just(" et Corr.1".to_string()),
        Just("77/37".to_string()),
        Just("12/03/2023".to_string()),
        Just("France".to_string()),
        Just("Pays-Bas (Royaume des)".to_string()),
        Just("Côte d'Ivoire".to_string()),
        Just("{#p1} ".to_string()),
        Just("[^1]".to_string()),
        Just("<script>".to_string()),
        "\\PC{0,12}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

struct TextOnly;
impl Linker for TextOnly {
    fn link_text(&self, out: &mut String, text: &str, near_resolution: bool) {
        // Same shape as the site's linker: links around mentions, text escaped.
        let mut at = 0;
        for m in find_all(text, near_resolution, &matcher()) {
            out.push_str(&esc(&text[at..m.range.start]));
            out.push_str(&format!(
                "<a href=\"#\">{}</a>",
                esc(&text[m.range.clone()])
            ));
            at = m.range.end;
        }
        out.push_str(&esc(&text[at..]));
    }
    fn permalink_label(&self) -> &str {
        "Lien"
    }
    fn footnotes_heading(&self) -> &str {
        "Notes"
    }
    fn back_label(&self) -> &str {
        "Retour"
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn mentions_are_in_bounds_ordered_and_disjoint(text in texty()) {
        let found = find_all(&text, speaks_of_resolutions(&text), &matcher());
        let mut last_end = 0;
        for m in &found {
            prop_assert!(m.range.start >= last_end && m.range.end <= text.len());
            prop_assert!(text.is_char_boundary(m.range.start) && text.is_char_boundary(m.range.end));
            last_end = m.range.end;
        }
    }

    #[test]
    fn linking_never_changes_the_visible_text(text in texty()) {
        let mut html = String::new();
        TextOnly.link_text(&mut html, &text, speaks_of_resolutions(&text));
        let visible = html.replace("<a href=\"#\">", "").replace("</a>", "");
        prop_assert_eq!(html_escape::decode_html_entities(&visible).into_owned(), text);
    }

    #[test]
    fn front_matter_parser_never_panics(s in "\\PC{0,200}", prefix in prop_oneof![Just(""), Just("+++\n"), Just("+++\ntitle = ")]) {
        let mut d = Diagnostics::default();
        let text = format!("{prefix}{s}");
        let parsed = site_gen::load::parse_front::<site_gen::load::DocFront>(Path::new("x.md"), text, &mut d);
        // Either it parsed, or it said why.
        prop_assert!(parsed.is_some() || !d.is_empty());
    }

    #[test]
    fn markdown_stage_never_panics_and_never_emits_raw_script(body in texty()) {
        let _ = scan(&body);
        let html = render(&body, &TextOnly, true).html;
        prop_assert!(!html.contains("<script"));
    }

    #[test]
    fn escaper_agrees_with_html_escape(s in "\\PC{0,80}|[&<>\"' a-zé]{0,40}") {
        // The generator's own escaper is a hand-written fast path: it must give exactly what
        // the html-escape crate gives for a double-quoted attribute.
        let ours = site_gen::markdown::esc(&s);
        let theirs = html_escape::encode_double_quoted_attribute(&s);
        prop_assert_eq!(ours.as_str(), theirs.as_ref());
    }

    #[test]
    fn collapse_ws_is_split_whitespace_joined(s in "[ \t\n\r\u{a0}\u{202f}\u{2009}\u{b}\u{c}\u{85}\u{1680}\u{2028}\u{205f}\u{3000}\u{e0}\u{2019}\u{201c}a-zé.,]{0,60}|\\PC{0,40}") {
        let expected = s.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(site_gen::markdown::collapse_ws(&s), expected);
    }
}
