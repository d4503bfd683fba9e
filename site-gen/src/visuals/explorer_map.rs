//! The geometry of the explorer's Map view (`data/explorer-map.svg`): one SVG for both
//! languages, which the explorer fetches only when its Map view is opened and then colours,
//! names and links itself from its own index (the selection decides what a colour means).
//!
//! Each State of the explorer's index is a link carrying its id (`data-state`), drawn as its
//! shape, as a marker when it is too small for the scale (as on the static maps), or, when it
//! has neither (the European Union), as a marker in a labelled inset in the map's empty
//! top-left corner, whose label (`data-label-for`) the explorer writes in the page's language.
//! Every other country is one unnamed background path. Names are left to the explorer: here
//! each link is named by its id only, so the file does not depend on the language.

use super::map::{choropleth, Mark};
use super::world::World;
use std::fmt::Write;

/// Where the first inset marker goes, and the room each one takes to the right (marker and
/// label): the corner of the Equal Earth outline is open sea.
const INSET_X: i32 = 16;
const INSET_Y: i32 = 16;
const INSET_STEP: i32 = 150;

/// The SVG of the Map view for the States `ids` (the explorer index's, in its order).
pub fn explorer_map(world: &World, ids: &[&str]) -> String {
    let marks: Vec<Mark> = ids
        .iter()
        .map(|id| Mark {
            code: (*id).to_string(),
            class: String::new(),
            label: (*id).to_string(),
            href: Some(format!("?state={id}")),
        })
        .collect();
    let (mut svg, missing) = choropleth(world, &marks, "");
    // The SVG is served as a file of its own: it needs its namespace.
    svg = svg.replacen("<svg ", "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 1);
    if missing.is_empty() {
        return svg;
    }
    let mut inset = String::new();
    for (i, m) in missing.iter().enumerate() {
        let x = INSET_X + i as i32 * INSET_STEP;
        // Ids are the index's own (lowercase ISO codes or `eu`): nothing to escape.
        let _ = write!(
            inset,
            "<a href=\"?state={id}\" data-state=\"{id}\" aria-label=\"{id}\"><title>{id}</title>\
             <circle class=\"marker\" cx=\"{x}\" cy=\"{INSET_Y}\" r=\"8\"/></a>\
             <text class=\"inset-label\" x=\"{}\" y=\"{}\" data-label-for=\"{id}\">{id}</text>",
            x + 14,
            INSET_Y + 6,
            id = m.code,
        );
    }
    let end = svg.len() - "</svg>".len();
    svg.insert_str(end, &inset);
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::visuals::world::parse;

    // A shape (aaa), a State too small for a shape (ccc, a point), a country outside the index
    // (bbb) and an entity with neither (eu).
    const SMALL: &str =
        "= aaa A\n0,0 100,0 100,100 0,100\n= bbb B\n-100,0 -50,0 -50,50\n. ccc 0,10\n";

    #[test]
    fn every_state_of_the_index_is_a_link_with_its_id_and_the_rest_is_background() {
        let w = parse(SMALL, 100).unwrap();
        let svg = explorer_map(&w, &["aaa", "ccc", "eu"]);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"world-map\""));
        assert!(svg.ends_with("</svg>"));
        // The shape, the point's marker and the inset marker: one link each, by id.
        for id in ["aaa", "ccc", "eu"] {
            let link = format!("<a href=\"?state={id}\" ");
            assert_eq!(svg.matches(&link).count(), 1, "{id}");
            assert!(svg.contains(&format!("data-state=\"{id}\"")), "{id}");
        }
        // The country outside the index is only in the unnamed background.
        assert!(!svg.contains("data-state=\"bbb\""));
        assert!(svg.contains(&w.shape("bbb").unwrap().d));
        // The entity without shape or point gets its labelled marker in the inset.
        assert!(svg.contains(
            "<text class=\"inset-label\" x=\"30\" y=\"22\" data-label-for=\"eu\">eu</text>"
        ));
        assert_eq!(svg.matches("<circle class=\"marker\"").count(), 2);
    }

    #[test]
    fn without_entities_off_the_map_there_is_no_inset() {
        let w = parse(SMALL, 100).unwrap();
        let svg = explorer_map(&w, &["aaa"]);
        assert!(!svg.contains("inset-label"));
        assert!(svg.contains("data-state=\"aaa\""));
    }
}
