//! `mock serve`: the embedded stateful mock of the management API on 127.0.0.1, seeded from flags; prints its
//! base URL and (fake) management key, and serves until interrupted or for `--for SECS`.

use std::time::Duration;

use clap::{Arg, Command, value_parser};
use openrouter_mgmt_mock::MockServer;
use serde_json::json;

use crate::app::Ctx;
use crate::error::CliError;
use crate::output::Renderer;

/// The command.
pub(crate) fn command() -> Command {
    let count = |name: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .value_parser(value_parser!(usize))
            .default_value("0")
            .help(help)
    };
    Command::new("mock")
        .about("The embedded mock of the management API (for trying commands and testing scripts)")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("serve")
                .about("Serve the mock on 127.0.0.1; prints its base URL and management key")
                .args([
                    Arg::new("port")
                        .long("port")
                        .value_parser(value_parser!(u16))
                        .default_value("4010")
                        .help("Port on 127.0.0.1 (0 picks a free one)"),
                    Arg::new("seed")
                        .long("seed")
                        .value_parser(value_parser!(u64))
                        .default_value("0")
                        .help("Seed for every id, hash and key"),
                    count("keys", "API keys to start with"),
                    count("guardrails", "Guardrails to start with"),
                    count(
                        "workspaces",
                        "Workspaces to start with, besides the default one",
                    ),
                    Arg::new("for")
                        .long("for")
                        .value_name("SECS")
                        .value_parser(value_parser!(u64))
                        .help("Stop after this many seconds (default: until interrupted)"),
                ]),
        )
}

/// Runs it.
pub(crate) async fn run(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let m = ctx.leaf;
    let get = |name: &str| m.get_one::<usize>(name).copied().unwrap_or_default();
    let mock = MockServer::builder()
        .port(m.get_one::<u16>("port").copied().unwrap_or(4010))
        .seed(m.get_one::<u64>("seed").copied().unwrap_or_default())
        .keys(get("keys"))
        .guardrails(get("guardrails"))
        .workspaces(get("workspaces"))
        .start()
        .await
        .map_err(|e| CliError::Failed(format!("cannot start the mock: {e}")))?;
    Renderer::new(ctx.out, ctx.format, None, &[], "base_url").single(json!({
        "base_url": mock.base_url(),
        "management_key": mock.management_key(),
        "hint": format!(
            "OPENROUTER_BASE_URL={} OPENROUTER_MANAGEMENT_KEY=<the key above> openrouter-mgmt keys list",
            mock.base_url()
        ),
    }))?;
    match m.get_one::<u64>("for") {
        Some(secs) => tokio::time::sleep(Duration::from_secs(*secs)).await,
        None => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
    mock.shutdown().await;
    Ok(())
}
