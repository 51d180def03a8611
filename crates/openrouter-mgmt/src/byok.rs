//! `client.byok()`: bring-your-own-key provider keys (list, create, get, update, delete). The provider key itself is
//! a [`SecretString`](crate::SecretString) in the request bodies: it never prints itself, and the API never returns
//! it (answers carry a masked `label`). Each method is a few lines around a generated operation (`ops`).

use openrouter_mgmt_gen::ops;
use uuid::Uuid;

use crate::client::WithOptions;
use crate::error::Error;
use crate::pagination::Paginator;
use crate::types;

/// A new provider key: `NewByokKey::new(key, provider)`, with optional restrictions by setter.
pub type NewByokKey = types::CreateByokKeyRequest;

/// Changes to a provider key (a new `key` rotates the credential in place); fields left alone, set or cleared.
pub type ByokKeyUpdate = types::UpdateByokKeyRequest;

/// Filters for [`Byok::list_with`]: the `GET /byok` operation itself (`workspace_id`, `provider`).
pub type ByokFilter = ops::ListByokKeys;

/// BYOK operations; see [`Client::byok`](crate::Client::byok).
#[derive(Debug, Clone)]
pub struct Byok<'a> {
    scope: WithOptions<'a>,
}

impl<'a> Byok<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// Every provider key of the default workspace.
    pub fn list(&self) -> Paginator<types::ByokKey> {
        self.list_with(ByokFilter::new())
    }

    /// Provider keys matching `filter` (e.g. `ByokFilter::new().workspace_id(id)`).
    pub fn list_with(&self, filter: ByokFilter) -> Paginator<types::ByokKey> {
        self.scope.paginate(filter)
    }

    /// Stores a provider key. Not replayed after a timeout or a 5xx (a replay could store it twice) unless the call
    /// opts in with [`CallOptions::allow_unsafe_replay`](crate::CallOptions::allow_unsafe_replay).
    pub async fn create(&self, key: NewByokKey) -> Result<types::ByokKey, Error> {
        let op = ops::CreateByokKey::new(key);
        Ok(self.scope.send(&op).await?.data)
    }

    /// One provider key (its masked label, never the key).
    pub async fn get(&self, id: Uuid) -> Result<types::ByokKey, Error> {
        Ok(self.scope.send(&ops::GetByokKey::new(id)).await?.data)
    }

    /// Changes a provider key; untouched fields are left out of the body, cleared ones are sent as `null`.
    pub async fn update(&self, id: Uuid, update: ByokKeyUpdate) -> Result<types::ByokKey, Error> {
        let op = ops::UpdateByokKey::new(id, update);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Deletes a provider key. `true` when it was deleted.
    pub async fn delete(&self, id: Uuid) -> Result<bool, Error> {
        Ok(self.scope.send(&ops::DeleteByokKey::new(id)).await?.deleted)
    }
}
