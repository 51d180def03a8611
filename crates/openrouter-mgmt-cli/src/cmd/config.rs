//! `config path` and `config show`: where the config file is, and its profiles with their key *sources* (the
//! file never holds a key).

use clap::Command;
use serde_json::json;

use crate::app::Ctx;
use crate::config::{CONFIG_FILE, KeySource, config_dir, load};
use crate::error::CliError;

/// The command.
pub(crate) fn command() -> Command {
    Command::new("config")
        .about("Profiles: where the config file is and what it holds (key sources, never keys)")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(Command::new("path").about("Print the config file's path"))
        .subcommand(Command::new("show").about("Print the profiles and their key sources"))
}

/// Runs it.
pub(crate) fn run(ctx: &Ctx<'_>) -> Result<(), CliError> {
    match ctx.path.get(1).copied() {
        Some("path") => {
            let dir = config_dir(&ctx.io.env)
                .ok_or_else(|| CliError::Failed("no config directory on this platform".into()))?;
            ctx.out
                .stdout(&format!("{}\n", dir.join(CONFIG_FILE).display()))
        }
        _ => {
            let config = load(&ctx.io.env)?;
            let profiles: serde_json::Map<String, serde_json::Value> = config
                .profiles
                .iter()
                .map(|(name, p)| {
                    let key = match &p.key {
                        Some(KeySource::Env { env }) => json!({"env": env}),
                        Some(KeySource::File { file }) => json!({"file": file}),
                        Some(KeySource::Command { command }) => json!({"command": command}),
                        None => serde_json::Value::Null,
                    };
                    (name.clone(), json!({"base_url": p.base_url, "key": key}))
                })
                .collect();
            ctx.out.stdout(&format!(
                "{}\n",
                serde_json::to_string_pretty(&json!({
                    "default_profile": config.default_profile,
                    "profiles": profiles,
                }))
                .unwrap_or_default()
            ))
        }
    }
}
