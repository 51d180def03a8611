//! The client-wide retry budget (a token bucket in the spirit of the AWS SDKs' retry quota), so that a fleet
//! of concurrent calls cannot turn an outage into a retry storm: retries spend tokens, successes refund them, and
//! time refills the bucket slowly so that a quiet client recovers from a storm without needing successes first.

use std::sync::{Arc, Mutex};

use tokio::time::Instant;

use crate::error::Error;

/// A token bucket shared by every call of a [`Client`](crate::Client) (and its clones).
///
/// Defaults ([`RetryBudget::default`]): 500 tokens; a retry costs 5 tokens (10 after a timeout); a success after
/// retries refunds what its retries cost, and a first-attempt success refunds 1 token; time refills
/// [`DEFAULT_REFILL_PER_SECOND`](RetryBudget::DEFAULT_REFILL_PER_SECOND) token per second. The bucket never holds
/// more than its capacity. When a retry cannot be paid for, the call fails at once with
/// [`Error::RetryBudgetExhausted`].
///
/// The refill is computed lazily from the time elapsed since the bucket was last touched, whenever it is read or
/// charged: there is no background task. It uses tokio's clock, so tests with a paused clock are deterministic.
///
/// ```
/// use openrouter_mgmt::RetryBudget;
/// let budget = RetryBudget::builder()
///     .capacity(100)
///     .retry_cost(5)
///     .timeout_retry_cost(10)
///     .refill_per_second(0.5)
///     .build()?;
/// assert_eq!(budget.available(), 100);
/// # Ok::<(), openrouter_mgmt::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct RetryBudget {
    inner: Arc<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    config: RetryBudgetBuilder,
    /// The refill rate in millionths of a token per second (integer arithmetic keeps the bucket exact).
    refill_micros_per_second: u64,
    state: Mutex<State>,
}

/// Millionths of a token per token.
const MICROS: u64 = 1_000_000;
const NANOS_PER_SECOND: u128 = 1_000_000_000;

#[derive(Debug)]
struct State {
    /// Tokens in millionths, because the refill adds fractions of a token.
    micros: u64,
    /// The time up to which the refill has been credited.
    refilled_at: Instant,
}

/// The settings of a [`RetryBudget`], by name; start with [`RetryBudget::builder`]. Unset settings keep the
/// defaults of [`RetryBudget::default`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct RetryBudgetBuilder {
    capacity: u32,
    retry_cost: u32,
    timeout_retry_cost: u32,
    refill_per_second: f64,
}

impl Default for RetryBudgetBuilder {
    fn default() -> Self {
        Self {
            capacity: RetryBudget::DEFAULT_CAPACITY,
            retry_cost: RetryBudget::DEFAULT_RETRY_COST,
            timeout_retry_cost: RetryBudget::DEFAULT_TIMEOUT_RETRY_COST,
            refill_per_second: RetryBudget::DEFAULT_REFILL_PER_SECOND,
        }
    }
}

impl RetryBudgetBuilder {
    /// The most tokens the bucket holds, and what it starts with (default 500).
    pub fn capacity(mut self, tokens: u32) -> Self {
        self.capacity = tokens;
        self
    }

    /// What one retry costs (default 5).
    pub fn retry_cost(mut self, tokens: u32) -> Self {
        self.retry_cost = tokens;
        self
    }

    /// What one retry after a timeout costs (default 10: a timeout ties up a connection for the whole per-attempt
    /// timeout, so retrying it is dearer).
    pub fn timeout_retry_cost(mut self, tokens: u32) -> Self {
        self.timeout_retry_cost = tokens;
        self
    }

    /// Tokens added per second of elapsed time, up to the capacity (default
    /// [`RetryBudget::DEFAULT_REFILL_PER_SECOND`]; `0.0` turns the time refill off, so that only successes refill
    /// the bucket, as in the AWS SDKs' standard mode). Fractions are kept, to a millionth of a token: at 0.5 a
    /// token comes back every two seconds (rates below a millionth of a token per second count as 0).
    pub fn refill_per_second(mut self, tokens: f64) -> Self {
        self.refill_per_second = tokens;
        self
    }

