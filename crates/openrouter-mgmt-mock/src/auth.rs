//! Bearer authentication: who a request's `Authorization` header names, and whether that caller may run the
//! operation (401 without or with an unknown key, 403 for a non-management key except on `GET /key`).

use axum::http::{HeaderMap, StatusCode, header};
use openrouter_mgmt_gen::OperationId;

use crate::errors::ApiError;
use crate::state::State;

/// The caller a request authenticates as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// The management key: may run every operation.
    Management,
    /// The mock's built-in non-management key.
    NonManagement,
    /// A key created through `POST /keys`, by its hash (an ordinary, non-management key).
    Key(String),
}

/// Identifies the caller, or the 401 the API answers.
pub(crate) fn authenticate(state: &State, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "No auth credentials found"))?;
    if token == state.management_key {
        return Ok(Caller::Management);
    }
    if token == state.non_management_key {
        return Ok(Caller::NonManagement);
    }
    match state.key_hash_for_secret(token) {
        // A disabled key no longer authenticates.
        Some(hash) if state.key(hash).is_some_and(|k| !k.disabled) => {
            Ok(Caller::Key(hash.to_owned()))
        }
        _ => Err(ApiError::new(StatusCode::UNAUTHORIZED, "User not found.")),
    }
}

/// A 403 unless `caller` may run `operation`.
pub(crate) fn authorize(caller: &Caller, operation: OperationId) -> Result<(), ApiError> {
    if *caller == Caller::Management || operation == OperationId::GetCurrentKey {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "Only management keys can perform this operation",
        ))
    }
}
