//! The generator's modules import one another in one direction only: this test reads every
//! `site-gen/src/**/*.rs`, collects the module paths each file names (`use crate::…`,
//! `crate::x::…` in code, `super::…`, `self::…`, and a child module named from its parent), and
//! fails on any import cycle, naming it with the file and line of each import in it.
//!
//! The rule for folder modules: a module and its own ancestors are never a cycle. A folder's
//! `mod.rs` (and `lib.rs`, the crate's root) declares and re-exports its children and drives
//! them; the children use the items it keeps for them. Every other import is lifted to the two
//! modules under the nearest ancestor the importer and the imported share (`markdown::html` →
//! `mentions` counts as `markdown` → `mentions`; `validate::positions` → `validate::data` counts
//! between those two siblings), and the graph of siblings under each module must be acyclic. A
//! re-export is an import like any other, so a name imported through a re-export still draws
//! the edge to the module it comes from, one step later. Unit-test modules count too: a test
//! that needs a later stage belongs to that stage or to `tests/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path: `[]` is the crate's root, `["markdown", "scan"]` is `markdown::scan`.
type ModPath = Vec<String>;

/// One import: the importing file's module, the module it names, where, and what was written.
#[derive(Debug, Clone)]
struct Import {
    from: ModPath,
    to: ModPath,
    file: PathBuf,
    line: usize,
    written: String,
}

/// The module a source file defines, from its path under `src/`; `None` for `main.rs`, which is
/// a crate of its own (it imports the library as `site_gen::`).
fn module_of(rel: &Path) -> Option<ModPath> {
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let (last, dirs) = parts.split_last()?;
    let stem = last.strip_suffix(".rs")?;
    let mut path: ModPath = dirs.to_vec();
    match (dirs.is_empty(), stem) {
        (true, "main") => return None,
        (true, "lib") | (false, "mod") => {}
        _ => path.push(stem.to_string()),
    }
    Some(path)
}