    /// A full bucket with these settings; [`Error::InvalidInput`] when the refill rate is negative or not finite.
    pub fn build(self) -> Result<RetryBudget, Error> {
        if !(self.refill_per_second.is_finite() && self.refill_per_second >= 0.0) {
            return Err(Error::invalid_input(
                "refill_per_second",
                format!(
                    "{} is not a finite number of tokens >= 0",
                    self.refill_per_second
                ),
            ));
        }
        Ok(RetryBudget {
            inner: Arc::new(Bucket {
                config: self,
                // Saturating: a rate beyond u64::MAX millionths per second refills any bucket at once anyway.
                refill_micros_per_second: (self.refill_per_second * MICROS as f64).round() as u64,
                state: Mutex::new(State {
                    micros: u64::from(self.capacity) * MICROS,
                    refilled_at: Instant::now(),
                }),
            }),
        })
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudgetBuilder::default()
            .build()
            .expect("the default refill rate is valid")
    }
}

impl RetryBudget {
    /// The default capacity: 500 tokens, i.e. 100 retries (50 after timeouts) in a burst.
    pub const DEFAULT_CAPACITY: u32 = 500;
    /// The default cost of a retry.
    pub const DEFAULT_RETRY_COST: u32 = 5;
    /// The default cost of a retry after a timeout.
    pub const DEFAULT_TIMEOUT_RETRY_COST: u32 = 10;
    /// The default refill: 1 token per second.
    ///
    /// Why 1: an empty bucket can pay for one retry again after 5 s of quiet (a timeout retry after 10 s), so a
    /// client that sat idle after a storm does not fail fast on its next isolated 503; yet during a sustained
    /// outage the refill alone sustains at most one retry per 5 s for the whole client (a fifth of a request per
    /// second on top of first attempts), which is no storm. Refilling the whole bucket from empty takes about
    /// 8 minutes, so repeated outages still find it partly drained.
    pub const DEFAULT_REFILL_PER_SECOND: f64 = 1.0;

    /// Starts a budget with named settings (unset ones keep the defaults).
    pub fn builder() -> RetryBudgetBuilder {
        RetryBudgetBuilder::default()
    }

    /// The settings this budget was built with.
    pub fn settings(&self) -> RetryBudgetBuilder {
        self.inner.config
    }

    /// Whole tokens available now (the time refill included).
    pub fn available(&self) -> u32 {
        // Never above capacity, so the conversion cannot fail.
        u32::try_from(self.state().micros / MICROS).unwrap_or(u32::MAX)
    }

    fn capacity_micros(&self) -> u64 {
        u64::from(self.inner.config.capacity) * MICROS
    }

