//! The behaviour of the private-provider operations: list (one answer, no paging), create (slug given or derived
//! from the name, unique: 409; the data policy defaults to training on and retaining prompts), get, update (nested
//! data policy merged field by field) and delete (answers the slug).

use axum::http::StatusCode;
use openrouter_mgmt_gen::types;
use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::render;
use crate::request::Request;
use crate::state::State;

/// The slug a name gives when the request names none: lowercase, runs of other characters as one `-`.
fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// The index of the provider a path's `{slug}` names, or a 404.
fn position(state: &State, request: &Request<'_>) -> Result<usize, ApiError> {
    let slug = request.param("slug")?;
    state
        .private_providers
        .iter()
        .position(|p| p.slug == slug)
        .ok_or_else(|| ApiError::not_found("Private provider not found"))
}

/// `list_private_providers`.
pub(crate) fn list(state: &mut State, _: &Request<'_>) -> Result<Value, ApiError> {
    render::conform::<types::ListPrivateProvidersResponse, types::PrivateProvider>(
        json!({ "data": state.private_providers }),
    )
}

/// `create_private_provider`.
pub(crate) fn create(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::CreatePrivateProviderRequest = request.body()?;
    let slug = body.slug.clone().unwrap_or_else(|| slug_of(&body.name));
    if state.private_providers.iter().any(|p| p.slug == slug) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("A private provider with the slug {slug:?} already exists"),
        ));
    }
    let base: types::PrivateProvider = render::typed(json!({
        "base_url": null,
        "created_at": state.now(),
        "data_policy": {"prompt_retention_days": null, "retains_prompts": true, "training": true},
        "display_name": body.display_name.clone().unwrap_or_else(|| body.name.clone()),
        "name": body.name,
        "slug": slug,
    }))?;
    let mut changes = render::to_value(&body);
    if let Value::Object(fields) = &mut changes {
        fields.retain(|_, v| !v.is_null());
    }
    let provider = crate::merge::merged(&base, &changes, "provider")?;
    let answer = render::conform::<types::CreatePrivateProviderResponse, types::PrivateProvider>(
        json!({ "data": provider }),
    )?;
    state.private_providers.push(provider);
    Ok(answer)
}

/// `get_private_provider`.
pub(crate) fn get(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let i = position(state, request)?;
    render::conform::<types::GetPrivateProviderResponse, types::PrivateProvider>(
        json!({ "data": state.private_providers[i] }),
    )
}

/// `update_private_provider`.
pub(crate) fn update(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::UpdatePrivateProviderRequest = request.body()?;
    let i = position(state, request)?;
    let provider = crate::merge::merged(&state.private_providers[i], &body, "provider")?;
    let answer = render::conform::<types::UpdatePrivateProviderResponse, types::PrivateProvider>(
        json!({ "data": provider }),
    )?;
    state.private_providers[i] = provider;
    Ok(answer)
}

/// `delete_private_provider`.
pub(crate) fn delete(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let i = position(state, request)?;
    let provider = state.private_providers.remove(i);
    render::small::<types::DeletePrivateProviderResponse>(json!({"data": {"slug": provider.slug}}))
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn slugs_come_from_names() {
        assert_eq!(slug_of("My Cluster_01"), "my-cluster-01");
        assert_eq!(slug_of("vLLM (eu)"), "vllm-eu");
    }
}
