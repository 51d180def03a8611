//! Reading a non-2xx answer: every status, declared by the API or not, becomes the same [`Error::Api`] from the
//! `{"error": {"code", "message", "metadata"}, "user_id"}` envelope.

use std::time::SystemTime;

use super::attempt::RawResponse;
use super::request::Request;
use crate::error::Error;
use crate::redact::Redactor;
use crate::retry::parse_retry_after;

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

/// Turns a non-success response into [`Error::Api`]. Everything quoted from the body (message, metadata,
/// `user_id`, or the excerpt of a body without the envelope) is redacted, so neither `Display` nor `Debug` of the
/// error can carry a key, escaped or not, or the client's own key.
pub(crate) fn api_error(request: &Request, raw: &RawResponse, redactor: &Redactor<'_>) -> Error {
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
                message: redactor.text(&env.error.message.unwrap_or_else(|| {
                    raw.status.canonical_reason().unwrap_or("error").to_owned()
                })),
                metadata: env.error.metadata.map(|metadata| {
                    let mut metadata = serde_json::Value::Object(metadata);
                    redactor.json(&mut metadata);
                    match metadata {
                        serde_json::Value::Object(map) => Box::new(map),
                        _ => unreachable!("redaction keeps an object an object"),
                    }
                }),
                user_id: env.user_id.map(|u| redactor.text(&u)),
                retry_after,
                attempts: 1,
                earlier_attempt_may_have_applied: false,
            }
        }
        Err(_) => Error::Api {
            operation: request.operation,
            status,
            code: None,
            message: format!(
                "{} (body without an error envelope: {})",
                raw.status.canonical_reason().unwrap_or("error"),
                redactor.snippet(&raw.body)
            ),
            metadata: None,
            user_id: None,
            retry_after,
            attempts: 1,
            earlier_attempt_may_have_applied: false,
        },
    }
}