    /// The state, with the refill for the time elapsed since it was last credited. The fraction of a millionth
    /// not yet earned stays owed (the credited time moves forward only by what was paid), so frequent reads lose
    /// nothing.
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        let mut state = self.inner.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let rate = u128::from(self.inner.refill_micros_per_second);
        let capacity = self.capacity_micros();
        if rate == 0 || state.micros >= capacity {
            state.refilled_at = now;
            return state;
        }
        let elapsed = now.saturating_duration_since(state.refilled_at).as_nanos();
        let earned = elapsed * rate / NANOS_PER_SECOND;
        let room = u128::from(capacity - state.micros);
        if earned >= room {
            state.micros = capacity;
            state.refilled_at = now;
        } else {
            // `earned < room <= u64::MAX`, and the time it took is at most `elapsed`.
            state.micros += earned as u64;
            let paid_nanos = earned * NANOS_PER_SECOND / rate;
            state.refilled_at += std::time::Duration::from_nanos(paid_nanos as u64);
        }
        state
    }

    /// Takes the cost of one retry; `None` when the bucket cannot pay.
    pub(crate) fn try_acquire(&self, after_timeout: bool) -> Option<u32> {
        let config = &self.inner.config;
        let cost = if after_timeout {
            config.timeout_retry_cost
        } else {
            config.retry_cost
        };
        let cost_micros = u64::from(cost) * MICROS;
        let mut state = self.state();
        let left = state.micros.checked_sub(cost_micros)?;
        state.micros = left;
        Some(cost)
    }

    /// Refunds after a successful call: what its retries cost, or 1 token when it needed none.
    pub(crate) fn refund(&self, spent: u32) {
        let amount = if spent == 0 { 1 } else { spent };
        let capacity = self.capacity_micros();
        let mut state = self.state();
        state.micros = state
            .micros
            .saturating_add(u64::from(amount) * MICROS)
            .min(capacity);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn no_refill(capacity: u32) -> RetryBudget {
        RetryBudget::builder()
            .capacity(capacity)
            .refill_per_second(0.0)
            .build()
            .unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn retries_spend_and_successes_refund_up_to_capacity() {
        let b = no_refill(12);
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
        tokio::time::advance(Duration::from_secs(3600)).await;
        assert_eq!(b.available(), 7, "no time refill when it is off");
    }

    #[tokio::test(start_paused = true)]
    async fn time_refills_an_empty_bucket_lazily_and_never_above_capacity() {
        let b = RetryBudget::builder()
            .capacity(20)
            .retry_cost(5)
            .timeout_retry_cost(10)
            .refill_per_second(2.0)
            .build()
            .unwrap();
        for _ in 0..4 {
            assert_eq!(b.try_acquire(false), Some(5));
        }
        assert_eq!(b.try_acquire(false), None, "the storm emptied the bucket");
        tokio::time::advance(Duration::from_millis(2_400)).await;
        assert_eq!(b.available(), 4, "2.4 s at 2 tokens/s: 4.8 tokens, 4 whole");
        assert_eq!(b.try_acquire(false), None, "not yet a retry's worth");
        tokio::time::advance(Duration::from_millis(100)).await;
        assert_eq!(
            b.try_acquire(false),
            Some(5),
            "5.0 tokens after 2.5 s: the next isolated failure is retried again"
        );
        assert_eq!(b.available(), 0);
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(b.try_acquire(true), Some(10), "a timeout retry after 5 s");
        tokio::time::advance(Duration::from_secs(1_000)).await;
        assert_eq!(b.available(), 20, "capped at capacity");
    }

    #[tokio::test(start_paused = true)]
    async fn the_default_refill_pays_for_a_retry_after_five_quiet_seconds() {
        let b = RetryBudget::builder().capacity(5).build().unwrap();
        assert_eq!(b.settings(), RetryBudgetBuilder::default().capacity(5));
        assert_eq!(b.try_acquire(false), Some(5));
        tokio::time::advance(Duration::from_millis(4_900)).await;
        assert_eq!(b.try_acquire(false), None);
        tokio::time::advance(Duration::from_millis(100)).await;
        assert_eq!(b.try_acquire(false), Some(5));
    }

    #[test]
    fn the_default_keeps_its_meaning() {
        let b = RetryBudget::default();
        assert_eq!(b.available(), 500);
        let settings = b.settings();
        assert_eq!(
            settings,
            RetryBudget::builder()
                .capacity(500)
                .retry_cost(5)
                .timeout_retry_cost(10)
                .refill_per_second(1.0)
        );
    }

    #[test]
    fn a_negative_or_nan_refill_is_rejected_when_built() {
        for rate in [-1.0, f64::NAN, f64::INFINITY] {
            let err = RetryBudget::builder()
                .refill_per_second(rate)
                .build()
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidInput {
                        argument: "refill_per_second",
                        ..
                    }
                ),
                "{rate}: {err:?}"
            );
        }
    }
}
