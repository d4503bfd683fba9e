//! The examples of the "Open data and API" page run against the local server (`site-gen
//! serve` on the real content): each `sh` block is run with the site's address replaced by the
//! server's, and must print exactly the `text` block that follows it on the page. Needs `curl`
//! and `jq` (`cargo xtask test` installs them).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The (command, expected output) pairs of a page: each `sh` block and the `text` block after it.
fn examples(page: &str) -> Vec<(String, String)> {
    let blocks: Vec<(&str, &str)> = page
        .split("```")
        .skip(1)
        .step_by(2)
        .filter_map(|b| b.split_once('\n'))
        .collect();
    blocks
        .windows(2)
        .filter(|w| w[0].0 == "sh" && w[1].0 == "text")
        .map(|w| (w[0].1.trim().to_string(), w[1].1.to_string()))
        .collect()
}

fn get(port: u16, path: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.starts_with("HTTP/1.1 200") || out.starts_with("HTTP/1.0 200")
}

#[test]
fn the_curl_and_jq_examples_print_what_the_page_says() {
    for tool in ["curl", "jq"] {
        assert!(
            Command::new(tool).arg("--version").output().is_ok(),
            "{tool} is not installed (cargo xtask test installs it)"
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let site = root();
    std::thread::spawn(move || site_gen::serve::serve(&site, port, None));
    let start = std::time::Instant::now();
    while !get(port, "/api/v1/index.json") {
        assert!(
            start.elapsed().as_secs() < 120,
            "the local server did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let local = format!("http://127.0.0.1:{port}/");
    let mut commands = Vec::new();
    for lang in ["fr", "en"] {
        let file = root().join(format!("content/{lang}/pages/open-data.md"));
        let page = std::fs::read_to_string(&file).expect("the open data page");
        let found = examples(&page);
        assert!(found.len() >= 3, "{lang}: {} examples", found.len());
        for (cmd, expected) in &found {
            assert!(cmd.starts_with("curl "), "{cmd}");
            let run = cmd.replace("https://un-ict-security.example.org/", &local);
            let out = Command::new("bash")
                .args(["-o", "pipefail", "-c", &run])
                .output()
                .expect("bash");
            assert!(
                out.status.success(),
                "{lang}: {run} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                expected.as_str(),
                "{lang}: {cmd}"
            );
        }
        commands.push(found.into_iter().map(|(c, _)| c).collect::<Vec<_>>());
    }
    assert_eq!(
        commands[0], commands[1],
        "both languages show the same examples"
    );
}
