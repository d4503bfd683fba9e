//! The world's country shapes, read from the derived Natural Earth file kept in the repository
//! (`site-gen/data/world-110m.txt`, compiled in: the build needs neither the network nor the
//! file at run time), projected with Equal Earth and written as SVG path data once per width.

use super::projection::equal_earth;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::OnceLock;

const SOURCE: &str = include_str!("../../data/world-110m.txt");

/// One country of the map, in map units (integers, y down).
pub struct Shape {
    /// ISO 3166-1 alpha-3, lower case (`-` for the few shapes without a code).
    pub code: String,
    /// SVG path data; empty when every ring is smaller than a map unit (then `centre` is drawn).
    pub d: String,
    /// Centre of the bounding box of the shape's largest ring: where a marker goes.
    pub centre: (i32, i32),
}

pub struct World {
    pub width: i32,
    pub height: i32,
    pub shapes: Vec<Shape>,
    /// States too small for the scale, at their position: drawn as markers.
    pub points: BTreeMap<String, (i32, i32)>,
}

impl World {
    pub fn shape(&self, code: &str) -> Option<&Shape> {
        self.shapes.iter().find(|s| s.code == code)
    }

    /// Where a State is on this map: its shape's centre or its point.
    pub fn position(&self, code: &str) -> Option<(i32, i32)> {
        self.shape(code)
            .map(|s| s.centre)
            .or_else(|| self.points.get(code).copied())
    }
}

/// The world at 1 000 map units wide (topic and home maps).
pub fn large() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| parse(SOURCE, 1000).expect("site-gen/data/world-110m.txt is well formed"))
}

/// The world at 400 map units wide (the State page's locator): coarser, so lighter.
pub fn small() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| parse(SOURCE, 400).expect("site-gen/data/world-110m.txt is well formed"))
}

type Ring = Vec<(f64, f64)>;

/// Reads the derived file (format in its header) and projects it to `width` map units.
pub fn parse(src: &str, width: i32) -> Result<World, String> {
    let mut raw: Vec<(String, Vec<Ring>)> = Vec::new();
    let mut raw_points = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let err = |what: &str| format!("world-110m.txt:{}: {what}", i + 1);
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("= ") {
            let code = rest
                .split(' ')
                .next()
                .ok_or_else(|| err("shape without a code"))?;
            raw.push((code.to_string(), Vec::new()));
        } else if let Some(rest) = line.strip_prefix(". ") {
            let (code, p) = rest
                .split_once(' ')
                .ok_or_else(|| err("point without a position"))?;
            raw_points.push((code.to_string(), point(p).ok_or_else(|| err("bad point"))?));
        } else {
            let ring: Option<Ring> = line.split(' ').map(point).collect();
            let ring = ring.ok_or_else(|| err("bad point in a ring"))?;
            raw.last_mut()
                .ok_or_else(|| err("ring before any shape"))?
                .1
                .push(ring);
        }
    }
    // Map units: x from the antimeridian, y from the northernmost point of any shape.
    let k = width as f64 / (2.0 * equal_earth(180.0, 0.0).0);
    let (mut top, mut bottom) = (f64::MIN, f64::MAX);
    for (_, rings) in &raw {
        for &(lon, lat) in rings.iter().flatten() {
            let y = equal_earth(lon, lat).1;
            top = top.max(y);
            bottom = bottom.min(y);
        }
    }
    let margin = 2.0;
    let to_map = |(lon, lat): (f64, f64)| {
        let (x, y) = equal_earth(lon, lat);
        (
            (width as f64 / 2.0 + x * k).round() as i32,
            (margin + (top - y) * k).round() as i32,
        )
    };
    let height = ((top - bottom) * k + 2.0 * margin).ceil() as i32;
    let shapes = raw
        .into_iter()
        .map(|(code, rings)| {
            let mut d = String::new();
            let mut best = (0.0, (0, 0));
            for ring in &rings {
                let pts: Vec<(i32, i32)> = ring.iter().map(|&p| to_map(p)).collect();
                let area = ring_area(ring);
                if area > best.0 {
                    best = (area, bbox_centre(&pts));
                }
                push_ring(&mut d, &pts);
            }
            Shape {
                code,
                d,
                centre: best.1,
            }
        })
        .collect();
    let points = raw_points
        .into_iter()
        .map(|(c, p)| (c, to_map(p)))
        .collect();
    Ok(World {
        width,
        height,
        shapes,
        points,
    })
}

/// `lon,lat` in tenths of a degree.
fn point(s: &str) -> Option<(f64, f64)> {
    let (x, y) = s.split_once(',')?;
    Some((
        x.parse::<i32>().ok()? as f64 / 10.0,
        y.parse::<i32>().ok()? as f64 / 10.0,
    ))
}

