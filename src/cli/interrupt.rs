//! Ctrl-C, SIGTERM and SIGHUP during `run`: the first stops the simulation
//! after the runs under way and lets the results written so far be saved
//! (marked partial); a second leaves at once, removing this process's
//! temporary files.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use crate::report::{charts::CHARTS_DIR, is_stale_temp};

/// Where the run is when a signal comes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Stage {
    Simulating = 0,
    /// Every run is done; only the outputs are being written.
    Writing = 1,
}

/// Shared between the run and its signal handler.
#[derive(Debug, Clone)]
pub struct Interrupt {
    pub cancel: Arc<AtomicBool>,
    stage: Arc<AtomicU8>,
}

impl Interrupt {
    /// Installs the handler for SIGINT, SIGTERM and SIGHUP.
    pub fn install(out_dir: PathBuf) -> Interrupt {
        let interrupt = Interrupt {
            cancel: Arc::new(AtomicBool::new(false)),
            stage: Arc::new(AtomicU8::new(Stage::Simulating as u8)),
        };
        let shared = interrupt.clone();
        let _ = ctrlc::set_handler(move || {
            if shared.cancel.swap(true, Ordering::SeqCst) {
                remove_own_temporaries(&out_dir);
                std::process::exit(130);
            }
            eprintln!("\n{}", notice(shared.stage()));
        });
        interrupt
    }

    pub fn set_stage(&self, stage: Stage) {
        self.stage.store(stage as u8, Ordering::SeqCst);
    }

    fn stage(&self) -> Stage {
        match self.stage.load(Ordering::SeqCst) {
            0 => Stage::Simulating,
            _ => Stage::Writing,
        }
    }
}

/// What the first signal does, in the words shown to the user.
pub fn notice(stage: Stage) -> &'static str {
    match stage {
        Stage::Simulating => {
            "interrupt: finishing the runs under way and writing partial results (Ctrl-C again to abort)"
        }
        Stage::Writing => {
            "interrupt: every run is finished; writing the complete results (Ctrl-C again to abort)"
        }
    }
}

/// Removes the temporary files this process has open in the output folder,
/// so an abort leaves no `.runs.csv.<pid>.tmp` behind.
fn remove_own_temporaries(out_dir: &std::path::Path) {
    let suffix = format!(".{}.tmp", std::process::id());
    for dir in [out_dir.to_path_buf(), out_dir.join(CHARTS_DIR)] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(&suffix) && is_stale_temp(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_after_the_last_run_does_not_announce_partial_results() {
        assert!(notice(Stage::Simulating).contains("partial"));
        assert!(!notice(Stage::Writing).contains("partial"));
        assert!(notice(Stage::Writing).contains("complete"));
    }

    #[test]
    fn an_abort_removes_only_this_process_temporaries() {
        let dir = tempfile::tempdir().unwrap();
        let own = format!(".runs.csv.{}.tmp", std::process::id());
        std::fs::write(dir.path().join(&own), "x").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        std::fs::create_dir(dir.path().join(CHARTS_DIR)).unwrap();
        let chart = format!(".heatmap-final.png.{}.tmp", std::process::id());
        std::fs::write(dir.path().join(CHARTS_DIR).join(&chart), "x").unwrap();
        remove_own_temporaries(dir.path());
        assert!(!dir.path().join(own).exists());
        assert!(!dir.path().join(CHARTS_DIR).join(chart).exists());
        assert!(dir.path().join("notes.txt").exists());
    }
}
