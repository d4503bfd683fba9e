//! Serve mode: a broken edit shows the error in the page, the next good edit recovers, without
//! restarting the server; a client that reads slowly holds up neither the other requests nor the
//! rebuilds.

#[path = "common/mod.rs"]
mod common;

use common::copy_dir;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, buf))
}

fn wait_for(port: u16, path: &str, status: u16, needle: &str) -> String {
    let start = Instant::now();
    loop {
        if let Some((s, body)) = get(port, path) {
            if s == status && body.contains(needle) {
                return body;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no {status} with {needle:?} on {path} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_survives_a_broken_edit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = start(dir.path(), None);
    let doc = dir.path().join("content/fr/documents/rapport.md");
    let good = std::fs::read_to_string(&doc).expect("read");
    std::fs::write(&doc, good.replace("symbol = ", "symbl = ")).expect("break");
    let page = wait_for(port, "/fr/", 500, "Build error");
    assert!(
        page.contains("unknown field `symbl`"),
        "the error is not shown in the page"
    );
    std::fs::write(&doc, &good).expect("fix");
    wait_for(port, "/fr/", 200, "<html lang=\"fr\">");
    // Pages carry the reload script while serving.
    let (_, js) = get(port, "/__livereload.js").expect("reload script");
    assert!(js.contains("location.reload"));
}

/// The number of the current build, as the page's reload script reads it.
fn build_number(port: u16) -> Option<u64> {
    let (status, response) = get(port, "/__build")?;
    assert_eq!(status, 200);
    response.split("\r\n\r\n").nth(1)?.trim().parse().ok()
}

/// Starts `serve` on a copy of the mini fixture, on a free port.
fn start(dir: &Path, explorer_pkg: Option<std::path::PathBuf>) -> u16 {
    let ws = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    copy_dir(&ws.join("tests/fixtures/mini"), dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let root = dir.to_path_buf();
    std::thread::spawn(move || site_gen::serve::serve(&root, port, explorer_pkg.as_deref()));
    wait_for(port, "/fr/", 200, "<html lang=\"fr\">");
    port
}

#[test]
fn a_slow_client_holds_up_neither_requests_nor_rebuilds() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A response larger than the loopback socket buffers (here up to 32 MiB received and 4 MiB
    // sent): the server's write blocks until the client reads.
    const BIG: usize = 80 << 20;
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    std::fs::write(pkg.join("explorer.js"), "export default function(){}\n").expect("js");
    std::fs::write(pkg.join("explorer_bg.wasm"), vec![7u8; BIG]).expect("wasm");
    let site = dir.path().join("site");
    let port = start(&site, Some(pkg));

    let mut slow = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(
        slow,
        "GET /static/explorer/explorer_bg.wasm HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    // Time for the server to fill the buffers and block in its write.
    std::thread::sleep(Duration::from_millis(1500));

    let asked = Instant::now();
    let build = build_number(port).expect("another request is answered");
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "another request waited {:?}",
        asked.elapsed()
    );

    // An edit is rebuilt while the slow client still holds its response.
    let doc = site.join("content/fr/documents/rapport.md");
    let text = std::fs::read_to_string(&doc).expect("read");
    std::fs::write(&doc, text.replace("+++\n\n", "+++\n\n\n")).expect("edit");
    let edited = Instant::now();
    while build_number(port) == Some(build) {
        assert!(
            edited.elapsed() < Duration::from_secs(30),
            "no rebuild within 30 s of an edit"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // The slow client then gets its whole response.
    let mut response = Vec::new();
    slow.read_to_end(&mut response).expect("read");
    let head_len = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers")
        + 4;
    assert_eq!(response.len() - head_len, BIG);
    assert!(response[head_len..].iter().all(|&b| b == 7));
}

#[test]
fn a_taken_port_is_reported_with_a_free_one_to_use() {
    let dir = tempfile::tempdir().expect("tempdir");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
    let port = taken.local_addr().expect("addr").port();
    let err = site_gen::serve::serve(dir.path(), port, None).expect_err("the port is taken");
    assert!(
        err.starts_with(&format!("port {port} is already in use")),
        "{err}"
    );
    // The port offered is free: the message's own advice works.
    let offered: u16 = err
        .split("add `--port ")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no port offered: {err}"));
    assert_ne!(offered, port);
    std::net::TcpListener::bind(("127.0.0.1", offered)).expect("the offered port is free");
}
