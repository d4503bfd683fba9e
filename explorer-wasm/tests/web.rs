//! Browser tests of the web layer: each test builds the page contract around the shared
//! fixture, starts the explorer on its encoded index and drives it like a user would.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=60 \
//!  cargo test -p explorer-wasm --target wasm32-unknown-unknown`

#![cfg(target_arch = "wasm32")]

mod common;
#[path = "common/page.rs"]
mod page;

use common::{fixture, XSS};
use explorer_wasm::model::{Index, Row, Rows};
use explorer_wasm::{start_explorer, start_with_bytes};
use page::{document, page, ui_string, window};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlAnchorElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn now() -> f64 {
    window().performance().expect("performance").now()
}

/// Starts the explorer as `init.js` does, with the bytes and the time their fetch began.
fn start(index: &Index, search: &str) -> Element {
    let root = page(index, search);
    start_explorer(&root, index.to_bytes(), now(), None).expect("explorer starts");
    root
}

/// Whether a User Timing mark of this name was set.
fn marked(name: &str) -> bool {
    window()
        .performance()
        .is_some_and(|p| p.get_entries_by_name(name).length() > 0)
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
    assert!(q(&root, "#static-table").has_attribute("hidden"));
    assert_eq!(
        count_of(&root, "#explorer-results .explorer-live .explorer-count"),
        1
    );
    assert!(q(&root, "#explorer-submit").has_attribute("hidden"));
    assert_eq!(count_of(&root, "li.card"), 12);
    assert_eq!(text(&root, "input[value=deu] + .count"), "(3)");
    assert_eq!(text(&root, "input[value=submitted] + .count"), "(10)");
    assert!(root.get_attribute("data-filter-ms").is_some());
    let load_ms: f64 = root
        .get_attribute("data-load-ms")
        .and_then(|v| v.parse().ok())
        .expect("data-load-ms is a number");
    assert!(load_ms >= 0.0);
    assert!(marked("explorer-rendered"));
}

