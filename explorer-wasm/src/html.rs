//! A minimal HTML writer for the result views.
//!
//! A view is written as one string and handed to the page in one call: building fifty cards
//! node by node costs about forty calls across the WebAssembly boundary per card, which was most
//! of the time to the first view. Every text and attribute value goes through [`escape`], so
//! index data can never become markup; tag and attribute names are literals of the web layer.

/// An HTML fragment being written.
#[derive(Default)]
pub struct Html(String);

impl Html {
    pub fn new() -> Html {
        Html::default()
    }

    /// `<tag name="value"…>`; attributes with an empty value are left out.
    pub fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) -> &mut Html {
        self.0.push('<');
        self.0.push_str(tag);
        for (name, value) in attrs.iter().filter(|(_, v)| !v.is_empty()) {
            self.0.push(' ');
            self.0.push_str(name);
            self.0.push_str("=\"");
            escape(value, &mut self.0);
            self.0.push('"');
        }
        self.0.push('>');
        self
    }

    pub fn close(&mut self, tag: &str) -> &mut Html {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
        self
    }

    /// Text content, escaped.
    pub fn text(&mut self, text: &str) -> &mut Html {
        escape(text, &mut self.0);
        self
    }

    /// An element holding only `text`.
    pub fn el(&mut self, tag: &str, attrs: &[(&str, &str)], text: &str) -> &mut Html {
        self.open(tag, attrs).text(text).close(tag)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Appends `s` with the five characters that can end a text or an attribute value escaped.
pub fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attribute_values() {
        let mut h = Html::new();
        h.open("a", &[("href", "/x?a=1&b=\"2\""), ("class", "")])
            .text("<img src=x onerror='alert(1)'> & co")
            .close("a");
        assert_eq!(
            h.as_str(),
            "<a href=\"/x?a=1&amp;b=&quot;2&quot;\">&lt;img src=x onerror=&#39;alert(1)&#39;&gt; &amp; co</a>"
        );
    }

    #[test]
    fn el_wraps_text_and_keeps_unicode() {
        let mut h = Html::new();
        h.el("p", &[("class", "card-note")], "L’État « a » — ok");
        assert_eq!(h.as_str(), "<p class=\"card-note\">L’État « a » — ok</p>");
    }
}
