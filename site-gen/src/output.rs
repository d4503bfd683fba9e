//! What the render stage hands to the stages after it: the rendered files ([`Output`]) and the
//! pages whose long text is kept apart from their frame ([`PageText`], [`RenderedPage`]).
//!
//! Plain records, below every stage that uses them (render, sink, emit, serve): this module must
//! not depend on any stage. It uses only the link check's reading of a text
//! ([`crate::linkcheck::text_refs`]), so that a text printed by several pages is read once.

use crate::linkcheck::{text_refs, TextRefs};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// The rendered site: each file's path relative to the output directory, and its bytes.
pub type Output = BTreeMap<String, Vec<u8>>;

/// The long text of a page (a document's body, the parallel view's rows), kept out of the
/// template engine: the template prints a marker where it goes, and the text is written in
/// its place as the page is stored. The parallel view prints the same rows in both languages;
/// they are then read once by the link check, not once per page.
#[derive(Debug, Default)]
pub struct PageText {
    pub html: String,
    /// What the link check keeps of the text, made by the first page stored with it.
    refs: OnceLock<Arc<TextRefs>>,
}

impl PageText {
    pub fn new(html: String) -> PageText {
        PageText {
            html,
            refs: OnceLock::new(),
        }
    }

    pub(crate) fn refs(&self) -> Arc<TextRefs> {
        Arc::clone(
            self.refs
                .get_or_init(|| Arc::new(text_refs(self.html.as_bytes()))),
        )
    }
}

/// A rendered page: the template's output (`frame`) and, when the page has a [`PageText`],
/// where it goes in the frame. Every hole lies between two tags of the frame, and the text is
/// whole elements, so the attributes of the page are those of the frame and of the text.
#[derive(Debug, Default)]
pub struct RenderedPage {
    pub frame: Vec<u8>,
    /// Offsets in `frame` where the text is written, in ascending order.
    pub holes: Vec<usize>,
    pub text: Option<Arc<PageText>>,
}

impl RenderedPage {
    pub fn whole(bytes: Vec<u8>) -> RenderedPage {
        RenderedPage {
            frame: bytes,
            ..RenderedPage::default()
        }
    }

    /// The page's bytes, in order: frame, text, frame…
    pub fn segments(&self) -> Vec<&[u8]> {
        let text = self.text.as_deref().map_or(&[][..], |t| t.html.as_bytes());
        let mut out = Vec::with_capacity(2 * self.holes.len() + 1);
        let mut from = 0;
        for &hole in &self.holes {
            out.push(&self.frame[from..hole]);
            out.push(text);
            from = hole;
        }
        out.push(&self.frame[from..]);
        out
    }

    pub fn into_bytes(self) -> Vec<u8> {
        if self.holes.is_empty() {
            return self.frame;
        }
        self.segments().concat()
    }
}
