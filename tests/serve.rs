//! Serve mode: a broken edit shows the error in the page, the next good edit recovers, without
//! restarting the server.

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
    let ws = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&ws.join("tests/fixtures/mini"), dir.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let root = dir.path().to_path_buf();
    std::thread::spawn(move || site_gen::serve::serve(&root, port, None));

    wait_for(port, "/fr/", 200, "<html lang=\"fr\">");
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
