//! Stage 5, emit: add the generated side files (sitemap, feeds, robots, explorer index, data
//! downloads, assets), check every internal link, then write the site atomically: into a
//! temporary directory next to the output, swapped in only when everything succeeded.

use crate::diagnostics::Diagnostics;
use crate::render::{Output, Renderer};
use crate::types::Lang;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Adds every non-page file to the rendered pages.
pub fn complete(
    r: &Renderer,
    mut out: Output,
    explorer_pkg: Option<&Path>,
) -> Result<Output, Diagnostics> {
    let c = &r.linked.checked;
    let cfg = &c.corpus.config;
    let origin = origin(&cfg.base_url, &r.urls.base);
    for (rel, bytes) in &c.corpus.theme.assets {
        out.insert(format!("static/{rel}"), bytes.clone());
    }
    let mut d = Diagnostics::default();
    if let Some(pkg) = explorer_pkg {
        for name in ["explorer.js", "explorer_bg.wasm"] {
            match std::fs::read(pkg.join(name)) {
                Ok(b) => {
                    out.insert(format!("static/explorer/{name}"), b);
                }
                Err(e) => d.error(
                    &pkg.join(name),
                    0,
                    format!("cannot read the compiled explorer: {e}"),
                    "build it with `cargo xtask build`, or omit --explorer-pkg",
                ),
            }
        }
    }
    for lang in Lang::ALL {
        let index = crate::explorer::build_index(r, lang);
        let rows = crate::explorer::static_rows(&index);
        out.insert(
            format!("data/explorer-{}.bin", lang.code()),
            index.to_bytes(),
        );
        out.insert(
            format!("data/positions-{}.csv", lang.code()),
            crate::explorer::to_csv(&rows, &origin).into_bytes(),
        );
        out.insert(
            format!("data/positions-{}.json", lang.code()),
            crate::explorer::to_json(&rows, &origin, &cfg.data_version, &cfg.licence, lang)
                .into_bytes(),
        );
        out.insert(
            format!("{}/atom.xml", lang.code()),
            feed(r, lang, &origin).into_bytes(),
        );
    }
    let sitemap = sitemap(r, &out, &origin);
    out.insert("sitemap.xml".into(), sitemap.into_bytes());
    // The Content-Security-Policy is sent as a header: the HTML validator does not yet accept
    // 'wasm-unsafe-eval' in a <meta> policy. `_headers` is read by Netlify and Cloudflare Pages;
    // docs/architecture.md gives the same header for other servers.
    out.insert(
        "_headers".into(),
        format!(
            "{}*\n  Content-Security-Policy: {CSP}\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n",
            r.urls.base
        )
        .into_bytes(),
    );
    out.insert(
        "robots.txt".into(),
        format!(
            "User-agent: *\nAllow: /\nSitemap: {origin}{}sitemap.xml\n",
            r.urls.base
        )
        .into_bytes(),
    );
    d.into_result(out)
}

/// The policy every page is written to satisfy: no inline script, WebAssembly allowed.
pub const CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:";

/// Scheme and host of the base URL (the base path is added by `Urls`).
fn origin(base_url: &str, base_path: &str) -> String {
    let trimmed = base_url.trim_end_matches('/');
    trimmed
        .strip_suffix(base_path.trim_end_matches('/'))
        .unwrap_or(trimmed)
        .to_string()
}

fn xml_esc(s: &str) -> String {
    crate::markdown::esc(s)
}