/// The code of a file with comments, string and character literals blanked out (line breaks
/// kept, so lines still count right): a path quoted in a doc comment or a message is no import.
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
                out.push(' ');
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, b[i]);
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && (i == 0 || !(b[i - 1].is_alphanumeric() || b[i - 1] == '_'))
        {
            // A raw string r"…" or r#"…"#: it ends at a quote followed by as many #.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let end = (j + 1..b.len())
                .find(|&k| b[k] == '"' && (1..=hashes).all(|h| b.get(k + h) == Some(&'#')));
            let end = end.map_or(b.len(), |k| k + 1 + hashes);
            for &ch in &b[i..end] {
                blank(&mut out, ch);
            }
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < b.len() && b[i] != '"' {
                let skip = if b[i] == '\\' { 2 } else { 1 };
                for &ch in &b[i..(i + skip).min(b.len())] {
                    blank(&mut out, ch);
                }
                i += skip;
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{2019}') or a lifetime ('a): only the first is
            // blanked.
            let close = if next == Some('\\') {
                (i + 2..b.len().min(i + 12)).find(|&k| b[k] == '\'')
            } else {
                (b.get(i + 2) == Some(&'\'')).then_some(i + 2)
            };
            match close {
                Some(k) => {
                    for &ch in &b[i..=k] {
                        blank(&mut out, ch);
                    }
                    i = k + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The tokens that matter for paths: identifiers, `::`, braces and commas, each with its line.
fn tokens(code: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut line = 1;
    let b: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push((b[start..i].iter().collect(), line));
        } else if c == ':' && b.get(i + 1) == Some(&':') {
            out.push(("::".into(), line));
            i += 2;
        } else if c.is_whitespace() {
            i += 1;
        } else {
            out.push((c.to_string(), line));
            i += 1;
        }
    }
    out
}

/// Reads a path from `tokens[i]` on (an identifier, then `:: ident` or `:: { group }` steps),
/// appending each full path it names to `out`. Returns the index after the path.
fn read_path(
    tokens: &[(String, usize)],
    mut i: usize,
    prefix: Vec<String>,
    out: &mut Vec<Vec<String>>,
) -> usize {
    let mut path = prefix;
    loop {
        match tokens.get(i).map(|t| t.0.as_str()) {
            Some("{") => {
                // A group: each item is a path of its own under the prefix.
                i += 1;
                loop {
                    match tokens.get(i).map(|t| t.0.as_str()) {
                        None => return i,
                        Some("}") => return i + 1,
                        Some(",") => i += 1,
                        Some(_) => i = read_path(tokens, i, path.clone(), out),
                    }
                }
            }
            Some(t) if t.starts_with(|c: char| c.is_alphabetic() || c == '_') => {
                path.push(t.to_string());
                i += 1;
                if tokens.get(i).map(|t| t.0.as_str()) == Some("::") {
                    i += 1;
                } else {
                    out.push(path);
                    return i;
                }
            }
            _ => {
                // `use x::*` or a path cut short: what was read so far is the path.
                out.push(path);
                return i;
            }
        }
    }
}

/// Every module a file names, with the line it is named on. `here` is the file's module;
/// `modules` every module of the crate (a path is cut to its longest prefix that is a module).
fn imports_of(file: &Path, here: &ModPath, text: &str, modules: &BTreeSet<ModPath>) -> Vec<Import> {
    let toks = tokens(&code_only(text));
    let mut out = Vec::new();
    // Inline modules (`mod tests { … }`) change what `super` and `self` mean inside them.
    let mut scope: Vec<(ModPath, usize)> = vec![(here.clone(), 0)];
    let mut depth = 0usize;
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i].0.as_str();
        match t {
            "{" => depth += 1,
            "}" => {
                if scope.len() > 1 && scope.last().is_some_and(|s| s.1 == depth) {
                    scope.pop();
                }
                depth = depth.saturating_sub(1);
            }
            "mod" => {
                if let (Some(name), Some("{")) = (
                    toks.get(i + 1).map(|t| t.0.clone()),
                    toks.get(i + 2).map(|t| t.0.as_str()),
                ) {
                    let mut inner = scope.last().map(|s| s.0.clone()).unwrap_or_default();
                    inner.push(name);
                    scope.push((inner, depth + 1));
                }
            }
            _ => {}
        }
        let starts_path = toks.get(i + 1).map(|t| t.0.as_str()) == Some("::")
            && (i == 0 || toks[i - 1].0 != "::")
            && t.starts_with(|c: char| c.is_alphabetic() || c == '_');
        if !starts_path {
            i += 1;
            continue;
        }
        let current = scope.last().map(|s| s.0.clone()).unwrap_or_default();
        let line = toks[i].1;
        // Where the path starts: the crate, the current module, its parent (`super::super::`
        // climbs on), or a child module named from its parent.
        let mut j = i;
        let base: Option<ModPath> = match t {
            "crate" => Some(Vec::new()),
            "self" => Some(current.clone()),
            "super" => {
                let mut p = current.clone();
                while toks.get(j).map(|t| t.0.as_str()) == Some("super")
                    && toks.get(j + 1).map(|t| t.0.as_str()) == Some("::")
                {
                    p.pop();
                    j += 2;
                }
                j -= 2; // back on the last `super`, to skip it with its `::` below
                Some(p)
            }
            _ => {
                let mut child = current.clone();
                child.push(t.to_string());
                modules.contains(&child).then_some(current.clone())
            }
        };
        let Some(base) = base else {
            i += 1;
            continue;
        };
        let rest_at = if matches!(t, "crate" | "self" | "super") {
            j + 2
        } else {
            i
        };
        let mut paths = Vec::new();
        let end = read_path(&toks, rest_at, base.clone(), &mut paths);
        for p in paths {
            let mut p = p;
            // `use crate::markdown::{self, …}`: `self` is the module before it.
            if p.last().is_some_and(|s| s == "self") {
                p.pop();
            }
            let module = (0..=p.len())
                .rev()
                .map(|n| p[..n].to_vec())
                .find(|m| modules.contains(m))
                .unwrap_or_default();
            out.push(Import {
                from: here.clone(),
                to: module,
                file: file.to_path_buf(),
                line,
                written: p.join("::"),
            });
        }
        i = end.max(i + 1);
    }
    out
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".into()
    } else {
        m.join("::")
    }
}

