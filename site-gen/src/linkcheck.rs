//! The build's own internal-link check: every `href`/`src` that points into the site must name
//! a file that was written and, when it has a fragment, an id defined in that file.
//!
//! Pages are checked as they are written, so a large site is never held in memory: each page is
//! reduced to its ids (one sorted string table), its links to *other* pages (each once), and the
//! problems of its own `#fragment` links, which can be settled on the spot.

use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// What the link check keeps of one page.
#[derive(Debug, Clone, Default)]
pub struct PageRefs {
    pub path: String,
    pub ids: IdSet,
    /// Site-absolute links that leave the page, entities decoded, each once.
    pub links: IdSet,
    /// Relative links (`../corrections/`, as a content page may write them), entities decoded,
    /// as written: resolved against the page's own path when they are checked.
    pub relative: IdSet,
    /// Broken `#fragment` links within the page itself.
    pub problems: Vec<Broken>,
    /// What the page's long text holds (a rendered page's `PageText`), shared by every page
    /// that prints the text; the fields above are then those of the rest of the page.
    pub text: Option<Arc<TextRefs>>,
}

impl PageRefs {
    pub fn has_id(&self, id: impl AsRef<[u8]>) -> bool {
        let id = id.as_ref();
        self.ids.contains(id) || self.text.as_ref().is_some_and(|t| t.ids.contains(id))
    }

    fn links(&self) -> impl Iterator<Item = &[u8]> {
        let text = self.text.as_ref().map(|t| t.links.iter());
        self.links.iter().chain(text.into_iter().flatten())
    }

    fn relative(&self) -> impl Iterator<Item = &[u8]> {
        let text = self.text.as_ref().map(|t| t.relative.iter());
        self.relative.iter().chain(text.into_iter().flatten())
    }
}

/// A link that leads nowhere: the page it is on (a path in the output), the link as the page
/// has it (entities decoded), and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Broken {
    pub page: String,
    pub url: String,
    pub problem: String,
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: link to {}: {}", self.page, self.url, self.problem)
    }
}

/// What the link check keeps of a page's long text: as for a page, and the `#fragment` links
/// that name no id of the text itself (the rest of the page may have them).
#[derive(Debug, Default)]
pub struct TextRefs {
    ids: IdSet,
    links: IdSet,
    relative: IdSet,
    fragments: Vec<Vec<u8>>,
}

/// A page's ids, or its links, each once, in one buffer (a page has hundreds of short ids and
/// dozens of links; one allocation instead of one each keeps a 20 000-page site's check small
/// and quick to free). Entries are ordered by a 32-bit hash, strings compared only between
/// equal hashes: sorting and searching then compare integers, which for 20 000 pages is several
/// times cheaper than comparing strings. Membership is exact. Entries are kept as the page's
/// bytes: they are only compared, and read as text when a problem is reported.
#[derive(Debug, Clone, Default)]
pub struct IdSet {
    text: Vec<u8>,
    /// End of each entry in `text`; entry `i` is `text[ends[i - 1]..ends[i]]`.
    ends: Vec<u32>,
    /// Hash of each entry, in ascending order.
    hashes: Vec<u32>,
}

/// FNV-1a, folded to 32 bits: fixed (the order of entries, and so the output, never depends
/// on the run) and quick on short ids.
fn hash(s: &[u8]) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h ^ (h >> 32)) as u32
}

impl IdSet {
    fn new<S: AsRef<[u8]>>(items: Vec<S>) -> IdSet {
        // Sorted as plain integers, hash then position: quicker than pairs holding strings.
        let mut keys: Vec<u64> = items
            .iter()
            .enumerate()
            .map(|(i, s)| u64::from(hash(s.as_ref())) << 32 | i as u64)
            .collect();
        keys.sort_unstable();
        let mut set = IdSet {
            text: Vec::with_capacity(items.iter().map(|s| s.as_ref().len()).sum()),
            ends: Vec::with_capacity(keys.len()),
            hashes: Vec::with_capacity(keys.len()),
        };
        for key in keys {
            let h = (key >> 32) as u32;
            let id = items[(key & 0xffff_ffff) as usize].as_ref();
            // A duplicate has the same hash as the entries just added.
            let same_hash = set.hashes.iter().rev().take_while(|x| **x == h).count();
            let n = set.hashes.len();
            if (n - same_hash..n).any(|j| set.get(j) == id) {
                continue;
            }
            set.text.extend_from_slice(id);
            set.ends.push(set.text.len() as u32);
            set.hashes.push(h);
        }
        set
    }

    fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// Every entry, in hash order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.ends.len()).map(|i| self.get(i))
    }

    pub fn contains(&self, id: impl AsRef<[u8]>) -> bool {
        let id = id.as_ref();
        let h = hash(id);
        let first = self.hashes.partition_point(|x| *x < h);
        self.hashes[first..]
            .iter()
            .take_while(|x| **x == h)
            .enumerate()
            .any(|(k, _)| self.get(first + k) == id)
    }
}

/// Every `id`, `href` and `src` attribute of a page as this generator writes it (double quotes,
/// values escaped, so `="` only occurs where an attribute starts), in order. A whole attribute
/// name follows whitespace, so `data-id="…"` is not an id, and text such as `a="b"` in prose
/// never counts (the escaper writes it `a=&quot;b&quot;`). Works on bytes, values included: a
/// page is hundreds of thousands of attributes, and a value is only read as text when it is a
/// problem to report.
fn attributes(html: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    // `=` alone is a quicker search than `="`, and most `=` are followed by `"` anyway.
    memchr::memchr_iter(b'=', html).filter_map(move |eq| {
        if html.get(eq + 1) != Some(&b'"') {
            return None;
        }
        let before = &html[..eq];
        let name_len = [&b"id"[..], b"href", b"src"]
            .iter()
            .find(|name| before.ends_with(name))?
            .len();
        let name_start = eq - name_len;
        if name_start == 0 || !html[name_start - 1].is_ascii_whitespace() {
            return None;
        }
        let value_start = eq + 2;
        let len = memchr::memchr(b'"', &html[value_start..])?;
        Some((&html[name_start..eq], &html[value_start..value_start + len]))
    })
}

/// An attribute value with its entities decoded, copied only where it has any (`&amp;` in a
/// query string).
fn decoded(v: &[u8]) -> Cow<'_, [u8]> {
    match memchr::memchr(b'&', v) {
        Some(_) => Cow::Owned(
            html_escape::decode_html_entities(&String::from_utf8_lossy(v))
                .into_owned()
                .into_bytes(),
        ),
        None => Cow::Borrowed(v),
    }
}

/// A page's or a text's attributes, sorted out. Everything stays borrowed from the page until
/// the ids and the distinct links are known: a page has hundreds of attributes and only a few
/// dozen distinct links.
#[derive(Default)]
struct Sorted<'h> {
    ids: Vec<&'h [u8]>,
    fragments: Vec<Cow<'h, [u8]>>,
    links: Vec<Cow<'h, [u8]>>,
    relative: Vec<Cow<'h, [u8]>>,
}

fn sorted(html: &[u8]) -> Sorted<'_> {
    let mut s = Sorted::default();
    let Sorted {
        ids,
        fragments,
        links,
        relative,
    } = &mut s;
    for (name, value) in attributes(html) {
        match name {
            b"id" => ids.push(value),
            b"href" | b"src" => match value.first() {
                Some(b'#') => fragments.push(decoded(&value[1..])),
                // The base path starts with `/`, and every URL the generator writes for its own
                // files is site-absolute (`urls.rs`).
                Some(b'/') => links.push(decoded(value)),
                // A scheme (`https:`, `mailto:`) leaves the site: the documents' links to
                // undocs.org are most of a page's links, and are not kept. An empty value is
                // the page itself.
                Some(_) if !has_scheme(value) => relative.push(decoded(value)),
                _ => {}
            },
            _ => {}
        }
    }
    s
}

/// Reduces a page to what the link check needs.
pub fn page_refs(path: &str, html: &[u8]) -> PageRefs {
    page_refs_with(path, html, None)
}

