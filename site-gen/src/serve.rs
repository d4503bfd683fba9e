//! `site-gen serve`: a local preview. The site is built in memory and served from there; a
//! watcher rebuilds on any change under `content/`, `themes/` or `site.toml`. A failed build
//! keeps serving an error page (and printing the errors) until the next good edit.

use crate::output::Output;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

/// Polls the build number and reloads the page when it changes. Served as a file, so pages
/// keep their no-inline-script policy even in preview.
const RELOAD_JS: &str = "let b=null;setInterval(async()=>{try{const r=await fetch('/__build');const n=await r.text();if(b!==null&&n!==b)location.reload();b=n}catch(e){}},800);\n";

/// What the server shares between the rebuilding thread and the connections. A connection
/// takes a copy of it (an `Arc`, not the files) and lets the lock go before it writes anything:
/// a slow client then holds up neither the other requests nor the next rebuild.
#[derive(Clone)]
struct State {
    build: u64,
    site: Result<Arc<Output>, String>,
}

pub fn serve(root: &Path, port: u16, explorer_pkg: Option<&Path>) -> Result<(), String> {
    let base_url = format!("http://127.0.0.1:{port}/");
    // The port is taken before the first build, so a busy port is reported at once.
    let listener = listen(port)?;
    let state = Arc::new(Mutex::new(State {
        build: 0,
        site: Err("building…".into()),
    }));
    let rebuild = {
        let (root, pkg, state, base_url) = (
            root.to_path_buf(),
            explorer_pkg.map(Path::to_path_buf),
            state.clone(),
            base_url.clone(),
        );
        move || {
            let result = crate::generate(&root, Some(&base_url), pkg.as_deref());
            let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
            s.build += 1;
            match result {
                Ok((out, _)) => {
                    println!("rebuilt ({} files)", out.len());
                    s.site = Ok(Arc::new(out));
                }
                Err(d) => {
                    eprintln!("{d}");
                    s.site = Err(d.to_string());
                }
            }
        }
    };
    let watched: Vec<PathBuf> = vec![
        root.join("content"),
        root.join("themes"),
        root.join("site.toml"),
    ];
    // The files are stamped before the first build, so an edit made while it runs (or just
    // after it, before the watcher starts) still triggers a rebuild.
    let mut last = latest_mtime(&watched);
    rebuild();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(400));
        let now = latest_mtime(&watched);
        if now != last {
            last = now;
            rebuild();
        }
    });
    println!("Serving on {base_url} (Ctrl-C to stop)");
    for stream in listener.incoming().flatten() {
        let state = state.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &state);
        });
    }
    Ok(())
}

/// Listens on `port`; when another program holds it, says so and names a free port to use.
fn listen(port: u16) -> Result<TcpListener, String> {
    match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => Ok(l),
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
            let free = (port.saturating_add(1)..=port.saturating_add(100))
                .find(|&p| p != port && TcpListener::bind(("127.0.0.1", p)).is_ok());
            let offer = match free {
                Some(p) => format!("port {p} is free: add `--port {p}` to the command"),
                None => "choose a free one with `--port N`".to_string(),
            };
            Err(format!(
                "port {port} is already in use (by an earlier `serve` still running, or another program); {offer}"
            ))
        }
        Err(e) => Err(format!("cannot listen on port {port}: {e}")),
    }
}

fn latest_mtime(paths: &[PathBuf]) -> (SystemTime, usize) {
    let mut latest = SystemTime::UNIX_EPOCH;
    let mut count = 0;
    for p in paths {
        for e in walkdir::WalkDir::new(p).into_iter().flatten() {
            count += 1;
            if let Some(m) = e.metadata().ok().and_then(|m| m.modified().ok()) {
                latest = latest.max(m);
            }
        }
    }
    (latest, count)
}