/// Area in square degrees (shoelace), enough to tell the largest ring of a shape.
fn ring_area(r: &[(f64, f64)]) -> f64 {
    let n = r.len();
    (0..n)
        .map(|i| r[i].0 * r[(i + 1) % n].1 - r[(i + 1) % n].0 * r[i].1)
        .sum::<f64>()
        .abs()
        / 2.0
}

fn bbox_centre(pts: &[(i32, i32)]) -> (i32, i32) {
    let (mut x0, mut y0, mut x1, mut y1) = (i32::MAX, i32::MAX, i32::MIN, i32::MIN);
    for &(x, y) in pts {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    ((x0 + x1) / 2, (y0 + y1) / 2)
}

/// Appends one closed ring as `M x y l dx dy … z`, with repeated points (after rounding) dropped
/// and rings of fewer than three distinct points left out. A minus sign separates numbers by
/// itself, so no space is written before one: that is a sixth of the bytes.
fn push_ring(d: &mut String, pts: &[(i32, i32)]) {
    let mut kept: Vec<(i32, i32)> = Vec::with_capacity(pts.len());
    for &p in pts {
        if kept.last() != Some(&p) {
            kept.push(p);
        }
    }
    while kept.len() > 1 && kept.first() == kept.last() {
        kept.pop();
    }
    if kept.len() < 3 {
        return;
    }
    let (x0, y0) = kept[0];
    let _ = write!(d, "M{x0}");
    push_num(d, y0);
    d.push('l');
    let mut first = true;
    for w in kept.windows(2) {
        let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
        if first {
            let _ = write!(d, "{dx}");
            first = false;
        } else {
            push_num(d, dx);
        }
        push_num(d, dy);
    }
    d.push('z');
}

fn push_num(d: &mut String, n: i32) {
    if n >= 0 {
        d.push(' ');
    }
    let _ = write!(d, "{n}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_derived_file_is_read_whole() {
        let w = large();
        // Natural Earth 1:110m has 177 shapes; Antarctica is left out of the derived file.
        assert_eq!(w.shapes.len(), 176);
        assert_eq!(w.width, 1000);
        // Equal Earth is about 2.05 times as wide as high; without Antarctica, less high.
        assert!(w.height > 400 && w.height < 487, "{}", w.height);
        for code in ["fra", "usa", "rus", "jpn", "nzl", "che", "lux"] {
            assert!(!w.shape(code).unwrap().d.is_empty(), "{code}");
        }
        assert_eq!(w.points.len(), 4);
    }

    #[test]
    fn shapes_are_where_the_countries_are() {
        let w = large();
        // Each shape's centre is near the middle of the country (by hand, from an atlas), placed
        // by the projection: France's largest ring is Europe's, not French Guiana's.
        let k = 1000.0 / (2.0 * equal_earth(180.0, 0.0).0);
        for (code, lon, lat) in [
            ("fra", 2.5, 46.5),
            ("aus", 134.0, -25.5),
            ("chl", -71.0, -37.0),
            ("usa", -112.0, 45.0),
        ] {
            let x = equal_earth(lon, lat).0;
            let cx = w.shape(code).unwrap().centre.0;
            let ex = 500.0 + x * k;
            assert!((cx as f64 - ex).abs() < 40.0, "{code}: x {cx} vs {ex}");
        }
        let north = |c: &str| w.shape(c).unwrap().centre.1;
        assert!(
            north("fra") < north("chl")
                && north("usa") < north("aus")
                && north("fra") < north("aus")
        );
        // Europe in the upper third, Australia and Chile in the lower half.
        assert!(
            north("fra") < w.height / 3
                && north("aus") > w.height / 2
                && north("chl") > w.height / 2
        );
        // A point: Singapore, just north of the equator at 103.8° E.
        let (sx, sy) = w.points["sgp"];
        let ex = 500.0 + equal_earth(103.8, 1.35).0 * k;
        assert!((sx as f64 - ex).abs() < 1.0, "{sx} vs {ex}");
        assert!(sy < north("aus"));
    }

    #[test]
    fn rings_are_compact_and_closed() {
        let mut d = String::new();
        push_ring(&mut d, &[(10, 10), (10, 10), (20, 10), (20, 5), (10, 10)]);
        assert_eq!(d, "M10 10l10 0 0-5z");
        let mut tiny = String::new();
        push_ring(&mut tiny, &[(1, 1), (1, 1), (2, 1), (1, 1)]);
        assert_eq!(tiny, "");
    }

    #[test]
    fn bad_lines_are_reported_with_their_number() {
        let e = parse("# c\n= fra France\n10,20 x\n", 100).err().unwrap();
        assert!(e.contains(":3:"), "{e}");
        let e = parse("10,20 30,40\n", 100).err().unwrap();
        assert!(e.contains("ring before any shape"), "{e}");
    }
}
