//! `client.keys()`: the current key, and listing, creating, reading, updating and deleting API keys.

use std::sync::Arc;

use futures::FutureExt;
use reqwest::Method;
use uuid::Uuid;

use crate::client::{CallOptions, Client};
use crate::engine::Request;
use crate::error::Error;
use crate::ids::KeyHash;
use crate::pagination::{Paginator, RawPage};
use crate::retry::Replay;
use crate::secret::SecretString;
use crate::types;
use crate::update::{KeyUpdate, NewKey};

/// API key operations; see [`Client::keys`].
#[derive(Debug, Clone)]
pub struct Keys<'a> {
    client: &'a Client,
    options: CallOptions,
}

/// A newly created key: its details and its plaintext, which the API returns only this once.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CreatedKey {
    /// The key's details (`hash` is its id from now on).
    pub data: types::CreateKeysResponseData,
    /// The plaintext key. Store it now; it cannot be retrieved later.
    pub key: SecretString,
}

/// Filters for [`Keys::list_with`].
#[derive(Debug, Clone, Default)]
pub struct KeyFilter {
    include_disabled: Option<bool>,
    workspace_id: Option<Uuid>,
}

impl KeyFilter {
    /// No filters: enabled keys of the default workspace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether disabled keys are listed too.
    pub fn include_disabled(mut self, include: bool) -> Self {
        self.include_disabled = Some(include);
        self
    }

    /// Keys of this workspace instead of the default one.
    pub fn workspace_id(mut self, id: Uuid) -> Self {
        self.workspace_id = Some(id);
        self
    }
}

impl<'a> Keys<'a> {
    pub(crate) fn new(client: &'a Client, options: CallOptions) -> Self {
        Self { client, options }
    }

    /// The same operations with per-call overrides (retry policy, replay opt-in).
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    /// The key the client authenticates with (`GET /key`; works with any key).
    pub async fn current(&self) -> Result<types::GetCurrentKeyResponseData, Error> {
        let request = Request::new("get_current_key", Method::GET, "/key".into(), Replay::Safe);
        let response: types::GetCurrentKeyResponse =
            self.client.call(&request, &self.options).await?;
        Ok(response.data)
    }

    /// All enabled keys of the default workspace. `GET /keys` has no `limit` and no `total_count`: pages are 100
    /// keys by offset and a short or empty page ends the list.
    pub fn list(&self) -> Paginator<types::ListResponseDataItem> {
        self.list_with(KeyFilter::new())
    }

    /// Keys matching `filter`.
    pub fn list_with(&self, filter: KeyFilter) -> Paginator<types::ListResponseDataItem> {
        let client = self.client.clone();
        let options = self.options.clone();
        Paginator::new(
            "list_keys",
            true,
            Arc::new(move |offset, _limit| {
                let client = client.clone();
                let options = options.clone();
                let filter = filter.clone();
                async move {
                    let mut request =
                        Request::new("list_keys", Method::GET, "/keys".into(), Replay::Safe)
                            .query("offset", offset);
                    if let Some(include) = filter.include_disabled {
                        request = request.query("include_disabled", include);
                    }
                    if let Some(ws) = filter.workspace_id {
                        request = request.query("workspace_id", ws);
                    }
                    let page: types::ListResponse = client.call(&request, &options).await?;
                    Ok(RawPage {
                        items: page.data,
                        total_count: None,
                    })
                }
                .boxed()
            }),
        )
    }

    /// Creates a key. Not replayed after a timeout or a 5xx (a replay could leave a second live key nobody
    /// holds) unless the call opts in with [`CallOptions::allow_unsafe_replay`]; retried after a refused
    /// connection or a 429.
    pub async fn create(&self, key: NewKey) -> Result<CreatedKey, Error> {
        let body = key.into_body()?;
        let mut request = Request::new(
            "create_key",
            Method::POST,
            "/keys".into(),
            Replay::OnlyIfNotReceived,
        )
        .json(&body)?;
        request.secret_in_response = true;
        let response: types::CreateKeysResponse = self.client.call(&request, &self.options).await?;
        Ok(CreatedKey {
            data: response.data,
            key: SecretString::new(response.key),
        })
    }

    /// One key by hash.
    pub async fn get(&self, hash: &KeyHash) -> Result<types::GetKeyResponseData, Error> {
        let request = Request::new(
            "get_key",
            Method::GET,
            format!("/keys/{}", hash.path_segment()),
            Replay::Safe,
        );
        let response: types::GetKeyResponse = self.client.call(&request, &self.options).await?;
        Ok(response.data)
    }

    /// Changes a key; untouched fields are left as they are, cleared ones are sent as `null`.
    pub async fn update(
        &self,
        hash: &KeyHash,
        update: KeyUpdate,
    ) -> Result<types::UpdateKeysResponseData, Error> {
        let body = update.to_body()?;
        let request = Request::new(
            "update_key",
            Method::PATCH,
            format!("/keys/{}", hash.path_segment()),
            Replay::Safe,
        )
        .json(&body)?;
        let response: types::UpdateKeysResponse = self.client.call(&request, &self.options).await?;
        Ok(response.data)
    }

    /// Deletes a key; returns the server's `deleted` flag.
    ///
    /// When a retry answers 404 after an earlier attempt that may have been applied (timeout or broken connection
    /// after sending, 408/5xx), the earlier attempt is taken to have done the deletion and this returns
    /// `Ok(true)`. A 404 on the first attempt, or after attempts that never reached the server, is an error.
    pub async fn delete(&self, hash: &KeyHash) -> Result<bool, Error> {
        let request = Request::new(
            "delete_key",
            Method::DELETE,
            format!("/keys/{}", hash.path_segment()),
            Replay::Safe,
        );
        self.client
            .delete_call(&request, &self.options, |r: types::DeleteKeysResponse| {
                r.deleted
            })
            .await
    }
}
