//! Drives Debian's Chromium through chromedriver for the browser journeys,
//! and checks every page a journey visits: axe-core's WCAG 2.0/2.1/2.2 A
//! and AA rules with zero violations, at desktop width and at 375px, and no
//! horizontal scrolling at 375px.
//!
//! A journey reads like the person's story:
//!
//! ```ignore
//! let app = TestApp::spawn().await;
//! let Some(browser) = Browser::open(&app).await else { return };
//! browser.sign_in_as(&app, Role::Staff).await;
//! browser.visit("/people").await;
//! browser.assert_heading("You cannot do this").await;
//! ```
//!
//! Every page reached by `visit`, `click_button`, `click_link` or
//! `follow_email_link` is checked before the journey carries on, so a new
//! journey cannot forget to.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tokio::sync::OwnedMutexGuard;

use custodian::people::domain::Role;

use crate::helpers::{ReceivedEmail, TestApp, TestPerson, PASSWORD};

/// Chromium's flags. Without the network-quietening ones it hangs on a
/// machine with a closed network, waiting for updates and sync.
const CHROME_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
];

const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (375, 800);

/// The axe-core rule tags the school must meet: WCAG 2.2 AA includes the
/// A and AA rules of 2.0 and 2.1.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  resultTypes: ['violations', 'incomplete']
}).then(
  (results) => {
    const brief = (v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary }))
    });
    done({ violations: results.violations.map(brief), incomplete: results.incomplete.map(brief) });
  },
  (error) => done({ error: String(error) })
);
"#;

/// Numbers the screenshots taken when `CUSTODIAN_SCREENSHOTS` names a folder.
static SHOTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Chromium on 2 cores is heavy: journeys take turns.
static ONE_AT_A_TIME: LazyLock<Arc<tokio::sync::Mutex<()>>> =
    LazyLock::new(|| Arc::new(tokio::sync::Mutex::new(())));

/// Where the browser, its driver and axe-core are on this machine.
struct Tools {
    chromedriver: PathBuf,
    chrome: PathBuf,
    axe: PathBuf,
}

impl Tools {
    /// Finds the tools, or says plainly what is missing. With `CI=true` a
    /// missing tool is a failure: CI must run the suite, not skip it.
    fn find() -> Option<Self> {
        let from_env = |var: &str, default: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(default))
        };
        let tools = Self {
            chromedriver: from_env("CHROMEDRIVER", "/usr/bin/chromedriver"),
            chrome: from_env("CHROME", "/usr/bin/chromium"),
            axe: Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/node_modules/axe-core/axe.min.js"),
        };
        let mut missing = Vec::new();
        if !tools.chromedriver.is_file() {
            missing.push(format!(
                "chromedriver (not at {}; set CHROMEDRIVER, or apt-get install chromium-driver)",
                tools.chromedriver.display()
            ));
        }
        if !tools.chrome.is_file() {
            missing.push(format!(
                "Chromium (not at {}; set CHROME, or apt-get install chromium)",
                tools.chrome.display()
            ));
        }
        if !tools.axe.is_file() {
            missing.push(format!(
                "axe-core (not at {}; run: cd tests && npm ci)",
                tools.axe.display()
            ));
        }
        if missing.is_empty() {
            return Some(tools);
        }
        let missing = missing.join(", ");
        let install = "apt-get install chromium chromium-driver; cd tests && npm ci";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("browser tests cannot run with CI=true: missing {missing}. Install: {install}");
        }
        // Straight to stderr, past the test harness's capture, so that a
        // plain `cargo test` says it.
        let _ = writeln!(
            std::io::stderr(),
            "browser tests skipped: missing {missing}. To run them: {install}"
        );
        None
    }
}

