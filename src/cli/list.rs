//! `guarantee-sim list FILE`

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Context, table};
use crate::model::params::{Role, World};
use crate::scenario::{self, Loaded};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim list scenarios/paris-2026.toml
  guarantee-sim list my-what-if.toml | less

Shows the file after `extends` is resolved: every country agent, every
package (and whether a stated constraint rules it out), every scenario.";

/// Arguments of `list`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario file (.toml).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let shown = args.file.display().to_string();
    match scenario::load(&args.file) {
        Ok(loaded) => {
            ctx.print_diagnostics(&shown, &loaded.warnings);
            print!("{}", render(&loaded));
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            ctx.print_errors(&shown, &errors);
            Ok(ExitCode::FAILURE)
        }
    }
}

fn role(r: Role) -> &'static str {
    match r {
        Role::Defender => "defender",
        Role::Challenger => "challenger",
        Role::Guarantor => "guarantor",
        Role::Economic => "economic",
    }
}

fn kebab<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The three tables.
pub fn render(loaded: &Loaded) -> String {
    let w: &World = &loaded.world;
    let c = &w.countries;
    let mut out = format!("{}\n", w.title);
    out += &format!(
        "horizon {} months, {} runs, seed {}; files: {}\n\n",
        w.horizon_months,
        w.default_runs,
        w.default_seed,
        loaded
            .sources
            .iter()
            .map(|s| s.path.as_str())
            .collect::<Vec<_>>()
            .join(" <- ")
    );

    out += &format!("COUNTRIES ({})\n", c.len());
    let rows: Vec<Vec<String>> = (0..c.len())
        .map(|i| {
            let get = |v: &Vec<f64>| v.get(i).map(|x| format!("{x:.2}")).unwrap_or_default();
            vec![
                c.id.get(i).cloned().unwrap_or_default(),
                c.name.get(i).cloned().unwrap_or_default(),
                c.role.get(i).map(|r| role(*r)).unwrap_or("").to_string(),
                get(&c.military),
                get(&c.intelligence),
                get(&c.logistics),
                get(&c.resolve),
                c.response_delay_months
                    .get(i)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    out += &table(
        &[
            "id",
            "name",
            "role",
            "military",
            "intel",
            "logistics",
            "resolve",
            "delay (months)",
        ],
        &rows,
    );

    out += &format!(
        "\nPACKAGES ({}: {} feasible, {} infeasible)\n",
        w.packages.len() + w.infeasible.len(),
        w.packages.len(),
        w.infeasible.len()
    );
    let mut rows = Vec::new();
    for spec in &loaded.spec.packages {
        if let Some(p) = w.packages.iter().find(|p| p.id == spec.id) {
            let troops: f64 = p.troops.iter().sum();
            rows.push(vec![
                p.id.clone(),
                p.name.clone(),
                kebab(&p.legal_form),
                kebab(&p.monitoring),
                kebab(&p.posture),
                format!("{troops:.0}"),
                p.guarantor.iter().filter(|g| **g).count().to_string(),
                "feasible".into(),
            ]);
        } else if let Some(p) = w.infeasible.iter().find(|p| p.id == spec.id) {
            let why = p
                .violations
                .iter()
                .map(|v| format!("{} ({})", v.constraint, v.country))
                .collect::<Vec<_>>()
                .join(", ");
            rows.push(vec![
                p.id.clone(),
                p.name.clone(),
                spec.legal_form.as_ref().map(kebab).unwrap_or_default(),
                spec.monitoring.as_ref().map(kebab).unwrap_or_default(),
                spec.force
                    .as_ref()
                    .and_then(|f| f.posture.as_ref())
                    .map(kebab)
                    .unwrap_or_else(|| "none".into()),
                format!(
                    "{}",
                    spec.force
                        .as_ref()
                        .map(|f| f.troops.values().filter(|t| **t > 0).sum::<i64>())
                        .unwrap_or(0)
                ),
                "-".into(),
                format!("INFEASIBLE: {why}"),
            ]);
        }
    }
    out += &table(
        &[
            "id",
            "name",
            "legal form",
            "monitoring",
            "posture",
            "troops",
            "guarantors",
            "status",
        ],
        &rows,
    );

    out += &format!("\nSCENARIOS ({})\n", w.scenarios.len());
    let rows: Vec<Vec<String>> = w
        .scenarios
        .iter()
        .map(|s| {
            let overrides = loaded
                .spec
                .scenarios
                .iter()
                .find(|x| x.id == s.id)
                .map(|x| x.coefficients.len())
                .unwrap_or(0);
            vec![
                s.id.clone(),
                s.name.clone(),
                overrides.to_string(),
                s.events.len().to_string(),
            ]
        })
        .collect();
    out += &table(&["id", "name", "coefficients changed", "events"], &rows);
    out
}
