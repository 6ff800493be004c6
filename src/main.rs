fn main() -> std::process::ExitCode {
    restore_default_sigpipe();
    guarantee_sim::cli::main()
}

/// Rust starts programs with SIGPIPE ignored, so output into a closed pipe
/// (`guarantee-sim explain ... | head`) makes `println!` panic. Command-line
/// tools end quietly instead; restoring the default signal action does that.
#[cfg(unix)]
fn restore_default_sigpipe() {
    // SAFETY: called first thing in main, before any other thread exists;
    // SIG_DFL is a valid action for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_default_sigpipe() {}
