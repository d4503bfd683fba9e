//! The template engine and what makes it fast: the theme's templates compiled once per
//! language with that language's UI strings written in, each template given only the strings it
//! can reach, and long texts (a document's body, the parallel rows) spliced into the rendered
//! page instead of passing through tera.
//!
//! It knows templates, strings and bytes, not pages: it must not build page contexts or know
//! which pages exist (that is the page families' job), and every optimisation here must leave
//! the output byte-identical to plain tera rendering.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::load::Theme;
use crate::output::{PageText, RenderedPage};
use crate::text;
use crate::types::Lang;
use memchr::memmem::Finder;
use rayon::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// What a template prints where a page's long text goes, when the text is kept out of the
/// template engine ([`PageText`]). An HTML comment: no escaped value can hold `<!--`.
pub(super) const TEXT_MARKER: &str = "<!--site-gen:text-->";

/// The names under which pages get a long text: a document's `body`, the parallel view's `parallel_rows`.
const TEXT_NAMES: [&str; 3] = ["body", "parallel_rows", "citations"];

/// The theme's templates, ready to render pages in either language.
pub(super) struct Templates {
    /// The theme's directory, where rendering errors are reported.
    dir: PathBuf,
    /// Per language, the theme's templates with that language's UI strings written in where
    /// a template prints one as it is (see [`with_strings`]).
    tera: BTreeMap<Lang, tera::Tera>,
    /// Per language and template: the UI strings that template can reach, as its `t`.
    strings_for: BTreeMap<Lang, BTreeMap<String, Value>>,
    /// The [`TEXT_NAMES`] the theme prints only as `{{ name | safe }}`: their texts are spliced
    /// into the page instead of going through the template engine.
    spliced: BTreeSet<&'static str>,
}

impl Templates {
    /// Compiles the theme; template errors are reported at their own file and line.
    pub(super) fn compile(theme: &Theme) -> (Templates, Diagnostics) {
        let mut d = Diagnostics::default();
        // The templates as written are compiled only to report their errors at their own lines;
        // pages are rendered from each language's copy. The three sets compile side by side.
        let (as_written, copies) = rayon::join(
            || {
                let mut d = Diagnostics::default();
                compile_templates(&theme.templates, &theme.dir, &mut d);
                d
            },
            || {
                Lang::ALL
                    .par_iter()
                    .map(|lang| {
                        let strings = &theme.i18n[lang].strings;
                        let templates: Vec<(String, std::path::PathBuf, String)> = theme
                            .templates
                            .iter()
                            .map(|(n, p, t)| {
                                // Only where tera escapes what it prints, as the strings
                                // written in are.
                                let escaped = n.ends_with(".html") || n.ends_with(".xml");
                                let text = if escaped {
                                    with_strings(t, strings)
                                } else {
                                    t.clone()
                                };
                                (n.clone(), p.clone(), text)
                            })
                            .collect();
                        let mut d = Diagnostics::default();
                        let tera = compile_templates(&templates, &theme.dir, &mut d);
                        (*lang, templates, tera, d)
                    })
                    .collect::<Vec<_>>()
            },
        );
        let mut per_lang = BTreeMap::new();
        let mut per_lang_templates = BTreeMap::new();
        // The copies' errors would repeat those of the templates as written.
        let written_ok = as_written.is_empty();
        d.extend(as_written);
        if written_ok {
            for (lang, templates, tera, errors) in copies {
                d.extend(errors);
                per_lang.insert(lang, tera);
                per_lang_templates.insert(lang, templates);
            }
        }
        let mut strings_for: BTreeMap<Lang, BTreeMap<String, Value>> = BTreeMap::new();
        for lang in Lang::ALL {
            // The keys each template still looks up once the strings are written in.
            let keys = per_lang_templates
                .get(&lang)
                .map(|t| template_string_keys(t))
                .unwrap_or_default();
            let strings = &theme.i18n[&lang].strings;
            for (name, keys) in &keys {
                let t: serde_json::Map<String, Value> = match keys {
                    Some(keys) => keys
                        .iter()
                        .filter_map(|k| Some((k.clone(), Value::from(strings.get(k)?.as_str()))))
                        .collect(),
                    None => strings
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                        .collect(),
                };
                strings_for
                    .entry(lang)
                    .or_default()
                    .insert(name.clone(), Value::Object(t));
            }
        }
        let templates = Templates {
            dir: theme.dir.clone(),
            tera: per_lang,
            strings_for,
            spliced: TEXT_NAMES
                .into_iter()
                .filter(|n| prints_only_safe(&theme.templates, n))
                .collect(),
        };
        (templates, d)
    }

