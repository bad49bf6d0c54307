//! The web page in a real browser: headless Chromium driven over WebDriver (Debian's
//! `chromium` and `chromium-driver`; `.ci/run` installs them). Without chromedriver the test
//! says so and passes, unless `CITEDEX_REQUIRE_BROWSER` is set (as `.ci/run` sets it).
//! Screenshots go to `target/screenshots/`.

use crate::env::TestEnv;
use crate::serve::Server;
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const ENTER: &str = "\u{E007}";
const ARROW_DOWN: &str = "\u{E015}";

struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Browser {
    fn start() -> Option<Browser> {
        let driver_path = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())?;
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let mut b =
            Browser { driver, base: format!("http://127.0.0.1:{port}"), session: String::new(), agent };
        let started = Instant::now();
        while b.call("GET", "/status", None).get("ready").and_then(Value::as_bool) != Some(true) {
            assert!(started.elapsed() < Duration::from_secs(20), "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .unwrap_or("/usr/bin/chromium");
        let profile = tempfile::tempdir().expect("profile dir");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": binary, "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1100,900",
                format!("--user-data-dir={}", profile.keep().display()),
            ]}
        }}});
        let v = b.call("POST", "/session", Some(caps));
        b.session = v["sessionId"].as_str().unwrap_or_else(|| panic!("no session: {v}")).to_string();
        Some(b)
    }

    /// A WebDriver command; its `value`.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let response = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(body.unwrap_or_else(|| json!({})).to_string()),
        };
        let Ok(mut r) = response else { return Value::Null };
        let text = r.body_mut().read_to_string().unwrap_or_default();
        serde_json::from_str::<Value>(&text).map(|v| v["value"].clone()).unwrap_or(Value::Null)
    }

    fn session(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    fn open(&self, url: &str) {
        self.session("POST", "/url", Some(json!({"url": url})));
    }

    fn js(&self, script: &str) -> Value {
        self.session("POST", "/execute/sync", Some(json!({"script": script, "args": []})))
    }

    fn find(&self, css: &str) -> String {
        let v = self.session("POST", "/element", Some(json!({"using": "css selector", "value": css})));
        v[ELEMENT].as_str().unwrap_or_else(|| panic!("no element {css}: {v}")).to_string()
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.session("POST", &format!("/element/{e}/click"), None);
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.session("POST", &format!("/element/{e}/value"), Some(json!({"text": text})));
    }

    /// Presses keys on whatever has the focus.
    fn press(&self, keys: &[&str]) {
        let actions: Vec<Value> = keys
            .iter()
            .flat_map(|k| [json!({"type": "keyDown", "value": k}), json!({"type": "keyUp", "value": k})])
            .collect();
        self.session(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    /// Waits until `script` returns true.
    fn wait(&self, what: &str, script: &str) {
        let started = Instant::now();
        while self.js(script) != Value::Bool(true) {
            assert!(started.elapsed() < Duration::from_secs(15), "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn screenshot(&self, name: &str) {
        use base64::Engine;
        let v = self.session("GET", "/screenshot", None);
        let png =
            base64::engine::general_purpose::STANDARD.decode(v.as_str().unwrap_or_default()).expect("PNG");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(name), png).expect("save screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            self.session("DELETE", "", None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
fn search_read_cite_and_copy_in_a_real_browser() {
    let Some(b) = Browser::start() else {
        assert!(
            std::env::var_os("CITEDEX_REQUIRE_BROWSER").is_none(),
            "CITEDEX_REQUIRE_BROWSER is set but chromedriver is missing"
        );
        eprintln!("skipped: no chromedriver (apt-get install chromium chromium-driver)");
        return;
    };
    let env = TestEnv::seed();
    env.write(
        "corpus/hostile.txt",
        "Hostile page\n\nA passage with <script>window.pwned = 1</script> and <img src=x onerror=\"window.pwned=2\"> inside.\n",
    );
    let s = Server::start(&env, &[]);

    // Search as you type: `/` focuses the box, hits appear with highlights and references.
    b.open(&format!("{}/", s.url));
    b.wait("the page", "return document.readyState === 'complete' && !!document.querySelector('#q')");
    b.press(&["/"]);
    assert_eq!(b.js("return document.activeElement.id"), "q", "`/` focuses the search box");
    b.type_into("#q", "Sakhalin");
    b.wait("hits", "return document.querySelectorAll('.hit').length > 0");
    assert_eq!(b.js("return location.search"), "?q=Sakhalin", "the query is in the URL");
    let marks = b.js("return Array.from(document.querySelectorAll('.hit mark')).map(m => m.textContent)");
    assert!(
        marks.as_array().is_some_and(
            |m| !m.is_empty() && m.iter().all(|t| t.as_str().unwrap().eq_ignore_ascii_case("sakhalin"))
        ),
        "{marks}"
    );
    assert_eq!(
        b.js("return document.querySelectorAll('.hit .refs li a').length > 0"),
        true,
        "supporting references"
    );
    assert!(
        b.js("return document.querySelector('#status').textContent")
            .as_str()
            .unwrap()
            .contains("passages match")
    );
    b.screenshot("search.png");

    // Arrows move, Enter opens the reading view with the passage highlighted in its section.
    let first = b.js("return document.querySelector('.hit').dataset.id");
    b.press(&[ARROW_DOWN]);
    assert_eq!(
        b.js("return document.querySelector('.hit.selected') === document.querySelectorAll('.hit')[0]"),
        true
    );
    b.press(&[ENTER]);
    b.wait(
        "the reading view",
        "return location.pathname.startsWith('/p/') && !!document.querySelector('#current')",
    );
    let (_, shown) = s.json(&format!("/api/passages/{}", first.as_str().unwrap()));
    assert_eq!(b.js("return document.querySelector('#current').textContent"), shown["text"]);
    assert_eq!(
        b.js("return document.querySelectorAll('.reading p').length > 3"),
        true,
        "its section around it"
    );
    b.screenshot("reading.png");
    // Copy citation.
    b.click("#copy-cite");
    b.wait("the copy", "return document.querySelector('#copied').textContent === 'Copied citation'");
    assert_eq!(b.js("return document.querySelector('#copied').dataset.text"), shown["cite_as"]);
    // The back button returns to the results.
    b.session("POST", "/back", None);
    b.wait(
        "the results again",
        "return location.search === '?q=Sakhalin' && document.querySelectorAll('.hit').length > 0",
    );

    // A reference's work page: every citing passage, BibTeX to copy.
    b.open(&format!("{}/p/treaty-of-portsmouth/references/12", s.url));
    b.wait("the reference", "return !!document.querySelector('a[href^=\"/w/\"]')");
    b.click("a[href^=\"/w/\"]");
    b.wait("the work page", "return document.querySelectorAll('.cited-by li').length > 0");
    assert!(
        b.js("return document.querySelector('h1').textContent").as_str().unwrap().contains("Portsmouth 1905")
    );
    b.screenshot("work.png");
    b.click("#copy-bib");
    b.wait("the BibTeX copy", "return document.querySelector('#copied').textContent === 'Copied BibTeX'");
    assert!(b.js("return document.querySelector('#copied').dataset.text").as_str().unwrap().starts_with('@'));
    // A citing passage opens from there.
    b.click(".cited-by li a");
    b.wait(
        "a citing passage",
        "return location.pathname.startsWith('/p/') && !!document.querySelector('#current')",
    );

    // A hostile passage is shown as text and runs nothing.
    b.open(&format!("{}/?q=passage%20inside", s.url));
    b.wait("the hostile hit", "return document.querySelectorAll('.hit').length > 0");
    assert!(
        b.js("return document.querySelector('.hit .snippet').textContent")
            .as_str()
            .unwrap()
            .contains("<script>window.pwned = 1</script>")
    );
    assert_eq!(b.js("return document.querySelectorAll('#view script, #view img').length"), 0);
    assert_eq!(b.js("return window.pwned === undefined"), true);

    // Readable on a phone: no sideways scrolling; the box keeps its label.
    b.session("POST", "/window/rect", Some(json!({"width": 390, "height": 844})));
    b.open(&format!("{}/?q=Witte", s.url));
    b.wait("hits on a phone", "return document.querySelectorAll('.hit').length > 0");
    assert_eq!(b.js("return document.documentElement.scrollWidth <= window.innerWidth + 1"), true);
    assert_eq!(b.js("return document.querySelector('label[for=q]').textContent.length > 0"), true);
    b.screenshot("phone.png");
}
