//! Social cards (DESIGN.md §11): a 1200×630 PNG per home, document, State and topic page, for
//! the Open Graph and Twitter previews. The render families say what a card shows (a [`Card`]);
//! `layout` writes it as SVG with the theme's bundled fonts, `paint` rasterises it with resvg,
//! `cache` keeps the pictures between builds.
//!
//! A card is named by a hash of its SVG text (both layers: the shared frame and its content), of the fonts and of [`DRAWING_VERSION`]: the SVG
//! is everything the card shows, so an unchanged card keeps its name and is copied from the
//! cache (a hard link where the file system allows) instead of drawn, and a changed one gets a
//! new name (a new URL, which previews that cache by URL then fetch again).
//!
//! It must not know page kinds (the render families fill the [`Card`]s) and never writes a page.

pub mod cache;
mod layout;
mod paint;

pub use layout::{HEIGHT, WIDTH};

use crate::diagnostics::Diagnostics;
use crate::sink::Sink;
use rayon::prelude::*;
use siphasher::sip128::{Hasher128, SipHasher13};
use std::collections::BTreeMap;
use std::hash::Hasher;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

/// Part of every card's key: changed when the drawing changes in a way the SVG text does not
/// show (the rasteriser's version, the PNG encoding), so that every card is drawn again.
const DRAWING_VERSION: &str =
    "cards 2; resvg 0.49; png 0.18 indexed8 when it fits, else rgba8; zlib-rs level 2 unfiltered";

/// What a card shows, in the page's language.
#[derive(Debug, Clone, Default)]
pub struct Card {
    /// The site's name, at the top.
    pub site: String,
    /// What the page is ("Document · A/78/76", "State · African Group"…).
    pub kicker: String,
    pub title: String,
    /// The summary under the title (at most two lines are drawn).
    pub lines: Vec<String>,
    /// Coloured parts of a summary bar (empty: no bar).
    pub bar: Vec<BarPart>,
    /// The site's address, at the bottom.
    pub address: String,
}

/// One segment of a card's bar: its share, fill colour and the mark written in it.
#[derive(Debug, Clone)]
pub struct BarPart {
    pub weight: usize,
    pub fill: &'static str,
    pub mark: char,
}

/// The fill of a stance class by its mark (`visuals::glyph`), the light scheme of `style.css`.
pub fn stance_fill(mark: char) -> &'static str {
    match mark {
        '✓' => "#cfe8d8",
        '✗' => "#f7cfcf",
        '≈' => "#fbe3b8",
        _ => "#eceff3",
    }
}

/// How many cards a build drew and how many it took from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub drawn: usize,
    pub reused: usize,
}

/// The cards of one build: collected while pages render, published after.
pub struct Cards {
    fonts: Option<layout::Fonts>,
    font_files: Vec<(String, Vec<u8>)>,
    /// The key's hash state after the drawing version and the fonts.
    seed: SipHasher13,
    /// Card key → its SVG, once per key.
    pending: Mutex<BTreeMap<String, layout::Layers>>,
    /// (page, characters the fonts lack).
    missing: Mutex<Vec<(String, Vec<char>)>>,
}

impl Cards {
    /// The cards drawn with the theme's fonts: a file whose name has `Bold` is the bold face,
    /// the first other one the regular.
    pub fn new(fonts: &[(String, Vec<u8>)]) -> Cards {
        let face = |bold: bool| {
            fonts
                .iter()
                .find(|(name, _)| name.contains("Bold") == bold)
                .and_then(|(_, bytes)| layout::Metrics::new(bytes))
        };
        let faces = face(false).zip(face(true));
        let mut seed = SipHasher13::new();
        seed.write(DRAWING_VERSION.as_bytes());
        for (name, bytes) in fonts {
            seed.write(name.as_bytes());
            seed.write_usize(bytes.len());
            seed.write(bytes);
        }
        Cards {
            fonts: faces.map(|(regular, bold)| layout::Fonts { regular, bold }),
            font_files: fonts.to_vec(),
            seed,
            pending: Mutex::default(),
            missing: Mutex::default(),
        }
    }

