//! The behaviour of the account-level operations: credits (a fixed purchase of $100 against the keys' usage), the
//! organization's members (the owner, an admin, then the members) and its one setting, and generation feedback
//! (any generation id is taken as real; a second feedback for one is a 409).

use axum::http::StatusCode;
use openrouter_mgmt_gen::types;
use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::render;
use crate::request::Request;
use crate::state::State;

/// The credits every mock organization has purchased, in USD.
pub(crate) const PURCHASED_CREDITS: f64 = 100.0;

/// `get_credits`: purchased credits and what the keys have used.
pub(crate) fn credits(state: &mut State, _: &Request<'_>) -> Result<Value, ApiError> {
    // A fold from +0.0: `sum` of no floats is -0.0, which would print as "-0.0".
    let used = state
        .keys()
        .fold(0.0, |total, k| total + k.usage + k.byok_usage);
    render::small::<types::GetCreditsResponse>(
        json!({"data": {"total_credits": PURCHASED_CREDITS, "total_usage": used}}),
    )
}

/// `list_organization_members`: the owner (`org:admin`) first, then the members (`org:member`) in the order they
/// joined (unless churn moved them); e-mail addresses are made from the user ids.
pub(crate) fn members(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let everyone: Vec<Value> = state
        .organization_members()
        .iter()
        .map(|user| {
            let role = if *user == state.owner_user_id {
                "org:admin"
            } else {
                "org:member"
            };
            (user, role)
        })
        .map(|(user, role)| {
            json!({
                "email": format!("{}@example.com", user.as_str()),
                "first_name": null,
                "id": user,
                "last_name": null,
                "role": role,
            })
        })
        .collect();
    let page: Vec<&Value> = everyone.iter().skip(offset).take(limit).collect();
    render::conform::<
        types::ListOrganizationMembersResponse,
        types::ListOrganizationMembersResponseDataItem,
    >(json!({"data": page, "total_count": everyone.len()}))
}

fn settings_body(state: &State) -> Value {
    json!({"data": {
        "id": state.organization_id,
        "is_filtered_model_catalog_enabled": state.filtered_model_catalog,
    }})
}

/// `get_organization_settings`.
pub(crate) fn settings(state: &mut State, _: &Request<'_>) -> Result<Value, ApiError> {
    render::small::<types::GetOrganizationSettingsResponse>(settings_body(state))
}

/// `update_organization_settings`.
pub(crate) fn update_settings(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::UpdateOrganizationSettingsRequest = request.body()?;
    state.filtered_model_catalog = body.is_filtered_model_catalog_enabled;
    render::small::<types::UpdateOrganizationSettingsResponse>(settings_body(state))
}

/// `submit_generation_feedback`: recorded once per generation.
pub(crate) fn feedback(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::SubmitGenerationFeedbackRequest = request.body()?;
    if !body.category.is_known() {
        return Err(ApiError::bad_request(format!(
            "Unknown feedback category {:?}",
            body.category.as_str()
        )));
    }
    if !state.feedback.insert(body.generation_id.clone()) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "Feedback was already submitted for this generation",
        ));
    }
    render::small::<types::SubmitGenerationFeedbackResponse>(json!({"data": {"success": true}}))
}
