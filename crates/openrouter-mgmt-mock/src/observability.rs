//! The behaviour of the observability-destination operations: destinations per workspace (list with `total_count`),
//! create (a `config` that does not fit its `type` is a 400, a sixth destination of one type in a workspace a 409),
//! get, update (absent = unchanged, `null` clears; config keys merge, masked values are ignored) and delete. The
//! credentials are kept as sent but answered masked, as the spec's examples show them (`sk-l...AbCd`).

use axum::http::StatusCode;
use openrouter_mgmt_gen::types;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::errors::ApiError;
use crate::render;
use crate::request::Request;
use crate::state::State;

/// How many destinations of one type a workspace may have.
const MAX_PER_TYPE: usize = 5;

/// The config keys that hold credentials (the overlay's secret fields of the destination configs); `headers`
/// values are masked too, since they may carry an `Authorization` token.
const CREDENTIALS: &[&str] = &[
    "apiKey",
    "secretKey",
    "password",
    "licenseKey",
    "secretAccessKey",
    "sessionToken",
    "dsn",
    "token",
];

/// A credential as answers show it: its first four and last four characters (`sk-l...AbCd`), or `***` when short.
fn masked(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 12 {
        return "***".to_owned();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}...{tail}")
}

/// Masks the credential values of a config in place.
fn mask_config(config: &mut Map<String, Value>) {
    for (key, value) in config.iter_mut() {
        if CREDENTIALS.contains(&key.as_str())
            && let Value::String(s) = value
        {
            *s = masked(s);
        }
        if key == "headers"
            && let Value::Object(headers) = value
        {
            for header in headers.values_mut() {
                if let Value::String(s) = header {
                    *s = masked(s);
                }
            }
        }
    }
}

/// A stored destination as reads show it (credentials masked); the stored form if it no longer fits its type.
pub(crate) fn as_shown(stored: &Value) -> Value {
    shown(stored).unwrap_or_else(|_| stored.clone())
}

/// A stored destination as answers show it: credentials masked, checked against the spec's union (a mock bug is a
/// 500).
fn shown(stored: &Value) -> Result<Value, ApiError> {
    let mut out = stored.clone();
    if let Some(Value::Object(config)) = out.get_mut("config") {
        mask_config(config);
    }
    render::typed::<types::ObservabilityDestination>(out.clone())?;
    Ok(out)
}

/// Checks that a destination (as stored) fits its type's schema: a config missing a required field or holding a
/// wrong type is the caller's 400. The message names the type only, never a value (it could be a credential).
fn check(destination: &Value) -> Result<(), ApiError> {
    match serde_json::from_value::<types::ObservabilityDestination>(destination.clone()) {
        Ok(types::ObservabilityDestination::Unknown(_)) | Err(_) => {
            Err(ApiError::bad_request(format!(
                "Invalid config for destination type {}",
                destination["type"]
            )))
        }
        Ok(_) => Ok(()),
    }
}

/// The spelling answers use for a region (`eu` is an alias of `europe`).
fn normalized_regions(regions: &[impl serde::Serialize]) -> Value {
    let regions: Vec<Value> = regions
        .iter()
        .map(
            |r| match serde_json::to_value(r).expect("a region serializes") {
                Value::String(s) if s == "eu" => json!("europe"),
                other => other,
            },
        )
        .collect();
    Value::Array(regions)
}

/// A `sampling_rate` outside 0.0001..=1 (the range the spec gives in words) is a 400.
fn check_sampling_rate(rate: Option<f64>) -> Result<(), ApiError> {
    match rate {
        Some(r) if !(0.0001..=1.0).contains(&r) => Err(ApiError::bad_request(
            "`sampling_rate` must be between 0.0001 and 1",
        )),
        _ => Ok(()),
    }
}

/// An explicit empty `regions` list is a 400 (the generated body type reads it as absent, since an optional list is
/// left out of the JSON when empty).
fn refuse_empty_regions(request: &Request<'_>) -> Result<(), ApiError> {
    if request.json()?.get("regions") == Some(&json!([])) {
        return Err(ApiError::bad_request(
            "`regions` must not be empty (the API requires at least one entry)",
        ));
    }
    Ok(())
}

/// The index of the destination a path's `{id}` names, or a 404 (a non-UUID names none).
fn position(state: &State, request: &Request<'_>) -> Result<usize, ApiError> {
    let id = Uuid::parse_str(request.param("id")?)
        .ok()
        .map(|id| id.to_string());
    state
        .destinations
        .iter()
        .position(|d| d["id"].as_str() == id.as_deref())
        .ok_or_else(|| ApiError::not_found("Observability destination not found"))
}

/// `list_observability_destinations`: the default workspace's destinations unless `workspace_id` names another.
pub(crate) fn list(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let workspace = request
        .query
        .workspace_id()?
        .unwrap_or(state.default_workspace_id)
        .to_string();
    let matching: Vec<&Value> = state
        .destinations
        .iter()
        .filter(|d| d["workspace_id"].as_str() == Some(workspace.as_str()))
        .collect();
    let page = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|d| shown(d))
        .collect::<Result<Vec<Value>, ApiError>>()?;
    render::small::<types::ListObservabilityDestinationsResponse>(
        json!({"data": page, "total_count": matching.len()}),
    )
}

