//! Assignments (a key's guardrail): read once for the organization, and changed in bulk calls coalesced per
//! target (every key moving to one guardrail in one chunked call, the calls of different targets in parallel),
//! through the facade's deduplicating, chunked, retry-safe bulk operations.

use std::collections::BTreeMap;

use futures::StreamExt;
use openrouter_mgmt::{Client, GuardrailId, KeyHash};

use crate::error::DeclareError;

/// Every key's guardrail, by key hash.
pub(crate) async fn read(client: &Client) -> Result<BTreeMap<String, String>, DeclareError> {
    let items = client.guardrails().key_assignments().items();
    futures::pin_mut!(items);
    let mut out = BTreeMap::new();
    while let Some(item) = items.next().await {
        let item = item.map_err(|e| DeclareError::Read(format!("listing key assignments: {e}")))?;
        out.insert(item.key_hash.to_string(), item.guardrail_id.to_string());
    }
    Ok(out)
}

/// Moves keys: `to` maps a guardrail id to the keys that must end on it; `off` maps a guardrail id to keys that
/// must leave it and go nowhere. Every removal is done before any addition; the bulk calls of different guardrails
/// are independent (a key is in at most one of them), so up to `parallelism` run at once. Returns the number of
/// requests sent; on failure, the first error (the other calls still finish: each is a retry-safe set operation).
pub(crate) async fn apply(
    client: &Client,
    to: &BTreeMap<String, Vec<String>>,
    off: &BTreeMap<String, Vec<String>>,
    parallelism: usize,
) -> Result<usize, openrouter_mgmt::Error> {
    let mut requests = 0;
    for (assign, moves) in [(false, off), (true, to)] {
        let outcomes: Vec<Result<usize, openrouter_mgmt::Error>> = futures::stream::iter(moves)
            .map(|(guardrail, hashes)| async move {
                let id = parse_guardrail(guardrail)?;
                let hashes = parse_hashes(hashes)?;
                let guardrails = client.guardrails();
                let outcome = if assign {
                    guardrails.assign_keys(id, hashes).await?
                } else {
                    guardrails.unassign_keys(id, hashes).await?
                };
                Ok(outcome.chunks)
            })
            .buffer_unordered(parallelism.max(1))
            .collect()
            .await;
        for outcome in outcomes {
            requests += outcome?;
        }
    }
    Ok(requests)
}

fn parse_guardrail(id: &str) -> Result<GuardrailId, openrouter_mgmt::Error> {
    Ok(id.parse::<GuardrailId>()?)
}

fn parse_hashes(hashes: &[String]) -> Result<Vec<KeyHash>, openrouter_mgmt::Error> {
    hashes
        .iter()
        .map(|h| h.parse::<KeyHash>().map_err(openrouter_mgmt::Error::from))
        .collect()
}
