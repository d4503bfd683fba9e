//! Charts as static markup: the stacked bar of a topic's stances (SVG) and the stance strip of a
//! State (a list). Their colours are the stance classes of the stylesheet; their text carries the
//! same information, so colour is never the only cue.

use super::esc_into;
use std::fmt::Write;

/// One part of a whole: a stance's count, its CSS class, its label and the link to its positions.
pub struct Segment {
    pub class: String,
    pub label: String,
    pub count: usize,
    pub href: String,
}

/// Whole percent of `count` in `total` (0 for an empty whole).
pub fn percent(count: usize, total: usize) -> usize {
    (count * 100 + total / 2).checked_div(total).unwrap_or(0)
}

/// A horizontal bar, 100 % wide, split into the segments in order. The SVG has no `viewBox`:
/// positions are percentages of its width and the text keeps its size at any width, so a label is
/// written in a segment only where it fits (count from 7 %, count and percentage from 18 %). Every
/// segment is a link named with its label, count and percentage. `of` is the word between a count
/// and the whole ("of"), `label` names the chart.
pub fn stacked_bar(segments: &[Segment], label: &str, of: &str) -> String {
    let total: usize = segments.iter().map(|s| s.count).sum();
    let mut svg = String::with_capacity(256 * (segments.len() + 1));
    svg.push_str("<svg class=\"stance-bar\" width=\"100%\" height=\"32\" aria-label=\"");
    esc_into(&mut svg, label);
    svg.push_str("\">");
    // Positions in thousandths of the width, so that the segments meet exactly.
    let mut at = 0;
    let last = segments.iter().rposition(|s| s.count > 0);
    for (i, s) in segments.iter().enumerate().filter(|(_, s)| s.count > 0) {
        // The last segment takes what rounding down left.
        let w = if Some(i) == last {
            1000 - at
        } else {
            s.count * 1000 / total
        };
        let pct = percent(s.count, total);
        let name = format!("{}: {} {of} {total} ({pct} %)", s.label, s.count);
        svg.push_str("<a href=\"");
        esc_into(&mut svg, &s.href);
        let _ = write!(svg, "\" class=\"{}\" aria-label=\"", s.class);
        esc_into(&mut svg, &name);
        svg.push_str("\"><title>");
        esc_into(&mut svg, &name);
        let _ = write!(
            svg,
            "</title><rect x=\"{}%\" y=\"0\" width=\"{}%\" height=\"32\"/>",
            per_mille(at),
            per_mille(w)
        );
        let text = match pct {
            18.. => format!("{} ({pct} %)", s.count),
            7.. => s.count.to_string(),
            _ => String::new(),
        };
        if !text.is_empty() {
            let _ = write!(
                svg,
                "<text x=\"{}%\" y=\"21\" text-anchor=\"middle\" aria-hidden=\"true\">{text}</text>",
                per_mille(at + w / 2)
            );
        }
        svg.push_str("</a>");
        at += w;
    }
    svg.push_str("</svg>");
    svg
}

/// Thousandths as a percentage with one decimal: 325 → `32.5`.
fn per_mille(n: usize) -> String {
    if n.is_multiple_of(10) {
        (n / 10).to_string()
    } else {
        format!("{}.{}", n / 10, n % 10)
    }
}

/// One cell of a State's stance strip: the topic, the stance, and the link to the evidence.
pub struct Cell {
    pub topic: String,
    pub stance_class: String,
    pub stance: String,
    pub glyph: char,
    pub href: String,
}

/// A one-line strip of cells, one per topic, each showing its stance's glyph on its colour and
/// named "topic: stance".
pub fn stance_strip(cells: &[Cell], label: &str) -> String {
    let mut out = String::from("<ol class=\"stance-strip\" aria-label=\"");
    esc_into(&mut out, label);
    out.push_str("\">");
    for c in cells {
        let name = format!("{}: {}", c.topic, c.stance);
        out.push_str("<li><a href=\"");
        esc_into(&mut out, &c.href);
        let _ = write!(out, "\" class=\"stance {}\" title=\"", c.stance_class);
        esc_into(&mut out, &name);
        out.push_str("\" aria-label=\"");
        esc_into(&mut out, &name);
        let _ = write!(
            out,
            "\"><span aria-hidden=\"true\">{}</span></a></li>",
            c.glyph
        );
    }
    out.push_str("</ol>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(label: &str, count: usize) -> Segment {
        Segment {
            class: format!("stance-{label}"),
            label: label.into(),
            count,
            href: format!("/x/?topic=t&stance={label}"),
        }
    }

    #[test]
    fn percentages_round_to_nearest() {
        assert_eq!(percent(12, 37), 32); // 32.43
        assert_eq!(percent(1, 8), 13); // 12.5 rounds up
        assert_eq!(percent(0, 37), 0);
        assert_eq!(percent(3, 0), 0);
    }

    #[test]
    fn a_bar_has_one_linked_named_segment_per_nonzero_stance_and_fills_its_width() {
        let svg = stacked_bar(
            &[seg("a", 12), seg("b", 0), seg("c", 22), seg("d", 3)],
            "Chart",
            "of",
        );
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("<a href=\"/x/?topic=t&amp;stance=a\" class=\"stance-a\" aria-label=\"a: 12 of 37 (32 %)\">"));
        assert!(!svg.contains("stance=b"));
        // 12/37 = 324‰, 22/37 = 594‰, the last takes the rest (82‰): 0 → 32.4 → 91.8 → 100.
        assert!(svg.contains("x=\"0%\" y=\"0\" width=\"32.4%\""));
        assert!(svg.contains("x=\"32.4%\" y=\"0\" width=\"59.4%\""));
        assert!(svg.contains("x=\"91.8%\" y=\"0\" width=\"8.2%\""));
        // Text where it fits: count and percentage in a wide segment, count in a narrow one.
        assert!(svg.contains(">12 (32 %)</text>"));
        assert!(svg.contains(">3</text>"));
    }

    #[test]
    fn a_strip_names_each_cell() {
        let html = stance_strip(
            &[Cell {
                topic: "Consensus".into(),
                stance_class: "stance-supports".into(),
                stance: "Supports".into(),
                glyph: '✓',
                href: "/en/d/#p1".into(),
            }],
            "Stances",
        );
        assert_eq!(
            html,
            "<ol class=\"stance-strip\" aria-label=\"Stances\"><li><a href=\"/en/d/#p1\" class=\"stance stance-supports\" title=\"Consensus: Supports\" aria-label=\"Consensus: Supports\"><span aria-hidden=\"true\">✓</span></a></li></ol>"
        );
    }
}
