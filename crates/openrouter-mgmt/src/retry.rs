//! When a failed attempt is replayed, and how long to wait first: the retry policy, the replay-safety
//! classification of each operation, backoff with full jitter, and `Retry-After` parsing.
//!
//! The table (see the crate README for the same table with the tests that prove each row):
//!
//! | failure | replay-safe operation | create key / create guardrail |
//! |---|---|---|
//! | connection refused / not established | retried | retried (the request never left) |
//! | timeout, broken connection | retried | **not** retried (unless the call opts in) |
//! | 408, 500, 502, 503, 504 | retried | **not** retried (unless the call opts in) |
//! | 429 | retried | retried (the server refused before doing anything) |
//! | any other status, decode errors | not retried | not retried |

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

use openrouter_mgmt_gen::Replay;

use crate::error::{Error, TransportKind, is_retryable_status};

/// How a call retries. Defaults: 3 retries, exponential backoff from 500 ms capped at 30 s with full jitter,
/// `Retry-After` honoured up to 60 s, and a total deadline of 5 minutes per call.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) deadline: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
            deadline: Some(Duration::from_secs(300)),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (the deadline still applies).
    pub fn no_retries() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// How many times a failed attempt may be replayed (0 = never).
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The first backoff ceiling; the n-th retry waits a random time in `0..=min(max_delay, base * 2^n)`.
    pub fn with_base_delay(mut self, base: Duration) -> Self {
        self.base_delay = base;
        self
    }

    /// The largest backoff ceiling.
    pub fn with_max_delay(mut self, max: Duration) -> Self {
        self.max_delay = max;
        self
    }

    /// The longest server-requested wait (`Retry-After`, `retry-after-ms`) that is honoured; longer requests
    /// are shortened to this.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// The total time a call may take, attempts and waits included (`None`: no deadline). A wait that would end
    /// after the deadline is not started: the call fails at once with the last error.
    pub fn with_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// The backoff before retry number `retry` (0-based), given a uniform random number in `[0, 1)`.
    pub(crate) fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let exp = self
            .base_delay
            .checked_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX))
            .unwrap_or(self.max_delay);
        let ceiling = exp.min(self.max_delay);
        ceiling.mul_f64(unit.clamp(0.0, 1.0))
    }
}

/// What an attempt ended with, as far as the retry decision is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Status(u16),
    Transport {
        kind: TransportKind,
        maybe_reached_server: bool,
    },
    Final,
}

impl Outcome {
    pub(crate) fn of(error: &Error) -> Self {
        match error {
            Error::Api { status, .. } => Self::Status(*status),
            Error::Transport {
                kind,
                maybe_reached_server,
                ..
            } => Self::Transport {
                kind: *kind,
                maybe_reached_server: *maybe_reached_server,
            },
            _ => Self::Final,
        }
    }
}

/// The replay-safety table.
pub(crate) fn should_retry(replay: Replay, outcome: Outcome, allow_unsafe_replay: bool) -> bool {
    let replay = if allow_unsafe_replay {
        Replay::Safe
    } else {
        replay
    };
    match (replay, outcome) {
        (_, Outcome::Final) => false,
        (Replay::Safe, Outcome::Status(s)) => is_retryable_status(s),
        (Replay::Safe, Outcome::Transport { .. }) => true,
        (Replay::OnlyIfNotReceived, Outcome::Status(s)) => s == 429,
        (
            Replay::OnlyIfNotReceived,
            Outcome::Transport {
                maybe_reached_server,
                ..
            },
        ) => !maybe_reached_server,
    }
}

/// The server-requested wait: `retry-after-ms` (milliseconds) first, then `Retry-After` as seconds or an
/// HTTP date. Unparseable or negative values are ignored.
pub(crate) fn parse_retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
    {
        return Some(Duration::from_secs_f64((ms / 1000.0).min(1e9)));
    }
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs.min(1_000_000_000)));
    }
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(1e9)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A small seeded PRNG (SplitMix64) for jitter: deterministic under a seed in tests, seeded from the OS-randomised
/// hasher otherwise. Jitter needs spread, not cryptographic strength, so no dependency is warranted.
#[derive(Debug)]
pub(crate) struct Jitter {
    state: Mutex<u64>,
}