    /// The UI strings `template` can reach in `lang`, as its `t` (an empty object for a
    /// template that uses none).
    pub(super) fn strings_for(&self, lang: Lang, template: &str) -> Value {
        self.strings_for
            .get(&lang)
            .and_then(|by_template| by_template.get(template))
            .cloned()
            .unwrap_or_else(|| Value::Object(Default::default()))
    }

    /// Renders a page: `text`, its long text with the name the template prints it under, is
    /// spliced in after the template, or given to it where the theme does more than print it.
    pub(super) fn render_page(
        &self,
        lang: Lang,
        template: &str,
        mut ctx: serde_json::Map<String, Value>,
        text: Option<(&'static str, Arc<PageText>)>,
    ) -> Result<RenderedPage, Diagnostic> {
        let mut spliced = None;
        if let Some((name, text)) = text {
            if self.spliced.contains(name) {
                ctx.insert(name.into(), TEXT_MARKER.into());
                spliced = Some(text);
            } else {
                ctx.insert(name.into(), Value::String(text.html.clone()));
            }
        }
        let html = self.render(lang, template, Value::Object(ctx))?;
        Ok(match spliced {
            Some(text) => splice(html, text),
            None => RenderedPage::whole(html),
        })
    }

    /// Renders a template into bytes (tera writes UTF-8; turning it into a `String` would only
    /// validate it again).
    pub(super) fn render(&self, lang: Lang, name: &str, ctx: Value) -> Result<Vec<u8>, Diagnostic> {
        // Room for the page's own text (a document's body, the parallel rows) and its frame, so
        // that the buffer is not regrown and copied while the page is written.
        let capacity = 24 * 1024 + long_text(&ctx, 2);
        let context = tera::Context::from_value(ctx)
            .map_err(|e| Diagnostic::new(&self.dir, 0, format!("template context: {e}"), ""))?;
        let mut html = Vec::with_capacity(capacity);
        // Both languages' template sets exist once `compile` has succeeded.
        let tera = self
            .tera
            .get(&lang)
            .ok_or_else(|| Diagnostic::new(&self.dir, 0, format!("no templates for {lang}"), ""))?;
        tera.render_to(name, &context, &mut html).map_err(|e| {
            let msg = error_chain(&e);
            let hint = if msg.contains("t.") && msg.contains("not found") {
                "a UI string is missing: add the key to themes/default/i18n/fr.toml and en.toml"
            } else {
                "fix the template or the data it uses"
            };
            Diagnostic::new(
                &self.dir.join("templates").join(name),
                0,
                format!("cannot render: {msg}"),
                hint,
            )
        })?;
        Ok(html)
    }
}

/// For each template, the UI-string keys it can reach through `t.key` or `t["key"]`, itself or
/// through what it extends or includes; `None` when it also looks keys up by a computed name
/// (`t[name]`) and so needs them all.
fn template_string_keys(
    templates: &[(String, std::path::PathBuf, String)],
) -> BTreeMap<String, Option<std::collections::BTreeSet<String>>> {
    use std::sync::LazyLock;
    static KEY: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"(?:^|[^\w.])t(?:\.(\w+)|\["([^"]+)"\]|(\[))"#).expect("valid regex")
    });
    static PARENT: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"\{%-?\s*(?:extends|include)\s+"([^"]+)""#).expect("valid regex")
    });
    let own: BTreeMap<&str, (Option<std::collections::BTreeSet<String>>, Vec<&str>)> = templates
        .iter()
        .map(|(name, _, text)| {
            let mut keys = Some(std::collections::BTreeSet::new());
            for c in KEY.captures_iter(text) {
                match (c.get(1).or(c.get(2)), &mut keys) {
                    (Some(k), Some(set)) => {
                        set.insert(k.as_str().to_string());
                    }
                    (None, _) => keys = None,
                    _ => {}
                }
            }
            let parents = PARENT
                .captures_iter(text)
                .filter_map(|c| c.get(1).map(|m| m.as_str()))
                .collect();
            (name.as_str(), (keys, parents))
        })
        .collect();
    own.keys()
        .map(|name| {
            let mut keys = Some(std::collections::BTreeSet::new());
            let mut todo = vec![*name];
            let mut seen = std::collections::BTreeSet::new();
            while let Some(n) = todo.pop() {
                if !seen.insert(n) {
                    continue;
                }
                let Some((k, parents)) = own.get(n) else {
                    continue;
                };
                match (k, &mut keys) {
                    (Some(k), Some(set)) => set.extend(k.iter().cloned()),
                    _ => keys = None,
                }
                todo.extend(parents.iter().copied());
            }
            (name.to_string(), keys)
        })
        .collect()
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

/// The length of the long strings (4 KiB or more) of a context, down to `depth` levels of
/// objects: the pre-rendered HTML a page prints whole.
fn long_text(v: &Value, depth: usize) -> usize {
    match v {
        Value::String(s) if s.len() >= 4096 => s.len(),
        Value::Object(m) if depth > 0 => m.values().map(|v| long_text(v, depth - 1)).sum(),
        _ => 0,
    }
}

/// A template engine set up as every template of the theme expects, holding `templates`
/// (name, file, text). Templates are added one by one so that a syntax error names its file.
fn compile_templates(
    templates: &[(String, std::path::PathBuf, String)],
    dir: &std::path::Path,
    d: &mut Diagnostics,
) -> tera::Tera {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // Escape what HTML needs and no more: tera's default also escapes `/`, which makes every
    // URL in the output unreadable (`&#x2F;fr&#x2F;…`) for no safety gain inside quoted attributes.
    tera.set_escape_fn(text::esc);
    for (name, path, text) in templates {
        if let Err(e) = tera.add_raw_template(name, text) {
            let msg = error_chain(&e);
            d.push(Diagnostic::new(
                path,
                tera_line(&msg),
                format!("template error: {msg}"),
                "fix the template syntax (tera, like Jinja2)",
            ));
        }
    }
    if let Err(e) = tera.build_inheritance_chains() {
        d.error(
            dir,
            0,
            format!("template error: {}", error_chain(&e)),
            "check extends/include names",
        );
    }
    tera
}

/// A template with each `{{ t.key }}` replaced by the string it prints, escaped as tera would
/// escape it: the same output, without a lookup per string per page (a document page prints
/// about thirty). Everything else is left to tera: strings used in conditions or filters,
/// strings holding a brace (they would read as template syntax), keys the language lacks (the
/// lookup then fails and names the key), and templates with `raw` blocks.
fn with_strings(template: &str, strings: &BTreeMap<String, String>) -> String {
    use std::sync::LazyLock;
    static PRINT: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"\{\{ *t\.(\w+) *\}\}").expect("valid regex"));
    if template.contains("{% raw") || template.contains("{%- raw") {
        return template.to_string();
    }
    PRINT
        .replace_all(template, |c: &regex::Captures| match strings.get(&c[1]) {
            Some(v) if !v.contains(['{', '}']) => text::esc(v),
            _ => c[0].to_string(),
        })
        .into_owned()
}