    /// Why no card can be drawn (the theme lacks a regular or a bold font), if so.
    pub fn font_problem(&self) -> Option<&'static str> {
        self.fonts.is_none().then_some(
            "the social cards need a regular and a bold TrueType font (a file name with `Bold`)",
        )
    }

    /// Registers the card of `page` (named in errors) and returns its path in the output.
    pub fn add(&self, page: &str, card: &Card) -> String {
        let Some(fonts) = &self.fonts else {
            return String::new();
        };
        let mut missing = Vec::new();
        for (m, s) in [
            (&fonts.bold, &card.site),
            (&fonts.regular, &card.kicker),
            (&fonts.bold, &card.title),
            (&fonts.regular, &card.address),
        ]
        .into_iter()
        .chain(card.lines.iter().map(|l| (&fonts.regular, l)))
        {
            missing.extend(m.missing(s));
        }
        if !missing.is_empty() {
            missing.sort_unstable();
            missing.dedup();
            lock(&self.missing).push((page.to_string(), missing));
        }
        let svg = layout::svg(card, fonts);
        let mut h = self.seed;
        for layer in [&svg.frame, &svg.content] {
            h.write_usize(layer.len());
            h.write(layer.as_bytes());
        }
        let hash = h.finish128();
        let key = format!("{:016x}{:016x}", hash.h1, hash.h2);
        let path = format!("cards/{key}.png");
        lock(&self.pending).entry(key).or_insert(svg);
        path
    }

    /// Every card registered so far whose text has a character the fonts cannot draw, as an
    /// error naming its page and the characters.
    pub fn check_glyphs(&self) -> Result<(), Diagnostics> {
        let mut d = Diagnostics::default();
        let mut missing = std::mem::take(&mut *lock(&self.missing));
        missing.sort();
        for (page, chars) in missing {
            let list: String = chars
                .iter()
                .map(|c| format!(" {c} (U+{:04X})", *c as u32))
                .collect();
            d.error(
                Path::new(&page),
                0,
                format!("the social card's fonts cannot draw:{list}"),
                "add the characters to the font subset (themes/default/fonts/README.md)",
            );
        }
        d.into_result(())
    }

    /// Writes every registered card into `sink` (`cards/<key>.png`): copied from the cache in
    /// `cache_dir` when it holds the key, drawn and kept there otherwise. A cache that cannot be
    /// created is done without (every card drawn), and said in the warnings.
    pub fn publish(
        &self,
        cache_dir: &Path,
        sink: &dyn Sink,
    ) -> Result<(Stats, Vec<String>), Diagnostics> {
        self.check_glyphs()?;
        let mut d = Diagnostics::default();
        let pending = std::mem::take(&mut *lock(&self.pending));
        let (cache, mut warnings) = match cache::Cache::open(cache_dir) {
            Ok(c) => (Some(c), Vec::new()),
            Err(e) => (None, vec![format!("{e}; every card was drawn")]),
        };
        let painter = OnceLock::new();
        // Each frame is drawn once, by the first card that needs it.
        let frames: BTreeMap<&str, OnceLock<Result<paint::Canvas, String>>> = pending
            .values()
            .map(|l| (l.frame.as_str(), OnceLock::new()))
            .collect();
        let results: Vec<Result<bool, String>> = pending
            .par_iter()
            .map_init(
                || None,
                |canvas: &mut Option<paint::Canvas>, (key, svg)| {
                    let out = format!("cards/{key}.png");
                    if let Some(c) = &cache {
                        match sink.put_file(out.clone(), &c.path(key)) {
                            Ok(()) => return Ok(false),
                            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                            Err(e) => return Err(format!("cannot write {out}: {e}")),
                        }
                    }
                    let painter = painter.get_or_init(|| paint::Painter::new(&self.font_files));
                    if canvas.is_none() {
                        *canvas = paint::Canvas::new();
                    }
                    let canvas = canvas.as_mut().ok_or("cannot allocate the picture")?;
                    let frame = frames[svg.frame.as_str()]
                        .get_or_init(|| painter.frame(&svg.frame))
                        .as_ref()
                        .map_err(|e| format!("cannot draw {out}: {e}"))?;
                    let png = painter
                        .png(frame, &svg.content, canvas)
                        .map_err(|e| format!("cannot draw {out}: {e}"))?;
                    let kept = cache.as_ref().map(|c| c.store(key, &png));
                    match kept {
                        Some(Ok(path)) => sink
                            .put_file(out.clone(), &path)
                            .map_err(|e| format!("cannot write {out}: {e}"))?,
                        _ => sink.put(out, png)?,
                    }
                    Ok(true)
                },
            )
            .collect();
        let mut stats = Stats::default();
        for r in results {
            match r {
                Ok(true) => stats.drawn += 1,
                Ok(false) => stats.reused += 1,
                Err(e) => d.error(
                    cache_dir,
                    0,
                    e,
                    "check that the output and the card cache can be written",
                ),
            }
        }
        warnings.dedup();
        d.into_result((stats, warnings))
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
