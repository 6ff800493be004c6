fn main() -> std::process::ExitCode {
    guarantee_sim::cli::main()
}
