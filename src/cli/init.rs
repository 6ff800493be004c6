//! `guarantee-sim init PATH`

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim init my-what-if.toml
  guarantee-sim init scenarios/larger-force.toml --force
  guarantee-sim validate my-what-if.toml && guarantee-sim list my-what-if.toml

The new file `extends` the bundled paris-2026.toml and changes only a few
values; every line is commented. If scenarios/paris-2026.toml is found near the
new file, the file points to it; otherwise it names the bundled copy, which is
built into the program.";

/// Arguments of `init`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Where to write the new scenario file.
    #[arg(value_name = "PATH")]
    pub path: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

pub fn run(_ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    if args.path.exists() && !args.force {
        anyhow::bail!(
            "{} already exists; use --force to overwrite it",
            args.path.display()
        );
    }
    if args.path.is_dir() {
        anyhow::bail!("{} is a directory; name a .toml file", args.path.display());
    }
    let parent = extends_target(&args.path);
    crate::report::atomic::write_atomic(&args.path, starter(&parent).as_bytes())
        .with_context(|| format!("cannot write {}", args.path.display()))?;
    println!(
        "wrote {} (extends \"{parent}\")\nnext: guarantee-sim validate {}",
        args.path.display(),
        args.path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The `extends` value: a relative path to the bundled file when it is
/// found near `path`, else the bare name (the embedded copy).
pub fn extends_target(path: &Path) -> String {
    const NAME: &str = "paris-2026.toml";
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    for rel in [
        NAME,
        "scenarios/paris-2026.toml",
        "../scenarios/paris-2026.toml",
    ] {
        if dir.join(rel).is_file() {
            return rel.to_string();
        }
    }
    NAME.to_string()
}

/// The starter file's text.
pub fn starter(parent: &str) -> String {
    format!(
        r#"# A "what if" scenario file for guarantee-sim (exploratory, not a forecast).
#
# It starts from the bundled file and changes only what is written below.
# Tables merge key by key; [[countries]], [[packages]], [[scenarios]] and
# [[constraints]] merge by `id`: the same id changes that entry, a new id adds
# one. Check it with:   guarantee-sim validate THIS-FILE
# See every entry with: guarantee-sim list THIS-FILE
# Compare with the base: guarantee-sim compare {parent} THIS-FILE

extends = "{parent}"

[meta]
title = "My what-if"   # shown in reports
description = "Like the bundled Paris 2026 file, with fewer runs and a more revisionist Russia."

[simulation]
runs = 2000            # runs per package and scenario (more = narrower intervals, slower)

[every_scenario.coefficients]
# Values here apply in every scenario, replacing the scenario's own value.
# (A value under [coefficients] is only a default: each bundled scenario sets
# russia_intent itself, so `[coefficients] russia_intent = ...` would change
# nothing; validate warns about such values.) To change one scenario only:
#   [[scenarios]]
#   id = "renewed-attack"
#   coefficients.russia_intent = 0.8
# Any coefficient can be a number or a distribution sampled once per run:
#   {{ dist = "uniform", min = 0.1, max = 0.5 }}
#   {{ dist = "normal", mean = 0.3, sd = 0.1, min = 0.0, max = 1.0 }}
#   {{ dist = "triangular", min = 0.1, mode = 0.3, max = 0.6 }}
#   {{ dist = "beta", alpha = 4.0, beta = 2.0 }}
# `guarantee-sim schema` lists every coefficient with its unit and meaning.
russia_intent = {{ dist = "beta", alpha = 8.0, beta = 2.0 }}   # index 0-1; mean 0.8: more revisionist than any bundled scenario

# To change a package, repeat its id and only the fields you change, e.g.:
# [[packages]]
# id = "paris-draft"
# legal_form = "mutual-defence"
#
# To add a package, give it a new id and every required field:
# [[packages]]
# id = "my-package"
# name = "My package"
# legal_form = "binding-treaty"    # none, political-declaration, bilateral-agreements, binding-treaty, mutual-defence
# monitoring = "observers"         # none, technical, observers, us-led
# force = {{ lead = "france", posture = "rear", troops = {{ france = 5000, united-kingdom = 5000 }} }}
"#
    )
}
