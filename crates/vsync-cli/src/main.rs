//! The `vsync` command.

fn main() -> std::process::ExitCode {
    vsync_cli::main().into()
}
