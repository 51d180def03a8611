//! Fault injection: rules that make chosen requests (by route and by count) fail the ways real networks and
//! servers fail, a seeded random failure rate, and a fixed per-request latency. Scripted from tests through
//! [`Faults`], or from the binary's `--fault ROUTE=FAULT[xN][@SKIP]` flags (see [`FaultRule`]'s `FromStr`).

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openrouter_mgmt_gen::OperationId;

use crate::rng::Rng;
use crate::routes;

/// One way for a request to go wrong.
///
/// "Before" faults answer without running the operation (no state changes); "after" faults run it (its
/// writes are applied) and then spoil the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Before: 429 with the error envelope (`error_type: rate_limit_exceeded`), a `Retry-After` header in whole
    /// seconds if `retry_after_secs` is set, and a `retry-after-ms` header if `retry_after_ms` is set.
    RateLimited {
        /// Value of `Retry-After` (seconds).
        retry_after_secs: Option<u64>,
        /// Value of `retry-after-ms` (milliseconds).
        retry_after_ms: Option<u64>,
    },
    /// Before: this status (e.g. 500, 502, 503, 504) with the error envelope.
    Status(u16),
    /// Wait this long, then run the operation and answer normally. The wait uses `tokio::time::sleep` (so paused
    /// time skips it), and the operation is run even if the client has given up meanwhile.
    Delay(Duration),
    /// Before: close the connection without sending anything.
    CloseBeforeResponse,
    /// After: send the status, headers (with the full `Content-Length`) and half the body, then close.
    CloseMidBody,
    /// After: the real status, but the body is truncated JSON that does not parse.
    MalformedJson,
    /// After: the real 2xx status and valid JSON that breaks the schema (a required field is missing).
    SchemaViolation,
    /// After: the real answer with every whole number written as a float (`3.0`), as servers could when the spec
    /// typed counts as `number` (before February 2026).
    LegacyNumbers,
    /// After: apply the write, then answer this status with the error envelope instead of the result.
    ApplyThenStatus(u16),
    /// After: apply the write, then close the connection without answering.
    ApplyThenClose,
}

impl Fault {
    /// 429 with `Retry-After: <secs>`.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Fault::RateLimited {
            retry_after_secs: Some(retry_after_secs),
            retry_after_ms: None,
        }
    }

    /// Whether the operation runs (its writes apply) before the fault spoils the answer.
    pub fn applies_write(&self) -> bool {
        matches!(
            self,
            Fault::Delay(_)
                | Fault::CloseMidBody
                | Fault::MalformedJson
                | Fault::SchemaViolation
                | Fault::LegacyNumbers
                | Fault::ApplyThenStatus(_)
                | Fault::ApplyThenClose
        )
    }
}

impl fmt::Display for Fault {
    /// The binary's syntax, e.g. `429:2`, `503`, `delay:30000ms`, `close`, `apply-then-500`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::RateLimited {
                retry_after_secs,
                retry_after_ms,
            } => {
                f.write_str("429")?;
                match (retry_after_secs, retry_after_ms) {
                    (None, None) => Ok(()),
                    (s, None) => write!(f, ":{}", s.unwrap_or_default()),
                    (s, Some(ms)) => {
                        write!(f, ":{}:{ms}", s.map(|s| s.to_string()).unwrap_or_default())
                    }
                }
            }
            Fault::Status(status) => write!(f, "{status}"),
            Fault::Delay(d) => write!(f, "delay:{}ms", d.as_millis()),
            Fault::CloseBeforeResponse => f.write_str("close"),
            Fault::CloseMidBody => f.write_str("close-mid-body"),
            Fault::MalformedJson => f.write_str("malformed-json"),
            Fault::SchemaViolation => f.write_str("schema-violation"),
            Fault::LegacyNumbers => f.write_str("legacy-numbers"),
            Fault::ApplyThenStatus(status) => write!(f, "apply-then-{status}"),
            Fault::ApplyThenClose => f.write_str("apply-then-close"),
        }
    }
}

/// The error for a fault, route or rule string that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultParseError(pub String);

impl fmt::Display for FaultParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FaultParseError {}

fn parse_status(s: &str) -> Result<u16, FaultParseError> {
    match s.parse::<u16>() {
        Ok(status) if (400..=599).contains(&status) => Ok(status),
        _ => Err(FaultParseError(format!(
            "{s:?} is not an error status (400..=599)"
        ))),
    }
}

fn parse_duration(s: &str) -> Result<Duration, FaultParseError> {
    let bad = || FaultParseError(format!("{s:?} is not a duration like 500ms or 30s"));
    if let Some(ms) = s.strip_suffix("ms") {
        ms.parse().map(Duration::from_millis).map_err(|_| bad())
    } else if let Some(secs) = s.strip_suffix('s') {
        secs.parse().map(Duration::from_secs).map_err(|_| bad())
    } else {
        s.parse().map(Duration::from_millis).map_err(|_| bad())
    }
}