/// Whether every template of the theme uses the variable `name` only to print it as it is,
/// `{{ name | safe }}`: the text can then be written in where the template prints a marker,
/// with the same result. Any other use (a filter, a test, a loop, `set`) keeps the text in
/// the template engine. `page.body` is another variable.
fn prints_only_safe(templates: &[(String, std::path::PathBuf, String)], name: &str) -> bool {
    use std::sync::LazyLock;
    static TAG: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r"(?s)\{\{.*?\}\}|\{%.*?%\}").expect("valid regex"));
    let printed = regex::Regex::new(&format!(r"^\{{\{{-?\s*{name}\s*\|\s*safe\s*-?\}}\}}$"));
    let named = regex::Regex::new(&format!(r"(^|[^.\w]){name}\b"));
    let (Ok(printed), Ok(named)) = (printed, named) else {
        return false;
    };
    templates.iter().all(|(_, _, text)| {
        TAG.find_iter(text)
            .all(|tag| printed.is_match(tag.as_str()) || !named.is_match(tag.as_str()))
    })
}

/// A page rendered with [`TEXT_MARKER`] where its text goes, as the frame and the holes where
/// the text is written. A marker inside a tag (a template printing the text in an attribute)
/// or a text that is not whole elements would break the link check's reading of the page in
/// parts: the page is then made whole here.
fn splice(html: Vec<u8>, text: Arc<PageText>) -> RenderedPage {
    let finder = Finder::new(TEXT_MARKER.as_bytes());
    let found: Vec<usize> = finder.find_iter(&html).collect();
    if found.is_empty() {
        return RenderedPage::whole(html);
    }
    // Whether `b` ends outside a tag: its last `<` is closed.
    let ends_outside = |b: &[u8]| {
        let last_open = memchr::memrchr(b'<', b);
        last_open.is_none_or(|o| memchr::memchr(b'>', &b[o..]).is_some())
    };
    let t = text.html.as_bytes();
    let starts_outside =
        memchr::memchr(b'>', t).is_none_or(|c| memchr::memchr(b'<', &t[..c]).is_some());
    let whole =
        !starts_outside || !ends_outside(t) || found.iter().any(|&at| !ends_outside(&html[..at]));
    let mut holes = Vec::with_capacity(found.len());
    let mut frame = Vec::with_capacity(html.len());
    let mut from = 0;
    for at in found {
        frame.extend_from_slice(&html[from..at]);
        holes.push(frame.len());
        from = at + TEXT_MARKER.len();
    }
    frame.extend_from_slice(&html[from..]);
    let page = RenderedPage {
        frame,
        holes,
        text: Some(text),
    };
    if whole {
        RenderedPage::whole(page.into_bytes())
    } else {
        page
    }
}

