//! Stage 5, emit: add the generated side files (sitemap, feeds, robots, explorer index, data
//! downloads, assets); the helpers that write the site atomically: into a temporary directory
//! next to the output, swapped in only when everything succeeded (and the link check passed).

use crate::diagnostics::Diagnostics;
use crate::render::{explorer, Renderer};
use crate::sink::Sink;
use crate::types::Lang;
use crate::visuals::explorer_map::explorer_map;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Writes the side files and the sitemap of the pages written.
pub fn complete(
    r: &Renderer,
    sink: &dyn Sink,
    pages: &[String],
    mut files: Vec<(String, Vec<u8>)>,
) -> Result<(), Diagnostics> {
    let origin = r.linked.checked.corpus.config.origin();
    files.push(("sitemap.xml".into(), sitemap(r, pages, origin).into_bytes()));
    let mut d = Diagnostics::default();
    for (path, bytes) in files {
        if let Err(e) = sink.put(path, bytes) {
            d.error(
                Path::new(""),
                0,
                e,
                "check that the output directory can be written",
            );
        }
    }
    d.into_result(())
}

/// The package's minified copy of the theme's script `rel`, if it was made from these very bytes
/// (`cargo xtask build` writes `scripts/<rel>` beside `scripts/<rel>.source`). A script edited
/// since is published as written: a stale copy would undo the edit without a word.
fn minified_script(pkg: &Path, rel: &str, source: &[u8]) -> Option<Vec<u8>> {
    let dir = pkg.join("scripts");
    let made_from = std::fs::read(dir.join(format!("{rel}.source"))).ok()?;
    if made_from != source {
        return None;
    }
    std::fs::read(dir.join(rel)).ok()
}

/// Every generated file that does not depend on which pages were written: assets, the compiled
/// explorer, the explorer's data and the downloads, the feeds, `_headers` and `robots.txt`.
/// They are made while the pages render.
pub fn side_files(
    r: &Renderer,
    explorer_pkg: Option<&Path>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let c = &r.linked.checked;
    let cfg = &c.corpus.config;
    let origin = cfg.origin();
    let mut d = Diagnostics::default();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (rel, bytes) in &c.corpus.theme.assets {
        let bytes = explorer_pkg
            .and_then(|pkg| minified_script(pkg, rel, bytes))
            .unwrap_or_else(|| bytes.clone());
        files.push((format!("static/{rel}"), bytes));
    }
    if let Some(pkg) = explorer_pkg {
        for name in ["explorer.js", "explorer_bg.wasm"] {
            match std::fs::read(pkg.join(name)) {
                Ok(b) => files.push((format!("static/explorer/{name}"), b)),
                Err(e) => d.error(
                    &pkg.join(name),
                    0,
                    format!("cannot read the compiled explorer: {e}"),
                    "build it with `cargo xtask build`, or omit --explorer-pkg",
                ),
            }
        }
    }
    // Each language's files are made side by side (on a large site each is a pass over every
    // document).
    let per_lang = Lang::ALL
        .par_iter()
        .map(|&lang| {
            let index = explorer::build_index(r, lang)?;
            let rows = explorer::static_rows(&index);
            let code = lang.code();
            let json = explorer::to_json(&rows, origin, &cfg.data_version, &cfg.licence, lang);
            // The Map view's geometry names no one (the explorer does): one file for both
            // languages, whose indexes hold the same States.
            let map = (lang == Lang::ALL[0]).then(|| {
                let ids: Vec<&str> = index.states.iter().map(|s| s.id.as_str()).collect();
                let svg = explorer_map(crate::visuals::world::large(), &ids);
                ("data/explorer-map.svg".to_string(), svg.into_bytes())
            });
            Ok([
                (
                    format!("data/positions-{code}.csv"),
                    explorer::to_csv(&index, origin).into_bytes(),
                ),
                (format!("data/explorer-{code}.bin"), index.to_bytes()),
                (format!("data/positions-{code}.json"), json.into_bytes()),
                (
                    format!("{code}/atom.xml"),
                    feed(r, lang, origin).into_bytes(),
                ),
            ]
            .into_iter()
            .chain(map)
            .collect::<Vec<_>>())
        })
        .collect::<Vec<Result<_, String>>>();
    for made in per_lang {
        match made {
            Ok(made) => files.extend(made),
            Err(e) => d.error(
                Path::new(""),
                0,
                e,
                "every State, document and label of a row must be in the explorer's tables; \
                 a table may hold at most 65 535 entries",
            ),
        }
    }
    // The open-data API, but the documents' files (made with their pages).
    files.extend(r.api_files());
    files.push(("data/datapackage.json".into(), r.datapackage()));
    // Every page carries the policy in a <meta> element; `_headers`, read by Netlify and
    // Cloudflare Pages, adds what only a header can carry (docs/deployment.md: other hosts).
    // The API and the data files may be read from any origin (docs/deployment.md).
    let headers = format!(
        "{base}*\n  Content-Security-Policy: {}\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n{base}api/*\n  Access-Control-Allow-Origin: *\n{base}data/*\n  Access-Control-Allow-Origin: *\n",
        crate::csp::header_policy(),
        base = r.urls.base,
    );
    files.push(("_headers".into(), headers.into_bytes()));
    let robots = format!(
        "User-agent: *\nAllow: /\nSitemap: {origin}{}sitemap.xml\n",
        r.urls.base
    );
    files.push(("robots.txt".into(), robots.into_bytes()));
    d.into_result(files)
}

