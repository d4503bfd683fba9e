//! Where rendered files go. `Memory` keeps them (tests, `serve`, `check`); `Dir` writes each one
//! as soon as it is rendered into the build's temporary directory and keeps only what the link
//! check needs, so a large site is never held in memory whole.

use crate::linkcheck::{page_refs, PageRefs};
use crate::output::{Output, PageText, RenderedPage};
use std::collections::{BTreeSet, HashSet};
use std::io::{IoSlice, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub trait Sink: Sync {
    /// Stores one output file, `path` relative to the output directory.
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), String>;

    /// Stores one rendered HTML page.
    fn put_page(&self, path: String, page: RenderedPage) -> Result<(), String> {
        self.put(path, page.into_bytes())
    }

    /// Stores a copy of the file `from` (a file kept between builds, such as a social card).
    /// `NotFound` when `from` does not exist.
    fn put_file(&self, path: String, from: &Path) -> std::io::Result<()> {
        let bytes = std::fs::read(from)?;
        self.put(path, bytes).map_err(std::io::Error::other)
    }
}

/// Keeps every file in memory.
#[derive(Default)]
pub struct Memory(Mutex<Output>);

impl Memory {
    pub fn into_output(self) -> Output {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Memory {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), String> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path, bytes);
        Ok(())
    }
}

/// Writes every file under `root` at once.
pub struct Dir {
    root: PathBuf,
    /// Directories already created, as paths relative to `root` (a hash set of strings: paths
    /// compare component by component, slowly, and this is asked for every file).
    made: Mutex<HashSet<String>>,
    refs: Mutex<Vec<PageRefs>>,
    files: Mutex<Vec<String>>,
}

impl Dir {
    pub fn new(root: &Path) -> Dir {
        Dir {
            root: root.to_path_buf(),
            made: Mutex::new(HashSet::new()),
            refs: Mutex::new(Vec::new()),
            files: Mutex::new(Vec::new()),
        }
    }

    /// Every file written (sorted) and the references of every HTML page.
    pub fn finish(self) -> (BTreeSet<String>, Vec<PageRefs>) {
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let refs = self.refs.into_inner().unwrap_or_else(|e| e.into_inner());
        (files.into_iter().collect(), refs)
    }
}

impl Dir {
    fn write(&self, path: &str, bytes: &[u8]) -> Result<(), String> {
        self.write_segments(path, &[bytes])
    }

    /// Writes a file from its parts, with as few system calls as the kernel allows (one,
    /// for a regular file).
    fn write_segments(&self, path: &str, segments: &[&[u8]]) -> Result<(), String> {
        let full = self.make_parent(path)?;
        let cannot = |e: std::io::Error| format!("cannot write {}: {e}", full.display());
        let mut file = std::fs::File::create(&full).map_err(cannot)?;
        let mut slices: Vec<IoSlice> = segments.iter().map(|s| IoSlice::new(s)).collect();
        let mut rest = &mut slices[..];
        while !rest.is_empty() {
            match file.write_vectored(rest) {
                Ok(0) => return Err(cannot(std::io::ErrorKind::WriteZero.into())),
                Ok(n) => IoSlice::advance_slices(&mut rest, n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(cannot(e)),
            }
        }
        Ok(())
    }

    /// The full path of `path`, its directory created if this build has not made it yet.
    fn make_parent(&self, path: &str) -> Result<PathBuf, String> {
        let full = self.root.join(path);
        if let (Some((rel_dir, _)), Some(dir)) = (path.rsplit_once('/'), full.parent()) {
            let known = self
                .made
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(rel_dir);
            if !known {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                self.made
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(rel_dir.to_string());
            }
        }
        Ok(full)
    }

    fn record(&self, path: String, refs: Option<PageRefs>) {
        if let Some(refs) = refs {
            self.refs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(refs);
        }
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path);
    }
}

impl Sink for Dir {
    fn put(&self, path: String, bytes: Vec<u8>) -> Result<(), String> {
        self.write(&path, &bytes)?;
        let refs = path.ends_with(".html").then(|| page_refs(&path, &bytes));
        self.record(path, refs);
        Ok(())
    }

    /// A hard link to `from` (one system call, no bytes copied: the cards of a warm build),
    /// or a copy where the file system cannot link (another device, no links).
    fn put_file(&self, path: String, from: &Path) -> std::io::Result<()> {
        let full = self.make_parent(&path).map_err(std::io::Error::other)?;
        match std::fs::hard_link(from, &full) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(e),
            Err(_) => {
                std::fs::copy(from, &full)?;
            }
        }
        self.record(path, None);
        Ok(())
    }

    fn put_page(&self, path: String, page: RenderedPage) -> Result<(), String> {
        self.write_segments(&path, &page.segments())?;
        let text = page
            .text
            .as_deref()
            .filter(|_| !page.holes.is_empty())
            .map(PageText::refs);
        let refs = crate::linkcheck::page_refs_with(&path, &page.frame, text);
        self.record(path, Some(refs));
        Ok(())
    }
}
