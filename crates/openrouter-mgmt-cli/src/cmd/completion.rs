//! `completion <shell>`: the shell completion script for bash, zsh, fish, powershell or elvish.

use clap::{Arg, Command, value_parser};
use clap_complete::Shell;

use crate::app::Ctx;
use crate::error::CliError;

/// The command.
pub(crate) fn command() -> Command {
    Command::new("completion")
        .about("Print the shell completion script (e.g. `eval \"$(openrouter-mgmt completion bash)\"`)")
        .arg(
            Arg::new("shell")
                .required(true)
                .value_parser(value_parser!(Shell)),
        )
}

/// Runs it.
pub(crate) fn run(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let shell = *ctx
        .leaf
        .get_one::<Shell>("shell")
        .ok_or_else(|| CliError::Usage("a shell is required".into()))?;
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut crate::tree::build(), crate::tree::BIN, &mut buf);
    ctx.out.stdout(&String::from_utf8_lossy(&buf))
}