#[wasm_bindgen_test]
async fn the_word_index_is_built_after_the_first_view() {
    // Earlier tests' explorers finish their own (one-slice) word indexes first.
    sleep(50).await;
    let performance = window().performance().expect("performance");
    performance.clear_marks_with_mark_name("explorer-words");
    let root = start(&fixture(), "");
    assert!(!marked("explorer-words"), "not before the first view");
    sleep(100).await;
    assert!(
        marked("explorer-words"),
        "built in the background once the view is up"
    );
    let input: HtmlInputElement = q(&root, "#explorer-q").dyn_into().unwrap();
    input.set_value("cuba");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
    assert_eq!(count_of(&root, "li.card"), 1);
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
    assert_eq!(text(&root, ".explorer-count"), "1 position");
    assert_eq!(count_of(&root, "#explorer-active .chip"), 2);

    sleep(500).await;
    assert_eq!(
        text(&root, "#explorer-status"),
        "1 position — État\u{a0}: France ; Sujet\u{a0}: Consensus"
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
    assert_eq!(count_of(&root, ".explorer-live thead th[scope=col]"), 3);
    assert_eq!(count_of(&root, ".explorer-live tbody th[scope=row]"), 2);
    assert_eq!(
        count_of(&root, "td.stance-supports a[href='/fr/docs/a-78-76/#p12']"),
        1
    );

    click(&root, "button[data-act='view:matrix']");
    assert_eq!(search(), "?state=deu&state=bra&view=matrix");
    assert!(q(&root, ".explorer-live table")
        .class_list()
        .contains("sticky-header"));
    assert_eq!(count_of(&root, ".explorer-live tbody tr"), 2);
    assert_eq!(text(&root, "td.stance-opposes a"), "S’oppose");

    // A single State cannot be compared: the hint replaces the table.
    click(&root, "input[name=state][value=bra]");
    click(&root, "button[data-act='view:compare']");
    assert_eq!(text(&root, ".explorer-hint"), "Choisissez de 2 à 4 États");
}

#[wasm_bindgen_test]
fn show_more_adds_fifty_cards_and_focuses_the_first_new_one() {
    let mut index = fixture();
    let fixture_rows = fixture().rows;
    let copies = std::iter::repeat_n(fixture_rows.get(3), 108).flatten();
    index.rows = fixture_rows.iter().chain(copies).collect::<Rows>();
    let root = start(&index, "");
    assert_eq!(count_of(&root, "li.card"), 50);
    click(&root, "button[data-act=more]");
    assert_eq!(count_of(&root, "li.card"), 100);
    let cards = root.query_selector_all("li.card").unwrap();
    let focused = document().active_element();
    assert_eq!(
        focused.as_ref(),
        cards.get(50).and_then(|n| n.dyn_into().ok()).as_ref()
    );
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
    let good = fixture().to_bytes();
    let mut old = fixture();
    old.version = 1;
    let mut dangling = fixture();
    dangling.rows = fixture()
        .rows
        .iter()
        .map(|r| Row { state: 9, ..r })
        .collect();
    let cases: [(&str, Vec<u8>); 4] = [
        ("garbage", b"not an index".to_vec()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("another version", old.to_bytes()),
        ("a row pointing to a missing State", dangling.to_bytes()),
    ];
    for (what, bytes) in cases {
        let root = page(&fixture(), "");
        assert!(
            start_explorer(&root, bytes.clone(), now(), None).is_err(),
            "{what}"
        );
        assert!(start_with_bytes(&root, bytes).is_err(), "{what}");
        assert!(!q(&root, "#static-table").has_attribute("hidden"), "{what}");
        assert!(
            text(&root, "#explorer-status").starts_with("Le module n'a pas pu"),
            "{what}"
        );
        let status = q(&root, "#explorer-status");
        assert!(
            !status.class_list().contains("visually-hidden"),
            "{what}: shown"
        );
        assert!(!root.has_attribute("data-load-ms"), "{what}");
    }
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

/// The files the export buttons hand to the browser: each one's name and bytes. A capturing
/// listener catches the module's temporary `<a download>`, cancels the download and fetches its
/// Blob URL (the fetch is started before the module revokes the URL).
async fn downloads(root: &Element, buttons: &[&str]) -> Vec<(String, String)> {
    let caught = Rc::new(RefCell::new(Vec::new()));
    let sink = caught.clone();
    let listener = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        let a = e
            .target()
            .and_then(|t| t.dyn_into::<HtmlAnchorElement>().ok());
        if let Some(a) = a.filter(|a| a.has_attribute("download")) {
            e.prevent_default();
            let fetched = window().fetch_with_str(&a.href());
            sink.borrow_mut().push((a.download(), fetched));
        }
    });
    let doc = document();
    doc.add_event_listener_with_callback_and_bool("click", listener.as_ref().unchecked_ref(), true)
        .unwrap();
    for b in buttons {
        click(root, b);
    }
    doc.remove_event_listener_with_callback_and_bool(
        "click",
        listener.as_ref().unchecked_ref(),
        true,
    )
    .unwrap();
    assert!(
        doc.query_selector("a[download]").unwrap().is_none(),
        "the temporary link is removed"
    );
    let caught = caught.take();
    let mut files = Vec::new();
    for (name, fetched) in caught {
        let response: web_sys::Response =
            JsFuture::from(fetched).await.unwrap().dyn_into().unwrap();
        let bytes = JsFuture::from(response.array_buffer().unwrap())
            .await
            .unwrap();
        let bytes = js_sys::Uint8Array::new(&bytes).to_vec();
        files.push((name, String::from_utf8(bytes).expect("UTF-8")));
    }
    files
}

#[wasm_bindgen_test]
async fn exports_hold_the_rows_shown_as_csv_and_json() {
    // Rows 5 (France) and 7 (Brazil) of the fixture: their quotes need CSV quoting (a comma;
    // double quotes) and the JSON has two objects.
    let root = start(&fixture(), "?state=fra&state=bra&topic=consensus");
    let files = downloads(&root, &["button[data-act=csv]", "button[data-act=json]"]).await;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["explorer-fr.csv", "explorer-fr.json"]);
    // URLs are absolute, on the page's own origin, as in the site's downloads.
    let o = web_sys::window().unwrap().location().origin().unwrap();
    assert_eq!(
        files[0].1,
        format!(
            "\u{feff}state_id,state,state_url,group,relation,document,topic_id,topic,stance_id,stance,\
             quote,note,url\r\n\
             fra,France,{o}/fr/etats/fra/,Europe occidentale et autres,,A/78/76,\
             consensus,Consensus,supports,Soutient,\
             \"La France est attachée au consensus, « pierre angulaire » du programme.\",,\
             {o}/fr/docs/a-78-76/#p20\r\n\
             bra,Brésil,{o}/fr/etats/bra/,Amérique latine et Caraïbes,,A/78/76,\
             consensus,Consensus,opposes,S’oppose,\
             \"Le Brésil préfère un \"\"vote\"\" à la majorité qualifiée.\",,\
             {o}/fr/docs/a-78-76/#p31\r\n"
        )
    );
    assert_eq!(
        files[1].1,
        format!(
            "[\n{{\"state_id\":\"fra\",\"state\":\"France\",\"state_url\":\"{o}/fr/etats/fra/\",\
             \"group\":\"Europe occidentale et autres\",\"relation\":\"\",\"document\":\"A/78/76\",\
             \"topic_id\":\"consensus\",\"topic\":\"Consensus\",\"stance_id\":\"supports\",\
             \"stance\":\"Soutient\",\
             \"quote\":\"La France est attachée au consensus, « pierre angulaire » du programme.\",\
             \"note\":\"\",\"url\":\"{o}/fr/docs/a-78-76/#p20\"}},\n\
             {{\"state_id\":\"bra\",\"state\":\"Brésil\",\"state_url\":\"{o}/fr/etats/bra/\",\
             \"group\":\"Amérique latine et Caraïbes\",\"relation\":\"\",\"document\":\"A/78/76\",\
             \"topic_id\":\"consensus\",\"topic\":\"Consensus\",\"stance_id\":\"opposes\",\
             \"stance\":\"S’oppose\",\
             \"quote\":\"Le Brésil préfère un \\\"vote\\\" à la majorité qualifiée.\",\"note\":\"\",\
             \"url\":\"{o}/fr/docs/a-78-76/#p31\"}}\n]\n"
        )
    );
}

