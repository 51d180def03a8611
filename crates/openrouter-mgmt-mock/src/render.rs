//! Turns stored records into response bodies through the generated `openrouter_mgmt_gen::types`, so every 2xx
//! body matches the spec by construction; the optional fields the generated types leave out when unset are then
//! written as explicit `null`, as the real API sends them (every optional field of a response's `data` is
//! nullable in the spec).

use openrouter_mgmt_gen::{SecretString, types};
use serde::{Deserialize, Serialize};
use serde_json::Value;

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

/// Builds one of the four identical generated API key structs from a record.
macro_rules! key_data {
    ($ty:ident, $k:expr) => {{
        let k: &ApiKeyRecord = $k;
        types::$ty {
            byok_usage: k.byok_usage,
            byok_usage_daily: k.byok_usage,
            byok_usage_monthly: k.byok_usage,
            byok_usage_weekly: k.byok_usage,
            created_at: k.created_at.clone(),
            creator_user_id: k.creator_user_id.clone(),
            disabled: k.disabled,
            expires_at: k.expires_at,
            hash: k.hash.clone(),
            include_byok_in_limit: k.include_byok_in_limit,
            label: k.label.clone(),
            limit: k.limit,
            limit_remaining: limit_remaining(k),
            limit_reset: k.limit_reset.clone(),
            name: k.name.clone(),
            updated_at: k.updated_at.clone(),
            usage: k.usage,
            usage_daily: k.usage,
            usage_monthly: k.usage,
            usage_weekly: k.usage,
            workspace_id: k.workspace_id.clone(),
        }
    }};
}

/// What is left of a key's limit (`null` when it has none).
fn limit_remaining(key: &ApiKeyRecord) -> Option<f64> {
    key.limit.map(|limit| (limit - key.usage).max(0.0))
}

/// `create_keys` → `{data, key}` (the only place the plaintext appears).
pub(crate) fn created_key(key: &ApiKeyRecord, secret: &str) -> Value {
    let body = types::CreateKeysResponse {
        data: key_data!(CreateKeysResponseData, key),
        key: SecretString::new(secret),
    };
    data_with_nulls::<types::CreateKeysResponseData>(&body)
}

/// `get_key` → `{data}`.
pub(crate) fn key(key: &ApiKeyRecord) -> Value {
    let body = types::GetKeyResponse {
        data: key_data!(GetKeyResponseData, key),
    };
    data_with_nulls::<types::GetKeyResponseData>(&body)
}

/// `update_keys` → `{data}`.
pub(crate) fn updated_key(key: &ApiKeyRecord) -> Value {
    let body = types::UpdateKeysResponse {
        data: key_data!(UpdateKeysResponseData, key),
    };
    data_with_nulls::<types::UpdateKeysResponseData>(&body)
}

/// `list` → `{data: [...]}` (no `total_count`: the real API sends none).
pub(crate) fn key_page<'a>(keys: impl Iterator<Item = &'a ApiKeyRecord>) -> Value {
    let body = types::ListResponse {
        data: keys.map(|k| key_data!(ListResponseDataItem, k)).collect(),
    };
    data_with_nulls::<types::ListResponseDataItem>(&body)
}

/// `get_current_key` for a stored key (a secret returned by `create_keys`).
pub(crate) fn current_key(key: &ApiKeyRecord) -> Value {
    let body = types::GetCurrentKeyResponse {
        data: types::GetCurrentKeyResponseData {
            byok_usage: key.byok_usage,
            byok_usage_daily: key.byok_usage,
            byok_usage_monthly: key.byok_usage,
            byok_usage_weekly: key.byok_usage,
            creator_user_id: key.creator_user_id.clone(),
            expires_at: key.expires_at,
            include_byok_in_limit: key.include_byok_in_limit,
            is_free_tier: false,
            is_management_key: false,
            is_provisioning_key: false,
            label: key.label.clone(),
            limit: key.limit,
            limit_remaining: limit_remaining(key),
            limit_reset: key.limit_reset.clone(),
            rate_limit: rate_limit(),
            usage: key.usage,
            usage_daily: key.usage,
            usage_monthly: key.usage,
            usage_weekly: key.usage,
        },
    };
    data_with_nulls::<types::GetCurrentKeyResponseData>(&body)
}

