//! The what-if server over loopback: every endpoint, every class of bad
//! input, a burst of concurrent requests, cancellation, a clean Ctrl-C, and
//! a saved file that `validate` accepts and `run` reproduces.

mod serve_support;

use std::process::{Command, Stdio};

use guarantee_sim::serve::{Limits, MAX_BODY_BYTES, MAX_RUNS};
use serde_json::{Value, json};
use serve_support::*;

/// Few runs: a debug build simulates a few hundred runs of the bundled
/// file's 42 cells a second, and pairing makes small runs exact
/// comparisons all the same.
const RUNS: u64 = 20;

fn cell<'a>(result: &'a Value, scenario: &str, package: &str) -> &'a Value {
    let s = result["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == scenario)
        .unwrap();
    s["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["package"] == package)
        .unwrap()
}

#[test]
fn the_page_and_its_assets_are_served_without_outside_links() {
    let server = Server::start(Limits::default());
    let page = get(&server.url("/"));
    assert_eq!(page.status, 200);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(page.body.contains("/app.js") && page.body.contains("/app.css"));
    for (path, kind) in [("/app.js", "text/javascript"), ("/app.css", "text/css")] {
        let asset = get(&server.url(path));
        assert_eq!(asset.status, 200);
        assert!(asset.content_type.starts_with(kind));
        assert!(
            !asset.body.contains("http://") && !asset.body.contains("https://"),
            "{path} loads from outside"
        );
    }
    assert!(!page.body.contains("https://"));
}

#[test]
fn the_levers_come_from_the_file() {
    let server = Server::start(Limits::default());
    let levers = get(&server.url("/api/levers"));
    assert_eq!(levers.status, 200);
    let info = levers.json();
    assert_eq!(info["extends"], "paris-2026.toml");
    let packages = info["packages"].as_array().unwrap();
    assert!(
        packages.iter().any(|p| p["id"] == "paris-draft"),
        "{packages:?}"
    );
    let find = |path: &str| {
        info["levers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["path"] == path)
            .unwrap_or_else(|| panic!("no {path}"))
            .clone()
    };
    assert_eq!(find("packages.paris-draft.force.posture")["kind"], "choice");
    assert_eq!(
        find("packages.paris-draft.sanctions.severity")["kind"],
        "number"
    );
    assert_eq!(find("packages.paris-draft.backstop")["kind"], "switch");
    assert_eq!(
        find("scenarios.renewed-attack.coefficients.russia_intent")["kind"],
        "number"
    );
    assert_eq!(find("scenarios.force-strike.events.0")["kind"], "switch");
    assert_eq!(find("countries.united-states.resolve")["group"], "global");
}

#[test]
fn a_moved_lever_changes_only_its_package_paired_with_the_file() {
    let server = Server::start(Limits::default());
    let url = server.url("/api/run");
    let loaded = post_json(&url, &json!({ "runs": RUNS }));
    assert_eq!(loaded.status, 200, "{}", loaded.body);
    let loaded = loaded.json();
    for s in loaded["scenarios"].as_array().unwrap() {
        for c in s["cells"].as_array().unwrap() {
            assert_eq!(c["unchanged"], true);
            assert_eq!(c["hold_change"]["value"], 0.0);
        }
    }
    let moved = post_json(
        &url,
        &json!({
            "runs": RUNS,
            "changes": { "packages.paris-draft.force.posture": "line" },
        }),
    );
    assert_eq!(moved.status, 200, "{}", moved.body);
    let moved = moved.json();
    assert_eq!(moved["runs"], RUNS);
    let change = &cell(&moved, "renewed-attack", "paris-draft")["hold_change"];
    assert_eq!(
        cell(&moved, "renewed-attack", "paris-draft")["unchanged"],
        false
    );
    let (lower, upper) = (
        change["lower"].as_f64().unwrap(),
        change["upper"].as_f64().unwrap(),
    );
    assert!(
        lower <= change["value"].as_f64().unwrap() && change["value"].as_f64().unwrap() <= upper
    );
    assert_eq!(change["within_noise"], lower <= 0.0 && 0.0 <= upper);
    assert_eq!(
        cell(&moved, "renewed-attack", "porcupine")["unchanged"],
        true
    );
    assert_eq!(
        cell(&moved, "renewed-attack", "porcupine")["holds"],
        cell(&loaded, "renewed-attack", "porcupine")["holds"]
    );
    assert!(
        moved["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("posture"))
    );
    for s in moved["scenarios"].as_array().unwrap() {
        let holds: Vec<u64> = s["ranking"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| {
                cell(&moved, s["id"].as_str().unwrap(), id.as_str().unwrap())["holds"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert!(holds.windows(2).all(|w| w[0] >= w[1]), "{holds:?}");
    }
}

#[test]
fn a_cell_tells_one_run_and_its_survival_curve() {
    let server = Server::start(Limits::default());
    let told = post_json(
        &server.url("/api/explain"),
        &json!({
            "package": "paris-draft", "scenario": "renewed-attack", "run": 3, "runs": RUNS,
            "changes": { "packages.paris-draft.force.posture": "line" },
        }),
    );
    assert_eq!(told.status, 200, "{}", told.body);
    let told = told.json();
    assert!(
        told["story"]
            .as_str()
            .unwrap()
            .contains("Run 3 of package `paris-draft`")
    );
    let curve = told["survival"].as_array().unwrap();
    assert_eq!(curve[0]["month"], 0);
    let values: Vec<f64> = curve.iter().map(|p| p["value"].as_f64().unwrap()).collect();
    assert!(
        values.windows(2).all(|w| w[1] <= w[0]),
        "a survival curve never rises"
    );
    assert!(told["survival_as_loaded"].as_array().is_some());
    let unknown = post_json(
        &server.url("/api/explain"),
        &json!({ "package": "paris-draf", "scenario": "renewed-attack" }),
    );
    assert_eq!(unknown.status, 422);
    assert!(unknown.error().contains("paris-draft"), "{}", unknown.body);
}

#[test]
fn every_class_of_bad_input_gets_a_clear_json_error() {
    let server = Server::start(Limits::default());
    let run = server.url("/api/run");
    let cases: Vec<(Answer, u16, &str)> = vec![
        (
            post_json(
                &run,
                &json!({ "changes": { "packages.paris-draft.sanctions.severity": 1.5 } }),
            ),
            422,
            "out of range: 0 to 1",
        ),
        (
            post_json(
                &run,
                &json!({ "changes": { "packages.paris-draft.force.posture": "front" } }),
            ),
            422,
            "valid: none",
        ),
        (
            post_json(
                &run,
                &json!({ "changes": { "packages.paris-draft.force.posture": 3 } }),
            ),
            422,
            "expected one of",
        ),
        (
            post_json(
                &run,
                &json!({ "changes": { "packages.paris-draf.legal_form": "none" } }),
            ),
            422,
            "did you mean",
        ),
        (
            post_json(&run, &json!({ "runs": MAX_RUNS + 1 })),
            422,
            "out of range: 1 to",
        ),
        (post_json(&run, &json!({ "runs": 0 })), 422, "out of range"),
        (post_json(&run, &json!({ "runs": -5 })), 422, "runs"),
        (post_json(&run, &json!({ "run": 5 })), 422, "unknown field"),
        (
            post(&run, "application/json", "{\"changes\": "),
            400,
            "JSON",
        ),
        (
            post(&run, "text/plain", "{}"),
            415,
            "Content-Type: application/json",
        ),
        (
            post(
                &run,
                "application/json",
                &format!("{{\"pad\": \"{}\"}}", "x".repeat(MAX_BODY_BYTES)),
            ),
            413,
            "larger than",
        ),
        (
            post_json(
                &server.url("/api/explain"),
                &json!({ "package": "paris-draft", "scenario": "renewed-attack", "run": MAX_RUNS }),
            ),
            422,
            "`run`",
        ),
        (
            post_json(
                &server.url("/api/save"),
                &json!({ "changes": { "countries.united-states.resolve": "high" } }),
            ),
            422,
            "expected a number",
        ),
        (get(&server.url("/api/nothing")), 404, "no such page"),
        (get(&run), 405, "wrong method"),
    ];
    for (answer, status, says) in cases {
        assert_eq!(answer.status, status, "{}", answer.body);
        assert!(
            answer.content_type.starts_with("application/json"),
            "{}",
            answer.content_type
        );
        assert!(
            answer.error().contains(says),
            "expected `{says}` in {}",
            answer.body
        );
    }
    // Still serving.
    assert_eq!(get(&server.url("/api/levers")).status, 200);
}

#[test]
fn a_newer_run_cancels_the_one_waiting() {
    // One simulation at a time, taken by a long explanation: the first run
    // waits, and the second replaces it.
    let server = Server::start(Limits {
        in_flight: 8,
        simulations: 1,
    });
    let spawn = |path: &str, body: Value| {
        let url = server.url(path);
        std::thread::spawn(move || post_json(&url, &body))
    };
    let pause = || std::thread::sleep(std::time::Duration::from_millis(300));
    let busy = spawn(
        "/api/explain",
        json!({ "package": "paris-draft", "scenario": "renewed-attack", "runs": 400 }),
    );
    pause();
    let first = spawn("/api/run", json!({ "runs": RUNS }));
    pause();
    let second = spawn("/api/run", json!({ "runs": RUNS }));
    let (busy, first, second) = (
        busy.join().unwrap(),
        first.join().unwrap(),
        second.join().unwrap(),
    );
    assert_eq!(busy.status, 200, "{}", busy.body);
    assert_eq!(first.status, 409, "{}", first.body);
    assert_eq!(first.json()["cancelled"], true);
    assert_eq!(second.status, 200, "{}", second.body);
}

#[test]
fn a_client_that_hangs_up_cancels_its_simulation() {
    let server = Server::start(Limits {
        in_flight: 8,
        simulations: 1,
    });
    // Minutes of simulation in a debug build, were it not cancelled.
    let body = json!({ "runs": MAX_RUNS });
    server.post_and_hang_up("/api/run", &body, || {
        assert!(server.wait_for_running(1, 20), "the run did not start");
    });
    assert!(
        server.wait_for_running(0, 10),
        "the run goes on after its client left"
    );
    assert_eq!(get(&server.url("/api/levers")).status, 200);
}

#[test]
fn explanations_left_mid_way_never_run_more_than_the_limit() {
    // Each explanation is seconds of simulation in a debug build; a client
    // that hangs up must neither free its slot before the simulation stops
    // nor leave it running.
    let server = Server::start(Limits {
        in_flight: 8,
        simulations: 1,
    });
    for run in 0..3 {
        let body = json!({
            "package": "paris-draft", "scenario": "renewed-attack", "run": run, "runs": MAX_RUNS,
        });
        server.post_and_hang_up("/api/explain", &body, || {
            std::thread::sleep(std::time::Duration::from_millis(600));
        });
    }
    assert!(
        server.wait_for_running(0, 10),
        "an explanation goes on after its client left"
    );
    let most = server.state.most_simulations_running();
    assert_eq!(most, 1, "{most} simulations ran at once");
}

#[test]
fn a_bad_run_does_not_cancel_the_good_one_under_way() {
    let server = Server::start(Limits::default());
    let url = server.url("/api/run");
    let good = {
        let url = url.clone();
        std::thread::spawn(move || post_json(&url, &json!({ "runs": 100 })))
    };
    assert!(server.wait_for_running(1, 20), "the good run did not start");
    let bad = post_json(
        &url,
        &json!({ "changes": { "packages.paris-draft.sanctions.severity": 1.5 } }),
    );
    assert_eq!(bad.status, 422, "{}", bad.body);
    let good = good.join().unwrap();
    assert_eq!(good.status, 200, "{}", good.body);
}

#[test]
fn save_does_not_wait_for_a_simulation_slot() {
    let server = Server::start(Limits {
        in_flight: 8,
        simulations: 1,
    });
    let save = server.url("/api/save");
    // The one slot is taken by a run of minutes, cancelled when we hang up.
    server.post_and_hang_up("/api/run", &json!({ "runs": MAX_RUNS }), || {
        assert!(server.wait_for_running(1, 20), "the run did not start");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let body = json!({ "changes": { "countries.united-states.resolve": 0.4 } });
            let _ = tx.send(post_json(&save, &body));
        });
        let saved = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("save waited behind the run");
        assert_eq!(saved.status, 200, "{}", saved.body);
        assert_eq!(server.state.simulations_running(), 1);
    });
    assert!(server.wait_for_running(0, 10));
}

#[test]
fn a_burst_of_requests_is_answered_or_refused_cleanly() {
    let server = Server::start(Limits {
        in_flight: 3,
        simulations: 1,
    });
    let explain = server.url("/api/explain");
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let url = explain.clone();
            std::thread::spawn(move || {
                post_json(&url, &json!({ "package": "porcupine", "scenario": "grey-zone", "run": i, "runs": 50 }))
            })
        })
        .collect();
    let answers: Vec<Answer> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let ok = answers.iter().filter(|a| a.status == 200).count();
    let refused = answers.iter().filter(|a| a.status == 503).count();
    assert_eq!(
        ok + refused,
        answers.len(),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    assert!(ok >= 1 && refused >= 1, "ok {ok}, refused {refused}");
    for a in answers.iter().filter(|a| a.status == 503) {
        assert!(a.error().contains("busy"), "{}", a.body);
    }
    assert_eq!(server.state.most_simulations_running(), 1);
    assert_eq!(get(&server.url("/api/levers")).status, 200);
}

#[test]
fn the_saved_file_validates_and_run_reproduces_the_page() {
    let server = Server::start(Limits::default());
    let changes = json!({
        "packages.paris-draft.force.posture": "line",
        "scenarios.renewed-attack.coefficients.russia_intent": 0.6,
        "countries.united-states.resolve": 0.4,
    });
    let shown = post_json(
        &server.url("/api/run"),
        &json!({ "runs": RUNS, "changes": changes }),
    )
    .json();
    let saved = post_json(
        &server.url("/api/save"),
        &json!({ "runs": RUNS, "changes": changes }),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    let saved = saved.json();
    let text = saved["text"].as_str().unwrap();
    assert!(text.contains("extends = \"paris-2026.toml\""), "{text}");
    assert!(
        !text.contains("porcupine"),
        "only the changed values: {text}"
    );
    let command = saved["command"].as_str().unwrap();
    assert!(command.contains(&format!("--runs {RUNS}")), "{command}");
    let seed = shown["seed"].as_u64().unwrap();
    assert!(command.contains(&format!("--seed {seed}")), "{command}");

    check_run_reproduces(&shown, text);
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guarantee-sim"))
        .args(["serve", "paris-2026.toml", "--port", "0"])
        .current_dir(std::env::temp_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("{line}"));
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    assert_eq!(get(&format!("{url}api/levers")).status, 200);
    // SAFETY: kill(2) with a child's pid and SIGINT has no memory effects.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(started.elapsed().as_secs() < 20, "the server did not stop");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
