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
    if let Ok(value) = serde_json::from_slice(body(request, raw)) {
        return Ok(value);
    }
    decode_tracked(request, raw, attempts, redactor)
}

/// The success body as it is decoded. An operation without a response body decodes `()`, which JSON spells
/// `null`; some servers send `{}`.
fn body<'a>(request: &Request, raw: &'a RawResponse) -> &'a [u8] {
    if request.empty_response {
        b"null"
    } else {
        &raw.body
    }
}

/// Decodes a success body with a path tracker, so that a failure is an [`Error::Decode`] naming where: the slow
/// path, run only once the plain decode has failed.
pub(crate) fn decode_tracked<T: DeserializeOwned>(
    request: &Request,
    raw: &RawResponse,
    attempts: u32,
    redactor: &Redactor<'_>,
) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_slice(body(request, raw));
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        Error::Decode {
            operation: request.operation,
            status: raw.status.as_u16(),
            path,
            message: serde_message(request, &inner, redactor),
            body_snippet: snippet(request, &raw.body, redactor),
            attempts,
        }
    })
}

/// serde's message about a failure, safe to show: serde quotes offending values (e.g. `invalid type: string
/// "sk-or-..."`), so a key-shaped one is redacted, and for a response that carries a secret only the kind of
/// failure and where it is are said.
pub(crate) fn serde_message(
    request: &Request,
    error: &serde_json::Error,
    redactor: &Redactor<'_>,
) -> String {
    if request.secret_in_response {
        match error.line() {
            // An error from a parsed `serde_json::Value` (one item of a page) has no position.
            0 => classify(error).to_owned(),
            line => format!(
                "{} at line {line} column {}",
                classify(error),
                error.column()
            ),
        }
    } else {
        redactor.text(&error.to_string())
    }
}

/// The start of `bytes` (the body, or one item of it), redacted, or nothing for a response that carries a secret.
pub(crate) fn snippet(request: &Request, bytes: &[u8], redactor: &Redactor<'_>) -> String {
    if request.secret_in_response {
        "<omitted: this response carries a secret>".to_owned()
    } else {
        redactor.snippet(bytes)
    }
}

fn classify(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Data => "unexpected value",
        serde_json::error::Category::Eof => "truncated JSON",
    }
}
