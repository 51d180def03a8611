//! The behaviour of the BYOK operations: provider keys per workspace (list with `total_count`, filtered by
//! workspace and provider), create (the key material is dropped at once: only a masked label is kept), get, update
//! (absent = unchanged, `null` = clears; a new `key` rotates the label) and delete.

use openrouter_mgmt_gen::types;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::errors::ApiError;
use crate::render;
use crate::request::Request;
use crate::state::State;

/// How the API shows a provider key: its first three and last four characters (`sk-...wxyz`), or `***` for a short
/// one. The key itself is never returned.
fn masked(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() < 12 {
        return "***".to_owned();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}...{tail}")
}

/// The index of the provider key a path's `{id}` names, or a 404 (a non-UUID names none).
fn position(state: &State, request: &Request<'_>) -> Result<usize, ApiError> {
    let id = Uuid::parse_str(request.param("id")?).ok();
    state
        .byok_keys
        .iter()
        .position(|k| Some(k.id) == id)
        .ok_or_else(|| ApiError::not_found("BYOK key not found"))
}

/// `changes` (a request body) merged into `key`; `key` itself is not a field of the stored object: a new one
/// changes the label instead.
fn merged(
    key: &types::ByokKey,
    changes: &impl serde::Serialize,
) -> Result<types::ByokKey, ApiError> {
    let mut changes = render::to_value(changes);
    if let Some(fields) = changes.as_object_mut()
        && let Some(label) = fields.remove("key").and_then(|k| k.as_str().map(masked))
    {
        fields.insert("label".into(), json!(label));
    }
    crate::merge::merged(key, &changes, "BYOK key")
}

/// `list_byok_keys`: the default workspace's keys unless `workspace_id` names another; `provider` filters.
pub(crate) fn list(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let workspace = request
        .query
        .workspace_id()?
        .unwrap_or(state.default_workspace_id);
    let provider = request.query.text("provider");
    let matching: Vec<&types::ByokKey> = state
        .byok_keys
        .iter()
        .filter(|k| k.workspace_id == Some(workspace))
        .filter(|k| provider.is_none_or(|p| k.provider.as_str() == p))
        .collect();
    let page: Vec<&types::ByokKey> = matching.iter().skip(offset).take(limit).copied().collect();
    render::conform::<types::ListByokKeysResponse, types::ByokKey>(
        json!({"data": page, "total_count": matching.len()}),
    )
}

/// `create_byok_key`: stored in the default workspace (the body cannot name another), last in the sort order.
pub(crate) fn create(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::CreateByokKeyRequest = request.body()?;
    if !body.provider.is_known() {
        return Err(ApiError::bad_request(format!(
            "Unknown provider {:?}",
            body.provider.as_str()
        )));
    }
    let base: types::ByokKey = render::typed(json!({
        "allowed_api_key_hashes": null,
        "allowed_models": null,
        "allowed_user_ids": null,
        "created_at": state.now(),
        "declared_region": null,
        "declared_zdr": null,
        "disabled": false,
        "id": state.rng.uuid(),
        "is_byok_only": false,
        "is_fallback": false,
        "is_required": false,
        "label": "",
        "provider": body.provider.as_str(),
        "sort_order": state.byok_keys.len(),
        "workspace_id": state.default_workspace_id,
    }))?;
    let key = merged(&base, &body)?;
    let answer =
        render::conform::<types::CreateByokKeyResponse, types::ByokKey>(json!({ "data": key }))?;
    state.byok_keys.push(key);
    Ok(answer)
}

/// `get_byok_key`.
pub(crate) fn get(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let i = position(state, request)?;
    render::conform::<types::GetByokKeyResponse, types::ByokKey>(
        json!({ "data": state.byok_keys[i] }),
    )
}

/// `update_byok_key`.
pub(crate) fn update(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::UpdateByokKeyRequest = request.body()?;
    let i = position(state, request)?;
    let key = merged(&state.byok_keys[i], &body)?;
    let answer =
        render::conform::<types::UpdateByokKeyResponse, types::ByokKey>(json!({ "data": key }))?;
    state.byok_keys[i] = key;
    Ok(answer)
}

/// `delete_byok_key`.
pub(crate) fn delete(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let i = position(state, request)?;
    state.byok_keys.remove(i);
    render::small::<types::DeleteByokKeyResponse>(json!({"deleted": true}))
}

#[cfg(test)]
mod tests {
    use super::masked;

    #[test]
    fn labels_never_hold_the_key() {
        assert_eq!(masked("sk-ant-api03-abcdefghijkl"), "sk-...ijkl");
        assert_eq!(masked("short"), "***");
    }
}
