//! `testat serve`: the team server on the project's store.

use testat_server::ServerConfig;

use crate::cli::ServeArgs;
use crate::context::Context;
use crate::error::CliError;
use crate::exit::ExitStatus;

/// Runs `testat serve` until interrupted (Ctrl-C or SIGTERM), then finishes the
/// requests in flight.
pub fn run(ctx: &Context, args: &ServeArgs) -> Result<ExitStatus, CliError> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TESTAT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
    let config = ServerConfig {
        addr: args.addr,
        max_body_bytes: args.max_body,
        behind_proxy: args.behind_proxy,
        session_hours: args.session_hours.clamp(1, 24 * 30),
        ..ServerConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Render(format!("cannot start the async runtime: {e}")))?;
    let project = ctx.project.clone();
    runtime.block_on(async move {
        let store = project.open_store().await?;
        testat_server::serve(project, store, config, shutdown())
            .await
            .map_err(|source| CliError::Write {
                path: args.addr.to_string().into(),
                source,
            })
    })?;
    Ok(ExitStatus::Success)
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
