//! Shared helpers: a client for an in-process mock with fast retries, loading a file with its sink in a temporary
//! folder, and running plan → check → apply the way the command line does.

use std::path::Path;
use std::time::Duration;

use openrouter_mgmt::{Client, RetryPolicy};
use openrouter_mgmt_declare::{
    Allow, ApplyOptions, ApplyReport, DeclareError, Desired, Plan, apply, check,
    live_in_owned_scopes, parse, plan, read_live,
};
use openrouter_mgmt_mock::MockServer;

/// A client for `mock` with millisecond backoff.
pub(crate) fn client(mock: &MockServer) -> Client {
    client_with_retries(mock, None)
}

/// A client for `mock` with millisecond backoff and this many retries per call (`None`: the default policy's).
pub(crate) fn client_with_retries(mock: &MockServer, max_retries: Option<u32>) -> Client {
    let policy = RetryPolicy::default()
        .with_base_delay(Duration::from_millis(2))
        .with_max_delay(Duration::from_millis(10))
        .with_deadline(Some(Duration::from_secs(20)));
    Client::builder()
        .api_key(mock.management_key())
        .base_url(mock.base_url())
        .request_timeout(Some(Duration::from_secs(2)))
        .retry_policy(match max_retries {
            Some(n) => policy.with_max_retries(n),
            None => policy,
        })
        .jitter_seed(7)
        .build()
        .expect("client")
}

/// Parses `text` as if it were `dir/stack.toml`.
pub(crate) fn desired(dir: &Path, text: &str) -> Desired {
    parse(&dir.join("stack.toml"), text).expect("the file parses")
}

/// The example file shipped with the crate.
pub(crate) const EXAMPLE: &str = include_str!("../../examples/eu-team.toml");

/// Reads the live state and plans.
pub(crate) async fn plan_for(client: &Client, desired: &Desired) -> Result<Plan, DeclareError> {
    let live = read_live(client, desired).await?;
    plan(desired, &live)
}

/// Plan, check against `allow`, apply: what `openrouter-mgmt apply` does.
pub(crate) async fn apply_file(
    client: &Client,
    desired: &Desired,
    allow: &Allow,
    dir: &Path,
) -> Result<ApplyReport, DeclareError> {
    let live = read_live(client, desired).await?;
    let plan = plan(desired, &live)?;
    check(&plan, allow, live_in_owned_scopes(desired, &live))?;
    let options = ApplyOptions {
        parallelism: 4,
        base: dir.to_path_buf(),
        discard_secrets: false,
    };
    Ok(apply(client, desired, &live, &plan, &options, &|_, _| {}).await)
}

/// The write requests (anything but GET) the mock has served or refused since its log was cleared.
pub(crate) fn writes(mock: &MockServer) -> Vec<String> {
    mock.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// Every workspace read whole and exported as stack `exported`: the live state and the file.
pub(crate) async fn export_everything(client: &Client) -> (openrouter_mgmt_declare::Live, String) {
    let all = openrouter_mgmt_declare::read_workspaces(client, &Default::default())
        .await
        .expect("reads");
    let slugs = all
        .of("workspace")
        .iter()
        .filter_map(|w| w.get("slug").as_str().map(str::to_owned))
        .collect();
    let live = openrouter_mgmt_declare::read_workspaces(client, &slugs)
        .await
        .expect("reads");
    let text = openrouter_mgmt_declare::export(&live, "exported", &slugs);
    (live, text)
}