/// `create_observability_destination`: in the default workspace unless the body names another (which must exist).
pub(crate) fn create(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::CreateObservabilityDestinationRequest = request.body()?;
    refuse_empty_regions(request)?;
    check_sampling_rate(body.sampling_rate)?;
    let workspace = body.workspace_id.unwrap_or(state.default_workspace_id);
    if state.workspaces.by_id(workspace).is_none() {
        return Err(ApiError::bad_request(format!(
            "Workspace {workspace} not found"
        )));
    }
    let kind = body.type_.as_str().to_owned();
    let same_kind = state
        .destinations
        .iter()
        .filter(|d| d["workspace_id"] == json!(workspace) && d["type"] == json!(kind))
        .count();
    if same_kind >= MAX_PER_TYPE {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("A maximum of {MAX_PER_TYPE} {kind} destinations is allowed per workspace"),
        ));
    }
    let now = state.now();
    let destination = json!({
        "api_key_hashes": body.api_key_hashes,
        "broadcast_generation_cost": body.broadcast_generation_cost,
        "broadcast_generation_cost_allocation": body.broadcast_generation_cost_allocation,
        "broadcast_generation_identity": body.broadcast_generation_identity,
        "broadcast_generation_request_context": body.broadcast_generation_request_context,
        "config": body.config.expose_secret(),
        "created_at": now,
        "enabled": body.enabled,
        "filter_rules": body.filter_rules,
        "id": state.rng.uuid(),
        "name": body.name,
        "privacy_mode": body.privacy_mode,
        "regions": normalized_regions(&body.regions),
        "sampling_rate": body.sampling_rate.unwrap_or(1.0),
        "type": kind,
        "updated_at": now,
        "workspace_id": workspace,
    });
    check(&destination)?;
    let answer = render::small::<types::CreateObservabilityDestinationResponse>(
        json!({ "data": shown(&destination)? }),
    )?;
    state.destinations.push(destination);
    Ok(answer)
}

/// `get_observability_destination`.
pub(crate) fn get(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let i = position(state, request)?;
    render::small::<types::GetObservabilityDestinationResponse>(
        json!({ "data": shown(&state.destinations[i])? }),
    )
}

/// `update_observability_destination`: the body's fields replace the stored ones (`null` clears a nullable one);
/// `config` keys are merged into the stored config, and a value equal to the masked form of the stored one (as a
/// client that read the destination sends it back) is ignored.
pub(crate) fn update(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::UpdateObservabilityDestinationRequest = request.body()?;
    refuse_empty_regions(request)?;
    check_sampling_rate(body.sampling_rate)?;
    let i = position(state, request)?;
    let mut destination = state.destinations[i].clone();
    let mut changes = serde_json::to_value(&body).expect("a request body always serializes");
    let Value::Object(changes) = &mut changes else {
        return Err(ApiError::bad_request("The body must be an object"));
    };
    if let Some(Value::Object(config)) = changes.remove("config")
        && let Some(Value::Object(stored)) = destination.get_mut("config")
    {
        for (key, value) in config {
            let unchanged_mask = match (stored.get(&key), &value) {
                (Some(Value::String(old)), Value::String(new)) => masked(old) == *new,
                _ => false,
            };
            if !unchanged_mask {
                stored.insert(key, value);
            }
        }
    }
    if let Some(regions) = changes.remove("regions")
        && let Value::Array(regions) = regions
        && !regions.is_empty()
    {
        destination["regions"] = normalized_regions(&regions);
    }
    for (field, change) in std::mem::take(changes) {
        destination[field.as_str()] = change;
    }
    destination["updated_at"] = json!(state.now());
    check(&destination)?;
    let answer = render::small::<types::UpdateObservabilityDestinationResponse>(
        json!({ "data": shown(&destination)? }),
    )?;
    state.destinations[i] = destination;
    Ok(answer)
}

/// `delete_observability_destination`.
pub(crate) fn delete(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let i = position(state, request)?;
    state.destinations.remove(i);
    render::small::<types::DeleteObservabilityDestinationResponse>(json!({"deleted": true}))
}

#[cfg(test)]
mod tests {
    use super::{mask_config, masked};
    use serde_json::json;

    #[test]
    fn answers_never_hold_a_credential() {
        assert_eq!(masked("sk-lf-abcdefghijkl"), "sk-l...ijkl");
        assert_eq!(masked("short"), "***");
        let mut config = json!({
            "publicKey": "pk-lf-public-value",
            "secretKey": "sk-lf-secret-value",
            "headers": {"Authorization": "Bearer token-value-1"},
        });
        mask_config(config.as_object_mut().unwrap());
        let shown = config.to_string();
        assert!(
            !shown.contains("secret-value") && !shown.contains("token-value"),
            "{shown}"
        );
        assert!(shown.contains("pk-lf-public-value"), "{shown}");
    }
}
