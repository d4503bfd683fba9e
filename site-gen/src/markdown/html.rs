//! The HTML renderer: turns a Markdown body into the page's HTML with paragraph ids and
//! permalinks, footnotes placed where their section ends, a table of contents, the top-level
//! block ranges the parallel view aligns, and mentions linked through a [`Linker`].
//!
//! Raw HTML in content is shown as text (except `<br>`), and only safe link targets are kept. It
//! must not know the site's URLs or the corpus: everything outside the text comes through the
//! [`Linker`] the render stage supplies.

use super::anchors::{
    attrs, heading_slug, marker_ahead, pending_permalink, unique_id, write_attrs,
};
pub use super::notes::footnote_display;
use super::notes::{write_notes, NoteWords};
pub use super::texts::TextBlock;
use super::texts::{is_block_end, is_block_tag, TextKind, TextRecorder, CELL};
use super::{heading_level, is_br, options};
use crate::mentions::speaks_of_resolutions;
use crate::text::{collapse_ws, esc, esc_into};
use pulldown_cmark::{Alignment, CodeBlockKind, Event, Parser, Tag, TagEnd, TextMergeStream};
use std::collections::BTreeMap;
use std::fmt::Write;

/// What the renderer needs from the outside world.
pub trait Linker {
    /// Appends a run of plain text to `out` as HTML, adding links to mentions. `near_resolution`
    /// says whether the block has spoken of a resolution so far (a bare `77/37` is only a link
    /// near "résolution"); it is asked only of a text holding such a number.
    fn link_text(&self, out: &mut String, text: &str, near_resolution: &mut dyn FnMut() -> bool);
    /// Accessible label of the paragraph permalink.
    fn permalink_label(&self) -> &str;
    /// Heading of the footnotes section.
    fn footnotes_heading(&self) -> &str;
    /// Label of the link from a footnote back to its reference.
    fn back_label(&self) -> &str;
    /// The symbols of the documents linked by `link_text` since the last call, in order: the
    /// renderer files them under the block it is writing ([`TextBlock::cites`]).
    fn take_cited(&self) -> Vec<String> {
        Vec::new()
    }
    /// The label of the link from each anchored paragraph to its citation (`cite/#<id>`, the
    /// document's citation page), or `None` where there is no citation page.
    fn cite_label(&self) -> Option<&str> {
        None
    }
    /// Where a link written in content points: the short form `doc:<slug>#<anchor>` becomes the
    /// document's address, and a site-absolute path (`/fr/…`) is put under the base path. Any
    /// other address is kept as written.
    fn link_dest<'u>(&self, url: &'u str) -> std::borrow::Cow<'u, str> {
        std::borrow::Cow::Borrowed(url)
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Where each top-level block of `html` starts and ends (paragraphs, headings, lists,
    /// tables, quotes, code, footnote lists), in order: the parallel view aligns them.
    pub blocks: Vec<std::ops::Range<usize>>,
    /// Every anchored block's plain text, recorded as it is written: the open-data API is
    /// made from these, not from a second parse of the Markdown.
    pub texts: Vec<TextBlock>,
}

/// A URL a content link may point to: web, mail, or site-relative. Anything else (e.g.
/// `javascript:`) is dropped and the link text kept.
pub fn safe_href(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || lower.starts_with('/')
        || lower.starts_with('#')
        || lower.starts_with("../")
        || (!lower.contains(':') && !lower.is_empty())
}