/// chromedriver, in its own process group so that killing it also ends
/// the Chromium processes it started.
struct Driver {
    child: Child,
    url: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Driver {
    async fn start(path: &Path) -> Self {
        use std::os::unix::process::CommandExt;
        let dir = tempfile::tempdir().expect("a temp dir for chromedriver");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = dir.path().join("chromedriver.log");
        let child = Command::new(path)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {}: {e}", path.display()));
        let driver = Self {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not listen on port {port}: {}",
                driver.log_text()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        driver
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The negative id is the process group: chromedriver and every
        // Chromium it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The pages checked, shared by every session of one journey.
type Checked = Arc<Mutex<Vec<String>>>;

/// One browser session (its own profile, so its own cookies) on the app.
pub struct Browser {
    client: Client,
    base: String,
    chrome: PathBuf,
    axe_source: Arc<String>,
    checked: Checked,
    // Dropped in this order: Chromium (killed with the last handle on the
    // driver) before its profile directory, and the turn last.
    driver: Arc<Driver>,
    _profile: tempfile::TempDir,
    /// Held by the journey's first session: the journey's turn.
    turn: Option<OwnedMutexGuard<()>>,
}

impl Browser {
    /// Starts chromedriver and a fresh Chromium on the app, or returns
    /// `None` (having said why) when the tools are not installed.
    pub async fn open(app: &TestApp) -> Option<Self> {
        let tools = Tools::find()?;
        let turn = ONE_AT_A_TIME.clone().lock_owned().await;
        let axe_source = std::fs::read_to_string(&tools.axe).expect("read axe.min.js");
        let driver = Arc::new(Driver::start(&tools.chromedriver).await);
        let browser = Self::session(
            driver,
            tools.chrome,
            app.address.clone(),
            Arc::new(axe_source),
            Arc::new(Mutex::new(Vec::new())),
            Some(turn),
        )
        .await;
        Some(browser)
    }

    /// A second browser on the same app, as another person on another
    /// computer: a fresh profile, nobody signed in.
    pub async fn another(&self) -> Self {
        Self::session(
            self.driver.clone(),
            self.chrome.clone(),
            self.base.clone(),
            self.axe_source.clone(),
            self.checked.clone(),
            None,
        )
        .await
    }

    async fn session(
        driver: Arc<Driver>,
        chrome: PathBuf,
        base: String,
        axe_source: Arc<String>,
        checked: Checked,
        turn: Option<OwnedMutexGuard<()>>,
    ) -> Self {
        let profile = tempfile::tempdir().expect("a temp dir for the Chromium profile");
        let mut args: Vec<String> = CHROME_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push(format!("--window-size={},{}", DESKTOP.0, DESKTOP.1));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": &chrome, "args": args }),
        );
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "could not start Chromium through chromedriver: {e}\n{}",
                    driver.log_text()
                )
            });
        client
            .set_window_size(DESKTOP.0, DESKTOP.1)
            .await
            .expect("desktop size");
        Self {
            client,
            base,
            chrome,
            axe_source,
            checked,
            driver,
            _profile: profile,
            turn,
        }
    }

