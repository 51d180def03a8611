//! `openrouter-mgmt`, the command: every operation of OpenRouter's management API from a terminal or a CI job,
//! generated from the spec (`cargo xtask regen` writes the command table), sent through the `openrouter-mgmt`
//! engine (validation, retries that never duplicate a create, pagination, redaction), with secrets kept out of
//! argv and out of everything printed. [`run`] is the whole tool, in-process, for tests and embedding.
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod app;
mod cmd;
mod config;
mod dispatch;
mod error;
pub mod exit;
mod generated;
mod input;
mod io;
mod output;
mod progress;
mod sink;
mod table;
mod tree;

pub use app::run;
pub use io::{Captured, Io};

/// Every operation's command, as the generated table says: (command path, operationId), in
/// `OperationId::ALL` order. For tests and documentation.
pub fn commands() -> Vec<(String, openrouter_mgmt::OperationId)> {
    generated::commands::COMMANDS
        .iter()
        .map(|c| (c.command(), c.operation))
        .collect()
}

/// The full command tree (clap), for completions, man pages and tests.
pub fn command() -> clap::Command {
    tree::build()
}
