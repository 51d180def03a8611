//! What one operation sends, built once by the API group and resent as it is on every attempt.

use reqwest::Method;

use crate::error::Error;
use crate::retry::Replay;

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
