//! Where drawn cards are kept between builds: one PNG per card key in a directory shared by the
//! builds of a checkout (`target/site-gen/cards/` under the project root, or the directory named
//! by `SITE_GEN_CARD_CACHE`). A card is written under a temporary name and renamed into place,
//! so a build that stops half-way, or two builds drawing the same card, never leave half a file
//! under a key.
//!
//! It must not draw (`paint` does); it only finds and keeps files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The environment variable that names the cache directory.
pub const ENV: &str = "SITE_GEN_CARD_CACHE";

/// The cache of the project at `root`: `$SITE_GEN_CARD_CACHE`, or `root/target/site-gen/cards`.
pub fn default_dir(root: &Path) -> PathBuf {
    match std::env::var_os(ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => root.join("target").join("site-gen").join("cards"),
    }
}

pub struct Cache {
    dir: PathBuf,
}

/// Distinguishes the temporary files of one process's threads.
static NEXT: AtomicUsize = AtomicUsize::new(0);

impl Cache {
    /// Opens (creates) the directory, or says why it cannot be used.
    pub fn open(dir: &Path) -> Result<Cache, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create the card cache {}: {e}", dir.display()))?;
        Ok(Cache {
            dir: dir.to_path_buf(),
        })
    }

    /// Where the card of `key` is (or would be) kept.
    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.png"))
    }

    /// Keeps `bytes` as the card of `key`, whole or not at all.
    pub fn store(&self, key: &str, bytes: &[u8]) -> Result<PathBuf, String> {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .dir
            .join(format!(".{key}.{}.{n}.tmp", std::process::id()));
        let dest = self.path(key);
        let written = std::fs::File::create(&tmp)
            .and_then(|mut f| f.write_all(bytes))
            .and_then(|()| std::fs::rename(&tmp, &dest));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(format!("cannot write {}: {e}", dest.display()));
        }
        Ok(dest)
    }
}