/// The import cycles among the files given as (path under `src/`, text), each described with the
/// imports that make it. Edges in `allowed` (`from`, `to`, as sibling module names) are left out.
fn find_cycles(files: &[(PathBuf, String)], allowed: &[(&str, &str)]) -> Vec<String> {
    let graphs = sibling_graphs(files);
    let mut cycles = Vec::new();
    for edges in graphs.values() {
        let mut edges = edges.clone();
        edges.retain(|(a, b), _| !allowed.contains(&(a.as_str(), b.as_str())));
        for cycle in cycles_in(&edges) {
            let mut s = format!("import cycle: {}", cycle.join(" → "));
            for pair in cycle.windows(2) {
                let imp = &edges[&(pair[0].clone(), pair[1].clone())];
                s.push_str(&format!(
                    "\n    {} → {}: {}:{} names `{}`",
                    pair[0],
                    pair[1],
                    imp.file.display(),
                    imp.line,
                    imp.written
                ));
            }
            cycles.push(s);
        }
    }
    cycles
}

/// Per module, the graph of imports between its children (keyed by their full names), with the
/// first import that draws each edge.
fn sibling_graphs(
    files: &[(PathBuf, String)],
) -> BTreeMap<String, BTreeMap<(String, String), Import>> {
    let modules: BTreeSet<ModPath> = files.iter().filter_map(|(p, _)| module_of(p)).collect();
    let mut graphs: BTreeMap<String, BTreeMap<(String, String), Import>> = BTreeMap::new();
    for (path, text) in files {
        let Some(here) = module_of(path) else {
            continue;
        };
        for imp in imports_of(path, &here, text, &modules) {
            let common = imp
                .from
                .iter()
                .zip(&imp.to)
                .take_while(|(a, b)| a == b)
                .count();
            // A module and its ancestors (or descendants) are never a cycle (see the top).
            if common == imp.from.len() || common == imp.to.len() {
                continue;
            }
            let a = name(&imp.from[..=common]);
            let b = name(&imp.to[..=common]);
            graphs
                .entry(name(&imp.from[..common]))
                .or_default()
                .entry((a, b))
                .or_insert(imp);
        }
    }
    graphs
}

/// One cycle per strongly connected group of more than one module, written from its first
/// module (by name) back to it.
fn cycles_in<V>(edges: &BTreeMap<(String, String), V>) -> Vec<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (a, b) in edges.keys() {
        next.entry(a).or_default().push(b);
    }
    let reach = |from: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            for m in next.get(n.as_str()).into_iter().flatten() {
                if seen.insert(m.to_string()) {
                    todo.push(m.to_string());
                }
            }
        }
        seen
    };
    let nodes: BTreeSet<&str> = edges
        .keys()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::new();
    for &n in &nodes {
        if done.contains(n) || !reach(n).contains(n) {
            continue;
        }
        // The group: the modules n reaches that reach n back.
        let group: BTreeSet<String> = reach(n)
            .into_iter()
            .filter(|m| reach(m).contains(n))
            .collect();
        done.extend(group.iter().cloned());
        // A shortest way from n back to n inside the group (breadth first).
        let mut prev: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([n.to_string()]);
        'search: while let Some(m) = queue.pop_front() {
            for &k in next.get(m.as_str()).into_iter().flatten() {
                if !group.contains(k) || prev.contains_key(k) {
                    continue;
                }
                prev.insert(k.to_string(), m.clone());
                if k == n {
                    break 'search;
                }
                queue.push_back(k.to_string());
            }
        }
        let mut cycle = vec![n.to_string()];
        let mut at = prev[n].clone();
        while at != n {
            cycle.push(at.clone());
            at = prev[&at].clone();
        }
        cycle.push(n.to_string());
        let last = cycle.len() - 1;
        cycle[1..last].reverse();
        out.push(cycle);
    }
    out
}

/// Every `.rs` file under `dir`, as (path relative to `dir`, text), sorted.
fn read_tree(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("readable source folder") {
            let path = entry.expect("readable entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("UTF-8 source");
                let rel = path.strip_prefix(dir).expect("under dir").to_path_buf();
                out.push((rel, text));
            }
        }
    }
    out.sort();
    out
}

