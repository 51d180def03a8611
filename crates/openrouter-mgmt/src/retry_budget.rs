//! The client-wide retry budget (a token bucket in the spirit of the AWS SDKs' retry quota), so that a fleet
//! of concurrent calls cannot turn an outage into a retry storm: retries spend tokens, successes refund them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// A token bucket shared by every call of a [`Client`](crate::Client) (and its clones).
///
/// Defaults: 500 tokens; a retry costs 5 tokens (10 after a timeout); a success after retries refunds what
/// its retries cost, and a first-attempt success refunds 1 token (never above capacity). When a retry cannot be
/// paid for, the call fails at once with [`Error::RetryBudgetExhausted`](crate::Error::RetryBudgetExhausted).
#[derive(Debug, Clone)]
pub struct RetryBudget {
    inner: Arc<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    capacity: u32,
    retry_cost: u32,
    timeout_retry_cost: u32,
    tokens: AtomicU32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(500, 5, 10)
    }
}

impl RetryBudget {
    /// A full bucket of `capacity` tokens, with the given costs per retry and per retry after a timeout.
    pub fn new(capacity: u32, retry_cost: u32, timeout_retry_cost: u32) -> Self {
        Self {
            inner: Arc::new(Bucket {
                capacity,
                retry_cost,
                timeout_retry_cost,
                tokens: AtomicU32::new(capacity),
            }),
        }
    }

    /// Tokens left now.
    pub fn available(&self) -> u32 {
        self.inner.tokens.load(Ordering::Acquire)
    }

    /// Takes the cost of one retry; `None` when the bucket cannot pay.
    pub(crate) fn try_acquire(&self, after_timeout: bool) -> Option<u32> {
        let cost = if after_timeout {
            self.inner.timeout_retry_cost
        } else {
            self.inner.retry_cost
        };
        self.inner
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .ok()
            .map(|_| cost)
    }

    /// Refunds after a successful call: what its retries cost, or 1 token when it needed none.
    pub(crate) fn refund(&self, spent: u32) {
        let amount = if spent == 0 { 1 } else { spent };
        let capacity = self.inner.capacity;
        let _ = self
            .inner
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                Some(t.saturating_add(amount).min(capacity))
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_spend_and_successes_refund_up_to_capacity() {
        let b = RetryBudget::new(12, 5, 10);
        assert_eq!(b.try_acquire(false), Some(5));
        assert_eq!(b.available(), 7);
        assert_eq!(b.try_acquire(true), None, "a timeout retry costs 10");
        assert_eq!(b.try_acquire(false), Some(5));
        assert_eq!(b.try_acquire(false), None);
        assert_eq!(b.available(), 2);
        b.refund(5);
        assert_eq!(b.available(), 7);
        b.refund(0);
        assert_eq!(b.available(), 8);
        b.refund(100);
        assert_eq!(b.available(), 12, "never above capacity");
        let clone = b.clone();
        clone.try_acquire(false);
        assert_eq!(b.available(), 7, "clones share the bucket");
    }
}