/// Every language page in the output, with its alternate when the other language has it.
fn sitemap(r: &Renderer, out: &Output, origin: &str) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    let pages: BTreeSet<(Lang, String)> = out
        .keys()
        .filter_map(|k| {
            let (lang, rest) = k.split_once('/')?;
            Some((
                Lang::from_code(lang)?,
                rest.strip_suffix("index.html")?.to_string(),
            ))
        })
        .collect();
    for (lang, rel) in &pages {
        s.push_str(&format!(
            "<url><loc>{}</loc>",
            xml_esc(&format!("{origin}{}", r.urls.page(*lang, rel)))
        ));
        for alt in Lang::ALL {
            if pages.contains(&(alt, rel.clone())) {
                s.push_str(&format!(
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    alt.code(),
                    xml_esc(&format!("{origin}{}", r.urls.page(alt, rel)))
                ));
            }
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// Atom feed of the documents, newest first. Undated documents use a fixed epoch date so that
/// the feed stays reproducible.
fn feed(r: &Renderer, lang: Lang, origin: &str) -> String {
    let c = &r.linked.checked;
    let t = &c.corpus.theme.i18n[&lang].strings;
    let mut docs: Vec<(&crate::types::Slug, &crate::validate::DocMeta)> = c.meta.iter().collect();
    docs.sort_by(|a, b| b.1.date.cmp(&a.1.date).then(a.0.cmp(b.0)));
    let updated = docs
        .iter()
        .filter_map(|(_, m)| m.date.clone())
        .max()
        .unwrap_or_else(|| "1970-01-01".into());
    let home = format!("{origin}{}", r.urls.home(lang));
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{}</title>\n<id>{}</id>\n<link rel=\"self\" href=\"{}atom.xml\"/>\n<link href=\"{}\"/>\n<updated>{}T00:00:00Z</updated>\n<author><name>{}</name></author>\n",
        lang.code(), xml_esc(t.get("site_title").map_or("", String::as_str)), xml_esc(&home), xml_esc(&home), xml_esc(&home), updated,
        xml_esc(t.get("site_title").map_or("", String::as_str))
    );
    for (slug, m) in docs {
        let Some(doc) = r.doc(slug) else {
            continue;
        };
        let Some(ed) = doc
            .editions
            .get(&lang)
            .or_else(|| doc.editions.values().next())
        else {
            continue;
        };
        let url = format!("{origin}{}", r.urls.document(lang, slug));
        let title = match &m.symbol {
            Some(sym) => format!("{sym} — {}", ed.front.title),
            None => ed.front.title.clone(),
        };
        s.push_str(&format!(
            "<entry><title>{}</title><id>{}</id><link href=\"{}\"/><updated>{}T00:00:00Z</updated></entry>\n",
            xml_esc(&title), xml_esc(&url), xml_esc(&url), m.date.as_deref().unwrap_or("1970-01-01")
        ));
    }
    s.push_str("</feed>\n");
    s
}

/// Values of one attribute (`name="…"`, as this generator writes them) in a page, in order.
fn attr_values<'a>(html: &'a str, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let needle = format!("{name}=\"");
    let mut rest = html;
    std::iter::from_fn(move || loop {
        let at = rest.find(needle.as_str())?;
        // A whole attribute name: preceded by whitespace (not `data-id=`, not `xlink:href=`).
        let whole = rest[..at].ends_with([' ', '\n', '\t']);
        let value_start = at + needle.len();
        let len = rest[value_start..].find('"')?;
        let value = &rest[value_start..value_start + len];
        rest = &rest[value_start + len..];
        if whole {
            return Some(value);
        }
    })
}