/// Renders a body to HTML. `auto_ids` gives headings without an explicit id a slug of their text
/// (authored pages); documents require explicit ids, enforced by `validate`.
pub fn render(body: &str, linker: &dyn Linker, auto_ids: bool) -> Rendered {
    // Adjacent runs of text come as one event (pulldown-cmark splits text at every character
    // that might open inline markup): fewer, longer runs to search for mentions. That leaves
    // about one event per 35–45 bytes of a document, reserved at once rather than grown.
    let mut events: Vec<Event> = Vec::with_capacity(body.len() / 32);
    events.extend(TextMergeStream::new(Parser::new_ext(body, options())));
    let mut out = String::with_capacity(body.len() * 2);
    let mut notes: Vec<(String, String)> = Vec::new();
    let mut toc = Vec::new();
    let mut ref_count: BTreeMap<String, usize> = BTreeMap::new();

    // Output target: the body, or the footnote being collected.
    let mut note_buf: Option<(String, String)> = None;
    let mut block_text = String::new();
    let mut word = ResolutionWord::default();
    // Per open paragraph or list item: the permalink to write before its closing tag.
    let mut closers: Vec<Option<String>> = Vec::new();
    let mut in_link = 0usize;
    let mut heading: Option<(u8, String, String)> = None; // level, id, text
    let mut item_depth = 0usize;
    let mut table_index = 0usize;
    let mut row_index = 0usize;
    let mut in_head = false;
    let mut aligns: Vec<Alignment> = Vec::new();
    let mut cell = 0usize;
    let mut used_ids: BTreeMap<String, usize> = BTreeMap::new();
    // Top-level blocks of the body, as they are written.
    let mut blocks: Vec<std::ops::Range<usize>> = Vec::new();
    let mut depth = 0usize;
    let mut block_start = 0usize;
    let mut rec = TextRecorder::default();
    // Per open paragraph and list item: whether it is recorded (anchored) and must be closed.
    let mut para_rec: Vec<bool> = Vec::new();
    let mut item_rec: Vec<bool> = Vec::new();
    let mut heading_rec = false;
    let mut i = 0;

    // The output target: the body, or the footnote being collected.
    macro_rules! target {
        () => {
            match note_buf.as_mut() {
                Some((_, b)) => b,
                None => &mut out,
            }
        };
    }
    macro_rules! w {
        ($($arg:tt)*) => {{
            let _ = write!(target!(), $($arg)*);
        }};
    }
    // Literal pieces skip the formatting machinery.
    macro_rules! put {
        ($s:expr) => {
            target!().push_str($s)
        };
    }
    // A block opens or closes in the body (blocks inside a footnote go to the note). `$trail`:
    // the bytes written after the closing tag (a newline).
    macro_rules! open_block {
        () => {
            if note_buf.is_none() {
                if depth == 0 {
                    block_start = out.len();
                }
                depth += 1;
            }
        };
    }
    macro_rules! close_block {
        ($trail:expr) => {
            if note_buf.is_none() {
                depth -= 1;
                if depth == 0 {
                    blocks.push(block_start..out.len() - $trail);
                }
            }
        };
    }
    // The notes gathered so far, as one block where they fall.
    macro_rules! notes_here {
        () => {
            let before = out.len();
            write_notes(
                &mut out,
                &mut notes,
                &ref_count,
                &NoteWords {
                    heading: linker.footnotes_heading(),
                    back: linker.back_label(),
                },
            );
            if depth == 0 && out.len() > before {
                blocks.push(before..out.len() - 1);
            }
        };
    }

    while i < events.len() {
        let event = &events[i];
        // Block boundaries separate words in a recorded text, as they do on the page.
        if let Event::Start(tag) = event {
            if is_block_tag(tag) {
                rec.push(" ");
            }
        } else if let Event::End(tag) = event {
            if is_block_end(tag) {
                rec.push(" ");
            }
        }
        match event {
            Event::Start(Tag::Paragraph) => {
                block_text.clear();
                word.reset();
                open_block!();
                if item_depth > 0
                    && matches!(events.get(i.wrapping_sub(1)), Some(Event::Start(Tag::Item)))
                {
                    w!("<p>");
                    closers.push(None);
                    para_rec.push(false);
                } else {
                    // The permalink is written at the paragraph's end (see End(Paragraph)).
                    let opened = open_anchored_block(
                        "p",
                        &events,
                        i,
                        linker,
                        &mut used_ids,
                        (&mut block_text, &mut word),
                        &mut note_buf,
                        &mut out,
                    );
                    i = opened.last;
                    closers.push(opened.permalink);
                    para_rec.push(rec.open_text(
                        opened.id.as_deref(),
                        TextKind::Paragraph,
                        note_buf.is_some(),
                    ));
                    rec.push(&block_text);
                    rec.cited(linker.take_cited());
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if para_rec.pop().unwrap_or(false) {
                    rec.close();
                }
                if let Some(link) = closers.pop().flatten() {
                    put!(&link);
                }
                put!("</p>");
                close_block!(0);
            }
            Event::Start(Tag::Item) => {
                item_depth += 1;
                block_text.clear();
                word.reset();
                let opened = open_anchored_block(
                    "li",
                    &events,
                    i,
                    linker,
                    &mut used_ids,
                    (&mut block_text, &mut word),
                    &mut note_buf,
                    &mut out,
                );
                // A loose item's first paragraph is opened with the marker: it is a block like
                // any other (its end comes as usual).
                for _ in 0..opened.paragraphs {
                    open_block!();
                    para_rec.push(false);
                }
                i = opened.last;
                closers.push(opened.permalink);
                item_rec.push(rec.open_text(
                    opened.id.as_deref(),
                    TextKind::ListItem,
                    note_buf.is_some(),
                ));
                rec.push(&block_text);
                rec.cited(linker.take_cited());
            }
            Event::End(TagEnd::Item) => {
                item_depth -= 1;
                if item_rec.pop().unwrap_or(false) {
                    rec.close();
                }
                if let Some(link) = closers.pop().flatten() {
                    put!(&link);
                }
                put!("</li>\n");
            }
            Event::Start(Tag::List(Some(n))) => {
                open_block!();
                if *n == 1 {
                    w!("<ol>\n")
                } else {
                    w!("<ol start=\"{n}\">\n")
                }
            }
            Event::Start(Tag::List(None)) => {
                open_block!();
                w!("<ul>\n");
            }
            Event::End(TagEnd::List(true)) => {
                w!("</ol>\n");
                close_block!(1);
            }
            Event::End(TagEnd::List(false)) => {
                w!("</ul>\n");
                close_block!(1);
            }
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                block_text.clear();
                word.reset();
                let lvl = heading_level(*level);
                if lvl <= 3 && note_buf.is_none() {
                    notes_here!();
                }
                open_block!();
                let id = id
                    .as_ref()
                    .map(|s| s.to_string())
                    .or_else(|| auto_ids.then(|| heading_slug(&events[i + 1..])));
                let id = id.map(|id| unique_id(&mut used_ids, id));
                heading_rec =
                    rec.open_text(id.as_deref(), TextKind::Heading(lvl), note_buf.is_some());
                let classes: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
                w!("<h{lvl}{}>", attrs(id.as_deref(), &classes));
                heading = Some((lvl, id.unwrap_or_default(), String::new()));
            }
            Event::End(TagEnd::Heading(level)) => {
                if std::mem::take(&mut heading_rec) {
                    rec.close();
                }
                let lvl = heading_level(*level);
                if let Some((l, id, text)) = heading.take() {
                    if !id.is_empty() {
                        w!(
                            " <a class=\"permalink\" href=\"#{}\" aria-label=\"{}\">#</a>",
                            esc(&id),
                            esc(linker.permalink_label())
                        );
                        if note_buf.is_none() && (2..=4).contains(&l) {
                            toc.push(TocEntry {
                                level: l,
                                id,
                                text: collapse_ws(&text),
                            });
                        }
                    }
                }
                w!("</h{lvl}>\n");
                close_block!(1);
            }
            Event::Start(Tag::Table(a)) => {
                table_index += 1;
                row_index = 0;
                aligns = a.clone();
                open_block!();
                w!("<div class=\"table-wrap\"><table>\n");
            }
            Event::End(TagEnd::Table) => {
                w!("</tbody></table></div>\n");
                close_block!(1);
            }
            Event::Start(Tag::TableHead) => {
                in_head = true;
                cell = 0;
                w!("<thead><tr id=\"t{table_index}-r0\">");
                rec.open(&format!("t{table_index}-r0"), TextKind::TableRow);
            }
            Event::End(TagEnd::TableHead) => {
                rec.close();
                in_head = false;
                row_index = 1;
                w!("</tr></thead><tbody>\n");
            }
            Event::Start(Tag::TableRow) => {
                cell = 0;
                block_text.clear();
                word.reset();
                w!("<tr id=\"t{table_index}-r{row_index}\">");
                rec.open(&format!("t{table_index}-r{row_index}"), TextKind::TableRow);
                row_index += 1;
            }
            Event::End(TagEnd::TableRow) => {
                rec.close();
                put!("</tr>\n")
            }
            Event::Start(Tag::TableCell) => {
                if cell > 0 {
                    rec.push(CELL.encode_utf8(&mut [0; 4]));
                }
                let tag = if in_head { "th scope=\"col\"" } else { "td" };
                let align = match aligns.get(cell) {
                    Some(Alignment::Center) => " class=\"center\"",
                    Some(Alignment::Right) => " class=\"right\"",
                    _ => "",
                };
                w!("<{tag}{align}>");
            }
            Event::End(TagEnd::TableCell) => {
                cell += 1;
                if in_head {
                    w!("</th>")
                } else {
                    w!("</td>")
                }
            }
            Event::Start(Tag::Emphasis) => put!("<em>"),
            Event::End(TagEnd::Emphasis) => put!("</em>"),
            Event::Start(Tag::Strong) => put!("<strong>"),
            Event::End(TagEnd::Strong) => put!("</strong>"),
            Event::Start(Tag::Strikethrough) => w!("<s>"),
            Event::End(TagEnd::Strikethrough) => w!("</s>"),
            Event::Start(Tag::Superscript) => w!("<sup>"),
            Event::End(TagEnd::Superscript) => w!("</sup>"),
            Event::Start(Tag::Subscript) => w!("<sub>"),
            Event::End(TagEnd::Subscript) => w!("</sub>"),
            Event::Start(Tag::BlockQuote(_)) => {
                open_block!();
                w!("<blockquote>\n");
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                w!("</blockquote>\n");
                close_block!(1);
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let _ = kind as &CodeBlockKind;
                open_block!();
                w!("<pre><code>");
            }
            Event::End(TagEnd::CodeBlock) => {
                w!("</code></pre>\n");
                close_block!(1);
            }
            Event::Start(Tag::Link {
                dest_url, title, ..
            }) => {
                in_link += 1;
                let dest_url = linker.link_dest(dest_url);
                if safe_href(&dest_url) {
                    let ext = dest_url.starts_with("http");
                    w!("<a href=\"{}\"", esc(&dest_url));
                    if !title.is_empty() {
                        w!(" title=\"{}\"", esc(title));
                    }
                    if ext {
                        w!(" rel=\"noopener\"");
                    }
                    w!(">");
                } else {
                    w!("<a>");
                }
            }
            Event::End(TagEnd::Link) => {
                in_link -= 1;
                put!("</a>");
            }
            Event::Start(Tag::Image { .. }) => {
                // Images are not part of the content model: keep their alt text only.
            }
            Event::End(TagEnd::Image) => {}
            Event::Start(Tag::FootnoteDefinition(label)) => {
                note_buf = Some((label.to_string(), String::new()));
                rec.open(&format!("fn-{label}"), TextKind::Footnote);
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                rec.close();
                if let Some(n) = note_buf.take() {
                    notes.push(n);
                }
            }
            Event::FootnoteReference(label) => {
                if let Some(b) = rec.current() {
                    b.notes.push(label.to_string());
                }
                let n = ref_count.entry(label.to_string()).or_insert(0);
                *n += 1;
                let rid = if *n == 1 {
                    format!("fnref-{label}")
                } else {
                    format!("fnref-{label}-{n}")
                };
                w!(
                    "<sup class=\"fnref\"><a id=\"{}\" href=\"#fn-{}\" role=\"doc-noteref\">{}</a></sup>",
                    esc(&rid),
                    esc(label),
                    esc(&footnote_display(label))
                );
            }
            Event::Text(t) => {
                if let Some((_, _, text)) = heading.as_mut() {
                    text.push_str(t);
                }
                let start = block_text.len();
                block_text.push_str(t);
                rec.push(t);
                let target = target!();
                if in_link > 0 {
                    esc_into(target, t);
                } else {
                    word.add(start..block_text.len());
                    linker.link_text(target, t, &mut || word.ask(&block_text));
                    rec.cited(linker.take_cited());
                }
            }
            Event::Code(t) => {
                block_text.push_str(t);
                rec.push(t);
                w!("<code>{}</code>", esc(t));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if is_br(h) {
                    rec.push(" ");
                    w!("<br>");
                } else {
                    rec.push(h);
                    w!("{}", esc(h));
                }
            }
            Event::SoftBreak => {
                block_text.push(' ');
                rec.push(" ");
                put!("\n");
            }
            Event::HardBreak => {
                block_text.push(' ');
                rec.push(" ");
                w!("<br>\n");
            }
            Event::Rule => w!("<hr>\n"),
            Event::TaskListMarker(done) => w!("[{}] ", if *done { "x" } else { " " }),
            _ => {}
        }
        i += 1;
    }

    notes_here!();
    Rendered {
        html: out,
        toc,
        blocks,
        texts: rec.texts,
    }
}

