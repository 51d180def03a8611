//! `client.keys()`: the current key, and listing, creating, reading, updating and deleting API keys. Each
//! method is a few lines around a generated operation (`ops`).

use openrouter_mgmt_gen::ops;

use crate::KeyHash;
use crate::client::WithOptions;
use crate::error::Error;
use crate::pagination::Paginator;
use crate::types;

/// API key operations; see [`Client::keys`](crate::Client::keys).
#[derive(Debug, Clone)]
pub struct Keys<'a> {
    scope: WithOptions<'a>,
}

/// A newly created key: its details (`data`; `data.hash` is its id from now on) and its plaintext (`key`), which
/// the API returns only this once, as a [`SecretString`](crate::SecretString) that never prints itself.
pub type CreatedKey = types::CreateKeysResponse;

/// Filters for [`Keys::list_with`]: the `GET /keys` operation itself (`include_disabled`, `include_expired`,
/// `workspace_id`).
pub type KeyFilter = ops::List;

impl<'a> Keys<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// The key the client authenticates with (`GET /key`; works with any key).
    pub async fn current(&self) -> Result<types::GetCurrentKeyResponseData, Error> {
        let op = ops::GetCurrentKey::new();
        Ok(self.scope.send(&op).await?.data)
    }

    /// All enabled keys of the default workspace. `GET /keys` has no `limit` and no `total_count`: pages are 100
    /// keys by offset and a short or empty page ends the list.
    pub fn list(&self) -> Paginator<types::ListResponseDataItem> {
        self.list_with(KeyFilter::new())
    }

    /// Keys matching `filter` (e.g. `KeyFilter::new().include_disabled(true)`).
    pub fn list_with(&self, filter: KeyFilter) -> Paginator<types::ListResponseDataItem> {
        self.scope.paginate(filter)
    }

    /// Creates a key. Not replayed after a timeout or a 5xx (a replay could leave a second live key nobody
    /// holds) unless the call opts in with [`CallOptions::allow_unsafe_replay`](crate::CallOptions::allow_unsafe_replay); retried after a refused
    /// connection or a 429.
    pub async fn create(&self, key: types::CreateKeysBody) -> Result<CreatedKey, Error> {
        crate::amounts::non_negative("limit", key.limit)?;
        let op = ops::CreateKeys::new(key);
        self.scope.send(&op).await
    }

    /// One key by hash.
    pub async fn get(&self, hash: &KeyHash) -> Result<types::GetKeyResponseData, Error> {
        let op = ops::GetKey::new(hash.clone());
        Ok(self.scope.send(&op).await?.data)
    }

    /// Changes a key; untouched fields are left out of the body, cleared ones are sent as `null`.
    pub async fn update(
        &self,
        hash: &KeyHash,
        update: types::UpdateKeysBody,
    ) -> Result<types::UpdateKeysResponseData, Error> {
        crate::amounts::non_negative("limit", update.limit.as_set().copied())?;
        let op = ops::UpdateKeys::new(hash.clone(), update);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Deletes a key; returns the server's `deleted` flag.
    ///
    /// When a retry answers 404 after an earlier attempt that may have been applied (timeout or broken connection
    /// after sending, 408/5xx), the earlier attempt is taken to have done the deletion and this returns
    /// `Ok(true)`. A 404 on the first attempt, or after attempts that never reached the server, is an error.
    pub async fn delete(&self, hash: &KeyHash) -> Result<bool, Error> {
        let op = ops::DeleteKeys::new(hash.clone());
        Ok(self.scope.send(&op).await?.deleted)
    }
}