    /// Ends the session and lists the pages this journey checked.
    pub async fn close(self) {
        if self.turn.is_some() {
            let checked = self.checked.lock().expect("lock");
            eprintln!("pages checked ({}):", checked.len());
            for page in checked.iter() {
                eprintln!("  {page}");
            }
        }
        let _ = self.client.clone().close().await;
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    /// Opens a page (a path on the app, or a full URL) and checks it.
    pub async fn visit(&self, path: &str) {
        self.client
            .goto(&self.url(path))
            .await
            .unwrap_or_else(|e| panic!("could not open {path}: {e}"));
        self.check_page().await;
    }

    /// Types into the field with this id, replacing what was there. A date
    /// field takes the date as `2026-12-19`, whatever the browser's locale
    /// (see `fill_date`).
    pub async fn fill(&self, id: &str, value: &str) {
        let field = self
            .find(Locator::Id(id), &format!("a field with id '{id}'"))
            .await;
        if field.attr("type").await.ok().flatten().as_deref() == Some("date") {
            return self.fill_date(field, id, value).await;
        }
        field.clear().await.expect("clear the field");
        field.send_keys(value).await.expect("type into the field");
    }

    /// Chromium's date field takes typed digits in its locale's order
    /// (mm/dd/yyyy in en-US, dd/mm/yyyy in en-GB), so typing `2026-12-19`
    /// would depend on the machine. The field's value is always ISO: set it
    /// as the date picker does, with the events a person's typing fires,
    /// and check the browser took it (an invalid date leaves it empty).
    async fn fill_date(&self, field: fantoccini::elements::Element, id: &str, value: &str) {
        let taken = self
            .client
            .execute(
                "const [field, value] = arguments;\n\
                 field.focus();\n\
                 field.value = value;\n\
                 field.dispatchEvent(new Event('input', { bubbles: true }));\n\
                 field.dispatchEvent(new Event('change', { bubbles: true }));\n\
                 return field.value;",
                vec![
                    serde_json::to_value(&field).expect("the field as a script argument"),
                    json!(value),
                ],
            )
            .await
            .expect("set the date");
        assert_eq!(
            taken.as_str(),
            Some(value),
            "the date field #{id} did not take '{value}'"
        );
    }

    /// In the group of radio buttons whose legend contains `group`, chooses
    /// the one labelled `label`, by clicking its label as a person would.
    pub async fn check(&self, group: &str, label: &str) {
        let choice = self
            .find(
                Locator::XPath(&format!(
                    "//fieldset[legend[contains(normalize-space(), {})]]//label[normalize-space()={}]",
                    xpath_literal(group),
                    xpath_literal(label)
                )),
                &format!("a choice '{label}' under '{group}'"),
            )
            .await;
        choice.click().await.expect("click the choice");
        let input = choice
            .find(Locator::Css("input"))
            .await
            .expect("a radio button in the label");
        assert!(
            input.is_selected().await.expect("whether it is chosen"),
            "'{label}' under '{group}' is not chosen after the click"
        );
    }

    /// Chooses the option with this visible text in the select with this id.
    pub async fn choose(&self, id: &str, label: &str) {
        let select = self
            .find(Locator::Id(id), &format!("a select with id '{id}'"))
            .await;
        select
            .select_by_label(label)
            .await
            .unwrap_or_else(|e| panic!("no option '{label}' in #{id}: {e}"));
    }

    /// Chooses a file on this computer in the file field with this id, as
    /// the file picker would.
    pub async fn attach(&self, id: &str, file: &Path) {
        let field = self
            .find(Locator::Id(id), &format!("a file field with id '{id}'"))
            .await;
        field
            .send_keys(&file.display().to_string())
            .await
            .unwrap_or_else(|e| panic!("could not choose {} in #{id}: {e}", file.display()));
    }

    /// The field with this id holds this value (what was typed, or what
    /// the form kept after an error).
    pub async fn assert_value(&self, id: &str, expected: &str) {
        let field = self
            .find(Locator::Id(id), &format!("a field with id '{id}'"))
            .await;
        let value = field
            .prop("value")
            .await
            .expect("the field's value")
            .unwrap_or_default();
        assert_eq!(
            value,
            expected,
            "the value of #{id} on {}",
            self.current_path().await
        );
    }

    /// Presses the button with this text, waits for the page it leads to,
    /// and checks that page.
    pub async fn click_button(&self, text: &str) {
        let button = self
            .find(
                Locator::XPath(&format!(
                    "//button[normalize-space()={}]",
                    xpath_literal(text)
                )),
                &format!("a button '{text}'"),
            )
            .await;
        self.navigate_by(button).await;
    }

    /// Follows the link with this text, and checks the page it leads to.
    pub async fn click_link(&self, text: &str) {
        let link = self
            .find(
                Locator::XPath(&format!("//a[normalize-space()={}]", xpath_literal(text))),
                &format!("a link '{text}'"),
            )
            .await;
        self.navigate_by(link).await;
    }

    /// Signs in through the sign-in page, and checks the page it leads to.
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.visit("/login").await;
        self.fill("email", email).await;
        self.fill("password", password).await;
        self.click_button("Sign in").await;
    }

    /// Adds a person with this role (as the command line would, with
    /// `helpers::PASSWORD`) and signs in as them.
    pub async fn sign_in_as(&self, app: &TestApp, role: Role) -> TestPerson {
        let name = match role {
            Role::Headteacher => "Helen Carter",
            Role::Slt => "David Okafor",
            Role::Staff => "Tom Reed",
            Role::Chair => "Margaret Ellis",
        };
        let person = app.add_person(name, role);
        self.sign_in(&person.email, PASSWORD).await;
        self.assert_heading(&format!("Hello, {name}")).await;
        person
    }

