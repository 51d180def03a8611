//! The `openrouter-mgmt-mock` binary: runs the mock as a process (for other languages' tests, Prism, or manual
//! poking), seeded and with faults from flags, and prints the base URL and the management key.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use openrouter_mgmt_mock::{ChurnRule, Fault, FaultRule, MockServer};

/// A stateful fake of OpenRouter's management API on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// Seed for every id, hash, key and random fault.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// API keys to start with.
    #[arg(long, default_value_t = 0)]
    keys: usize,
    /// Guardrails to start with.
    #[arg(long, default_value_t = 0)]
    guardrails: usize,
    /// Organization members to start with (`user_1`..`user_N`).
    #[arg(long, default_value_t = 10)]
    members: usize,
    /// Assign the first N seeded keys to seeded guardrails.
    #[arg(long, default_value_t = 0)]
    assigned_keys: usize,
    /// Assign the first N members to seeded guardrails.
    #[arg(long, default_value_t = 0)]
    assigned_members: usize,
    /// Workspaces to start with, besides the default one.
    #[arg(long, default_value_t = 0)]
    workspaces: usize,
    /// BYOK provider keys to start with.
    #[arg(long, default_value_t = 0)]
    byok_keys: usize,
    /// External users to start with.
    #[arg(long, default_value_t = 0)]
    external_users: usize,
    /// Private providers to start with.
    #[arg(long, default_value_t = 0)]
    private_providers: usize,
    /// Observability destinations (webhooks) to start with.
    #[arg(long, default_value_t = 0)]
    destinations: usize,
    /// Use this management key instead of one derived from the seed.
    #[arg(long)]
    management_key: Option<String>,
    /// A fault rule, repeatable: `ROUTE=FAULT[xN|x*][@SKIP]`. ROUTE is `*`, an operation (`create_keys` or
    /// `createKeys`) or `METHOD /path` (`POST /keys`, `GET /guardrails/{id}`). FAULT is `429[:SECS[:MS]]`, a status
    /// like `503`,
    /// `delay:30s`, `close`, `close-mid-body`, `malformed-json`, `schema-violation`, `legacy-numbers`,
    /// `apply-then-500` or
    /// `apply-then-close`. `xN` faults N matching requests (default 1, `x*` all), `@SKIP` lets SKIP through first.
    /// Example: `--fault 'POST /keys=500x2@1'` (the 2nd and 3rd creates fail).
    #[arg(long = "fault", value_name = "RULE")]
    faults: Vec<FaultRule>,
    /// Fail this share (0.0..=1.0) of the requests no rule claims, drawn from the seed.
    #[arg(long, default_value_t = 0.0)]
    fail_rate: f64,
    /// The fault `--fail-rate` injects.
    #[arg(long, default_value = "503")]
    fail_with: Fault,
    /// Answer every request this many milliseconds after it arrived (the mock's own work included).
    #[arg(long)]
    latency_ms: Option<u64>,
    /// Hold each answer back for a random 0..=N milliseconds after it was served, drawn from the seed, so that
    /// answers to concurrent requests arrive out of order.
    #[arg(long, value_name = "N")]
    jitter_ms: Option<u64>,
    /// Change a list before its requests, repeatable: `ROUTE@ins=N,del=N,at=anywhere|behind|head|ahead[,every=N]
    /// [,reorder]`. ROUTE names a list operation (`listGuardrails`, `list_byok_keys`) or `GET /keys`. Example:
    /// `--churn 'listGuardrails@ins=5,del=5,at=behind'` (5 inserts and 5 deletes before the requested offset,
    /// before every request). Lists: keys, guardrails, key assignments, BYOK keys, external users, observability
    /// destinations.
    #[arg(long = "churn", value_name = "RULE")]
    churn: Vec<ChurnRule>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if !(0.0..=1.0).contains(&args.fail_rate) {
        eprintln!("error: --fail-rate must be between 0 and 1");
        return ExitCode::from(2);
    }
    let mut builder = MockServer::builder()
        .port(args.port)
        .seed(args.seed)
        .keys(args.keys)
        .guardrails(args.guardrails)
        .members(args.members)
        .assigned_keys(args.assigned_keys)
        .assigned_members(args.assigned_members)
        .workspaces(args.workspaces)
        .byok_keys(args.byok_keys)
        .external_users(args.external_users)
        .private_providers(args.private_providers)
        .destinations(args.destinations);
    if let Some(key) = args.management_key {
        builder = builder.management_key(key);
    }
    for rule in args.faults {
        builder = builder.fault(rule);
    }
    for rule in args.churn {
        builder = builder.churn(rule.route, rule.churn);
    }
    if let Some(ms) = args.jitter_ms {
        builder = builder.jitter(Duration::from_millis(ms));
    }
    let server = match builder.start().await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("error: cannot listen on 127.0.0.1:{}: {e}", args.port);
            return ExitCode::FAILURE;
        }
    };
    server
        .faults()
        .set_fail_rate(args.fail_rate, args.fail_with);
    server
        .faults()
        .set_latency(args.latency_ms.map(Duration::from_millis));
    println!("openrouter-mgmt-mock listening on {}", server.base_url());
    println!("management key: {}", server.management_key());
    println!("non-management key: {}", server.non_management_key());
    if tokio::signal::ctrl_c().await.is_err() {
        eprintln!("error: cannot wait for Ctrl-C");
        return ExitCode::FAILURE;
    }
    server.shutdown().await;
    ExitCode::SUCCESS
}
