//! `citedex serve`: the real server on a free loopback port, driven over HTTP.

use crate::env::TestEnv;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

/// A running `citedex serve`, stopped when dropped.
#[allow(dead_code)]
pub struct Server {
    pub child: Child,
    pub url: String,
    pub agent: ureq::Agent,
}

impl Server {
    pub fn start(env: &TestEnv, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--addr", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child =
            env.command(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("first line");
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Server { child, url, agent }
    }

    /// Status, content type and body of `GET path`.
    pub fn get(&self, path: &str) -> (u16, String, String) {
        let mut r = self.agent.get(&format!("{}{path}", self.url)).call().expect("request");
        let kind = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let body = r.body_mut().read_to_string().expect("body");
        (r.status().as_u16(), kind, body)
    }

    pub fn json(&self, path: &str) -> (u16, serde_json::Value) {
        let (status, kind, body) = self.get(path);
        assert!(kind.starts_with("application/json"), "{path}: {kind}: {body}");
        (status, serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")))
    }

    pub fn header(&self, path: &str, name: &str) -> Option<String> {
        let r = self.agent.get(&format!("{}{path}", self.url)).call().expect("request");
        r.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn cli_json(env: &TestEnv, args: &[&str]) -> serde_json::Value {
    let r = env.run(args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    serde_json::from_str(&r.stdout).expect("JSON")
}

#[test]
fn every_endpoint_answers_with_the_clis_json() {
    let env = TestEnv::seed();
    let s = Server::start(&env, &[]);
    // Search: the object of `search --json`.
    let (status, api) = s.json("/api/search?q=Witte&limit=3");
    assert_eq!(status, 200);
    let cli = cli_json(&env, &["search", "--json", "--limit", "3", "--no-update", "Witte"]);
    assert_eq!(api, cli);
    let (_, page2) = s.json("/api/search?q=Witte&limit=3&offset=3");
    assert_eq!(page2["hits"][0]["rank"], 4);
    let (_, refs) = s.json("/api/search?q=Witte&kind=reference");
    assert!(refs["hits"].as_array().unwrap().iter().all(|h| h["kind"] == "reference"), "{refs}");
    // A passage: `show --json`, with its section around it.
    let id = "treaty-of-portsmouth/portsmouth-peace-conference/5";
    let (status, p) = s.json(&format!("/api/passages/{id}"));
    assert_eq!(status, 200);
    let shown = cli_json(&env, &["show", "--json", "--no-update", id]);
    for key in ["id", "text", "cite_as", "source", "citations", "before", "after"] {
        assert_eq!(p[key], shown[key], "{key}");
    }
    let context = p["context"].as_array().unwrap();
    assert!(context.len() > 1 && context.iter().all(|c| c["section"] == p["section"]), "{p}");
    assert!(context.iter().any(|c| c["id"] == p["id"]));
    // Works: `cite --json`, one work, and its exports.
    let (_, works) = s.json("/api/works?q=Jukes");
    assert_eq!(works, cli_json(&env, &["cite", "--json", "--no-update", "Jukes"]));
    let key = works["references"][0]["id"].as_str().unwrap().to_string();
    let (status, work) = s.json(&format!("/api/works/{key}"));
    assert_eq!(status, 200);
    assert_eq!(work, works["references"][0]);
    let (status, kind, bib) = s.get(&format!("/api/works/{key}.bib"));
    assert_eq!((status, kind.as_str()), (200, "application/x-bibtex; charset=utf-8"));
    assert!(bib.starts_with('@') && bib.contains("Jukes"), "{bib}");
    let (status, _, csl) = s.get(&format!("/api/works/{key}.json"));
    assert_eq!(status, 200);
    let csl: serde_json::Value = serde_json::from_str(&csl).unwrap();
    assert_eq!(csl[0]["author"][0]["family"], "Jukes");
    let (status, _, apa) = s.get(&format!("/api/works/{key}.txt?style=apa"));
    assert!(status == 200 && apa.contains("Jukes"), "{apa}");
    let (status, bad_style) = s.json(&format!("/api/works/{key}.txt?style=nonesuch"));
    assert_eq!(status, 400, "{bad_style}");
    // Reference passages name their work.
    let (_, r) = s.json(&format!("/api/passages/{key}"));
    assert_eq!(r["work"], key.as_str());
    // Stats and documents: `stats --json` and `list --json`.
    let (_, stats) = s.json("/api/stats");
    assert_eq!(stats["passages"], cli_json(&env, &["stats", "--json", "--no-update"])["passages"]);
    let (_, docs) = s.json("/api/documents");
    assert_eq!(docs, cli_json(&env, &["list", "--json", "--no-update"]));
}

#[test]
fn errors_are_json_with_a_fitting_status() {
    let env = TestEnv::seed();
    let s = Server::start(&env, &[]);
    // A bad query: 400 with the CLI's own message.
    let (status, e) = s.json("/api/search?q=%22unclosed");
    assert_eq!(status, 400);
    let cli = env.run(&["search", "--no-update", "\"unclosed"]);
    assert_eq!(cli.code, 2);
    assert_eq!(format!("citedex: error: {}", e["error"].as_str().unwrap()), cli.stderr.trim_end());
    assert_eq!(e["status"], 400);
    for (path, want) in [
        ("/api/search", 400),
        ("/api/search?q=", 400),
        ("/api/search?q=Witte&limit=1000", 400),
        ("/api/search?q=Witte&limit=ten", 400),
        ("/api/search?q=Witte&offset=99999999", 400),
        ("/api/search?q=Witte&kind=nonsense", 400),
        ("/api/search?q=Witte&kind=%3Cb%3E", 400),
        ("/api/passages/treaty-of-portsmouth/nowhere/9", 404),
        ("/api/works/no-such-work", 404),
        ("/api/works/no-such-work.bib", 404),
        ("/api/nothing-here", 404),
    ] {
        let (status, e) = s.json(path);
        assert_eq!(status, want, "{path}: {e}");
        assert!(e["error"].as_str().is_some_and(|m| !m.is_empty() && !m.contains('\n')), "{path}: {e}");
    }
    // An over-long query is refused before any search.
    let long = "Witte+".repeat(400);
    let (status, e) = s.json(&format!("/api/search?q={long}"));
    assert_eq!(status, 400);
    assert!(e["error"].as_str().unwrap().contains("too long"), "{e}");
    // The server is still there after all that.
    assert_eq!(s.json("/api/search?q=Witte").0, 200);
}

#[test]
fn ids_never_reach_the_filesystem() {
    let env = TestEnv::seed();
    env.write("secret.txt", "TOP-SECRET-CONTENT");
    let s = Server::start(&env, &[]);
    for path in [
        "/api/passages/..%2F..%2Fsecret.txt",
        "/api/passages/%2E%2E/%2E%2E/secret.txt",
        "/api/passages/treaty-of-portsmouth/..%2F..%2F..%2Fsecret.txt",
        "/api/passages/%2Fetc%2Fpasswd",
        "/api/works/..%2Fsecret.txt.bib",
        "/api/passages/a%5C..%5Csecret.txt",
        "/assets/..%2F..%2Fsecret.txt",
        "/p/..%2F..%2Fsecret.txt",
    ] {
        let (status, _, body) = s.get(path);
        assert!(!body.contains("TOP-SECRET"), "{path}");
        assert_ne!(status, 500, "{path}");
        if path.starts_with("/api/") {
            assert!(status == 400 || status == 404, "{path}: {status}");
        }
    }
}

#[test]
fn a_hostile_passage_is_data_and_the_page_runs_no_inline_script() {
    let env = TestEnv::seed();
    env.write("corpus/hostile.txt", "Hostile page\n\nA passage with <script>alert('pwned')</script> and <img src=x onerror=alert(1)> inside.\n");
    let s = Server::start(&env, &[]);
    let (_, r) = s.json("/api/search?q=passage%20inside");
    assert!(r["hits"][0]["text"].as_str().unwrap().contains("<script>alert('pwned')</script>"), "{r}");
    // The page is the same static shell whatever the data; only its own script runs.
    let (status, kind, html) = s.get("/?q=%3Cscript%3Ealert(1)%3C/script%3E");
    assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"));
    assert!(!html.contains("alert"), "{html}");
    let csp = s.header("/", "content-security-policy").expect("a policy");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    let (_, kind, js) = s.get("/assets/app.js");
    assert!(kind.starts_with("text/javascript"), "{kind}");
    assert!(!js.contains("innerHTML"), "the page builds text nodes only");
    assert_eq!(s.header("/api/stats", "x-content-type-options").as_deref(), Some("nosniff"));
}

#[test]
fn cors_is_off_unless_an_origin_is_given() {
    let env = TestEnv::seed();
    let s = Server::start(&env, &[]);
    assert_eq!(s.header("/api/search?q=Witte", "access-control-allow-origin"), None);
    drop(s);
    let s = Server::start(&env, &["--cors", "http://localhost:3000"]);
    assert_eq!(
        s.header("/api/search?q=Witte", "access-control-allow-origin").as_deref(),
        Some("http://localhost:3000")
    );
    assert_eq!(s.header("/", "access-control-allow-origin"), None, "the page is not shared");
}

#[test]
fn the_server_follows_the_corpus_and_stops_cleanly() {
    let env = TestEnv::seed();
    let mut s = Server::start(&env, &[]);
    let (_, before) = s.json("/api/search?q=Zanzibar");
    assert_eq!(before["total_hits"], 0);
    env.write("corpus/zanzibar.md", "# Zanzibar\n\nA new text about Zanzibar and the treaty.\n");
    let started = Instant::now();
    loop {
        let (status, r) = s.json("/api/search?q=Zanzibar");
        assert_eq!(status, 200, "requests keep being answered while it re-indexes");
        if r["total_hits"] == 1 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "the new file was never served");
        std::thread::sleep(Duration::from_millis(100));
    }
    // SIGTERM (as Ctrl-C): in-flight requests finish, then it exits 0.
    #[cfg(unix)]
    {
        let pid = s.child.id().to_string();
        assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let status = s.child.wait().unwrap();
        assert_eq!(status.code(), Some(0));
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut s.child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(stderr.contains("citedex: stopped"), "{stderr}");
    }
}

#[test]
fn a_taken_address_is_one_clear_error() {
    let env = TestEnv::seed();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let r = env.run(&["serve", "--addr", &addr]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(&format!("cannot listen on {addr}")) && r.stderr.contains("--addr"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().filter(|l| l.starts_with("citedex: error")).count(), 1, "{}", r.stderr);
}
