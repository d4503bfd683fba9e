//! The slow part of `cargo xtask test`: checks that run whole `cargo xtask` commands, the way a
//! user does, because what they guard lives between cargo, xtask and the server.
//!
//! - Two clones sharing one `CARGO_TARGET_DIR`, each built with `cargo xtask build`, each get their
//!   own `public/`, byte-identical (cargo reuses one compiled xtask for both: it must find the
//!   checkout when it runs, and keep each checkout's explorer package apart).
//! - Stopping `cargo xtask serve` with SIGTERM stops the server it started: the port is free again.

use crate::workspace::Workspace;
use crate::{cargo, describe};
use anyhow::{bail, ensure, Context, Result};
use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub fn run(ws: &Workspace) -> Result<()> {
    serve_stops_on_sigterm(ws)?;
    clones_sharing_a_target_dir(ws)
}

fn clones_sharing_a_target_dir(ws: &Workspace) -> Result<()> {
    let head = git_head(&ws.root)?;
    let tmp = std::env::temp_dir().join(format!("xtask-clones-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    // Kept between runs, so that only the clones' own crates compile again; not the checkout's
    // own target directory, whose artifacts the clones' builds would otherwise replace.
    let shared = ws.target.join("xtask").join("shared-target-check");
    let result = (|| {
        let (a, b) = (tmp.join("a"), tmp.join("b"));
        // Both clones first, then both builds: the second clone's sources are older than the
        // first clone's build, so cargo reuses that build's xtask (the reported failure).
        for clone in [&a, &b] {
            crate::run(git(&ws.root, &["clone", "--quiet", "--no-checkout", "."]).arg(clone))?;
            crate::run(&mut git(clone, &["checkout", "--quiet", "--detach", &head]))?;
        }
        xtask_build(&a, &shared)?;
        let a_public = a.join("public");
        let a_inode = inode(&a_public)?;
        xtask_build(&b, &shared)?;
        let b_public = b.join("public");
        ensure!(
            b_public.is_dir(),
            "`cargo xtask build` in {} did not write its public/",
            b.display()
        );
        // A build replaces public/ by renaming a new directory into place: the same inode means
        // the second clone's build left the first clone's site alone.
        ensure!(
            inode(&a_public)? == a_inode,
            "`cargo xtask build` in {} rewrote {}",
            b.display(),
            a_public.display()
        );
        same_tree(&a_public, &b_public)?;
        eprintln!(
            "two clones of {head} sharing {}: each built its own public/, byte-identical",
            shared.display()
        );
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn xtask_build(checkout: &Path, target: &Path) -> Result<()> {
    let start = Instant::now();
    crate::run(
        cargo()
            .current_dir(checkout)
            .args(["xtask", "build"])
            .env("CARGO_TARGET_DIR", target),
    )?;
    eprintln!(
        "cargo xtask build in {} took {:.0} s",
        checkout.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

fn git(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir).args(args);
    cmd
}

fn git_head(root: &Path) -> Result<String> {
    let out = git(root, &["rev-parse", "HEAD"])
        .output()
        .context("git rev-parse HEAD")?;
    ensure!(
        out.status.success(),
        "git rev-parse HEAD failed in {}",
        root.display()
    );
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn inode(path: &Path) -> Result<u64> {
    use std::os::unix::fs::MetadataExt;
    Ok(std::fs::metadata(path)
        .with_context(|| format!("{} is missing", path.display()))?
        .ino())
}

/// Every file of a tree by its path relative to the tree, with its bytes.
fn tree(dir: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path)?;
                files.insert(path.strip_prefix(dir)?.to_path_buf(), bytes);
            }
        }
    }
    Ok(files)
}

fn same_tree(a: &Path, b: &Path) -> Result<()> {
    let (ta, tb) = (tree(a)?, tree(b)?);
    ensure!(!ta.is_empty(), "{} is empty", a.display());
    for (path, bytes) in &ta {
        match tb.get(path) {
            None => bail!(
                "{} has {}, {} does not",
                a.display(),
                path.display(),
                b.display()
            ),
            Some(other) if other != bytes => {
                bail!(
                    "{} differs between {} and {}",
                    path.display(),
                    a.display(),
                    b.display()
                )
            }
            Some(_) => {}
        }
    }
    if let Some(extra) = tb.keys().find(|p| !ta.contains_key(*p)) {
        bail!(
            "{} has {}, {} does not",
            b.display(),
            extra.display(),
            a.display()
        );
    }
    Ok(())
}

fn serve_stops_on_sigterm(ws: &Workspace) -> Result<()> {
    use std::os::unix::process::CommandExt;
    // What serve compiles is compiled first, so the wait below is for the server alone.
    crate::build_explorer(ws)?;
    crate::site_gen(ws)?;
    let port = TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port();
    let mut cmd = cargo();
    cmd.current_dir(&ws.root)
        .args(["xtask", "serve", "--port", &port.to_string()])
        .stdout(Stdio::null())
        // Its own process group, so that a failed check can still stop everything it started.
        .process_group(0);
    eprintln!("$ {}", describe(&cmd));
    let mut child = cmd.spawn().context("starting cargo xtask serve")?;
    let pid = child.id().to_string();
    let result = (|| {
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = child.try_wait()? {
                bail!("cargo xtask serve exited ({status}) before serving on port {port}");
            }
            ensure!(
                start.elapsed() < Duration::from_secs(300),
                "cargo xtask serve did not listen on port {port} within 5 minutes"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        // The signal goes to the process that was started, as `kill <pid>` would send it.
        crate::run(Command::new("kill").args(["-TERM", &pid]))?;
        let stopped = Instant::now();
        while child.try_wait()?.is_none() {
            ensure!(
                stopped.elapsed() < Duration::from_secs(10),
                "cargo xtask serve still runs 10 s after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // Nothing may hold the port once the process is gone (the listener is closed as the
        // server exits; allow the kernel a moment to release it).
        while TcpListener::bind(("127.0.0.1", port)).is_err() {
            ensure!(
                stopped.elapsed() < Duration::from_secs(12),
                "port {port} is still taken after cargo xtask serve stopped: its server outlived it"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("cargo xtask serve stopped on SIGTERM and freed port {port}");
        Ok(())
    })();
    if result.is_err() {
        // After `--`, a negative number is a process group, not an option.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .status();
        let _ = child.wait();
    }
    result
}
