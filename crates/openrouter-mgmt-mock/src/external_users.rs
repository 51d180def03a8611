//! The behaviour of the external-user operations: list (active ones unless `include_inactive`, filtered by `user`,
//! with `total_count`), create (a user string is unique: 409), get, activate or deactivate, delete (204).

use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use openrouter_mgmt_gen::types;
use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::render;
use crate::request::Request;
use crate::state::State;

/// The index of the external user a path's `{user}` names, or a 404.
fn position(state: &State, request: &Request<'_>) -> Result<usize, ApiError> {
    let user = request.param("user")?;
    state
        .external_users
        .iter()
        .position(|u| u.user == user)
        .ok_or_else(|| ApiError::not_found("External user not found"))
}

/// A timestamp from the logical clock, as the `date-time` the spec types these fields with.
fn timestamp(state: &mut State) -> DateTime<Utc> {
    state
        .now()
        .parse()
        .expect("the logical clock writes RFC 3339")
}

/// `list_external_users`.
pub(crate) fn list(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let include_inactive = request.query.flag("include_inactive")?;
    let user = request.query.text("user");
    let matching: Vec<&types::ExternalUser> = state
        .external_users
        .iter()
        .filter(|u| include_inactive || u.is_active)
        .filter(|u| user.is_none_or(|name| u.user == name))
        .collect();
    let page: Vec<&types::ExternalUser> =
        matching.iter().skip(offset).take(limit).copied().collect();
    render::conform::<types::ListExternalUsersResponse, types::ExternalUser>(
        json!({"data": page, "total_count": matching.len()}),
    )
}

/// `create_external_user`: active from the start.
pub(crate) fn create(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::CreateExternalUserRequest = request.body()?;
    if state.external_users.iter().any(|u| u.user == body.user) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "An external user with this identifier already exists",
        ));
    }
    let now = timestamp(state);
    let user: types::ExternalUser = render::typed(json!({
        "created_at": now,
        "is_active": true,
        "updated_at": now,
        "user": body.user,
    }))?;
    let answer = render::small::<types::ExternalUserResponse>(json!({ "data": user }))?;
    state.external_users.push(user);
    Ok(answer)
}

/// `get_external_user`.
pub(crate) fn get(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let i = position(state, request)?;
    render::small::<types::ExternalUserResponse>(json!({ "data": state.external_users[i] }))
}

/// `update_external_user`: sets `is_active`.
pub(crate) fn update(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::UpdateExternalUserRequest = request.body()?;
    let i = position(state, request)?;
    let now = timestamp(state);
    let user = &mut state.external_users[i];
    user.is_active = body.is_active;
    user.updated_at = now;
    render::small::<types::ExternalUserResponse>(json!({ "data": user }))
}

/// `delete_external_user`: 204 with no body.
pub(crate) fn delete(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let i = position(state, request)?;
    state.external_users.remove(i);
    Ok(Value::Null)
}
