//! A card's SVG to PNG bytes: parsed by `usvg` with the bundled fonts (loaded once per build,
//! never the system's), rasterised by `resvg`, written as an 8-bit PNG. The frame shared by the
//! cards of a language is drawn once; each card copies it and draws only its own content over
//! it, in a canvas its thread reuses.
//!
//! It must not decide what a card shows (`layout` does) nor where it is kept (`cache` does).

use super::layout::{FAMILY, HEIGHT, WIDTH};
use resvg::{tiny_skia, usvg};
use std::sync::Arc;

/// The fonts a build draws with, parsed once and shared by every thread.
pub struct Painter {
    fontdb: Arc<usvg::fontdb::Database>,
}

/// A picture of a card's size that a thread draws its cards in, one after the other.
pub struct Canvas(tiny_skia::Pixmap);

impl Canvas {
    pub fn new() -> Option<Canvas> {
        tiny_skia::Pixmap::new(WIDTH, HEIGHT).map(Canvas)
    }
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

    fn tree(&self, svg: &str) -> Result<usvg::Tree, String> {
        let opts = usvg::Options {
            font_family: FAMILY.to_string(),
            fontdb: Arc::clone(&self.fontdb),
            ..usvg::Options::default()
        };
        usvg::Tree::from_str(svg, &opts).map_err(|e| e.to_string())
    }

    /// A frame (`layout::Layers::frame`) drawn on a transparent canvas.
    pub fn frame(&self, svg: &str) -> Result<Canvas, String> {
        let tree = self.tree(svg)?;
        let mut c = Canvas::new().ok_or("cannot allocate the picture")?;
        resvg::render(&tree, tiny_skia::Transform::identity(), &mut c.0.as_mut());
        Ok(c)
    }

    /// The PNG of `content` drawn over `frame`, drawn in `canvas` (whatever it held), or why
    /// it cannot be drawn.
    pub fn png(
        &self,
        frame: &Canvas,
        content: &str,
        canvas: &mut Canvas,
    ) -> Result<Vec<u8>, String> {
        let tree = self.tree(content)?;
        canvas.0.data_mut().copy_from_slice(frame.0.data());
        resvg::render(
            &tree,
            tiny_skia::Transform::identity(),
            &mut canvas.0.as_mut(),
        );
        encode(canvas.0.data())
    }
}

/// The zlib level of the cards' PNGs (docs/benchmarks.md, "Social cards").
const LEVEL: u8 = 2;

