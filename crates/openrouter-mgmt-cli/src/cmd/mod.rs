//! The hand-written commands (`api`, `auth`, `config`, `completion`, `docs`, `mock`, `usage`), each in its own module,
//! and the dispatch to them.

mod api;
mod auth;
mod completion;
mod config;
mod docs;
mod mock;
mod usage;

use clap::Command;

use crate::app::Ctx;
use crate::error::CliError;

/// The hand-written commands' definitions.
pub(crate) fn hand_written() -> Vec<Command> {
    vec![
        api::command(),
        auth::command(),
        config::command(),
        completion::command(),
        docs::command(),
        mock::command(),
        usage::command(),
    ]
}

/// Runs the hand-written command at `ctx.path`.
pub(crate) async fn run(ctx: &Ctx<'_>) -> Result<(), CliError> {
    match ctx.path.first().copied() {
        Some("api") => api::run(ctx).await,
        Some("auth") => auth::run(ctx).await,
        Some("config") => config::run(ctx),
        Some("completion") => completion::run(ctx),
        Some("docs") => docs::run(ctx),
        Some("mock") => mock::run(ctx).await,
        Some("usage") => usage::run(ctx).await,
        _ => Err(CliError::Usage(format!(
            "unknown command `{}`",
            ctx.path.join(" ")
        ))),
    }
}
