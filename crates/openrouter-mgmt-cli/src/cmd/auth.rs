//! `auth status`: which profile, base URL and key source won (never the key), and what the API says about the
//! key (`GET /key`: its label, whether it is a management key). Exit 5 without a usable key.

use clap::Command;
use openrouter_mgmt::ops;
use serde_json::json;

use crate::app::Ctx;
use crate::error::CliError;
use crate::output::Renderer;

/// The command.
pub(crate) fn command() -> Command {
    Command::new("auth")
        .about("Credentials: which key source and base URL are used, and whether the key works")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(Command::new("status").about(
            "Show the profile, base URL and key source in use, and the key's label (never the key)",
        ))
}

/// Runs it.
pub(crate) async fn run(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let sources = ctx.sources();
    let resolved = crate::config::resolve(ctx.root, &sources)?;
    let mut status = json!({
        "profile": resolved.profile,
        "base_url": resolved.base_url,
        "base_url_source": resolved.base_url_source,
        "key_source": resolved.key_source,
    });
    let client = crate::config::client(&resolved)?;
    let outcome = match &client {
        None => Err(CliError::NoKey(format!(
            "no management key ({})",
            resolved.key_source
        ))),
        Some(client) => match client.send(&ops::GetCurrentKey::new()).await {
            Ok(me) => {
                status["key"] = json!({
                    "label": me.data.label,
                    "is_management_key": me.data.is_management_key,
                });
                Ok(())
            }
            Err(e) => Err(CliError::Api(e)),
        },
    };
    Renderer::new(ctx.out, ctx.format, None, &[], "key_source").single(status)?;
    outcome
}
