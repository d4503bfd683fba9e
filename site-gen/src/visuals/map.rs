//! World maps as inline SVG: a choropleth of marked States over the other countries, and a
//! locator. Only geometry and markup here; what a mark means is the caller's.

use super::esc_into;
use super::world::World;
use std::collections::BTreeSet;
use std::fmt::Write;

/// One State drawn on a map: its code, the CSS class that colours it, its accessible name and,
/// when it has a page, the link to it.
pub struct Mark {
    pub code: String,
    pub class: String,
    pub label: String,
    pub href: Option<String>,
}

/// A choropleth: the marked States coloured, linked and named (`<title>` and `aria-label`), every
/// other country in one unnamed background path. Returns the SVG and the marks the map cannot
/// show (no shape and no point at this scale: the European Union), for the caller to list.
pub fn choropleth<'m>(world: &World, marks: &'m [Mark], label: &str) -> (String, Vec<&'m Mark>) {
    let marked: BTreeSet<&str> = marks.iter().map(|m| m.code.as_str()).collect();
    let mut svg = String::with_capacity(48 * 1024);
    open_svg(&mut svg, world, "world-map", "", label);
    background(&mut svg, world, &marked);
    let mut markers = Vec::new();
    let mut missing = Vec::new();
    for m in marks {
        match world.shape(&m.code).filter(|s| !s.d.is_empty()) {
            Some(shape) => {
                open_mark(&mut svg, m);
                let _ = write!(svg, "<path d=\"{}\"/>", shape.d);
                close_mark(&mut svg, m);
            }
            None => match world.position(&m.code) {
                Some(p) => markers.push((m, p)),
                None => missing.push(m),
            },
        }
    }
    // Markers last, so no shape covers them.
    for (m, (x, y)) in markers {
        open_mark(&mut svg, m);
        let _ = write!(
            svg,
            "<circle class=\"marker\" cx=\"{x}\" cy=\"{y}\" r=\"6\"/>"
        );
        close_mark(&mut svg, m);
    }
    svg.push_str("</svg>");
    (svg, missing)
}

/// A locator: every country in the background, the given States highlighted, and a ring around
/// the first one's centre so that a small State is seen. An image with a name, no links.
pub fn locator(world: &World, codes: &[&str], label: &str) -> String {
    let marked: BTreeSet<&str> = codes.iter().copied().collect();
    let mut svg = String::with_capacity(24 * 1024);
    open_svg(&mut svg, world, "locator", " role=\"img\"", label);
    background(&mut svg, world, &marked);
    svg.push_str("<path class=\"here\" d=\"");
    for c in codes {
        if let Some(s) = world.shape(c) {
            svg.push_str(&s.d);
        }
    }
    svg.push_str("\"/>");
    if let [one] = codes {
        if let Some((x, y)) = world.position(one) {
            let _ = write!(
                svg,
                "<circle class=\"here-ring\" cx=\"{x}\" cy=\"{y}\" r=\"9\"/>"
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// `role` is empty or a whole attribute: the Nu checker refuses `group` and the graphics roles on
/// `svg`, whose own role already is a named graphics document.
fn open_svg(svg: &mut String, world: &World, class: &str, role: &str, label: &str) {
    let _ = write!(
        svg,
        "<svg class=\"{class}\" viewBox=\"0 0 {} {}\"{role} aria-label=\"",
        world.width, world.height
    );
    esc_into(svg, label);
    svg.push_str("\">");
}

/// Every unmarked country in one path: one element instead of a hundred.
fn background(svg: &mut String, world: &World, marked: &BTreeSet<&str>) {
    svg.push_str("<path class=\"land\" aria-hidden=\"true\" d=\"");
    for s in world
        .shapes
        .iter()
        .filter(|s| !marked.contains(s.code.as_str()))
    {
        svg.push_str(&s.d);
    }
    svg.push_str("\"/>");
}

fn open_mark(svg: &mut String, m: &Mark) {
    match &m.href {
        Some(h) => {
            svg.push_str("<a href=\"");
            esc_into(svg, h);
            svg.push('"');
        }
        None => svg.push_str("<g role=\"img\""),
    }
    let _ = write!(
        svg,
        " class=\"{}\" data-state=\"{}\" aria-label=\"",
        m.class, m.code
    );
    esc_into(svg, &m.label);
    svg.push_str("\"><title>");
    esc_into(svg, &m.label);
    svg.push_str("</title>");
}

fn close_mark(svg: &mut String, m: &Mark) {
    svg.push_str(if m.href.is_some() { "</a>" } else { "</g>" });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visuals::world::parse;

    const SMALL: &str =
        "= aaa A\n0,0 100,0 100,100 0,100\n= bbb B\n-100,0 -50,0 -50,50\n. ccc 0,10\n";

    fn mark(code: &str, href: Option<&str>) -> Mark {
        Mark {
            code: code.into(),
            class: "stance-supports".into(),
            label: format!("{code} <&> label"),
            href: href.map(String::from),
        }
    }

    #[test]
    fn marks_are_drawn_named_and_linked_and_the_rest_is_background() {
        let w = parse(SMALL, 100).unwrap();
        let marks = [
            mark("aaa", Some("/en/states/aaa/?x=1&y=2")),
            mark("ccc", None),
            mark("eu", None),
        ];
        let (svg, missing) = choropleth(&w, &marks, "Map");
        assert!(svg.starts_with("<svg class=\"world-map\" viewBox=\"0 0 100 "));
        assert!(svg.contains("<a href=\"/en/states/aaa/?x=1&amp;y=2\" class=\"stance-supports\" data-state=\"aaa\" aria-label=\"aaa &lt;&amp;&gt; label\"><title>aaa &lt;&amp;&gt; label</title><path d=\"M"));
        // The point becomes a marker, after the shapes; the entity with neither is returned.
        assert!(svg.contains("data-state=\"ccc\""));
        assert!(svg.find("data-state=\"ccc\"").unwrap() > svg.find("data-state=\"aaa\"").unwrap());
        assert!(svg.contains("<circle class=\"marker\""));
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].code, "eu");
        // The unmarked shape is in the background, unnamed; the marked one is not.
        let bg = &svg[svg.find("class=\"land\"").unwrap()..];
        let bg = &bg[..bg.find("/>").unwrap()];
        assert!(bg.contains(&w.shape("bbb").unwrap().d));
        assert!(!bg.contains(&w.shape("aaa").unwrap().d));
        assert!(!svg.contains("data-state=\"bbb\""));
    }

    #[test]
    fn a_locator_names_itself_and_rings_its_state() {
        let w = parse(SMALL, 100).unwrap();
        let svg = locator(&w, &["aaa"], "A on the map");
        assert!(svg.contains("role=\"img\" aria-label=\"A on the map\""));
        assert!(svg.contains(&format!(
            "<path class=\"here\" d=\"{}\"/>",
            w.shape("aaa").unwrap().d
        )));
        let (x, y) = w.shape("aaa").unwrap().centre;
        assert!(svg.contains(&format!("cx=\"{x}\" cy=\"{y}\"")));
    }
}
