//! The record of every request the mock received, so tests can count attempts (e.g. that a create was sent
//! once) and inspect what was sent. The `Authorization` value is never recorded.

use std::sync::{Arc, Mutex};

use serde_json::Value;

use openrouter_mgmt_gen::OperationId;

use crate::faults::{Fault, Route};
use crate::routes;

/// One request as the mock saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    /// The method, e.g. `"POST"`.
    pub method: String,
    /// The full path, e.g. `"/api/v1/keys"`.
    pub path: String,
    /// The raw query string without `?`, if any.
    pub query: Option<String>,
    /// Every header in arrival order; the value of `Authorization` is replaced by `[redacted]`.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
    /// The operation the request resolved to (`None` for an unknown route).
    pub operation: Option<OperationId>,
    /// The fault injected into this request, if any.
    pub fault: Option<Fault>,
    /// The order in which the mock served it: 1 for the first request it ran an operation for, 2 for the next,
    /// and so on (0: not served, e.g. a fault answered it). Ticks are what [`crate::ItemLifetime`]s count.
    pub tick: u64,
    /// The request's number in the log (to find it again once served).
    pub(crate) serial: u64,
}

// Here rather than in `faults.rs`, so that the fault rules do not reach back into the log that records them.
impl Route {
    /// Whether a recorded request matches this route.
    pub fn matches_request(&self, request: &RecordedRequest) -> bool {
        let relative = request
            .path
            .strip_prefix(routes::BASE_PATH)
            .unwrap_or(&request.path);
        self.matches(&request.method, relative, request.operation)
    }
}

impl RecordedRequest {
    /// The first header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The shared, append-only log (cleared on request).
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestLog(Arc<Mutex<(Vec<RecordedRequest>, u64)>>);

impl RequestLog {
    fn lock(&self) -> std::sync::MutexGuard<'_, (Vec<RecordedRequest>, u64)> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends a request; its serial number, for [`RequestLog::served`].
    pub(crate) fn push(&self, mut request: RecordedRequest) -> u64 {
        let mut log = self.lock();
        log.1 += 1;
        request.serial = log.1;
        log.0.push(request);
        log.1
    }

    /// Records the tick at which the request with this serial number was served.
    pub(crate) fn served(&self, serial: u64, tick: u64) {
        let mut log = self.lock();
        // Recent requests are at the end.
        if let Some(request) = log.0.iter_mut().rev().find(|r| r.serial == serial) {
            request.tick = tick;
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.lock().0.clone()
    }

    pub(crate) fn clear(&self) {
        self.lock().0.clear();
    }
}
