//! One HTTP attempt: the request with its headers (auth, user agent, attribution), the per-attempt timeout,
//! and turning what came back into a raw response or a typed error.
//!
//! Requests are built here rather than through the generated client's methods, for reasons the generated API
//! cannot express: (1) the key and attribution headers must be added per request, because a caller-supplied
//! `reqwest::Client` cannot be given default headers and the generated `impl ClientHooks for &Client` is fixed in
//! generated code; (2) PATCH bodies must be able to carry an explicit JSON `null`, which the generated
//! `Update*` types cannot; (3) decode failures must name the JSON path and keep a (redacted) body snippet; (4)
//! every non-2xx status (the generated client returns `UnexpectedResponse` for undeclared ones such as 429/502/503)
//! must become the same [`Error::Api`] from the `{"error": {...}}` envelope. The generated *types* are used for
//! every request and response body, so the schema still has a single source.

use std::time::{Duration, SystemTime};

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::{Error, TransportKind, body_snippet, redact_keys};
use crate::retry::{Replay, parse_retry_after};

/// Everything needed to send (and resend) one operation.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    /// Path below the base URL, starting with `/`, with every dynamic segment already percent-encoded.
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) replay: Replay,
    /// The success body holds a secret (a created key): decode errors must not quote it.
    pub(crate) secret_in_response: bool,
}

impl Request {
    pub(crate) fn new(
        operation: &'static str,
        method: Method,
        path: String,
        replay: Replay,
    ) -> Self {
        Self {
            operation,
            method,
            path,
            query: Vec::new(),
            body: None,
            replay,
            secret_in_response: false,
        }
    }

    pub(crate) fn query(mut self, name: &'static str, value: impl ToString) -> Self {
        self.query.push((name, value.to_string()));
        self
    }

    pub(crate) fn json(mut self, body: &impl serde::Serialize) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_input("body", format!("could not serialize: {e}")))?;
        self.body = Some(bytes);
        Ok(self)
    }
}

/// A response as received.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Client {
    /// Sends one attempt. `Ok` means a response arrived, whatever its status.
    pub(crate) async fn attempt(
        &self,
        request: &Request,
        timeout: Option<Duration>,
    ) -> Result<RawResponse, Error> {
        let inner = &self.inner;
        let url = format!("{}{}", inner.base_url, request.path);
        let mut builder = inner
            .http
            .request(request.method.clone(), url)
            .header(AUTHORIZATION, inner.key.bearer_header())
            .header(
                USER_AGENT,
                HeaderValue::from_static(crate::config::USER_AGENT),
            )
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in &inner.extra_headers {
            builder = builder.header(name, value.clone());
        }
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        let exchange = async {
            let response = builder.send().await?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await?.to_vec();
            Ok::<_, reqwest::Error>(RawResponse {
                status,
                headers,
                body,
            })
        };
        let result = match timeout {
            Some(t) => match tokio::time::timeout(t, exchange).await {
                Ok(r) => r,
                Err(_) => {
                    return Err(Error::Transport {
                        operation: request.operation,
                        kind: TransportKind::Timeout,
                        maybe_reached_server: true,
                        message: format!("no complete response within {t:?}"),
                        attempts: 1,
                    });
                }
            },
            None => exchange.await,
        };
        result.map_err(|e| transport_error(request.operation, &e))
    }
}

fn transport_error(operation: &'static str, e: &reqwest::Error) -> Error {
    // `is_connect` covers every failure before the connection was established (refused, DNS, TLS handshake,
    // connect timeout): the request was never written, so even a create may be replayed.
    let (kind, maybe_reached_server) = if e.is_connect() {
        (TransportKind::Connect, false)
    } else if e.is_timeout() {
        (TransportKind::Timeout, true)
    } else {
        (TransportKind::Other, true)
    };
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Transport {
        operation,
        kind,
        maybe_reached_server,
        message,
        attempts: 1,
    }
}

/// The `{"error": {...}, "user_id": ...}` envelope, read leniently: a body without it still yields an error.
#[derive(serde::Deserialize)]
struct Envelope {
    error: EnvelopeError,
    #[serde(default)]
    user_id: Option<String>,
}

#[derive(serde::Deserialize)]
struct EnvelopeError {
    #[serde(default)]
    code: Option<serde_json::Value>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Turns a non-success response into [`Error::Api`].
pub(crate) fn api_error(request: &Request, raw: &RawResponse) -> Error {
    let retry_after = parse_retry_after(&raw.headers, SystemTime::now());
    let status = raw.status.as_u16();
    match serde_json::from_slice::<Envelope>(&raw.body) {
        Ok(env) => {
            Error::Api {
                operation: request.operation,
                status,
                code: env.error.code.as_ref().and_then(|c| {
                    c.as_i64()
                        .or_else(|| c.as_f64().map(|f| f as i64))
                        .or_else(|| c.as_str()?.parse().ok())
                }),
                message: redact_keys(&env.error.message.unwrap_or_else(|| {
                    raw.status.canonical_reason().unwrap_or("error").to_owned()
                })),
                metadata: env.error.metadata.map(Box::new),
                user_id: env.user_id,
                retry_after,
                attempts: 1,
            }
        }
        Err(_) => Error::Api {
            operation: request.operation,
            status,
            code: None,
            message: format!(
                "{} (body without an error envelope: {})",
                raw.status.canonical_reason().unwrap_or("error"),
                body_snippet(&raw.body)
            ),
            metadata: None,
            user_id: None,
            retry_after,
            attempts: 1,
        },
    }
}

/// Decodes a success body, naming the JSON path that failed.
pub(crate) fn decode<T: DeserializeOwned>(
    request: &Request,
    raw: &RawResponse,
    attempts: u32,
) -> Result<T, Error> {
    // The fast path decodes directly; `serde_path_to_error` allocates for every key it reads (1.9x the plain
    // decode of a page, benches/README.md), so it only runs again on a body that failed, to name the path.
    if let Ok(value) = serde_json::from_slice(&raw.body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(&raw.body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        Error::Decode {
            operation: request.operation,
            status: raw.status.as_u16(),
            path,
            message: if request.secret_in_response {
                // serde's messages can quote values (e.g. "invalid type: string \"sk-or-...\""); say only where.
                format!(
                    "{} at line {} column {}",
                    classify(&inner),
                    inner.line(),
                    inner.column()
                )
            } else {
                // serde quotes offending values; a key-shaped one is redacted like in the snippet.
                redact_keys(&inner.to_string())
            },
            body_snippet: if request.secret_in_response {
                "<omitted: this response carries a secret>".to_owned()
            } else {
                body_snippet(&raw.body)
            },
            attempts,
        }
    })
}

fn classify(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "unexpected value",
        serde_json::error::Category::Eof => "truncated JSON",
    }
}
