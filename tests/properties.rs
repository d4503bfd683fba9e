//! Property tests: arbitrary input never panics the front matter parser, the mention recogniser
//! or the Markdown stage, and the recogniser never changes the visible text.

use proptest::prelude::*;
use site_gen::diagnostics::Diagnostics;
use site_gen::markdown::{render, scan, Linker};
use site_gen::mentions::{
    find_all, find_symbols, speaks_of_resolutions, MentionKind, StateMatcher,
};
use site_gen::text::esc;
use site_gen::types::{Lang, StateId};
use std::path::Path;

fn matcher() -> StateMatcher {
    StateMatcher::new(&[
        ("France".into(), StateId::from("fra")),
        ("Pays-Bas (Royaume des)".into(), StateId::from("nld")),
        (
            "Royaume-Uni de Grande-Bretagne et d'Irlande du Nord".into(),
            StateId::from("gbr"),
        ),
        ("Côte d’Ivoire".into(), StateId::from("civ")),
    ])
}

/// Text built from the pieces that matter to the recogniser, plus arbitrary characters.
fn texty() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("résolution ".to_string()),
        Just("A/RES/77/37".to_string()),
        Just("A/C.1/78/L.60/Rev.1".to_string()),
        Just(" et Corr.1".to_string()),
        Just("77/37".to_string()),
        Just("12/03/2023".to_string()),
        Just("France".to_string()),
        Just("Pays-Bas (Royaume des)".to_string()),
        Just("Côte d'Ivoire".to_string()),
        Just("{#p1} ".to_string()),
        Just("[^1]".to_string()),
        Just("<script>".to_string()),
        "\\PC{0,12}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

