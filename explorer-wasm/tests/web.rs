//! Browser tests of the web layer: each test builds the page contract around the shared
//! fixture, starts the explorer on its encoded index and drives it like a user would.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=60 \
//!  cargo test -p explorer-wasm --target wasm32-unknown-unknown`

#![cfg(target_arch = "wasm32")]

mod common;

use common::{fixture, XSS};
use explorer_wasm::model::Index;
use explorer_wasm::start_with_bytes;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Document, Element, HtmlElement, HtmlInputElement, Window};

wasm_bindgen_test_configure!(run_in_browser);

fn window() -> Window {
    web_sys::window().expect("window")
}

fn document() -> Document {
    window().document().expect("document")
}

/// The markup `site-gen` renders for the explorer page, for `index`.
fn contract(index: &Index) -> String {
    let mut html = String::from(
        r#"<div id="explorer" data-index="/none.bin" data-lang="fr"
  data-t-results="{n} positions" data-t-clear="Tout effacer" data-t-remove="Retirer le filtre : {label}"
  data-t-cards="Citations" data-t-matrix="Matrice" data-t-compare="Comparer" data-t-export-csv="Exporter CSV"
  data-t-export-json="Exporter JSON" data-t-more="Afficher plus" data-t-no-results="Aucun résultat"
  data-t-topic="Sujet" data-t-stance="Position" data-t-state="État" data-t-group="Groupe"
  data-t-relation="Relation" data-t-document="Document" data-t-quote="Citation" data-t-evidence="Voir le paragraphe"
  data-t-compare-hint="Choisissez de 2 à 4 États" data-t-loading="Chargement…"
  data-t-error="Le module n'a pas pu être chargé ; le tableau statique reste disponible.">
<form id="explorer-form" method="get">"#,
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
fn page(index: &Index, search: &str) -> Element {
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

fn start(index: &Index, search: &str) -> Element {
    let root = page(index, search);
    start_with_bytes(&root, &index.to_bytes()).expect("explorer starts");
    root
}

fn q(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
}

fn count_of(root: &Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
}

fn click(root: &Element, selector: &str) {
    q(root, selector).dyn_into::<HtmlElement>().unwrap().click();
}

fn text(root: &Element, selector: &str) -> String {
    q(root, selector).text_content().unwrap_or_default()
}

fn search() -> String {
    window().location().search().unwrap()
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        window()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
fn takes_over_the_static_table_and_shows_counts() {
    let root = start(&fixture(), "");
    assert!(root.query_selector("#static-table").unwrap().is_none());
    assert!(q(&root, "#explorer-submit").has_attribute("hidden"));
    assert_eq!(count_of(&root, "li.card"), 12);
    assert_eq!(text(&root, "input[value=deu] + .count"), "(3)");
    assert_eq!(text(&root, "input[value=submitted] + .count"), "(10)");
    assert!(root.get_attribute("data-filter-ms").is_some());
}

#[wasm_bindgen_test]
async fn a_checkbox_filters_counts_url_and_status() {
    let root = start(&fixture(), "");
    click(&root, "input[name=topic][value=consensus]");
    assert_eq!(count_of(&root, "li.card"), 3);
    assert_eq!(text(&root, ".explorer-count"), "3 positions");
    assert_eq!(text(&root, "input[value=deu] + .count"), "(1)");
    let jpn = q(&root, "input[value=jpn] + .count");
    assert_eq!(jpn.text_content().unwrap(), "(0)");
    assert!(jpn.class_list().contains("zero"));
    // Other topics keep their counts ("what would I get if I picked this instead").
    assert_eq!(text(&root, "input[value=treaty] + .count"), "(3)");
    assert_eq!(search(), "?topic=consensus");

    click(&root, "input[name=state][value=fra]");
    assert_eq!(search(), "?state=fra&topic=consensus");
    assert_eq!(count_of(&root, "li.card"), 1);
    assert_eq!(count_of(&root, "#explorer-active .chip"), 2);

    sleep(500).await;
    assert_eq!(
        text(&root, "#explorer-status"),
        "1 positions — État\u{a0}: France ; Sujet\u{a0}: Consensus"
    );

    // Removing a chip unchecks its box and updates the URL.
    click(&root, "#explorer-active button[data-act='rm:0-1']");
    assert_eq!(search(), "?topic=consensus");
    let fra: HtmlInputElement = q(&root, "input[value=fra]").dyn_into().unwrap();
    assert!(!fra.checked());
    click(&root, "#explorer-active .chip-clear");
    assert_eq!(search(), "");
    assert_eq!(count_of(&root, "li.card"), 12);
}

#[wasm_bindgen_test]
fn quotes_are_text_never_html() {
    let root = start(&fixture(), "");
    assert!(text(&root, "#explorer-results").contains(XSS));
    assert!(document().query_selector("img").unwrap().is_none());
    click(&root, "button[data-act='view:matrix']");
    assert!(document().query_selector("img").unwrap().is_none());
}

#[wasm_bindgen_test]
fn free_text_replaces_the_url_and_matches_without_accents() {
    let root = start(&fixture(), "");
    let input: HtmlInputElement = q(&root, "#explorer-q").dyn_into().unwrap();
    input.set_value("PREFER");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
    assert_eq!(count_of(&root, "li.card"), 2);
    assert_eq!(search(), "?q=PREFER");
}

#[wasm_bindgen_test]
fn url_state_is_applied_and_views_render_tables() {
    let root = start(&fixture(), "?state=deu&state=bra&view=compare");
    let deu: HtmlInputElement = q(&root, "input[value=deu]").dyn_into().unwrap();
    assert!(deu.checked());
    assert_eq!(
        q(&root, "button[data-act='view:compare']")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    // Comparison: one column per State (plus the row header), one row per topic.
    assert_eq!(count_of(&root, "table thead th[scope=col]"), 3);
    assert_eq!(count_of(&root, "table tbody th[scope=row]"), 2);
    assert_eq!(
        count_of(&root, "td.stance-supports a[href='/fr/docs/a-78-76/#p12']"),
        1
    );

    click(&root, "button[data-act='view:matrix']");
    assert_eq!(search(), "?state=deu&state=bra&view=matrix");
    assert!(q(&root, "table").class_list().contains("sticky-header"));
    assert_eq!(count_of(&root, "table tbody tr"), 2);
    assert_eq!(text(&root, "td.stance-opposes a"), "S’oppose");

    // A single State cannot be compared: the hint replaces the table.
    click(&root, "input[name=state][value=bra]");
    click(&root, "button[data-act='view:compare']");
    assert_eq!(text(&root, ".explorer-hint"), "Choisissez de 2 à 4 États");
}

#[wasm_bindgen_test]
fn show_more_adds_fifty_cards() {
    let mut index = fixture();
    let row = index.rows[3].clone();
    index.rows.extend(std::iter::repeat_n(row, 108));
    let root = start(&index, "");
    assert_eq!(count_of(&root, "li.card"), 50);
    click(&root, "button[data-act=more]");
    assert_eq!(count_of(&root, "li.card"), 100);
    click(&root, "button[data-act=more]");
    assert_eq!(count_of(&root, "li.card"), 120);
    assert_eq!(count_of(&root, "button[data-act=more]"), 0);
}

#[wasm_bindgen_test]
fn state_list_filter_matches_name_prefixes() {
    let root = start(&fixture(), "");
    let input: HtmlInputElement = q(&root, "#explorer-state-filter").dyn_into().unwrap();
    input.set_value("bré");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
    assert_eq!(
        count_of(&root, "fieldset[data-facet=state] label:not([hidden])"),
        1
    );
}

#[wasm_bindgen_test]
fn a_bad_index_leaves_the_static_table_and_says_so() {
    let root = page(&fixture(), "");
    assert!(start_with_bytes(&root, b"not an index").is_err());
    assert!(root.query_selector("#static-table").unwrap().is_some());
    assert!(text(&root, "#explorer-status").starts_with("Le module n'a pas pu"));
}

#[wasm_bindgen_test]
async fn back_button_restores_the_previous_filters() {
    let root = start(&fixture(), "");
    click(&root, "input[name=topic][value=consensus]");
    click(&root, "input[name=stance][value=supports]");
    assert_eq!(count_of(&root, "li.card"), 2);
    window().history().unwrap().back().unwrap();
    sleep(300).await;
    assert_eq!(search(), "?topic=consensus");
    let supports: HtmlInputElement = q(&root, "input[value=supports]").dyn_into().unwrap();
    assert!(!supports.checked());
    assert_eq!(count_of(&root, "li.card"), 3);
}

#[wasm_bindgen_test]
fn removing_the_last_chip_moves_focus_to_the_search_box() {
    let root = start(&fixture(), "?topic=funding");
    click(&root, "#explorer-active button[data-act^='rm:']");
    let focused = document().active_element().map(|e| e.id());
    assert_eq!(focused.as_deref(), Some("explorer-q"));
}

#[wasm_bindgen_test]
fn export_buttons_download_and_clean_up() {
    let root = start(&fixture(), "?topic=consensus");
    click(&root, "button[data-act=csv]");
    click(&root, "button[data-act=json]");
    assert!(document().query_selector("a[download]").unwrap().is_none());
}
