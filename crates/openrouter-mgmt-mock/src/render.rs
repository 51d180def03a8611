//! Turns stored records into response bodies, checked against the generated `openrouter_mgmt_gen::types` (built
//! as JSON and decoded into the generated type, never as a struct literal, so a field the spec adds cannot break
//! the mock's build); the optional fields the generated types leave out when unset are then written as explicit
//! `null`, as the real API sends them (every optional field of a response's `data` is nullable in the spec).

use axum::http::StatusCode;
use openrouter_mgmt_gen::types;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::errors::ApiError;

use crate::fields;
use crate::state::{ApiKeyRecord, KeyAssignmentRecord, MemberAssignmentRecord, State};

/// Serializes a generated type (which cannot fail for these plain data types).
pub(crate) fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("generated response types always serialize")
}

/// Adds `"field": null` for each field of `T` the object lacks.
fn with_nulls<'de, T: Deserialize<'de>>(mut object: Value) -> Value {
    if let Value::Object(map) = &mut object {
        for field in fields::names::<T>() {
            map.entry(*field).or_insert(Value::Null);
        }
    }
    object
}

/// Serializes `body` and applies [`with_nulls`] to `body["data"]` (an object of type `T`, or an array of them).
fn data_with_nulls<'de, T: Deserialize<'de>>(body: &impl Serialize) -> Value {
    let mut body = to_value(body);
    if let Some(data) = body.get_mut("data") {
        match data {
            Value::Array(items) => {
                for item in items.iter_mut() {
                    *item = with_nulls::<T>(item.take());
                }
            }
            other => *other = with_nulls::<T>(other.take()),
        }
    }
    body
}

/// A stored key as the API's key objects show it (the same fields in `get_key`, `list`, `create_keys` and
/// `update_keys`).
/// A key as the list and get operations show it.
pub(crate) fn key_item(k: &ApiKeyRecord) -> Value {
    key_json(k)
}

fn key_json(k: &ApiKeyRecord) -> Value {
    json!({
        "byok_usage": k.byok_usage,
        "byok_usage_daily": k.byok_usage,
        "byok_usage_monthly": k.byok_usage,
        "byok_usage_weekly": k.byok_usage,
        "created_at": k.created_at,
        "creator_user_id": k.creator_user_id,
        "disabled": k.disabled,
        "expires_at": k.expires_at,
        "hash": k.hash,
        "include_byok_in_limit": k.include_byok_in_limit,
        "label": k.label,
        "limit": k.limit,
        "limit_remaining": limit_remaining(k),
        "limit_reset": k.limit_reset,
        "name": k.name,
        "updated_at": k.updated_at,
        "usage": k.usage,
        "usage_daily": k.usage,
        "usage_monthly": k.usage,
        "usage_weekly": k.usage,
        "workspace_id": k.workspace_id,
    })
}

/// What is left of a key's limit (`null` when it has none).
fn limit_remaining(key: &ApiKeyRecord) -> Option<f64> {
    key.limit.map(|limit| (limit - key.usage).max(0.0))
}

/// `create_keys` → `{data, key}` (the only place the plaintext appears).
pub(crate) fn created_key(key: &ApiKeyRecord, secret: &str) -> Result<Value, ApiError> {
    let body = json!({"data": key_json(key), "key": secret});
    conform::<types::CreateKeysResponse, types::CreateKeysResponseData>(body)
}

/// `get_key` → `{data}`.
pub(crate) fn key(key: &ApiKeyRecord) -> Result<Value, ApiError> {
    conform::<types::GetKeyResponse, types::GetKeyResponseData>(json!({"data": key_json(key)}))
}

/// `update_keys` → `{data}`.
pub(crate) fn updated_key(key: &ApiKeyRecord) -> Result<Value, ApiError> {
    conform::<types::UpdateKeysResponse, types::UpdateKeysResponseData>(
        json!({"data": key_json(key)}),
    )
}

/// `list` → `{data: [...]}` (no `total_count`: the real API sends none).
pub(crate) fn key_page<'a>(
    keys: impl Iterator<Item = &'a ApiKeyRecord>,
) -> Result<Value, ApiError> {
    let data: Vec<Value> = keys.map(key_json).collect();
    conform::<types::ListResponse, types::ListResponseDataItem>(json!({ "data": data }))
}

/// The calling key as `get_current_key` shows it: no guardrail budgets apply (the mock has no budgets on keys),
/// every region is permitted, and the free-model allowance of an account with credits (1,000 requests a day).
#[allow(clippy::too_many_arguments)]
fn current_key_json(
    state: &State,
    workspace_id: &str,
    usage: f64,
    byok_usage: f64,
    limit: Option<f64>,
    limit_remaining: Option<f64>,
    limit_reset: Option<&str>,
    label: &str,
    management: bool,
    creator_user_id: Option<&str>,
) -> Value {
    json!({"data": {
        "allowed_data_regions": ["global", "europe", "us"],
        "budgets": [],
        "byok_usage": byok_usage,
        "byok_usage_daily": byok_usage,
        "byok_usage_monthly": byok_usage,
        "byok_usage_weekly": byok_usage,
        "creator_user_id": creator_user_id,
        "effective_budget": null,
        "free_model_daily_requests": {"limit": 1000, "remaining": 1000, "used": 0},
        "include_byok_in_limit": false,
        "is_free_tier": false,
        "is_management_key": management,
        "is_provisioning_key": management,
        "label": label,
        "limit": limit,
        "limit_remaining": limit_remaining,
        "limit_reset": limit_reset,
        "organization_id": state.organization_id,
        "rate_limit": rate_limit(),
        "usage": usage,
        "usage_daily": usage,
        "usage_monthly": usage,
        "usage_weekly": usage,
        "workspace_id": workspace_id,
    }})
}

