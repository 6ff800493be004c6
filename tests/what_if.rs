//! What-if files without traps: values that change nothing warn, a value
//! can be set for every scenario, the edit's own warnings point at the
//! edit, and the starter file's example changes the result.

use std::sync::atomic::AtomicBool;

use assert_cmd::Command;
use guarantee_sim::batch::run_paired;
use guarantee_sim::model::params::{COEFFICIENTS, ParamDist};
use guarantee_sim::scenario::{Diagnostic, Loaded, load_str};

const BASE: &str = "paris-2026.toml";

fn load(text: &str) -> Loaded {
    match load_str(
        "what-if.toml",
        &format!("extends = \"{BASE}\"\n{text}"),
        None,
    ) {
        Ok(l) => l,
        Err(e) => panic!("{}", e.render(false)),
    }
}

fn bundled() -> Loaded {
    load_str(BASE, guarantee_sim::scenario::bundled(BASE).unwrap(), None).unwrap()
}

/// Warnings located in the user's file.
fn own(l: &Loaded) -> Vec<&Diagnostic> {
    l.warnings
        .iter()
        .filter(|d| {
            d.location
                .as_ref()
                .is_some_and(|at| at.path == "what-if.toml")
        })
        .collect()
}

fn coefficient(name: &str) -> usize {
    COEFFICIENTS.iter().position(|c| c.name == name).unwrap()
}

#[test]
fn a_default_every_scenario_overrides_warns_at_the_users_line() {
    let l = load("[coefficients]\nrussia_intent = 0.9\n");
    let own = own(&l);
    let d = own
        .iter()
        .find(|d| d.message.contains("russia_intent"))
        .unwrap_or_else(|| panic!("no warning: {:?}", l.warnings));
    assert!(d.message.contains("changes nothing"), "{}", d.message);
    assert_eq!(d.location.as_ref().unwrap().line, 3);
    for s in &l.world.scenarios {
        assert!(
            d.message.contains(&s.id),
            "{} not named: {}",
            s.id,
            d.message
        );
    }
    let help = d.help.as_deref().unwrap();
    assert!(help.contains("[every_scenario.coefficients]"), "{help}");
    assert!(help.contains("[[scenarios]]"), "{help}");
    // The file as a whole changes nothing either, and says so once.
    assert!(
        own.iter()
            .any(|d| d.message.contains("this file changes nothing"))
    );
}

#[test]
fn a_default_some_scenarios_override_names_them() {
    let l = load("[coefficients]\nutility_major_base = -1.0\n");
    let d = own(&l)
        .into_iter()
        .find(|d| d.message.contains("utility_major_base"))
        .expect("a warning");
    let base = bundled();
    let shadowing: Vec<&str> = base
        .spec
        .scenarios
        .iter()
        .filter(|s| s.coefficients.contains_key("utility_major_base"))
        .map(|s| s.id.as_str())
        .collect();
    assert!(!shadowing.is_empty() && shadowing.len() < l.world.scenarios.len());
    assert!(
        d.message
            .contains(&format!("ignored in {} of", shadowing.len())),
        "{}",
        d.message
    );
    for id in shadowing {
        assert!(d.message.contains(id), "{id}: {}", d.message);
    }
}

#[test]
fn every_scenario_sets_a_coefficient_in_every_scenario_without_warning() {
    let l = load("[every_scenario.coefficients]\nrussia_intent = 0.9\n");
    let ix = coefficient("russia_intent");
    for s in &l.world.scenarios {
        assert_eq!(
            s.coefficients[ix],
            ParamDist::Fixed { value: 0.9 },
            "{}",
            s.id
        );
    }
    assert!(own(&l).is_empty(), "{:?}", own(&l));
}

#[test]
fn a_bad_every_scenario_value_is_reported_once_at_its_line() {
    let err = load_str(
        "what-if.toml",
        &format!("extends = \"{BASE}\"\n[every_scenario.coefficients]\nrussia_intnt = 0.9\n"),
        None,
    )
    .unwrap_err();
    let errors: Vec<&Diagnostic> = err.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{}", err.render(false));
    assert_eq!(errors[0].file_line().as_deref(), Some("what-if.toml:3"));
    assert!(errors[0].help.as_deref().unwrap().contains("russia_intent"));
}

#[test]
fn an_entry_that_compiles_to_the_parents_warns() {
    let base = bundled();
    let posture = base
        .spec
        .packages
        .iter()
        .find(|p| p.id == "paris-draft")
        .and_then(|p| p.force.as_ref()?.posture)
        .unwrap();
    let same = serde_json::to_string(&posture).unwrap();
    let l = load(&format!(
        "[[packages]]\nid = \"paris-draft\"\nforce.posture = {same}\n"
    ));
    assert!(
        own(&l)
            .iter()
            .any(|d| d.message.contains("`paris-draft` changes nothing")),
        "{:?}",
        l.warnings
    );
}

