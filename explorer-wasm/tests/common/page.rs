//! The explorer page's contract, as `site-gen` renders it, built around any index: shared by the
//! browser tests (`web.rs`) and the browser benchmark (`web_bench.rs`).

#![allow(dead_code)]

use explorer_wasm::model::Index;
use web_sys::{Document, Element, Window};

pub fn window() -> Window {
    web_sys::window().expect("window")
}

pub fn document() -> Document {
    window().document().expect("document")
}

/// The site's UI string `key` in `lang` (`fr` or `en`), read from the theme's i18n file: a
/// one-line `key = "…"` without escapes.
pub fn ui_string(lang: &str, key: &str) -> String {
    let toml = match lang {
        "fr" => include_str!("../../../themes/default/i18n/fr.toml"),
        _ => include_str!("../../../themes/default/i18n/en.toml"),
    };
    let prefix = format!("{key} = \"");
    toml.lines()
        .find_map(|l| l.strip_prefix(prefix.as_str())?.strip_suffix('"'))
        .unwrap_or_else(|| panic!("no {key} in {lang}.toml"))
        .to_string()
}

/// The markup `site-gen` renders for the explorer page, for `index` (in French; the results
/// count is the site's own string).
pub fn contract(index: &Index) -> String {
    let mut html = String::from(
        r#"<div id="explorer" data-index="/none.bin" data-lang="fr"
  data-t-clear="Tout effacer" data-t-remove="Retirer le filtre : {label}"
  data-t-cards="Citations" data-t-matrix="Matrice" data-t-compare="Comparer" data-t-export-csv="Exporter CSV"
  data-t-export-json="Exporter JSON" data-t-more="Afficher plus" data-t-no-results="Aucun résultat"
  data-t-topic="Sujet" data-t-stance="Position" data-t-state="État" data-t-group="Groupe"
  data-t-relation="Relation" data-t-document="Document" data-t-quote="Citation" data-t-evidence="Voir le paragraphe"
  data-t-compare-hint="Choisissez de 2 à 4 États" data-t-loading="Chargement…"
  data-t-error="Le module n'a pas pu être chargé ; le tableau statique reste disponible.">
<form id="explorer-form" method="get">"#,
    );
    html = html.replacen(
        " data-t-clear",
        &format!(
            " data-t-results=\"{}\" data-t-clear",
            ui_string("fr", "ex_results")
        ),
        1,
    );
    let mut fieldset = |key: &str, values: Vec<(&str, &str)>| {
        html.push_str(&format!(
            r#"<fieldset data-facet="{key}"><legend>{key}</legend>"#
        ));
        if key == "state" {
            html.push_str(
                r#"<input type="search" id="explorer-state-filter" aria-label="Filtrer">"#,
            );
        }
        for (id, label) in values {
            html.push_str(&format!(
                r#"<label><input type="checkbox" name="{key}" value="{id}"> {label} <span class="count">(0)</span></label>"#
            ));
        }
        html.push_str("</fieldset>");
    };
    let labels = |ls: &[explorer_wasm::model::Label]| -> Vec<(String, String)> {
        ls.iter().map(|l| (l.id.clone(), l.label.clone())).collect()
    };
    let as_refs = |v: &[(String, String)]| -> Vec<(String, String)> { v.to_vec() };
    let states: Vec<(String, String)> = index
        .states
        .iter()
        .map(|s| (s.id.clone(), s.name.clone()))
        .collect();
    let docs: Vec<(String, String)> = index
        .documents
        .iter()
        .map(|d| (d.id.clone(), d.label.clone()))
        .collect();
    for (key, values) in [
        ("state", as_refs(&states)),
        ("group", labels(&index.groups)),
        ("relation", labels(&index.relations)),
        ("doc", as_refs(&docs)),
        ("topic", labels(&index.topics)),
        ("stance", labels(&index.stances)),
    ] {
        fieldset(
            key,
            values
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect(),
        );
    }
    html.push_str(
        r#"<label for="explorer-q">Rechercher dans les citations</label> <input id="explorer-q" name="q" type="search">
<button type="submit" id="explorer-submit">Filtrer</button></form>
<div id="explorer-status" role="status" aria-live="polite" class="visually-hidden"></div>
<div id="explorer-active"></div><div id="explorer-views"></div>
<div id="explorer-results"><table id="static-table"><tr><td>static</td></tr></table></div></div>"#,
    );
    html
}

/// Puts the contract in the test page (in place of the previous test's) and resets the URL.
/// The runner reports through elements of its own in the body, so the body itself stays.
pub fn page(index: &Index, search: &str) -> Element {
    if let Some(old) = document().get_element_by_id("fixture") {
        old.remove();
    }
    let holder = document().create_element("div").unwrap();
    holder.set_id("fixture");
    holder.set_inner_html(&contract(index));
    document()
        .body()
        .expect("body")
        .append_child(&holder)
        .unwrap();
    let url = if search.is_empty() { "?" } else { search };
    window()
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
        .unwrap();
    document().get_element_by_id("explorer").expect("#explorer")
}
