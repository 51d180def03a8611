//! `prism mock --dynamic`: schema-random responses for every operation, which the SDK must decode. Each call
//! carries `Prefer: seed=<n>` (Prism re-seeds its generator per request), so the bodies are random in shape but
//! the same on every run; `Prefer: code=<status>` asks for each declared error response.

use std::collections::BTreeMap;
use std::time::Duration;

use openrouter_mgmt::{Client, Error, GuardrailId, KeyHash, OperationId, RetryPolicy, UserId};
use openrouter_mgmt_tests::scenarios::Ids;
use reqwest::header::{HeaderMap, HeaderValue};

use crate::operations::operations_with_statuses;
use crate::prism::{Prism, settle};

/// Seeds per operation for the success responses.
const SEEDS: u64 = 20;
/// Seeds per declared error status.
const ERROR_SEEDS: u64 = 3;

fn client(prism: &Prism, prefer: &str) -> Client {
    let mut headers = HeaderMap::new();
    headers.insert(
        "prefer",
        HeaderValue::from_str(prefer).expect("header value"),
    );
    let http = openrouter_mgmt::http_client_builder()
        .expect("http client builder")
        .default_headers(headers)
        .build()
        .expect("http client");
    Client::builder()
        .api_key("sk-or-v1-contract-test-management-key")
        .base_url(prism.base_url())
        .http_client(http)
        .request_timeout(Some(Duration::from_secs(30)))
        .retry_policy(RetryPolicy::no_retries())
        .build()
        .expect("client")
}

fn ids() -> Ids {
    Ids {
        key: KeyHash::new("f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943")
            .unwrap(),
        guardrail: GuardrailId::new(uuid::Uuid::from_u128(
            0x550e_8400_e29b_41d4_a716_4466_5544_0000,
        )),
        member: UserId::new("user_2yOPcMpKGBxc2DVXFxAIiV4JqDd").unwrap(),
        workspace: "550e8400-e29b-41d4-a716-446655440005".to_owned(),
        byok_key: uuid::Uuid::from_u128(0x550e_8400_e29b_41d4_a716_4466_5544_0001),
        external_user: "partner-user-1".to_owned(),
        private_provider: "my-cluster".to_owned(),
        scim_group: uuid::Uuid::from_u128(0x550e_8400_e29b_41d4_a716_4466_5544_0002),
        scim_mapping: uuid::Uuid::from_u128(0x550e_8400_e29b_41d4_a716_4466_5544_0003),
        scim_job: uuid::Uuid::from_u128(0x550e_8400_e29b_41d4_a716_4466_5544_0004),
        private_endpoint: uuid::Uuid::from_u128(0x5b1c_4c4e_7d0a_4a8e_9f3a_2d6c_1b0e_8a11),
        private_endpoint_workspace: uuid::Uuid::from_u128(
            0x550e_8400_e29b_41d4_a716_4466_5544_0000,
        ),
        destination: uuid::Uuid::from_u128(0x9999_9999_aaaa_bbbb_cccc_dddd_dddd_dddd),
    }
}

/// Every operation, 20 seeded schema-random success responses each: all must decode (a `Decode` error would mean
/// our types reject a body the spec allows), and no request may break the spec.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_decodes_schema_random_responses() {
    let prism = Prism::mock_dynamic().await;
    let ids = ids();
    let operations = operations_with_statuses();
    let mut failures = Vec::new();
    let mut ok: BTreeMap<&str, u64> = BTreeMap::new();
    for seed in 1..=SEEDS {
        let client = client(&prism, &format!("seed={seed}"));
        for (op, run, _) in &operations {
            match run(&client, &ids).await {
                Ok(()) => *ok.entry(op.name()).or_default() += 1,
                Err(e) => failures.push(format!("{} (seed {seed}): {e}", op.name())),
            }
        }
    }
    let count = OperationId::ALL.len() as u64;
    settle(&prism).await;
    let violations = prism.violations();
    println!(
        "prism mock --dynamic: {} calls, {} decoded, {} failed, {} violation(s); per operation: {ok:?}",
        SEEDS * count,
        ok.values().sum::<u64>(),
        failures.len(),
        violations.len()
    );
    assert!(
        failures.is_empty(),
        "{} call(s) failed on schema-valid responses:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Only our requests are under test here. Prism's own generator (json-schema-faker) ignores lookaheads, so an
    // answer it makes up can break a pattern such as external users' `^(?!\s)(?![\s\S]*\s$)[^\u0000]+$`; those
    // violations are Prism's and are shown, not counted.
    let (theirs, ours): (Vec<&String>, Vec<&String>) = violations
        .iter()
        .partition(|v| v.contains("Violation: response"));
    println!(
        "violations in Prism's generated answers (not ours): {}",
        theirs.len()
    );
    assert!(
        ours.is_empty(),
        "Prism reported violations in our requests:\n{}",
        ours.iter()
            .map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        ok.len(),
        OperationId::ALL.len(),
        "every operation was called"
    );
    assert!(
        prism.requests_received() >= (SEEDS * count) as usize,
        "Prism saw {} requests",
        prism.requests_received()
    );
}

/// Every declared error status of every operation, with schema-random error bodies: each must become a typed
/// `Error::Api` carrying that status (never a decode error, never a success), without a retry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn declared_error_statuses_become_typed_api_errors() {
    let prism = Prism::mock_dynamic().await;
    let ids = ids();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (op, run, statuses) in operations_with_statuses() {
        for status in statuses.into_iter().filter(|s| *s >= 400) {
            for seed in 1..=ERROR_SEEDS {
                let client = client(&prism, &format!("code={status}, seed={seed}"));
                checked += 1;
                let error = match run(&client, &ids).await {
                    Ok(()) => {
                        failures.push(format!("{} {status} (seed {seed}): succeeded", op.name()));
                        continue;
                    }
                    Err(e) => e,
                };
                let api = match &error {
                    Error::Bulk { source, .. } => source.as_ref(),
                    other => other,
                };
                let fine = matches!(api, Error::Api { status: s, attempts: 1, .. } if *s == status)
                    && error.status() == Some(status);
                if !fine {
                    failures.push(format!("{} {status} (seed {seed}): {error:?}", op.name()));
                }
            }
        }
    }
    settle(&prism).await;
    let violations = prism.violations();
    println!(
        "prism mock --dynamic, declared errors: {checked} calls, {} not a typed Api error, {} violation(s)",
        failures.len(),
        violations.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        violations.is_empty(),
        "Prism reported violations:\n{}",
        violations.join("\n")
    );
    assert!(
        checked >= OperationId::ALL.len() as u64 * 2 * ERROR_SEEDS,
        "every operation declares at least 401 and 500"
    );

    // The harness does see violations: a request that breaks the spec (limit above 100) is reported.
    let raw = openrouter_mgmt::http_client_builder()
        .unwrap()
        .build()
        .unwrap();
    let response = raw
        .get(format!(
            "{}/guardrails?offset=0&limit=1000",
            prism.base_url()
        ))
        .send()
        .await
        .expect("raw request");
    assert!(response.status().is_client_error(), "{}", response.status());
    settle(&prism).await;
    let violations = prism.violations();
    assert!(
        violations.iter().any(|v| v.contains("limit")),
        "the out-of-range limit was not reported: {violations:?}"
    );
}
