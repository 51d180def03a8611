//! The behaviour of the API key operations: the calling key, lists of one workspace (`include_disabled`), create
//! (the plaintext returned once), and get, update (absent = unchanged, `null` = clear) and delete by hash.

use openrouter_mgmt_gen::open_enums::{CreateKeysBodyLimitReset, UpdateKeysBodyLimitReset};
use openrouter_mgmt_gen::types;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::body::{check_known, check_non_negative};
use crate::errors::ApiError;
use crate::render;
use crate::request::Request;
use crate::state::{ApiKeyRecord, State};

/// The key a path's `{hash}` names, or a 404.
fn path_hash<'r>(state: &State, request: &'r Request<'_>) -> Result<&'r str, ApiError> {
    let hash = request.param("hash")?;
    state.key(hash).map(|_| hash).ok_or_else(not_found)
}

/// `get_current_key`: the calling key itself (any key may ask).
pub(crate) fn current(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    match request.caller {
        Caller::Management => render::builtin_current_key(state, &state.management_key, true),
        Caller::NonManagement => {
            render::builtin_current_key(state, &state.non_management_key, false)
        }
        Caller::Key(hash) => render::current_key(state, state.key(hash).ok_or_else(not_found)?),
    }
}

/// `list`: one page of one workspace's keys (the default one unless `workspace_id` says otherwise), in creation
/// order; disabled keys only with `include_disabled=true`.
pub(crate) fn list(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, size) = request.page()?;
    let include_disabled = request.query.include_disabled()?;
    let workspace = request
        .query
        .workspace_id()?
        .map_or_else(|| state.default_workspace(), |w| w.to_string());
    let page = state
        .keys()
        .filter(|k| k.workspace_id == workspace && (include_disabled || !k.disabled))
        .skip(offset)
        .take(size);
    render::key_page(page)
}

/// `create_keys`: creates a key and answers with its plaintext secret, which no other answer contains.
pub(crate) fn create(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let raw = request.json()?;
    // The generated type converts any offset to UTC; the API rejects timestamps that are not UTC already.
    let is_utc = |t: &str| t.ends_with('Z') || t.ends_with('z') || t.ends_with("+00:00");
    if let Some(expires_at) = raw.get("expires_at").and_then(Value::as_str)
        && !is_utc(expires_at)
    {
        return Err(ApiError::bad_request(
            "`expires_at` must be a UTC timestamp",
        ));
    }
    let body: types::CreateKeysBody = request.decode(raw)?;
    check_non_negative("limit", body.limit)?;
    if let Some(reset) = &body.limit_reset {
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
        name: body.name,
        label,
        disabled: false,
        limit: body.limit,
        limit_reset: body.limit_reset.map(|r| r.as_str().to_owned()),
        include_byok_in_limit: body.include_byok_in_limit.unwrap_or(false),
        usage: 0.0,
        byok_usage: 0.0,
        created_at: state.now(),
        updated_at: None,
        creator_user_id: body.creator_user_id,
        workspace_id: body
            .workspace_id
            .map_or_else(|| state.default_workspace(), |w| w.to_string()),
        expires_at: body.expires_at,
    };
    let answer = render::created_key(&key, &secret)?;
    state.insert_key(key, Some(secret));
    Ok(answer)
}

/// `get_key`.
pub(crate) fn get(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let hash = path_hash(state, request)?;
    render::key(state.key(hash).expect("checked"))
}

/// `update_keys`: absent fields stay, `limit: null` / `limit_reset: null` clear.
pub(crate) fn update(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::UpdateKeysBody = request.body()?;
    check_non_negative("limit", body.limit.as_set().copied())?;
    if let Some(reset) = body.limit_reset.as_set() {
        check_known(
            "limit_reset",
            reset.is_known(),
            reset.as_str(),
            UpdateKeysBodyLimitReset::KNOWN,
        )?;
    }
    let hash = path_hash(state, request)?;
    let now = state.now();
    let key = state.key_mut(hash).expect("checked");
    if let Some(name) = body.name {
        key.name = name;
    }
    if let Some(disabled) = body.disabled {
        key.disabled = disabled;
    }
    if let Some(include_byok) = body.include_byok_in_limit {
        key.include_byok_in_limit = include_byok;
    }
    body.limit.apply_to(&mut key.limit);
    body.limit_reset
        .map(|r| r.as_str().to_owned())
        .apply_to(&mut key.limit_reset);
    key.updated_at = Some(now);
    render::updated_key(key)
}

/// `delete_keys`: the key, its secret and its guardrail assignment go.
pub(crate) fn delete(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    if !state.remove_key(request.param("hash")?) {
        return Err(not_found());
    }
    render::small::<types::DeleteKeysResponse>(json!({"deleted": true}))
}

fn not_found() -> ApiError {
    ApiError::not_found("API key not found")
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use openrouter_mgmt_gen::OperationId;
    use serde_json::json;

    use crate::auth::Caller;
    use crate::dispatch;
    use crate::pagination::Query;
    use crate::request::Request;
    use crate::rng::Rng;
    use crate::routes::PathParams;
    use crate::state::State;

    #[test]
    fn created_key_is_listed_without_its_secret() {
        let mut state = State::new(Rng::new(1), None);
        let (params, query, headers) = (
            PathParams::default(),
            Query::parse(None),
            axum::http::HeaderMap::new(),
        );
        let request = |operation, body| Request {
            operation,
            caller: &Caller::Management,
            params: &params,
            query: &query,
            headers: &headers,
            body,
        };
        let reply = dispatch::run(
            &mut state,
            &request(OperationId::CreateKeys, br#"{"name":"k","limit":5}"#),
        )
        .unwrap();
        assert_eq!(reply.status, StatusCode::CREATED);
        let secret = reply.body["key"].as_str().unwrap().to_owned();
        let listed = dispatch::run(&mut state, &request(OperationId::List, b""))
            .unwrap()
            .body
            .to_string();
        assert!(!listed.contains(&secret));
        assert_eq!(json!(5.0), reply.body["data"]["limit_remaining"]);
    }
}
