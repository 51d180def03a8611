//! What a handler is given for one request: the operation, the caller, the path parameters by name, the query, the
//! headers and the body, with the decoding (into the generated body type, validated against the spec) every handler shares.

use axum::http::{HeaderMap, StatusCode};
use openrouter_mgmt_gen::{OperationId, Validate};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::auth::Caller;
use crate::body;
use crate::errors::ApiError;
use crate::pagination::Query;
use crate::routes::PathParams;

/// What a handler is given: the operation, who called, the path parameters, the query, the headers and the raw
/// body.
#[derive(Debug)]
pub(crate) struct Request<'a> {
    pub(crate) operation: OperationId,
    pub(crate) caller: &'a Caller,
    pub(crate) params: &'a PathParams,
    pub(crate) query: &'a Query,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
}

impl Request<'_> {
    /// A request header's value, when it is present and text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `{name}` path parameter. Its absence means the spec renamed it and the handler is out of date: a 500.
    pub(crate) fn param(&self, name: &str) -> Result<&str, ApiError> {
        self.params.get(name).ok_or_else(|| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!(
                    "openrouter-mgmt-mock: {} has no path parameter `{name}`",
                    self.operation
                ),
            )
        })
    }

    /// The body as a JSON object, or a 400.
    pub(crate) fn json(&self) -> Result<Value, ApiError> {
        body::object(self.body)
    }

    /// The body decoded into its generated type and validated against the spec, or a 400.
    pub(crate) fn body<T: DeserializeOwned + Serialize + Validate>(&self) -> Result<T, ApiError> {
        self.decode(self.json()?)
    }

    /// A JSON object (from [`Request::json`]) decoded and validated as [`Request::body`] does.
    pub(crate) fn decode<T: DeserializeOwned + Serialize + Validate>(
        &self,
        value: Value,
    ) -> Result<T, ApiError> {
        let update = matches!(self.operation.info().method, "PATCH" | "PUT");
        body::decode(value, update)
    }

    /// `offset` and the page size for a list operation: the `limit` parameter if the operation takes one, else
    /// the fixed page size the spec gives it.
    pub(crate) fn page(&self) -> Result<(usize, usize), ApiError> {
        let offset = self.query.offset()?;
        let fixed = self
            .operation
            .info()
            .paging
            .filter(|paging| !paging.limit_param)
            .and_then(|paging| paging.fixed_page_size);
        let size = match fixed {
            Some(size) => usize::try_from(size).unwrap_or(usize::MAX),
            None => self.query.limit()?,
        };
        Ok((offset, size))
    }
}
