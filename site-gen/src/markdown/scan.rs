//! The scanner: parses a Markdown body into its anchored blocks (with their plain text),
//! footnote references and definitions, table shapes and malformed markers, for validation and
//! for the quotes of coded positions.
//!
//! It reads only; it must not write HTML (that is [`super::html`]) nor judge what it finds (the
//! rules are `validate`'s).

use super::anchors::parse_marker;
use super::{heading_level, is_br, options};
use crate::text::collapse_ws;
use pulldown_cmark::{Event, Parser, Tag, TagEnd, TextMergeWithOffset};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Heading(u8),
    Paragraph,
    Item,
    TableRow,
}

/// A top-level unit of text that can carry an anchor.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    pub id: Option<String>,
    pub classes: Vec<String>,
    /// Plain text, footnote markers and Markdown syntax removed. Whitespace is left as the
    /// source has it (line breaks as spaces): collapsing it for every block of a corpus costs
    /// more than doing it for the few blocks that are read closely (see [`Scan::text_at`]).
    pub text: String,
    /// Byte offset of the block in the body.
    pub offset: usize,
    /// Inside a footnote definition.
    pub in_footnote: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub blocks: Vec<Block>,
    /// Footnote references in order: (label, body offset).
    pub footnote_refs: Vec<(String, usize)>,
    /// Footnote definitions: (label, body offset).
    pub footnote_defs: Vec<(String, usize)>,
    /// Shape of each table: (rows including the header row, columns).
    pub tables: Vec<(usize, usize)>,
    /// `[^label]` left as text: pulldown-cmark only makes a reference when the note is defined.
    pub undefined_refs: Vec<(String, usize)>,
    /// Malformed attribute markers: (offset, marker text).
    pub bad_markers: Vec<(usize, String)>,
}

impl Scan {
    pub fn anchors(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().filter_map(|b| b.id.as_deref())
    }

    /// The text of the block with this id, whitespace collapsed.
    pub fn text_at(&self, id: &str) -> Option<String> {
        self.blocks
            .iter()
            .find(|b| b.id.as_deref() == Some(id))
            .map(|b| collapse_ws(&b.text))
    }
}

/// Parses a body into anchored blocks, footnotes and tables, keeping every block's text.
pub fn scan(body: &str) -> Scan {
    scan_with(body, |_, _| true)
}

