//! The OpenRouter error envelope (`{"error": {"code", "message", "metadata"}}`) and the replies that carry it.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use openrouter_mgmt_gen::types;
use serde_json::{Map, Value};

/// An answer: a status, a JSON body and any extra headers. Rendered by the pipeline.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    /// A reply with the given status and body and no extra headers.
    pub(crate) fn with_status(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body,
            headers: Vec::new(),
        }
    }
}

/// An error answer: its status becomes `error.code` in the envelope, as the real API does.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
    pub(crate) metadata: Option<Map<String, Value>>,
}

impl ApiError {
    /// An error with this status and message and no metadata.
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            metadata: None,
        }
    }

    /// 400: the request is malformed or breaks the spec's constraints.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404: no such object (or no such route).
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// The envelope as JSON, built from the generated `ErrorResponse` so it matches the spec.
    pub(crate) fn body(&self) -> Value {
        let mut error = serde_json::json!({"code": self.status.as_u16(), "message": self.message});
        if let Some(metadata) = &self.metadata {
            error["metadata"] = Value::Object(metadata.clone());
        }
        let envelope: types::ErrorResponse =
            serde_json::from_value(serde_json::json!({ "error": error }))
                .expect("the envelope has the spec's required fields");
        serde_json::to_value(envelope).expect("an ErrorResponse always serializes")
    }
}

impl From<ApiError> for Reply {
    fn from(error: ApiError) -> Self {
        Reply::with_status(error.status, error.body())
    }
}

/// The canonical message for an error status the mock invents (faults, unknown routes).
pub(crate) fn default_message(status: StatusCode) -> String {
    match status.as_u16() {
        429 => "Rate limit exceeded".to_owned(),
        500 => "Internal Server Error".to_owned(),
        502 => "Bad Gateway".to_owned(),
        503 => "Service Unavailable".to_owned(),
        504 => "Gateway Timeout".to_owned(),
        _ => status
            .canonical_reason()
            .unwrap_or("Injected error")
            .to_owned(),
    }
}