/// Every internal link and anchor must resolve within the output. Returns the problems found.
pub fn check_links(out: &Output, base: &str) -> Vec<String> {
    let pages: Vec<(&String, &str)> = out
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, std::str::from_utf8(b).unwrap_or_default()))
        .collect();
    let ids: BTreeMap<&str, BTreeSet<&str>> = pages
        .par_iter()
        .map(|(path, html)| (path.as_str(), attr_values(html, "id").collect()))
        .collect();
    let per_page: Vec<Vec<String>> = pages
        .par_iter()
        .map(|(path, html)| {
            let mut problems = Vec::new();
            for raw in attr_values(html, "href").chain(attr_values(html, "src")) {
                let url = html_escape::decode_html_entities(raw).into_owned();
                let (target, fragment) = match url.split_once('#') {
                    Some((t, f)) => (t.to_string(), Some(f.to_string())),
                    None => (url.clone(), None),
                };
                let file = if target.is_empty() {
                    (*path).clone()
                } else if let Some(rel) = target.strip_prefix(base) {
                    let rel = rel.split('?').next().unwrap_or("");
                    if rel.is_empty() || rel.ends_with('/') {
                        format!("{rel}index.html")
                    } else {
                        rel.to_string()
                    }
                } else {
                    continue; // external, or not under the site
                };
                if !out.contains_key(&file) {
                    problems.push(format!("{path}: link to {url}: no such page"));
                    continue;
                }
                if let Some(f) = fragment {
                    if f.is_empty() {
                        continue;
                    }
                    if !ids
                        .get(file.as_str())
                        .is_some_and(|s| s.contains(f.as_str()))
                    {
                        problems.push(format!("{path}: link to {url}: no element with id \"{f}\""));
                    }
                }
            }
            problems
        })
        .collect();
    per_page.into_iter().flatten().collect()
}

/// Writes `out` to `dest` atomically: a sibling temporary directory is filled, then renamed over
/// `dest`. If anything fails, `dest` is untouched and the temporary directory removed.
pub fn write_atomic(out: &Output, dest: &Path) -> Result<(), String> {
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let result = (|| -> Result<(), String> {
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        }
        std::fs::create_dir_all(&tmp)
            .map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
        // Directories first (in order), then the files in parallel.
        let dirs: BTreeSet<PathBuf> = out
            .keys()
            .filter_map(|rel| tmp.join(rel).parent().map(Path::to_path_buf))
            .collect();
        for dir in &dirs {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let files: Vec<(&String, &Vec<u8>)> = out.iter().collect();
        files.par_iter().try_for_each(|(rel, bytes)| {
            let path = tmp.join(rel);
            std::fs::write(&path, bytes)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        })?;
        if dest.exists() {
            std::fs::rename(dest, &old)
                .map_err(|e| format!("cannot replace {}: {e}", dest.display()))?;
        }
        if let Err(e) = std::fs::rename(&tmp, dest) {
            // Put the previous site back before reporting.
            let _ = std::fs::rename(&old, dest);
            return Err(format!(
                "cannot move the new site into {}: {e}",
                dest.display()
            ));
        }
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// The directory written by `write_atomic` for `dest`, for tests.
pub fn temp_dir_for(dest: &Path) -> PathBuf {
    let parent = dest.parent().unwrap_or(Path::new("."));
    parent.join(format!(
        ".{}.tmp-{}",
        dest.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        std::process::id()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_checker_finds_missing_pages_and_anchors() {
        let mut out = Output::new();
        out.insert("fr/index.html".into(), b"<a href=\"/fr/a/\">a</a><a href=\"/fr/a/#p1\">p1</a><a href=\"/fr/a/#p9\">p9</a><a href=\"/fr/b/\">b</a><a href=\"https://undocs.org/fr/A/78/76\">x</a><a href=\"#top\">t</a><p id=\"top\"></p>".to_vec());
        out.insert("fr/a/index.html".into(), b"<p id=\"p1\">x</p>".to_vec());
        let p = check_links(&out, "/");
        assert_eq!(
            p,
            [
                "fr/index.html: link to /fr/a/#p9: no element with id \"p9\"".to_string(),
                "fr/index.html: link to /fr/b/: no such page".to_string(),
            ]
        );
    }

    #[test]
    fn atomic_write_replaces_whole_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dest = dir.path().join("public");
        std::fs::create_dir_all(dest.join("stale")).expect("mkdir");
        let mut out = Output::new();
        out.insert("a/index.html".into(), b"new".to_vec());
        write_atomic(&out, &dest).expect("write");
        assert_eq!(
            std::fs::read(dest.join("a/index.html")).expect("read"),
            b"new"
        );
        assert!(!dest.join("stale").exists());
        assert!(!temp_dir_for(&dest).exists());
    }
}