/// Escapes text for XML content and double-quoted attributes: the HTML escape of `text` writes
/// only `&amp;`, `&lt;`, `&gt;` and `&quot;`, which are XML's own predefined entities.
fn xml_esc(s: &str) -> String {
    crate::text::esc(s)
}

/// Every language page in the output, with its alternate when the other language has it.
fn sitemap(r: &Renderer, pages: &[String], origin: &str) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    let pages: BTreeSet<(Lang, String)> = pages
        .iter()
        .filter_map(|k| {
            let (lang, rest) = k.split_once('/')?;
            // `…/index.html` is the page `…/`; other pages are named by their file.
            let rel = rest.strip_suffix("index.html").unwrap_or(rest);
            Some((Lang::from_code(lang)?, rel.to_string()))
        })
        .collect();
    // One language per thread (20 000 entries on a large site), joined in language order.
    let per_lang: Vec<String> = Lang::ALL
        .par_iter()
        .map(|&lang| {
            let mut s = String::new();
            // The set is ordered by language first: this language's pages are one range.
            for (_, rel) in pages
                .range((lang, String::new())..)
                .take_while(|(l, _)| *l == lang)
            {
                s.push_str(&format!(
                    "<url><loc>{}</loc>",
                    xml_esc(&format!("{origin}{}", r.urls.page(lang, rel)))
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
            s
        })
        .collect();
    s.extend(per_lang);
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

/// A new, empty temporary directory next to `dest`, where a build writes before the swap.
pub fn fresh_temp_dir(dest: &Path) -> Result<PathBuf, String> {
    let tmp = temp_dir_for(dest);
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    }
    std::fs::create_dir_all(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    Ok(tmp)
}

/// Replaces `dest` with the finished temporary directory `tmp` by renaming; if the second
/// rename fails, the previous `dest` is put back.
pub fn swap_into(tmp: &Path, dest: &Path) -> Result<(), String> {
    let parent = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let result = (|| -> Result<(), String> {
        if dest.exists() {
            std::fs::rename(dest, &old)
                .map_err(|e| format!("cannot replace {}: {e}", dest.display()))?;
        }
        if let Err(e) = std::fs::rename(tmp, dest) {
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
        let _ = std::fs::remove_dir_all(tmp);
    }
    result
}

/// The temporary directory a build of `dest` writes into before the swap.
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
    use crate::output::Output;

    #[test]
    fn atomic_write_replaces_whole_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let dest = dir.path().join("public");
        std::fs::create_dir_all(dest.join("stale")).expect("mkdir");
        let mut out = Output::new();
        out.insert("a/index.html".into(), b"new".to_vec());
        let tmp = fresh_temp_dir(&dest).expect("temp dir");
        let sink = crate::sink::Dir::new(&tmp);
        for (rel, bytes) in &out {
            sink.put(rel.clone(), bytes.clone()).expect("write");
        }
        swap_into(&tmp, &dest).expect("swap");
        assert_eq!(
            std::fs::read(dest.join("a/index.html")).expect("read"),
            b"new"
        );
        assert!(!dest.join("stale").exists());
        assert!(!temp_dir_for(&dest).exists());
    }
}