impl Jitter {
    pub(crate) fn new(seed: Option<u64>) -> Self {
        let seed = seed.unwrap_or_else(|| {
            use std::hash::{BuildHasher, Hasher};
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default(),
            );
            h.finish()
        });
        Self {
            state: Mutex::new(seed),
        }
    }

    /// A uniform number in `[0, 1)`.
    pub(crate) fn next_unit(&self) -> f64 {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn backoff_is_exponential_capped_and_jittered() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(0, 0.999_999).as_millis(), 499);
        assert_eq!(p.backoff(1, 0.999_999).as_millis(), 999);
        assert_eq!(p.backoff(3, 0.5), Duration::from_secs(2));
        assert_eq!(p.backoff(20, 1.0), Duration::from_secs(30));
        assert_eq!(p.backoff(u32::MAX, 1.0), Duration::from_secs(30));
        assert_eq!(p.backoff(2, 0.0), Duration::ZERO);
    }

    #[test]
    fn jitter_is_deterministic_under_a_seed_and_in_range() {
        let a = Jitter::new(Some(7));
        let b = Jitter::new(Some(7));
        for _ in 0..1000 {
            let x = a.next_unit();
            assert_eq!(x, b.next_unit());
            assert!((0.0..1.0).contains(&x));
        }
    }

    #[test]
    fn the_replay_table() {
        use Outcome::*;
        use Replay::*;
        let refused = Transport {
            kind: TransportKind::Connect,
            maybe_reached_server: false,
        };
        let timeout = Transport {
            kind: TransportKind::Timeout,
            maybe_reached_server: true,
        };
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(should_retry(Safe, Status(s), false), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 422, 501] {
            assert!(!should_retry(Safe, Status(s), false), "{s}");
            assert!(!should_retry(OnlyIfNotReceived, Status(s), true), "{s}");
        }
        assert!(should_retry(Safe, refused, false));
        assert!(should_retry(Safe, timeout, false));
        assert!(should_retry(OnlyIfNotReceived, refused, false));
        assert!(should_retry(OnlyIfNotReceived, Status(429), false));
        assert!(!should_retry(OnlyIfNotReceived, timeout, false));
        for s in [408, 500, 502, 503, 504] {
            assert!(!should_retry(OnlyIfNotReceived, Status(s), false), "{s}");
            assert!(should_retry(OnlyIfNotReceived, Status(s), true), "{s}");
        }
        assert!(should_retry(OnlyIfNotReceived, timeout, true));
        assert!(!should_retry(Safe, Final, true));
    }

    #[test]
    fn retry_after_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut h = HeaderMap::new();
        assert_eq!(parse_retry_after(&h, now), None);
        h.insert("retry-after", HeaderValue::from_static("7"));
        assert_eq!(parse_retry_after(&h, now), Some(Duration::from_secs(7)));
        h.insert("retry-after", HeaderValue::from_static("-3"));
        assert_eq!(parse_retry_after(&h, now), None);
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(parse_retry_after(&h, now), None);
        let date = httpdate::fmt_http_date(now + Duration::from_secs(90));
        h.insert("retry-after", HeaderValue::from_str(&date).unwrap());
        assert_eq!(parse_retry_after(&h, now), Some(Duration::from_secs(90)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(90));
        h.insert("retry-after", HeaderValue::from_str(&past).unwrap());
        assert_eq!(parse_retry_after(&h, now), Some(Duration::ZERO));
        h.insert("retry-after-ms", HeaderValue::from_static("1500"));
        assert_eq!(
            parse_retry_after(&h, now),
            Some(Duration::from_millis(1500))
        );
    }
}