    /// Signs out with the header's button.
    pub async fn sign_out(&self) {
        self.click_button("Sign out").await;
        self.assert_heading("Sign in").await;
    }

    /// Opens the app's link in an email, as the person would, and checks
    /// the page.
    pub async fn follow_email_link(&self, email: &ReceivedEmail) {
        let re = regex::Regex::new(r"https?://[^\s<>]+").expect("regex");
        let link = re
            .find_iter(&email.text)
            .map(|m| m.as_str().to_owned())
            .find(|l| l.starts_with(&self.base))
            .unwrap_or_else(|| panic!("no link to the app in: {}", email.text));
        self.visit(&link).await;
    }

    /// The page's visible text contains this.
    pub async fn assert_text(&self, expected: &str) {
        let text = self.page_text().await;
        assert!(
            text.contains(expected),
            "expected '{expected}' on {}; the page says:\n{text}",
            self.current_path().await
        );
    }

    /// The page's visible text does not contain this.
    pub async fn assert_no_text(&self, unexpected: &str) {
        let text = self.page_text().await;
        assert!(
            !text.contains(unexpected),
            "did not expect '{unexpected}' on {}; the page says:\n{text}",
            self.current_path().await
        );
    }

    /// The page's main heading, as shown.
    pub async fn heading(&self) -> String {
        let h1 = self.find(Locator::Css("h1"), "a heading").await;
        h1.text().await.expect("heading text").trim().to_owned()
    }

    /// The page's main heading is this.
    pub async fn assert_heading(&self, expected: &str) {
        let h1 = self.find(Locator::Css("h1"), "a heading").await;
        let text = h1.text().await.expect("heading text");
        assert_eq!(
            text.trim(),
            expected,
            "heading on {}",
            self.current_path().await
        );
    }

    /// The path (and query) the browser is on.
    pub async fn current_path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Saves a PNG of what the browser shows (for a person to look at).
    pub async fn screenshot(&self, file: &Path) {
        let png = self.client.screenshot().await.expect("screenshot");
        std::fs::write(file, png).expect("write screenshot");
    }

    /// Runs axe-core with the WCAG A and AA rules at desktop width and at
    /// 375px, and asserts zero violations and nothing axe-core could not
    /// decide (a 1:1 "contrast" is invisible text, for one); at 375px also
    /// asserts that the page does not scroll sideways. Records the page as
    /// checked.
    pub async fn check_page(&self) {
        let path = self.current_path().await;
        let label = self.page_label(&path).await;
        // For a person to look at the pages: whole-page PNGs in this folder.
        let shots = std::env::var_os("CUSTODIAN_SCREENSHOTS").map(PathBuf::from);
        let shot_name = |width: u32| {
            let n = SHOTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let slug: String = label
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            format!("{n:03}-{width}-{}.png", slug.trim_matches('-'))
        };

        self.assert_axe_passes(&label, "desktop").await;
        if let Some(dir) = &shots {
            self.full_page_screenshot(&dir.join(shot_name(DESKTOP.0)), DESKTOP)
                .await;
        }

        self.set_size(PHONE).await;
        if let Some(problem) = self.sideways_scroll().await {
            panic!("{label} scrolls sideways at {}px: {problem}", PHONE.0);
        }
        self.assert_axe_passes(&label, "375px").await;
        if let Some(dir) = &shots {
            self.full_page_screenshot(&dir.join(shot_name(PHONE.0)), PHONE)
                .await;
        }
        self.set_size(DESKTOP).await;
        self.checked.lock().expect("lock").push(label);
    }

    /// The ids of the axe-core rules the page breaks or leaves undecided,
    /// without failing: for testing the checker itself.
    pub async fn axe_rule_ids(&self) -> Vec<String> {
        let (violations, incomplete) = self.run_axe().await;
        violations
            .iter()
            .chain(&incomplete)
            .filter_map(|v| v["id"].as_str().map(str::to_owned))
            .collect()
    }

    /// What scrolls sideways at 375px, if anything, without failing: for
    /// testing the checker itself.
    pub async fn scrolls_sideways_at_phone_width(&self) -> Option<String> {
        self.set_size(PHONE).await;
        let problem = self.sideways_scroll().await;
        self.set_size(DESKTOP).await;
        problem
    }

