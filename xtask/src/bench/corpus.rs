//! The benchmark's synthetic corpus: `docs` bilingual documents (10–20 KB a page), generated
//! from a fixed seed, so every run and every machine gets the same bytes. Each document is
//! written once for site-gen (in the content format of `docs/content-format.md`, beside the
//! real theme, data files and authored pages) and, sharing every choice made while writing it,
//! once for Hugo (`hugo.rs` gives its markup).

use super::hugo;
use super::words::{EN_WORDS, FR_WORDS, MASTHEAD, MENTIONS, MONTHS_EN, MONTHS_FR, STATES, VERBS};
use anyhow::{Context, Result};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

const SEED: u64 = 0x5EED_2023_0A78_0076;

/// SplitMix64: tiny, fast, deterministic on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut r = Rng(seed);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

fn roman(mut n: usize) -> String {
    const T: &[(usize, &str)] = &[
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for &(v, r) in T {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// The four files of one document, written side by side so that they share every structural
/// choice: site-gen French and English, Hugo French and English.
#[derive(Default)]
struct Doc {
    sg_fr: String,
    sg_en: String,
    hu_fr: String,
    hu_en: String,
}

impl Doc {
    fn both(&mut self, s: &str) {
        self.sg_fr.push_str(s);
        self.sg_en.push_str(s);
        self.hu_fr.push_str(s);
        self.hu_en.push_str(s);
    }
    /// A paragraph with an anchor (`{#id} ` prefix for site-gen; a goldmark block attribute on
    /// the next line for Hugo, with a leading "N." escaped so it stays a paragraph).
    fn para(&mut self, id: &str, fr: &str, en: &str) {
        for (sg, hu, text) in [
            (&mut self.sg_fr, &mut self.hu_fr, fr),
            (&mut self.sg_en, &mut self.hu_en, en),
        ] {
            let _ = write!(sg, "{{#{id}}} {text}\n\n");
            hugo::para(hu, id, text);
        }
    }
    fn masthead(&mut self, fr: &str, en: &str) {
        for (sg, hu, text) in [
            (&mut self.sg_fr, &mut self.hu_fr, fr),
            (&mut self.sg_en, &mut self.hu_en, en),
        ] {
            let _ = write!(sg, "{{.masthead}} {text}\n\n");
            hugo::masthead(hu, text);
        }
    }
    fn item(&mut self, id: &str, fr: &str, en: &str) {
        for (sg, hu, text) in [
            (&mut self.sg_fr, &mut self.hu_fr, fr),
            (&mut self.sg_en, &mut self.hu_en, en),
        ] {
            let _ = writeln!(sg, "- {{#{id}}} {text}");
            hugo::item(hu, id, text);
        }
    }
    fn heading(&mut self, level: usize, id: &str, fr: &str, en: &str) {
        let hashes = "#".repeat(level);
        for (sg, hu, text) in [
            (&mut self.sg_fr, &mut self.hu_fr, fr),
            (&mut self.sg_en, &mut self.hu_en, en),
        ] {
            let line = format!("{hashes} {text} {{#{id}}}\n\n");
            sg.push_str(&line);
            hu.push_str(&line);
        }
    }
    fn min_len(&self) -> usize {
        self.sg_fr.len().min(self.sg_en.len())
    }
}

/// Generates one sentence in both languages with the same shape; `extra` decides about a
/// mention, a State and a footnote reference.
struct Writer {
    shape: Rng,
    fr: Rng,
    en: Rng,
    footnotes: Vec<usize>,
}

impl Writer {
    fn words(&mut self, n: usize, capital: bool) -> (String, String) {
        let mut fr = String::new();
        let mut en = String::new();
        for i in 0..n {
            if i > 0 {
                let comma = self.shape.chance(6) && i + 2 < n;
                if comma {
                    fr.push(',');
                    en.push(',');
                }
                fr.push(' ');
                en.push(' ');
            }
            let (f, e) = (*self.fr.pick(FR_WORDS), *self.en.pick(EN_WORDS));
            if i == 0 && capital {
                fr.push_str(&capitalise(f));
                en.push_str(&capitalise(e));
            } else {
                fr.push_str(f);
                en.push_str(e);
            }
        }
        (fr, en)
    }

    fn sentence(&mut self, capital: bool) -> (String, String) {
        let n = self.shape.range(8, 22);
        let (mut fr, mut en) = self.words(n, capital);
        if self.shape.chance(18) {
            let (f, e) = self.shape.pick(MENTIONS);
            let _ = write!(fr, ", {f}");
            let _ = write!(en, ", {e}");
        }
        if self.shape.chance(10) {
            let s = self.shape.pick(STATES);
            let _ = write!(fr, ", comme l’a indiqué {}", s.1);
            let _ = write!(en, ", as noted by {}", s.2);
        }
        if self.footnotes.len() < 9 && self.shape.chance(7) {
            let label = self.footnotes.len() + 1;
            self.footnotes.push(label);
            let _ = write!(fr, "[^{label}]");
            let _ = write!(en, "[^{label}]");
        }
        fr.push('.');
        en.push('.');
        (fr, en)
    }

    fn paragraph(&mut self, number: usize) -> (String, String) {
        let (vf, ve) = *self.shape.pick(VERBS);
        let mut fr = format!("{number}. {vf} ");
        let mut en = format!("{number}. {ve} ");
        let n = self.shape.range(2, 5);
        for i in 0..n {
            let (f, e) = self.sentence(i > 0);
            if i > 0 {
                fr.push(' ');
                en.push(' ');
            }
            fr.push_str(&f);
            en.push_str(&e);
        }
        (fr, en)
    }
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Builds document `n` (1-based).
fn document(n: usize) -> (Doc, String, String, String) {
    let base = SEED ^ (n as u64).wrapping_mul(0x2545_F491_4F6C_DD1D);
    let mut w = Writer {
        shape: Rng::new(base),
        fr: Rng::new(base ^ 0xF4),
        en: Rng::new(base ^ 0xE2),
        footnotes: Vec::new(),
    };
    let target = w.shape.range(10_400, 17_000);
    let (year, month, day) = (
        w.shape.range(2015, 2024),
        w.shape.range(1, 12),
        w.shape.range(1, 28),
    );
    let date = format!("{year}-{month:02}-{day:02}");
    let title_words = w.shape.range(6, 12);
    let (tf, te) = w.words(title_words, true);
    let mut d = Doc::default();

    for (i, (f, e)) in MASTHEAD.iter().enumerate() {
        d.masthead(f, e);
        if i == 1 {
            d.masthead(
                &format!("{day} {} {year}", MONTHS_FR[month - 1]),
                &format!("{day} {} {year}", MONTHS_EN[month - 1]),
            );
        }
    }

    let mut para = 0;
    let mut section = 0;
    let mut until_heading = 0;
    let mut table_done = false;
    while d.min_len() < target {
        if until_heading == 0 {
            section += 1;
            let heading_words = w.shape.range(3, 7);
            let (f, e) = w.words(heading_words, true);
            d.heading(
                2,
                &format!("s{section}"),
                &format!("{}. {f}", roman(section)),
                &format!("{}. {e}", roman(section)),
            );
            until_heading = w.shape.range(3, 7);
            if section == 2 && !table_done {
                table_done = true;
                let (f, e) = w.sentence(true);
                para += 1;
                d.para(
                    &format!("p{para}"),
                    &format!("{para}. {f}"),
                    &format!("{para}. {e}"),
                );
                d.sg_fr
                    .push_str("| Session | Résolution | Voix pour | Voix contre | Abstentions |\n");
                d.hu_fr
                    .push_str("| Session | Résolution | Voix pour | Voix contre | Abstentions |\n");
                d.sg_en
                    .push_str("| Session | Resolution | In favour | Against | Abstentions |\n");
                d.hu_en
                    .push_str("| Session | Resolution | In favour | Against | Abstentions |\n");
                d.both("|---|---|---:|---:|---:|\n");
                for _ in 0..w.shape.range(3, 6) {
                    let s = w.shape.range(70, 78);
                    let row = format!(
                        "| {s} | {s}/{} | {} | {} | {} |\n",
                        w.shape.range(10, 250),
                        w.shape.range(120, 180),
                        w.shape.range(0, 12),
                        w.shape.range(0, 20)
                    );
                    d.both(&row);
                }
                d.both("\n");
            }
        }
        para += 1;
        let (f, e) = w.paragraph(para);
        d.para(&format!("p{para}"), &f, &e);
        if w.shape.chance(12) {
            let items = w.shape.range(2, 4);
            for letter in ["a", "b", "c", "d"].iter().take(items) {
                let (f, e) = w.sentence(false);
                d.item(
                    &format!("p{para}-{letter}"),
                    &format!("{letter}) {f}"),
                    &format!("{letter}) {e}"),
                );
            }
            d.both("\n");
        }
        until_heading -= 1;
    }
    let notes = std::mem::take(&mut w.footnotes);
    for label in notes {
        let (f, e) = *w.shape.pick(MENTIONS);
        for (sg, hu, text) in [
            (&mut d.sg_fr, &mut d.hu_fr, f),
            (&mut d.sg_en, &mut d.hu_en, e),
        ] {
            let line = format!("[^{label}]: {}.\n\n", capitalise(text));
            sg.push_str(&line);
            hu.push_str(&line);
        }
    }
    (d, tf, te, date)
}

fn states_toml() -> String {
    let mut s = String::from(
        "# Synthetic benchmark data (xtask/src/bench.rs), in the format of content/data/states.toml.\n\n",
    );
    for (id, with_article, en, fr, group) in STATES {
        // Elided forms are aliases, as in the real registry ("L'Allemagne").
        let aliases = if with_article.starts_with("l’") {
            format!("[\"{with_article}\", \"L’{fr}\", \"l'{fr}\", \"L'{fr}\"]")
        } else {
            "[]".to_string()
        };
        let _ = write!(
            s,
            "[[state]]\nid = \"{id}\"\nname_fr = \"{fr}\"\nname_en = \"{en}\"\naliases = {aliases}\ngroup = \"{group}\"\n\n"
        );
    }
    s
}

fn topics_toml() -> String {
    let mut s = String::from(
        "# Synthetic benchmark data (xtask/src/bench.rs), in the format of content/data/topics.toml: one topic.\n\n",
    );
    for (id, fr, en) in [
        ("supports", "Soutient", "Supports"),
        ("nuanced", "Nuancé", "Nuanced"),
        ("opposes", "S'y oppose", "Opposes"),
        ("not-addressed", "Non abordé", "Not addressed"),
    ] {
        let _ = write!(
            s,
            "[[stance]]\nid = \"{id}\"\nlabel_fr = \"{fr}\"\nlabel_en = \"{en}\"\n\n"
        );
    }
    s.push_str(
        "[[topic]]\nid = \"establishment\"\nlabel_fr = \"Création du programme d'action\"\n\
         label_en = \"Establishment of the Programme of Action\"\n\
         definition_fr = \"Position de l'État sur la création d'un programme d'action, qu'il l'appuie, y mette des conditions ou s'y oppose.\"\n\
         definition_en = \"The State's position on establishing a Programme of Action, whether it supports it, attaches conditions or opposes it.\"\n\
         stances = [\"supports\", \"nuanced\", \"opposes\", \"not-addressed\"]\n",
    );
    s
}

/// Writes the site-gen project at `sg` and, if asked, the Hugo project at `hugo`; returns a
/// one-line description of the corpus.
pub fn write_corpora(
    workspace: &Path,
    sg: &Path,
    hugo: Option<&Path>,
    docs: usize,
) -> Result<String> {
    for lang in ["fr", "en"] {
        fs::create_dir_all(sg.join("content").join(lang).join("documents"))?;
        fs::create_dir_all(sg.join("content").join(lang).join("pages"))?;
    }
    fs::create_dir_all(sg.join("content/data/positions"))?;
    fs::write(
        sg.join("site.toml"),
        "base_url = \"https://example.org/\"\n",
    )?;
    fs::write(sg.join("content/data/states.toml"), states_toml())?;
    fs::write(sg.join("content/data/topics.toml"), topics_toml())?;
    let theme = workspace.join("themes").join("default");
    copy_dir(&theme, &sg.join("themes").join("default"))?;
    // The site's own pages (about, methodology…, the corrections log content/<lang>/CORRECTIONS.md),
    // which the theme's navigation links to.
    let mut site_pages = 0;
    for lang in ["fr", "en"] {
        let real = workspace.join("content").join(lang);
        if real.join("pages").is_dir() {
            copy_dir(
                &real.join("pages"),
                &sg.join("content").join(lang).join("pages"),
            )?;
            site_pages += super::count_md(&real.join("pages"))?;
        }
        for e in fs::read_dir(&real).with_context(|| format!("reading {}", real.display()))? {
            let e = e?;
            if e.file_type()?.is_file() && e.path().extension().is_some_and(|x| x == "md") {
                fs::copy(e.path(), sg.join("content").join(lang).join(e.file_name()))?;
                site_pages += 1;
            }
        }
    }
    if let Some(h) = hugo {
        hugo::write_project(h)?;
    }

    let (mut total, mut min, mut max) = (0usize, usize::MAX, 0usize);
    for n in 1..=docs {
        let (d, tf, te, date) = document(n);
        let slug = format!("syn-{n:05}");
        let file = format!("{slug}.md");
        let fr = format!(
            "+++\nkind = \"report\"\nsymbol = \"A/SYN/{n}\"\ntitle = \"{tf}\"\ndate = \"{date}\"\n+++\n\n{}",
            d.sg_fr
        );
        let en = format!(
            "+++\ntitle = \"{te}\"\ntranslation = \"unofficial\"\n+++\n\n{}",
            d.sg_en
        );
        for len in [fr.len(), en.len()] {
            total += len;
            min = min.min(len);
            max = max.max(len);
        }
        fs::write(sg.join("content/fr/documents").join(&file), fr)?;
        fs::write(sg.join("content/en/documents").join(&file), en)?;
        if let Some(h) = hugo {
            hugo::write_document(h, &file, [(&tf, &d.hu_fr), (&te, &d.hu_en)], &date)?;
        }
    }
    Ok(format!(
        "{} Markdown pages ({docs} documents × fr/en), {:.1} MB, {:.1}–{:.1} KB a page (mean {:.1} KB); \
         site-gen also gets the site's own {site_pages} page files (content/{{fr,en}}/pages/, CORRECTIONS.md) that its theme links to",
        docs * 2,
        total as f64 / 1e6,
        min as f64 / 1e3,
        max as f64 / 1e3,
        total as f64 / (docs * 2).max(1) as f64 / 1e3
    ))
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for e in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            fs::copy(e.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_deterministic_and_sized() {
        let (a, ..) = document(7);
        let (b, ..) = document(7);
        assert_eq!(a.sg_fr, b.sg_fr);
        for n in 1..40 {
            let (d, ..) = document(n);
            for s in [&d.sg_fr, &d.sg_en] {
                assert!(
                    (10_000..20_000).contains(&s.len()),
                    "doc {n}: {} bytes",
                    s.len()
                );
            }
            let ids = |s: &str| {
                s.match_indices("{#")
                    .map(|(i, _)| s[i..].split('}').next().unwrap().to_string())
                    .collect::<Vec<_>>()
            };
            assert_eq!(ids(&d.sg_fr), ids(&d.sg_en));
        }
    }
}
