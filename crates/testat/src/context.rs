//! What every command runs with, built once in `main`: the project (resolved settings,
//! catalogue, clock, actor) and the async runtime the store needs.

use std::future::Future;
use std::path::PathBuf;

use testat_project::{Environment, Overrides, Project, ScanOverrides, Settings};
use testat_store::Store;

use crate::cli::{Cli, Command, SeverityArg};
use crate::error::CliError;

/// The context of one command.
pub struct Context {
    /// The project: settings, catalogue, clock and actor.
    pub project: Project,
    runtime: tokio::runtime::Runtime,
}

impl Context {
    /// Resolves the settings for `cli` in the current directory and starts a small
    /// runtime.
    pub fn new(cli: &Cli) -> Result<Self, CliError> {
        let dir = std::env::current_dir().map_err(|source| CliError::Read {
            path: PathBuf::from("."),
            source,
        })?;
        let settings = Settings::resolve(&dir, &overrides(cli), &Environment::from_process())?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CliError::Render(format!("cannot start the async runtime: {e}")))?;
        let mut project = Project::new(settings);
        if follows_store_version(&cli.command) && project.has_store() {
            runtime.block_on(async {
                let store = project.open_store().await?;
                let settled = project.settle_with_store(&store).await;
                store.close().await;
                settled
            })?;
        }
        Ok(Self { project, runtime })
    }

    /// Runs `future` to completion.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Opens the store once, runs `work` on it and closes it.
    pub fn with_store<T>(
        &self,
        work: impl AsyncFnOnce(&Store) -> Result<T, CliError>,
    ) -> Result<T, CliError> {
        self.block_on(async {
            let store = self.project.open_store().await?;
            let result = work(&store).await;
            store.close().await;
            result
        })
    }
}

/// Whether `command` works with the catalogue version of the engagement, so that the
/// store's version decides it (and a different one named is refused).
fn follows_store_version(command: &Command) -> bool {
    matches!(
        command,
        Command::Catalog(_)
            | Command::Rules(_)
            | Command::Attest(_)
            | Command::Evidence(_)
            | Command::Status(_)
            | Command::Assess(_)
            | Command::Report(_)
            | Command::Transition(_)
            | Command::Serve(_)
    )
}

/// What the command line says about the settings.
fn overrides(cli: &Cli) -> Overrides {
    let global = &cli.global;
    let (server, token) = match &cli.command {
        Command::Scan(args) => (args.server.clone(), args.token.clone()),
        _ => (None, None),
    };
    let scan = match &cli.command {
        Command::Scan(args) => ScanOverrides {
            rules: args.rules.clone(),
            no_builtin_rules: args.no_builtin_rules,
            fail_on: args.fail_on.map(SeverityArg::severity),
            criteria: args.criteria.clone(),
            skip_rules: args.skip_rule.clone(),
            max_file_size: args.max_file_size,
            account_baseline: args.account_baseline.clone(),
        },
        Command::Import(args) => ScanOverrides {
            fail_on: args.fail_on.map(SeverityArg::severity),
            ..ScanOverrides::default()
        },
        _ => ScanOverrides::default(),
    };
    Overrides {
        config: global.config.clone(),
        database: global.db.clone(),
        actor: global.actor.clone(),
        catalog: global.catalog.clone(),
        c5: global.c5,
        server,
        token,
        scan,
    }
}