fn tera_line(msg: &str) -> usize {
    // tera/pest report positions as "--> 3:5".
    msg.split("--> ")
        .nth(1)
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(texts: &[&str]) -> Vec<(String, std::path::PathBuf, String)> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    format!("t{i}.html"),
                    format!("t{i}.html").into(),
                    t.to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn long_texts_are_spliced_only_where_the_theme_prints_them_as_they_are() {
        let ok = set(&[
            "<body>{% block b %}{% endblock %}</body>",
            "<div>{{ body | safe }}</div>{{ page.body | safe }}",
            "{{- body|safe -}}",
        ]);
        assert!(prints_only_safe(&ok, "body"));
        for other_use in [
            "{{ body | upper | safe }}",
            "{% if body %}x{% endif %}",
            "{% set b = body %}{{ b | safe }}",
            "{{ body }}",
            "{% for r in body %}{{ r }}{% endfor %}",
        ] {
            let t = set(&["{{ body | safe }}", other_use]);
            assert!(!prints_only_safe(&t, "body"), "{other_use}");
        }
        // Another variable, and the word outside tags, do not count.
        assert!(prints_only_safe(
            &set(&["{{ body | safe }}", "{{ nobody }} body"]),
            "body"
        ));
    }

    #[test]
    fn splicing_writes_the_text_at_each_marker() {
        let text = Arc::new(PageText::new("<p id=\"p1\">x</p>".into()));
        let html = format!("<main>{TEXT_MARKER}</main><aside>{TEXT_MARKER}</aside>");
        let page = splice(html.into_bytes(), Arc::clone(&text));
        assert_eq!(page.frame, b"<main></main><aside></aside>");
        assert_eq!(page.holes, [6, 20]);
        assert_eq!(
            page.into_bytes(),
            b"<main><p id=\"p1\">x</p></main><aside><p id=\"p1\">x</p></aside>"
        );
        // Inside a tag, the page is made whole.
        let html = format!("<a title=\"{TEXT_MARKER}\">");
        let page = splice(html.into_bytes(), Arc::clone(&text));
        assert!(page.holes.is_empty() && page.text.is_none());
        assert_eq!(page.frame, b"<a title=\"<p id=\"p1\">x</p>\">");
        // No marker: no text.
        let page = splice(b"<main></main>".to_vec(), text);
        assert!(page.holes.is_empty() && page.text.is_none());
    }

    #[test]
    fn ui_strings_written_into_templates() {
        let strings: BTreeMap<String, String> = [
            ("title", "Sécurité & <ONU> \"n°1\""),
            ("brace", "a {{ b }}"),
            ("plain", "Documents"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let tpl = "<h1>{{ t.title }}</h1>{{t.plain}}|{{ t.brace }}|{{ t.absent }}|{{ t.plain | upper }}|{% if t.plain %}x{% endif %}";
        assert_eq!(
            with_strings(tpl, &strings),
            "<h1>Sécurité &amp; &lt;ONU&gt; &quot;n°1&quot;</h1>Documents|{{ t.brace }}|{{ t.absent }}|{{ t.plain | upper }}|{% if t.plain %}x{% endif %}"
        );
        // A template with a raw block is left whole: its `{{ t.x }}` may be meant literally.
        let raw = "{% raw %}{{ t.plain }}{% endraw %}";
        assert_eq!(with_strings(raw, &strings), raw);
    }
}
