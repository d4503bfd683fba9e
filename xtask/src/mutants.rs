//! `cargo xtask mutants [MODULE…] | [FILE… --re REGEX] [-- cargo-mutants arguments…]`: mutation
//! testing with cargo-mutants, which makes small wrong changes to the code (a `==` turned into
//! `!=`, a function that returns a default) and runs tests against each; a mutant the tests do
//! not notice ("missed") marks code whose behaviour no test pins down.
//!
//! Without files, it examines the code that protects maintainers from publishing a broken site,
//! module by module (validation, front matter parsing, mention recognition, the link check and
//! the explorer's filter engine), each with only the tests that exercise it: a mutant is then
//! an incremental build and a few seconds of tests, not the whole suite. Still too slow for
//! every test run: hundreds of mutants.

use crate::workspace::Workspace;
use crate::{cargo, describe, have_cargo_subcommand, run};
use anyhow::{bail, Context, Result};

/// A part of the code under mutation testing, and the tests that exercise it.
struct Module {
    /// Given on the command line to run this module alone; also its output folder's name.
    name: &'static str,
    /// File globs for `--file`; a module file and a folder it may be split into.
    files: &'static [&'static str],
    /// Regex on mutant names for `--re`, when only some functions of the files are examined.
    /// The names start with the file's path, then the line, the change and the function, as
    /// `cargo mutants --list` prints them.
    re: Option<&'static str>,
    package: &'static str,
    /// The test targets built and run for each mutant (`cargo test` arguments): only these
    /// are built, not every test of the package.
    targets: &'static [&'static str],
    /// Test name filters given to the test binaries.
    filters: &'static [&'static str],
}

const MODULES: &[Module] = &[
    Module {
        name: "engine",
        files: &["explorer-wasm/src/engine.rs"],
        re: None,
        package: "explorer-wasm",
        // The queries of 65 536 words and more take nine tenths of the time and test one thing
        // (the width of a counter), which no mutation operator changes.
        targets: &["--lib", "--test", "engine"],
        filters: &["--skip", "huge_text"],
    },
    Module {
        name: "linkcheck",
        files: &["site-gen/src/linkcheck*"],
        re: None,
        package: "site-gen",
        targets: &["--lib", "--test", "properties", "--test", "bad_input"],
        filters: &[
            "linkcheck::",
            "a_page_checked",
            "parts_and_whole",
            "every_bad",
        ],
    },
    Module {
        name: "mentions",
        files: &["site-gen/src/mentions*"],
        re: None,
        package: "site-gen",
        targets: &["--lib", "--test", "properties"],
        filters: &["mentions::", "link::", "slash_scanner", "mentions_are"],
    },
    Module {
        name: "validate",
        files: &["site-gen/src/validate*", "site-gen/src/validate/**"],
        re: None,
        package: "site-gen",
        targets: &["--lib", "--test", "bad_input"],
        filters: &[
            "validate::",
            "every_bad",
            "the_mini",
            "a_missing_translation",
        ],
    },
    Module {
        name: "front",
        files: &["site-gen/src/load*", "site-gen/src/load/**"],
        re: Some(
            r"^site-gen/src/load[^:]*:.*\b(parse_front|find_closing|front_hint|toml_line|toml_message)\b",
        ),
        package: "site-gen",
        targets: &["--lib", "--test", "bad_input", "--test", "properties"],
        filters: &["load::", "front", "every_bad", "a_mistyped"],
    },
];

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
    let mut modules = Vec::new();
    let mut it = ours.iter();
    while let Some(a) = it.next() {
        if a == "--re" {
            res.extend(it.next().cloned());
        } else if let Some(m) = MODULES.iter().find(|m| m.name == a) {
            modules.push(m);
        } else {
            files.push(a.clone());
        }
    }
    if !files.is_empty() || !res.is_empty() {
        if !modules.is_empty() {
            bail!("give either module names or files, not both");
        }
        // Files of the caller's choosing: their packages' whole test suites.
        let mut cmd = mutants_command(ws, &ws.checkout_dir());
        for f in &files {
            cmd.args(["--file", f]);
        }
        for r in &res {
            cmd.args(["--re", r]);
        }
        cmd.args(passed);
        return run_one(cmd, &ws.checkout_dir());
    }
    if modules.is_empty() {
        modules = MODULES.iter().collect();
    }
    let mut failed = Vec::new();
    for m in modules {
        let out = ws.checkout_dir().join("mutants").join(m.name);
        // cargo-mutants makes `out/mutants.out` but not `out`'s parents.
        std::fs::create_dir_all(&out)
            .with_context(|| format!("cannot create {}", out.display()))?;
        let mut cmd = mutants_command(ws, &out);
        for f in m.files {
            cmd.args(["--file", f]);
        }
        if let Some(re) = m.re {
            cmd.args(["--re", re]);
        }
        cmd.args(["--package", m.package, "--test-package", m.package]);
        // cargo-mutants builds a mutant with `cargo test --no-run`, which otherwise builds
        // every test target of the package (a third of a `site-gen` mutant's time).
        for t in m.targets {
            cmd.arg(format!("--cargo-arg={t}"));
        }
        cmd.args(passed).args(["--", "--"]).args(m.filters);
        if let Err(e) = run_one(cmd, &out) {
            eprintln!("{}: {e:#}", m.name);
            failed.push(m.name);
        }
    }
    if !failed.is_empty() {
        bail!("mutation testing found problems in: {}", failed.join(", "));
    }
    Ok(())
}

/// cargo-mutants with the settings every run shares, writing to `out/mutants.out`.
fn mutants_command(ws: &Workspace, out: &std::path::Path) -> std::process::Command {
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .arg("mutants")
        // The test profile without debug information (the workspace's Cargo.toml).
        .args(["--profile", "mutants"])
        .args(["--timeout-multiplier", TIMEOUT_MULTIPLIER])
        .args(["--minimum-test-timeout", MIN_TEST_TIMEOUT])
        .args(["--build-timeout", BUILD_TIMEOUT])
        .arg("--output")
        .arg(out)
        // A property that fails is a caught mutant: shrinking the failing case to its smallest
        // only helps a person reading it, and took most of a caught mutant's time. Nor are the
        // mutants' failures recorded as regressions in the source tree.
        .env("PROPTEST_MAX_SHRINK_ITERS", "0")
        .env("PROPTEST_DISABLE_FAILURE_PERSISTENCE", "1");
    cmd
}

fn run_one(mut cmd: std::process::Command, out: &std::path::Path) -> Result<()> {
    eprintln!("$ {}", describe(&cmd));
    let started = std::time::Instant::now();
    let status = cmd.status().context("cannot start cargo mutants")?;
    let out = out.join("mutants.out");
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