struct TextOnly;
impl Linker for TextOnly {
    fn link_text(&self, out: &mut String, text: &str, near_resolution: &mut dyn FnMut() -> bool) {
        // Same shape as the site's linker: links around mentions, text escaped.
        let mut at = 0;
        for m in find_all(text, near_resolution, &matcher()) {
            out.push_str(&esc(&text[at..m.range.start]));
            out.push_str(&format!(
                "<a href=\"#\">{}</a>",
                esc(&text[m.range.clone()])
            ));
            at = m.range.end;
        }
        out.push_str(&esc(&text[at..]));
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

/// The symbol recogniser as first written, two regexes run over the whole text: the generator
/// now looks only at the slashes, and must find exactly what these find.
fn symbols_by_whole_text_regexes(text: &str, near_resolution: bool) -> Vec<(usize, usize, String)> {
    use std::sync::OnceLock;
    static RES: OnceLock<[regex::Regex; 3]> = OnceLock::new();
    // Digits are ASCII, as in the scanner: `\d` would also take a Tai Tham or Devanagari digit
    // after a number for part of it.
    let [symbol, suffix, bare] = RES.get_or_init(|| {
        [
            r"(?-u:\b)(?:A|S|E)/(?:(?:RES|C\.[0-9]|AC\.[0-9]+|CONF\.[0-9]+|INF|HRC|S-[0-9]+)/)*[0-9]+(?:/(?:L\.|INF/)?[0-9]+)*(?:/(?:Rev|Corr|Add)\.[0-9]+)*",
            r"^\s+(?:et|and)\s+((?:Corr|Add)\.[0-9]+)",
            r"(?-u:\b)[1-9][0-9]?/[0-9]{1,3}(?-u:\b)",
        ]
        .map(|r| regex::Regex::new(r).unwrap())
    });
    let mut out = Vec::new();
    for m in symbol.find_iter(text) {
        out.push((m.start(), m.end(), m.as_str().to_string()));
        if let Some(g) = suffix.captures(&text[m.end()..]).and_then(|c| c.get(1)) {
            let sym = format!("{}/{}", m.as_str(), g.as_str());
            out.push((m.end() + g.start(), m.end() + g.end(), sym));
        }
    }
    if near_resolution {
        for w in bare.find_iter(text) {
            let before = text[..w.start()].chars().next_back();
            let after = text[w.end()..].chars().next();
            if matches!(before, Some('/' | '.' | '-')) || matches!(after, Some('/' | '-')) {
                continue;
            }
            if after == Some('.') && text[w.end() + 1..].starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            if out.iter().any(|(s, e, _)| *s <= w.start() && w.end() <= *e) {
                continue;
            }
            out.push((w.start(), w.end(), format!("A/RES/{}", w.as_str())));
        }
    }
    out.sort_by_key(|m| m.0);
    out
}

fn symbols_found(text: &str, near_resolution: bool) -> Vec<(usize, usize, String)> {
    find_symbols(text, || near_resolution)
        .into_iter()
        .filter_map(|m| match m.kind {
            MentionKind::Symbol(s) => Some((m.range.start, m.range.end, s.as_str().to_string())),
            MentionKind::State(_) => None,
        })
        .collect()
}

/// Text dense in slashes, digits and symbol prefixes: the places where the slash scanner and
/// the regexes could part ways.
fn slashy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("A/".to_string()),
        Just("S/".to_string()),
        Just("E/".to_string()),
        Just("A/RES/77/37".to_string()),
        Just("A/C.1/78/L.60/Rev.1".to_string()),
        Just("A/AC.292/2021/1".to_string()),
        Just("S/RES/2334".to_string()),
        Just(" et Corr.1".to_string()),
        Just(" and Add.2".to_string()),
        Just("/Rev.1".to_string()),
        Just("RES/".to_string()),
        "[0-9]{1,4}",
        "[0-9]{1,3}/[0-9]{1,4}",
        Just("77/3712".to_string()),
        Just("05/12".to_string()),
        Just("12/03/2023".to_string()),
        Just("/".to_string()),
        Just(" ".to_string()),
        Just(" ".to_string()),
        Just(".".to_string()),
        Just("-".to_string()),
        Just("é".to_string()),
        Just("_".to_string()),
        "[ ,;()a-zA-Z]{0,3}",
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

/// The top-level elements of rendered HTML found from its tags (block elements only, as the
/// renderer writes them): the spans the renderer records as it writes must be exactly these.
fn top_level_by_tags(html: &str) -> Vec<std::ops::Range<usize>> {
    const BLOCKS: [&str; 13] = [
        "p",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "div",
        "section",
        "blockquote",
        "pre",
    ];
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    let mut i = 0;
    while let Some(k) = html[i..].find('<') {
        i += k;
        let close = html[i + 1..].starts_with('/');
        let name_start = i + 1 + usize::from(close);
        let name: String = html[name_start..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if BLOCKS.contains(&name.as_str()) {
            if close {
                depth -= 1;
                if depth == 0 {
                    let end = i + html[i..].find('>').unwrap() + 1;
                    out.push(start..end);
                }
            } else {
                if depth == 0 {
                    start = i;
                }
                depth += 1;
            }
        }
        i += 1;
    }
    out
}

/// Markdown made of the structures the renderer writes as blocks, nested and mixed.
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\n\n".to_string()),
        Just("\n".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("  - ".to_string()),
        Just("1. ".to_string()),
        Just("## Titre {#s1}\n".to_string()),
        Just("# Un\n".to_string()),
        Just("{#p1} 1. Texte ".to_string()),
        Just("```\ncode <div>\n```\n".to_string()),
        Just("    indenté\n".to_string()),
        Just("| a | b |\n|---|---|\n| x<br>y | z |\n".to_string()),
        Just("note[^1] ".to_string()),
        Just("\n[^1]: La note.\n".to_string()),
        Just("<div>brut</div>\n".to_string()),
        Just("---\n".to_string()),
        Just("*em* **fort** ".to_string()),
        "[a-z ]{0,10}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn slash_scanner_finds_what_the_whole_text_regexes_find(text in slashy(), near in any::<bool>()) {
        prop_assert_eq!(symbols_found(&text, near), symbols_by_whole_text_regexes(&text, near));
    }

    #[test]
    fn slash_scanner_agrees_on_ordinary_text(text in texty(), near in any::<bool>()) {
        prop_assert_eq!(symbols_found(&text, near), symbols_by_whole_text_regexes(&text, near));
    }

    #[test]
    fn recorded_blocks_are_the_top_level_elements(body in markdownish()) {
        let r = render(&body, &TextOnly, true);
        prop_assert_eq!(r.blocks, top_level_by_tags(&r.html), "{}", r.html);
    }

    #[test]
    fn mentions_are_in_bounds_ordered_and_disjoint(text in texty()) {
        let found = find_all(&text, || speaks_of_resolutions(&text), &matcher());
        let mut last_end = 0;
        for m in &found {
            prop_assert!(m.range.start >= last_end && m.range.end <= text.len());
            prop_assert!(text.is_char_boundary(m.range.start) && text.is_char_boundary(m.range.end));
            last_end = m.range.end;
        }
    }

    #[test]
    fn front_matter_parser_never_panics(s in "\\PC{0,200}", prefix in prop_oneof![Just(""), Just("+++\n"), Just("+++\ntitle = ")]) {
        let mut d = Diagnostics::default();
        let text = format!("{prefix}{s}");
        let parsed = site_gen::load::parse_front::<site_gen::load::DocFront>(Path::new("x.md"), text, &mut d);
        // Either it parsed, or it said why.
        prop_assert!(parsed.is_some() || !d.is_empty());
    }

    #[test]
    fn well_typed_front_matter_parses_to_its_fields((f, lines) in front_and_lines(), body in "\\PC{0,40}(\n\\PC{0,20}){0,3}") {
        let text = format!("+++\n{}\n+++\n{body}", lines.join("\n"));
        let mut d = Diagnostics::default();
        let parsed = site_gen::load::parse_front::<site_gen::load::DocFront>(Path::new("x.md"), text.clone(), &mut d);
        prop_assert!(d.is_empty(), "{:?} for\n{}", d.0, text);
        let (front, source) = parsed.expect("parsed");
        prop_assert_eq!(&front.title, &f.title);
        prop_assert_eq!(front.symbol.map(|s| s.into_inner()), f.symbol);
        prop_assert_eq!(front.agenda_item, f.agenda_item);
        prop_assert_eq!(front.session, f.session);
        prop_assert_eq!(front.sponsors.map(|v| v.into_iter().map(|s| s.into_inner()).collect::<Vec<_>>()), f.sponsors);
        prop_assert_eq!(source.body(), body.as_str());
        // The opening and closing `+++` and one line per field come before the body.
        prop_assert_eq!(source.body_line_offset, lines.len() + 2);
    }

    #[test]
    fn a_mistyped_or_unknown_field_is_reported_at_its_line(
        (_, lines) in front_and_lines(),
        bad in prop_oneof![
            Just(("title", "title = 7")),
            Just(("session", "session = \"79\"")),
            Just(("sponsors", "sponsors = \"fra\"")),
            Just(("titel", "titel = \"x\"")),
        ],
        at in any::<prop::sample::Index>(),
    ) {
        let (key, line) = bad;
        let mut lines: Vec<String> = lines.into_iter().filter(|l| !l.starts_with(&format!("{key} ="))).collect();
        if key == "title" || key == "titel" {
            // `title` is required: keep a well-typed one unless the mistake is in it.
            lines.retain(|l| !l.starts_with("title =") || key == "titel");
            if key == "titel" && !lines.iter().any(|l| l.starts_with("title =")) {
                lines.push("title = \"t\"".into());
            }
        }
        let pos = at.index(lines.len() + 1);
        lines.insert(pos, line.to_string());
        let text = format!("+++\n{}\n+++\nbody\n", lines.join("\n"));
        let mut d = Diagnostics::default();
        let parsed = site_gen::load::parse_front::<site_gen::load::DocFront>(Path::new("x.md"), text.clone(), &mut d);
        prop_assert!(parsed.is_none());
        prop_assert_eq!(d.0.len(), 1, "{:?}", d.0);
        // Line 1 is the opening `+++`; the field at `pos` in the front matter is on line pos + 2.
        prop_assert_eq!(d.0[0].line, pos + 2, "{:?} in\n{}", d.0[0], text);
        prop_assert!(d.0[0].message.contains(key), "{:?}", d.0[0]);
    }

    #[test]
    fn markdown_stage_never_panics_and_never_emits_raw_script(body in texty()) {
        let _ = scan(&body);
        let html = render(&body, &TextOnly, true).html;
        prop_assert!(!html.contains("<script"));
    }

    #[test]
    fn escaper_agrees_with_html_escape(s in "\\PC{0,80}|[&<>\"' a-zé]{0,40}") {
        // The generator's own escaper is a hand-written fast path: it must give exactly what
        // the html-escape crate gives for a double-quoted attribute.
        let ours = site_gen::text::esc(&s);
        let theirs = html_escape::encode_double_quoted_attribute(&s);
        prop_assert_eq!(ours.as_str(), theirs.as_ref());
    }

    #[test]
    fn collapse_ws_is_split_whitespace_joined(s in "[ \t\n\r\u{a0}\u{202f}\u{2009}\u{b}\u{c}\u{85}\u{1680}\u{2028}\u{205f}\u{3000}\u{e0}\u{2019}\u{201c}a-zé.,]{0,60}|\\PC{0,40}") {
        let expected = s.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(site_gen::text::collapse_ws(&s), expected);
    }
}

/// Front matter fields with random values of the right types.
#[derive(Debug, Clone)]
struct Front {
    title: String,
    symbol: Option<String>,
    agenda_item: Option<String>,
    session: Option<u32>,
    sponsors: Option<Vec<String>>,
}

/// `s` as a TOML basic string (`\\PC` has no control characters, which would need escapes).
fn toml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Random fields, and their lines in a random order.
fn front_and_lines() -> impl Strategy<Value = (Front, Vec<String>)> {
    let text = "\\PC{0,30}";
    (
        text,
        proptest::option::of(text),
        proptest::option::of(text),
        proptest::option::of(any::<u32>()),
        proptest::option::of(prop::collection::vec("[a-z]{3}", 0..4)),
    )
        .prop_map(|(title, symbol, agenda_item, session, sponsors)| Front {
            title,
            symbol,
            agenda_item,
            session,
            sponsors,
        })
        .prop_flat_map(|f| {
            let mut lines = vec![format!("title = {}", toml_str(&f.title))];
            if let Some(s) = &f.symbol {
                lines.push(format!("symbol = {}", toml_str(s)));
            }
            if let Some(s) = &f.agenda_item {
                lines.push(format!("agenda_item = {}", toml_str(s)));
            }
            if let Some(n) = f.session {
                lines.push(format!("session = {n}"));
            }
            if let Some(v) = &f.sponsors {
                let items: Vec<String> = v.iter().map(|s| toml_str(s)).collect();
                lines.push(format!("sponsors = [{}]", items.join(", ")));
            }
            (Just(f), Just(lines).prop_shuffle())
        })
}

/// The real content, loaded, validated and linked: the site's own linker works on it.
fn real_linked() -> site_gen::link::Linked {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let corpus = site_gen::load::load(&root).expect("the real content loads");
    let checked = site_gen::validate::validate(corpus).expect("the real content is valid");
    site_gen::link::link(checked)
}

#[test]
fn linking_never_changes_the_visible_text() {
    use proptest::test_runner::{Config, TestRunner};
    let linked = real_linked();
    let r = site_gen::render::Renderer::new(&linked).expect("templates compile");
    let open = regex::Regex::new(r#"<a class="(sym|state)" href="[^"<>]*">"#).expect("regex");
    let links = std::cell::Cell::new(0usize);
    for lang in [Lang::Fr, Lang::En] {
        let linker = r.text_linker(lang);
        let mut runner = TestRunner::new(Config::with_cases(400));
        runner
            .run(&texty(), |text| {
                let mut html = String::new();
                linker.link_text(&mut html, &text, &mut || speaks_of_resolutions(&text));
                let opened = open.find_iter(&html).count();
                prop_assert_eq!(opened, html.matches("</a>").count(), "{}", html);
                prop_assert_eq!(opened, html.matches("<a").count(), "{}", html);
                links.set(links.get() + opened);
                let visible = open.replace_all(&html, "").replace("</a>", "");
                prop_assert_eq!(
                    html_escape::decode_html_entities(&visible).into_owned(),
                    text
                );
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{lang}: {e}"));
    }
    // The texts name States and symbols: the property is about texts the linker does link.
    assert!(links.get() > 100, "only {} links made", links.get());
}

/// Every Markdown file of the real content, with its text.
fn content_files() -> Vec<(std::path::PathBuf, String)> {
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// A digit of another script after a number is not part of it (a case the property test drew:
/// the symbol pattern and the reference then read `\d` as any Unicode digit, the bare-number
/// scanner ASCII digits only).
#[test]
fn a_digit_of_another_script_ends_a_symbol() {
    let text = "résolution 77/37\u{1A93}a et A/78/76\u{096A}.";
    let found: Vec<String> = symbols_found(text, true)
        .into_iter()
        .map(|(_, _, s)| s)
        .collect();
    assert_eq!(found, ["A/RES/77/37", "A/78/76"]);
    assert_eq!(
        symbols_found(text, true),
        symbols_by_whole_text_regexes(text, true)
    );
}

/// Every paragraph of the real content, with and without the word "résolution" nearby: the
/// slash scanner finds exactly what the whole-text regexes find.
#[test]
fn slash_scanner_agrees_with_the_regexes_on_the_real_content() {
    let mut paragraphs = 0;
    let mut mentions = 0;
    for (path, text) in content_files() {
        for p in text.split("\n\n") {
            for near in [false, true] {
                let want = symbols_by_whole_text_regexes(p, near);
                assert_eq!(symbols_found(p, near), want, "{}: {p}", path.display());
                mentions += want.len();
            }
            paragraphs += 1;
        }
    }
    // The corpus is there and mentions many documents.
    assert!(
        paragraphs > 1000 && mentions > 500,
        "{paragraphs} paragraphs, {mentions} mentions"
    );
}

/// Every content file: the blocks the renderer records are the top-level elements of its HTML.
#[test]
fn recorded_blocks_are_the_top_level_elements_of_the_real_content() {
    let mut blocks = 0;
    for (path, text) in content_files() {
        let r = render(&text, &TextOnly, true);
        assert_eq!(r.blocks, top_level_by_tags(&r.html), "{}", path.display());
        blocks += r.blocks.len();
    }
    assert!(blocks > 1000, "{blocks} blocks");
}

/// HTML elements with ids and links drawn from a few names, so that links in one part of a
/// page find (or miss) ids in another part, or on another page.
fn elements() -> impl Strategy<Value = Vec<String>> {
    let id = prop::sample::select(vec!["p1", "p2", "fn-1", "a&amp;b", ""]);
    let element = prop_oneof![
        id.clone().prop_map(|i| format!("<p id=\"{i}\">x</p>")),
        id.clone().prop_map(|i| format!("<a href=\"#{i}\">x</a>")),
        id.clone()
            .prop_map(|i| format!("<a href=\"/fr/p/#{i}\">x</a>")),
        id.clone()
            .prop_map(|i| format!("<a href=\"/fr/other/#{i}\">x</a>")),
        id.prop_map(|i| format!("<a class=\"c\" href=\"../other/#{i}\">x</a>")),
        Just("<a href=\"/fr/missing/\">x</a>".to_string()),
        Just("<a href=\"../../../up/\">x</a>".to_string()),
        Just("<a href=\"https://undocs.org/fr/A/78/76\">x</a>".to_string()),
        Just("<div data-id=\"p9\">a=\"b\"</div>\n".to_string()),
    ];
    prop::collection::vec(element, 0..10)
}

/// The build's link check of a page read in two parts (the page without its long text, and
/// the text, read once for every page printing it) against the same page read whole.
fn check_in_parts(
    frame: &[String],
    text: &[String],
    other: &[String],
    hole: usize,
) -> [Vec<String>; 2] {
    use site_gen::linkcheck::{check_refs, page_refs, page_refs_with, text_refs};
    use std::sync::Arc;
    let hole = hole.min(frame.len());
    let (before, after) = (frame[..hole].concat(), frame[hole..].concat());
    let text = text.concat();
    let whole = format!("{before}{text}{after}");
    let other = page_refs("fr/other/index.html", other.concat().as_bytes());
    let files = ["fr/p/index.html", "fr/other/index.html"]
        .map(String::from)
        .into_iter()
        .collect();
    let text_refs = Arc::new(text_refs(text.as_bytes()));
    let split = page_refs_with(
        "fr/p/index.html",
        format!("{before}{after}").as_bytes(),
        Some(text_refs),
    );
    let whole = page_refs("fr/p/index.html", whole.as_bytes());
    let shown = |broken: Vec<site_gen::linkcheck::Broken>| -> Vec<String> {
        broken.iter().map(|b| b.to_string()).collect()
    };
    [
        shown(check_refs(&[whole, other.clone()], &files, "/")),
        shown(check_refs(&[split, other], &files, "/")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn a_page_checked_in_parts_is_checked_as_a_whole(
        frame in elements(), text in elements(), other in elements(), hole in 0usize..10,
    ) {
        let [whole, parts] = check_in_parts(&frame, &text, &other, hole);
        prop_assert_eq!(parts, whole);
    }
}

#[test]
fn parts_and_whole_agree_on_a_hand_checked_page() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    // The frame links into the text and the text into the frame; one link misses in both.
    let frame = s(&[
        "<a href=\"#p1\">1</a>",
        "<p id=\"top\"></p>",
        "<a href=\"#p9\">9</a>",
    ]);
    let text = s(&[
        "<p id=\"p1\">x</p>",
        "<a href=\"#top\">t</a>",
        "<a href=\"/fr/other/#o2\">o</a>",
    ]);
    let other = s(&["<p id=\"o1\"></p>", "<a href=\"/fr/p/#p1\">p1</a>"]);
    let [whole, parts] = check_in_parts(&frame, &text, &other, 2);
    assert_eq!(
        whole,
        [
            "fr/p/index.html: link to #p9: no element with id \"p9\"",
            "fr/p/index.html: link to /fr/other/#o2: no element with id \"o2\"",
        ]
    );
    assert_eq!(parts, whole);
}
