//! A loopback HTTP server for the tests: it records every request it receives (raw path and query) and answers each
//! `(method, path)` route with a canned JSON body, so a test can assert exactly what a client put on the wire.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

/// How long any single request of a test may take before the client gives up (keeps every test bounded).
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// One request as the server saw it on the wire.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    /// The path exactly as sent, still percent-encoded.
    pub(crate) path: String,
    /// The raw query string without `?`, if the request had one.
    pub(crate) query: Option<String>,
}

/// A canned answer for one `(method, raw path)`.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) status: StatusCode,
    pub(crate) body: String,
}

impl Route {
    /// Answers `method path` with `status` and the JSON `body`.
    pub(crate) fn json(method: Method, path: impl Into<String>, status: u16, body: &Value) -> Self {
        Self {
            method,
            path: path.into(),
            status: StatusCode::from_u16(status).expect("valid status"),
            body: body.to_string(),
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
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(State(shared): State<Arc<Shared>>, method: Method, uri: Uri) -> Response {
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
            path: path.clone(),
            query: uri.query().map(str::to_owned),
        });
    match route {
        Some(route) => (
            route.status,
            [(header::CONTENT_TYPE, "application/json")],
            route.body,
        )
            .into_response(),
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
