//! Maps and charts drawn at build time as inline SVG (DESIGN.md §11): the stance choropleth and
//! stacked bar of a topic, the "who did what" map of the home page, a State's locator map and
//! stance strip. `world` reads the Natural Earth shapes kept in the repository, `projection` is
//! Equal Earth, `map` and `chart` write markup; this module says what each figure shows, from the
//! linked corpus, in the page's language.

pub mod chart;
pub mod explorer_map;
pub mod map;
pub mod projection;
pub mod world;

use crate::link::{Linked, Relation};
use crate::types::{Lang, Stance, StateId, TopicId};
use crate::urls::Urls;

pub(crate) use crate::text::esc_into;
use chart::{Cell, Segment};
use map::Mark;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Members of the European Union, highlighted on its locator map: the Union has no shape of its
/// own at this scale.
const EU_MEMBERS: [&str; 27] = [
    "aut", "bel", "bgr", "hrv", "cyp", "cze", "dnk", "est", "fin", "fra", "deu", "grc", "hun",
    "irl", "ita", "lva", "ltu", "lux", "mlt", "nld", "pol", "prt", "rou", "svk", "svn", "esp",
    "swe",
];

/// The figures of one language's pages.
pub struct Visuals<'a> {
    linked: &'a Linked,
    urls: &'a Urls,
    lang: Lang,
    strings: &'a BTreeMap<String, String>,
}

impl<'a> Visuals<'a> {
    pub fn new(
        linked: &'a Linked,
        urls: &'a Urls,
        lang: Lang,
        strings: &'a BTreeMap<String, String>,
    ) -> Self {
        Visuals {
            linked,
            urls,
            lang,
            strings,
        }
    }

    /// A UI string; validation has checked that both languages have every key.
    fn t<'k>(&'k self, key: &'k str) -> &'k str {
        self.strings.get(key).map_or(key, |s| s.as_str())
    }

    fn stance_label<'k>(&'k self, s: &'k Stance) -> &'k str {
        let labels = &self.linked.checked.stance_labels;
        labels
            .get(s)
            .and_then(|m| m.get(&self.lang))
            .map_or(s.as_str(), |l| l.as_str())
    }

    fn state_name(&self, id: &StateId) -> &str {
        self.linked.checked.states[id].name(self.lang)
    }

