//! The guided tour, and the README's main job: the SDK end to end against the embedded mock server, with no key and
//! no network. `cargo run --example tour` from the repository root; add `--live` (with OPENROUTER_MANAGEMENT_KEY
//! set) to run only the read-only part against the real API.

use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use openrouter_mgmt::open_enums::{GuardrailInterval, WorkspaceBudgetInterval};
use openrouter_mgmt::{
    Client, GuardrailUpdate, KeyFilter, KeyHash, NewGuardrail, NewKey, NewWorkspace, RetryPolicy,
    UserId, WorkspaceBudgetSettings,
};
use openrouter_mgmt_mock::{Fault, FaultRule, MockServer, OperationId};
use tracing_subscriber::layer::SubscriberExt;

/// How many keys the tour creates.
const KEYS: usize = 300;
/// How many creates run at once.
const CONCURRENCY: usize = 16;

type TourResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> TourResult {
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(retry_printer::RetryPrinter),
    )?;
    if std::env::args().any(|a| a == "--live") {
        return live().await;
    }

    let started = Instant::now();
    let mock = MockServer::builder().seed(42).members(20).start().await?;
    println!("mock server listening at {}", mock.base_url());
    let client = Client::builder()
        .api_key(mock.management_key())
        .base_url(mock.base_url())
        // Short delays so the tour is quick; production defaults are 500 ms base, 30 s cap, 3 retries.
        .retry_policy(
            RetryPolicy::default()
                .with_base_delay(Duration::from_millis(50))
                .with_max_retries(5),
        )
        .jitter_seed(42)
        .build()?;

    let me = client.keys().current().await?;
    println!(
        "1. authenticated as {:?} (management key: {})",
        me.label, me.is_management_key
    );

    let guardrail = client
        .guardrails()
        .create(
            NewGuardrail::new("tour: production budget")
                .description("Created by the openrouter-mgmt tour")
                .limit_usd(50.0)
                .reset_interval(GuardrailInterval::Monthly)
                .allowed_providers(["anthropic", "openai"]),
        )
        .await?;
    let guardrail_id = guardrail.id;
    println!(
        "2. created guardrail {} ({}), limit {} {}",
        guardrail.name,
        guardrail.id,
        usd(guardrail.limit_usd),
        guardrail
            .reset_interval
            .as_ref()
            .map_or("-", |i| i.as_str())
    );

    let t = Instant::now();
    let hashes: Vec<KeyHash> = futures::stream::iter(0..KEYS)
        .map(|i| {
            let client = client.clone();
            async move {
                let created = client
                    .keys()
                    .create(NewKey::new(format!("tour key {i:03}")).limit(5.0))
                    .await?;
                // `created.key` is the plaintext, shown once; it never prints itself.
                Ok::<KeyHash, openrouter_mgmt::Error>(created.data.hash)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    println!(
        "3. created {} keys in {:?} ({} at a time)",
        hashes.len(),
        t.elapsed(),
        CONCURRENCY
    );

    let assigned = client
        .guardrails()
        .assign_keys(guardrail_id, hashes.iter().cloned())
        .await?;
    println!(
        "4. bulk-assigned {} keys in {} requests: assigned_count {}",
        assigned.ids, assigned.chunks, assigned.count
    );

    let assignments = client
        .guardrails()
        .guardrail_key_assignments(guardrail_id)
        .collect_all()
        .await?;
    println!(
        "5. streamed back {} key assignments of the guardrail",
        assignments.len()
    );
    assert_eq!(
        assignments.len(),
        KEYS,
        "every assignment comes back exactly once"
    );

    let raised = client
        .guardrails()
        .update(guardrail_id, GuardrailUpdate::new().limit_usd(75.0))
        .await?;
    let cleared = client
        .guardrails()
        .update(guardrail_id, GuardrailUpdate::new().clear_limit_usd())
        .await?;
    println!(
        "6. limit raised to {}, then cleared (sent \"limit_usd\": null): {}",
        usd(raised.limit_usd),
        usd(cleared.limit_usd)
    );

    mock.faults()
        .add(
            FaultRule::new(
                OperationId::ListGuardrailKeyAssignments,
                Fault::RateLimited {
                    retry_after_secs: Some(1),
                    retry_after_ms: Some(200),
                },
            )
            .times(2),
        )
        .add(FaultRule::new(OperationId::ListGuardrailKeyAssignments, Fault::Status(503)).times(2));
    println!("7. injected a burst: 2 x 429 (Retry-After) then 2 x 503 on the assignment list");
    let survived = client
        .guardrails()
        .guardrail_key_assignments(guardrail_id)
        .collect_all()
        .await?;
    println!("   survived the burst: {} assignments", survived.len());

    let t = Instant::now();
    let unassigned = client
        .guardrails()
        .unassign_keys(guardrail_id, hashes.iter().cloned())
        .await?;
    let deleted: Vec<bool> = futures::stream::iter(hashes.iter())
        .map(|hash| {
            let client = client.clone();
            async move { client.keys().delete(hash).await }
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await?;
    client.guardrails().delete(guardrail_id).await?;
    println!(
        "8. cleaned up in {:?}: unassigned {}, deleted {} keys and the guardrail; {} keys left",
        t.elapsed(),
        unassigned.count,
        deleted.iter().filter(|d| **d).count(),
        mock.key_count()
    );

    workspace_chapter(&client, mock.members()).await?;

    let requests = mock.requests();
    let faulted = requests.iter().filter(|r| r.fault.is_some()).count();
    println!(
        "\nsummary: {} requests to the mock ({} answered by an injected fault and retried), {} keys, 1 guardrail and \
         1 workspace created and removed, in {:?}",
        requests.len(),
        faulted,
        KEYS,
        started.elapsed()
    );
    Ok(())
}

/// A workspace of its own: a budget, keys created in it, its default guardrail written, a member added; then
/// deleted with everything in it.
async fn workspace_chapter(client: &Client, members: Vec<UserId>) -> TourResult {
    let workspaces = client.workspaces();
    let workspace = workspaces
        .create(NewWorkspace::new("Tour: EU team", "tour-eu").description("Created by the tour"))
        .await?;
    let budget = workspaces
        .set_budget(
            "tour-eu",
            WorkspaceBudgetInterval::Monthly,
            WorkspaceBudgetSettings::new(200.0),
        )
        .await?;
    println!(
        "9. created workspace {} ({}), budget {} per month",
        workspace.slug,
        workspace.id,
        usd(Some(budget.limit_usd))
    );
    for i in 0..3 {
        client
            .keys()
            .create(
                NewKey::new(format!("tour EU key {i}"))
                    .limit(10.0)
                    .workspace_id(workspace.id),
            )
            .await?;
    }
    let in_workspace = client
        .keys()
        .list_with(KeyFilter::new().workspace_id(workspace.id))
        .collect_all()
        .await?;
    let default_guardrail = client
        .guardrails()
        .update(
            workspace.default_guardrail_id,
            GuardrailUpdate::new()
                .limit_usd(20.0)
                .allowed_providers(["mistral"]),
        )
        .await?;
    println!(
        "   {} keys in it; its default guardrail {} now limits every request there to {} on {:?}",
        in_workspace.len(),
        default_guardrail.id,
        usd(default_guardrail.limit_usd),
        default_guardrail.allowed_providers.unwrap_or_default()
    );
    let added = workspaces
        .add_members("tour-eu", members.into_iter().take(5))
        .await?;
    let listed = workspaces.members("tour-eu").collect_all().await?;
    let deleted = workspaces.delete("tour-eu").await?;
    println!(
        "   added {} members ({} listed); workspace deleted with its guardrail: {deleted}",
        added.count,
        listed.len()
    );
    Ok(())
}

/// The read-only part of the tour against the real API.
async fn live() -> TourResult {
    let client = Client::from_env()?;
    println!("live: {}", client.base_url());
    let me = client.keys().current().await?;
    println!(
        "authenticated as {:?} (management key: {})",
        me.label, me.is_management_key
    );
    let guardrails = client.guardrails().list().collect_all().await?;
    println!("{} guardrails", guardrails.len());
    for g in guardrails.iter().take(10) {
        println!("  {}  {}  limit {}", g.id, g.name, usd(g.limit_usd));
    }
    let keys = client
        .keys()
        .list()
        .items()
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await?;
    println!("{keys} API keys");
    let assignments = client.guardrails().key_assignments().collect_all().await?;
    println!("{} key assignments", assignments.len());
    Ok(())
}

/// Prints the facade's "retrying" events, so the tour shows each retry as it happens.
mod retry_printer {
    use std::fmt::Write;

    use tracing::field::{Field, Visit};
    use tracing_subscriber::layer::Context;

    /// A `tracing` layer that prints one line per retry.
    pub(crate) struct RetryPrinter;

    #[derive(Default)]
    struct Fields {
        message: String,
        line: String,
    }

    impl Visit for Fields {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            if field.name() == "message" {
                self.message = format!("{value:?}");
            } else {
                let _ = write!(self.line, " {}={:?}", field.name(), value);
            }
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            if field.name() == "message" {
                self.message = value.to_owned();
            } else {
                let _ = write!(self.line, " {}={}", field.name(), value);
            }
        }
    }

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for RetryPrinter {
        fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
            if event.metadata().target().starts_with("openrouter_mgmt") {
                let mut fields = Fields::default();
                event.record(&mut fields);
                if fields.message.contains("retrying") {
                    println!("   retry:{}", fields.line);
                }
            }
        }
    }
}

/// A spending limit as a person reads it: `$50.00`, or `no limit`.
fn usd(limit: Option<f64>) -> String {
    limit.map_or_else(|| "no limit".to_owned(), |usd| format!("${usd:.2}"))
}
