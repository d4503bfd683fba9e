//! The footnotes of a body, as the page lists them: one block of notes where a section ends,
//! each note with its number as the source shows it and a link back to its first reference.
//!
//! It writes HTML from notes the renderer (`html.rs`) has already rendered; it must not parse.

use crate::text::esc;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The words of the notes block in the page's language: its heading, and the name of the link
/// back to a note's reference.
pub(super) struct NoteWords<'a> {
    pub heading: &'a str,
    pub back: &'a str,
}

/// Label shown for a footnote: its source number (`slv-8` shows `8`, `star` shows `*`).
pub fn footnote_display(label: &str) -> String {
    if label == "star" {
        return "*".into();
    }
    label.rsplit('-').next().unwrap_or(label).to_string()
}

/// Writes the footnotes collected so far as one block, where they fall in the document: the end
/// of the section they belong to (each reply of A/78/76 has its own numbering), or the end.
pub(super) fn write_notes(
    out: &mut String,
    notes: &mut Vec<(String, String)>,
    ref_count: &BTreeMap<String, usize>,
    words: &NoteWords,
) {
    if notes.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<div class=\"footnotes\">\n<p class=\"footnotes-title\">{}</p>\n<ul>",
        esc(words.heading)
    );
    for (label, html) in notes.drain(..) {
        let back = if ref_count.contains_key(&label) {
            format!(
                " <a class=\"footnote-back\" href=\"#fnref-{}\" role=\"doc-backlink\" aria-label=\"{}\">↩</a>",
                esc(&label),
                esc(words.back)
            )
        } else {
            String::new()
        };
        let html = html.trim_end();
        // Put the back link inside the last paragraph so it reads as part of the note.
        let html = match html.strip_suffix("</p>") {
            Some(inner) => format!("{inner}{back}</p>"),
            None => format!("{html}{back}"),
        };
        let _ = writeln!(
            out,
            "<li id=\"fn-{}\"><span class=\"fn-num\">{}</span> {}</li>",
            esc(&label),
            esc(&footnote_display(&label)),
            html
        );
    }
    out.push_str("</ul>\n</div>\n");
}
