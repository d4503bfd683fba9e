//! Home and authored pages: the home page (every document, the counts of States and positions)
//! and the pages written in `content/pages/` (about, corrections…), rendered from their Markdown.
//!
//! It must not hold content rules (validate checks the pages) nor other families' pages.

use super::context::{Job, Renderer};
use super::format::object;
use crate::markdown;
use crate::types::Lang;
use crate::urls::page_rel;
use serde_json::{json, Value};

impl Renderer<'_> {
    pub(super) fn home_job(&self, lang: Lang) -> Job {
        let docs = self.doc_summaries(lang);
        Job {
            template: "home.html",
            lang,
            rel: String::new(),
            title: self.t(lang, "site_title"),
            alternate: true,
            text: None,
            ctx: object([
                ("documents", Value::Array(docs)),
                ("n_states", self.linked.checked.states.len().into()),
                ("n_positions", self.linked.checked.positions.len().into()),
                ("map", self.visuals(lang).home_map().into()),
                ("card", self.home_card(lang)),
            ]),
        }
    }

    /// The page in `lang`, and the texts its body was recorded with when it is the page's own
    /// edition in that language (a page shown in the other language is not indexed in this one).
    pub(super) fn page_job(
        &self,
        lang: Lang,
        page: &crate::load::Page,
    ) -> (Option<Job>, Option<Vec<markdown::TextBlock>>) {
        let (ed, fallback) = match page.editions.get(&lang) {
            Some(e) => (e, false),
            None => match page.editions.get(&lang.other()) {
                Some(e) => (e, true),
                None => return (None, None),
            },
        };
        let mut rendered = markdown::render(ed.source.body(), &self.linker(lang), true);
        let texts = (!fallback).then(|| std::mem::take(&mut rendered.texts));
        let c = &self.linked.checked;
        let job = Job {
            template: "page.html",
            lang,
            rel: page_rel(&page.slug),
            title: ed.front.title.clone(),
            alternate: true,
            text: None,
            ctx: json!({
                "page": {"title": ed.front.title, "description": ed.front.description, "body": rendered.html,
                         "toc": rendered.toc, "fallback": fallback, "content_lang": ed.lang.code()},
                // The agreement table, computed from the data, ends the methodology page.
                "reliability": c.corpus.reliability.as_ref()
                    .filter(|_| page.slug.as_str() == "methodology")
                    .map(|s| crate::reliability::context(&s.data, &crate::reliability::Labels {
                        topics: c.topics.iter().map(|t| (&t.id, t.label[&lang].as_str())).collect(),
                        states: c.states.iter().map(|(id, s)| (id, s.name(lang))).collect(),
                        stances: c.stance_labels.iter().map(|(k, v)| (k, v[&lang].as_str())).collect(),
                        replies_url: c.replies_doc.as_ref().map(|d| self.urls.document(lang, d)),
                    }, lang)),
            }),
        };
        (Some(job), texts)
    }
}