impl FromStr for Fault {
    type Err = FaultParseError;

    /// `429[:SECS[:MS]]`, a status `400..=599`, `delay:DUR` (`500ms`, `30s`, or bare milliseconds), `close`,
    /// `close-mid-body`, `malformed-json`, `schema-violation`, `legacy-numbers`, `apply-then-STATUS`,
    /// `apply-then-close`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let optional = |v: Option<&str>| -> Result<Option<u64>, FaultParseError> {
            match v {
                None | Some("") => Ok(None),
                Some(v) => v
                    .parse()
                    .map(Some)
                    .map_err(|_| FaultParseError(format!("{v:?} is not a whole number"))),
            }
        };
        Ok(match s {
            "close" => Fault::CloseBeforeResponse,
            "close-mid-body" => Fault::CloseMidBody,
            "malformed-json" => Fault::MalformedJson,
            "schema-violation" => Fault::SchemaViolation,
            "legacy-numbers" => Fault::LegacyNumbers,
            "apply-then-close" => Fault::ApplyThenClose,
            _ if s == "429" || s.starts_with("429:") => {
                let mut parts = s.split(':').skip(1);
                Fault::RateLimited {
                    retry_after_secs: optional(parts.next())?,
                    retry_after_ms: optional(parts.next())?,
                }
            }
            _ => {
                if let Some(d) = s.strip_prefix("delay:") {
                    Fault::Delay(parse_duration(d)?)
                } else if let Some(status) = s.strip_prefix("apply-then-") {
                    Fault::ApplyThenStatus(parse_status(status)?)
                } else {
                    Fault::Status(parse_status(s).map_err(|_| {
                        FaultParseError(format!(
                            "unknown fault {s:?} (see `openrouter-mgmt-mock --help`)"
                        ))
                    })?)
                }
            }
        })
    }
}

/// Which requests a rule applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// Every request.
    Any,
    /// Requests that resolve to this operation.
    Operation(OperationId),
    /// A method (`None` = any) and a path pattern relative to `/api/v1` whose `{name}` or `*` segments match any
    /// one segment, e.g. `POST /keys` or `GET /guardrails/{id}/assignments/keys`.
    Pattern {
        /// The HTTP method, upper case; `None` matches any.
        method: Option<String>,
        /// The path's segments.
        segments: Vec<String>,
    },
}

impl Route {
    /// Whether a request with this method, path (relative to `/api/v1`) and operation matches.
    pub(crate) fn matches(
        &self,
        method: &str,
        relative_path: &str,
        operation: Option<OperationId>,
    ) -> bool {
        match self {
            Route::Any => true,
            Route::Operation(op) => operation == Some(*op),
            Route::Pattern {
                method: want,
                segments,
            } => {
                if want.as_deref().is_some_and(|m| m != method) {
                    return false;
                }
                let actual = routes::segments(relative_path);
                actual.len() == segments.len()
                    && segments.iter().zip(&actual).all(|(p, a)| {
                        p == "*" || (p.starts_with('{') && p.ends_with('}')) || p == a
                    })
            }
        }
    }
}

impl From<OperationId> for Route {
    fn from(operation: OperationId) -> Self {
        Route::Operation(operation)
    }
}

impl FromStr for Route {
    type Err = FaultParseError;

    /// `*` (any request), an operation's name (`create_keys`) or published operationId (`createKeys`), or
    /// `METHOD /path` (`POST /keys`, `* /keys/{hash}`; a leading `/api/v1` is allowed).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s == "*" {
            return Ok(Route::Any);
        }
        if let Some((method, path)) = s.split_once(' ') {
            let path = path.trim();
            if !path.starts_with('/') {
                return Err(FaultParseError(format!(
                    "route path {path:?} must start with /"
                )));
            }
            let path = path.strip_prefix(routes::BASE_PATH).unwrap_or(path);
            let method = method.trim().to_ascii_uppercase();
            return Ok(Route::Pattern {
                method: (method != "*").then_some(method),
                segments: routes::segments(path),
            });
        }
        OperationId::from_name(s).map(Route::Operation).ok_or_else(|| {
            FaultParseError(format!(
                "no operation is named {s:?}; a route is `*`, an operation name (`create_keys` or \
                 `createKeys`) or `METHOD /path`"
            ))
        })
    }
}

/// A fault for matching requests: lets the first `skip` through, then faults the next `times` (default 1).
///
/// Rules are consumed in the order they were added: a request counts only against the first rule it matches
/// that is not used up. So "the 2nd and 3rd `POST /keys` fail with 500" is
/// `FaultRule::new(route, Fault::Status(500)).skip(1).times(2)`, or `POST /keys=500x2@1` as a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultRule {
    route: Route,
    fault: Fault,
    skip: u64,
    /// `None`: forever.
    times: Option<u64>,
}

