//! The five guardrail operations: list (offset/limit/total_count), create (201), get, update (absent =
//! unchanged, `null` = clears, collections replaced whole) and delete (which drops the guardrail's assignments).

use axum::http::StatusCode;
use openrouter_mgmt_gen::open_enums::{
    ContentFilterAction, ContentFilterBuiltinAction, ContentFilterBuiltinSlug, GuardrailInterval,
    PromptInjectionScanScope,
};
use openrouter_mgmt_gen::types;
use serde::Deserialize;
use uuid::Uuid;

use crate::body::{self, Patch, check_known, check_non_negative};
use crate::errors::{ApiError, Reply};
use crate::pagination::Query;
use crate::render;
use crate::state::State;

/// The guardrail a path's `{id}` names. An id that is not a UUID names no guardrail: 404, like an unknown one
/// (every operation on `/guardrails/{id}` declares 404; not all declare 400).
pub(crate) fn existing_id(state: &State, raw: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(raw)
        .ok()
        .filter(|id| state.guardrail(*id).is_some())
        .ok_or_else(|| ApiError::not_found("Guardrail not found"))
}

/// A guardrail with only its required fields set (the rest `null`), in the default workspace unless told.
pub(crate) fn blank(
    id: Uuid,
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

/// `GET /guardrails`: one workspace's guardrails (the default one unless `workspace_id`), by creation order.
pub(crate) fn list(state: &State, query: &Query) -> Result<Reply, ApiError> {
    let offset = query.offset()?;
    let limit = query.limit()?;
    let workspace = query
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
    Ok(Reply::ok(render::guardrail_page(page, matching.len())))
}

/// `POST /guardrails`: 201 with the new guardrail.
pub(crate) fn create(state: &mut State, body: &[u8]) -> Result<Reply, ApiError> {
    let request: types::CreateGuardrailRequest = body::parse(body)?;
    check_non_negative("limit_usd", request.limit_usd)?;
    if let Some(interval) = &request.reset_interval {
        check_interval(interval)?;
    }
    for (field, list) in [
        ("allowed_models", &request.allowed_models),
        ("allowed_providers", &request.allowed_providers),
        ("ignored_models", &request.ignored_models),
        ("ignored_providers", &request.ignored_providers),
    ] {
        check_not_empty(field, list.as_ref())?;
    }
    let builtins = request.content_filter_builtins.map(builtins).transpose()?;
    let filters = request.content_filters.map(filters).transpose()?;
    let id = state.rng.uuid();
    let workspace = request
        .workspace_id
        .map_or_else(|| state.default_workspace(), |w| w.to_string());
    let created_at = state.now();
    let mut g = blank(id, request.name.to_string(), workspace, created_at);
    g.allowed_models = request.allowed_models;
    g.allowed_providers = request.allowed_providers;
    g.ignored_models = request.ignored_models;
    g.ignored_providers = request.ignored_providers;
    g.content_filter_builtins = builtins;
    g.content_filters = filters;
    g.description = request.description.map(String::from);
    g.limit_usd = request.limit_usd;
    g.reset_interval = request.reset_interval;
    g.include_byok_in_budgets = request.include_byok_in_budgets.unwrap_or(false);
    g.enable_free_model_publication = request.enable_free_model_publication;
    g.enable_free_model_training = request.enable_free_model_training;
    g.enable_paid_model_training = request.enable_paid_model_training;
    // The deprecated `enforce_zdr` fills whichever per-provider flags the request leaves out.
    let fallback = request.enforce_zdr;
    g.enforce_zdr_anthropic = request.enforce_zdr_anthropic.or(fallback);
    g.enforce_zdr_google = request.enforce_zdr_google.or(fallback);
    g.enforce_zdr_openai = request.enforce_zdr_openai.or(fallback);
    g.enforce_zdr_other = request.enforce_zdr_other.or(fallback);
    g.enforce_zdr_xai = request.enforce_zdr_xai.or(fallback);
    let body = render::guardrail(&g);
    state.insert_guardrail(g);
    Ok(Reply::with_status(StatusCode::CREATED, body))
}

/// `GET /guardrails/{id}`.
pub(crate) fn get(state: &State, raw_id: &str) -> Result<Reply, ApiError> {
    let id = existing_id(state, raw_id)?;
    Ok(Reply::ok(render::guardrail(
        state.guardrail(id).expect("exists"),
    )))
}

/// The body of `PATCH /guardrails/{id}`, keeping absent apart from `null`.
#[derive(Debug, Deserialize)]
struct UpdateGuardrail {
    #[serde(default)]
    name: Patch<types::UpdateGuardrailRequestName>,
    #[serde(default)]
    description: Patch<types::UpdateGuardrailRequestDescription>,
    #[serde(default)]
    limit_usd: Patch<f64>,
    #[serde(default)]
    reset_interval: Patch<GuardrailInterval>,
    #[serde(default)]
    allowed_models: Patch<Vec<String>>,
    #[serde(default)]
    allowed_providers: Patch<Vec<String>>,
    #[serde(default)]
    ignored_models: Patch<Vec<String>>,
    #[serde(default)]
    ignored_providers: Patch<Vec<String>>,
    #[serde(default)]
    content_filter_builtins: Patch<Vec<types::ContentFilterBuiltinEntryInput>>,
    #[serde(default)]
    content_filters: Patch<Vec<types::ContentFilterEntry>>,
    #[serde(default)]
    enable_free_model_publication: Patch<bool>,
    #[serde(default)]
    enable_free_model_training: Patch<bool>,
    #[serde(default)]
    enable_paid_model_training: Patch<bool>,
    #[serde(default)]
    enforce_zdr: Patch<bool>,
    #[serde(default)]
    enforce_zdr_anthropic: Patch<bool>,
    #[serde(default)]
    enforce_zdr_google: Patch<bool>,
    #[serde(default)]
    enforce_zdr_openai: Patch<bool>,
    #[serde(default)]
    enforce_zdr_other: Patch<bool>,
    #[serde(default)]
    enforce_zdr_xai: Patch<bool>,
    #[serde(default)]
    include_byok_in_budgets: Patch<bool>,
}

/// `PATCH /guardrails/{id}`.
pub(crate) fn update(state: &mut State, raw_id: &str, body: &[u8]) -> Result<Reply, ApiError> {
    let mut patch: UpdateGuardrail = body::parse(body)?;
    let name = patch.name.non_null("name")?;
    let include_byok = patch
        .include_byok_in_budgets
        .non_null("include_byok_in_budgets")?;
    check_non_negative("limit_usd", patch.limit_usd.as_value().copied())?;
    if let Some(interval) = patch.reset_interval.as_value() {
        check_interval(interval)?;
    }
    for (field, list) in [
        ("allowed_models", &patch.allowed_models),
        ("allowed_providers", &patch.allowed_providers),
        ("ignored_models", &patch.ignored_models),
        ("ignored_providers", &patch.ignored_providers),
    ] {
        check_not_empty(field, list.as_value())?;
    }
    let builtins = match patch.content_filter_builtins {
        Patch::Value(v) => Patch::Value(builtins(v)?),
        Patch::Null => Patch::Null,
        Patch::Absent => Patch::Absent,
    };
    let filters = match patch.content_filters {
        Patch::Value(v) => Patch::Value(filters(v)?),
        Patch::Null => Patch::Null,
        Patch::Absent => Patch::Absent,
    };
    if let Patch::Value(fallback) = patch.enforce_zdr {
        for flag in [
            &mut patch.enforce_zdr_anthropic,
            &mut patch.enforce_zdr_google,
            &mut patch.enforce_zdr_openai,
            &mut patch.enforce_zdr_other,
            &mut patch.enforce_zdr_xai,
        ] {
            if !flag.is_present() {
                *flag = Patch::Value(fallback);
            }
        }
    }
    let id = existing_id(state, raw_id)?;
    let now = state.now();
    let g = state.guardrail_mut(id).expect("exists");
    if let Some(name) = name {
        g.name = name.to_string();
    }
    if let Some(include_byok) = include_byok {
        g.include_byok_in_budgets = include_byok;
    }
    match patch.description {
        Patch::Absent => {}
        Patch::Null => g.description = None,
        Patch::Value(d) => g.description = Some(d.to_string()),
    }
    patch.limit_usd.apply_to(&mut g.limit_usd);
    patch.reset_interval.apply_to(&mut g.reset_interval);
    patch.allowed_models.apply_to(&mut g.allowed_models);
    patch.allowed_providers.apply_to(&mut g.allowed_providers);
    patch.ignored_models.apply_to(&mut g.ignored_models);
    patch.ignored_providers.apply_to(&mut g.ignored_providers);
    builtins.apply_to(&mut g.content_filter_builtins);
    filters.apply_to(&mut g.content_filters);
    patch
        .enable_free_model_publication
        .apply_to(&mut g.enable_free_model_publication);
    patch
        .enable_free_model_training
        .apply_to(&mut g.enable_free_model_training);
    patch
        .enable_paid_model_training
        .apply_to(&mut g.enable_paid_model_training);
    patch
        .enforce_zdr_anthropic
        .apply_to(&mut g.enforce_zdr_anthropic);
    patch.enforce_zdr_google.apply_to(&mut g.enforce_zdr_google);
    patch.enforce_zdr_openai.apply_to(&mut g.enforce_zdr_openai);
    patch.enforce_zdr_other.apply_to(&mut g.enforce_zdr_other);
    patch.enforce_zdr_xai.apply_to(&mut g.enforce_zdr_xai);
    g.updated_at = Some(now);
    Ok(Reply::ok(render::guardrail(g)))
}

/// `DELETE /guardrails/{id}`: the guardrail and every key and member assignment to it go.
pub(crate) fn delete(state: &mut State, raw_id: &str) -> Result<Reply, ApiError> {
    let id = existing_id(state, raw_id)?;
    state.remove_guardrail(id);
    Ok(Reply::ok(render::to_value(
        &types::DeleteGuardrailResponse { deleted: true },
    )))
}

fn check_interval(interval: &GuardrailInterval) -> Result<(), ApiError> {
    check_known(
        "reset_interval",
        interval.is_known(),
        interval.as_str(),
        GuardrailInterval::KNOWN,
    )
}

fn check_not_empty(field: &str, list: Option<&Vec<String>>) -> Result<(), ApiError> {
    if list.is_some_and(Vec::is_empty) {
        return Err(ApiError::bad_request(format!(
            "`{field}` must have at least 1 item"
        )));
    }
    Ok(())
}

/// Validates builtin filters and gives each its system-assigned label (`email` → `[EMAIL]`).
fn builtins(
    inputs: Vec<types::ContentFilterBuiltinEntryInput>,
) -> Result<Vec<types::ContentFilterBuiltinEntry>, ApiError> {
    inputs
        .into_iter()
        .enumerate()
        .map(|(i, input)| {
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
            let label = format!("[{}]", input.slug.as_str().to_uppercase().replace('-', "_"));
            Ok(types::ContentFilterBuiltinEntry {
                action: input.action,
                label: Some(label.try_into().expect("builtin labels are short")),
                scan_scope: input.scan_scope,
                slug: input.slug,
            })
        })
        .collect()
}

/// Validates custom regex filters (the pattern and label lengths are checked by the generated types).
fn filters(
    inputs: Vec<types::ContentFilterEntry>,
) -> Result<Vec<types::ContentFilterEntry>, ApiError> {
    for (i, filter) in inputs.iter().enumerate() {
        check_known(
            &format!("content_filters[{i}].action"),
            filter.action.is_known(),
            filter.action.as_str(),
            ContentFilterAction::KNOWN,
        )?;
    }
    Ok(inputs)
}