/// Opens a paragraph or list item that may start with a `{#id .class}` marker: writes the tag
/// with its attributes and the block's first text without the marker.
#[allow(clippy::too_many_arguments)]
fn open_anchored_block(
    tag: &str,
    events: &[Event],
    i: usize,
    linker: &dyn Linker,
    used_ids: &mut BTreeMap<String, usize>,
    block_text: (&mut String, &mut ResolutionWord),
    note_buf: &mut Option<(String, String)>,
    out: &mut String,
) -> Opened {
    let (id, classes, skip) = marker_ahead(events, i);
    let target = match note_buf.as_mut() {
        Some((_, b)) => b,
        None => &mut *out,
    };
    target.push('<');
    target.push_str(tag);
    write_attrs(target, id.as_deref(), &classes);
    target.push('>');
    if let Some(id) = &id {
        pending_permalink(used_ids, id);
    }
    let (last, paragraphs) = emit_marker_rest(events, i, skip, linker, block_text, note_buf, out);
    Opened {
        last,
        permalink: id.as_deref().map(|id| permalink(id, linker)),
        id,
        paragraphs,
    }
}

/// What opening an anchored block did.
struct Opened {
    /// The index of the last event consumed.
    last: usize,
    /// The permalink to write before the block's closing tag.
    permalink: Option<String>,
    /// The block's id, if it has one.
    id: Option<String>,
    /// Paragraphs opened inside it (a loose item's first paragraph comes with the marker).
    paragraphs: usize,
}

