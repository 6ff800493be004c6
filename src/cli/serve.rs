//! `guarantee-sim serve`: the what-if page on a local web server.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::Context;
use super::common::merge_input;
use crate::serve::{AppState, Limits, Served, extends_target, is_loopback, router};

const EXAMPLES: &str = "\
EXAMPLES:
  guarantee-sim serve --open                         the bundled file; opens the page in a browser
  guarantee-sim serve my-what-if.toml --port 8099    your own file

Shows the file's packages and scenarios with their levers (force size and
posture, legal form, sanctions, monitoring, the US backstop, reconstruction
money; Russian intent and events; US resolve and coalition cohesion). Each
move re-runs every package and scenario on the file's seed, paired with the
file as loaded. `Save as scenario file` downloads a small file that extends
this one; the page shows the `run` command that reproduces its numbers.
Bound to 127.0.0.1 unless --bind says otherwise. Ctrl-C stops it.";

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// Scenario file (default: scenarios/paris-2026.toml, or the built-in copy).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to listen on. Anything but a loopback address lets other
    /// machines drive the page (and the CPU): a warning is printed.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// Runs per package and scenario of the first answer after a lever
    /// moves (the page then asks for 10,000 while nothing moves). Default:
    /// as many as answer within a second, 500 to 2,000 (1,000 for the
    /// bundled file).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=crate::serve::MAX_RUNS))]
    pub runs: Option<u64>,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
}

pub fn run(ctx: &Context, args: &Args) -> anyhow::Result<ExitCode> {
    let Some((merged, input)) = merge_input(ctx, args.file.as_deref()) else {
        return Ok(ExitCode::FAILURE);
    };
    let extends = extends_target(&input.loaded.sources[0]);
    let mut served = Served::new(merged, input.loaded, input.shown, extends);
    if let Some(runs) = args.runs {
        served = served.with_runs(runs);
    }
    let state = AppState::new(served, Limits::default());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the web server")?;
    runtime.block_on(async {
        let addr = SocketAddr::new(args.bind, args.port);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} (try another --port)"))?;
        let local = listener.local_addr()?;
        if !is_loopback(&args.bind) {
            eprintln!(
                "warning: listening on {local}: anyone who can reach this machine can use the page and its CPU"
            );
        }
        let url = format!("http://{local}/");
        println!(
            "Serving {} at {url} (Ctrl-C to stop)",
            state.served.shown
        );
        if args.open {
            open_browser(&url);
        }
        let stopping = state.clone();
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async move {
                let _ = tokio::signal::ctrl_c().await;
                eprintln!("Stopping: finishing the requests under way");
                stopping.stop();
            })
            .await
            .context("serving the page")
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Opens `url` with the desktop's opener; a failure only prints a note.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("note: could not open a browser ({opener}: {e}); open {url} yourself");
    }
}
