//! The `custodian` binary: parse the command line, start tracing, dispatch.

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = custodian::cli::Cli::parse();
    custodian::web::telemetry::init();
    custodian::cli::run(cli)
}