/// Emits the inner opening paragraph of a loose item (if any) and the first text with the marker
/// cut off; returns the index of the last event consumed and the number of paragraphs opened.
fn emit_marker_rest(
    events: &[Event],
    i: usize,
    skip: usize,
    linker: &dyn Linker,
    (block_text, word): (&mut String, &mut ResolutionWord),
    note_buf: &mut Option<(String, String)>,
    out: &mut String,
) -> (usize, usize) {
    if skip == 0 {
        return (i, 0);
    }
    let mut j = i + 1;
    let mut paragraphs = 0;
    while let Some(ev) = events.get(j) {
        let target = match note_buf.as_mut() {
            Some((_, b)) => b,
            None => &mut *out,
        };
        match ev {
            Event::Start(Tag::Paragraph) => {
                target.push_str("<p>");
                paragraphs += 1;
                j += 1;
            }
            Event::Text(t) => {
                let rest = &t[skip.min(t.len())..];
                let start = block_text.len();
                block_text.push_str(rest);
                word.add(start..block_text.len());
                linker.link_text(target, rest, &mut || word.ask(block_text));
                return (j, paragraphs);
            }
            _ => break,
        }
    }
    (i, 0)
}

/// Whether the current block has spoken of a resolution so far, for the bare numbers such as
/// `77/37` that are only mentions near the word. Each run of text is searched for the word
/// only when a run holding such a number asks (most blocks never do), and the answer is kept
/// once it is yes; runs are searched one by one, as written.
#[derive(Default)]
struct ResolutionWord {
    said: bool,
    /// The runs not searched yet, as ranges of the block's text.
    unchecked: Vec<std::ops::Range<usize>>,
}

impl ResolutionWord {
    fn reset(&mut self) {
        self.said = false;
        self.unchecked.clear();
    }

    fn add(&mut self, run: std::ops::Range<usize>) {
        if !self.said {
            self.unchecked.push(run);
        }
    }

    fn ask(&mut self, block_text: &str) -> bool {
        if !self.said {
            self.said = self
                .unchecked
                .drain(..)
                .any(|r| speaks_of_resolutions(&block_text[r]));
        }
        self.said
    }
}

/// The link to an anchored block, written just before the block's closing tag.
fn permalink(id: &str, linker: &dyn Linker) -> String {
    let mut s = String::with_capacity(64 + id.len());
    s.push_str(" <a class=\"permalink\" href=\"#");
    esc_into(&mut s, id);
    s.push_str("\" aria-label=\"");
    esc_into(&mut s, linker.permalink_label());
    s.push_str("\">#</a>");
    if let Some(label) = linker.cite_label() {
        s.push_str(" <a class=\"cite-link\" href=\"cite/#");
        esc_into(&mut s, id);
        s.push_str("\">");
        esc_into(&mut s, label);
        s.push_str("</a>");
    }
    s
}
