//! The behaviour of the private endpoint operations: the lifecycle draft → validated → active ⇄ disabled (with
//! its 409s), retry-safe creates (`Idempotency-Key`), partial updates (upstream fields on drafts only; settings
//! merged field by field, `null` restoring the default), the deprecated `PUT` routes as the same update,
//! validation against a workspace, and delete.

use axum::http::StatusCode;
use openrouter_mgmt_gen::types;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::errors::ApiError;
use crate::private_endpoint_store::PrivateEndpointRecord;
use crate::render;
use crate::request::Request;
use crate::state::State;

/// Providers whose base URL comes from the BYOK credential: their endpoints validate without `base_url`.
const URL_FROM_CREDENTIAL: &[&str] = &["azure", "amazon-bedrock", "google-vertex"];

/// The request parameters a passing validation probes (each found supported, then recorded as tested).
const PROBED: &[&str] = &["max_tokens", "temperature"];

/// The fields of `PATCH /private-endpoints/{id}` that re-point the upstream (drafts only).
const UPSTREAM_FIELDS: &[&str] = &[
    "base_url",
    "upstream_model_id",
    "declared_zdr",
    "declared_region",
];

/// Every field `PATCH /private-endpoints/{id}` changes.
const UPDATE_FIELDS: &[&str] = &[
    "base_url",
    "upstream_model_id",
    "declared_zdr",
    "declared_region",
    "pricing",
    "declared_parameters",
    "settings",
];

/// The settings of a new endpoint, and what `null` restores a setting to.
fn default_settings() -> Value {
    json!({
        "completions": {"chat": null, "text": null},
        "context_length": null,
        "excluded_parameters": [],
        "inputs": {"audio": null, "base64_files": null, "base64_images": null, "file_urls": null, "image_urls": null},
        "max_completion_tokens": null,
        "max_prompt_tokens": null,
        "quantization": "unknown",
        "reasoning": {"return_mechanism": null, "supported": false},
        "tool_choice": {"auto": false, "function": false, "none": false, "required": false},
    })
}

/// `changes` merged into `stored` field by field (nested objects too); `null` restores the field's default and
/// fields the settings do not have are ignored.
fn merge_settings(stored: &mut Value, changes: &Value, defaults: &Value) {
    let Some(changes) = changes.as_object() else {
        return;
    };
    for (field, change) in changes {
        let Some(default) = defaults.get(field) else {
            continue;
        };
        match change {
            Value::Null => stored[field] = default.clone(),
            Value::Object(_) if default.is_object() => {
                merge_settings(&mut stored[field], change, default);
            }
            other => stored[field] = other.clone(),
        }
    }
}

/// 400 `settings_invalid` for settings the API refuses.
fn check_settings(settings: &Value, tested: &[Value]) -> Result<(), ApiError> {
    let invalid = |why: &str| Err(ApiError::bad_request(format!("settings_invalid: {why}")));
    if let (Some(prompt), Some(context)) = (
        settings["max_prompt_tokens"].as_u64(),
        settings["context_length"].as_u64(),
    ) && prompt > context
    {
        return invalid("max_prompt_tokens exceeds context_length");
    }
    if settings["completions"]["chat"] == json!(false)
        && settings["completions"]["text"] == json!(false)
    {
        return invalid("both completion APIs are off");
    }
    let excluded = settings["excluded_parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if let Some(p) = excluded.iter().find(|p| tested.contains(p)) {
        return invalid(&format!(
            "excluded_parameters names the tested parameter {p}"
        ));
    }
    Ok(())
}

/// A declaration read as a set (sorted, without repeats); 400 `parameters_invalid` for `tool_choice` without
/// `tools` tested or declared.
fn declared_set(declared: &Value, tested: &[Value]) -> Result<Value, ApiError> {
    let mut names: Vec<String> = declared
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p.as_str().map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    let has = |name: &str| names.iter().any(|n| n == name) || tested.contains(&json!(name));
    if has("tool_choice") && !has("tools") {
        return Err(ApiError::bad_request(
            "parameters_invalid: tool_choice needs tools to be tested or declared",
        ));
    }
    Ok(json!(names))
}

/// 400 unless a base URL is HTTPS.
fn check_base_url(base_url: &Value) -> Result<(), ApiError> {
    match base_url.as_str() {
        Some(url) if !url.starts_with("https://") => {
            Err(ApiError::bad_request("base_url must be an HTTPS URL"))
        }
        _ => Ok(()),
    }
}

fn conflict(message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, message)
}

