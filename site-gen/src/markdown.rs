//! Markdown with paragraph anchors: parsing into blocks (for validation and quotes) and rendering
//! to HTML (with mentions turned into links).
//!
//! A paragraph or list item may start with an attribute marker `{#id .class}`; headings use the
//! trailing `{#id}` form that pulldown-cmark understands. Raw HTML in content is never passed
//! through: it is shown as text, except `<br>` (allowed for line breaks in table cells).

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd, TextMergeStream,
    TextMergeWithOffset,
};
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn options() -> Options {
    // Smart punctuation stays off: quotes must remain verbatim.
    Options::ENABLE_FOOTNOTES | Options::ENABLE_TABLES | Options::ENABLE_HEADING_ATTRIBUTES
}

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

/// Parses a leading `{#id .class …}` marker. Returns (id, classes, bytes consumed incl. spaces).
pub fn parse_marker(text: &str) -> Option<(Option<String>, Vec<String>, usize)> {
    let rest = text.strip_prefix('{')?;
    let close = rest.find('}')?;
    let inner = &rest[..close];
    if inner.is_empty() || !(inner.starts_with('#') || inner.starts_with('.')) {
        return None;
    }
    let mut id = None;
    let mut classes = Vec::new();
    for part in inner.split_whitespace() {
        if let Some(i) = part.strip_prefix('#') {
            if id.is_some() {
                return None;
            }
            id = Some(i.to_string());
        } else if let Some(c) = part.strip_prefix('.') {
            classes.push(c.to_string());
        } else {
            return None;
        }
    }
    let after = &rest[close + 1..];
    let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
    Some((id, classes, 1 + close + 1 + spaces))
}

pub fn collapse_ws(s: &str) -> String {
    // Same result as `split_whitespace().join(" ")` (Unicode spaces, such as the no-break
    // spaces of French typography, count), but it runs over every block of the corpus, so it
    // copies whole stretches of text at once: a lone ASCII space between two words is already
    // what the result needs, and only other whitespace (runs, line breaks, no-break spaces, the
    // ends) starts a new stretch. Every non-ASCII space starts with one of four lead bytes, and
    // UTF-8 continuation bytes are never lead bytes, so only those need decoding.
    let bytes = s.as_bytes();
    let n = bytes.len();
    let mut out = String::with_capacity(n);
    let mut i = skip_spaces(s, 0);
    let mut stretch = i; // start of the text not yet copied
    while i < n {
        // The common case, one byte at a time through a table: not a space, nor a lead byte.
        if MAYBE_SPACE[bytes[i] as usize] == 0 {
            i += 1;
            continue;
        }
        if space_len(s, i) == 0 {
            i += 1; // a lead byte of some other character (its continuation bytes are not)
            continue;
        }
        if bytes[i] == b' ' && i + 1 < n && space_len(s, i + 1) == 0 {
            i += 2;
            continue;
        }
        out.push_str(&s[stretch..i]);
        i = skip_spaces(s, i);
        if i < n {
            out.push(' ');
        }
        stretch = i;
    }
    out.push_str(&s[stretch..]);
    out
}

/// Bytes that are, or may start, a whitespace character: the ASCII spaces and the lead bytes
/// of U+0085, U+00A0, U+1680, U+2000–U+205F and U+3000.
const MAYBE_SPACE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut k = 0;
    let bytes = [
        b'\t', b'\n', 0x0b, 0x0c, b'\r', b' ', 0xc2, 0xe1, 0xe2, 0xe3,
    ];
    while k < bytes.len() {
        t[bytes[k] as usize] = 1;
        k += 1;
    }
    t
};

/// Length of the whitespace character at byte `i` of `s` (a character boundary), or 0.
#[inline]
fn space_len(s: &str, i: usize) -> usize {
    match s.as_bytes()[i] {
        b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' => 1,
        0xc2 | 0xe1 | 0xe2 | 0xe3 => match s[i..].chars().next() {
            Some(c) if c.is_whitespace() => c.len_utf8(),
            _ => 0,
        },
        _ => 0,
    }
}

fn skip_spaces(s: &str, mut i: usize) -> usize {
    while i < s.len() {
        match space_len(s, i) {
            0 => break,
            k => i += k,
        }
    }
    i
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

fn heading_level(level: HeadingLevel) -> u8 {
    level as u8
}

fn is_br(html: &str) -> bool {
    matches!(
        html.trim().to_ascii_lowercase().as_str(),
        "<br>" | "<br/>" | "<br />"
    )
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    esc_into(&mut out, s);
    out
}

/// Appends `s` escaped for HTML text and double-quoted attributes (`&`, `<`, `>`, `"`): the
/// hottest function of a build, since templates escape every value they print. Most text has
/// nothing to escape, so it is searched with SIMD (`memchr3` for `&<>`, `memchr` for `"`, each
/// search run again only once its match is used) and copied in whole runs.
pub fn esc_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let markup = |from: usize| memchr::memchr3(b'&', b'<', b'>', &bytes[from..]).map(|k| from + k);
    let quote = |from: usize| memchr::memchr(b'"', &bytes[from..]).map(|k| from + k);
    let (mut next_markup, mut next_quote) = (markup(0), quote(0));
    let mut last = 0;
    loop {
        let i = match (next_markup, next_quote) {
            (None, None) => break,
            (Some(m), None) => m,
            (None, Some(q)) => q,
            (Some(m), Some(q)) => m.min(q),
        };
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        };
        out.push_str(&s[last..i]);
        out.push_str(entity);
        last = i + 1;
        if next_markup == Some(i) {
            next_markup = markup(last);
        } else {
            next_quote = quote(last);
        }
    }
    out.push_str(&s[last..]);
}

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

