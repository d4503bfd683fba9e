//! Reading files: a folder's files of one extension, sorted, with symbolic-link loops reported;
//! a file as UTF-8 text, refusing empty, oversized and non-UTF-8 files with a located error.
//!
//! It knows nothing of what the files hold; it must not parse them.

use crate::diagnostics::Diagnostics;
use std::path::{Path, PathBuf};

/// Content files larger than this are refused: no curated document comes near it, and a
/// multi-megabyte paste is almost always a mistake.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Markdown files under `dir`, sorted, following symlinks but reporting loops.
pub(super) fn markdown_files(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    files_with_ext(dir, "md", diags)
}

pub(super) fn files_with_ext(dir: &Path, ext: &str, diags: &mut Diagnostics) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(e) if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == ext) => {
                out.push(e.path().to_path_buf())
            }
            Ok(_) => {}
            Err(e) => {
                let path = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| dir.to_path_buf());
                let what = if e.loop_ancestor().is_some() {
                    "symbolic link loop"
                } else {
                    "unreadable entry"
                };
                diags.error(
                    &path,
                    0,
                    format!("{what}: {e}"),
                    "remove or fix the link; content must be a tree of plain files",
                );
            }
        }
    }
    out
}

/// The UTF-8 byte-order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a file as UTF-8 text, refusing empty, huge and non-UTF-8 files with a located error.
pub fn read_text(path: &Path, diags: &mut Diagnostics) -> Option<String> {
    use std::io::Read;
    let cannot_read = |diags: &mut Diagnostics, e: std::io::Error| {
        diags.error(
            path,
            0,
            format!("cannot read file: {e}"),
            "check its permissions",
        );
    };
    // The size comes from the open file (one path lookup per file, not two).
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            cannot_read(diags, e);
            return None;
        }
    };
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        diags.error(
            path,
            0,
            format!("file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit"),
            "split the document or remove pasted binary data",
        );
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    if let Err(e) = file.read_to_end(&mut bytes) {
        cannot_read(diags, e);
        return None;
    }
    // A byte-order mark (what Notepad writes at the start of a UTF-8 file) says nothing here.
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    match String::from_utf8(bytes) {
        Ok(t) if t.trim().is_empty() => {
            let hint = if path.extension().is_some_and(|e| e == "toml") {
                "write its TOML data (see docs/content-format.md, section Other files), or delete the file"
            } else {
                "add front matter and content, or delete the file"
            };
            diags.error(path, 1, "file is empty", hint);
            None
        }
        // Most files have no carriage return: they are kept as read, without a copy.
        Ok(t) if memchr::memchr(b'\r', t.as_bytes()).is_some() => Some(t.replace("\r\n", "\n")),
        Ok(t) => Some(t),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
            diags.error(path, line, format!("invalid UTF-8 at byte {at}"),
                "save the file as UTF-8 (text pasted from a PDF or Word is often Latin-1 or Windows-1252)");
            None
        }
    }
}
