//! `client.private_endpoints()`: your own model deployments routed by OpenRouter, through their lifecycle (a draft is
//! validated, then activated; an active endpoint can be disabled and enabled again). Each method is a few lines
//! around a generated operation (`ops`).

use openrouter_mgmt_gen::ops;
use uuid::Uuid;

use crate::client::WithOptions;
use crate::error::Error;
use crate::open_enums::{DeletePrivateEndpointDraftOnly, PrivateEndpointDeclaredParameter};
use crate::types;

/// A new private endpoint: `NewPrivateEndpoint::new(model_permaslug, provider_slug, upstream_model_id)`, with
/// optional fields by setter (`activate` validates and activates it in the same call).
pub type NewPrivateEndpoint = types::CreatePrivateEndpointRequest;

/// Changes to a private endpoint: fields left alone, set or (for `declared_zdr` and `declared_region`) cleared.
pub type PrivateEndpointUpdate = types::UpdatePrivateEndpointRequest;

/// Per-token rates of a private endpoint, as decimal strings (`PrivateEndpointPricing { prompt, completion, .. }`).
pub type PrivateEndpointPricing = types::PrivateEndpointPricing;

/// Private endpoint operations; see [`Client::private_endpoints`](crate::Client::private_endpoints).
#[derive(Debug, Clone)]
pub struct PrivateEndpoints<'a> {
    scope: WithOptions<'a>,
}

impl<'a> PrivateEndpoints<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// Every private endpoint of the organization, drafts included (the API answers them all at once).
    pub async fn list(&self) -> Result<Vec<types::PrivateEndpointSummary>, Error> {
        let op = ops::ListPrivateEndpoints::new();
        Ok(self.scope.send(&op).await?.data)
    }

    /// Creates a draft (or, with `activate`, a validated and active endpoint). Safe to retry: the call carries a
    /// fresh `Idempotency-Key`, the same on every attempt, so a retry after a timeout or a 5xx gets the endpoint the
    /// first attempt created instead of a second draft.
    pub async fn create(
        &self,
        endpoint: NewPrivateEndpoint,
    ) -> Result<types::ManagedPrivateEndpoint, Error> {
        let op = ops::CreatePrivateEndpoint::new(endpoint);
        Ok(self.scope.send(&op).await?.data)
    }

    /// [`create`](Self::create) with your own `Idempotency-Key` (1 to 255 characters), for a create that must stay
    /// single across calls too (a process that restarts and tries again): the server answers a repeated key with the
    /// endpoint the first request created, and a key reused with different fields with a 422
    /// (`idempotency_key_reused`).
    pub async fn create_with_idempotency_key(
        &self,
        endpoint: NewPrivateEndpoint,
        key: impl Into<String>,
    ) -> Result<types::ManagedPrivateEndpoint, Error> {
        let op = ops::CreatePrivateEndpoint::new(endpoint).idempotency_key(key.into());
        Ok(self.scope.send(&op).await?.data)
    }

    /// One private endpoint with its upstream configuration, pricing and settings.
    pub async fn get(&self, id: Uuid) -> Result<types::PrivateEndpoint, Error> {
        Ok(self
            .scope
            .send(&ops::GetPrivateEndpoint::new(id))
            .await?
            .data)
    }

    /// Changes a private endpoint; untouched fields are left out of the body. Upstream fields can change on a
    /// draft only (409 once it has been activated).
    pub async fn update(
        &self,
        id: Uuid,
        update: PrivateEndpointUpdate,
    ) -> Result<types::PrivateEndpoint, Error> {
        let op = ops::UpdatePrivateEndpoint::new(id, update);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Deletes a private endpoint, whatever its state, and stops routing to it.
    pub async fn delete(&self, id: Uuid) -> Result<(), Error> {
        self.scope
            .send(&ops::DeletePrivateEndpoint::new(id))
            .await?;
        Ok(())
    }

    /// Deletes a private endpoint only while it is still a draft (409 once it has been activated).
    pub async fn delete_draft(&self, id: Uuid) -> Result<(), Error> {
        let op =
            ops::DeletePrivateEndpoint::new(id).draft_only(DeletePrivateEndpointDraftOnly::True);
        self.scope.send(&op).await?;
        Ok(())
    }

    /// Runs the live validation of a draft with the BYOK credential of `workspace_id`. Failed checks are an
    /// answer (`passed: false`), not an error.
    pub async fn validate(
        &self,
        id: Uuid,
        workspace_id: Uuid,
    ) -> Result<types::PrivateEndpointValidation, Error> {
        let body = types::ValidatePrivateEndpointRequest::new(workspace_id);
        let op = ops::ValidatePrivateEndpoint::new(id, body);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Makes a validated draft routable (409 when it was never validated, the validation is stale, or it is
    /// already active).
    pub async fn activate(&self, id: Uuid) -> Result<types::ManagedPrivateEndpoint, Error> {
        let op = ops::ActivatePrivateEndpoint::new(id);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Stops routing to an active endpoint without deleting it.
    pub async fn disable(&self, id: Uuid) -> Result<types::ManagedPrivateEndpoint, Error> {
        let op = ops::DisablePrivateEndpoint::new(id);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Resumes routing to a disabled endpoint.
    pub async fn enable(&self, id: Uuid) -> Result<types::ManagedPrivateEndpoint, Error> {
        let op = ops::EnablePrivateEndpoint::new(id);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Replaces the declared parameters (read as a set) through the deprecated `PUT .../parameters`; the same
    /// as [`update`](Self::update) with `declared_parameters`.
    pub async fn set_parameters(
        &self,
        id: Uuid,
        parameters: impl IntoIterator<Item = impl Into<PrivateEndpointDeclaredParameter>>,
    ) -> Result<types::PrivateEndpoint, Error> {
        let body = types::UpdatePrivateEndpointParametersRequest::new(parameters);
        let op = ops::UpdatePrivateEndpointParameters::new(id, body);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Replaces the whole pricing through the deprecated `PUT .../pricing`; the same as
    /// [`update`](Self::update) with `pricing`.
    pub async fn set_pricing(
        &self,
        id: Uuid,
        pricing: PrivateEndpointPricing,
    ) -> Result<types::PrivateEndpoint, Error> {
        let body = types::UpdatePrivateEndpointPricingRequest::new(pricing);
        let op = ops::UpdatePrivateEndpointPricing::new(id, body);
        Ok(self.scope.send(&op).await?.data)
    }
}