/// Label shown for a footnote: its source number (`slv-8` shows `8`, `star` shows `*`).
pub fn footnote_display(label: &str) -> String {
    if label == "star" {
        return "*".into();
    }
    label.rsplit('-').next().unwrap_or(label).to_string()
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
            write_notes(&mut out, &mut notes, &ref_count, linker);
            if depth == 0 && out.len() > before {
                blocks.push(before..out.len() - 1);
            }
        };
    }

    while i < events.len() {
        let event = &events[i];
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
                }
            }
            Event::End(TagEnd::Paragraph) => {
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
                }
                i = opened.last;
                closers.push(opened.permalink);
            }
            Event::End(TagEnd::Item) => {
                item_depth -= 1;
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
                let classes: Vec<String> = classes.iter().map(|c| c.to_string()).collect();
                w!("<h{lvl}{}>", attrs(id.as_deref(), &classes));
                heading = Some((lvl, id.unwrap_or_default(), String::new()));
            }
            Event::End(TagEnd::Heading(level)) => {
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
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                row_index = 1;
                w!("</tr></thead><tbody>\n");
            }
            Event::Start(Tag::TableRow) => {
                cell = 0;
                block_text.clear();
                word.reset();
                w!("<tr id=\"t{table_index}-r{row_index}\">");
                row_index += 1;
            }
            Event::End(TagEnd::TableRow) => put!("</tr>\n"),
            Event::Start(Tag::TableCell) => {
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
                if safe_href(dest_url) {
                    let ext = dest_url.starts_with("http");
                    w!("<a href=\"{}\"", esc(dest_url));
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
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                if let Some(n) = note_buf.take() {
                    notes.push(n);
                }
            }
            Event::FootnoteReference(label) => {
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
                let target = target!();
                if in_link > 0 {
                    esc_into(target, t);
                } else {
                    word.add(start..block_text.len());
                    linker.link_text(target, t, &mut || word.ask(&block_text));
                }
            }
            Event::Code(t) => {
                block_text.push_str(t);
                w!("<code>{}</code>", esc(t));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                if is_br(h) {
                    w!("<br>");
                } else {
                    w!("{}", esc(h));
                }
            }
            Event::SoftBreak => {
                block_text.push(' ');
                put!("\n");
            }
            Event::HardBreak => {
                block_text.push(' ');
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
    }
}

/// Writes the footnotes collected so far as one block, where they fall in the document: the end
/// of the section they belong to (each reply of A/78/76 has its own numbering), or the end.
fn write_notes(
    out: &mut String,
    notes: &mut Vec<(String, String)>,
    ref_count: &BTreeMap<String, usize>,
    linker: &dyn Linker,
) {
    if notes.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<div class=\"footnotes\">\n<p class=\"footnotes-title\">{}</p>\n<ul>",
        esc(linker.footnotes_heading())
    );
    for (label, html) in notes.drain(..) {
        let back = if ref_count.contains_key(&label) {
            format!(
                " <a class=\"footnote-back\" href=\"#fnref-{}\" role=\"doc-backlink\" aria-label=\"{}\">↩</a>",
                esc(&label),
                esc(linker.back_label())
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
        permalink: id.map(|id| permalink(&id, linker)),
        paragraphs,
    }
}

/// What opening an anchored block did.
struct Opened {
    /// The index of the last event consumed.
    last: usize,
    /// The permalink to write before the block's closing tag.
    permalink: Option<String>,
    /// Paragraphs opened inside it (a loose item's first paragraph comes with the marker).
    paragraphs: usize,
}

/// Looks at the first text of the block starting at `i` for an attribute marker.
fn marker_ahead(events: &[Event], i: usize) -> (Option<String>, Vec<String>, usize) {
    let mut j = i + 1;
    while let Some(ev) = events.get(j) {
        match ev {
            Event::Start(Tag::Paragraph) => j += 1,
            Event::Text(t) => {
                return match parse_marker(t) {
                    Some((id, classes, used)) => (id, classes, used),
                    None => (None, Vec::new(), 0),
                };
            }
            _ => break,
        }
    }
    (None, Vec::new(), 0)
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
                .any(|r| crate::mentions::speaks_of_resolutions(&block_text[r]));
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
    s
}

fn pending_permalink(used: &mut BTreeMap<String, usize>, id: &str) {
    *used.entry(id.to_string()).or_insert(0) += 1;
}

fn attrs(id: Option<&str>, classes: &[String]) -> String {
    let mut s = String::new();
    write_attrs(&mut s, id, classes);
    s
}

fn write_attrs(out: &mut String, id: Option<&str>, classes: &[String]) {
    if let Some(id) = id {
        out.push_str(" id=\"");
        esc_into(out, id);
        out.push('"');
    }
    if !classes.is_empty() {
        out.push_str(" class=\"");
        esc_into(out, &classes.join(" "));
        out.push('"');
    }
}

fn heading_slug(rest: &[Event]) -> String {
    let mut text = String::new();
    for e in rest {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::End(TagEnd::Heading(_)) => break,
            _ => {}
        }
    }
    slugify(&text)
}

/// ASCII slug of a text: accents folded, everything else a hyphen.
pub fn slugify(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut s = String::new();
    for c in text.nfd() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '\'' || c == '’') && !s.ends_with('-') {
            // Non-ASCII letters are the combining marks left by NFD: dropping them folds accents.
            s.push('-');
        }
    }
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "section".into()
    } else {
        s
    }
}

fn unique_id(used: &mut BTreeMap<String, usize>, id: String) -> String {
    let n = used.entry(id.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        id
    } else {
        format!("{id}-{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