    /// Replaces the page's body, for testing the checker itself. The app's
    /// Content-Security-Policy ignores style attributes, so styles go in
    /// `data-style` and are applied from the script.
    pub async fn replace_body(&self, html: &str) {
        self.client
            .execute(
                "document.body.innerHTML = arguments[0];\n\
                 for (const el of document.querySelectorAll('[data-style]')) el.style.cssText = el.dataset.style;",
                vec![json!(html)],
            )
            .await
            .expect("replace the body");
    }

    /// The whole page at this width, then the window back to `size`.
    async fn full_page_screenshot(&self, file: &Path, size: (u32, u32)) {
        let height = self
            .client
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await
            .expect("page height")
            .as_u64()
            .and_then(|h| u32::try_from(h).ok())
            .unwrap_or(size.1);
        self.set_size((size.0, height.max(size.1))).await;
        self.screenshot(file).await;
        self.set_size(size).await;
    }

    async fn set_size(&self, (width, height): (u32, u32)) {
        self.client
            .set_window_size(width, height)
            .await
            .unwrap_or_else(|e| panic!("could not size the window to {width}x{height}: {e}"));
    }

    /// At the current size: what makes the page wider than the window.
    async fn sideways_scroll(&self) -> Option<String> {
        let widths = self
            .client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .expect("measure the page");
        let scroll_width = widths[0].as_u64().expect("scrollWidth");
        let inner_width = widths[1].as_u64().expect("innerWidth");
        assert!(
            inner_width <= u64::from(PHONE.0),
            "the window did not narrow to {}px (innerWidth {inner_width})",
            PHONE.0
        );
        if scroll_width <= inner_width {
            return None;
        }
        let wide = self
            .client
            .execute(WIDEST_ELEMENTS, vec![])
            .await
            .unwrap_or(Value::Null);
        Some(format!(
            "the page is {scroll_width}px wide in a {inner_width}px window; \
             too wide: {wide}"
        ))
    }

    /// "path — title", with tokens and ids made general and "(errors
    /// shown)" when the page shows an error summary.
    async fn page_label(&self, path: &str) -> String {
        let token = regex::Regex::new(r"token=[^&]+").expect("regex");
        let id = regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
            .expect("regex");
        let path = token.replace_all(path, "token=…");
        let path = id.replace_all(&path, "{id}");
        let title = self.client.title().await.unwrap_or_default();
        let title = title.split(" – ").next().unwrap_or_default().to_owned();
        let errors = self
            .client
            .find_all(Locator::Css(".error-summary"))
            .await
            .map(|found| !found.is_empty())
            .unwrap_or(false);
        format!(
            "{path} — {title}{}",
            if errors { " (errors shown)" } else { "" }
        )
    }

    /// axe-core's violations and undecided ("incomplete") results.
    async fn run_axe(&self) -> (Vec<Value>, Vec<Value>) {
        let loaded = self
            .client
            .execute("return typeof window.axe !== 'undefined';", vec![])
            .await
            .expect("look for axe");
        if loaded != Value::Bool(true) {
            self.client
                .execute(&self.axe_source, vec![])
                .await
                .expect("inject axe-core");
        }
        let result = self
            .client
            .execute_async(AXE_RUN, vec![])
            .await
            .expect("run axe-core");
        if let Some(error) = result.get("error") {
            panic!("axe-core failed on {}: {error}", self.current_path().await);
        }
        let list = |key: &str| result[key].as_array().cloned().unwrap_or_default();
        (list("violations"), list("incomplete"))
    }

    async fn assert_axe_passes(&self, label: &str, width: &str) {
        let (violations, mut incomplete) = self.run_axe().await;
        if width != "desktop" {
            incomplete = self.without_scrolled_out_of_view(incomplete).await;
        }
        assert!(
            violations.is_empty(),
            "{} accessibility violation(s) on {label} at {width}:\n{}",
            violations.len(),
            describe(&violations)
        );
        assert!(
            incomplete.is_empty(),
            "axe-core could not decide {} rule(s) on {label} at {width}; \
             make the page decidable (or check by eye and say why here):\n{}",
            incomplete.len(),
            describe(&incomplete)
        );
    }

