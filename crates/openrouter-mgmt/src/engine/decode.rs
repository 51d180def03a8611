//! Decoding a success body into the generated type, naming the failing JSON path only when it fails, and never
//! quoting a secret.

use serde::de::DeserializeOwned;

use super::attempt::RawResponse;
use super::request::Request;
use crate::error::Error;
use crate::redact::Redactor;

/// Decodes a success body, naming the JSON path that failed.
pub(crate) fn decode<T: DeserializeOwned>(
    request: &Request,
    raw: &RawResponse,
    attempts: u32,
    redactor: &Redactor<'_>,
) -> Result<T, Error> {
    // The fast path decodes directly; `serde_path_to_error` allocates for every key it reads (1.9x the plain
    // decode of a page, benches/README.md), so it only runs again on a body that failed, to name the path.
    // An operation without a response body decodes `()`, which JSON spells `null`; some servers send `{}`.
    let body: &[u8] = if request.empty_response {
        b"null"
    } else {
        &raw.body
    };
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
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
                redactor.text(&inner.to_string())
            },
            body_snippet: if request.secret_in_response {
                "<omitted: this response carries a secret>".to_owned()
            } else {
                redactor.snippet(&raw.body)
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