/// `get_current_key` for a stored key (a secret returned by `create_keys`).
pub(crate) fn current_key(state: &State, key: &ApiKeyRecord) -> Result<Value, ApiError> {
    let mut body = current_key_json(
        state,
        &key.workspace_id,
        key.usage,
        key.byok_usage,
        key.limit,
        limit_remaining(key),
        key.limit_reset.as_deref(),
        &key.label,
        false,
        key.creator_user_id.as_ref().map(|u| u.as_str()),
    );
    body["data"]["expires_at"] = json!(key.expires_at);
    body["data"]["include_byok_in_limit"] = json!(key.include_byok_in_limit);
    conform::<types::GetCurrentKeyResponse, types::GetCurrentKeyResponseData>(body)
}

/// `get_current_key` for one of the mock's built-in keys (the management key, or the non-management key).
pub(crate) fn builtin_current_key(
    state: &State,
    secret: &str,
    management: bool,
) -> Result<Value, ApiError> {
    let body = current_key_json(
        state,
        &state.default_workspace_id.to_string(),
        0.0,
        0.0,
        None,
        None,
        None,
        &mask(secret),
        management,
        Some(state.owner_user_id.as_str()),
    );
    conform::<types::GetCurrentKeyResponse, types::GetCurrentKeyResponseData>(body)
}

/// The deprecated `rate_limit` object, with the values the real API now always sends.
fn rate_limit() -> Value {
    json!({
        "interval": "10s",
        "note": "This field is deprecated and safe to ignore.",
        "requests": -1,
    })
}

/// `sk-or-v1-abc...wxyz`: how the API labels a key without revealing it.
fn mask(secret: &str) -> String {
    let hex = secret.trim_start_matches("sk-or-v1-");
    if hex.len() < 8 {
        return "sk-or-v1-...".to_owned();
    }
    format!("sk-or-v1-{}...{}", &hex[..3], &hex[hex.len() - 4..])
}

/// A guardrail on its own (`{data: Guardrail}` for get, create and update).
pub(crate) fn guardrail(guardrail: &types::Guardrail) -> Result<Value, ApiError> {
    conform::<types::GetGuardrailResponse, types::Guardrail>(json!({ "data": guardrail }))
}

/// `list_guardrails` → `{data, total_count}`.
pub(crate) fn guardrail_page(
    page: Vec<types::Guardrail>,
    total_count: usize,
) -> Result<Value, ApiError> {
    conform::<types::ListGuardrailsResponse, types::Guardrail>(
        json!({"data": page, "total_count": total_count}),
    )
}

/// A key assignment joined with its key's current name and label.
fn key_assignment(state: &State, a: &KeyAssignmentRecord) -> Value {
    let key = state.key(a.key_hash.as_str());
    json!({
        "assigned_by": a.assigned_by,
        "created_at": a.created_at,
        "guardrail_id": a.guardrail_id,
        "id": a.id,
        "key_hash": a.key_hash,
        "key_label": key.map(|k| k.label.clone()).unwrap_or_default(),
        "key_name": key.map(|k| k.name.clone()).unwrap_or_default(),
    })
}

/// `{data: [KeyAssignment], total_count}`.
pub(crate) fn key_assignment_page<'a>(
    state: &State,
    page: impl Iterator<Item = &'a KeyAssignmentRecord>,
    total_count: usize,
) -> Result<Value, ApiError> {
    let data: Vec<Value> = page.map(|a| key_assignment(state, a)).collect();
    conform::<types::ListKeyAssignmentsResponse, types::KeyAssignment>(
        json!({"data": data, "total_count": total_count}),
    )
}

/// `{data: [MemberAssignment], total_count}`.
pub(crate) fn member_assignment_page<'a>(
    state: &State,
    page: impl Iterator<Item = &'a MemberAssignmentRecord>,
    total_count: usize,
) -> Result<Value, ApiError> {
    let data: Vec<Value> = page
        .map(|a| {
            json!({
                "assigned_by": a.assigned_by,
                "created_at": a.created_at,
                "guardrail_id": a.guardrail_id,
                "id": a.id,
                "organization_id": state.organization_id,
                "user_id": a.user_id,
            })
        })
        .collect();
    conform::<types::ListMemberAssignmentsResponse, types::MemberAssignment>(
        json!({"data": data, "total_count": total_count}),
    )
}

/// A one-field answer such as `{"deleted": true}` or `{"assigned_count": 3}`, checked against its generated type.
pub(crate) fn small<T: DeserializeOwned + Serialize>(body: Value) -> Result<Value, ApiError> {
    typed::<T>(body).map(|t| to_value(&t))
}

/// Decodes a body the mock built into its generated type: the answer matches the spec by construction (required
/// fields, types), without a struct literal that a field added to the spec would break. A mismatch is the mock's
/// own bug: a 500 that says so.
pub(crate) fn typed<T: DeserializeOwned>(body: Value) -> Result<T, ApiError> {
    serde_json::from_value(body).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!(
                "openrouter-mgmt-mock: its answer does not fit {}: {e}",
                std::any::type_name::<T>()
            ),
        )
    })
}

/// [`typed`] as `T`, then re-serialized with explicit `null`s for the optional fields of `data` (of type `D`).
pub(crate) fn conform<T: DeserializeOwned + Serialize, D: DeserializeOwned>(
    body: Value,
) -> Result<Value, ApiError> {
    typed::<T>(body).map(|t| data_with_nulls::<D>(&t))
}
