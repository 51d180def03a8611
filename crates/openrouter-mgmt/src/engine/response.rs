//! Reading a non-2xx answer: every status, declared by the API or not, becomes the same [`Error::Api`] from the
//! `{"error": {"code", "message", "metadata"}, "user_id"}` envelope.

use std::time::SystemTime;

use super::attempt::RawResponse;
use super::request::Request;
use crate::error::{Error, body_snippet, redact_keys};
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