/// The picture as a PNG: 8-bit indexed when it is opaque and has at most 256 colours (every card
/// measured has 79 to 170: flat colours and the anti-aliased edges of text), which is exact and
/// gives zlib a quarter of the bytes; 8-bit RGBA otherwise. No row filter.
fn encode(rgba: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(32 * 1024);
    let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_deflate_compression(png::DeflateCompression::Level(LEVEL));
    enc.set_filter(png::Filter::NoFilter);
    let indexed = Palette::of(rgba);
    let data = match &indexed {
        Some(p) => {
            enc.set_color(png::ColorType::Indexed);
            enc.set_palette(p.rgb.as_slice());
            p.indices.as_slice()
        }
        None => {
            enc.set_color(png::ColorType::Rgba);
            rgba
        }
    };
    let mut w = enc.write_header().map_err(|e| e.to_string())?;
    w.write_image_data(data).map_err(|e| e.to_string())?;
    w.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// An opaque picture's colours, in the order they first appear (so the same picture always
/// gets the same palette), and each pixel's index into them.
struct Palette {
    /// Three bytes (R, G, B) a colour.
    rgb: Vec<u8>,
    indices: Vec<u8>,
}

impl Palette {
    /// `None` when a pixel is not opaque or there are more than 256 colours.
    fn of(rgba: &[u8]) -> Option<Palette> {
        // Open addressing over twice as many slots as colours.
        const SLOTS: usize = 512;
        // Most of a card is runs of one colour: where the next `RUN` pixels are all the colour
        // of the one before, they are compared and indexed at once.
        const RUN: usize = 8;
        let mut slots = [(0u32, 0u8, false); SLOTS];
        let mut rgb = Vec::with_capacity(3 * 256);
        let mut indices = Vec::with_capacity(rgba.len() / 4);
        let (mut last, mut last_index) = (None, 0u8);
        let mut run = [0u8; 4 * RUN];
        let mut rest = rgba;
        while let Some((px, tail)) = rest.split_first_chunk::<4>() {
            if last.is_some() && rest.first_chunk::<{ 4 * RUN }>() == Some(&run) {
                indices.extend_from_slice(&[last_index; RUN]);
                rest = &rest[4 * RUN..];
                continue;
            }
            rest = tail;
            let colour = u32::from_le_bytes(*px);
            if last != Some(colour) {
                if px[3] != u8::MAX {
                    return None;
                }
                let mut h = (colour.wrapping_mul(0x9E37_79B1) >> 23) as usize;
                loop {
                    let (c, i, used) = slots[h];
                    if !used {
                        let n = u8::try_from(rgb.len() / 3).ok()?;
                        rgb.extend_from_slice(&px[..3]);
                        slots[h] = (colour, n, true);
                        last_index = n;
                        break;
                    }
                    if c == colour {
                        last_index = i;
                        break;
                    }
                    h = (h + 1) % SLOTS;
                }
                last = Some(colour);
                for p in run.chunks_exact_mut(4) {
                    p.copy_from_slice(px);
                }
            }
            indices.push(last_index);
        }
        if !rest.is_empty() {
            return None;
        }
        Some(Palette { rgb, indices })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::{layout, BarPart, Card};
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

    fn layers(card: &Card) -> layout::Layers {
        let f = fonts();
        let faces = layout::Fonts {
            regular: layout::Metrics::new(&f[0].1).expect("regular"),
            bold: layout::Metrics::new(&f[1].1).expect("bold"),
        };
        layout::svg(card, &faces)
    }

    fn document() -> Card {
        Card {
            site: "ICT security at the UN".into(),
            kicker: "Report · A/78/76".into(),
            title: "Programme of action to advance responsible State behaviour in the use of information and communications technologies".into(),
            lines: vec!["18 April 2023".into()],
            bar: vec![],
            address: "un-ict-security.example.org".into(),
        }
    }

    fn state() -> Card {
        Card {
            site: "ICT security at the UN".into(),
            kicker: "State · Eastern European States".into(),
            title: "Estonia".into(),
            lines: vec!["Addressed 11 of the 19 topics coded".into()],
            bar: [
                ('✓', "#cfe8d8"),
                ('≈', "#fbe3b8"),
                ('✗', "#f7cfcf"),
                ('–', "#eceff3"),
            ]
            .into_iter()
            .map(|(mark, fill)| BarPart {
                weight: 4,
                fill,
                mark,
            })
            .collect(),
            address: "un-ict-security.example.org".into(),
        }
    }

    /// The pixels of a PNG, as 8-bit RGBA.
    fn decode(png_bytes: &[u8]) -> Vec<u8> {
        let mut dec = png::Decoder::new(std::io::Cursor::new(png_bytes));
        dec.set_transformations(png::Transformations::EXPAND | png::Transformations::ALPHA);
        let mut r = dec.read_info().expect("header");
        let mut buf = vec![0; r.output_buffer_size().expect("size")];
        let info = r.next_frame(&mut buf).expect("frame");
        assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
        buf.truncate(info.buffer_size());
        buf
    }

    #[test]
    fn a_card_is_a_1200_by_630_png_drawn_the_same_twice_and_after_another() {
        let p = Painter::new(&fonts());
        let (doc, other) = (layers(&document()), layers(&state()));
        let frame = p.frame(&doc.frame).expect("frame");
        let mut canvas = Canvas::new().expect("canvas");
        let a = p.png(&frame, &doc.content, &mut canvas).expect("draws");
        p.png(&frame, &other.content, &mut canvas).expect("draws");
        let b = p.png(&frame, &doc.content, &mut canvas).expect("draws");
        assert!(a == b, "the canvas kept something of the card drawn before");
        assert_eq!(&a[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&a[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes([a[16], a[17], a[18], a[19]]), 1200);
        assert_eq!(u32::from_be_bytes([a[20], a[21], a[22], a[23]]), 630);
        // Bit depth 8, colour type 3 (indexed): a card has fewer than 256 colours.
        assert_eq!((a[24], a[25]), (8, 3));
    }

    /// Drawing the content over a copy of the frame gives the pixels of drawing both in one
    /// picture, and the PNG holds exactly those pixels.
    #[test]
    fn the_png_holds_the_pixels_of_frame_and_content_drawn_as_one_picture() {
        let p = Painter::new(&fonts());
        for card in [document(), state()] {
            let l = layers(&card);
            let one = format!(
                "{}{}",
                l.frame.strip_suffix("</svg>\n").expect("frame's end"),
                l.content.split_once('\n').expect("content's start").1
            );
            let tree = p.tree(&one).expect("parses");
            let mut whole = tiny_skia::Pixmap::new(WIDTH, HEIGHT).expect("pixmap");
            resvg::render(&tree, tiny_skia::Transform::identity(), &mut whole.as_mut());
            let frame = p.frame(&l.frame).expect("frame");
            let mut canvas = Canvas::new().expect("canvas");
            let png = p.png(&frame, &l.content, &mut canvas).expect("draws");
            assert!(canvas.0.data() == whole.data(), "{}", card.title);
            assert!(decode(&png) == whole.data(), "{}", card.title);
        }
    }

    #[test]
    fn a_palette_lists_colours_in_order_of_appearance() {
        let (white, blue, grey) = ([255, 255, 255, 255], [11, 87, 164, 255], [85, 85, 85, 255]);
        let px: Vec<u8> = [white, white, blue, grey, blue, white].concat();
        let p = Palette::of(&px).expect("opaque, 3 colours");
        assert_eq!(p.rgb, [255, 255, 255, 11, 87, 164, 85, 85, 85]);
        assert_eq!(p.indices, [0, 0, 1, 2, 1, 0]);
        // A pixel not quite opaque: no palette.
        assert!(Palette::of(&[white, [11, 87, 164, 254]].concat()).is_none());
        // 256 colours fit, 257 do not.
        let colours = |n: u32| -> Vec<u8> {
            (0..n)
                .flat_map(|i| [(i % 256) as u8, (i / 256) as u8, 7, 255])
                .collect()
        };
        let p = Palette::of(&colours(256)).expect("256 colours");
        assert_eq!(p.rgb.len(), 3 * 256);
        assert_eq!(p.indices[255], 255);
        assert!(Palette::of(&colours(257)).is_none());
    }

    #[test]
    fn a_picture_with_too_many_colours_is_written_as_rgba() {
        let px: Vec<u8> = (0..WIDTH * HEIGHT)
            .flat_map(|i| [(i % 256) as u8, (i / 256 % 256) as u8, 0, 255])
            .collect();
        let png = encode(&px).expect("encodes");
        assert_eq!((png[24], png[25]), (8, 6));
        assert!(decode(&png) == px);
    }

    /// The cost of each step of a card, and the PNG's size at each zlib level:
    /// `cargo test -p site-gen --lib cards::paint -- --ignored --nocapture` (the rasteriser's
    /// crates are optimised in test builds, see the workspace's Cargo.toml).
    #[test]
    #[ignore]
    fn measure_the_steps_of_a_card() {
        const N: u32 = 40;
        let t = Instant::now();
        let p = Painter::new(&fonts());
        let fontdb = t.elapsed();
        let l = layers(&document());
        let t = Instant::now();
        let frame = p.frame(&l.frame).expect("frame");
        let frame_time = t.elapsed();
        let t = Instant::now();
        for _ in 0..N {
            p.tree(&l.content).expect("parses");
        }
        let parse = t.elapsed() / N;
        let tree = p.tree(&l.content).expect("parses");
        let mut canvas = Canvas::new().expect("canvas");
        let t = Instant::now();
        for _ in 0..N {
            canvas.0.data_mut().copy_from_slice(frame.0.data());
            resvg::render(
                &tree,
                tiny_skia::Transform::identity(),
                &mut canvas.0.as_mut(),
            );
        }
        let render = t.elapsed() / N;
        let t = Instant::now();
        for _ in 0..N {
            Palette::of(canvas.0.data()).expect("palette");
        }
        let palette = t.elapsed() / N;
        eprintln!(
            "once a build: fonts {fontdb:?}, frame {frame_time:?}; per card: parse and lay out \
             text {parse:?}, copy the frame and rasterise {render:?}, palette {palette:?}"
        );
        let indexed = Palette::of(canvas.0.data()).expect("palette");
        for level in [1, 2, 3, 4, 6, 9] {
            for (name, color, data) in [
                ("indexed", png::ColorType::Indexed, &indexed.indices),
                ("rgba", png::ColorType::Rgba, &canvas.0.data().to_vec()),
            ] {
                let t = Instant::now();
                let mut size = 0;
                for _ in 0..N / 4 {
                    let mut out = Vec::new();
                    let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
                    enc.set_color(color);
                    enc.set_depth(png::BitDepth::Eight);
                    if color == png::ColorType::Indexed {
                        enc.set_palette(indexed.rgb.as_slice());
                    }
                    enc.set_deflate_compression(png::DeflateCompression::Level(level));
                    enc.set_filter(png::Filter::NoFilter);
                    let mut w = enc.write_header().expect("header");
                    w.write_image_data(data).expect("data");
                    w.finish().expect("finish");
                    size = out.len();
                }
                eprintln!(
                    "zlib level {level}, {name}: {:?}, {size} bytes",
                    t.elapsed() / (N / 4)
                );
            }
        }
    }
}