/// The index of the endpoint a path's `{id}` names, or a 404 (a non-UUID names none).
fn position(state: &State, request: &Request<'_>) -> Result<usize, ApiError> {
    let id = Uuid::parse_str(request.param("id")?)
        .ok()
        .map(|id| id.to_string());
    state
        .private_endpoints
        .iter()
        .position(|e| id.is_some() && e.endpoint["id"].as_str() == id.as_deref())
        .ok_or_else(|| ApiError::not_found("Private endpoint not found"))
}

/// A lifecycle answer (`ManagedPrivateEndpointResponse`).
fn managed(record: &PrivateEndpointRecord) -> Result<Value, ApiError> {
    render::conform::<types::ManagedPrivateEndpointResponse, types::ManagedPrivateEndpoint>(
        json!({"data": record.managed()}),
    )
}

/// A whole-endpoint answer (`PrivateEndpointResponse`).
fn whole(record: &PrivateEndpointRecord) -> Result<Value, ApiError> {
    render::conform::<types::PrivateEndpointResponse, types::PrivateEndpoint>(
        json!({"data": record.endpoint}),
    )
}

/// Runs the live validation of endpoint `i` with `workspace`'s credential (404 for an unknown workspace): the
/// base URL check passes when the endpoint has one or its provider derives it; a pass records the probed
/// parameters as tested. Returns the `PrivateEndpointValidation`.
fn run_validation(state: &mut State, i: usize, workspace: Uuid) -> Result<Value, ApiError> {
    if state.workspaces.by_id(workspace).is_none() {
        return Err(ApiError::not_found("Workspace not found"));
    }
    let record = &mut state.private_endpoints[i];
    let provider = record.endpoint["provider_slug"]
        .as_str()
        .unwrap_or_default();
    let passed = record.endpoint["base_url"].is_string() || URL_FROM_CREDENTIAL.contains(&provider);
    record.validated = passed;
    if !passed {
        return Ok(json!({
            "checks": [{"name": "base_url", "passed": false, "reason": "invalid_base_url"}],
            "passed": false,
        }));
    }
    let tested = record.endpoint["tested_parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let probed: Vec<&str> = PROBED
        .iter()
        .copied()
        .filter(|p| !tested.contains(&json!(p)))
        .collect();
    let mut all: Vec<Value> = tested;
    all.extend(probed.iter().map(|p| json!(p)));
    record.endpoint["tested_parameters"] = json!(all);
    Ok(json!({
        "checks": [
            {"name": "base_url", "passed": true},
            {"name": "completion", "passed": true, "actual_model": record.endpoint["upstream_model_id"]},
        ],
        "parameters": probed.iter().map(|p| json!({"parameter": p, "supported": true})).collect::<Vec<_>>(),
        "passed": true,
    }))
}

/// `list_private_endpoints`: every endpoint, drafts included, in creation order (no paging).
pub(crate) fn list(state: &mut State, _request: &Request<'_>) -> Result<Value, ApiError> {
    let data: Vec<Value> = state
        .private_endpoints
        .iter()
        .map(PrivateEndpointRecord::summary)
        .collect();
    render::conform::<types::ListPrivateEndpointsResponse, types::PrivateEndpointSummary>(
        json!({ "data": data }),
    )
}

/// `create_private_endpoint`: a draft; with `activate`, validated and activated in the same call (an unknown
/// workspace is a 404 and a failed validation a 422, the draft being kept either way).
pub(crate) fn create(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::CreatePrivateEndpointRequest = request.body()?;
    let raw = request.json()?;
    check_base_url(&raw["base_url"])?;
    let declared = declared_set(&raw["declared_parameters"], &[])?;
    // The fields an `Idempotency-Key` is bound to (`activate`, `max_completion_tokens` and settings are not).
    let bound = json!({
        "base_url": raw["base_url"],
        "declared_parameters": declared,
        "declared_region": raw["declared_region"],
        "declared_zdr": raw["declared_zdr"],
        "model_permaslug": raw["model_permaslug"],
        "pricing": raw["pricing"],
        "provider_slug": raw["provider_slug"],
        "upstream_model_id": raw["upstream_model_id"],
    });
    let key = request.header("idempotency-key").map(str::to_owned);
    if let Some((fields, id)) = key
        .as_ref()
        .and_then(|k| state.private_endpoint_keys.get(k))
    {
        if *fields != bound {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused: this Idempotency-Key was used with a different request",
            ));
        }
        // A repeat: the endpoint the first request created, as it is now (unless it was deleted since).
        if let Some(existing) = state
            .private_endpoints
            .iter()
            .find(|r| r.endpoint["id"] == *id)
        {
            return managed(existing);
        }
    }
    let mut settings = default_settings();
    merge_settings(&mut settings, &raw["settings"], &default_settings());
    check_settings(&settings, &[])?;
    let pricing = match &body.pricing {
        Some(pricing) => render::to_value(pricing),
        None => json!({"completion": "0", "prompt": "0"}),
    };
    let endpoint = json!({
        "base_url": body.base_url,
        "declared_parameters": declared,
        "declared_region": body.declared_region,
        "declared_zdr": body.declared_zdr,
        "id": state.rng.uuid(),
        "max_completion_tokens": body.max_completion_tokens,
        "model_name": body.model_permaslug,
        "model_permaslug": body.model_permaslug,
        "model_slug": body.model_permaslug,
        "pricing": pricing,
        "provider_name": body.provider_slug,
        "provider_slug": body.provider_slug,
        "settings": settings,
        "status": "draft",
        "tested_parameters": [],
        "upstream_model_id": body.upstream_model_id,
    });
    render::typed::<types::PrivateEndpoint>(endpoint.clone())?;
    let created_at = state.now();
    state.private_endpoints.push(PrivateEndpointRecord {
        endpoint,
        created_at,
        validated: false,
    });
    let i = state.private_endpoints.len() - 1;
    if let Some(key) = key {
        let id = state.private_endpoints[i].endpoint["id"].clone();
        state.private_endpoint_keys.insert(key, (bound, id));
    }
    if let Some(activation) = body.activate {
        let validation = run_validation(state, i, activation.workspace_id)?;
        if validation["passed"] != json!(true) {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed: the draft was kept",
            ));
        }
        state.private_endpoints[i].endpoint["status"] = json!("active");
    }
    managed(&state.private_endpoints[i])
}

