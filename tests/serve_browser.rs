//! The what-if page in headless Chromium, driven through chromedriver
//! (WebDriver): load it, move a slider with the keyboard, see the chart and
//! the ranking update, click a cell for its story and survival curve, save
//! the scenario file and check that `validate` accepts it and `run` gives
//! the numbers the page showed. Skipped, with a note, where chromium or
//! chromedriver is missing (`.ci/run` installs both).

mod serve_support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use guarantee_sim::serve::Limits;
use serde_json::{Value, json};
use serve_support::{Server, check_run_reproduces};

/// Runs per cell: a debug build is slow, and the page only has to update.
const RUNS: u64 = 10;

fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// chromedriver in a process group of its own, with the chromium it starts:
/// dropped (also when the test panics before the session is closed), the
/// whole group is killed, so no headless browser outlives the test.
struct Driver(Child);

impl Driver {
    fn start(port: u16) -> Driver {
        use std::os::unix::process::CommandExt;
        Driver(
            Command::new("chromedriver")
                .arg(format!("--port={port}"))
                .process_group(0)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        )
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SAFETY: kill(2) on the group this test started has no memory
        // effects; the group id is chromedriver's pid.
        unsafe { libc::kill(-(self.0.id() as i32), libc::SIGKILL) };
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn wait_for(client: &Client, what: &str, script: &str) -> Value {
    let started = Instant::now();
    loop {
        let value = client.execute(script, vec![]).await.unwrap();
        if !value.is_null() && value != Value::Bool(false) {
            return value;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn a_student_moves_a_slider_reads_a_run_and_saves_the_file() {
    if !installed("chromium") || !installed("chromedriver") {
        eprintln!(
            "note: chromium or chromedriver is not installed; skipping the page test (`.ci/run` installs them)"
        );
        return;
    }
    let server = Server::start_with_runs(Limits::default(), RUNS);
    let port = free_port();
    let _driver = Driver::start(port);
    let profile = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let shown = runtime.block_on(async {
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--window-size=1366,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let webdriver = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&webdriver)
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() < Duration::from_secs(20) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("chromedriver did not start: {e}"),
            }
        };
        let result = drive(&client, &server).await;
        client.close().await.unwrap();
        result
    });
    check_saved_file(&shown);
}

async fn text_of(client: &Client, id: &str) -> String {
    let element = client.find(Locator::Id(id)).await.unwrap();
    element.text().await.unwrap()
}

async fn click(client: &Client, css: &str) {
    let element = client.find(Locator::Css(css)).await.unwrap();
    element.click().await.unwrap();
}

/// What the page showed at the end and the file it saved.
struct Shown {
    result: Value,
    saved_text: String,
    command: String,
}

async fn drive(client: &Client, server: &Server) -> Shown {
    client.goto(&server.url("/")).await.unwrap();
    let first_answer = "return document.body.dataset.updates === '1'";
    wait_for(client, "the first answer", first_answer).await;
    let bars = client
        .find_all(Locator::Css("#chart svg rect.bar"))
        .await
        .unwrap();
    assert!(bars.len() >= 5, "{} bars", bars.len());

    // Move the US resolve slider down with the keyboard.
    let slider_css = "input[type=range][data-path='countries.united-states.resolve']";
    let slider = client.find(Locator::Css(slider_css)).await.unwrap();
    let left = char::from(Key::Left).to_string();
    for _ in 0..40 {
        slider.send_keys(&left).await.unwrap();
    }
    let settled = |word: &str| {
        format!(
            "const p = window.whatIf, r = p.result; \
             return r && r.changes.some(c => c.includes('{word}')) && p.movedAt === 0 \
             && document.body.dataset.runs === String(r.runs) ? r : null"
        )
    };
    let moved = wait_for(client, "the answer after the move", &settled("resolve")).await;
    let changes = moved["changes"].to_string();
    assert!(changes.contains("united-states"), "{changes}");
    let summary = text_of(client, "summary").await;
    assert!(summary.contains("resolve"), "{summary}");

    // The ranking and the chart show the new answer for the chosen scenario.
    let pick = client.find(Locator::Id("scenario-pick")).await.unwrap();
    let chosen = pick.prop("value").await.unwrap().unwrap();
    let scenarios = moved["scenarios"].as_array().unwrap();
    let scenario = scenarios
        .iter()
        .find(|s| s["id"] == chosen.as_str())
        .unwrap();
    let first = scenario["ranking"][0].as_str().unwrap();
    let ranking = text_of(client, "ranking").await;
    assert!(
        ranking.starts_with(&format!("{first}:")),
        "{ranking} (expected {first} first)"
    );
    let top_bar = client
        .find(Locator::Css("#chart svg rect.bar"))
        .await
        .unwrap();
    assert_eq!(
        top_bar.attr("data-package").await.unwrap().as_deref(),
        Some(first)
    );
    let grid = text_of(client, "grid").await;
    assert!(
        grid.contains("pts"),
        "the table shows paired changes: {grid}"
    );

    // A posture change through its select, then a cell for the story.
    let package_pick = client.find(Locator::Id("package-pick")).await.unwrap();
    package_pick.select_by_value("paris-draft").await.unwrap();
    let posture_css = "select[data-path='packages.paris-draft.force.posture']";
    let posture = client.find(Locator::Css(posture_css)).await.unwrap();
    posture.select_by_value("line").await.unwrap();
    wait_for(
        client,
        "the answer after the posture change",
        &settled("posture"),
    )
    .await;
    click(
        client,
        "#grid button[data-package='paris-draft'][data-scenario='renewed-attack']",
    )
    .await;
    let told = "return document.body.dataset.explained === 'paris-draft/renewed-attack'";
    wait_for(client, "the story", told).await;
    let story = text_of(client, "story").await;
    assert!(story.contains("Run 0 of package `paris-draft`"), "{story}");
    let curves = client
        .find_all(Locator::Css("#survival svg path.curve"))
        .await
        .unwrap();
    assert_eq!(curves.len(), 2, "what-if and as loaded");

    // Save: the file and the command appear on the page.
    click(client, "#save").await;
    let saved = "return document.getElementById('saved-text').textContent.length > 0";
    wait_for(client, "the saved file", saved).await;
    Shown {
        result: client
            .execute("return window.whatIf.result", vec![])
            .await
            .unwrap(),
        saved_text: text_of(client, "saved-text").await,
        command: text_of(client, "command").await,
    }
}

fn check_saved_file(shown: &Shown) {
    let text = &shown.saved_text;
    assert!(text.contains("extends = \"paris-2026.toml\""), "{text}");
    assert!(text.contains("posture = \"line\""), "{text}");
    let runs = shown.result["runs"].as_u64().unwrap();
    let seed = shown.result["seed"].as_u64().unwrap();
    let expected = format!("--runs {runs} --seed {seed}");
    assert!(shown.command.contains(&expected), "{}", shown.command);
    check_run_reproduces(&shown.result, text);
}
