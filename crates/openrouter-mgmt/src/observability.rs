//! `client.observability()`: observability destinations (list, create, get, update, delete). A destination's
//! provider configuration is a [`SecretMap`](crate::SecretMap) in the request bodies and its credential fields
//! are [`SecretString`](crate::SecretString)s in answers: neither prints itself. Each method is a few lines around
//! a generated operation (`ops`).

use openrouter_mgmt_gen::ops;
use uuid::Uuid;

use crate::client::WithOptions;
use crate::error::Error;
use crate::pagination::Paginator;
use crate::types;

/// A new destination: `NewDestination::new(config, name, type)`, with optional settings by setter.
pub type NewDestination = types::CreateObservabilityDestinationRequest;

/// Changes to a destination (only the fields set are sent; masked config values are ignored by the server).
pub type DestinationUpdate = types::UpdateObservabilityDestinationRequest;

/// Filters for [`Observability::list_with`]: the `GET /observability/destinations` operation itself
/// (`workspace_id`).
pub type DestinationFilter = ops::ListObservabilityDestinations;

/// A destination as the API returns it: one variant per provider `type`, `Unknown` for a newer one.
pub type Destination = types::ObservabilityDestination;

/// Observability operations; see [`Client::observability`](crate::Client::observability).
#[derive(Debug, Clone)]
pub struct Observability<'a> {
    scope: WithOptions<'a>,
}

impl<'a> Observability<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// Every destination of the default workspace.
    pub fn list(&self) -> Paginator<Destination> {
        self.list_with(DestinationFilter::new())
    }

    /// Destinations matching `filter` (e.g. `DestinationFilter::new().workspace_id(id)`).
    pub fn list_with(&self, filter: DestinationFilter) -> Paginator<Destination> {
        self.scope.paginate(filter)
    }

    /// Creates a destination (at most 5 per type). Not replayed after a timeout or a 5xx (a replay could create a
    /// second one) unless the call opts in with
    /// [`CallOptions::allow_unsafe_replay`](crate::CallOptions::allow_unsafe_replay).
    pub async fn create(&self, destination: NewDestination) -> Result<Destination, Error> {
        let op = ops::CreateObservabilityDestination::new(destination);
        Ok(self.scope.send(&op).await?.data)
    }

    /// One destination (its credentials masked by the server).
    pub async fn get(&self, id: Uuid) -> Result<Destination, Error> {
        let op = ops::GetObservabilityDestination::new(id);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Changes a destination; untouched fields are left out of the body, cleared ones are sent as `null`.
    pub async fn update(&self, id: Uuid, update: DestinationUpdate) -> Result<Destination, Error> {
        let op = ops::UpdateObservabilityDestination::new(id, update);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Deletes a destination. `true` when it was deleted.
    pub async fn delete(&self, id: Uuid) -> Result<bool, Error> {
        let op = ops::DeleteObservabilityDestination::new(id);
        Ok(self.scope.send(&op).await?.deleted)
    }
}