/// Whether the count in the results area and the one the live region announces read `expected`
/// for the query `search`, on the page in `lang` (with that language's own results string).
async fn counts_read(lang: &str, search: &str, expected: &str) {
    let index = fixture();
    let root = page(&index, search);
    root.set_attribute("data-lang", lang).unwrap();
    let results = ui_string(lang, "ex_results");
    root.set_attribute("data-t-results", &results).unwrap();
    start_explorer(&root, index.to_bytes(), now(), None).expect("explorer starts");
    assert_eq!(text(&root, ".explorer-count"), expected, "{lang} {search}");
    sleep(500).await;
    let status = text(&root, "#explorer-status");
    assert!(
        status.starts_with(&format!("{expected} — ")),
        "{lang} {search}: {status}"
    );
}

#[wasm_bindgen_test]
async fn counts_agree_in_number_in_french() {
    counts_read("fr", "?state=cub&topic=treaty", "1 position").await;
    counts_read("fr", "?state=jpn&topic=consensus", "0 position").await;
    counts_read("fr", "?state=deu", "3 positions").await;
}

#[wasm_bindgen_test]
async fn counts_agree_in_number_in_english() {
    counts_read("en", "?state=cub&topic=treaty", "1 position").await;
    counts_read("en", "?state=jpn&topic=consensus", "0 positions").await;
    counts_read("en", "?state=deu", "3 positions").await;
}

/// A stand-in for `init.js`'s loader of the Map view's geometry: counts its calls in
/// `window.__mapLoads` and resolves to an SVG with one link per State of the fixture.
fn map_loader() -> js_sys::Function {
    js_sys::Function::new_no_args(
        "window.__mapLoads = (window.__mapLoads || 0) + 1;
         const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
         for (const id of ['deu', 'fra', 'bra', 'jpn', 'cub']) {
           const a = document.createElementNS('http://www.w3.org/2000/svg', 'a');
           a.setAttribute('data-state', id);
           a.appendChild(document.createElementNS('http://www.w3.org/2000/svg', 'title'));
           svg.appendChild(a);
         }
         return Promise.resolve(svg);",
    )
}

fn map_loads() -> f64 {
    js_sys::Reflect::get(&window(), &"__mapLoads".into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

fn classes(root: &Element) -> Vec<String> {
    ["deu", "fra", "bra", "jpn", "cub"]
        .iter()
        .map(|id| q(root, &format!(".explorer-map [data-state='{id}']")))
        .map(|e| e.get_attribute("class").unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
async fn the_map_view_loads_its_geometry_when_opened_and_colours_it_by_the_selection() {
    let index = fixture();
    let root = page(&index, "");
    start_explorer(&root, index.to_bytes(), now(), Some(map_loader())).expect("explorer starts");
    let before = map_loads();
    sleep(20).await;
    assert_eq!(
        map_loads(),
        before,
        "no geometry before the Map view is opened"
    );
    click(&root, "button[data-act='view:map']");
    sleep(20).await;
    assert_eq!(map_loads(), before + 1.0, "loaded once the view is opened");
    // Rows per State in the fixture: deu 3, fra 4, bra 2, jpn 1, cub 2; the largest is 4, so
    // class k of n rows is ceil(4n / 4) = n.
    assert_eq!(
        classes(&root),
        ["roles-3", "roles-4", "roles-2", "roles-1", "roles-2"]
    );
    let deu = q(&root, ".explorer-map [data-state='deu']");
    assert_eq!(
        deu.get_attribute("aria-label").as_deref(),
        Some("Allemagne\u{a0}: 3 positions")
    );
    // One topic: consensus is coded for deu (supports), fra (supports), bra (opposes).
    let topic = q(&root, "input[name='topic'][value='consensus']");
    topic.dyn_ref::<HtmlElement>().unwrap().click();
    assert_eq!(
        classes(&root),
        [
            "stance-supports",
            "stance-supports",
            "stance-opposes",
            "uncoded",
            "uncoded"
        ]
    );
    let legend: Vec<String> = {
        let items = root.query_selector_all(".explorer-map .legend li").unwrap();
        (0..items.length())
            .map(|i| items.get(i).unwrap().text_content().unwrap_or_default())
            .collect()
    };
    assert_eq!(
        legend[..2],
        ["Soutient (2)".to_string(), "S’oppose (1)".to_string()]
    );
    // A click on a State adds it to the State filter; the geometry is not loaded again.
    // An SVG link is no HtmlElement: a bubbling click event, as a pointer would send.
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("click", &init).unwrap();
    q(&root, ".explorer-map [data-state='bra']")
        .dispatch_event(&event)
        .unwrap();
    assert!(search().contains("state=bra"), "{}", search());
    assert_eq!(
        classes(&root)[..3],
        ["uncoded", "uncoded", "stance-opposes"]
    );
    assert_eq!(map_loads(), before + 1.0);
}