/// `get_private_endpoint`.
pub(crate) fn get(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let i = position(state, request)?;
    whole(&state.private_endpoints[i])
}

/// Applies the fields of `changes` (a JSON object, already checked against its generated type) to endpoint `i`,
/// writing nothing unless every group passes.
fn apply(state: &mut State, i: usize, changes: &Map<String, Value>) -> Result<(), ApiError> {
    let mut record = state.private_endpoints[i].clone();
    let upstream = UPSTREAM_FIELDS.iter().any(|f| changes.contains_key(*f));
    if upstream && record.status() != "draft" {
        return Err(conflict(
            "already_active: upstream fields change on drafts only; delete and re-create instead",
        ));
    }
    let e = &mut record.endpoint;
    if let Some(base_url) = changes.get("base_url") {
        check_base_url(base_url)?;
    }
    let repointed = ["base_url", "upstream_model_id"]
        .iter()
        .any(|f| changes.get(*f).is_some_and(|v| *v != e[*f]));
    if repointed {
        record.validated = false;
        e["declared_zdr"] = Value::Null;
        e["declared_region"] = Value::Null;
    }
    for field in UPSTREAM_FIELDS {
        if let Some(value) = changes.get(*field) {
            e[*field] = value.clone();
        }
    }
    let tested = e["tested_parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if let Some(declared) = changes.get("declared_parameters") {
        e["declared_parameters"] = declared_set(declared, &tested)?;
    }
    if let Some(settings) = changes.get("settings") {
        merge_settings(&mut e["settings"], settings, &default_settings());
        check_settings(&e["settings"], &tested)?;
    }
    if let Some(pricing) = changes.get("pricing") {
        e["pricing"] = pricing.clone();
    }
    render::typed::<types::PrivateEndpoint>(e.clone())?;
    state.private_endpoints[i] = record;
    Ok(())
}

/// The fields of a request body among `fields`.
fn picked(raw: Value, fields: &[&str]) -> Map<String, Value> {
    match raw {
        Value::Object(map) => map
            .into_iter()
            .filter(|(field, _)| fields.contains(&field.as_str()))
            .collect(),
        _ => Map::new(),
    }
}

/// `update_private_endpoint`.
pub(crate) fn update(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let _: types::UpdatePrivateEndpointRequest = request.body()?;
    let changes = picked(request.json()?, UPDATE_FIELDS);
    let i = position(state, request)?;
    apply(state, i, &changes)?;
    whole(&state.private_endpoints[i])
}

/// `update_private_endpoint_parameters`: the same as an update of `declared_parameters`.
pub(crate) fn set_parameters(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let _: types::UpdatePrivateEndpointParametersRequest = request.body()?;
    let changes = picked(request.json()?, &["declared_parameters"]);
    let i = position(state, request)?;
    apply(state, i, &changes)?;
    whole(&state.private_endpoints[i])
}

