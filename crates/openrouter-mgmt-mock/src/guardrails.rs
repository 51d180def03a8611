//! The behaviour of the guardrail operations: list one workspace's guardrails, create, get, update (absent =
//! unchanged, `null` = clears, collections replaced whole) and delete (which drops the guardrail's assignments).

use openrouter_mgmt_gen::ids::GuardrailId;
use openrouter_mgmt_gen::open_enums::{
    ContentFilterAction, ContentFilterBuiltinAction, ContentFilterBuiltinSlug, GuardrailInterval,
    PromptInjectionScanScope,
};
use openrouter_mgmt_gen::{Patch, types};
use serde_json::{Value, json};

use crate::body::{check_known, check_non_negative};
use crate::errors::ApiError;
use crate::render;
use crate::request::Request;
use crate::state::State;

/// The guardrail a path's `{id}` names. An id that is not a UUID names no guardrail: 404, like an unknown one
/// (every operation on a guardrail's path declares 404; not all declare 400).
pub(crate) fn path_id(state: &State, request: &Request<'_>) -> Result<GuardrailId, ApiError> {
    request
        .param("id")?
        .parse::<GuardrailId>()
        .ok()
        .filter(|id| state.guardrail(*id).is_some())
        .ok_or_else(|| ApiError::not_found("Guardrail not found"))
}

/// A guardrail with only its required fields set (the rest `null`), in the default workspace unless told.
pub(crate) fn blank(
    id: GuardrailId,
    name: String,
    workspace_id: String,
    created_at: String,
) -> types::Guardrail {
    render::typed(json!({
        "id": id,
        "name": name,
        "workspace_id": workspace_id,
        "created_at": created_at,
        "include_byok_in_budgets": false,
    }))
    .expect("the required fields of a guardrail")
}

/// `list_guardrails`: one workspace's guardrails (the default one unless `workspace_id`), by creation order.
pub(crate) fn list(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let workspace = request
        .query
        .workspace_id()?
        .map_or_else(|| state.default_workspace(), |w| w.to_string());
    let matching: Vec<&types::Guardrail> = state
        .guardrails()
        .filter(|g| g.workspace_id.as_deref() == Some(workspace.as_str()))
        .collect();
    let page = matching
        .iter()
        .skip(offset)
        .take(limit)
        .map(|g| (*g).clone())
        .collect();
    render::guardrail_page(page, matching.len())
}

/// `create_guardrail`.
pub(crate) fn create(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::CreateGuardrailRequest = request.body()?;
    check_non_negative("limit_usd", body.limit_usd)?;
    check_interval(body.reset_interval.as_ref())?;
    check_builtins(body.content_filter_builtins.as_deref())?;
    check_filters(body.content_filters.as_deref())?;
    let id = GuardrailId::new(state.rng.uuid());
    let workspace = body
        .workspace_id
        .map_or_else(|| state.default_workspace(), |w| w.to_string());
    let created_at = state.now();
    let base = blank(id, body.name.clone(), workspace, created_at);
    let mut changes = serde_json::to_value(&body).expect("a request body always serializes");
    if let Value::Object(fields) = &mut changes {
        // Not copied: the workspace (defaulted above), the builtin filters (labelled below) and the deprecated
        // `enforce_zdr`, which only fills the per-provider flags.
        fields.remove("workspace_id");
        fields.remove("content_filter_builtins");
        fields.remove("enforce_zdr");
        if fields
            .get("include_byok_in_budgets")
            .is_none_or(Value::is_null)
        {
            fields.remove("include_byok_in_budgets");
        }
    }
    let mut g = crate::merge::merged(&base, &changes, "guardrail")?;
    g.content_filter_builtins = body.content_filter_builtins.map(labelled);
    // The deprecated `enforce_zdr` fills whichever per-provider flags the request leaves out.
    let fallback = body.enforce_zdr;
    for flag in zdr_flags(&mut g) {
        if flag.is_none() {
            *flag = fallback;
        }
    }
    let answer = render::guardrail(&g)?;
    state.insert_guardrail(g);
    Ok(answer)
}

/// The per-provider zero-data-retention flags that the deprecated `enforce_zdr` stands in for.
fn zdr_flags(g: &mut types::Guardrail) -> [&mut Option<bool>; 5] {
    [
        &mut g.enforce_zdr_anthropic,
        &mut g.enforce_zdr_google,
        &mut g.enforce_zdr_openai,
        &mut g.enforce_zdr_other,
        &mut g.enforce_zdr_xai,
    ]
}

/// `get_guardrail`.
pub(crate) fn get(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let id = path_id(state, request)?;
    render::guardrail(state.guardrail(id).expect("exists"))
}

