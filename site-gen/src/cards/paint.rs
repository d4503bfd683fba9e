//! A card's SVG to PNG bytes: parsed by `usvg` with the bundled fonts (loaded once per build,
//! never the system's), rasterised by `resvg`, written as an 8-bit PNG.
//!
//! It must not decide what a card shows (`layout` does) nor where it is kept (`cache` does).

use super::layout::{FAMILY, HEIGHT, WIDTH};
use resvg::{tiny_skia, usvg};
use std::sync::Arc;

/// The fonts a build draws with, parsed once and shared by every thread.
pub struct Painter {
    fontdb: Arc<usvg::fontdb::Database>,
}

impl Painter {
    pub fn new(fonts: &[(String, Vec<u8>)]) -> Painter {
        let mut db = usvg::fontdb::Database::new();
        for (_, bytes) in fonts {
            db.load_font_data(bytes.clone());
        }
        Painter {
            fontdb: Arc::new(db),
        }
    }

    /// The picture of `svg`, or why it cannot be drawn.
    pub fn png(&self, svg: &str) -> Result<Vec<u8>, String> {
        let opts = usvg::Options {
            font_family: FAMILY.to_string(),
            fontdb: Arc::clone(&self.fontdb),
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_str(svg, &opts).map_err(|e| e.to_string())?;
        let mut pixmap =
            tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("cannot allocate the picture")?;
        resvg::render(
            &tree,
            tiny_skia::Transform::identity(),
            &mut pixmap.as_mut(),
        );
        encode(pixmap.data())
    }
}

/// The picture as an 8-bit RGBA PNG, zlib's balanced level without row filters. On cards (flat
/// colours, anti-aliased text) that is the smallest of the levels and filters measured and
/// among the fastest; fdeflate's levels write files two to four times larger. The card is opaque,
/// but dropping its alpha channel saves only 6 % and costs a copy of the picture
/// (docs/benchmarks.md).
fn encode(rgba: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(64 * 1024);
    let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Balanced);
    enc.set_filter(png::Filter::NoFilter);
    let mut w = enc.write_header().map_err(|e| e.to_string())?;
    w.write_image_data(rgba).map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::layout;
    use std::time::Instant;

    fn fonts() -> Vec<(String, Vec<u8>)> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../themes/default/fonts");
        ["DejaVuSans-subset.ttf", "DejaVuSans-Bold-subset.ttf"]
            .iter()
            .map(|n| {
                (
                    n.to_string(),
                    std::fs::read(format!("{dir}/{n}")).expect("font"),
                )
            })
            .collect()
    }

    fn sample() -> String {
        let f = fonts();
        let faces = layout::Fonts {
            regular: layout::Metrics::new(&f[0].1).expect("regular"),
            bold: layout::Metrics::new(&f[1].1).expect("bold"),
        };
        let card = crate::cards::Card {
            site: "ICT security at the UN".into(),
            kicker: "Report · A/78/76".into(),
            title: "Programme of action to advance responsible State behaviour in the use of information and communications technologies".into(),
            lines: vec!["18 April 2023".into()],
            bar: vec![],
            address: "un-ict-security.example.org".into(),
        };
        layout::svg(&card, &faces)
    }

    #[test]
    fn a_card_is_a_1200_by_630_png_drawn_the_same_twice() {
        let p = Painter::new(&fonts());
        let svg = sample();
        let a = p.png(&svg).expect("draws");
        let b = p.png(&svg).expect("draws");
        assert_eq!(a, b);
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&a[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes([a[16], a[17], a[18], a[19]]), 1200);
        assert_eq!(u32::from_be_bytes([a[20], a[21], a[22], a[23]]), 630);
        // Bit depth 8, colour type 6 (RGBA).
        assert_eq!((a[24], a[25]), (8, 6));
    }

    /// The cost of each step of a card, and the PNG's size at each compression level:
    /// `cargo test -p site-gen --lib cards::paint -- --ignored --nocapture` (the rasteriser's
    /// crates are optimised in test builds, see the workspace's Cargo.toml).
    #[test]
    #[ignore]
    fn measure_the_steps_of_a_card() {
        const N: u32 = 40;
        let t = Instant::now();
        let p = Painter::new(&fonts());
        let fontdb = t.elapsed();
        let svg = sample();
        let opts = usvg::Options {
            font_family: FAMILY.to_string(),
            fontdb: Arc::clone(&p.fontdb),
            ..usvg::Options::default()
        };
        let t = Instant::now();
        for _ in 0..N {
            usvg::Tree::from_str(&svg, &opts).expect("parses");
        }
        let parse = t.elapsed() / N;
        let tree = usvg::Tree::from_str(&svg, &opts).expect("parses");
        let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("pixmap");
        let t = Instant::now();
        for _ in 0..N {
            pixmap.fill(tiny_skia::Color::TRANSPARENT);
            resvg::render(
                &tree,
                tiny_skia::Transform::identity(),
                &mut pixmap.as_mut(),
            );
        }
        let render = t.elapsed() / N;
        eprintln!("fonts loaded once: {fontdb:?}; per card: parse and lay out text {parse:?}, rasterise {render:?}");
        let rgb: Vec<u8> = pixmap
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        for (name, level, filter) in [
            (
                "fastest, adaptive",
                png::Compression::Fastest,
                png::Filter::Adaptive,
            ),
            (
                "fast, adaptive",
                png::Compression::Fast,
                png::Filter::Adaptive,
            ),
            (
                "fastest, none",
                png::Compression::Fastest,
                png::Filter::NoFilter,
            ),
            ("fast, none", png::Compression::Fast, png::Filter::NoFilter),
            ("fast, sub", png::Compression::Fast, png::Filter::Sub),
            ("fast, up", png::Compression::Fast, png::Filter::Up),
            (
                "balanced, adaptive",
                png::Compression::Balanced,
                png::Filter::Adaptive,
            ),
            (
                "balanced, none",
                png::Compression::Balanced,
                png::Filter::NoFilter,
            ),
            (
                "balanced, sub",
                png::Compression::Balanced,
                png::Filter::Sub,
            ),
            ("balanced, up", png::Compression::Balanced, png::Filter::Up),
            (
                "high, adaptive",
                png::Compression::High,
                png::Filter::Adaptive,
            ),
        ] {
            let t = Instant::now();
            let mut size = 0;
            for _ in 0..N / 4 {
                let mut out = Vec::new();
                let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
                enc.set_color(png::ColorType::Rgb);
                enc.set_depth(png::BitDepth::Eight);
                enc.set_compression(level);
                enc.set_filter(filter);
                let mut w = enc.write_header().expect("header");
                w.write_image_data(&rgb).expect("data");
                w.finish().expect("finish");
                size = out.len();
            }
            eprintln!("png {name}: {:?}, {size} bytes", t.elapsed() / (N / 4));
        }
        let t = Instant::now();
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Balanced);
        enc.set_filter(png::Filter::NoFilter);
        let mut w = enc.write_header().expect("header");
        w.write_image_data(pixmap.data()).expect("data");
        w.finish().expect("finish");
        eprintln!(
            "png balanced, none, RGBA: {:?}, {} bytes",
            t.elapsed(),
            out.len()
        );
    }
}
