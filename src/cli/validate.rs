//! `guarantee-sim validate FILE...`

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use crate::scenario;

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim validate scenarios/paris-2026.toml
  guarantee-sim validate scenarios/*.toml
  NO_COLOR=1 guarantee-sim validate my-what-if.toml 2> errors.txt
  guarantee-sim validate --all-warnings my-what-if.toml

Every error names the file, line and column, shows the line and says what was
expected. Packages that break a stated constraint (e.g. US ground troops when
the US rules them out) are not errors: they are reported as infeasible and
left out of simulations. A warning your file causes in an entry of the file it
extends (troops sent home, a package made infeasible) points at your file;
warnings the bundled parent has on its own are counted in one line
(--all-warnings shows them). Exit code: 0 if every file is valid, 1 otherwise.";

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario files (.toml) to check.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Also show the warnings a bundled parent file has on its own (by
    /// default they are counted in one line: they are not the edit's).
    #[arg(long)]
    pub all_warnings: bool,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let mut failed = false;
    for path in &args.files {
        let shown = path.display().to_string();
        // A bundled file named bare and not found here: the built-in copy,
        // so the commands the tool suggests work outside the repository.
        let built_in = path
            .to_str()
            .filter(|_| !path.exists())
            .and_then(|name| scenario::bundled(name).map(|text| (name, text)));
        let loaded = match built_in {
            Some((name, text)) => scenario::load_str(name, text, None),
            None => scenario::load(path),
        };
        match loaded {
            Ok(loaded) => {
                if args.all_warnings {
                    ctx.print_all_diagnostics(&loaded.warnings);
                } else {
                    ctx.print_diagnostics(&shown, &loaded.warnings);
                }
                let w = &loaded.world;
                println!(
                    "ok: {shown}: {} countries, {} packages ({} feasible, {} infeasible), {} scenarios",
                    w.countries.len(),
                    w.packages.len() + w.infeasible.len(),
                    w.packages.len(),
                    w.infeasible.len(),
                    w.scenarios.len()
                );
                for p in &w.infeasible {
                    for v in &p.violations {
                        println!(
                            "  warning: package `{}` is infeasible: constraint `{}`, country `{}`: {} ({})",
                            p.id, v.constraint, v.country, v.reason, v.location
                        );
                    }
                }
            }
            Err(errors) => {
                failed = true;
                ctx.print_errors(&shown, &errors);
            }
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