/// A workspace's default guardrail exists once its configuration is first written: the first update of its id
/// creates it, in its workspace, before the update applies.
fn materialize_default(state: &mut State, request: &Request<'_>) -> Result<(), ApiError> {
    let Ok(id) = request.param("id")?.parse::<GuardrailId>() else {
        return Ok(());
    };
    if state.guardrail(id).is_some() {
        return Ok(());
    }
    let Some(workspace) = state.workspaces.with_default_guardrail(id) else {
        return Ok(());
    };
    let name = format!("{} default guardrail", workspace.name);
    let workspace_id = workspace.id.to_string();
    let created_at = state.now();
    state.insert_guardrail(blank(id, name, workspace_id, created_at));
    Ok(())
}

/// `update_guardrail`.
pub(crate) fn update(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::UpdateGuardrailRequest = request.body()?;
    check_non_negative("limit_usd", body.limit_usd.as_set().copied())?;
    check_interval(body.reset_interval.as_set())?;
    check_builtins(body.content_filter_builtins.as_set().map(Vec::as_slice))?;
    check_filters(body.content_filters.as_set().map(Vec::as_slice))?;
    materialize_default(state, request)?;
    let id = path_id(state, request)?;
    // Absent fields are not in the serialized body; cleared ones are `null`.
    let mut changes = serde_json::to_value(&body).expect("a request body always serializes");
    if let Value::Object(fields) = &mut changes {
        fields.remove("content_filter_builtins");
        fields.remove("enforce_zdr");
    }
    let mut g = crate::merge::merged(state.guardrail(id).expect("exists"), &changes, "guardrail")?;
    body.content_filter_builtins
        .map(labelled)
        .apply_to(&mut g.content_filter_builtins);
    // The deprecated `enforce_zdr` fills whichever per-provider flags the request leaves out.
    if let Patch::Set(fallback) = body.enforce_zdr {
        let sent = [
            &body.enforce_zdr_anthropic,
            &body.enforce_zdr_google,
            &body.enforce_zdr_openai,
            &body.enforce_zdr_other,
            &body.enforce_zdr_xai,
        ]
        .map(Patch::is_unchanged);
        for (flag, unchanged) in zdr_flags(&mut g).into_iter().zip(sent) {
            if unchanged {
                *flag = Some(fallback);
            }
        }
    }
    g.updated_at = Some(state.now());
    let answer = render::guardrail(&g)?;
    *state.guardrail_mut(id).expect("exists") = g;
    Ok(answer)
}

/// `delete_guardrail`: the guardrail and every key and member assignment to it go.
pub(crate) fn delete(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let id = path_id(state, request)?;
    state.remove_guardrail(id);
    render::small::<types::DeleteGuardrailResponse>(json!({"deleted": true}))
}

fn check_interval(interval: Option<&GuardrailInterval>) -> Result<(), ApiError> {
    match interval {
        Some(interval) => check_known(
            "reset_interval",
            interval.is_known(),
            interval.as_str(),
            GuardrailInterval::KNOWN,
        ),
        None => Ok(()),
    }
}

/// Builtin filters must use slugs, actions and scan scopes the spec lists.
fn check_builtins(
    inputs: Option<&[types::ContentFilterBuiltinEntryInput]>,
) -> Result<(), ApiError> {
    for (i, input) in inputs.unwrap_or_default().iter().enumerate() {
        let field = format!("content_filter_builtins[{i}]");
        check_known(
            &format!("{field}.slug"),
            input.slug.is_known(),
            input.slug.as_str(),
            ContentFilterBuiltinSlug::KNOWN,
        )?;
        check_known(
            &format!("{field}.action"),
            input.action.is_known(),
            input.action.as_str(),
            ContentFilterBuiltinAction::KNOWN,
        )?;
        if let Some(scope) = &input.scan_scope {
            check_known(
                &format!("{field}.scan_scope"),
                scope.is_known(),
                scope.as_str(),
                PromptInjectionScanScope::KNOWN,
            )?;
        }
    }
    Ok(())
}

/// Custom regex filters must use actions the spec lists (pattern and label lengths are the generated checks').
fn check_filters(inputs: Option<&[types::ContentFilterEntry]>) -> Result<(), ApiError> {
    for (i, filter) in inputs.unwrap_or_default().iter().enumerate() {
        check_known(
            &format!("content_filters[{i}].action"),
            filter.action.is_known(),
            filter.action.as_str(),
            ContentFilterAction::KNOWN,
        )?;
    }
    Ok(())
}

/// Gives each builtin filter its system-assigned label (`email` → `[EMAIL]`); a caller's label is ignored.
fn labelled(
    inputs: Vec<types::ContentFilterBuiltinEntryInput>,
) -> Vec<types::ContentFilterBuiltinEntry> {
    inputs
        .into_iter()
        .map(|input| {
            let label = format!("[{}]", input.slug.as_str().to_uppercase().replace('-', "_"));
            let mut entry = serde_json::to_value(&input).expect("a filter always serializes");
            entry["label"] = json!(label);
            render::typed(entry).expect("a labelled input is a builtin filter entry")
        })
        .collect()
}