#[test]
fn troops_the_edit_sends_home_are_shown_at_the_users_line() {
    let l = load("[[packages]]\nid = \"paris-draft\"\nbackstop = []\n");
    let stay_home: Vec<&Diagnostic> = own(&l)
        .into_iter()
        .filter(|d| d.message.contains("stay home"))
        .collect();
    assert!(!stay_home.is_empty(), "{:?}", l.warnings);
    for d in stay_home {
        assert_eq!(d.file_line().as_deref(), Some("what-if.toml:4"));
        let help = d.help.as_deref().unwrap();
        assert!(help.contains("caused by this file"), "{help}");
        assert!(help.contains("<bundled>/paris-2026.toml:"), "{help}");
    }
    // The parent's own warnings stay in the parent.
    let base_warnings = bundled().warnings.len();
    let in_parent = l
        .warnings
        .iter()
        .filter(|d| {
            d.location
                .as_ref()
                .is_some_and(|at| at.path.starts_with("<bundled>"))
        })
        .count();
    assert_eq!(in_parent, base_warnings);
}

#[test]
fn validate_shows_the_edits_warnings_and_hides_only_the_parents_own() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("what-if.toml"),
        format!("extends = \"{BASE}\"\n[[packages]]\nid = \"paris-draft\"\nbackstop = []\n"),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = Command::cargo_bin("guarantee-sim")
            .unwrap()
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .arg("validate")
            .args(extra)
            .arg("what-if.toml")
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    let stderr = run(&[]);
    assert!(stderr.contains("what-if.toml:4"), "{stderr}");
    assert!(stderr.contains("stay home"), "{stderr}");
    assert!(
        stderr.contains("guarantee-sim validate --all-warnings what-if.toml"),
        "{stderr}"
    );
    // The suggested command works outside the repository and shows them.
    let all = run(&["--all-warnings"]);
    assert!(all.contains("<bundled>/paris-2026.toml:"), "{all}");
    assert!(all.len() > stderr.len());
}

#[test]
fn the_init_example_changes_the_result() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    Command::cargo_bin("guarantee-sim")
        .unwrap()
        .current_dir(dir.path())
        .args(["init", "mine.toml"])
        .assert()
        .success();
    let mine = guarantee_sim::scenario::load(&path).unwrap();
    assert!(
        own_at(&mine, "mine.toml").is_empty(),
        "the starter file warns: {:?}",
        mine.warnings
    );
    let base = bundled();
    let narrow = |mut w: guarantee_sim::model::params::World| {
        w.packages.retain(|p| p.id == "paris-draft");
        w.scenarios.retain(|s| s.id == "ceasefire-holds");
        w
    };
    let (bw, mw) = (narrow(base.world.clone()), narrow(mine.world.clone()));
    let paired = run_paired(&bw, &mw, 3, 250, &AtomicBool::new(false));
    let hold = paired.counts[0].hold;
    assert_eq!(hold.n, 250);
    assert!(
        hold.sum_sq > 0,
        "the example changed no run's outcome: {hold:?}"
    );
    assert!(hold.estimate().unwrap().upper < 0.0, "{hold:?}");
}

fn own_at<'a>(l: &'a Loaded, file: &str) -> Vec<&'a Diagnostic> {
    l.warnings
        .iter()
        .filter(|d| {
            d.location
                .as_ref()
                .is_some_and(|at| at.path.ends_with(file))
        })
        .collect()
}

#[test]
fn a_package_based_on_another_inherits_every_field_then_overrides() {
    let l = load(
        "[[packages]]\nid = \"paris-line\"\nbased_on = \"paris-draft\"\nname = \"On the line\"\nforce.posture = \"line\"\n",
    );
    let w = &l.world;
    let draft = &w.packages[w.package_index("paris-draft").unwrap()];
    let line = &w.packages[w.package_index("paris-line").unwrap()];
    assert_eq!(line.name, "On the line");
    assert_eq!(
        format!("{:?}", line.posture),
        "Line",
        "the override applies"
    );
    assert_ne!(draft.posture, line.posture);
    let mut same = line.clone();
    same.id = draft.id.clone();
    same.name = draft.name.clone();
    same.posture = draft.posture;
    assert_eq!(&same, draft, "every other field is inherited");
}

#[test]
fn troops_scale_multiplies_every_contributor() {
    let base = bundled();
    let l = load("[[packages]]\nid = \"paris-draft\"\nforce.troops_scale = 2.0\n");
    let before = &base.world.packages[base.world.package_index("paris-draft").unwrap()];
    let after = &l.world.packages[l.world.package_index("paris-draft").unwrap()];
    assert!(before.troops.iter().any(|&t| t > 0.0));
    for (b, a) in before.troops.iter().zip(&after.troops) {
        assert_eq!(*a, (b * 2.0).round());
    }
    // Above-pledge warnings the factor causes point at the factor's line.
    assert!(
        own(&l)
            .iter()
            .any(|d| d.file_line().as_deref() == Some("what-if.toml:4")
                && d.message.contains("above its pledge")),
        "{:?}",
        l.warnings
    );
}

