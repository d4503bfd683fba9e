//! Markdown with paragraph anchors: parsing into blocks (for validation and quotes) and rendering
//! to HTML (with mentions turned into links).
//!
//! A paragraph or list item may start with an attribute marker `{#id .class}`; headings use the
//! trailing `{#id}` form that pulldown-cmark understands. Raw HTML in content is never passed
//! through: it is shown as text, except `<br>` (allowed for line breaks in table cells).
//!
//! The module is in five parts: `scan.rs` reads a body into blocks (validation, quotes),
//! `html.rs` renders it (pages), lists its footnotes with `notes.rs` and records each anchored block's text with `texts.rs`, and `anchors.rs` holds what both share about block ids (the
//! `{#id .class}` marker, heading slugs). It must not know the corpus, the site's URLs or the
//! templates; mentions are linked through the [`Linker`] the render stage passes in.

mod anchors;
mod html;
mod notes;
mod scan;
mod texts;

pub use anchors::{parse_marker, slugify};
pub use html::{footnote_display, render, safe_href, Linker, Rendered, TextBlock, TocEntry};
pub use scan::{scan, scan_with, Block, BlockKind, Scan};
pub use texts::TextKind;

use pulldown_cmark::{HeadingLevel, Options};

/// The Markdown extensions the content format uses (docs/content-format.md).
pub fn options() -> Options {
    // Smart punctuation stays off: quotes must remain verbatim.
    Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES
}

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

fn is_br(html: &str) -> bool {
    matches!(
        html.trim().to_ascii_lowercase().as_str(),
        "<br>" | "<br/>" | "<br />"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::esc_into;

    struct Plain;
    impl Linker for Plain {
        fn link_text(&self, out: &mut String, text: &str, _: &mut dyn FnMut() -> bool) {
            esc_into(out, text)
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

    const SAMPLE: &str = "{.masthead} Assemblée générale\n\n## I. Introduction {#s1}\n\n{#p1} 1. Au paragraphe 3[^1], **gras**.\n\n- {#p1-a} a) examiner ;\n- {#p1-b} b) renforcer.\n\n| A | B |\n|---|---|\n| x<br>y | z |\n\n[^1]: A/65/201.\n";

    #[test]
    fn scan_finds_anchors_text_and_footnotes() {
        let s = scan(SAMPLE);
        let ids: Vec<&str> = s.anchors().collect();
        assert_eq!(ids, ["s1", "p1", "p1-a", "p1-b", "t1-r0", "t1-r1"]);
        assert_eq!(
            s.text_at("p1").as_deref(),
            Some("1. Au paragraphe 3, gras.")
        );
        assert_eq!(s.text_at("p1-a").as_deref(), Some("a) examiner ;"));
        assert_eq!(s.footnote_refs.len(), 1);
        assert_eq!(s.footnote_defs[0].0, "1");
        assert_eq!(s.tables, vec![(2, 2)]);
        let masthead = &s.blocks[0];
        assert_eq!(masthead.classes, ["masthead"]);
        assert_eq!(masthead.id, None);
    }

    #[test]
    fn top_level_blocks_recorded_including_loose_items_opened_with_their_marker() {
        // A loose item's first paragraph is opened together with the item's marker.
        let r = render("- {#p1} a) Texte\n\n  Suite\n\nFin\n", &Plain, false);
        let blocks: Vec<&str> = r.blocks.iter().map(|b| &r.html[b.clone()]).collect();
        assert_eq!(blocks.len(), 2, "{}", r.html);
        assert!(
            blocks[0].starts_with("<ul>") && blocks[0].ends_with("</ul>"),
            "{}",
            blocks[0]
        );
        assert!(blocks[0].contains("Suite"), "{}", blocks[0]);
        assert_eq!(blocks[1], "<p>Fin</p>");
    }

    #[test]
    fn render_ids_permalinks_footnotes_both_ways() {
        let r = render(SAMPLE, &Plain, false);
        let h = &r.html;
        assert!(
            h.contains("<p class=\"masthead\">Assemblée générale</p>"),
            "{h}"
        );
        assert!(h.contains("<p id=\"p1\">1. Au paragraphe 3<sup class=\"fnref\"><a id=\"fnref-1\" href=\"#fn-1\""), "{h}");
        assert!(
            h.contains("<a class=\"permalink\" href=\"#p1\" aria-label=\"Lien\">#</a></p>"),
            "{h}"
        );
        assert!(
            h.contains("<li id=\"p1-a\">a) examiner ; <a class=\"permalink\" href=\"#p1-a\""),
            "{h}"
        );
        assert!(h.contains("<li id=\"fn-1\"><span class=\"fn-num\">1</span> <p>A/65/201. <a class=\"footnote-back\" href=\"#fnref-1\""), "{h}");
        assert!(h.contains("<td>x<br>y</td>"), "{h}");
        assert!(h.contains("<tr id=\"t1-r1\">"), "{h}");
        assert_eq!(r.toc.len(), 1);
        assert_eq!(r.toc[0].id, "s1");
    }

    #[test]
    fn raw_html_and_script_urls_are_inert() {
        let r = render("<script>alert(1)</script>\n\nx <img src=x onerror=alert(1)> [a](javascript:alert(1))\n", &Plain, true);
        assert!(!r.html.contains("<script"), "{}", r.html);
        assert!(!r.html.contains("<img"), "{}", r.html);
        assert!(!r.html.contains("javascript:"), "{}", r.html);
    }

    #[test]
    fn marker_parsing() {
        assert_eq!(
            parse_marker("{#p4} 4. Décide"),
            Some((Some("p4".into()), vec![], 6))
        );
        assert_eq!(
            parse_marker("{#sponsors .sponsors} A"),
            Some((Some("sponsors".into()), vec!["sponsors".into()], 22))
        );
        assert_eq!(
            parse_marker("{.meta} [Original]"),
            Some((None, vec!["meta".into()], 8))
        );
        assert_eq!(parse_marker("{ not a marker }"), None);
        assert_eq!(parse_marker("texte"), None);
    }

    #[test]
    fn footnote_labels_display_source_numbers() {
        assert_eq!(footnote_display("8"), "8");
        assert_eq!(footnote_display("slv-8"), "8");
        assert_eq!(footnote_display("star"), "*");
    }

    #[test]
    fn slugs_fold_accents() {
        assert_eq!(slugify("Portée et mandat"), "portee-et-mandat");
        assert_eq!(slugify("L’ONU"), "l-onu");
    }
}
