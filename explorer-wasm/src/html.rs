//! A small builder for the result views: elements, attributes and text nodes assembled in a
//! detached `DocumentFragment`, then put into the page in one call.
//!
//! Index data only ever becomes text nodes and attribute values, never markup: no `innerHTML`.
//! Assembling off the page keeps the page's layout work to one insertion per view. Tag and
//! attribute names are literals of the web layer.

use wasm_bindgen::JsValue;
use web_sys::{Document, DocumentFragment, Element, Node};

/// A view being assembled. Calls chain; the first failure of the DOM is kept and reported by
/// [`Html::finish`], and everything after it is skipped.
pub struct Html {
    doc: Document,
    root: DocumentFragment,
    /// Open elements, innermost last; empty means "append to the fragment".
    open: Vec<Element>,
    failed: Option<JsValue>,
}

impl Html {
    pub fn new(doc: &Document) -> Html {
        Html {
            doc: doc.clone(),
            root: doc.create_document_fragment(),
            open: Vec::new(),
            failed: None,
        }
    }

    fn parent(&self) -> &Node {
        match self.open.last() {
            Some(e) => e,
            None => &self.root,
        }
    }

    /// Creates `<tag>` with its attributes (empty values are left out) under the current
    /// element, without opening it.
    fn element(&mut self, tag: &str, attrs: &[(&str, &str)]) -> Option<Element> {
        if self.failed.is_some() {
            return None;
        }
        let made = (|| {
            let e = self.doc.create_element(tag)?;
            for (name, value) in attrs.iter().filter(|(_, v)| !v.is_empty()) {
                e.set_attribute(name, value)?;
            }
            self.parent().append_child(&e)?;
            Ok::<_, JsValue>(e)
        })();
        match made {
            Ok(e) => Some(e),
            Err(e) => {
                self.failed = Some(e);
                None
            }
        }
    }

    /// Opens `<tag …>`: what follows goes inside it until [`Html::close`].
    pub fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) -> &mut Html {
        if let Some(e) = self.element(tag, attrs) {
            self.open.push(e);
        }
        self
    }

    pub fn close(&mut self, _tag: &str) -> &mut Html {
        self.open.pop();
        self
    }

    /// A text node.
    pub fn text(&mut self, text: &str) -> &mut Html {
        if self.failed.is_none() {
            let node = self.doc.create_text_node(text);
            if let Err(e) = self.parent().append_child(&node) {
                self.failed = Some(e);
            }
        }
        self
    }

    /// An existing node (the Map view's geometry, kept between renders), moved here.
    pub fn node(&mut self, node: &Node) -> &mut Html {
        if self.failed.is_none() {
            if let Err(e) = self.parent().append_child(node) {
                self.failed = Some(e);
            }
        }
        self
    }

    /// An element holding only `text`.
    pub fn el(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) -> &mut Html {
        if let Some(e) = self.element(tag, attrs) {
            e.set_text_content(Some(text));
        }
        self
    }

    /// The assembled nodes, or the first failure.
    pub fn finish(self) -> Result<DocumentFragment, JsValue> {
        match self.failed {
            Some(e) => Err(e),
            None => Ok(self.root),
        }
    }
}

/// Replaces the children of `target` with the assembled view.
pub fn replace_children(target: &Element, h: Html) -> Result<(), JsValue> {
    let nodes = h.finish()?;
    target.set_text_content(None);
    target.append_child(&nodes)?;
    Ok(())
}
