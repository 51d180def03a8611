//! Bulk assign/unassign: any number of ids, deduplicated, sent in chunks (one generated bulk operation per
//! chunk), counts summed; a failing chunk reports exactly which ids were applied and which were not, and a chunk
//! the server accepted (2xx) but whose count could not be read counts as applied, with its count unconfirmed.

use std::fmt::Display;
use std::hash::Hash;

use openrouter_mgmt_gen::Operation;

use crate::client::WithOptions;
use crate::error::Error;

/// The default number of ids per request.
pub const DEFAULT_CHUNK_SIZE: usize = 100;

/// What a bulk operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BulkOutcome {
    /// The server's counts (`assigned_count` / `unassigned_count`), summed over the chunks whose count could be
    /// read (any integral spelling is read: `3`, `3.0`, `"3"`).
    pub count: i64,
    /// Chunks the server answered with a success status but whose count could not be read (e.g. `"many"`, or
    /// missing): they were applied, and `count` leaves them out (see [`BulkOutcome::count_confirmed`]). Each is
    /// also logged as a `tracing` warning.
    pub unconfirmed_chunks: usize,
    /// Distinct ids sent.
    pub ids: usize,
    /// Requests made (one per chunk).
    pub chunks: usize,
}

impl BulkOutcome {
    /// Whether `count` covers every chunk: `false` when a chunk was applied but its count could not be read.
    pub fn count_confirmed(&self) -> bool {
        self.unconfirmed_chunks == 0
    }
}

/// Order-preserving deduplication.
pub(crate) fn dedupe<I: Clone + Eq + Hash>(ids: Vec<I>) -> Vec<I> {
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

impl WithOptions<'_> {
    /// Sends `ids` (the body field `argument`), deduplicated, in chunks of this view's `bulk_chunk_size`:
    /// `chunk_operation` makes the operation for one chunk, `count` reads its answer's count.
    pub(crate) async fn bulk<I, O>(
        &self,
        argument: &'static str,
        ids: Vec<I>,
        chunk_operation: impl Fn(Vec<I>) -> O,
        count: fn(&O::Response) -> i64,
    ) -> Result<BulkOutcome, Error>
    where
        I: Clone + Eq + Hash + Display,
        O: Operation,
    {
        let ids = dedupe(ids);
        if ids.is_empty() {
            return Err(Error::invalid_input(argument, "the list is empty"));
        }
        let chunk_size = self.options().bulk_chunk_size.unwrap_or(DEFAULT_CHUNK_SIZE);
        if chunk_size == 0 {
            return Err(Error::invalid_input(
                "bulk_chunk_size",
                "must be at least 1",
            ));
        }
        let mut outcome = BulkOutcome {
            count: 0,
            unconfirmed_chunks: 0,
            ids: ids.len(),
            chunks: 0,
        };
        for (index, chunk) in ids.chunks(chunk_size).enumerate() {
            let operation = chunk_operation(chunk.to_vec());
            match self.send(&operation).await {
                Ok(response) => {
                    outcome.count += count(&response);
                    outcome.chunks += 1;
                }
                // A success status whose body did not decode: the server applied the chunk; only the count it
                // sent back is unknown.
                Err(error @ Error::Decode { .. }) => {
                    tracing::warn!(
                        operation = O::INFO.name,
                        chunk = index,
                        ids = chunk.len(),
                        %error,
                        "a bulk chunk was applied but its count could not be read; the count is unconfirmed"
                    );
                    outcome.unconfirmed_chunks += 1;
                    outcome.chunks += 1;
                }
                Err(source) => {
                    let done = index * chunk_size;
                    let strings = |ids: &[I]| ids.iter().map(ToString::to_string).collect();
                    return Err(Error::Bulk {
                        operation: O::INFO.name,
                        applied: strings(&ids[..done]),
                        not_applied: strings(&ids[done..]),
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
