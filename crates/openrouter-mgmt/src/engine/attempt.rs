//! One HTTP attempt: the request with its headers (auth, user agent, attribution), the per-attempt timeout,
//! and turning what came back into a raw response or a transport error.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue,
    USER_AGENT as USER_AGENT_HEADER,
};

use super::request::Request;
use crate::error::{Error, TransportKind};
use crate::redact::Redactor;
use crate::secret::ApiKey;

/// The `User-Agent` sent with every request.
pub const USER_AGENT: &str = concat!("openrouter-mgmt/", env!("CARGO_PKG_VERSION"));

/// Where requests go and as whom: the HTTP client, the base URL, the key and the attribution headers.
pub(crate) struct Endpoint {
    pub(crate) http: reqwest::Client,
    /// The API base URL, without a trailing slash.
    pub(crate) base_url: String,
    pub(crate) key: ApiKey,
    pub(crate) extra_headers: Vec<(HeaderName, HeaderValue)>,
}

/// A response as received.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Endpoint {
    /// Sends one attempt. `Ok` means a response arrived, whatever its status.
    pub(crate) async fn attempt(
        &self,
        request: &Request,
        timeout: Option<Duration>,
    ) -> Result<RawResponse, Error> {
        let url = format!("{}{}", self.base_url, request.path);
        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .header(AUTHORIZATION, self.key.bearer_header())
            .header(USER_AGENT_HEADER, HeaderValue::from_static(USER_AGENT))
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        for (name, value) in self.extra_headers.iter().chain(&request.headers) {
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
                        earlier_attempt_may_have_applied: false,
                    });
                }
            },
            None => exchange.await,
        };
        result.map_err(|e| {
            let redactor = Redactor::with_own_key(self.key.expose_secret())
                .and_request_secrets(&request.secrets);
            transport_error(request.operation, &e, &redactor)
        })
    }
}

fn transport_error(operation: &'static str, e: &reqwest::Error, redactor: &Redactor<'_>) -> Error {
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
        // reqwest's messages name the URL; redacted like everything else an error quotes.
        message: redactor.text(&message),
        attempts: 1,
        earlier_attempt_may_have_applied: false,
    }
}
