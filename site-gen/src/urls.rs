//! Every site URL is built here, so templates, the sitemap and the link checker agree.
//! Paths are identical in both languages apart from the language prefix, which makes the
//! language switcher a prefix swap.

use crate::types::{Lang, Slug, StateId, TopicId};

#[derive(Debug, Clone)]
pub struct Urls {
    /// Path part of the base URL, `/` or `/sub/path/`.
    pub base: String,
}

impl Urls {
    pub fn new(base: String) -> Urls {
        Urls { base }
    }

    pub fn root(&self) -> String {
        self.base.clone()
    }

    /// A page path relative to the language root (`documents/a-78-76/`), made site-absolute.
    pub fn page(&self, lang: Lang, rel: &str) -> String {
        let mut s = String::new();
        self.push_page(&mut s, lang, &[rel]);
        s
    }

    /// [`Urls::page`] for a path given in parts, written onto `out`: the mention linker writes
    /// tens of thousands of URLs, and a `String` for each, through `format!`, was 1 % of a
    /// large build.
    fn push_page(&self, out: &mut String, lang: Lang, rel: &[&str]) {
        for part in [&self.base, lang.code(), "/"]
            .into_iter()
            .chain(rel.iter().copied())
        {
            out.push_str(part);
        }
    }

    pub fn home(&self, lang: Lang) -> String {
        self.page(lang, "")
    }

    pub fn document(&self, lang: Lang, slug: &Slug) -> String {
        let mut s = String::new();
        self.push_document(&mut s, lang, slug);
        s
    }

    pub fn state(&self, lang: Lang, id: &StateId) -> String {
        let mut s = String::new();
        self.push_state(&mut s, lang, id);
        s
    }

    /// [`Urls::document`], written onto `out`.
    pub fn push_document(&self, out: &mut String, lang: Lang, slug: &Slug) {
        self.push_page(out, lang, &doc_rel_parts(slug));
    }

    /// [`Urls::state`], written onto `out`.
    pub fn push_state(&self, out: &mut String, lang: Lang, id: &StateId) {
        self.push_page(out, lang, &["states/", id.as_str(), "/"]);
    }

    pub fn topic(&self, lang: Lang, id: &TopicId) -> String {
        self.page(lang, &format!("topics/{id}/"))
    }

    pub fn asset(&self, rel: &str) -> String {
        format!("{}static/{}", self.base, rel)
    }

    pub fn data(&self, rel: &str) -> String {
        format!("{}data/{}", self.base, rel)
    }
}

pub fn doc_rel(slug: &Slug) -> String {
    doc_rel_parts(slug).concat()
}

fn doc_rel_parts(slug: &Slug) -> [&str; 3] {
    ["documents/", slug.as_str(), "/"]
}

/// An authored page (`about/`, `corrections/`).
pub fn page_rel(slug: &Slug) -> String {
    format!("{slug}/")
}

/// The bilingual view of a document: a file beside the document page rather than a directory
/// of its own, which halves the directories a large corpus creates.
pub fn parallel_rel(slug: &Slug) -> String {
    format!("documents/{slug}/parallel.html")
}

/// Output file for a page path relative to the language root: `…/` pages are directories with
/// an `index.html`, `….html` pages are files.
pub fn file_for(lang: Lang, rel: &str) -> String {
    if rel.ends_with(".html") {
        format!("{}/{rel}", lang.code())
    } else {
        format!("{}/{rel}index.html", lang.code())
    }
}
