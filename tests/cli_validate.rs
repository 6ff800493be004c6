//! `guarantee-sim validate` on good and bad input: every bad-input class
//! fails with exit code 1, never panics, and names the line and the field.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

const FIXTURE: &str = include_str!("fixtures/minimal.toml");

fn cmd() -> Command {
    let mut c = Command::cargo_bin("guarantee-sim").expect("binary built");
    c.env("NO_COLOR", "1");
    c
}

/// Runs `validate` on `path`, expects exit code 1 and returns stderr.
fn fails(path: &Path) -> String {
    let out = cmd().arg("validate").arg(path).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(
        out.status.code(),
        Some(1),
        "expected exit 1, stderr:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "panic:\n{stderr}");
    assert!(stderr.contains("error"), "no error summary:\n{stderr}");
    stderr
}

/// Writes the fixture with `replacements` applied into a temp dir.
fn variant(replacements: &[(&str, &str)]) -> (TempDir, PathBuf) {
    let mut text = FIXTURE.to_string();
    for (from, to) in replacements {
        assert!(text.contains(from), "fixture lacks {from:?}");
        text = text.replacen(from, to, 1);
    }
    write("bad.toml", &text)
}

fn write(name: &str, text: &str) -> (TempDir, PathBuf) {
    let dir = TempDir::new().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

/// 1-based line of the first occurrence of `needle` in the file.
fn line_of(path: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(path).expect("read");
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} not in file"))
}

/// Asserts stderr points at `bad.toml:LINE:` and names `field`.
fn points_at(stderr: &str, path: &Path, needle: &str, field: &str) {
    let line = line_of(path, needle);
    let loc = format!("bad.toml:{line}:");
    assert!(stderr.contains(&loc), "expected {loc} in:\n{stderr}");
    assert!(stderr.contains(field), "expected `{field}` in:\n{stderr}");
}

#[test]
fn fixture_and_bundled_files_validate() {
    cmd()
        .arg("validate")
        .arg("tests/fixtures/minimal.toml")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "5 countries, 3 packages (2 feasible, 1 infeasible), 2 scenarios",
        ));
    let files: Vec<PathBuf> = std::fs::read_dir("scenarios")
        .expect("scenarios/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    assert!(!files.is_empty(), "no scenarios/*.toml");
    cmd().arg("validate").args(&files).assert().success();
}

#[test]
fn infeasible_package_names_constraint_country_and_line() {
    let out = cmd()
        .arg("validate")
        .arg("scenarios/paris-2026.toml")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("`us-ground-troops` is infeasible"))
        .unwrap_or_else(|| panic!("no infeasible line in:\n{stdout}"));
    assert!(line.contains("united-states"), "{line}");
    assert!(line.contains("no-ground-troops"), "{line}");
    assert!(line.contains("paris-2026.toml:"), "{line}");
}

#[test]
fn empty_file() {
    let (_d, p) = write("bad.toml", "");
    assert!(fails(&p).contains("empty"));
    let (_d, p) = write("bad.toml", "  \n\n");
    assert!(fails(&p).contains("empty"));
}

#[test]
fn binary_garbage() {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let dir = TempDir::new().unwrap();
    let p = dir.path().join("bad.toml");
    std::fs::write(&p, &bytes).unwrap();
    assert!(fails(&p).contains("not a text file"));
    // Valid UTF-8 but with NUL bytes.
    let (_d, p) = write("bad.toml", "a = 1\n\0\0\0");
    assert!(fails(&p).contains("not a text file"));
}

#[test]
fn truncated_file() {
    let cut = FIXTURE.find("name = \"United Kingdom\"").unwrap() + "name = \"Unit".len();
    let (_d, p) = write("bad.toml", &FIXTURE[..cut]);
    let err = fails(&p);
    let last = FIXTURE[..cut].lines().count();
    assert!(err.contains(&format!("bad.toml:{last}:")), "{err}");
    assert!(err.contains("syntax error"), "{err}");
}

#[test]
fn huge_file_is_refused_before_parsing() {
    let dir = TempDir::new().unwrap();
    let p = dir.path().join("bad.toml");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap();
    let err = fails(&p);
    assert!(err.contains("too large"), "{err}");
    assert!(err.contains("10 MB"), "{err}");
}

#[test]
fn wrong_types() {
    let (_d, p) = variant(&[("runs = 100", "runs = \"many\"")]);
    let err = fails(&p);
    points_at(&err, &p, "runs = \"many\"", "runs");
    assert!(err.contains("whole number"), "{err}");
}

#[test]
fn nan_and_inf() {
    let (_d, p) = variant(&[
        ("volatility = 0.01", "volatility = nan"),
        ("resolve = 0.5", "resolve = -inf"),
    ]);
    let err = fails(&p);
    points_at(&err, &p, "volatility = nan", "volatility");
    points_at(&err, &p, "resolve = -inf", "resolve");
    assert!(err.contains("finite"), "{err}");
    assert!(!err.contains("has no `resolve`"), "follow-on error:\n{err}");
}

#[test]
fn negative_troops() {
    let (_d, p) = variant(&[("france = 6000", "france = -6000")]);
    let err = fails(&p);
    points_at(&err, &p, "france = -6000", "troops");
}

#[test]
fn probability_above_one() {
    let (_d, p) = variant(&[("detection_none = 0.2", "detection_none = 1.5")]);
    let err = fails(&p);
    points_at(&err, &p, "detection_none = 1.5", "detection_none");
    let (_d, p) = variant(&[("resolve = 0.9", "resolve = 1.5")]);
    let err = fails(&p);
    points_at(&err, &p, "resolve = 1.5", "resolve");
}

#[test]
fn extends_cycle() {
    let dir = TempDir::new().unwrap();
    std::fs::write(dir.path().join("a.toml"), "extends = \"b.toml\"\n").unwrap();
    std::fs::write(dir.path().join("b.toml"), "# b\nextends = \"a.toml\"\n").unwrap();
    let err = fails(&dir.path().join("a.toml"));
    assert!(err.contains("cycle"), "{err}");
    assert!(err.contains("a.toml -> "), "{err}");
    assert!(err.contains("b.toml:2:"), "{err}");
    assert!(err.contains("extends"), "{err}");
}

#[test]
fn missing_parent() {
    let (_d, p) = write("bad.toml", "# what if\nextends = \"no-such-parent.toml\"\n");
    let err = fails(&p);
    assert!(err.contains("no-such-parent.toml"), "{err}");
    assert!(err.contains("not found"), "{err}");
    points_at(&err, &p, "extends", "extends");
}

#[test]
fn directory() {
    let dir = TempDir::new().unwrap();
    assert!(fails(dir.path()).contains("is a directory"));
}

#[test]
fn missing_file() {
    let dir = TempDir::new().unwrap();
    assert!(fails(&dir.path().join("nope.toml")).contains("not found"));
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let (_d, p) = write("bad.toml", FIXTURE);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&p).is_ok() {
        // Running as root: permissions do not block reads, so the file is
        // valid and there is no error to see. Only check that nothing
        // panics.
        let out = cmd().arg("validate").arg(&p).output().unwrap();
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
        return;
    }
    let err = fails(&p);
    assert!(err.contains("permission denied"), "{err}");
}

#[test]
fn misspelled_key_gets_a_suggestion() {
    let (_d, p) = variant(&[("horizon_months = 36", "horizn_months = 36")]);
    let err = fails(&p);
    points_at(&err, &p, "horizn_months", "horizn_months");
    assert!(err.contains("did you mean `horizon_months`?"), "{err}");

    let (_d, p) = variant(&[("volatility = 0.05", "volatilty = 0.05")]);
    let err = fails(&p);
    points_at(&err, &p, "volatilty", "volatilty");
    assert!(err.contains("did you mean `volatility`?"), "{err}");
    assert!(
        !err.contains("has no `volatility`"),
        "follow-on error:\n{err}"
    );
}

#[test]
fn unknown_country_gets_a_suggestion() {
    let (_d, p) = variant(&[("france = 6000", "frnace = 6000")]);
    let err = fails(&p);
    points_at(&err, &p, "frnace", "frnace");
    assert!(err.contains("did you mean `france`?"), "{err}");

    let (_d, p) = variant(&[(
        "targets = [\"united-states\"]",
        "targets = [\"united-stats\"]",
    )]);
    let err = fails(&p);
    points_at(&err, &p, "united-stats", "united-stats");
    assert!(err.contains("did you mean `united-states`?"), "{err}");
}

#[test]
fn unknown_coefficient_gets_a_suggestion() {
    let (_d, p) = variant(&[(
        "russia_intent = { dist = \"beta\", alpha = 2.0, beta = 5.0 }",
        "russia_intnet = { dist = \"beta\", alpha = 2.0, beta = 5.0 }",
    )]);
    let err = fails(&p);
    points_at(&err, &p, "russia_intnet", "russia_intnet");
    assert!(err.contains("did you mean `russia_intent`?"), "{err}");
}

#[test]
fn bad_distributions() {
    let (_d, p) = variant(&[
        (
            "month = { dist = \"uniform\", min = 10, max = 20 }",
            "month = { dist = \"uniform\", min = 20, max = 10 }",
        ),
        ("alpha = 2.0, beta = 5.0", "alpha = -2.0, beta = 5.0"),
        (
            "choice_temperature = { dist = \"uniform\"",
            "choice_temperature = { dist = \"unifrom\"",
        ),
    ]);
    let err = fails(&p);
    points_at(&err, &p, "min = 20, max = 10", "month");
    points_at(&err, &p, "alpha = -2.0", "alpha");
    points_at(&err, &p, "unifrom", "did you mean `uniform`?");
}

#[test]
fn several_independent_errors_at_once() {
    let (_d, p) = variant(&[
        ("horizon_months = 36", "horizn_months = 36"),
        ("runs = 100", "runs = \"many\""),
        ("resolve = 0.7", "resolve = 1.5"),
        ("france = 6000", "frnace = 6000"),
        ("legal_form = \"none\"", "legal_form = \"nope\""),
        ("delay_months = 2", "delay_months = -2"),
    ]);
    let err = fails(&p);
    points_at(&err, &p, "horizn_months", "horizn_months");
    points_at(&err, &p, "runs = \"many\"", "runs");
    points_at(&err, &p, "resolve = 1.5", "resolve");
    points_at(&err, &p, "frnace", "frnace");
    points_at(&err, &p, "legal_form = \"nope\"", "legal_form");
    points_at(&err, &p, "delay_months = -2", "delay_months");
    assert!(err.contains("6 errors"), "{err}");
}

#[test]
fn missing_fields_point_at_the_table_header() {
    let (_d, p) = variant(&[
        ("resolve = 0.9\n", ""),
        ("kind = \"no-ground-troops\"\n", ""),
    ]);
    let err = fails(&p);
    // The Ukraine entry is the first [[countries]] header.
    assert!(err.contains("has no `resolve`"), "{err}");
    assert!(err.contains("has no `kind`"), "{err}");
    let text = std::fs::read_to_string(&p).unwrap();
    let header = text.lines().position(|l| l == "[[countries]]").unwrap() + 1;
    assert!(err.contains(&format!("bad.toml:{header}:")), "{err}");
}

#[test]
fn roles_and_duplicates() {
    let (_d, p) = variant(&[
        ("role = \"challenger\"", "role = \"defender\""),
        ("id = \"france-mandate\"", "id = \"uk-needs-us\""),
    ]);
    let err = fails(&p);
    assert!(
        err.contains("more than one country has role = \"defender\""),
        "{err}"
    );
    assert!(
        err.contains("no country has role = \"challenger\""),
        "{err}"
    );
    assert!(err.contains("duplicate id `uk-needs-us`"), "{err}");
}

#[test]
fn seed_out_of_range() {
    let (_d, p) = variant(&[("seed = 42", "seed = 18446744073709551615")]);
    let err = fails(&p);
    points_at(&err, &p, "seed = ", "out of range");
    let (_d, p) = variant(&[("seed = 42", "seed = -1")]);
    let err = fails(&p);
    points_at(&err, &p, "seed = -1", "seed");
}

#[test]
fn several_files_are_checked_and_all_errors_reported() {
    let (_d1, good) = write("good.toml", FIXTURE);
    let (_d2, bad) = variant(&[("runs = 100", "runs = 0")]);
    let out = cmd().arg("validate").arg(&good).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok: "));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("runs is a number of runs: 1 to 1000000000, found 0")
    );
}

#[test]
fn thousands_of_errors_are_capped_and_counted() {
    let mut text = FIXTURE.to_string();
    for i in 0..3000 {
        text += &format!(
            "\n[[countries]]\nid = \"c{i}\"\nname = \"C\"\nrole = \"guarantor\"\nresolve = 2.0\n"
        );
    }
    let (_d, p) = write("bad.toml", &text);
    let err = fails(&p);
    assert!(err.contains("more errors not shown"), "{err}");
    assert!(err.contains("bad.toml: 9000 errors found"), "{err}");
}

#[test]
fn a_what_if_file_with_an_error_fits_on_a_screen() {
    // The bundled parent has warnings by design; in a child file with
    // errors they are counted in one line, not shown in full.
    let (_dir, path) = write(
        "what-if.toml",
        "extends = \"paris-2026.toml\"\n\n[[scenarios]]\nid = \"renewed-attack\"\ncoefficients = { russia_intent = 1.5 }\n",
    );
    let stderr = fails(&path);
    assert!(stderr.contains("what-if.toml:5:34"), "{stderr}");
    assert!(stderr.contains("russia_intent"), "{stderr}");
    assert!(stderr.contains("use a number from 0 to 1"), "{stderr}");
    assert!(
        stderr.contains("that the file it extends has on its own"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("stay home"),
        "parent warnings shown in full:\n{stderr}"
    );
    assert!(stderr.lines().count() < 25, "too long:\n{stderr}");
}

#[test]
fn ids_must_be_usable_as_arguments_and_file_names() {
    let (_dir, path) = write(
        "what-if.toml",
        "extends = \"paris-2026.toml\"\n\n[[scenarios]]\nid = \"Renewed Attack\"\n",
    );
    let stderr = fails(&path);
    assert!(stderr.contains("what-if.toml:4:6"), "{stderr}");
    assert!(stderr.contains("not a valid id"), "{stderr}");
    assert!(stderr.contains("`renewed-attack`"), "{stderr}");
}

#[test]
fn a_fifo_as_scenario_file_or_parent_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let child = dir.path().join("child.toml");
    std::fs::write(&child, "extends = \"pipe.toml\"\n").unwrap();
    for path in [&fifo, &child] {
        let out = cmd()
            .arg("validate")
            .arg(path)
            .timeout(std::time::Duration::from_secs(20))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", path.display());
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
}

#[test]
fn every_value_is_checked_against_the_range_of_its_unit() {
    for (from, to, needle) in [
        (
            "sanctions_drag = 0.5",
            "sanctions_drag = 5",
            "`sanctions_drag` is a share: 0 to 1, found 5",
        ),
        (
            "answered_erosion_share = 0.5",
            "answered_erosion_share = 3",
            "`answered_erosion_share` is a share: 0 to 1, found 3",
        ),
        (
            "backstop_multiplier = 0.5",
            "backstop_multiplier = 40",
            "`backstop_multiplier` is a share: 0 to 1, found 40",
        ),
        (
            "sanctions_drag = 0.5",
            "sanctions_drag = { dist = \"uniform\", min = 0.5, max = 1.2 }",
            "reaches from 0.5 to 1.2",
        ),
    ] {
        let (_d, p) = variant(&[(from, to)]);
        let err = fails(&p);
        points_at(&err, &p, to, needle);
    }
}

#[test]
fn an_event_at_month_zero_is_refused_with_the_reason() {
    let (_d, p) = variant(&[(
        "month = { dist = \"uniform\", min = 10, max = 20 }",
        "month = 0  # the set-up",
    )]);
    let err = fails(&p);
    points_at(
        &err,
        &p,
        "month = 0  # the set-up",
        "`month` is a month after the ceasefire",
    );
    assert!(err.contains("month 0 is its set-up"), "{err}");
    assert!(err.contains("1 or more, found 0"), "{err}");
}

#[test]
fn values_merged_from_a_what_if_are_reported_in_the_what_if() {
    let (_d, p) = write(
        "what-if.toml",
        "extends = \"paris-2026.toml\"\n\n[simulation]\nruns = 0\n\n[[countries]]\nid = \"united-states\"\nrole = \"defender\"\n",
    );
    let err = fails(&p);
    assert!(err.contains("what-if.toml:4:8"), "{err}");
    assert!(err.contains("what-if.toml:8:8"), "{err}");
    assert!(!err.contains("<bundled>/paris-2026.toml:"), "{err}");
}

#[test]
fn warnings_on_a_country_overridden_by_id_are_shown_in_the_users_file() {
    let (_d, p) = write(
        "what-if.toml",
        "extends = \"paris-2026.toml\"\n\n[[countries]]\nid = \"france\"\nbloc = \"atlantis\"\npledge = { troops_max = 0, domains = [\"space\"] }\n",
    );
    let out = cmd().arg("validate").arg(&p).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown bloc `atlantis`"), "{err}");
    assert!(err.contains("what-if.toml:5:"), "{err}");
    assert!(err.contains("unknown pledge domain `space`"), "{err}");
    assert!(err.contains("what-if.toml:6:"), "{err}");
}

#[test]
fn an_invalid_id_is_shown_before_the_errors_that_follow_from_it() {
    // The country comes last in the file, after everything that names it.
    let block_start = FIXTURE.find("[[countries]]\nid = \"france\"").unwrap();
    let block_end = block_start + FIXTURE[block_start..].find("\n\n").unwrap() + 2;
    let block = FIXTURE[block_start..block_end].replace("id = \"france\"", "id = \"France\"");
    let text = format!(
        "{}{}\n{block}",
        &FIXTURE[..block_start],
        &FIXTURE[block_end..]
    );
    let (_d, p) = write("bad.toml", &text);
    let err = fails(&p);
    let root = err.find("is not a valid id").expect("root cause shown");
    let follow_on = err
        .find("unknown country `france`")
        .expect("follow-on shown");
    assert!(root < follow_on, "{err}");
}

#[test]
fn errors_fit_on_a_few_screens_whatever_the_input() {
    // A file that is not TOML, a 3 MB line, 200,000 unknown keys (which
    // took minutes when merging and look-ups were linear searches; the
    // bound is for a hang, not a speed).
    let long_line = format!(
        "extends = \"paris-2026.toml\"\n[simulation]\nx = {{{}}}\n",
        (0..200_000)
            .map(|i| format!("k{i} = 1"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let many_keys = format!(
        "extends = \"paris-2026.toml\"\n[coefficients]\n{}",
        (0..200_000)
            .map(|i| format!("k{i} = 1\n"))
            .collect::<String>()
    );
    let merged_keys = many_keys.replace("[coefficients]", "[simulation]");
    let not_toml = include_str!("../README.md").to_string();
    for (name, text) in [
        ("line.toml", long_line),
        ("keys.toml", many_keys),
        ("merged.toml", merged_keys),
        ("readme.toml", not_toml),
    ] {
        let (_d, p) = write(name, &text);
        let out = cmd()
            .arg("validate")
            .arg(&p)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.lines().count() <= 250,
            "{name}: {} lines",
            err.lines().count()
        );
        assert!(err.len() <= 30_000, "{name}: {} bytes", err.len());
        assert!(
            err.lines().all(|l| l.chars().count() <= 200),
            "{name}: a long line"
        );
        assert!(err.contains(" found"), "{name}: {err}");
    }
}

#[test]
fn plain_number_fields_are_checked_against_their_declared_range() {
    let (_d, p) = variant(&[("resolve = 0.7", "resolve = 7")]);
    let err = fails(&p);
    points_at(
        &err,
        &p,
        "resolve = 7",
        "resolve is a 0-1 index: 0 to 1, found 7",
    );
}

#[test]
fn far_apart_duplicates_name_the_first_line_instead_of_printing_every_line_between() {
    // Each duplicate's snippet used to span every line back to the first
    // definition: twenty of them printed hundreds of lines.
    let copies = "[[packages]]\nid = \"p\"\n".repeat(60);
    let (_d, p) = write("bad.toml", &format!("{FIXTURE}\n{copies}"));
    let err = fails(&p);
    let first = line_of(&p, "id = \"p\"") - 1; // the `[[packages]]` line above it
    assert!(
        err.contains(&format!("first defined here: line {first}")),
        "{err}"
    );
    assert!(
        err.lines().count() <= 300,
        "{} lines:\n{err}",
        err.lines().count()
    );
}
