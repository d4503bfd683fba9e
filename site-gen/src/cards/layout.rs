//! A card as SVG: the text wrapped to the card's width with the font's own advances, the
//! summary bar, the site's name and address. What is drawn is decided here, once, so the SVG
//! text is the whole of what a card shows and its hash can name the picture.
//!
//! It must not rasterise (`paint` does) nor know page kinds (the render families fill a [`Card`]).

use super::Card;
use crate::text::esc_into;
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;
use std::fmt::Write;

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 630;
/// Left and right margin.
const MARGIN: f32 = 72.0;
/// The family name inside the bundled fonts (both weights).
pub const FAMILY: &str = "DejaVu Sans";

/// Colours of the site's light scheme (`style.css`).
const BG: &str = "#ffffff";
const FG: &str = "#1b1b1b";
const MUTED: &str = "#555555";
const ACCENT: &str = "#0b57a4";
const SOFT: &str = "#f3f5f8";

/// Advance widths of one font, in ems, for every character it maps, by code point (a table,
/// not a map: every character of every card is looked up, ten thousand cards on a large site).
pub struct Metrics {
    /// Advance of each code point below the table's length; `NAN` where the font has no glyph.
    advance: Vec<f32>,
}

impl Metrics {
    /// Reads the character map and advances once; `None` if the bytes are not a font.
    pub fn new(bytes: &[u8]) -> Option<Metrics> {
        let font = skrifa::FontRef::new(bytes).ok()?;
        let glyphs = font.glyph_metrics(Size::new(1.0), LocationRef::default());
        let mut advance = Vec::new();
        for (c, g) in font.charmap().mappings() {
            let (Some(w), Ok(i)) = (glyphs.advance_width(g), usize::try_from(c)) else {
                continue;
            };
            // The subset's highest character is U+2717; a font with far larger code points
            // (emoji) keeps only the first planes' worth of table.
            if i >= 0x3_0000 {
                continue;
            }
            if advance.len() <= i {
                advance.resize(i + 1, f32::NAN);
            }
            advance[i] = w;
        }
        Some(Metrics { advance })
    }

    fn get(&self, c: char) -> Option<f32> {
        self.advance
            .get(c as usize)
            .copied()
            .filter(|w| !w.is_nan())
    }

    /// Width of `s` in ems (kerning left out: it only narrows a line; a character the font
    /// lacks, which the build reports, counts as 0.6 em).
    fn ems(&self, s: &str) -> f32 {
        s.chars().map(|c| self.get(c).unwrap_or(0.6)).sum()
    }

    /// Width of `s` at `size` pixels.
    fn width(&self, s: &str, size: f32) -> f32 {
        self.ems(s) * size
    }

    /// The characters of `s` this font cannot draw.
    pub fn missing(&self, s: &str) -> Vec<char> {
        let mut v: Vec<char> = s
            .chars()
            .filter(|c| !c.is_whitespace() && self.get(*c).is_none())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// The regular and bold faces' metrics.
pub struct Fonts {
    pub regular: Metrics,
    pub bold: Metrics,
}

/// `text` in lines no wider than `width`, broken at spaces (a word longer than a line stays
/// whole); at most `max` lines, the last one ending in "…" when text was left out.
fn wrap(m: &Metrics, text: &str, size: f32, width: f32, max: usize) -> (Vec<String>, bool) {
    let limit = width / size;
    let space = m.ems(" ");
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut line_ems = 0.0;
    for word in text.split_whitespace() {
        let w = m.ems(word);
        if line.is_empty() {
            line.push_str(word);
            line_ems = w;
        } else if line_ems + space + w <= limit {
            line.push(' ');
            line.push_str(word);
            line_ems += space + w;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_string()));
            line_ems = w;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    let cut = lines.len() > max;
    if cut {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && m.width(last, size) + m.width(" …", size) > width {
                match last.rfind(' ') {
                    Some(i) => last.truncate(i),
                    None => last.clear(),
                }
            }
            last.push_str(" …");
        }
    }
    (lines, cut)
}

fn text(out: &mut String, x: f32, y: f32, size: u32, bold: bool, fill: &str, s: &str) {
    let weight = if bold { " font-weight=\"700\"" } else { "" };
    let _ = write!(
        out,
        "<text x=\"{x}\" y=\"{y}\" font-family=\"{FAMILY}\" font-size=\"{size}\"{weight} fill=\"{fill}\">"
    );
    esc_into(out, s);
    out.push_str("</text>\n");
}

/// A card as two SVG pictures of its full size, drawn one over the other: the frame, which
/// every card of a language shares and is drawn once a build, and what this card shows over it.
/// Together they are everything the card shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layers {
    /// Background, bands, the site's name and address.
    pub frame: String,
    /// Kicker, title, bar and summary, on a transparent background.
    pub content: String,
}

fn open_svg(out: &mut String) {
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\">"
    );
}

