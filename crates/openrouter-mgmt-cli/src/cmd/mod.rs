//! The hand-written commands (`api`, `auth`, `config`, `completion`, `docs`, `mock`, `usage`, the declarative
//! `plan`, `apply`, `drift`, `export`, `validate`, `fmt`, `schema`, and `keys rotate` grafted into a generated
//! group), each group in its own module, and the dispatch to them.

mod api;
mod auth;
mod completion;
mod config;
mod declare;
mod docs;
mod mock;
mod rotate;
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
    .into_iter()
    .chain(declare::commands())
    .collect()
}

/// Hand-written commands that live in a generated group: (group, command).
pub(crate) fn grafted() -> Vec<(&'static str, Command)> {
    vec![("keys", rotate::command())]
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
        Some(name) if declare::NAMES.contains(&name) => declare::run(ctx).await,
        Some("keys") if ctx.path.get(1) == Some(&"rotate") => rotate::run(ctx).await,
        Some("usage") => usage::run(ctx).await,
        _ => Err(CliError::Usage(format!(
            "unknown command `{}`",
            ctx.path.join(" ")
        ))),
    }
}
