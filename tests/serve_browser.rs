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
use serve_support::Server;

/// Runs per cell: a debug build is slow, and the page only has to update.
const RUNS: u64 = 10;

fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
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
    let _driver = Driver(
        Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
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

/// What the page showed at the end and the file it saved.
struct Shown {
    result: Value,
    saved_text: String,
    command: String,
}

async fn drive(client: &Client, server: &Server) -> Shown {
    client.goto(&server.url("/")).await.unwrap();
    wait_for(
        client,
        "the first answer",
        "return document.body.dataset.updates === '1'",
    )
    .await;
    let bars = client
        .find_all(Locator::Css("#chart svg rect.bar"))
        .await
        .unwrap();
    assert!(bars.len() >= 5, "{} bars", bars.len());

    // Move the US resolve slider down with the keyboard.
    let slider = client
        .find(Locator::Css(
            "input[type=range][data-path='countries.united-states.resolve']",
        ))
        .await
        .unwrap();
    for _ in 0..40 {
        slider
            .send_keys(&char::from(Key::Left).to_string())
            .await
            .unwrap();
    }
    let moved = wait_for(
        client,
        "the answer after the move",
        "const r = window.whatIf.result; return r && r.changes.some(c => c.includes('resolve')) && document.body.dataset.runs === String(r.runs) && !window.whatIf.request.signal.aborted && window.whatIf.movedAt === 0 ? r : null",
    )
    .await;
    assert!(
        moved["changes"][0]
            .as_str()
            .unwrap()
            .contains("united-states"),
        "{}",
        moved["changes"]
    );
    let summary = client
        .find(Locator::Id("summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(summary.contains("resolve"), "{summary}");
    // The ranking and the chart show the new answer for the chosen scenario.
    let chosen = client
        .find(Locator::Id("scenario-pick"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    let scenario = moved["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == chosen.as_str())
        .unwrap();
    let first = scenario["ranking"][0].as_str().unwrap();
    let ranking = client
        .find(Locator::Id("ranking"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
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
    let grid = client
        .find(Locator::Id("grid"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        grid.contains("pts"),
        "the table shows paired changes: {grid}"
    );

    // A posture change through its select, then a cell for the story.
    client
        .find(Locator::Id("package-pick"))
        .await
        .unwrap()
        .select_by_value("paris-draft")
        .await
        .unwrap();
    let posture = client
        .find(Locator::Css(
            "select[data-path='packages.paris-draft.force.posture']",
        ))
        .await
        .unwrap();
    posture.select_by_value("line").await.unwrap();
    wait_for(
        client,
        "the answer after the posture change",
        "const r = window.whatIf.result; return r && r.changes.some(c => c.includes('posture')) && window.whatIf.movedAt === 0 ? r : null",
    )
    .await;
    client
        .find(Locator::Css(
            "#grid button[data-package='paris-draft'][data-scenario='renewed-attack']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        client,
        "the story",
        "return document.body.dataset.explained === 'paris-draft/renewed-attack'",
    )
    .await;
    let story = client
        .find(Locator::Id("story"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(story.contains("Run 0 of package `paris-draft`"), "{story}");
    let curves = client
        .find_all(Locator::Css("#survival svg path.curve"))
        .await
        .unwrap();
    assert_eq!(curves.len(), 2, "what-if and as loaded");

    // Save: the file and the command appear on the page.
    client
        .find(Locator::Id("save"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(
        client,
        "the saved file",
        "return document.getElementById('saved-text').textContent.length > 0",
    )
    .await;
    let saved_text = client
        .find(Locator::Id("saved-text"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let command = client
        .find(Locator::Id("command"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let result = client
        .execute("return window.whatIf.result", vec![])
        .await
        .unwrap();
    Shown {
        result,
        saved_text,
        command,
    }
}

fn result_runs(result: &Value) -> u64 {
    result["runs"].as_u64().unwrap()
}

fn check_saved_file(shown: &Shown) {
    assert!(
        shown.saved_text.contains("extends = \"paris-2026.toml\""),
        "{}",
        shown.saved_text
    );
    assert!(
        shown.saved_text.contains("posture = \"line\""),
        "{}",
        shown.saved_text
    );
    let runs = result_runs(&shown.result);
    let seed = shown.result["seed"].as_u64().unwrap();
    assert!(
        shown
            .command
            .contains(&format!("--runs {runs} --seed {seed}")),
        "{}",
        shown.command
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("what-if.toml"), &shown.saved_text).unwrap();
    let bin = env!("CARGO_BIN_EXE_guarantee-sim");
    let validate = Command::new(bin)
        .current_dir(dir.path())
        .args(["validate", "what-if.toml"])
        .output()
        .unwrap();
    assert!(
        validate.status.success(),
        "{}",
        String::from_utf8_lossy(&validate.stderr)
    );
    let out = dir.path().join("out");
    let run = Command::new(bin)
        .current_dir(dir.path())
        .args([
            "run",
            "what-if.toml",
            "--runs",
            &runs.to_string(),
            "--seed",
            &seed.to_string(),
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut summary = csv::Reader::from_path(out.join("summary.csv")).unwrap();
    let headers = summary.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut compared = 0;
    for row in summary.records() {
        let row = row.unwrap();
        let scenario = shown.result["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == row[column("scenario")])
            .unwrap();
        let cell = scenario["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["package"] == row[column("package")])
            .unwrap();
        let rate: f64 = row[column("hold_rate")].parse().unwrap();
        let page = cell["holds"].as_u64().unwrap() as f64 / runs as f64;
        assert!(
            (rate - page).abs() < 1e-9,
            "{row:?}: the page showed {page}"
        );
        compared += 1;
    }
    assert!(compared > 30, "{compared} cells compared");
}