impl FaultRule {
    /// Faults the next matching request, once.
    pub fn new(route: impl Into<Route>, fault: Fault) -> Self {
        Self {
            route: route.into(),
            fault,
            skip: 0,
            times: Some(1),
        }
    }

    /// Lets this many matching requests through first.
    #[must_use]
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = n;
        self
    }

    /// Faults this many matching requests (after the skipped ones).
    #[must_use]
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Faults every matching request from now on (until [`Faults::clear`]).
    #[must_use]
    pub fn always(mut self) -> Self {
        self.times = None;
        self
    }

    /// The route this rule watches.
    pub fn route(&self) -> &Route {
        &self.route
    }

    /// The fault it injects.
    pub fn fault(&self) -> &Fault {
        &self.fault
    }

    fn used_up(&self) -> bool {
        self.times == Some(0)
    }
}

impl FromStr for FaultRule {
    type Err = FaultParseError;

    /// `ROUTE=FAULT[xN|x*][@SKIP]`, e.g. `POST /keys=500x2`, `create_keys=429:1x3@1`, `*=close`,
    /// `GET /keys=delay:30s`, `POST /guardrails=apply-then-503`. See [`Route`] and [`Fault`] for the parts.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (route, rest) = s
            .rsplit_once('=')
            .ok_or_else(|| FaultParseError(format!("{s:?} is not ROUTE=FAULT")))?;
        let mut rule = FaultRule::new(route.parse::<Route>()?, Fault::Status(500));
        let mut fault = rest.trim();
        if let Some((head, skip)) = fault.rsplit_once('@') {
            rule.skip = skip.parse().map_err(|_| {
                FaultParseError(format!("{skip:?} is not a number of requests to skip"))
            })?;
            fault = head;
        }
        if let Some((head, times)) = fault.rsplit_once('x') {
            if times == "*" {
                rule.times = None;
                fault = head;
            } else if !times.is_empty() && times.bytes().all(|b| b.is_ascii_digit()) {
                rule.times = Some(
                    times
                        .parse()
                        .map_err(|_| FaultParseError(format!("{times:?} is too large")))?,
                );
                fault = head;
            }
        }
        rule.fault = fault.parse()?;
        Ok(rule)
    }
}

/// The mutable fault configuration of one server.
#[derive(Debug)]
struct FaultBook {
    rules: Vec<FaultRule>,
    latency: Option<Duration>,
    /// The most an answer is held back after it was served, drawn per request.
    jitter: Option<Duration>,
    fail_rate: Option<(f64, Fault)>,
    rng: Rng,
}

/// The fault controls of a running [`MockServer`](crate::MockServer); cheap to clone, shared with the server.
#[derive(Debug, Clone)]
pub struct Faults {
    book: Arc<Mutex<FaultBook>>,
}

