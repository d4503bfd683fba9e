//! Where the checkout is, found when xtask runs rather than when it was compiled.
//!
//! Cargo reuses a compiled xtask for every checkout that shares its target directory (its
//! fingerprint does not depend on where the checkout is), so a path fixed at compile time
//! (`env!("CARGO_MANIFEST_DIR")`) would make one checkout's commands act on another's files.
//! Everything xtask reads or writes derives from the root found here, and what it writes under
//! a shared target directory goes into a folder of that checkout's own.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

pub struct Workspace {
    /// The checkout: the directory of the `Cargo.toml` that has `[workspace]`.
    pub root: PathBuf,
    /// Cargo's target directory, absolute (`CARGO_TARGET_DIR`, or `target/` in the checkout).
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
            Some(dir) if !dir.is_empty() => cwd.join(dir),
            _ => root.join("target"),
        };
        Ok(Workspace { root, target })
    }

    /// A directory for what xtask writes that belongs to this checkout (the explorer package):
    /// `target/xtask` when the target directory is the checkout's own, otherwise a folder named
    /// after the checkout's path, so checkouts sharing a target directory never share it.
    pub fn checkout_dir(&self) -> PathBuf {
        let base = self.target.join("xtask");
        if self.target.starts_with(&self.root) {
            base
        } else {
            base.join(checkout_key(&self.root))
        }
    }

    /// The compiled explorer (`explorer.js`, `explorer_bg.wasm`) of this checkout.
    pub fn explorer_pkg(&self) -> PathBuf {
        self.checkout_dir().join("explorer-pkg")
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
    fn checkouts_sharing_a_target_dir_get_their_own_folder() {
        let shared = PathBuf::from("/cache/target");
        let a = Workspace {
            root: "/src/a/site".into(),
            target: shared.clone(),
        };
        let b = Workspace {
            root: "/src/b/site".into(),
            target: shared,
        };
        assert_ne!(a.explorer_pkg(), b.explorer_pkg());
        let folder = a.checkout_dir();
        assert_eq!(folder.parent(), Some(Path::new("/cache/target/xtask")));
        assert!(folder
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("site-"));
        // The checkout's own target directory needs no such folder.
        let own = Workspace {
            root: "/src/a/site".into(),
            target: "/src/a/site/target".into(),
        };
        assert_eq!(
            own.explorer_pkg(),
            PathBuf::from("/src/a/site/target/xtask/explorer-pkg")
        );
    }
}