/// Reduces a page to what the link check needs, from the page without its long text (`frame`)
/// and what the text holds, read once for every page that prints it. The frame is read as a
/// text of its own; the `#fragment` links of each part that name no id of it are then looked
/// up in the other's (most pages have no such link).
pub fn page_refs_with(path: &str, frame: &[u8], text: Option<Arc<TextRefs>>) -> PageRefs {
    let own = text_refs(frame);
    let no_id = |f: &[u8], ids: &IdSet| !ids.contains(f);
    let mut problems: Vec<Broken> = own
        .fragments
        .iter()
        .filter(|f| text.as_ref().is_none_or(|t| no_id(f, &t.ids)))
        .chain(text.iter().flat_map(|t| t.fragments.iter()))
        .filter(|f| no_id(f, &own.ids))
        .map(|f| {
            let f = String::from_utf8_lossy(f);
            Broken {
                page: path.to_string(),
                url: format!("#{f}"),
                problem: format!("no element with id \"{f}\""),
            }
        })
        .collect();
    problems.sort_unstable();
    problems.dedup();
    PageRefs {
        path: path.to_string(),
        ids: own.ids,
        links: own.links,
        relative: own.relative,
        problems,
        text,
    }
}

/// Reduces a page's long text to what the link check needs.
pub fn text_refs(html: &[u8]) -> TextRefs {
    let s = sorted(html);
    let ids = IdSet::new(s.ids);
    let fragments = s
        .fragments
        .iter()
        .filter(|f| !f.is_empty() && !ids.contains(f))
        .map(|f| f.to_vec())
        .collect();
    TextRefs {
        ids,
        links: IdSet::new(s.links),
        relative: IdSet::new(s.relative),
        fragments,
    }
}

/// Whether a URL starts with a scheme (`https:`, `mailto:`): a colon before any `/`, `?` or
/// `#` (RFC 3986, 4.2: a relative path's first segment cannot hold a colon).
fn has_scheme(url: &[u8]) -> bool {
    url.iter()
        .take_while(|b| !matches!(b, b'/' | b'?' | b'#'))
        .any(|b| *b == b':')
}

/// A relative URL resolved against the page at `page` (a path from the site's root, such as
/// `fr/about/index.html`), as a path from the site's root with its query and fragment, the way
/// a browser resolves it (RFC 3986, 5.2). `None` when it climbs above the root.
fn resolve(page: &str, url: &str) -> Option<String> {
    let dir = &page[..page.rfind('/').map_or(0, |i| i + 1)];
    let (path, rest) = url.split_at(url.find(['?', '#']).unwrap_or(url.len()));
    let mut segments: Vec<&str> = dir.split('/').collect();
    segments.pop(); // after the directory's final `/`
    let parts: Vec<&str> = path.split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        match *part {
            "." => {}
            ".." => {
                segments.pop()?;
            }
            p => segments.push(p),
        }
        // A final `.` or `..` names a directory.
        if i + 1 == parts.len() && matches!(*part, "." | "..") {
            segments.push("");
        }
    }
    Some(format!("{}{rest}", segments.join("/")))
}

/// Checks every page of an in-memory site (the render stage's `Output`; named here by its type,
/// as this check sits below the records of rendered pages and reads only bytes).
pub fn check_links(out: &BTreeMap<String, Vec<u8>>, base: &str) -> Vec<Broken> {
    let refs: Vec<PageRefs> = out
        .par_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| page_refs(p, b))
        .collect();
    let files: BTreeSet<String> = out.keys().cloned().collect();
    check_refs(&refs, &files, base)
}

