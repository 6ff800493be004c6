//! Property tests over hostile scenario files and command lines: whatever
//! the input, no panic, no hang, and errors that fit on a few screens.
//! A few seconds in a debug build; PROPTEST_CASES=2000 for a longer
//! hunt.

use std::process::Command;
use std::time::{Duration, Instant};

use assert_cmd::prelude::*;
use clap::Parser;
use guarantee_sim::cli::Cli;
use guarantee_sim::scenario::load_str;
use proptest::prelude::*;

const FIXTURE: &str = include_str!("fixtures/minimal.toml");

/// Longest a load or a command may take before it counts as a hang.
const HANG: Duration = Duration::from_secs(20);

/// Pieces a hostile or careless file is made of.
const SNIPPETS: &[&str] = &[
    "[[countries]]\n",
    "[[packages]]\nid = \"p\"\n",
    "[[scenarios]]\nid = \"holds\"\n",
    "[simulation]\n",
    "[coefficients]\n",
    "extends = \"paris-2026.toml\"\n",
    "extends = \"/dev/stdin\"\n",
    "extends = \"mutated.toml\"\n",
    "id = \"France\"\n",
    "id = \"\"\n",
    "role = \"defender\"\n",
    "bloc = \"atlantis\"\n",
    "runs = 0\n",
    "runs = -1\n",
    "seed = 99999999999999999999\n",
    "horizon_months = 1e309\n",
    "sanctions_drag = 5\n",
    "russia_intent = { dist = \"normal\", mean = 0.5, sd = 0 }\n",
    "russia_intent = { dist = \"uniform\", min = 0.9, max = 0.1 }\n",
    "month = 0\n",
    "month = nan\n",
    "troops = { france = -5 }\n",
    "x = [[[[[[[[[[1]]]]]]]]]]\n",
    "k = \"\u{202e}\u{0}\"\n",
    "= = =\n",
    "\"unterminated\n",
    "ключ = 1\n",
];

/// Applies one edit to `text`: insert a snippet, a long run of one, a very
/// long line, delete a range, or duplicate the text.
fn edit(text: &str, op: u8, at: usize, pick: usize) -> String {
    let mut cut = at % (text.len() + 1);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let (head, tail) = text.split_at(cut);
    let snippet = SNIPPETS[pick % SNIPPETS.len()];
    match op % 5 {
        0 => format!("{head}\n{snippet}{tail}"),
        1 => format!("{head}\n{}{tail}", snippet.repeat(500 + pick % 2000)),
        2 => format!(
            "{head}\nwide = \"{}\"\n{tail}",
            "x".repeat(10_000 + pick % 100_000)
        ),
        3 => {
            let mut end = (cut + pick % 400).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            format!("{head}{}", &text[end..])
        }
        _ => format!("{text}\n{text}"),
    }
}

/// Errors fit on a few screens: a bounded number of short lines.
fn one_screen(stderr: &str) -> Result<(), TestCaseError> {
    let lines = stderr.lines().count();
    prop_assert!(lines <= 300, "{lines} lines of errors");
    let widest = stderr.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    prop_assert!(widest <= 200, "a line of {widest} characters");
    Ok(())
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(200), ..ProptestConfig::default() })]

    #[test]
    fn hostile_scenario_files_fail_fast_and_briefly(
        edits in proptest::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..5)
    ) {
        let mut text = FIXTURE.to_string();
        for (op, at, pick) in &edits {
            text = edit(&text, *op, *at, *pick);
        }
        let started = Instant::now();
        let result = load_str("mutated.toml", &text, None);
        prop_assert!(started.elapsed() < HANG, "load took {:?}", started.elapsed());
        if let Err(errors) = result {
            prop_assert!(errors.error_count() > 0 || errors.diagnostics.is_empty());
            one_screen(&errors.render(false))?;
        }
    }
}

/// Flags and values a command line is made of.
const WORDS: &[&str] = &[
    "run",
    "validate",
    "list",
    "explain",
    "chart",
    "init",
    "schema",
    "--runs",
    "--seed",
    "--threads",
    "--precision",
    "--max-runs",
    "--packages",
    "--scenarios",
    "--reference",
    "--out",
    "--replay",
    "--per-run",
    "--no-charts",
    "--force",
    "--quiet",
    "--package",
    "--scenario",
    "--run",
    "--format",
    "--width",
    "--height",
    "--only",
    "--color",
    "-p",
    "-s",
    "0",
    "-1",
    "1",
    "250",
    "18446744073709551616",
    "1e9",
    "nan",
    "-0.5",
    "0.01",
    "paris-draft",
    "renewed-attack",
    "png,svg",
    "heatmap",
    "json",
    "never",
    "/dev/zero",
    "/dev/stdin",
    "tests/fixtures/minimal.toml",
    "",
    " ",
    "--",
    "=",
    "--runs=5",
    "ü\u{7f}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(400), ..ProptestConfig::default() })]

    #[test]
    fn any_command_line_parses_or_gets_a_short_error(
        picks in proptest::collection::vec(any::<usize>(), 0..8)
    ) {
        let args = std::iter::once("guarantee-sim")
            .chain(picks.iter().map(|p| WORDS[p % WORDS.len()]));
        if let Err(e) = Cli::try_parse_from(args) {
            one_screen(&e.to_string())?;
        }
    }
}

proptest! {
    // Each case starts the binary: few cases, commands that do not simulate
    // a whole batch.
    #![proptest_config(ProptestConfig { cases: cases(24), ..ProptestConfig::default() })]

    #[test]
    fn the_binary_never_panics_or_hangs_on_odd_arguments(
        command in 0usize..4,
        picks in proptest::collection::vec(any::<usize>(), 0..5)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Command::cargo_bin("guarantee-sim").unwrap();
        c.env("NO_COLOR", "1").current_dir(env!("CARGO_MANIFEST_DIR"));
        match command {
            0 => c.args(["validate", "tests/fixtures/minimal.toml"]),
            1 => c.args(["list", "tests/fixtures/minimal.toml"]),
            2 => c.args(["explain", "tests/fixtures/minimal.toml", "-p", "aid-only", "-s", "holds"]),
            _ => c.arg("chart").arg(dir.path()),
        };
        c.args(picks.iter().map(|p| WORDS[p % WORDS.len()]));
        let mut child = c
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .stdin(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while child.try_wait().unwrap().is_none() {
            if started.elapsed() > HANG {
                let _ = child.kill();
                prop_assert!(false, "hung: {:?}", c);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(!stderr.contains("panicked"), "{stderr}");
        prop_assert!(matches!(out.status.code(), Some(0..=2)), "{:?}: {stderr}", out.status);
        one_screen(&stderr)?;
    }
}
