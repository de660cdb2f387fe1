//! `testat`: the command line. Argument parsing and wiring only; the work is done in
//! the library crates.

mod cli;
mod clock;
mod commands;
mod config;
mod error;
mod exit;
mod output;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use testat_catalog::ExternalCatalog;

use crate::cli::{Cli, ColorWhen, Command};
use crate::error::CliError;
use crate::exit::ExitStatus;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // Help and version requests are not errors.
            return if e.use_stderr() {
                ExitStatus::Error.into()
            } else {
                ExitStatus::Success.into()
            };
        }
    };
    match cli.color {
        ColorWhen::Auto => {}
        ColorWhen::Always => anstream::ColorChoice::Always.write_global(),
        ColorWhen::Never => anstream::ColorChoice::Never.write_global(),
    }
    match run(&cli) {
        Ok(status) => status.into(),
        Err(e) => {
            anstream::eprintln!(
                "{}error{}: {e}",
                output::WARN_ERROR.render(),
                output::WARN_ERROR.render_reset()
            );
            if let Some(hint) = e.hint() {
                anstream::eprintln!(
                    "  {}hint{}: {hint}",
                    output::DIM.render(),
                    output::DIM.render_reset()
                );
            }
            ExitStatus::Error.into()
        }
    }
}

fn run(cli: &Cli) -> Result<ExitStatus, CliError> {
    let catalog = testat_catalog::builtin();
    let configured = match (&cli.catalog, &cli.command) {
        // `testat.toml` may name the external catalogue; scan reads its own --config.
        (None, Command::Catalog(_)) => config::Config::load(None)?.catalog.external,
        _ => None,
    };
    let external = match cli.catalog.as_ref().or(configured.as_ref()) {
        Some(path) => {
            let external = ExternalCatalog::load(path, catalog)?;
            commands::catalog::report_unmatched(&external, catalog);
            Some(external)
        }
        None => None,
    };
    match &cli.command {
        Command::Catalog(command) => {
            commands::catalog::run(command, catalog, external.as_ref())?;
            Ok(ExitStatus::Success)
        }
        Command::Scan(args) => commands::scan::run(args, catalog, &cli.store),
        Command::Rules(command) => commands::rules::run(command, catalog),
        Command::Init => commands::store::init(&cli.store),
        Command::Runs(command) => commands::store::runs(command, &cli.store),
        Command::Evidence(command) => commands::store::evidence(command, &cli.store, catalog),
        Command::Attest(args) => commands::store::attest(args, &cli.store, catalog),
        Command::Exceptions(command) => commands::store::exceptions(command, &cli.store),
        Command::Verify => commands::store::verify(&cli.store),
        Command::Inquiry(command) => commands::inquiry::run(command, &cli.store),
        Command::Bundle(command) => commands::bundle::run(command, &cli.store),
        Command::Status(args) => commands::status::run(args, &cli.store, catalog),
        Command::Assess(args) => commands::assess::assess(args, &cli.store, catalog),
        Command::Report(args) => commands::assess::report(args, &cli.store, catalog),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            let mut buffer = Vec::new();
            clap_complete::generate(*shell, &mut command, "testat", &mut buffer);
            output::emit(None, &String::from_utf8_lossy(&buffer))?;
            Ok(ExitStatus::Success)
        }
    }
}