/// Checks every page's links against the files written and the ids they define. Problems come
/// in page order, whatever order the pages were written in.
pub fn check_refs(pages: &[PageRefs], files: &BTreeSet<String>, base: &str) -> Vec<Broken> {
    let ids: HashMap<&str, &PageRefs> = pages.iter().map(|p| (p.path.as_str(), p)).collect();
    let files: HashSet<&str> = files.iter().map(String::as_str).collect();
    // Most links are on many pages (the navigation, the States, the documents cited): each
    // thread settles each distinct link once and remembers what it found.
    let mut per_page: Vec<(&str, Vec<Broken>)> = pages
        .par_iter()
        .map_init(HashMap::<&[u8], Option<String>>::new, |known, page| {
            let path = &page.path;
            let mut problems = page.problems.clone();
            for url in page.links() {
                let problem = known.entry(url).or_insert_with(|| {
                    let url = String::from_utf8_lossy(url);
                    url.strip_prefix(base)
                        .and_then(|rel| target_problem(rel, &files, &ids))
                });
                if let Some(p) = problem {
                    problems.push(Broken {
                        page: path.clone(),
                        url: String::from_utf8_lossy(url).into_owned(),
                        problem: p.clone(),
                    });
                }
            }
            for url in page.relative() {
                let url = String::from_utf8_lossy(url);
                let problem = match resolve(path, &url) {
                    Some(rel) => target_problem(&rel, &files, &ids),
                    None => Some("it climbs above the site's root".to_string()),
                };
                if let Some(problem) = problem {
                    problems.push(Broken {
                        page: path.clone(),
                        url: url.into_owned(),
                        problem,
                    });
                }
            }
            problems.sort();
            // A link in both the page and its long text is reported once.
            problems.dedup();
            (path.as_str(), problems)
        })
        .collect();
    per_page.sort_by(|a, b| a.0.cmp(b.0));
    per_page.into_iter().flat_map(|(_, p)| p).collect()
}