/// The card as SVG. Integer coordinates only, so the text is the same on every platform.
pub fn svg(card: &Card, fonts: &Fonts) -> Layers {
    let w = WIDTH as f32 - 2.0 * MARGIN;
    let mut frame = String::with_capacity(1024);
    open_svg(&mut frame);
    let _ = writeln!(
        frame,
        "<rect width=\"{WIDTH}\" height=\"{HEIGHT}\" fill=\"{BG}\"/>"
    );
    let _ = writeln!(
        frame,
        "<rect width=\"{WIDTH}\" height=\"14\" fill=\"{ACCENT}\"/>"
    );
    let _ = writeln!(
        frame,
        "<rect y=\"{}\" width=\"{WIDTH}\" height=\"86\" fill=\"{SOFT}\"/>",
        HEIGHT - 86
    );
    let (site, _) = wrap(&fonts.bold, &card.site, 30.0, w, 1);
    text(&mut frame, MARGIN, 86.0, 30, true, ACCENT, &site.concat());
    let (addr, _) = wrap(&fonts.regular, &card.address, 26.0, w, 1);
    text(
        &mut frame,
        MARGIN,
        HEIGHT as f32 - 34.0,
        26,
        false,
        MUTED,
        &addr.concat(),
    );
    frame.push_str("</svg>\n");

    let mut out = String::with_capacity(2048);
    open_svg(&mut out);
    let (kicker, _) = wrap(&fonts.regular, &card.kicker, 28.0, w, 1);
    text(&mut out, MARGIN, 150.0, 28, false, MUTED, &kicker.concat());
    // The summary: its paragraphs wrapped, two lines at most.
    let mut summary: Vec<String> = Vec::new();
    for para in &card.lines {
        let room = 2 - summary.len();
        if room == 0 {
            break;
        }
        summary.extend(wrap(&fonts.regular, para, 28.0, w, room).0);
    }
    // The title takes the largest size at which it fits in three lines (more at the smaller
    // sizes); at the smallest, what does not fit is cut with an ellipsis.
    let bar = !card.bar.is_empty();
    let bottom = HEIGHT as f32 - 120.0 - 40.0 * summary.len() as f32 - if bar { 64.0 } else { 0.0 };
    let mut y = 150.0;
    const SIZES: [(u32, usize); 4] = [(64, 3), (54, 3), (46, 4), (40, 5)];
    for (size, max) in SIZES {
        let s = size as f32;
        let fits = ((bottom - y - 20.0) / (s * 1.2)).floor().max(1.0) as usize;
        let (lines, cut) = wrap(&fonts.bold, &card.title, s, w, max.min(fits));
        if cut && size != SIZES[SIZES.len() - 1].0 {
            continue;
        }
        for line in &lines {
            y += (s * 1.2).round();
            text(&mut out, MARGIN, y, size, true, FG, line);
        }
        break;
    }
    let mut y = bottom;
    if bar {
        bar_svg(&mut out, card, fonts, y, w);
        y += 64.0;
    }
    for line in &summary {
        y += 40.0;
        text(&mut out, MARGIN, y, 28, false, FG, line);
    }
    out.push_str("</svg>\n");
    Layers {
        frame,
        content: out,
    }
}

/// The summary bar: one segment per part, as wide as its share, its mark written in it when
/// there is room (colour is never the only cue; the summary lines say the same in words).
fn bar_svg(out: &mut String, card: &Card, fonts: &Fonts, y: f32, w: f32) {
    let total: usize = card.bar.iter().map(|p| p.weight).sum();
    if total == 0 {
        return;
    }
    let mut acc = 0usize;
    for p in &card.bar {
        // Edges from the running sum: the segments tile the bar exactly.
        let x0 = MARGIN + (w * acc as f32 / total as f32).round();
        acc += p.weight;
        let x1 = MARGIN + (w * acc as f32 / total as f32).round();
        if x1 <= x0 {
            continue;
        }
        let _ = writeln!(
            out,
            "<rect x=\"{x0}\" y=\"{y}\" width=\"{}\" height=\"48\" fill=\"{}\" stroke=\"{BG}\" stroke-width=\"2\"/>",
            x1 - x0,
            p.fill
        );
        let mark = p.mark.to_string();
        let mw = fonts.bold.width(&mark, 30.0);
        if x1 - x0 >= mw + 8.0 {
            let x = (x0 + (x1 - x0 - mw) / 2.0).round();
            text(out, x, y + 35.0, 30, true, FG, &mark);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metrics() -> Metrics {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../themes/default/fonts/DejaVuSans-Bold-subset.ttf"
        );
        Metrics::new(&std::fs::read(path).expect("font")).expect("parses")
    }

    #[test]
    fn wrapping_keeps_every_line_within_the_width_and_every_word() {
        let m = metrics();
        let text = "Programme d'action destiné à promouvoir le comportement responsable des États";
        let (lines, cut) = wrap(&m, text, 64.0, 1056.0, 5);
        assert!(!cut);
        assert!(lines.len() >= 2, "{lines:?}");
        for l in &lines {
            assert!(m.width(l, 64.0) <= 1056.0, "{l}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn text_beyond_the_last_line_is_cut_with_an_ellipsis() {
        let m = metrics();
        let text = "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze";
        let (lines, cut) = wrap(&m, text, 64.0, 400.0, 2);
        assert!(cut);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with(" …"), "{lines:?}");
        assert!(m.width(&lines[1], 64.0) <= 400.0);
    }

    #[test]
    fn characters_outside_the_subset_are_named() {
        let m = metrics();
        assert_eq!(m.missing("Côte d’Ivoire — Türkiye"), Vec::<char>::new());
        assert_eq!(
            m.missing("日本 and Ελλάδα"),
            vec!['Ε', 'ά', 'α', 'δ', 'λ', '日', '本']
        );
    }
}
