//! Where the checkout is, found when xtask runs rather than when it was compiled.
//!
//! Cargo reuses a compiled xtask for every checkout that shares its target directory (its
//! fingerprint does not depend on where the checkout is), so a path fixed at compile time
//! (`env!("CARGO_MANIFEST_DIR")`) would make one checkout's commands act on another's files.
//! Everything xtask reads or writes derives from the root found here, and everything it has
//! cargo compile goes to a target directory of that checkout's own (`Workspace::target`).

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

pub struct Workspace {
    /// The checkout: the directory of the `Cargo.toml` that has `[workspace]`.
    pub root: PathBuf,
    /// The target directory of every cargo command xtask runs, absolute, and this checkout's
    /// alone: `target/` in the checkout, `CARGO_TARGET_DIR` when it lies inside the checkout,
    /// and a folder of its own under `CARGO_TARGET_DIR` when that lies outside (`own_target`).
    pub target: PathBuf,
}

impl Workspace {
    /// The workspace that holds the current directory.
    pub fn current() -> Result<Workspace> {
        let cwd = std::env::current_dir().context("cannot read the current directory")?;
        let root = find_root(&cwd)?;
        // Cargo reads a relative CARGO_TARGET_DIR against the directory it runs in; xtask runs
        // cargo in the root, so the value is made absolute here, once, for xtask and its children.
        let target = match std::env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => own_target(&root, &cwd.join(dir)),
            _ => root.join("target"),
        };
        Ok(Workspace { root, target })
    }

    /// A directory for what xtask writes itself (the explorer package, wasm-opt's output,
    /// cargo-mutants' results): inside the checkout's own target directory.
    pub fn checkout_dir(&self) -> PathBuf {
        self.target.join("xtask")
    }

    /// The compiled explorer (`explorer.js`, `explorer_bg.wasm`) of this checkout.
    pub fn explorer_pkg(&self) -> PathBuf {
        self.checkout_dir().join("explorer-pkg")
    }
}

/// The target directory for a checkout given `CARGO_TARGET_DIR = configured`. Cargo judges a
/// workspace crate up to date by comparing its source files' modification times with its last
/// build, not their contents, and names its artifacts the same in every checkout: in a target
/// directory shared by two checkouts of different sources, the second can get the first's
/// generator or WebAssembly when its files are older than that build. So a directory outside the
/// checkout gets a folder per checkout, `<dir>/xtask/<checkout name>-<hash of its path>/target`;
/// each checkout compiles its dependencies once there, then only what changed.
fn own_target(root: &Path, configured: &Path) -> PathBuf {
    if configured.starts_with(root) {
        configured.to_path_buf()
    } else {
        configured
            .join("xtask")
            .join(checkout_key(root))
            .join("target")
    }
}

/// Walks up from `start` to the first directory whose `Cargo.toml` declares `[workspace]`, and
/// checks that it is this project (it has the generator), not another Rust workspace.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        if !text.lines().any(|l| l.trim() == "[workspace]") {
            continue;
        }
        if !dir.join("site-gen").join("Cargo.toml").is_file() {
            bail!(
                "{} is a Cargo workspace, but not a checkout of this site (it has no site-gen/): \
                 run cargo xtask from inside the site's checkout",
                dir.display()
            );
        }
        return Ok(dir.to_path_buf());
    }
    bail!(
        "{} is not inside a checkout of this site (no Cargo.toml with [workspace] above it): \
         cd into the checkout, then run cargo xtask again",
        start.display()
    )
}

/// The checkout's directory name and a hash of its full path: readable, and distinct for two
/// checkouts of the same name. FNV-1a, so the name is the same from one xtask build to the next.
fn checkout_key(root: &Path) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in root.as_os_str().as_encoded_bytes() {
        hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    let name: String = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{name}-{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system's temporary directory, removed on drop.
    struct TempDir(PathBuf);
    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir().join(format!("xtask-ws-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn the_root_is_found_from_a_member_below_it() {
        let t = TempDir::new("member");
        let root = t.0.join("checkout");
        write(
            &root.join("Cargo.toml"),
            "[workspace]\nmembers = [\"site-gen\"]\n",
        );
        // A member's manifest has no [workspace]: the walk goes past it.
        write(
            &root.join("site-gen/Cargo.toml"),
            "[package]\nname = \"site-gen\"\n",
        );
        std::fs::create_dir_all(root.join("site-gen/src")).unwrap();
        assert_eq!(find_root(&root.join("site-gen/src")).unwrap(), root);
        assert_eq!(find_root(&root).unwrap(), root);
    }

    #[test]
    fn outside_a_checkout_the_error_says_so() {
        let t = TempDir::new("outside");
        let err = find_root(&t.0).unwrap_err().to_string();
        assert!(err.contains("is not inside a checkout"), "{err}");
        assert!(err.contains(&t.0.display().to_string()), "{err}");
    }

    #[test]
    fn another_workspace_is_not_taken_for_the_site() {
        let t = TempDir::new("other");
        write(&t.0.join("Cargo.toml"), "[workspace]\nmembers = []\n");
        let err = find_root(&t.0).unwrap_err().to_string();
        assert!(err.contains("not a checkout of this site"), "{err}");
    }

    #[test]
    fn checkouts_sharing_a_target_dir_get_their_own() {
        let shared = Path::new("/cache/target");
        let a = own_target(Path::new("/src/a/site"), shared);
        let b = own_target(Path::new("/src/b/site"), shared);
        assert_ne!(a, b);
        for own in [&a, &b] {
            assert_eq!(own.file_name(), Some("target".as_ref()));
            let folder = own.parent().unwrap();
            assert_eq!(folder.parent(), Some(Path::new("/cache/target/xtask")));
            assert!(folder
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("site-"));
        }
        // The same checkout finds the same folder again, so it compiles only what changed.
        assert_eq!(a, own_target(Path::new("/src/a/site"), shared));
        let ws = Workspace {
            root: "/src/a/site".into(),
            target: a.clone(),
        };
        assert_eq!(ws.explorer_pkg(), a.join("xtask/explorer-pkg"));
    }

    #[test]
    fn a_target_dir_inside_the_checkout_is_used_as_it_is() {
        let root = Path::new("/src/a/site");
        assert_eq!(
            own_target(root, Path::new("/src/a/site/build")),
            PathBuf::from("/src/a/site/build")
        );
        let ws = Workspace {
            root: root.into(),
            target: root.join("target"),
        };
        assert_eq!(
            ws.explorer_pkg(),
            PathBuf::from("/src/a/site/target/xtask/explorer-pkg")
        );
    }
}
