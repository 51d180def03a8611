//! `client.private_providers()`: the account's own inference providers (list, create, get, update, delete), named
//! by their slug. Each method is a few lines around a generated operation (`ops`).

use openrouter_mgmt_gen::ops;

use crate::client::WithOptions;
use crate::error::Error;
use crate::types;

/// A new private provider: `NewPrivateProvider::new(name)`, with its slug, base URL, display name and data policy
/// by setter.
pub type NewPrivateProvider = types::CreatePrivateProviderRequest;

/// Changes to a private provider (base URL, display name, data policy).
pub type PrivateProviderUpdate = types::UpdatePrivateProviderRequest;

/// Private provider operations; see [`Client::private_providers`](crate::Client::private_providers).
#[derive(Debug, Clone)]
pub struct PrivateProviders<'a> {
    scope: WithOptions<'a>,
}

impl<'a> PrivateProviders<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// Every private provider of the account (the API answers them in one list).
    pub async fn list(&self) -> Result<Vec<types::PrivateProvider>, Error> {
        Ok(self
            .scope
            .send(&ops::ListPrivateProviders::new())
            .await?
            .data)
    }

    /// Creates a private provider (replayed after an ambiguous failure: its slug is unique, so a replay is refused
    /// with 409 rather than making a second one).
    pub async fn create(
        &self,
        provider: NewPrivateProvider,
    ) -> Result<types::PrivateProvider, Error> {
        let op = ops::CreatePrivateProvider::new(provider);
        Ok(self.scope.send(&op).await?.data)
    }

    /// One private provider, by slug.
    pub async fn get(&self, slug: &str) -> Result<types::PrivateProvider, Error> {
        Ok(self
            .scope
            .send(&ops::GetPrivateProvider::new(slug))
            .await?
            .data)
    }

    /// Changes a private provider; fields left out of `update` are unchanged.
    pub async fn update(
        &self,
        slug: &str,
        update: PrivateProviderUpdate,
    ) -> Result<types::PrivateProvider, Error> {
        let op = ops::UpdatePrivateProvider::new(slug, update);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Deletes a private provider; the answer names the deleted slug.
    pub async fn delete(&self, slug: &str) -> Result<String, Error> {
        let op = ops::DeletePrivateProvider::new(slug);
        Ok(self.scope.send(&op).await?.data.slug)
    }
}