/// Parses a body into its blocks. `visit` sees each finished block with its plain text (whitespace
/// as the source has it) and says whether the block keeps that text: a caller that only needs
/// what it finds in the text (the symbols a document cites) reads it there instead of storing
/// it, which keeps a large corpus's parsed form small.
pub fn scan_with(body: &str, mut visit: impl FnMut(&Block, &str) -> bool) -> Scan {
    let mut scan = Scan::default();
    let mut current: Option<usize> = None; // index into blocks of the block collecting text
    let mut depth_in_item = 0usize; // nesting of items, to attach inner paragraphs to the item
    let mut awaiting_marker = false;
    let mut in_footnote = false;
    let mut table_rows = 0;
    let mut table_cols = 0;
    let mut text_buf = String::new();

    let mut finish = |scan: &mut Scan, current: &mut Option<usize>, buf: &mut String| {
        if let Some(i) = current.take() {
            // pulldown-cmark only makes a reference of `[^label]` when the note is defined;
            // otherwise the marker stays in the text, which is how we catch it.
            let mut rest = buf.as_str();
            while let Some(k) = find_footnote_marker(rest) {
                let after = &rest[k + 2..];
                match after.find(']') {
                    Some(j) if j > 0 && !after[..j].contains(char::is_whitespace) => {
                        scan.undefined_refs
                            .push((after[..j].to_string(), scan.blocks[i].offset));
                        rest = &after[j..];
                    }
                    _ => break,
                }
            }
            if visit(&scan.blocks[i], buf) {
                // A copy of exactly the text's length: the buffer's spare capacity stays with it.
                scan.blocks[i].text = buf.as_str().to_owned();
            }
        }
        buf.clear();
    };

    for (event, range) in
        TextMergeWithOffset::new(Parser::new_ext(body, options()).into_offset_iter())
    {
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                finish(&mut scan, &mut current, &mut text_buf);
                scan.blocks.push(Block {
                    kind: BlockKind::Heading(heading_level(level)),
                    id: id.map(|s| s.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    text: String::new(),
                    offset: range.start,
                    in_footnote,
                });
                current = Some(scan.blocks.len() - 1);
            }
            Event::End(TagEnd::Heading(_)) => finish(&mut scan, &mut current, &mut text_buf),
            Event::Start(Tag::Item) => {
                finish(&mut scan, &mut current, &mut text_buf);
                depth_in_item += 1;
                scan.blocks
                    .push(new_block(BlockKind::Item, range.start, in_footnote));
                current = Some(scan.blocks.len() - 1);
                awaiting_marker = true;
            }
            Event::End(TagEnd::Item) => {
                depth_in_item = depth_in_item.saturating_sub(1);
                finish(&mut scan, &mut current, &mut text_buf);
            }
            Event::Start(Tag::Paragraph) => {
                // The first paragraph of a loose list item belongs to the item.
                if current.is_some() && depth_in_item > 0 {
                    continue;
                }
                finish(&mut scan, &mut current, &mut text_buf);
                scan.blocks
                    .push(new_block(BlockKind::Paragraph, range.start, in_footnote));
                current = Some(scan.blocks.len() - 1);
                awaiting_marker = true;
            }
            Event::End(TagEnd::Paragraph) => {
                if depth_in_item == 0 {
                    finish(&mut scan, &mut current, &mut text_buf);
                } else {
                    text_buf.push(' ');
                }
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                finish(&mut scan, &mut current, &mut text_buf);
                scan.footnote_defs.push((label.to_string(), range.start));
                in_footnote = true;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                finish(&mut scan, &mut current, &mut text_buf);
                in_footnote = false;
            }
            Event::FootnoteReference(label) => {
                scan.footnote_refs.push((label.to_string(), range.start))
            }
            Event::Start(Tag::Table(aligns)) => {
                finish(&mut scan, &mut current, &mut text_buf);
                table_rows = 0;
                table_cols = aligns.len();
            }
            Event::End(TagEnd::Table) => scan.tables.push((table_rows, table_cols)),
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                table_rows += 1;
                scan.blocks.push(Block {
                    kind: BlockKind::TableRow,
                    id: Some(format!("t{}-r{}", scan.tables.len() + 1, table_rows - 1)),
                    ..new_block(BlockKind::TableRow, range.start, in_footnote)
                });
                current = Some(scan.blocks.len() - 1);
            }
            Event::End(TagEnd::TableHead) | Event::End(TagEnd::TableRow) => {
                finish(&mut scan, &mut current, &mut text_buf)
            }
            Event::End(TagEnd::TableCell) => text_buf.push(' '),
            Event::Text(t) => {
                let mut t: &str = &t;
                if awaiting_marker {
                    awaiting_marker = false;
                    if t.starts_with('{') {
                        match parse_marker(t) {
                            Some((id, classes, used)) => {
                                if let Some(i) = current {
                                    scan.blocks[i].id = id;
                                    scan.blocks[i].classes = classes;
                                }
                                t = &t[used..];
                            }
                            None => scan
                                .bad_markers
                                .push((range.start, t.chars().take(40).collect())),
                        }
                    }
                }
                text_buf.push_str(t);
            }
            Event::Code(t) => {
                awaiting_marker = false;
                text_buf.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak => text_buf.push(' '),
            Event::Html(h) | Event::InlineHtml(h) => {
                awaiting_marker = false;
                if !is_br(&h) {
                    text_buf.push_str(&h);
                } else {
                    text_buf.push(' ');
                }
            }
            _ => {
                if !matches!(
                    event,
                    Event::Start(Tag::Emphasis | Tag::Strong | Tag::Link { .. }) | Event::End(_)
                ) {
                    awaiting_marker = false;
                }
            }
        }
    }
    finish(&mut scan, &mut current, &mut text_buf);
    scan
}

/// Position of the next `[^` in `text` (a bracket is rare in running text, so a search for it
/// alone is the fastest way there).
fn find_footnote_marker(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(k) = memchr::memchr(b'[', &bytes[from..]) {
        let at = from + k;
        if bytes.get(at + 1) == Some(&b'^') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn new_block(kind: BlockKind, offset: usize, in_footnote: bool) -> Block {
    Block {
        kind,
        id: None,
        classes: Vec::new(),
        text: String::new(),
        offset,
        in_footnote,
    }
}
