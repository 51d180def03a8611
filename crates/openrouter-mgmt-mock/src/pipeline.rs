//! One request's path through the mock: read and record it, pick its fault, authenticate, run the operation
//! under the state lock (never across an `.await`), and answer — or spoil the answer as the fault says.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use futures::StreamExt as _;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use openrouter_mgmt_gen::OperationId;
use serde_json::{Map, Value, json};
use tokio::sync::{Notify, watch};

use crate::errors::{self, ApiError, Reply};
use crate::faults::{Fault, Faults};
use crate::pagination::Query;
use crate::request_log::{RecordedRequest, RequestLog};
use crate::routes::{self, BASE_PATH, Resolved, Unresolved};
use crate::state::State;
use crate::{auth, dispatch};

/// What every connection of one server shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) faults: Faults,
    pub(crate) log: RequestLog,
    pub(crate) shutdown: watch::Receiver<bool>,
}

impl Shared {
    /// The state, locked (recovering from a poisoned lock: every write leaves the state consistent).
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps for `duration`; false if the server is shutting down first.
    async fn sleep(&self, duration: Duration) -> bool {
        let mut shutdown = self.shutdown.clone();
        tokio::select! {
            () = tokio::time::sleep(duration) => true,
            () = stopping(&mut shutdown) => false,
        }
    }

    /// Waits `latency` (what is left of the configured latency), to within tens of microseconds; false if the
    /// server is shutting down first.
    ///
    /// Tokio's timer counts whole milliseconds and rounds every deadline up, so `tokio::time::sleep(20 ms)` lasts
    /// 21.1 ms on average on a 2-core machine: every latency a benchmark injected would be 5 % longer than asked
    /// for, and the SDK would be charged for it. So all but the last [`TIMER_SLACK`] are slept on tokio's timer
    /// (cheap, and interrupted by shutdown) and the rest with the operating system's sleep on the blocking pool.
    async fn wait_precisely(&self, latency: Duration) -> bool {
        let deadline = std::time::Instant::now() + latency;
        if !self.sleep(latency.saturating_sub(TIMER_SLACK)).await {
            return false;
        }
        let rest = deadline.saturating_duration_since(std::time::Instant::now());
        if !rest.is_zero() {
            // A failed join (the runtime is shutting down) only cuts the wait short.
            let _ = tokio::task::spawn_blocking(move || std::thread::sleep(rest)).await;
        }
        true
    }
}

/// How much of an injected latency is left to the operating system's sleep rather than tokio's timer (which
/// fires up to a millisecond late, and later under load).
const TIMER_SLACK: Duration = Duration::from_millis(2);

