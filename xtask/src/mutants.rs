//! `cargo xtask mutants [FILE…] [--re REGEX] [-- cargo-mutants arguments…]`: mutation testing with
//! cargo-mutants, which makes small wrong changes to the code (a `==` turned into `!=`, a
//! function that returns a default) and runs the tests of the changed package; a mutant the
//! tests do not notice ("missed") marks code whose behaviour no test pins down.
//!
//! Without files, it examines the code that protects maintainers from publishing a broken site:
//! validation, front matter parsing, mention recognition, the link check and the explorer's
//! filter engine. Too slow for every test run: hundreds of mutants, each a build and a test run.

use crate::workspace::Workspace;
use crate::{cargo, describe, have_cargo_subcommand, run};
use anyhow::{bail, Context, Result};

/// (file glob for `--file`, regex on mutant names for `--re`). The names start with the file's
/// path, then the line, the change and the function, as `cargo mutants --list` prints them.
/// Globs cover both a module file and a folder it may be split into.
const DEFAULT: &[(&str, &str)] = &[
    ("site-gen/src/validate*", r"^site-gen/src/validate"),
    ("site-gen/src/validate/**", r"^site-gen/src/validate"),
    ("site-gen/src/load*", FRONT_MATTER),
    ("site-gen/src/load/**", FRONT_MATTER),
    ("site-gen/src/mentions*", r"^site-gen/src/mentions"),
    ("site-gen/src/linkcheck*", r"^site-gen/src/linkcheck"),
    ("explorer-wasm/src/engine.rs", r"^explorer-wasm/src/engine"),
];

/// Only the loader's front matter functions.
const FRONT_MATTER: &str =
    r"^site-gen/src/load[^:]*:.*\b(parse_front|find_closing|front_hint|toml_line|toml_message)\b";

/// A mutant's tests are stopped after this many times the unmutated tests' run time (a mutant
/// can make a loop endless), and never before `MIN_TEST_TIMEOUT` seconds, since other work on a
/// shared machine can slow one run down; a build is stopped after `BUILD_TIMEOUT` seconds.
const TIMEOUT_MULTIPLIER: &str = "3";
const MIN_TEST_TIMEOUT: &str = "120";
const BUILD_TIMEOUT: &str = "900";

pub fn run_mutants(ws: &Workspace, args: &[String]) -> Result<()> {
    if !have_cargo_subcommand("mutants") {
        run(cargo().args(["install", "cargo-mutants", "--locked"]))?;
    }
    let (ours, passed) = match args.iter().position(|a| a == "--") {
        Some(i) => (&args[..i], &args[i + 1..]),
        None => (args, &[][..]),
    };
    let mut files = Vec::new();
    let mut res = Vec::new();
    let mut it = ours.iter();
    while let Some(a) = it.next() {
        if a == "--re" {
            res.extend(it.next().cloned());
        } else {
            files.push(a.clone());
        }
    }
    if files.is_empty() && res.is_empty() {
        for (file, re) in DEFAULT {
            files.push((*file).to_string());
            if !res.iter().any(|r| r == re) {
                res.push((*re).to_string());
            }
        }
    }
    let mut cmd = cargo();
    cmd.current_dir(&ws.root).arg("mutants");
    for f in &files {
        cmd.args(["--file", f]);
    }
    for r in &res {
        cmd.args(["--re", r]);
    }
    cmd.args(["--timeout-multiplier", TIMEOUT_MULTIPLIER])
        .args(["--minimum-test-timeout", MIN_TEST_TIMEOUT])
        .args(["--build-timeout", BUILD_TIMEOUT])
        .arg("--output")
        .arg(ws.checkout_dir())
        .args(passed);
    eprintln!("$ {}", describe(&cmd));
    let started = std::time::Instant::now();
    let status = cmd.status().context("cannot start cargo mutants")?;
    let out = ws.checkout_dir().join("mutants.out");
    eprintln!(
        "cargo mutants ran for {:.0} s; every mutant and its outcome: {}",
        started.elapsed().as_secs_f64(),
        out.display()
    );
    // cargo-mutants' exit codes (its documentation, "Exit codes").
    match status.code() {
        Some(0) => Ok(()),
        Some(2) => bail!(
            "some mutants were missed: no test noticed them (listed in {})",
            out.join("missed.txt").display()
        ),
        Some(3) => bail!(
            "some mutants timed out (listed in {})",
            out.join("timeout.txt").display()
        ),
        Some(4) => bail!("the tests fail without any mutation: fix them first"),
        _ => bail!("cargo mutants failed ({status})"),
    }
}