impl Faults {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            book: Arc::new(Mutex::new(FaultBook {
                rules: Vec::new(),
                latency: None,
                jitter: None,
                fail_rate: None,
                // A stream of its own, so random faults do not shift the ids the state draws.
                rng: Rng::new(seed ^ 0xFA17_FA17_FA17_FA17),
            })),
        }
    }

    fn book(&self) -> std::sync::MutexGuard<'_, FaultBook> {
        self.book
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds a rule after the existing ones.
    pub fn add(&self, rule: FaultRule) -> &Self {
        self.book().rules.push(rule);
        self
    }

    /// Shorthand: the next request matching `route` gets `fault`, once.
    pub fn once(&self, route: impl Into<Route>, fault: Fault) -> &Self {
        self.add(FaultRule::new(route, fault))
    }

    /// Removes every rule, the failure rate and the latency.
    pub fn clear(&self) {
        let mut book = self.book();
        book.rules.clear();
        book.latency = None;
        book.jitter = None;
        book.fail_rate = None;
    }

    /// How many rules are not used up yet.
    pub fn pending(&self) -> usize {
        self.book().rules.iter().filter(|r| !r.used_up()).count()
    }

    /// Makes every answer leave `latency` after its request arrived (`None` to stop), the mock's own work
    /// included, as from a server with that latency; e.g. for benchmarks. Accurate to tens of microseconds.
    pub fn set_latency(&self, latency: Option<Duration>) {
        self.book().latency = latency;
    }

    /// Makes each request that no rule claims fail with `fault` with probability `rate` (0.0..=1.0), drawn from
    /// the server's seed so that a run is repeatable. A rate of 0 turns this off.
    pub fn set_fail_rate(&self, rate: f64, fault: Fault) {
        self.book().fail_rate = (rate > 0.0).then_some((rate.min(1.0), fault));
    }

    /// Holds each answer back, after the request was served, for a random time up to `max` (`None` to stop),
    /// drawn from the server's seed: answers to concurrent requests then arrive in another order than the one
    /// they were served in. Added to any latency, and waited on tokio's clock (a test on a paused clock drives it).
    pub fn set_jitter(&self, max: Option<Duration>) {
        self.book().jitter = max;
    }

    /// The latency to add to every request.
    pub(crate) fn latency(&self) -> Option<Duration> {
        self.book().latency
    }

    /// This answer's share of the jitter, if any.
    pub(crate) fn jitter(&self) -> Option<Duration> {
        let mut book = self.book();
        let max = book.jitter?;
        let micros = u64::try_from(max.as_micros()).unwrap_or(u64::MAX);
        Some(Duration::from_micros(
            book.rng.below(micros.saturating_add(1)),
        ))
    }

    /// Picks (and consumes) the fault for a request, if any.
    pub(crate) fn take(
        &self,
        method: &str,
        relative_path: &str,
        operation: Option<OperationId>,
    ) -> Option<Fault> {
        let mut book = self.book();
        if let Some(rule) = book
            .rules
            .iter_mut()
            .find(|r| !r.used_up() && r.route.matches(method, relative_path, operation))
        {
            if rule.skip > 0 {
                rule.skip -= 1;
                return None;
            }
            if let Some(times) = &mut rule.times {
                *times -= 1;
            }
            return Some(rule.fault.clone());
        }
        let (rate, fault) = book.fail_rate.clone()?;
        (book.rng.unit() < rate).then_some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_strings_parse() {
        let create = OperationId::CreateKeys.info();
        let rule: FaultRule = format!("POST {}=500x2@1", create.path_template)
            .parse()
            .unwrap();
        assert_eq!(
            rule,
            FaultRule::new(
                Route::Pattern {
                    method: Some("POST".into()),
                    segments: routes::segments(create.path_template)
                },
                Fault::Status(500)
            )
            .skip(1)
            .times(2)
        );
        let rule: FaultRule = "createKeys=429:2:1500x*".parse().unwrap();
        assert_eq!(rule.route, Route::Operation(OperationId::CreateKeys));
        assert_eq!(
            rule.fault,
            Fault::RateLimited {
                retry_after_secs: Some(2),
                retry_after_ms: Some(1500)
            }
        );
        assert_eq!(rule.times, None);
        let by_name: FaultRule = "create_keys=503".parse().unwrap();
        assert_eq!(by_name.route, Route::Operation(OperationId::CreateKeys));
        assert_eq!(
            "list=503".parse::<FaultRule>().unwrap().route,
            Route::Operation(OperationId::List)
        );
        assert_eq!(
            "*=delay:30s".parse::<FaultRule>().unwrap().fault,
            Fault::Delay(Duration::from_secs(30))
        );
        for text in [
            "close",
            "close-mid-body",
            "malformed-json",
            "schema-violation",
            "legacy-numbers",
            "apply-then-close",
            "apply-then-502",
            "503",
            "429",
            "429:3",
            "delay:250ms",
        ] {
            let fault: Fault = text.parse().unwrap();
            assert_eq!(fault.to_string().parse::<Fault>().unwrap(), fault, "{text}");
        }
        for bad in [
            "POST /keys",
            "nope=500",
            "listKeys=500",
            "POST keys=500",
            "*=200",
            "*=teapot",
            "*=delay:x",
            "*=500@x",
        ] {
            assert!(bad.parse::<FaultRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn rules_are_consumed_in_order_with_skip_and_times() {
        let path = OperationId::CreateKeys.info().path_template;
        let faults = Faults::new(0);
        faults.add(
            FaultRule::new(OperationId::CreateKeys, Fault::Status(500))
                .skip(1)
                .times(2),
        );
        faults.once(
            format!("POST {path}").parse::<Route>().unwrap(),
            Fault::Status(503),
        );
        let take = || faults.take("POST", path, Some(OperationId::CreateKeys));
        assert_eq!(faults.pending(), 2);
        assert_eq!(faults.take("GET", path, Some(OperationId::List)), None);
        assert_eq!(take(), None);
        assert_eq!(take(), Some(Fault::Status(500)));
        assert_eq!(take(), Some(Fault::Status(500)));
        assert_eq!(take(), Some(Fault::Status(503)));
        assert_eq!(take(), None);
        assert_eq!(faults.pending(), 0);
    }

    #[test]
    fn fail_rate_is_seeded() {
        let run = || {
            let faults = Faults::new(42);
            faults.set_fail_rate(0.5, Fault::Status(503));
            (0..64)
                .map(|_| faults.take("GET", "/anything", None).is_some())
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        assert!(first.contains(&true) && first.contains(&false));
    }
}
