//! What one operation sends, built once from the generated operation (validated, path encoded, body serialized)
//! and resent as it is on every attempt.

use openrouter_mgmt_gen::{Operation, Replay, SecretString, collect_secrets};
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};

use crate::error::Error;

/// Everything needed to send (and resend) one operation. Its `Debug` shows the body's size, never its bytes (a body
/// can carry a secret).
#[derive(Clone)]
pub(crate) struct Request {
    /// The operation's name: the spec's operationId in snake_case.
    pub(crate) operation: &'static str,
    pub(crate) method: Method,
    /// Path below the base URL, starting with `/`, with every dynamic segment already percent-encoded.
    pub(crate) path: String,
    pub(crate) query: Vec<(&'static str, String)>,
    /// The operation's header parameters, its idempotency key among them (made here when the caller set none,
    /// so that every attempt of the call carries the same one).
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Option<Vec<u8>>,
    /// The secrets the body carries (a provider key): redacted from whatever the server answers.
    pub(crate) secrets: Vec<SecretString>,
    pub(crate) replay: Replay,
    /// The success body holds a secret (a created key): decode errors must not quote it.
    pub(crate) secret_in_response: bool,
    /// The operation answers without a body (decoded as `()`).
    pub(crate) empty_response: bool,
    /// A 404 on a retry after an attempt that may have been applied means the work is done (deletes).
    pub(crate) done_on_404_after_ambiguous_attempt: bool,
}

impl Request {
    /// The request for `op`: every argument checked against the spec's constraints first, so bad input fails
    /// with [`Error::InvalidInput`] before anything is sent.
    pub(crate) fn from_operation<O: Operation>(op: &O) -> Result<Self, Error> {
        let info = O::INFO;
        op.validate()?;
        let path = op.path()?;
        let (body, secrets) = collect_secrets(|| {
            op.body()
                .map(|body| {
                    serde_json::to_vec(body).map_err(|e| {
                        Error::invalid_input("body", format!("could not serialize: {e}"))
                    })
                })
                .transpose()
        });
        let body = body?;
        let mut headers = op
            .headers()
            .into_iter()
            .map(|(name, value)| header(name, &value))
            .collect::<Result<Vec<_>, Error>>()?;
        if let Some(name) = info.idempotency_key
            && !headers
                .iter()
                .any(|(set, _)| set.as_str().eq_ignore_ascii_case(name))
        {
            headers.push(header(name, &uuid::Uuid::new_v4().to_string())?);
        }
        Ok(Self {
            operation: info.name,
            method: Method::from_bytes(info.method.as_bytes())
                .expect("the spec's methods are valid HTTP methods"),
            path,
            query: op.query(),
            headers,
            body,
            secrets,
            replay: info.replay,
            secret_in_response: info.secret_in_response,
            empty_response: info.response.is_none(),
            done_on_404_after_ambiguous_attempt: info.done_on_404_after_ambiguous_attempt,
        })
    }
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(name, _)| name)
                    .collect::<Vec<_>>(),
            )
            .field("body_bytes", &self.body.as_ref().map(Vec::len))
            .field("secrets", &self.secrets.len())
            .field("replay", &self.replay)
            .finish_non_exhaustive()
    }
}

/// A header parameter as the HTTP client takes it; a value that cannot be a header (a line break, say) is bad
/// input, refused before anything is sent.
fn header(name: &'static str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let invalid = |why: &str| Error::invalid_input(name, why.to_owned());
    Ok((
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("not a valid header name"))?,
        HeaderValue::from_str(value)
            .map_err(|_| invalid("not a valid header value (visible ASCII and spaces only)"))?,
    ))
}