fn site_gen_src() -> Vec<(PathBuf, String)> {
    read_tree(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

#[test]
fn site_gen_modules_import_one_another_without_cycles() {
    let files = site_gen_src();
    assert!(files.len() > 10, "site-gen/src was not read");
    let cycles = find_cycles(&files, &[]);
    assert!(
        cycles.is_empty(),
        "site-gen's modules must import one another in the pipeline's direction \
         (load → validate → link → render → emit); move what both sides need below both \
         (files under site-gen/src):\n{}",
        cycles.join("\n")
    );
}

fn files(list: &[(&str, &str)]) -> Vec<(PathBuf, String)> {
    list.iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect()
}

#[test]
fn a_cycle_through_three_modules_is_found_and_named() {
    let crate_with_cycle = files(&[
        (
            "lib.rs",
            "pub mod a;\npub mod b;\npub mod c;\nuse a::Thing;\n",
        ),
        ("a.rs", "use crate::b::Other;\npub struct Thing;\n"),
        (
            "b.rs",
            "pub struct Other;\npub fn f() {\n    crate::c::g()\n}\n",
        ),
        (
            "c.rs",
            "// use crate::z is only a comment\nuse crate::{a::Thing, a::More};\npub fn g() {}\n",
        ),
    ]);
    let cycles = find_cycles(&crate_with_cycle, &[]);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].starts_with("import cycle: a → b → c → a\n"),
        "{}",
        cycles[0]
    );
    assert!(
        cycles[0].contains("a → b: a.rs:1 names `b::Other`"),
        "{}",
        cycles[0]
    );
    assert!(
        cycles[0].contains("b → c: b.rs:3 names `c::g`"),
        "{}",
        cycles[0]
    );
    assert!(
        cycles[0].contains("c → a: c.rs:2 names `a::Thing`"),
        "{}",
        cycles[0]
    );
    // The allow-list takes exactly the edges it names out.
    assert!(find_cycles(&crate_with_cycle, &[("c", "a")]).is_empty());
    assert_eq!(find_cycles(&crate_with_cycle, &[("a", "c")]).len(), 1);
}

#[test]
fn comments_strings_and_outside_crates_are_not_imports() {
    let clean = files(&[
        ("lib.rs", "pub mod a;\npub mod b;\n"),
        ("a.rs", "use crate::b::X;\n"),
        (
            "b.rs",
            "/// See [`crate::a::Y`].\n/* crate::a::Z */\nconst S: &str = \"crate::a::W\";\nconst R: &str = r#\"crate::a::V\"#;\nconst C: char = '\"';\nuse serde::a::Q;\nfn f<'a>(x: &'a str) {}\n",
        ),
    ]);
    assert_eq!(find_cycles(&clean, &[]), Vec::<String>::new());
    // The same file with one real import of `a` after the literals closes the cycle.
    let mut dirty = clean.clone();
    dirty[2].1.push_str("fn g() { crate::a::f() }\n");
    let cycles = find_cycles(&dirty, &[]);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].contains("b → a: b.rs:8 names `a::f`"),
        "{}",
        cycles[0]
    );
}

#[test]
fn a_folder_and_its_children_are_no_cycle_but_siblings_are_checked() {
    let folder = files(&[
        ("lib.rs", "pub mod d;\npub mod low;\n"),
        ("low.rs", "pub fn l() {}\n"),
        // The folder re-exports its children and keeps a helper for them.
        ("d/mod.rs", "mod e;\nmod f;\npub use e::E;\npub use self::f::F;\nfn helper() {}\n"),
        ("d/e.rs", "use super::helper;\nuse crate::d::f::F;\nuse crate::low::l;\npub struct E;\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::helper;\n}\n"),
        ("d/f.rs", "use super::helper;\npub struct F;\n"),
    ]);
    assert_eq!(find_cycles(&folder, &[]), Vec::<String>::new());
    // f using its sibling e back is a cycle between siblings.
    let mut siblings = folder.clone();
    siblings[4].1.push_str("use super::e::E;\n");
    let cycles = find_cycles(&siblings, &[]);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].starts_with("import cycle: d::e → d::f → d::e\n"),
        "{}",
        cycles[0]
    );
    // A child reaching a module that imports its folder is a cycle between top-level modules.
    let mut upward = folder;
    upward[1].1.push_str("use crate::d::E;\n");
    let cycles = find_cycles(&upward, &[]);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    assert!(
        cycles[0].starts_with("import cycle: d → low → d\n"),
        "{}",
        cycles[0]
    );
}