/// `get_current_key` for one of the mock's built-in keys (the management key, or the non-management key).
pub(crate) fn builtin_current_key(state: &State, secret: &str, management: bool) -> Value {
    let body = types::GetCurrentKeyResponse {
        data: types::GetCurrentKeyResponseData {
            byok_usage: 0.0,
            byok_usage_daily: 0.0,
            byok_usage_monthly: 0.0,
            byok_usage_weekly: 0.0,
            creator_user_id: Some(state.owner_user_id.clone()),
            expires_at: None,
            include_byok_in_limit: false,
            is_free_tier: false,
            is_management_key: management,
            is_provisioning_key: management,
            label: mask(secret),
            limit: None,
            limit_remaining: None,
            limit_reset: None,
            rate_limit: rate_limit(),
            usage: 0.0,
            usage_daily: 0.0,
            usage_monthly: 0.0,
            usage_weekly: 0.0,
        },
    };
    data_with_nulls::<types::GetCurrentKeyResponseData>(&body)
}

/// The deprecated `rate_limit` object, with the values the real API now always sends.
fn rate_limit() -> types::GetCurrentKeyResponseDataRateLimit {
    types::GetCurrentKeyResponseDataRateLimit {
        interval: "10s".to_owned(),
        note: "This field is deprecated and safe to ignore.".to_owned(),
        requests: -1,
    }
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
pub(crate) fn guardrail(guardrail: &types::Guardrail) -> Value {
    let body = types::GetGuardrailResponse {
        data: guardrail.clone(),
    };
    data_with_nulls::<types::Guardrail>(&body)
}

/// `list_guardrails` → `{data, total_count}`.
pub(crate) fn guardrail_page(page: Vec<types::Guardrail>, total_count: usize) -> Value {
    let body = types::ListGuardrailsResponse {
        data: page,
        total_count: count(total_count),
    };
    data_with_nulls::<types::Guardrail>(&body)
}

/// A key assignment joined with its key's current name and label.
fn key_assignment(state: &State, a: &KeyAssignmentRecord) -> types::KeyAssignment {
    let key = state.key(a.key_hash.as_str());
    types::KeyAssignment {
        assigned_by: a.assigned_by.clone(),
        created_at: a.created_at.clone(),
        guardrail_id: a.guardrail_id,
        id: a.id,
        key_hash: a.key_hash.clone(),
        key_label: key.map(|k| k.label.clone()).unwrap_or_default(),
        key_name: key.map(|k| k.name.clone()).unwrap_or_default(),
    }
}

/// `{data: [KeyAssignment], total_count}`.
pub(crate) fn key_assignment_page<'a>(
    state: &State,
    page: impl Iterator<Item = &'a KeyAssignmentRecord>,
    total_count: usize,
) -> Value {
    to_value(&types::ListKeyAssignmentsResponse {
        data: page.map(|a| key_assignment(state, a)).collect(),
        total_count: count(total_count),
    })
}

/// `{data: [MemberAssignment], total_count}`.
pub(crate) fn member_assignment_page<'a>(
    state: &State,
    page: impl Iterator<Item = &'a MemberAssignmentRecord>,
    total_count: usize,
) -> Value {
    to_value(&types::ListMemberAssignmentsResponse {
        data: page
            .map(|a| types::MemberAssignment {
                assigned_by: a.assigned_by.clone(),
                created_at: a.created_at.clone(),
                guardrail_id: a.guardrail_id,
                id: a.id,
                organization_id: state.organization_id.clone(),
                user_id: a.user_id.clone(),
            })
            .collect(),
        total_count: count(total_count),
    })
}

/// A collection size as the spec's integer.
pub(crate) fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
