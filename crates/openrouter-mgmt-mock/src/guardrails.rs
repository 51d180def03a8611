//! The behaviour of the guardrail operations: list one workspace's guardrails, create, get, update (absent =
//! unchanged, `null` = clears, collections replaced whole) and delete (which drops the guardrail's assignments).

use openrouter_mgmt_gen::ids::GuardrailId;
use openrouter_mgmt_gen::open_enums::{
    ContentFilterAction, ContentFilterBuiltinAction, ContentFilterBuiltinSlug, GuardrailInterval,
    PromptInjectionScanScope,
};
use openrouter_mgmt_gen::{Patch, types};
use serde_json::Value;

use crate::body::{check_known, check_non_negative};
use crate::dispatch::Request;
use crate::errors::ApiError;
use crate::render;
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
    types::Guardrail {
        allowed_models: None,
        allowed_providers: None,
        content_filter_builtins: None,
        content_filters: None,
        created_at,
        description: None,
        enable_free_model_publication: None,
        enable_free_model_training: None,
        enable_paid_model_training: None,
        enforce_zdr: None,
        enforce_zdr_anthropic: None,
        enforce_zdr_google: None,
        enforce_zdr_openai: None,
        enforce_zdr_other: None,
        enforce_zdr_xai: None,
        id,
        ignored_models: None,
        ignored_providers: None,
        include_byok_in_budgets: false,
        limit_usd: None,
        name,
        reset_interval: None,
        updated_at: None,
        workspace_id: Some(workspace_id),
    }
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
    Ok(render::guardrail_page(page, matching.len()))
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
    let mut g = blank(id, body.name, workspace, created_at);
    g.allowed_models = body.allowed_models;
    g.allowed_providers = body.allowed_providers;
    g.ignored_models = body.ignored_models;
    g.ignored_providers = body.ignored_providers;
    g.content_filter_builtins = body.content_filter_builtins.map(labelled);
    g.content_filters = body.content_filters;
    g.description = body.description;
    g.limit_usd = body.limit_usd;
    g.reset_interval = body.reset_interval;
    g.include_byok_in_budgets = body.include_byok_in_budgets.unwrap_or(false);
    g.enable_free_model_publication = body.enable_free_model_publication;
    g.enable_free_model_training = body.enable_free_model_training;
    g.enable_paid_model_training = body.enable_paid_model_training;
    // The deprecated `enforce_zdr` fills whichever per-provider flags the request leaves out.
    let fallback = body.enforce_zdr;
    g.enforce_zdr_anthropic = body.enforce_zdr_anthropic.or(fallback);
    g.enforce_zdr_google = body.enforce_zdr_google.or(fallback);
    g.enforce_zdr_openai = body.enforce_zdr_openai.or(fallback);
    g.enforce_zdr_other = body.enforce_zdr_other.or(fallback);
    g.enforce_zdr_xai = body.enforce_zdr_xai.or(fallback);
    let answer = render::guardrail(&g);
    state.insert_guardrail(g);
    Ok(answer)
}

/// `get_guardrail`.
pub(crate) fn get(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let id = path_id(state, request)?;
    Ok(render::guardrail(state.guardrail(id).expect("exists")))
}

/// `update_guardrail`.
pub(crate) fn update(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let mut body: types::UpdateGuardrailRequest = request.body()?;
    check_non_negative("limit_usd", body.limit_usd.as_set().copied())?;
    check_interval(body.reset_interval.as_set())?;
    check_builtins(body.content_filter_builtins.as_set().map(Vec::as_slice))?;
    check_filters(body.content_filters.as_set().map(Vec::as_slice))?;
    if let Patch::Set(fallback) = body.enforce_zdr {
        for flag in [
            &mut body.enforce_zdr_anthropic,
            &mut body.enforce_zdr_google,
            &mut body.enforce_zdr_openai,
            &mut body.enforce_zdr_other,
            &mut body.enforce_zdr_xai,
        ] {
            if flag.is_unchanged() {
                *flag = Patch::Set(fallback);
            }
        }
    }
    let id = path_id(state, request)?;
    let now = state.now();
    let g = state.guardrail_mut(id).expect("exists");
    if let Some(name) = body.name {
        g.name = name;
    }
    if let Some(include_byok) = body.include_byok_in_budgets {
        g.include_byok_in_budgets = include_byok;
    }
    body.description.apply_to(&mut g.description);
    body.limit_usd.apply_to(&mut g.limit_usd);
    body.reset_interval.apply_to(&mut g.reset_interval);
    body.allowed_models.apply_to(&mut g.allowed_models);
    body.allowed_providers.apply_to(&mut g.allowed_providers);
    body.ignored_models.apply_to(&mut g.ignored_models);
    body.ignored_providers.apply_to(&mut g.ignored_providers);
    body.content_filter_builtins
        .map(labelled)
        .apply_to(&mut g.content_filter_builtins);
    body.content_filters.apply_to(&mut g.content_filters);
    body.enable_free_model_publication
        .apply_to(&mut g.enable_free_model_publication);
    body.enable_free_model_training
        .apply_to(&mut g.enable_free_model_training);
    body.enable_paid_model_training
        .apply_to(&mut g.enable_paid_model_training);
    body.enforce_zdr_anthropic
        .apply_to(&mut g.enforce_zdr_anthropic);
    body.enforce_zdr_google.apply_to(&mut g.enforce_zdr_google);
    body.enforce_zdr_openai.apply_to(&mut g.enforce_zdr_openai);
    body.enforce_zdr_other.apply_to(&mut g.enforce_zdr_other);
    body.enforce_zdr_xai.apply_to(&mut g.enforce_zdr_xai);
    g.updated_at = Some(now);
    Ok(render::guardrail(g))
}

/// `delete_guardrail`: the guardrail and every key and member assignment to it go.
pub(crate) fn delete(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let id = path_id(state, request)?;
    state.remove_guardrail(id);
    Ok(render::to_value(&types::DeleteGuardrailResponse {
        deleted: true,
    }))
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
        .map(|input| types::ContentFilterBuiltinEntry {
            label: Some(format!(
                "[{}]",
                input.slug.as_str().to_uppercase().replace('-', "_")
            )),
            action: input.action,
            scan_scope: input.scan_scope,
            slug: input.slug,
        })
        .collect()
}
