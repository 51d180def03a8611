//! Bulk assign/unassign: any number of ids, deduplicated, sent in chunks, counts summed; a failing chunk
//! reports exactly which ids were applied and which were not.

use reqwest::Method;
use serde::de::DeserializeOwned;

use crate::client::{CallOptions, Client};
use crate::engine::Request;
use crate::error::Error;
use crate::retry::Replay;

/// The default number of ids per request.
pub const DEFAULT_CHUNK_SIZE: usize = 100;

/// What a bulk operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BulkOutcome {
    /// The server's counts (`assigned_count` / `unassigned_count`), summed over the chunks.
    pub count: i64,
    /// Distinct ids sent.
    pub ids: usize,
    /// Requests made (one per chunk).
    pub chunks: usize,
}

pub(crate) struct BulkOp<R> {
    pub(crate) operation: &'static str,
    pub(crate) path: String,
    pub(crate) field: &'static str,
    pub(crate) count: fn(&R) -> i64,
}

/// Order-preserving deduplication.
pub(crate) fn dedupe(ids: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

impl Client {
    pub(crate) async fn bulk<R: DeserializeOwned>(
        &self,
        op: BulkOp<R>,
        ids: Vec<String>,
        options: &CallOptions,
    ) -> Result<BulkOutcome, Error> {
        let ids = dedupe(ids);
        if ids.is_empty() {
            return Err(Error::invalid_input(op.field, "the list is empty"));
        }
        let chunk_size = options.bulk_chunk_size.unwrap_or(DEFAULT_CHUNK_SIZE);
        if chunk_size == 0 {
            return Err(Error::invalid_input(
                "bulk_chunk_size",
                "must be at least 1",
            ));
        }
        let mut outcome = BulkOutcome {
            count: 0,
            ids: ids.len(),
            chunks: 0,
        };
        for (index, chunk) in ids.chunks(chunk_size).enumerate() {
            let request = Request::new(op.operation, Method::POST, op.path.clone(), Replay::Safe)
                .json(&serde_json::json!({ op.field: chunk }))?;
            match self.call::<R>(&request, options).await {
                Ok(response) => {
                    outcome.count += (op.count)(&response);
                    outcome.chunks += 1;
                }
                Err(source) => {
                    let done = index * chunk_size;
                    return Err(Error::Bulk {
                        operation: op.operation,
                        applied: ids[..done].to_vec(),
                        not_applied: ids[done..].to_vec(),
                        source: Box::new(source),
                    });
                }
            }
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dedupe_keeps_first_occurrence_order() {
        let ids = ["b", "a", "b", "c", "a"].map(String::from).to_vec();
        assert_eq!(super::dedupe(ids), ["b", "a", "c"]);
    }
}