    fn topic(&self, id: &TopicId) -> Option<&'a crate::validate::Topic> {
        self.linked.checked.topics.iter().find(|t| &t.id == id)
    }

    /// The stance of each State coded on a topic.
    fn stances_on(&self, topic: &TopicId) -> BTreeMap<&'a StateId, &'a Stance> {
        let c = &self.linked.checked;
        c.positions
            .iter()
            .filter(|p| &p.topic == topic)
            .map(|p| (&p.state, &p.stance))
            .collect()
    }

    /// The topic page's choropleth: every State in the corpus is drawn and linked, coloured by
    /// its stance when it has one; the legend names each stance with its count; what the map
    /// cannot draw is listed under it; the figure links to the list of positions (`#positions`).
    pub fn topic_map(&self, topic: &TopicId) -> String {
        let Some(t) = self.topic(topic) else {
            return String::new();
        };
        let stances = self.stances_on(topic);
        let label = t.label.get(&self.lang).map_or("", |s| s.as_str());
        let marks: Vec<Mark> = self
            .linked
            .checked
            .states
            .keys()
            .map(|id| {
                let name = self.state_name(id);
                let (class, what) = match stances.get(id) {
                    Some(s) => (format!("stance-{}", s.as_str()), self.stance_label(s)),
                    None => ("uncoded".to_string(), self.t("vis_no_position")),
                };
                Mark {
                    code: id.as_str().to_string(),
                    class,
                    label: format!("{name}{}{what}", self.t("colon")),
                    href: Some(self.urls.state(self.lang, id)),
                }
            })
            .collect();
        let title = format!("{}{}{label}", self.t("vis_topic_map"), self.t("colon"));
        let (svg, missing) = map::choropleth(world::large(), &marks, &title);
        let mut legend: Vec<(String, String)> = t
            .stances
            .iter()
            .map(|s| {
                let n = stances.values().filter(|v| **v == s).count();
                (
                    format!("stance-{}", s.as_str()),
                    format!("{} ({n})", self.stance_label(s)),
                )
            })
            .collect();
        legend.push(("uncoded".into(), self.t("vis_no_position").to_string()));
        legend.push(("land".into(), self.t("vis_not_in_corpus").to_string()));
        self.figure(
            &svg,
            &title,
            &legend,
            &missing,
            "#positions",
            self.t("vis_positions_list"),
        )
    }

    /// The home page's map: each State coloured by how many of the four relations it has
    /// (sponsor of either draft, co-author of the 2020 proposal, views submitted), and named with
    /// them; the States page is its text alternative.
    pub fn home_map(&self) -> String {
        let mut roles: BTreeMap<&StateId, Vec<String>> = BTreeMap::new();
        for f in &self.linked.facts {
            let mut what = self
                .t(&format!("relation_{}", f.relation.key()))
                .to_string();
            if f.relation == Relation::Sponsor {
                if let Some(sym) = self.linked.meta(&f.doc).and_then(|m| m.symbol.as_ref()) {
                    let _ = write!(what, " ({})", sym.as_str());
                }
            }
            roles.entry(&f.state).or_default().push(what);
        }
        let marks: Vec<Mark> = roles
            .iter()
            .map(|(id, what)| Mark {
                code: id.as_str().to_string(),
                class: format!("roles-{}", what.len().min(4)),
                label: format!(
                    "{}{}{}",
                    self.state_name(id),
                    self.t("colon"),
                    what.join("; ")
                ),
                href: Some(self.urls.state(self.lang, id)),
            })
            .collect();
        let title = self.t("vis_home_map").to_string();
        let (svg, missing) = map::choropleth(world::large(), &marks, &title);
        let most = roles.values().map(|v| v.len().min(4)).max().unwrap_or(0);
        let mut legend: Vec<(String, String)> = (1..=most)
            .map(|n| {
                let count = roles.values().filter(|v| v.len().min(4) == n).count();
                let key = if n == 1 {
                    "vis_one_role"
                } else {
                    "vis_n_roles"
                };
                (
                    format!("roles-{n}"),
                    format!("{} ({count})", self.t(key).replace("{n}", &n.to_string())),
                )
            })
            .collect();
        legend.push(("land".into(), self.t("vis_not_in_corpus").to_string()));
        let states = self.urls.page(self.lang, "states/");
        self.figure(
            &svg,
            &title,
            &legend,
            &missing,
            &states,
            self.t("vis_states_list"),
        )
    }

    /// The State page's locator (the European Union's shows its members).
    pub fn locator(&self, id: &StateId) -> String {
        let codes: Vec<&str> = if id.as_str() == "eu" {
            EU_MEMBERS.to_vec()
        } else {
            vec![id.as_str()]
        };
        let label = self.t("vis_locator").replace("{name}", self.state_name(id));
        let w = world::small();
        if codes.iter().all(|c| w.position(c).is_none()) {
            return String::new();
        }
        format!(
            "<figure class=\"locator-figure\">{}</figure>",
            map::locator(w, &codes, &label)
        )
    }

    /// The topic's stance distribution: a bar whose segments open the explorer filtered to the
    /// topic and the stance.
    pub fn topic_bar(&self, topic: &TopicId) -> String {
        let Some(t) = self.topic(topic) else {
            return String::new();
        };
        let stances = self.stances_on(topic);
        let explorer = self.urls.page(self.lang, "explorer/");
        let segments: Vec<Segment> = t
            .stances
            .iter()
            .map(|s| {
                let mut q = String::new();
                explorer_wasm::url::push_pair(&mut q, "topic", topic.as_str());
                explorer_wasm::url::push_pair(&mut q, "stance", s.as_str());
                Segment {
                    class: format!("stance-{}", s.as_str()),
                    label: self.stance_label(s).to_string(),
                    count: stances.values().filter(|v| **v == s).count(),
                    href: format!("{explorer}?{q}"),
                }
            })
            .collect();
        let label = t.label.get(&self.lang).map_or("", |s| s.as_str());
        let name = format!("{}{}{label}", self.t("vis_distribution"), self.t("colon"));
        chart::stacked_bar(&segments, &name, self.t("vis_of"))
    }

    /// A State's stances on every topic, each cell linked to its evidence (or to the topic when
    /// the State did not address it). Empty for a State with no coded position.
    pub fn stance_strip(&self, id: &StateId) -> String {
        let c = &self.linked.checked;
        let cells: Vec<Cell> = c
            .topics
            .iter()
            .filter_map(|t| {
                let p = c
                    .positions
                    .iter()
                    .find(|p| &p.state == id && p.topic == t.id)?;
                let href = match (&p.anchor, &c.replies_doc) {
                    (Some(a), Some(doc)) => {
                        format!("{}#{}", self.urls.document(self.lang, doc), a.as_str())
                    }
                    _ => self.urls.topic(self.lang, &t.id),
                };
                Some(Cell {
                    topic: t.label.get(&self.lang).cloned().unwrap_or_default(),
                    stance_class: format!("stance-{}", p.stance.as_str()),
                    stance: self.stance_label(&p.stance).to_string(),
                    glyph: glyph(&p.stance),
                    href,
                })
            })
            .collect();
        if cells.is_empty() {
            return String::new();
        }
        chart::stance_strip(&cells, self.t("vis_strip"))
    }

    /// A map in a figure: the SVG, then a caption with the legend (a swatch and a text per
    /// class), the States the map cannot draw, and the link to the text alternative.
    fn figure(
        &self,
        svg: &str,
        title: &str,
        legend: &[(String, String)],
        missing: &[&Mark],
        alt_href: &str,
        alt_text: &str,
    ) -> String {
        let mut out = String::with_capacity(svg.len() + 2048);
        out.push_str("<figure class=\"map-figure\">");
        out.push_str(svg);
        out.push_str("<figcaption><p class=\"map-title\">");
        esc_into(&mut out, title);
        out.push_str("</p><ul class=\"legend\">");
        for (class, text) in legend {
            let _ = write!(out, "<li><span class=\"swatch {class}\"></span>");
            esc_into(&mut out, text);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
        if !missing.is_empty() {
            out.push_str("<p class=\"map-inset\">");
            esc_into(&mut out, self.t("vis_not_on_map"));
            out.push(' ');
            for (i, m) in missing.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "<span class=\"swatch {}\"></span>", m.class);
                out.push_str("<a href=\"");
                esc_into(&mut out, m.href.as_deref().unwrap_or("#"));
                let _ = write!(out, "\" data-state=\"{}\">", m.code);
                esc_into(&mut out, &m.label);
                out.push_str("</a>");
            }
            out.push_str("</p>");
        }
        out.push_str("<p><a href=\"");
        esc_into(&mut out, alt_href);
        out.push_str("\">");
        esc_into(&mut out, alt_text);
        out.push_str("</a></p></figcaption></figure>");
        out
    }
}

/// A mark that tells the stance's colour group without colour, in step with the stance classes
/// of `style.css`: the first value of a topic (supports, annual, after the OEWG…), the middle
/// ones, the contrary ones, and "not addressed".
pub fn glyph(s: &Stance) -> char {
    match s.as_str() {
        "supports" | "single-mechanism" | "annual" | "after-oewg" | "new-york" => '✓',
        "opposes" | "oewg-led" | "before-oewg-end" | "geneva" => '✗',
        "not-addressed" => '–',
        _ => '≈',
    }
}
