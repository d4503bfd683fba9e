//! The slow part of `cargo xtask test`: checks that run whole `cargo xtask` commands, the way a
//! user does, because what they guard lives between cargo, xtask and the server.
//!
//! - Two clones sharing one `CARGO_TARGET_DIR`, the second with a different generator source
//!   dated before the first's build, each built with `cargo xtask build`, each get their own
//!   `public/`, identical but for that difference (cargo reuses one compiled xtask for both: it
//!   must find the checkout when it runs, and give each checkout its own target directory).
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

/// The compiled-in difference between the two clones: clone b's generator writes `robots.txt`
/// with this mark in it. Compiled into the generator (a template would be read when it runs),
/// so only the generator compiled from b's sources shows it. Not a string any page or social
/// card shows: a card is named by a hash of what it shows, so a difference drawn on a card would
/// rename it and change every page that points to it.
const DIFFERENCE_FILE: &str = "site-gen/src/emit.rs";
const DIFFERENCE_FROM: &str = r#""User-agent: *\nAllow"#;
const DIFFERENCE_TO: &str = r#""User-agent: * (clone-b)\nAllow"#;
const DIFFERENCE_MARK: &[u8] = b" (clone-b)";

fn clones_sharing_a_target_dir(ws: &Workspace) -> Result<()> {
    let head = git_head(&ws.root)?;
    // Both the shared target directory and the clones' paths are kept between runs: each clone
    // compiles into a folder of its own under the shared directory, named after its path, so
    // later runs compile only the clones' own crates. Not the checkout's own target directory,
    // whose artifacts the clones' builds would otherwise replace.
    let base = ws.checkout_dir();
    let shared = base.join("shared-target-check");
    let clones = base.join("shared-target-clones");
    let _ = std::fs::remove_dir_all(&clones);
    std::fs::create_dir_all(&clones)?;
    let result = (|| {
        let (a, b) = (clones.join("a"), clones.join("b"));
        for clone in [&a, &b] {
            crate::run(git(&ws.root, &["clone", "--quiet", "--no-checkout", "."]).arg(clone))?;
            crate::run(&mut git(clone, &["checkout", "--quiet", "--detach", &head]))?;
        }
        make_b_differ(&b)?;
        // Both clones first, then both builds: b's sources are older than a's build, so cargo
        // reuses a's xtask, and would reuse a's generator if they shared one (the failures guarded).
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
        same_but_the_difference(&a_public, &b_public)?;
        eprintln!(
            "two clones of {head} sharing {}: each built its own public/, identical but for b's \
             compiled-in difference",
            shared.display()
        );
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&clones);
    result
}

/// Changes b's generator source, and dates the change an hour before the clone: cargo, which
/// compares modification times, would then take a build of a's sources as up to date for b.
fn make_b_differ(b: &Path) -> Result<()> {
    let path = b.join(DIFFERENCE_FILE);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    ensure!(
        text.matches(DIFFERENCE_FROM).count() == 1,
        "{DIFFERENCE_FILE} no longer has `{DIFFERENCE_FROM}` once: the clones' check changes it \
         to make the second clone's generator differ; pick another compiled-in string in \
         xtask/src/slow_checks.rs"
    );
    std::fs::write(&path, text.replace(DIFFERENCE_FROM, DIFFERENCE_TO))?;
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&path)?
        .set_modified(an_hour_ago)
        .with_context(|| format!("dating {}", path.display()))?;
    Ok(())
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
    for path in crate::files_under(dir)? {
        let bytes = std::fs::read(&path)?;
        files.insert(path.strip_prefix(dir)?.to_path_buf(), bytes);
    }
    Ok(files)
}

/// `b` has the same files as `a`, with b's mark in some of them, none in `a`'s, and, the mark
/// removed, the same bytes.
fn same_but_the_difference(a: &Path, b: &Path) -> Result<()> {
    let (ta, tb) = (tree(a)?, tree(b)?);
    ensure!(!ta.is_empty(), "{} is empty", a.display());
    let mut marked = 0;
    for (path, bytes) in &ta {
        ensure!(
            find(bytes, DIFFERENCE_MARK).is_none(),
            "{} in {} has b's mark {:?}: the first clone got the second clone's generator",
            path.display(),
            a.display(),
            String::from_utf8_lossy(DIFFERENCE_MARK)
        );
        let Some(other) = tb.get(path) else {
            bail!(
                "{} has {}, {} does not",
                a.display(),
                path.display(),
                b.display()
            );
        };
        let unmarked = remove(other, DIFFERENCE_MARK);
        if unmarked.len() != other.len() {
            marked += 1;
        }
        ensure!(
            &unmarked == bytes,
            "{} differs between {} and {} by more than b's mark",
            path.display(),
            a.display(),
            b.display()
        );
    }
    if let Some(extra) = tb.keys().find(|p| !ta.contains_key(*p)) {
        bail!(
            "{} has {}, {} does not",
            b.display(),
            extra.display(),
            a.display()
        );
    }
    ensure!(
        marked > 0,
        "no file of {} has b's mark {:?}: the second clone was built with the first clone's \
         generator (or robots.txt is no longer written: change the check's difference)",
        b.display(),
        String::from_utf8_lossy(DIFFERENCE_MARK)
    );
    eprintln!("{marked} files of {} show b's mark", b.display());
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `bytes` without any occurrence of `needle`.
fn remove(bytes: &[u8], needle: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some(i) = find(rest, needle) {
        out.extend_from_slice(&rest[..i]);
        rest = &rest[i + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_is_removed_wherever_it_is() {
        assert_eq!(
            remove(
                b"1 mai 2024 (clone-b), 2 mai 2024 (clone-b)",
                DIFFERENCE_MARK
            ),
            b"1 mai 2024, 2 mai 2024"
        );
        assert_eq!(remove(b"no mark", DIFFERENCE_MARK), b"no mark");
        assert_eq!(find(b"ab (clone-b)", DIFFERENCE_MARK), Some(2));
    }

    #[test]
    fn the_difference_is_where_the_mark_says() {
        // The real source: the string the check changes is there, once.
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let text = std::fs::read_to_string(root.join(DIFFERENCE_FILE)).unwrap();
        assert_eq!(text.matches(DIFFERENCE_FROM).count(), 1);
        let changed = text.replace(DIFFERENCE_FROM, DIFFERENCE_TO);
        assert_eq!(remove(changed.as_bytes(), DIFFERENCE_MARK), text.as_bytes());
    }
}
