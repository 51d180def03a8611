//! The six API key operations: `GET /key`, `GET /keys` (pages of 100, `include_disabled`), `POST /keys`
//! (201, the plaintext returned once), and get, update (absent = unchanged, `null` = clear) and delete by hash.

use axum::http::StatusCode;
use openrouter_mgmt_gen::open_enums::{CreateKeysBodyLimitReset, UpdateKeysBodyLimitReset};
use openrouter_mgmt_gen::types;
use serde::Deserialize;

use crate::auth::Caller;
use crate::body::{self, Patch, check_known, check_non_negative};
use crate::errors::{ApiError, Reply};
use crate::pagination::{KEYS_PAGE_SIZE, Query};
use crate::render;
use crate::state::{ApiKeyRecord, State};

/// `GET /key`: the calling key itself (any key may ask).
pub(crate) fn current(state: &State, caller: &Caller) -> Result<Reply, ApiError> {
    let body = match caller {
        Caller::Management => render::builtin_current_key(state, &state.management_key, true),
        Caller::NonManagement => {
            render::builtin_current_key(state, &state.non_management_key, false)
        }
        Caller::Key(hash) => render::current_key(state.key(hash).ok_or_else(not_found)?),
    };
    Ok(Reply::ok(body))
}

/// `GET /keys`: 100 keys from `offset`, in creation order, of one workspace (the default one unless
/// `workspace_id` says otherwise); disabled keys only with `include_disabled=true`.
pub(crate) fn list(state: &State, query: &Query) -> Result<Reply, ApiError> {
    let offset = query.offset()?;
    let include_disabled = query.include_disabled()?;
    let workspace = query
        .workspace_id()?
        .map_or_else(|| state.default_workspace(), |w| w.to_string());
    let page = state
        .keys()
        .filter(|k| k.workspace_id == workspace && (include_disabled || !k.disabled))
        .skip(offset)
        .take(KEYS_PAGE_SIZE);
    Ok(Reply::ok(render::key_page(page)))
}

/// `POST /keys`: creates a key and answers 201 with its plaintext secret, which no other answer contains.
pub(crate) fn create(state: &mut State, body: &[u8]) -> Result<Reply, ApiError> {
    let raw = body::object(body)?;
    let is_utc = |t: &str| t.ends_with('Z') || t.ends_with('z') || t.ends_with("+00:00");
    if let Some(expires_at) = raw.get("expires_at").and_then(|v| v.as_str())
        && !is_utc(expires_at)
    {
        return Err(ApiError::bad_request(
            "`expires_at` must be a UTC timestamp",
        ));
    }
    let request: types::CreateKeysBody = body::from_object(raw)?;
    check_non_negative("limit", request.limit)?;
    if let Some(reset) = &request.limit_reset {
        check_known(
            "limit_reset",
            reset.is_known(),
            reset.as_str(),
            CreateKeysBodyLimitReset::KNOWN,
        )?;
    }
    let (hash, secret, label) = state.new_secret();
    let key = ApiKeyRecord {
        hash,
        name: request.name.to_string(),
        label,
        disabled: false,
        limit: request.limit,
        limit_reset: request.limit_reset.map(|r| r.as_str().to_owned()),
        include_byok_in_limit: request.include_byok_in_limit.unwrap_or(false),
        usage: 0.0,
        byok_usage: 0.0,
        created_at: state.now(),
        updated_at: None,
        creator_user_id: request.creator_user_id.map(|c| c.to_string()),
        workspace_id: request
            .workspace_id
            .map_or_else(|| state.default_workspace(), |w| w.to_string()),
        expires_at: request.expires_at,
    };
    let body = render::created_key(&key, &secret);
    state.insert_key(key, Some(secret));
    Ok(Reply::with_status(StatusCode::CREATED, body))
}

/// `GET /keys/{hash}`.
pub(crate) fn get(state: &State, hash: &str) -> Result<Reply, ApiError> {
    Ok(Reply::ok(render::key(
        state.key(hash).ok_or_else(not_found)?,
    )))
}

/// The body of `PATCH /keys/{hash}`, keeping absent apart from `null`.
#[derive(Debug, Deserialize)]
struct UpdateKey {
    #[serde(default)]
    name: Patch<String>,
    #[serde(default)]
    disabled: Patch<bool>,
    #[serde(default)]
    limit: Patch<f64>,
    #[serde(default)]
    limit_reset: Patch<UpdateKeysBodyLimitReset>,
    #[serde(default)]
    include_byok_in_limit: Patch<bool>,
}

/// `PATCH /keys/{hash}`: absent fields stay, `limit: null` / `limit_reset: null` clear.
pub(crate) fn update(state: &mut State, hash: &str, body: &[u8]) -> Result<Reply, ApiError> {
    let patch: UpdateKey = body::parse(body)?;
    check_non_negative("limit", patch.limit.as_value().copied())?;
    if let Some(reset) = patch.limit_reset.as_value() {
        check_known(
            "limit_reset",
            reset.is_known(),
            reset.as_str(),
            UpdateKeysBodyLimitReset::KNOWN,
        )?;
    }
    let name = patch.name.non_null("name")?;
    let disabled = patch.disabled.non_null("disabled")?;
    let include_byok = patch
        .include_byok_in_limit
        .non_null("include_byok_in_limit")?;
    if state.key(hash).is_none() {
        return Err(not_found());
    }
    let now = state.now();
    let key = state.key_mut(hash).expect("checked above");
    if let Some(name) = name {
        key.name = name;
    }
    if let Some(disabled) = disabled {
        key.disabled = disabled;
    }
    if let Some(include_byok) = include_byok {
        key.include_byok_in_limit = include_byok;
    }
    patch.limit.apply_to(&mut key.limit);
    match patch.limit_reset {
        Patch::Absent => {}
        Patch::Null => key.limit_reset = None,
        Patch::Value(r) => key.limit_reset = Some(r.as_str().to_owned()),
    }
    key.updated_at = Some(now);
    Ok(Reply::ok(render::updated_key(key)))
}

/// `DELETE /keys/{hash}`: the key, its secret and its guardrail assignment go.
pub(crate) fn delete(state: &mut State, hash: &str) -> Result<Reply, ApiError> {
    if !state.remove_key(hash) {
        return Err(not_found());
    }
    Ok(Reply::ok(render::to_value(&types::DeleteKeysResponse {
        deleted: true,
    })))
}

fn not_found() -> ApiError {
    ApiError::not_found("API key not found")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;
    use serde_json::json;

    #[test]
    fn created_key_is_listed_without_its_secret() {
        let mut state = State::new(Rng::new(1), None);
        let reply = create(&mut state, br#"{"name":"k","limit":5}"#).unwrap();
        assert_eq!(reply.status, StatusCode::CREATED);
        let secret = reply.body["key"].as_str().unwrap().to_owned();
        let listed = list(&state, &Query::parse(None)).unwrap().body.to_string();
        assert!(!listed.contains(&secret));
        assert_eq!(json!(5.0), reply.body["data"]["limit_remaining"]);
    }
}