/// What is wrong with a link to `rel`, a path from the site's root with its query and
/// fragment, if anything: the page it names was not written, or has no element with the id of
/// its fragment. (Site-absolute links outside the base path are not the site's, and are not
/// checked.)
fn target_problem(
    rel: &str,
    files: &HashSet<&str>,
    ids: &HashMap<&str, &PageRefs>,
) -> Option<String> {
    let (target, fragment) = match rel.split_once('#') {
        Some((t, f)) => (t, Some(f)),
        None => (rel, None),
    };
    let rel = target.split('?').next().unwrap_or("");
    let file = if rel.is_empty() || rel.ends_with('/') {
        Cow::Owned(format!("{rel}index.html"))
    } else {
        Cow::Borrowed(rel)
    };
    if !files.contains(file.as_ref()) {
        return Some("no such page".to_string());
    }
    let f = fragment.filter(|f| !f.is_empty())?;
    if ids.get(file.as_ref()).is_some_and(|p| p.has_id(f)) {
        None
    } else {
        Some(format!("no element with id \"{f}\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problems found in `out`, as the build prints them.
    fn shown(out: &BTreeMap<String, Vec<u8>>, base: &str) -> Vec<String> {
        check_links(out, base)
            .iter()
            .map(|b| b.to_string())
            .collect()
    }

    #[test]
    fn finds_missing_pages_and_anchors() {
        let mut out = BTreeMap::new();
        out.insert("fr/index.html".into(), b"<a href=\"/fr/a/\">a</a><a href=\"/fr/a/#p1\">p1</a><a href=\"/fr/a/#p9\">p9</a><a href=\"/fr/b/\">b</a><a href=\"https://undocs.org/fr/A/78/76\">x</a><a href=\"#top\">t</a><a href=\"#nowhere\">n</a><p id=\"top\"></p>".to_vec());
        out.insert("fr/a/index.html".into(), b"<p id=\"p1\">x</p>".to_vec());
        let p = shown(&out, "/");
        assert_eq!(
            p,
            [
                "fr/index.html: link to #nowhere: no element with id \"nowhere\"",
                "fr/index.html: link to /fr/a/#p9: no element with id \"p9\"",
                "fr/index.html: link to /fr/b/: no such page",
            ]
        );
    }

    #[test]
    fn relative_links_resolve_against_the_page() {
        let page = "fr/about/index.html";
        let cases = [
            ("../corrections/", Some("fr/corrections/")),
            ("../corrections/#c2", Some("fr/corrections/#c2")),
            ("glossary.html?x=1#t", Some("fr/about/glossary.html?x=1#t")),
            ("./", Some("fr/about/")),
            ("..", Some("fr/")),
            ("../../en/about/", Some("en/about/")),
            ("../../../x/", None),
        ];
        for (url, want) in cases {
            assert_eq!(resolve(page, url).as_deref(), want, "{url}");
        }
        assert_eq!(resolve("index.html", "fr/").as_deref(), Some("fr/"));
        assert_eq!(resolve("index.html", "../fr/"), None);
        assert!(has_scheme(b"https://undocs.org/fr/A/78/76"));
        assert!(has_scheme(b"mailto:x@example.org"));
        assert!(!has_scheme(b"../a:b/"));
        assert!(!has_scheme(b"page.html#a:b"));
    }

    #[test]
    fn checks_relative_links() {
        let mut out = BTreeMap::new();
        out.insert("fr/about/index.html".into(), b"<a href=\"../corrections/#c1\">ok</a><a href=\"../correctionz/\">typo</a><a href=\"../corrections/#c9\">no anchor</a><a href=\"../../../up/\">up</a><a href=\"mailto:x@example.org\">mail</a>".to_vec());
        out.insert(
            "fr/corrections/index.html".into(),
            b"<p id=\"c1\">x</p>".to_vec(),
        );
        let p = shown(&out, "/sub/");
        assert_eq!(
            p,
            [
                "fr/about/index.html: link to ../../../up/: it climbs above the site's root",
                "fr/about/index.html: link to ../corrections/#c9: no element with id \"c9\"",
                "fr/about/index.html: link to ../correctionz/: no such page",
            ]
        );
    }

    #[test]
    fn reads_only_whole_attributes() {
        let html =
            "<p data-id=\"no\" id=\"yes\" title=\"x\">a=\"b\" <a\nhref=\"/x/?q=1&amp;r=2#f\">";
        let r = page_refs("p.html", html.as_bytes());
        assert!(r.ids.contains("yes"));
        assert!(!r.ids.contains("no"));
        assert_eq!(r.links.iter().collect::<Vec<_>>(), [b"/x/?q=1&r=2#f"]);
    }

    #[test]
    fn id_set_membership_at_scale() {
        let ids: Vec<String> = (0..20_000).map(|i| format!("p{i}")).collect();
        let set = IdSet::new(ids.iter().chain(ids.iter()).collect());
        assert_eq!(set.iter().count(), 20_000);
        assert!(ids.iter().all(|id| set.contains(id)));
        assert!(!(0..20_000).any(|i| set.contains(format!("q{i}"))));
        assert!(!set.contains("p20000"));
    }

    #[test]
    fn the_hash_is_fnv_1a_folded_to_32_bits() {
        // The published 64-bit FNV-1a values ("" is the offset basis), high half XOR low half:
        // "" 0xcbf29ce4_84222325, "a" 0xaf63dc4c_8601ec8c, "foobar" 0x85944171_f73967e8.
        assert_eq!(hash(b""), 0xcbf2_9ce4 ^ 0x8422_2325);
        assert_eq!(hash(b"a"), 0xaf63_dc4c ^ 0x8601_ec8c);
        assert_eq!(hash(b"foobar"), 0x8594_4171 ^ 0xf739_67e8);
    }

    #[test]
    fn ids_with_the_same_hash_are_told_apart() {
        // "p2401" and "p50405" share the folded hash 0xe928bb05 (found by hashing "p0", "p1"…
        // with the FNV-1a definition until two agreed); "a" and "z" hash elsewhere.
        assert_eq!(hash(b"p2401"), 0xe928_bb05);
        assert_eq!(hash(b"p50405"), 0xe928_bb05);
        let set = IdSet::new(vec!["z", "p2401", "a", "p50405", "p2401"]);
        assert_eq!(set.iter().count(), 4);
        for id in ["a", "z", "p2401", "p50405"] {
            assert!(set.contains(id), "{id}");
        }
        let one = IdSet::new(vec!["a", "p50405", "z"]);
        assert!(one.contains("p50405"));
        assert!(!one.contains("p2401"), "same hash, another id");
    }

    #[test]
    fn id_set_membership() {
        let set = IdSet::new(vec!["p2", "fn-1", "p10", "p2", "a"]);
        for id in ["a", "fn-1", "p10", "p2"] {
            assert!(set.contains(id), "{id}");
        }
        for id in ["", "p", "p1", "p3", "z", "fn-"] {
            assert!(!set.contains(id), "{id}");
        }
    }
}