fn handle(mut stream: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line)?;
    let path = line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .split('?')
        .next()
        .unwrap_or("/")
        .to_string();
    let path = percent_decode(&path);
    let s = state.lock().unwrap_or_else(PoisonError::into_inner).clone();
    if path == "/__build" {
        return respond(
            &mut stream,
            200,
            "text/plain",
            s.build.to_string().as_bytes(),
        );
    }
    if path == "/__livereload.js" {
        return respond(&mut stream, 200, "text/javascript", RELOAD_JS.as_bytes());
    }
    let site = match &s.site {
        Ok(site) => site.as_ref(),
        Err(msg) => {
            let page = error_page(msg);
            return respond(
                &mut stream,
                500,
                "text/html; charset=utf-8",
                page.as_bytes(),
            );
        }
    };
    let rel = path.trim_start_matches('/');
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    match site.get(&key) {
        Some(bytes) if key.ends_with(".html") => {
            let html = String::from_utf8_lossy(bytes).replace(
                "</body>",
                "<script src=\"/__livereload.js\"></script></body>",
            );
            respond(
                &mut stream,
                200,
                "text/html; charset=utf-8",
                html.as_bytes(),
            )
        }
        Some(bytes) => respond(&mut stream, 200, content_type(&key), bytes),
        None => {
            let body = site.get("404.html").cloned().unwrap_or_default();
            respond(&mut stream, 404, "text/html; charset=utf-8", &body)
        }
    }
}

/// The page `serve` shows while the content has errors. It is not one language's page (the
/// error stands for the whole site), so it speaks both; the diagnostics are in English.
fn error_page(msg: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Erreur de construction · Build error</title></head><body>\
         <h1>Erreur de construction · <span lang=\"en\">Build error</span></h1>\
         <p>Corrigez le problème ci-dessous et enregistrez : la page se recharge d'elle-même.</p>\
         <p lang=\"en\">Fix the problem below and save: the page reloads by itself.</p>\
         <pre lang=\"en\">{}</pre><script src=\"/__livereload.js\"></script></body></html>",
        crate::text::esc(msg)
    )
}

fn respond(stream: &mut TcpStream, status: u16, ctype: &str, body: &[u8]) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    write!(stream, "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n", body.len())?;
    stream.write_all(body)
}

pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("xml") => "application/xml",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// Decodes `%XY` escapes of two hex digits; anything else, a lone `%` included, is kept as
/// written. Works on bytes, so a `%` before a multi-byte character is only a `%`.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).and_then(|&b| hex(b)),
                bytes.get(i + 2).and_then(|&b| hex(b)),
            ) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    char::from(b).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::percent_decode;

    #[test]
    fn the_error_page_speaks_both_languages() {
        let page = super::error_page("rapport.md:3: <bad>");
        assert!(page.contains("Corrigez le problème ci-dessous et enregistrez"));
        assert!(page.contains("<p lang=\"en\">Fix the problem below and save"));
        assert!(page.contains("rapport.md:3: &lt;bad&gt;"));
    }

    #[test]
    fn escapes_of_two_hex_digits_are_decoded() {
        assert_eq!(percent_decode("/fr/%C3%A9t%c3%a9/"), "/fr/été/");
        assert_eq!(percent_decode("/a%20b"), "/a b");
        assert_eq!(percent_decode("%41"), "A");
    }

    #[test]
    fn a_percent_before_a_multibyte_character_is_kept() {
        // `%a` then `é` (two bytes): slicing three bytes from the `%` would cut the `é`.
        assert_eq!(percent_decode("/%aé"), "/%aé");
        assert_eq!(percent_decode("/%é"), "/%é");
    }

    #[test]
    fn only_hex_digits_make_an_escape() {
        // `u8::from_str_radix("+1", 16)` is 1: a sign is not a hex digit.
        assert_eq!(percent_decode("/%+1"), "/%+1");
        assert_eq!(percent_decode("/%-1"), "/%-1");
        assert_eq!(percent_decode("/%g1"), "/%g1");
    }

    #[test]
    fn an_escape_cut_short_at_the_end_is_kept() {
        assert_eq!(percent_decode("/a%"), "/a%");
        assert_eq!(percent_decode("/a%4"), "/a%4");
        assert_eq!(percent_decode("/a%41"), "/aA");
    }

    #[test]
    fn bytes_that_are_not_utf8_become_replacement_characters() {
        assert_eq!(percent_decode("/%FF"), "/\u{FFFD}");
    }
}
