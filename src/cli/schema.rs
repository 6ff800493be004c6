//! `guarantee-sim schema`

use std::process::ExitCode;

use super::Context;

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim schema > scenarios/scenario.schema.json

Editors with TOML schema support (e.g. VS Code with Even Better TOML, or any
editor using Taplo) complete keys and show each coefficient's unit and meaning
when a file starts with:
  #:schema ./scenario.schema.json";

/// Arguments of `schema`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {}

pub fn run(_ctx: &Context, _args: &Args) -> anyhow::Result<ExitCode> {
    println!("{}", schema_text());
    Ok(ExitCode::SUCCESS)
}

/// The schema as printed (pretty JSON, no trailing newline).
pub fn schema_text() -> String {
    serde_json::to_string_pretty(&crate::scenario::json_schema()).unwrap_or_default()
}
