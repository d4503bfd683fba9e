//! The catalogue of bad inputs (tests/fixtures/bad/*/case.toml): each case is the small valid
//! site tests/fixtures/mini with one mistake applied. Every case must fail with exactly the
//! expected diagnostics (file, line, whole message and whole hint) and no other, never panic,
//! and leave the previous output untouched. A case marked `builds = true` is hostile text that
//! is not a mistake: the site must build, and each of its `inert` strings (markup, script) may
//! appear in no HTML, XML or SVG file as it was written, while every JSON and citation file
//! still parses.

#[path = "common/mod.rs"]
mod common;

use common::copy_dir;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Case {
    #[serde(default)]
    edit: Vec<Edit>,
    #[serde(default)]
    write: Vec<Write>,
    #[serde(default)]
    symlink: Vec<Symlink>,
    output: Option<String>,
    #[serde(default)]
    expect: Vec<Expect>,
    /// Hostile text that must build: no diagnostics expected.
    #[serde(default)]
    builds: bool,
    /// Strings of a `builds` case that no markup file may contain as written.
    #[serde(default)]
    inert: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    find: String,
    replace: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Write {
    file: String,
    text: Option<String>,
    hex: Option<String>,
    repeat: Option<String>,
    times: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Symlink {
    link: String,
    target: String,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// Path relative to the fixture site ("" when the problem is not in one input file).
    file: String,
    line: usize,
    message: String,
    hint: String,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The mini site plus the real theme, in a fresh directory, with the case applied.
fn prepare(case: &Case) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mini = workspace().join("tests/fixtures/mini");
    for part in ["site.toml", "content"] {
        let src = mini.join(part);
        if src.is_dir() {
            copy_dir(&src, &dir.path().join(part));
        } else {
            std::fs::copy(&src, dir.path().join(part)).expect("copy");
        }
    }
    copy_dir(&workspace().join("themes"), &dir.path().join("themes"));
    for e in &case.edit {
        let path = dir.path().join(&e.file);
        let text = std::fs::read_to_string(&path).expect("file to edit");
        assert!(
            text.contains(&e.find),
            "case edit does not apply: {:?} not in {}",
            e.find,
            e.file
        );
        std::fs::write(&path, text.replacen(&e.find, &e.replace, 1)).expect("write");
    }
    for w in &case.write {
        let bytes = if let Some(t) = &w.text {
            t.clone().into_bytes()
        } else if let Some(h) = &w.hex {
            (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).expect("hex"))
                .collect()
        } else {
            w.repeat
                .clone()
                .unwrap_or_default()
                .repeat(w.times.unwrap_or(1))
                .into_bytes()
        };
        let path = dir.path().join(&w.file);
        // A case may add a file in a folder the mini site does not have.
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
    for s in &case.symlink {
        #[cfg(unix)]
        std::os::unix::fs::symlink(&s.target, dir.path().join(&s.link)).expect("symlink");
    }
    dir
}

/// Every file under `dir` with its bytes, to prove an output directory was not touched.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().to_path_buf(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    v.sort();
    v
}

fn load_case(name: &str) -> Result<Case, String> {
    let case_path = workspace()
        .join("tests/fixtures/bad")
        .join(name)
        .join("case.toml");
    toml::from_str(&std::fs::read_to_string(&case_path).map_err(|e| e.to_string())?)
        .map_err(|e| format!("{name}: {e}"))
}

fn run_case(name: &str) -> Result<(), String> {
    let case = load_case(name)?;
    if case.builds {
        return run_hostile_case(name, &case);
    }
    if case.expect.is_empty() || !case.inert.is_empty() {
        return Err(format!(
            "{name}: a case that must fail lists its diagnostics, and no `inert` strings"
        ));
    }
    let dir = prepare(&case);
    let output = match &case.output {
        Some(o) => dir.path().join(o),
        None => dir.path().join("public"),
    };
    // A previous good site must survive the failed build byte for byte.
    let previous = dir.path().join("previous-public");
    std::fs::create_dir_all(previous.join("fr")).map_err(|e| e.to_string())?;
    std::fs::write(previous.join("fr/index.html"), b"previous site").map_err(|e| e.to_string())?;
    if case.output.is_none() {
        std::fs::rename(&previous, &output).map_err(|e| e.to_string())?;
    }
    let before = snapshot(&output);
    let opts = site_gen::BuildOptions {
        root: dir.path().to_path_buf(),
        output: output.clone(),
        explorer_pkg: None,
        base_url: None,
        card_cache: None,
    };
    let result = std::panic::catch_unwind(|| site_gen::build(&opts))
        .map_err(|_| format!("{name}: the build panicked"))?;
    let after = snapshot(&output);
    if before != after {
        return Err(format!("{name}: the previous output was modified"));
    }
    let diags = match result {
        Ok(_) => return Err(format!("{name}: the build succeeded")),
        Err(site_gen::BuildError::Input(d)) => d.0,
        // A write error names no input file; the command line adds this sentence to it.
        Err(site_gen::BuildError::Write(msg)) => vec![site_gen::diagnostics::Diagnostic::new(
            Path::new(""),
            0,
            msg,
            "the previous output was left as it was",
        )],
    };
    // Paths under the fixture's temporary directory and the process id in a temporary
    // directory's name vary from run to run: the expectations write them `{root}` and `{pid}`.
    let root = dir.path().display().to_string();
    let pid = format!(".tmp-{}", std::process::id());
    let normalise = |s: &str| s.replace(&root, "{root}").replace(&pid, ".tmp-{pid}");
    let mut got: Vec<(String, usize, String, String)> = diags
        .iter()
        .map(|d| {
            let rel = d.file.strip_prefix(dir.path()).unwrap_or(&d.file);
            (
                rel.display().to_string(),
                d.line,
                normalise(&d.message),
                normalise(&d.hint),
            )
        })
        .collect();
    let shown = |got: &[(String, usize, String, String)]| {
        got.iter()
            .map(|(f, l, m, h)| format!("{f}:{l}: {m} | {h}"))
            .collect::<Vec<_>>()
            .join("\n    ")
    };
    let all = shown(&got);
    // Each expectation takes one diagnostic that matches it exactly; none may be left over.
    for exp in &case.expect {
        if exp.message.is_empty() || exp.hint.is_empty() {
            return Err(format!(
                "{name}: an expectation must give the message and the hint"
            ));
        }
        let found = got.iter().position(|(f, l, m, h)| {
            *f == exp.file && *l == exp.line && *m == exp.message && *h == exp.hint
        });
        match found {
            Some(i) => {
                got.remove(i);
            }
            None => return Err(format!("{name}: expected {exp:?}\n  got:\n    {all}")),
        }
    }
    if !got.is_empty() {
        return Err(format!(
            "{name}: unexpected diagnostics:\n    {}",
            shown(&got)
        ));
    }
    Ok(())
}

/// A `builds` case: the site builds; no HTML, XML or SVG file holds an `inert` string as it was
/// written (escaped, it is text), each page closes every `<script>` it opens, and every JSON,
/// BibTeX and RIS file still parses as one.
fn run_hostile_case(name: &str, case: &Case) -> Result<(), String> {
    if !case.expect.is_empty() || case.inert.is_empty() {
        return Err(format!(
            "{name}: a case that builds lists the `inert` strings and no diagnostics"
        ));
    }
    let dir = prepare(case);
    let (out, _) = site_gen::generate(dir.path(), None, None)
        .map_err(|d| format!("{name}: hostile text must build, escaped: {d}"))?;
    let mut problems = Vec::new();
    for (path, bytes) in &out {
        let text = String::from_utf8_lossy(bytes);
        let ext = path.rsplit('.').next().unwrap_or("");
        match ext {
            "html" | "xml" | "svg" => {
                for s in case.inert.iter().filter(|s| text.contains(s.as_str())) {
                    problems.push(format!("{path}: holds {s:?} as written"));
                }
                if text.matches("<script").count() != text.matches("</script>").count() {
                    problems.push(format!("{path}: a <script> element was closed early"));
                }
            }
            "json" => {
                if let Err(e) = serde_json::from_slice::<serde_json::Value>(bytes) {
                    problems.push(format!("{path}: not JSON any more: {e}"));
                }
            }
            "bib" => {
                if let Err(e) = biblatex::Bibliography::parse(&text) {
                    problems.push(format!("{path}: not BibTeX any more: {e}"));
                }
            }
            "ris" if text.matches("TY  - ").count() != text.matches("ER  - ").count() => {
                problems.push(format!("{path}: RIS records broken"));
            }
            _ => {}
        }
    }
    // The edits must have reached the output, or the case checks nothing.
    let html_with_escaped = out
        .iter()
        .any(|(p, b)| p.ends_with(".html") && String::from_utf8_lossy(b).contains("alert("));
    if !html_with_escaped {
        problems.push("no page shows the hostile text at all".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{name}:\n    {}", problems.join("\n    ")))
    }
}

#[test]
fn the_mini_fixture_builds() {
    let dir = prepare(&Case::default());
    let opts = site_gen::BuildOptions {
        root: dir.path().to_path_buf(),
        output: dir.path().join("public"),
        explorer_pkg: None,
        base_url: None,
        card_cache: None,
    };
    if let Err(e) = site_gen::build(&opts) {
        panic!("mini fixture must build: {e}");
    }
}

#[test]
fn every_bad_input_is_reported_precisely() {
    let dir = workspace().join("tests/fixtures/bad");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.len() >= 20,
        "the catalogue must hold at least 20 cases"
    );
    let failures: Vec<String> = names.iter().filter_map(|n| run_case(n).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

#[test]
fn hostile_text_is_inert_in_pages() {
    let case = load_case("hostile-text-pages").expect("catalogue case");
    let dir = prepare(&case);
    let (out, _) = match site_gen::generate(dir.path(), None, None) {
        Ok(x) => x,
        Err(d) => panic!("hostile text must build, escaped: {d}"),
    };
    let doc = String::from_utf8_lossy(&out["fr/documents/rapport/index.html"]).into_owned();
    assert!(
        doc.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "script not escaped"
    );
    assert!(!doc.contains("<img"), "img tag passed through");
    assert!(!doc.contains("javascript:"), "javascript: URL kept");
    assert!(
        doc.contains("{{ 7*7 }}") && doc.contains("{% raw %}"),
        "template syntax in content was interpreted"
    );
    let state = String::from_utf8_lossy(&out["fr/states/deu/index.html"]).into_owned();
    assert!(
        state.contains("&lt;b onmouseover=alert(1)&gt;Allemagne&lt;/b&gt; {{ config }}"),
        "data field not escaped: {state}"
    );
}

#[test]
fn the_command_line_exits_non_zero_and_prints_the_errors() {
    let case = Case {
        edit: vec![Edit {
            file: "content/fr/documents/rapport.md".into(),
            find: "symbol = ".into(),
            replace: "symbl = ".into(),
        }],
        ..Case::default()
    };
    let dir = prepare(&case);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_site-gen"))
        .args(["build", "--root"])
        .arg(dir.path())
        .arg("--output")
        .arg(dir.path().join("public"))
        .output()
        .expect("runs");
    assert!(!out.status.success(), "exit status must be non-zero");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rapport.md:2: unknown field `symbl`"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: did you mean `symbol`?"), "{stderr}");
    assert!(
        !dir.path().join("public").exists(),
        "nothing may be written"
    );
}

#[test]
fn a_missing_translation_falls_back_with_a_notice_and_is_listed() {
    let dir = prepare(&Case::default());
    std::fs::remove_file(dir.path().join("content/en/pages/about.md")).expect("remove");
    let (out, warnings) = match site_gen::generate(dir.path(), None, None) {
        Ok(x) => x,
        Err(d) => panic!("a missing translation is not an error: {d}"),
    };
    // The only edition missing is that page's: the documents have both.
    assert_eq!(
        warnings,
        ["pages/about: no en edition; the other language is shown with a notice"]
    );
    let page = String::from_utf8_lossy(&out["en/about/index.html"]).into_owned();
    assert!(
        page.contains("does not exist in English yet"),
        "no notice: {page}"
    );
    assert!(
        page.contains("<article class=\"page\" lang=\"fr\">"),
        "the French text is not marked as French"
    );
    let listed = site_gen::check(dir.path()).expect("check");
    assert_eq!(listed, warnings);
}

#[test]
fn a_missing_compiled_explorer_is_reported_and_nothing_is_published() {
    let dir = prepare(&Case::default());
    let output = dir.path().join("public");
    std::fs::create_dir_all(output.join("fr")).expect("previous site");
    std::fs::write(output.join("fr/index.html"), b"previous site").expect("previous site");
    let before = snapshot(&output);
    // A package directory without the compiled explorer in it.
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg dir");
    let opts = site_gen::BuildOptions {
        root: dir.path().to_path_buf(),
        output: output.clone(),
        explorer_pkg: Some(pkg.clone()),
        base_url: None,
        card_cache: None,
    };
    let diags = match site_gen::build(&opts) {
        Err(site_gen::BuildError::Input(d)) => d.0,
        other => panic!("expected an input error, got {other:?}"),
    };
    for name in ["explorer.js", "explorer_bg.wasm"] {
        assert!(
            diags.iter().any(|d| d.file == pkg.join(name)
                && d.message.contains("cannot read the compiled explorer")
                && d.hint.contains("cargo xtask build")),
            "{name} not reported: {diags:?}"
        );
    }
    assert_eq!(
        before,
        snapshot(&output),
        "the previous output was modified"
    );
}

/// An XSS payload in a title, a paragraph and a State's name stays an inert string in every
/// API file, citation file and bibliographic tag: JSON holds it as text, HTML escapes it,
/// the JSON-LD cannot close its element, BibTeX still parses.
#[test]
fn hostile_text_is_inert_in_the_api_and_the_citations() {
    const PAYLOAD: &str = "</script><script>alert(1)</script>\"><img src=x onerror=alert(1)>{}%&";
    let case = load_case("hostile-text-api").expect("catalogue case");
    let dir = prepare(&case);
    let (out, _) = match site_gen::generate(dir.path(), None, None) {
        Ok(x) => x,
        Err(d) => panic!("hostile text must build, escaped: {d}"),
    };
    let file = |p: &str| String::from_utf8_lossy(&out[p]).into_owned();
    // API: the text as a JSON string, exactly as written, never as markup around it.
    let api: serde_json::Value =
        serde_json::from_str(&file("api/v1/documents/rapport.json")).expect("JSON");
    assert_eq!(
        api["editions"]["fr"]["title"],
        format!("Rapport {PAYLOAD}").as_str()
    );
    let fra1 = api["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .find(|b| b["anchor"] == "fra-1")
        .expect("fra-1")
        .clone();
    assert!(fra1["text"]["en"]
        .as_str()
        .expect("text")
        .starts_with("<script>alert(2)</script> France supports"));
    let state: serde_json::Value =
        serde_json::from_str(&file("api/v1/states/fra.json")).expect("JSON");
    assert_eq!(state["name"]["en"], "<b onmouseover=alert(3)>France</b>");
    // Pages: the head's tags and the citation page escape it; the JSON-LD holds no `<`.
    for page in [
        "fr/documents/rapport/index.html",
        "fr/documents/rapport/cite/index.html",
    ] {
        let html = file(page);
        assert!(!html.contains("<script>alert"), "{page}: script passed");
        assert!(!html.contains("<img"), "{page}: img passed");
        assert_eq!(
            html.matches("<script").count(),
            html.matches("</script>").count(),
            "{page}: an element was closed early"
        );
        for ld in html.split("<script type=\"application/ld+json\">").skip(1) {
            let body = ld.split("</script>").next().unwrap_or_default();
            assert!(!body.contains('<') && !body.contains('>'), "{page}: {body}");
            let v: serde_json::Value = serde_json::from_str(body).expect("JSON-LD");
            assert_eq!(v["name"], format!("Rapport {PAYLOAD}").as_str());
        }
    }
    let doc = file("fr/documents/rapport/index.html");
    assert!(doc.contains(
        "<meta name=\"citation_title\" content=\"Rapport &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;{}%&amp;\">"
    ), "citation_title not escaped");
    // Citation files: BibTeX parses to the same title, RIS stays one record.
    let bib = biblatex::Bibliography::parse(&file("data/cite/rapport-fr.bib")).expect("BibTeX");
    let title = biblatex::ChunksExt::format_verbatim(
        bib.get("rapport-fr")
            .and_then(|e| e.get("title"))
            .expect("title"),
    );
    assert_eq!(title, format!("Rapport {PAYLOAD}"));
    let ris = file("data/cite/rapport-fr.ris");
    assert_eq!(ris.matches("ER  - ").count(), 1);
    let csl: serde_json::Value =
        serde_json::from_str(&file("data/cite/rapport-fr.json")).expect("CSL-JSON");
    assert_eq!(csl[0]["title"], format!("Rapport {PAYLOAD}").as_str());
}