#[test]
fn bad_shorthands_are_clear_errors_with_file_and_line() {
    let err = load_str(
        "what-if.toml",
        &format!(
            "extends = \"{BASE}\"\n[[packages]]\nid = \"paris-line\"\nbased_on = \"paris-drft\"\n\
             [[packages]]\nid = \"paris-draft\"\nforce.troops_scale = -1.0\n"
        ),
        None,
    )
    .unwrap_err();
    let errors: Vec<&Diagnostic> = err.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert_eq!(
        errors.len(),
        2,
        "no follow-on errors:\n{}",
        err.render(false)
    );
    assert_eq!(errors[0].file_line().as_deref(), Some("what-if.toml:4"));
    assert!(errors[0].message.contains("paris-drft"));
    assert!(
        errors[0]
            .help
            .as_deref()
            .unwrap()
            .contains("did you mean `paris-draft`")
    );
    assert_eq!(errors[1].file_line().as_deref(), Some("what-if.toml:7"));
    assert!(errors[1].message.contains("cannot be negative"));
}

#[test]
fn show_prints_an_entry_with_its_comments_from_every_file_and_as_resolved() {
    use guarantee_sim::scenario::show::{Selection, show};
    let l = load("[[packages]]\nid = \"paris-draft\"\nforce.posture = \"line\"  # my change\n");
    let text = show(
        &l,
        &Selection::Entry {
            list: "packages",
            id: "paris-draft".into(),
        },
    )
    .unwrap();
    let bundled_at = text.find("# ---- <bundled>/paris-2026.toml:").expect(&text);
    let mine_at = text.find("# ---- what-if.toml:2 ----").expect(&text);
    let resolved_at = text.find("# ---- resolved").expect(&text);
    assert!(bundled_at < mine_at && mine_at < resolved_at, "{text}");
    // The bundled entry keeps its comments, and stops before the next entry.
    let bundled_part = &text[bundled_at..mine_at];
    assert!(
        bundled_part.contains("posture = \"rear\""),
        "{bundled_part}"
    );
    assert!(
        bundled_part.contains("# persons; judgement"),
        "{bundled_part}"
    );
    assert_eq!(
        bundled_part.matches("[[packages]]").count(),
        1,
        "{bundled_part}"
    );
    assert!(text[mine_at..].contains("# my change"));
    assert!(text[resolved_at..].contains("posture = \"line\""));
    let err = show(
        &l,
        &Selection::Entry {
            list: "packages",
            id: "paris-drat".into(),
        },
    )
    .unwrap_err();
    assert!(err.contains("did you mean `paris-draft`"), "{err}");
}

#[test]
fn show_reads_the_bundled_file_outside_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::cargo_bin("guarantee-sim")
            .unwrap()
            .current_dir(dir.path())
            .arg("show")
            .args(args)
            .assert()
    };
    let all = run(&[]).success();
    let stdout = String::from_utf8_lossy(&all.get_output().stdout).into_owned();
    assert!(stdout.contains(guarantee_sim::scenario::bundled(BASE).unwrap()));
    let one = run(&["--scenario", "renewed-attack"]).success();
    let stdout = String::from_utf8_lossy(&one.get_output().stdout).into_owned();
    assert!(stdout.contains("id = \"renewed-attack\""), "{stdout}");
    assert!(!stdout.contains("id = \"grey-zone\""), "{stdout}");
    let bad = run(&["--country", "frnace"]).failure();
    let stderr = String::from_utf8_lossy(&bad.get_output().stderr).into_owned();
    assert!(
        stderr.contains("--country") && stderr.contains("did you mean `france`"),
        "{stderr}"
    );
}

#[test]
fn a_value_or_an_entry_equal_to_the_parents_warns() {
    use guarantee_sim::scenario::format::ParamSpec;
    let base = bundled();
    let (name, value) = base
        .spec
        .coefficients
        .as_ref()
        .unwrap()
        .iter()
        .find_map(|(k, v)| match v {
            ParamSpec::Fixed(x) => Some((k.clone(), *x)),
            ParamSpec::Dist(_) => None,
        })
        .unwrap();
    let constraint = &base.spec.constraints[0];
    let kind = serde_json::to_string(&constraint.kind.unwrap()).unwrap();
    let l = load(&format!(
        "[coefficients]\n{name} = {value:?}\n[[constraints]]\nid = \"{}\"\nkind = {kind}\n",
        constraint.id
    ));
    let own = own(&l);
    let coefficient = own
        .iter()
        .find(|d| d.message.contains(&format!("`{name}`")))
        .unwrap_or_else(|| panic!("{:?}", l.warnings));
    assert!(coefficient.message.contains("already has this value"));
    assert_eq!(coefficient.file_line().as_deref(), Some("what-if.toml:3"));
    let entry = own
        .iter()
        .find(|d| {
            d.message
                .contains(&format!("`{}` changes nothing", constraint.id))
        })
        .unwrap_or_else(|| panic!("{:?}", l.warnings));
    assert_eq!(entry.file_line().as_deref(), Some("what-if.toml:4"));
}
