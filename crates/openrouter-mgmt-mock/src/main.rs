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
    /// Hold each answer back for a further random 0..=MAX after it was served (and after any latency), drawn
    /// from the seed, so that answers to concurrent requests arrive out of order. MAX is a duration: `20ms`,
    /// `1s`, `500us`, or bare milliseconds.
    #[arg(long, value_name = "MAX", value_parser = duration)]
    jitter: Option<Duration>,
    /// The same as `--jitter N` in milliseconds (kept for older scripts).
    #[arg(long, value_name = "N", hide = true, conflicts_with = "jitter")]
    jitter_ms: Option<u64>,
    /// Change a list before its requests, repeatable: `ROUTE@SPEC`, split at the last `@`. ROUTE names a list by
    /// operationId, snake_case name or `METHOD /path` (`listGuardrails`, `list_byok_keys`, `GET /keys`,
    /// `GET /guardrails/{id}/assignments/keys`); SPEC is `ins=N,del=N,at=anywhere|behind|head|ahead[,every=N]
    /// [,reorder]` in any order (`behind`: before the requested offset; `head`: index 0; `ahead`: after the
    /// requested page; `every=N`: before every N-th request; `reorder`: also swap two items). Example:
    /// `--churn 'listGuardrails@ins=5,del=5,at=behind'`. Lists: every paged list (keys, guardrails, key and
    /// member assignments, workspaces and their members, organization members, BYOK keys, external users,
    /// observability destinations, SCIM groups and group mappings) and private providers.
    #[arg(long = "churn", value_name = "ROUTE@SPEC")]
    churn: Vec<ChurnRule>,
}

/// A duration flag's value: `20ms`, `1s`, `500us`, or bare milliseconds.
fn duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let bad = || format!("{s:?} is not a duration like 20ms, 1s or 500us");
    let (number, unit): (&str, fn(u64) -> Duration) = if let Some(n) = s.strip_suffix("us") {
        (n, Duration::from_micros)
    } else if let Some(n) = s.strip_suffix("ms") {
        (n, Duration::from_millis)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, Duration::from_secs)
    } else {
        (s, Duration::from_millis)
    };
    number.trim().parse().map(unit).map_err(|_| bad())
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
    if let Some(max) = args.jitter.or(args.jitter_ms.map(Duration::from_millis)) {
        builder = builder.jitter(max);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_and_churn_flags_parse() {
        let args = Args::try_parse_from([
            "openrouter-mgmt-mock",
            "--jitter",
            "20ms",
            "--churn",
            "listGuardrails@ins=5,del=5,at=anywhere",
            "--churn",
            "GET /keys@del=1,at=behind,every=2,reorder",
        ])
        .unwrap();
        assert_eq!(args.jitter, Some(Duration::from_millis(20)));
        assert_eq!(args.churn.len(), 2);
        assert_eq!(args.churn[1].churn.every, 2);
        for (text, expected) in [
            ("1s", Duration::from_secs(1)),
            ("500us", Duration::from_micros(500)),
            ("7", Duration::from_millis(7)),
        ] {
            assert_eq!(duration(text), Ok(expected));
        }
        assert!(duration("fast").unwrap_err().contains("not a duration"));
        for bad in [
            ["--jitter", "soon"],
            ["--churn", "listGuardrails=ins=5"],
            ["--churn", "createKeys@ins=1"],
        ] {
            assert!(
                Args::try_parse_from(["openrouter-mgmt-mock", bad[0], bad[1]]).is_err(),
                "{bad:?}"
            );
        }
    }
}