/// `update_private_endpoint_pricing`: the same as an update of `pricing`.
pub(crate) fn set_pricing(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let _: types::UpdatePrivateEndpointPricingRequest = request.body()?;
    let changes = picked(request.json()?, &["pricing"]);
    let i = position(state, request)?;
    apply(state, i, &changes)?;
    whole(&state.private_endpoints[i])
}

/// `delete_private_endpoint`: with `draft_only=true`, a 409 once the endpoint has been activated.
pub(crate) fn delete(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let draft_only = request.query.flag("draft_only")?;
    let i = position(state, request)?;
    if draft_only && state.private_endpoints[i].status() != "draft" {
        return Err(conflict(
            "The endpoint has been activated and is not a draft",
        ));
    }
    let record = state.private_endpoints.remove(i);
    render::small::<types::DeletePrivateEndpointResponse>(
        json!({"data": {"id": record.endpoint["id"]}}),
    )
}

/// `validate_private_endpoint`: drafts only (409 otherwise); failed checks are a 200 with `passed: false`.
pub(crate) fn validate(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::ValidatePrivateEndpointRequest = request.body()?;
    let i = position(state, request)?;
    if state.private_endpoints[i].status() != "draft" {
        return Err(conflict("already_active: only a draft is validated"));
    }
    let validation = run_validation(state, i, body.workspace_id)?;
    render::small::<types::PrivateEndpointValidationResponse>(json!({ "data": validation }))
}

/// `activate_private_endpoint`: a validated draft becomes active; 409 when it never passed validation (or the
/// validation went stale with an upstream change) or it was activated already.
pub(crate) fn activate(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let i = position(state, request)?;
    let record = &mut state.private_endpoints[i];
    if record.status() != "draft" {
        return Err(conflict("already_active: the endpoint has been activated"));
    }
    if !record.validated {
        return Err(conflict(
            "not_validated: validate the endpoint (again) before activating it",
        ));
    }
    record.endpoint["status"] = json!("active");
    managed(record)
}

/// `disable_private_endpoint`: an active endpoint stops routing (a disabled one stays so); 409 for a draft.
pub(crate) fn disable(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    switch(state, request, "disabled")
}

/// `enable_private_endpoint`: a disabled endpoint routes again (an active one stays so); 409 for a draft.
pub(crate) fn enable(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    switch(state, request, "active")
}

/// Sets an activated endpoint's status to `status` (`active` or `disabled`).
fn switch(state: &mut State, request: &Request<'_>, status: &str) -> Result<Value, ApiError> {
    let i = position(state, request)?;
    let record = &mut state.private_endpoints[i];
    if record.status() == "draft" {
        return Err(conflict(
            "not_active: the endpoint is a draft; activate it first",
        ));
    }
    record.endpoint["status"] = json!(status);
    managed(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_restores_a_default_and_nested_fields_merge() {
        let mut settings = default_settings();
        let change = json!({"context_length": 1000, "completions": {"chat": true}, "unknown": 1});
        merge_settings(&mut settings, &change, &default_settings());
        assert_eq!(settings["context_length"], json!(1000));
        assert_eq!(settings["completions"], json!({"chat": true, "text": null}));
        assert!(settings.get("unknown").is_none());
        merge_settings(
            &mut settings,
            &json!({"context_length": null, "quantization": null}),
            &default_settings(),
        );
        assert_eq!(settings["context_length"], Value::Null);
        assert_eq!(settings["quantization"], json!("unknown"));
    }

    #[test]
    fn settings_and_declarations_the_api_refuses() {
        let mut settings = default_settings();
        settings["context_length"] = json!(10);
        settings["max_prompt_tokens"] = json!(11);
        assert_eq!(
            check_settings(&settings, &[]).unwrap_err().status,
            StatusCode::BAD_REQUEST
        );
        let mut off = default_settings();
        off["completions"] = json!({"chat": false, "text": false});
        assert!(check_settings(&off, &[]).is_err());
        let mut excluded = default_settings();
        excluded["excluded_parameters"] = json!(["temperature"]);
        assert!(check_settings(&excluded, &[json!("temperature")]).is_err());
        assert!(check_settings(&excluded, &[]).is_ok());
        assert!(declared_set(&json!(["tool_choice"]), &[]).is_err());
        assert_eq!(
            declared_set(&json!(["seed", "tools", "tool_choice", "seed"]), &[]).unwrap(),
            json!(["seed", "tool_choice", "tools"])
        );
    }
}
