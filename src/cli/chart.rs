//! `guarantee-sim chart DIR`: redraws the charts of an earlier run from its
//! CSV tables, without simulating again.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Context;
use super::common::dedup;
use crate::report::charts::{
    ChartFormat, ChartKind, ChartOptions, MAX_SIDE, MIN_HEIGHT, MIN_WIDTH, render_from_dir,
};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim chart output/paris-2026
  guarantee-sim chart output/paris-2026 --format svg --width 1600 --height 900
  guarantee-sim chart output/paris-2026 --only heatmap,survival
  guarantee-sim chart output/paris-2026 --only guarantors --guarantor-package porcupine

Charts are written to DIR/charts/ as PNG (2x resolution, for slides) and SVG
(for print). Drawn from the same tables with the same options, they are the
same bytes as the run wrote. Charts: hold-rate, heatmap, survival,
survival-all-runs, outcomes, guarantors, robustness.";

/// Arguments of `chart`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Output folder of an earlier `guarantee-sim run` (with summary.csv and manifest.json).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// File formats, comma-separated: png, svg.
    #[arg(
        long,
        value_name = "F",
        value_delimiter = ',',
        default_value = "png,svg"
    )]
    pub format: Vec<ChartFormat>,
    /// Width in logical pixels (PNG files have twice as many).
    #[arg(long, value_name = "PX", default_value_t = 1200, value_parser = parse_width, allow_hyphen_values = true)]
    pub width: u32,
    /// Height in logical pixels.
    #[arg(long, value_name = "PX", default_value_t = 675, value_parser = parse_height, allow_hyphen_values = true)]
    pub height: u32,
    /// Only these charts, comma-separated (default: all).
    #[arg(long, value_name = "KINDS", value_delimiter = ',')]
    pub only: Vec<ChartKind>,
    /// Package whose guarantors' honour rates are drawn (default: paris-draft if present).
    #[arg(long, value_name = "P")]
    pub guarantor_package: Option<String>,
}

fn parse_width(s: &str) -> Result<u32, String> {
    parse_pixels(s, "width", MIN_WIDTH)
}

fn parse_height(s: &str) -> Result<u32, String> {
    parse_pixels(s, "height", MIN_HEIGHT)
}

/// Chart sizes: below the smallest the layouts cannot keep slide-sized text
/// apart; above the largest a PNG (drawn at twice that) would need hundreds
/// of megabytes.
fn parse_pixels(s: &str, what: &str, min: u32) -> Result<u32, String> {
    const MAX: u32 = MAX_SIDE;
    match s.trim().parse::<u32>() {
        Ok(px) if (min..=MAX).contains(&px) => Ok(px),
        _ => Err(format!(
            "expected a {what} in pixels, a whole number from {min} to {MAX}, got `{s}`"
        )),
    }
}

pub fn run(_ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    if !args.dir.is_dir() {
        anyhow::bail!(
            "{} is not a folder; give the output folder of a `guarantee-sim run` (e.g. output/paris-2026)",
            args.dir.display()
        );
    }
    let options = ChartOptions {
        formats: dedup(&args.format),
        width: args.width,
        height: args.height,
        which: if args.only.is_empty() {
            ChartKind::ALL.to_vec()
        } else {
            dedup(&args.only)
        },
        guarantor_package: args.guarantor_package.clone(),
    };
    let written = render_from_dir(&args.dir, &options)?;
    println!(
        "{} chart files written to {}",
        written.len(),
        args.dir.join("charts").display()
    );
    Ok(ExitCode::SUCCESS)
}