    /// A wide table scrolls inside its own region on a phone (WCAG 1.4.10
    /// lets data tables do so). axe-core cannot see the background of the
    /// cells scrolled out of view and leaves their contrast undecided; the
    /// same cells, in the same colours, are checked at desktop width. So at
    /// phone width those (and only those) are set aside.
    async fn without_scrolled_out_of_view(&self, results: Vec<Value>) -> Vec<Value> {
        let mut kept = Vec::new();
        for mut rule in results {
            if rule["id"] != "color-contrast" {
                kept.push(rule);
                continue;
            }
            let mut nodes = Vec::new();
            for node in rule["nodes"].as_array().cloned().unwrap_or_default() {
                let hidden = self
                    .client
                    .execute(SCROLLED_OUT_OF_VIEW, vec![node["target"].clone()])
                    .await
                    .expect("look at the element");
                if hidden != Value::Bool(true) {
                    nodes.push(node);
                }
            }
            if !nodes.is_empty() {
                rule["nodes"] = Value::Array(nodes);
                kept.push(rule);
            }
        }
        kept
    }

    async fn find(&self, locator: Locator<'_>, what: &str) -> fantoccini::elements::Element {
        match self.client.find(locator).await {
            Ok(found) => found,
            Err(e) => panic!(
                "could not find {what} on {}: {e}\nthe page says:\n{}",
                self.current_path().await,
                self.page_text().await
            ),
        }
    }

    async fn page_text(&self) -> String {
        self.client
            .execute("return document.body.innerText;", vec![])
            .await
            .expect("page text")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Clicks something that leads to another page, waits until that page
    /// has loaded (a marker on the old window is gone), and checks it.
    async fn navigate_by(&self, element: fantoccini::elements::Element) {
        self.client
            .execute("window.__custodianBefore = true;", vec![])
            .await
            .expect("mark the page");
        element.click().await.expect("click");
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let state = self
                .client
                .execute(
                    "return window.__custodianBefore === undefined && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if matches!(state, Ok(Value::Bool(true))) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "no new page after the click on {}",
                self.current_path().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.check_page().await;
    }
}

/// Whether the element (an axe-core target) is partly out of view inside
/// an element that scrolls sideways.
const SCROLLED_OUT_OF_VIEW: &str = r#"
const target = arguments[0];
if (!Array.isArray(target) || target.length !== 1 || typeof target[0] !== 'string') return false;
const el = document.querySelector(target[0]);
if (!el) return false;
const r = el.getBoundingClientRect();
for (let p = el.parentElement; p; p = p.parentElement) {
  const overflow = getComputedStyle(p).overflowX;
  if ((overflow === 'auto' || overflow === 'scroll') && p.scrollWidth > p.clientWidth) {
    const pr = p.getBoundingClientRect();
    return r.left < pr.left - 0.5 || r.right > pr.right + 0.5;
  }
}
return false;
"#;

/// Lists elements wider than the window, or whose content spills out of
/// them, to say what scrolls sideways.
const WIDEST_ELEMENTS: &str = r#"
const limit = window.innerWidth;
const out = [];
for (const el of document.querySelectorAll('body *')) {
  const r = el.getBoundingClientRect();
  const spills = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible';
  if ((r.right > limit + 0.5 || spills) && out.length < 8) {
    out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
      ' (right edge ' + Math.round(r.right) + 'px, content ' + el.scrollWidth + 'px wide)');
  }
}
return out;
"#;

/// axe-core's results, one rule and its elements at a time.
fn describe(results: &[Value]) -> String {
    let mut out = String::new();
    for v in results {
        out.push_str(&format!(
            "- {} ({}): {}\n  {}\n",
            v["id"].as_str().unwrap_or("?"),
            v["impact"].as_str().unwrap_or("?"),
            v["help"].as_str().unwrap_or("?"),
            v["helpUrl"].as_str().unwrap_or("")
        ));
        for node in v["nodes"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "    at {}: {}\n      {}\n",
                node["target"],
                node["html"].as_str().unwrap_or(""),
                node["summary"]
                    .as_str()
                    .unwrap_or("")
                    .replace('\n', "\n      ")
            ));
        }
    }
    out
}

/// A string as an XPath literal, whatever quotes it holds.
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
