//! `testat`: the command line. Argument parsing and wiring only; the work is done in
//! the library crates.

mod cli;
mod commands;
mod context;
mod error;
mod exit;
mod output;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{Cli, ColorWhen, Command};
use crate::context::Context;
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
    match cli.global.color {
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
    if let Command::Completions { shell } = &cli.command {
        let mut command = Cli::command();
        let mut buffer = Vec::new();
        clap_complete::generate(*shell, &mut command, "testat", &mut buffer);
        output::emit(None, &String::from_utf8_lossy(&buffer))?;
        return Ok(ExitStatus::Success);
    }
    let ctx = Context::new(cli)?;
    match &cli.command {
        Command::Catalog(command) => commands::catalog::run(&ctx, command),
        Command::Scan(args) => commands::scan::run(&ctx, args),
        Command::Import(args) => commands::import::run(&ctx, args),
        Command::Rules(command) => commands::rules::run(&ctx, command),
        Command::Init => commands::init::run(&ctx),
        Command::Runs(command) => commands::runs::run(&ctx, command),
        Command::Evidence(command) => commands::evidence::run(&ctx, command),
        Command::Attest(args) => commands::attest::run(&ctx, args),
        Command::Exceptions(command) => commands::exceptions::run(&ctx, command),
        Command::Verify { anchor } => commands::verify::run(&ctx, anchor.as_deref()),
        Command::Inquiry(command) => commands::inquiry::run(&ctx, command),
        Command::Bundle(command) => commands::bundle::run(&ctx, command),
        Command::Status(args) => commands::status::run(&ctx, args),
        Command::Assess(args) => commands::assess::assess(&ctx, args),
        Command::Report(args) => commands::assess::report(&ctx, args),
        Command::Transition(args) => commands::transition::run(&ctx, args),
        Command::Serve(args) => commands::serve::run(&ctx, args),
        Command::User(command) => commands::team::user(&ctx, command),
        Command::Token(command) => commands::team::token(&ctx, command),
        Command::Completions { .. } => Ok(ExitStatus::Success),
    }
}
