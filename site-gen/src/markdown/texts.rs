//! The plain text of each block, recorded by the HTML renderer as it writes the block (the
//! open-data API is made from it, so it never parses the Markdown twice nor reads HTML): every
//! anchored block, and every block outside an anchored one (a masthead line, a translator's
//! note), so that the API holds the whole text.
//! What counts as a block's text is the page's: words apart where blocks meet, no permalink
//! sign, no footnote markers.
//!
//! It must not write HTML nor know the site: it receives runs of text and block boundaries.

use crate::text::collapse_ws;
use pulldown_cmark::{Tag, TagEnd};

/// What an anchored block is, as the API names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    Paragraph,
    /// With its level (1–6): the search index reads where a section ends.
    Heading(u8),
    ListItem,
    TableRow,
    Footnote,
}

impl TextKind {
    pub fn key(self) -> &'static str {
        match self {
            TextKind::Paragraph => "paragraph",
            TextKind::Heading(_) => "heading",
            TextKind::ListItem => "list-item",
            TextKind::TableRow => "table-row",
            TextKind::Footnote => "footnote",
        }
    }
}

/// A block (paragraph, heading, list item, table row or footnote) as the page shows it, in
/// plain text: runs of whitespace collapsed, without the permalink sign and without
/// the footnote markers (those are in `notes`). Table cells are joined by ` | `. A block nested
/// in another (an anchored item in an anchored item) is its own record, and not part of the
/// text of the block around it.
#[derive(Debug, Clone)]
pub struct TextBlock {
    /// `None` for a block without an anchor of its own (recorded only outside anchored blocks).
    pub anchor: Option<String>,
    pub kind: TextKind,
    pub text: String,
    /// Symbols of the documents the block cites (linked in its text), in order, once each.
    pub cites: Vec<String>,
    /// Labels of the footnotes the block refers to, in order.
    pub notes: Vec<String>,
}

/// Separates the cells of a table row while it is recorded; replaced by ` | ` at its end.
pub(super) const CELL: char = '\u{1f}';

/// The blocks being written, innermost last, and those already closed.
#[derive(Default)]
pub(super) struct TextRecorder {
    pub(super) texts: Vec<TextBlock>,
    open: Vec<usize>,
}

impl TextRecorder {
    pub(super) fn open(&mut self, anchor: &str, kind: TextKind) {
        self.start(Some(anchor.to_string()), kind);
    }

    /// Opens a paragraph, list item or heading: under its anchor, or without one when no block
    /// is being recorded (inside one, its text is the text of the block around it) and it is not
    /// part of a footnote (recorded whole as the note). Says whether it opened a record, so that
    /// the caller closes it.
    pub(super) fn open_text(
        &mut self,
        anchor: Option<&str>,
        kind: TextKind,
        in_note: bool,
    ) -> bool {
        match anchor {
            Some(anchor) => self.open(anchor, kind),
            None if in_note || !self.open.is_empty() => return false,
            None => self.start(None, kind),
        }
        true
    }

    fn start(&mut self, anchor: Option<String>, kind: TextKind) {
        self.open.push(self.texts.len());
        self.texts.push(TextBlock {
            anchor,
            kind,
            text: String::new(),
            cites: Vec::new(),
            notes: Vec::new(),
        });
    }

    pub(super) fn close(&mut self) {
        if let Some(k) = self.open.pop() {
            let b = &mut self.texts[k];
            b.text = if b.kind == TextKind::TableRow {
                let cells: Vec<String> = b.text.split(CELL).map(collapse_ws).collect();
                cells.join(" | ")
            } else {
                collapse_ws(&b.text)
            };
        }
    }

    pub(super) fn current(&mut self) -> Option<&mut TextBlock> {
        let k = *self.open.last()?;
        self.texts.get_mut(k)
    }

    pub(super) fn push(&mut self, text: &str) {
        if let Some(b) = self.current() {
            b.text.push_str(text);
        }
    }

    /// Files the symbols linked in the current block's text.
    pub(super) fn cited(&mut self, found: Vec<String>) {
        if let Some(b) = self.current() {
            for s in found {
                if !b.cites.contains(&s) {
                    b.cites.push(s);
                }
            }
        }
    }
}

/// Whether a tag opens a block: its text is apart from the text before it.
pub(super) fn is_block_tag(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::List(_)
            | Tag::Item
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::FootnoteDefinition(_)
    )
}

/// Whether a tag closes a block (see [`is_block_tag`]).
pub(super) fn is_block_end(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::FootnoteDefinition
    )
}