/// Resolves once the server is stopping (or its handle is gone).
pub(crate) async fn stopping(shutdown: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`: drop it here rather than hold it in a caller's future.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// A request, read in full, as the operations need it.
#[derive(Debug, Clone)]
struct Call {
    serial: u64,
    method: String,
    relative_path: String,
    headers: HeaderMap,
    query: Option<String>,
    body: Bytes,
    resolved: Result<Resolved, Unresolved>,
}

/// Serves one request. `kill` closes the request's connection (for the faults that hang up).
///
/// With a latency set ([`Faults::set_latency`]), the answer (or the hang-up) leaves no earlier than that long
/// after the request arrived, the mock's own work included, as it would from a server whose latency that is. With
/// a jitter set ([`Faults::set_jitter`]), it then waits a further random share of the jitter, so that answers to
/// concurrent requests leave in another order than they were served in.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    kill: Arc<Notify>,
    request: Request<Incoming>,
) -> Result<Response<Body>, Infallible> {
    let due = shared
        .faults
        .latency()
        .map(|latency| (std::time::Instant::now(), latency));
    let answer = answer(&shared, request).await;
    if let Some((arrived, latency)) = due
        && !shared
            .wait_precisely(latency.saturating_sub(arrived.elapsed()))
            .await
    {
        return hang_up(&kill).await;
    }
    // Drawn once the request was served, and waited on tokio's clock (so a paused clock in a test drives it).
    if let Some(jitter) = shared.faults.jitter()
        && !shared.sleep(jitter).await
    {
        return hang_up(&kill).await;
    }
    match answer {
        Some(response) => Ok(response),
        None => hang_up(&kill).await,
    }
}

/// The answer to one request, or `None` where the fault is to hang up.
async fn answer(shared: &Arc<Shared>, request: Request<Incoming>) -> Option<Response<Body>> {
    let (parts, body) = request.into_parts();
    // A client that breaks off its upload leaves an empty body, which the operations reject as malformed.
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let relative = path
        .strip_prefix(BASE_PATH)
        .filter(|rest| rest.starts_with('/'))
        .map(str::to_owned);
    let resolved = match &relative {
        Some(rest) => routes::resolve(&parts.method, &routes::segments(rest)),
        None => Err(Unresolved::NotFound),
    };
    let operation = resolved.as_ref().ok().map(|r| r.operation);
    let fault = shared.faults.take(
        parts.method.as_str(),
        relative.as_deref().unwrap_or(&path),
        operation,
    );
    let serial = shared.log.push(record(
        &parts.method,
        &path,
        &parts.uri,
        &parts.headers,
        &body,
        operation,
        fault.clone(),
    ));

    let call = Call {
        serial,
        method: parts.method.as_str().to_owned(),
        relative_path: relative.clone().unwrap_or_default(),
        headers: parts.headers,
        query: parts.uri.query().map(str::to_owned),
        body,
        resolved,
    };
    let reply = match fault {
        Some(Fault::RateLimited {
            retry_after_secs,
            retry_after_ms,
        }) => return Some(respond(rate_limited(retry_after_secs, retry_after_ms))),
        Some(Fault::Status(status)) => return Some(respond(injected(status))),
        Some(Fault::CloseBeforeResponse) => return None,
        Some(Fault::Delay(delay)) => {
            // Detached from the connection: the operation runs after the delay even if the client left.
            let detached = Arc::clone(shared);
            let task = tokio::spawn(async move {
                if detached.sleep(delay).await {
                    Some(execute(&detached, &call))
                } else {
                    None
                }
            });
            task.await.ok().flatten()?
        }
        _ => execute(shared, &call),
    };
    Some(match fault {
        Some(Fault::ApplyThenStatus(status)) => respond(injected(status)),
        Some(Fault::ApplyThenClose) => return None,
        Some(Fault::CloseMidBody) => close_mid_body(&reply),
        Some(Fault::MalformedJson) => malformed(&reply),
        Some(Fault::SchemaViolation) => respond(schema_violation(reply)),
        Some(Fault::LegacyNumbers) => respond(legacy_numbers(reply)),
        _ => respond(reply),
    })
}

/// Runs the operation a request resolved to, with authentication, under the state lock.
fn execute(shared: &Shared, call: &Call) -> Reply {
    let resolved = match &call.resolved {
        Ok(resolved) => resolved,
        Err(Unresolved::NotFound) => return ApiError::not_found("Not Found").into(),
        Err(Unresolved::MethodNotAllowed) => {
            return ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed").into();
        }
    };
    let mut state = shared.state();
    state.tick += 1;
    shared.log.served(call.serial, state.tick);
    let result = auth::authenticate(&state, &call.headers).and_then(|caller| {
        auth::authorize(&caller, resolved.operation)?;
        let query = Query::parse(call.query.as_deref());
        let request = crate::request::Request {
            operation: resolved.operation,
            caller: &caller,
            params: &resolved.params,
            query: &query,
            headers: &call.headers,
            body: &call.body[..],
        };
        crate::churning::before_serving(&mut state, &request, &call.method, &call.relative_path);
        dispatch::run(&mut state, &request)
    });
    crate::churning::after_serving(&mut state, resolved.operation);
    result.unwrap_or_else(Reply::from)
}

fn record(
    method: &Method,
    path: &str,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &Bytes,
    operation: Option<OperationId>,
    fault: Option<Fault>,
) -> RecordedRequest {
    let headers = headers
        .iter()
        .map(|(name, value)| {
            let value = if name == header::AUTHORIZATION {
                "[redacted]".to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_owned(), value)
        })
        .collect();
    RecordedRequest {
        method: method.as_str().to_owned(),
        path: path.to_owned(),
        query: uri.query().map(str::to_owned),
        headers,
        body: body.to_vec(),
        operation,
        fault,
        tick: 0,
        serial: 0,
    }
}

/// Closes the connection without answering: the connection task drops it when `kill` fires.
async fn hang_up(kill: &Notify) -> Result<Response<Body>, Infallible> {
    kill.notify_one();
    std::future::pending().await
}

fn rate_limited(retry_after_secs: Option<u64>, retry_after_ms: Option<u64>) -> Reply {
    let mut metadata = Map::new();
    metadata.insert("error_type".to_owned(), json!("rate_limit_exceeded"));
    let error = ApiError {
        metadata: Some(metadata),
        ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "Rate limit exceeded")
    };
    let mut reply = Reply::from(error);
    if let Some(secs) = retry_after_secs {
        reply
            .headers
            .push((header::RETRY_AFTER, HeaderValue::from(secs)));
    }
    if let Some(ms) = retry_after_ms {
        reply.headers.push((
            header::HeaderName::from_static("retry-after-ms"),
            HeaderValue::from(ms),
        ));
    }
    reply
}

fn injected(status: u16) -> Reply {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    ApiError::new(status, errors::default_message(status)).into()
}

fn response_head(reply: &Reply, length: usize) -> axum::http::response::Builder {
    let mut builder = Response::builder()
        .status(reply.status)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::CONTENT_LENGTH, length);
    for (name, value) in &reply.headers {
        builder = builder.header(name, value);
    }
    builder
}

/// The body's bytes; `null` (what an operation without a response body answers, e.g. a 204) is no body at all.
fn json_bytes(body: &Value) -> Vec<u8> {
    if body.is_null() {
        return Vec::new();
    }
    serde_json::to_vec(body).expect("a JSON value always serializes")
}

fn respond(reply: Reply) -> Response<Body> {
    let bytes = json_bytes(&reply.body);
    response_head(&reply, bytes.len())
        .body(Body::from(bytes))
        .expect("a valid response head")
}

/// The real status and headers (with the full `Content-Length`), half the body, then a broken connection.
fn close_mid_body(reply: &Reply) -> Response<Body> {
    let bytes = json_bytes(&reply.body);
    let half = Bytes::from(bytes[..bytes.len() / 2].to_vec());
    let chunks = futures::stream::iter([Ok::<_, std::io::Error>(half)]).chain(
        futures::stream::once(async {
            // Let the first half reach the socket before the body fails and hyper drops the connection.
            tokio::time::sleep(Duration::from_millis(20)).await;
            Err(std::io::Error::other(
                "openrouter-mgmt-mock: connection closed mid-body",
            ))
        }),
    );
    response_head(reply, bytes.len())
        .body(Body::from_stream(chunks))
        .expect("a valid response head")
}

/// The real status, but JSON cut in half.
fn malformed(reply: &Reply) -> Response<Body> {
    let bytes = json_bytes(&reply.body);
    let cut = bytes[..bytes.len() / 2].to_vec();
    response_head(reply, cut.len())
        .body(Body::from(cut))
        .expect("a valid response head")
}

/// The same answer with every whole number written as a float (`3` becomes `3.0`).
fn legacy_numbers(mut reply: Reply) -> Reply {
    fn walk(value: &mut Value) {
        match value {
            Value::Number(n) if !n.is_f64() => {
                if let Some(float) = n.as_f64().and_then(serde_json::Number::from_f64) {
                    *n = float;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            Value::Object(object) => object.values_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut reply.body);
    reply
}

/// Valid JSON missing a required field: the object's `id`/`hash` (or first element's), else its first field.
fn schema_violation(mut reply: Reply) -> Reply {
    fn drop_identity(object: &mut Map<String, Value>) -> bool {
        ["id", "hash"].iter().any(|f| object.remove(*f).is_some())
    }
    let Value::Object(top) = &mut reply.body else {
        reply.body = json!({});
        return reply;
    };
    let removed = match top.get_mut("data") {
        Some(Value::Object(data)) => drop_identity(data),
        Some(Value::Array(items)) => items
            .first_mut()
            .and_then(Value::as_object_mut)
            .is_some_and(drop_identity),
        _ => false,
    };
    if !removed && let Some(first) = top.keys().next().cloned() {
        top.remove(&first);
    }
    reply
}
