//! A what-if server on a free loopback port, for the server and browser
//! tests, with a small HTTP client that never treats a status as an error.

#![allow(dead_code)]

use std::net::SocketAddr;

use guarantee_sim::scenario::{self, bundled};
use guarantee_sim::serve::{AppState, Limits, Served, extends_target, router};

pub const BUNDLED: &str = "paris-2026.toml";

/// A running server; dropped, it shuts down.
pub struct Server {
    pub addr: SocketAddr,
    /// The server's state, for its gauge of simulations running.
    pub state: std::sync::Arc<AppState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    pub fn start(limits: Limits) -> Server {
        Self::start_with_runs(limits, guarantee_sim::serve::QUICK_RUNS)
    }

    /// A server whose page asks for `runs` per cell, and no more.
    pub fn start_with_runs(limits: Limits, runs: u64) -> Server {
        let text = bundled(BUNDLED).expect("the bundled file is built in");
        let merged = scenario::merge_str(BUNDLED, text, None)
            .unwrap_or_else(|e| panic!("{}", e.render(false)));
        let loaded = merged
            .clone()
            .compile()
            .unwrap_or_else(|e| panic!("{}", e.render(false)));
        let extends = extends_target(&loaded.sources[0]);
        let mut served = Served::new(merged, loaded, BUNDLED.to_string(), extends).with_runs(runs);
        served.refined_runs = runs;
        let state = AppState::new(served, limits);
        let shared = state.clone();
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let stopping = state.clone();
                axum::serve(listener, router(state))
                    .with_graceful_shutdown(async move {
                        let _ = stopped.await;
                        stopping.stop();
                    })
                    .await
                    .unwrap();
            });
        });
        Server {
            addr: addr_rx.recv().unwrap(),
            state: shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Waits until `running` simulations run, at most `seconds`; whether
    /// they did.
    pub fn wait_for_running(&self, running: usize, seconds: u64) -> bool {
        let started = std::time::Instant::now();
        while started.elapsed() < std::time::Duration::from_secs(seconds) {
            if self.state.simulations_running() == running {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        false
    }

    /// Sends a JSON POST on a raw connection and closes it without reading
    /// the answer once `until` returns, as a closed browser tab does.
    pub fn post_and_hang_up(&self, path: &str, body: &serde_json::Value, until: impl FnOnce()) {
        use std::io::Write;
        let body = body.to_string();
        let mut stream = std::net::TcpStream::connect(self.addr).unwrap();
        write!(
            stream,
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\n\r\n{body}",
            self.addr,
            body.len()
        )
        .unwrap();
        stream.flush().unwrap();
        until();
        drop(stream);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Status, content type and body of an answer.
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The `error` of a JSON error answer.
    pub fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error: {}", self.body))
            .to_string()
    }
}

fn answer(mut response: ureq::http::Response<ureq::Body>) -> Answer {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Answer {
        status,
        content_type,
        body,
    }
}

pub fn get(url: &str) -> Answer {
    answer(agent().get(url).call().unwrap())
}

pub fn post(url: &str, content_type: &str, body: &str) -> Answer {
    answer(
        agent()
            .post(url)
            .header("Content-Type", content_type)
            .send(body)
            .unwrap(),
    )
}

pub fn post_json(url: &str, body: &serde_json::Value) -> Answer {
    post(url, "application/json", &body.to_string())
}

/// Writes a saved what-if next to nothing else, checks that `validate`
/// accepts it and that `run` with the page's runs and seed gives, cell by
/// cell, the hold rates `shown` (an `/api/run` answer) gave.
pub fn check_run_reproduces(shown: &serde_json::Value, saved_text: &str) {
    let runs = shown["runs"].as_u64().unwrap();
    let seed = shown["seed"].as_u64().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("what-if.toml"), saved_text).unwrap();
    let bin = env!("CARGO_BIN_EXE_guarantee-sim");
    let command = |args: &[&str]| {
        let output = std::process::Command::new(bin)
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    command(&["validate", "what-if.toml"]);
    let (runs_text, seed_text) = (runs.to_string(), seed.to_string());
    command(&[
        "run",
        "what-if.toml",
        "--runs",
        &runs_text,
        "--seed",
        &seed_text,
        "--quiet",
        "--out",
        "out",
    ]);
    let mut summary = csv::Reader::from_path(dir.path().join("out/summary.csv")).unwrap();
    let headers = summary.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let mut compared = 0;
    for row in summary.records() {
        let row = row.unwrap();
        let scenario = shown["scenarios"]
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
        assert_eq!(row[column("runs")].parse::<u64>().unwrap(), runs);
        let rate: f64 = row[column("hold_rate")].parse().unwrap();
        let page = cell["holds"].as_u64().unwrap() as f64 / runs as f64;
        assert!(
            (rate - page).abs() < 1e-9,
            "{row:?}: the page showed {page}"
        );
        compared += 1;
    }
    let cells: usize = shown["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["cells"].as_array().unwrap().len())
        .sum();
    assert_eq!(compared, cells);
    assert!(compared > 30, "{compared} cells compared");
}
