//! A loopback HTTP server for the tests: it records every request it receives (method, raw path, query, headers,
//! body) and answers each `(method, path)` route with a canned JSON body, so a test can assert the exact wire
//! traffic of a client.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

/// How long any single request of a test may take before the client gives up (keeps every test bounded).
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// One request as the server saw it on the wire.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub(crate) method: Method,
    /// The path exactly as sent, still percent-encoded.
    pub(crate) path: String,
    /// The raw query string without `?`, if the request had one.
    pub(crate) query: Option<String>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Recorded {
    /// The value of header `name`, which must be present once and be valid UTF-8.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        let mut values = self.headers.get_all(name).iter();
        let first = values.next()?;
        assert!(values.next().is_none(), "header {name} sent more than once");
        Some(first.to_str().expect("header value is UTF-8"))
    }

    /// The body parsed as JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "request body is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// A canned answer for one `(method, raw path)`.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(&'static str, &'static str)>,
    pub(crate) body: String,
}

impl Route {
    /// Answers `method path` with `status` and the JSON `body`.
    pub(crate) fn json(method: Method, path: impl Into<String>, status: u16, body: &Value) -> Self {
        Self {
            method,
            path: path.into(),
            status: StatusCode::from_u16(status).expect("valid status"),
            content_type: "application/json",
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    /// Adds a response header.
    pub(crate) fn with_header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Answers `method path` with `status` and a raw body of the given content type.
    pub(crate) fn raw(
        method: Method,
        path: impl Into<String>,
        status: u16,
        content_type: &'static str,
        body: &str,
    ) -> Self {
        Self {
            method,
            path: path.into(),
            status: StatusCode::from_u16(status).expect("valid status"),
            content_type,
            headers: Vec::new(),
            body: body.to_owned(),
        }
    }
}

#[derive(Debug)]
struct Shared {
    routes: Vec<Route>,
    recorded: Mutex<Vec<Recorded>>,
}

/// A running loopback server; it stops when dropped.
#[derive(Debug)]
pub(crate) struct LoopbackServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl LoopbackServer {
    /// Starts a server on `127.0.0.1:0` that answers `routes`; any other request gets a 404 error envelope.
    pub(crate) async fn start(routes: Vec<Route>) -> Self {
        let shared = Arc::new(Shared {
            routes,
            recorded: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("loopback server");
        });
        Self { addr, shared, task }
    }

    /// The base URL to give a client, without a trailing slash.
    pub(crate) fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far, in arrival order.
    pub(crate) fn requests(&self) -> Vec<Recorded> {
        self.shared
            .recorded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The one request received so far; fails the test if there were none or several.
    pub(crate) fn only_request(&self) -> Recorded {
        let mut requests = self.requests();
        assert_eq!(
            requests.len(),
            1,
            "expected exactly one request: {requests:#?}"
        );
        requests.remove(0)
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let route = shared
        .routes
        .iter()
        .find(|route| route.method == method && route.path == path)
        .cloned();
    shared
        .recorded
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Recorded {
            method: method.clone(),
            path: path.clone(),
            query: uri.query().map(str::to_owned),
            headers,
            body,
        });
    match route {
        Some(route) => {
            let mut response = (
                route.status,
                [(header::CONTENT_TYPE, route.content_type)],
                route.body,
            )
                .into_response();
            for (name, value) in route.headers {
                response.headers_mut().append(
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                );
            }
            response
        }
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "application/json")],
            json!({"error": {"code": 404, "message": format!("no route for {method} {path}")}})
                .to_string(),
        )
            .into_response(),
    }
}

/// A facade client for `server` (loopback http, no retries, so one call is one request).
pub(crate) fn client_for(server: &LoopbackServer) -> openrouter_mgmt::Client {
    openrouter_mgmt::Client::builder()
        .api_key("sk-or-v1-loopback-test-key")
        .base_url(server.base_url())
        .retry_policy(openrouter_mgmt::RetryPolicy::no_retries())
        .request_timeout(Some(REQUEST_TIMEOUT))
        .build()
        .expect("client")
}
