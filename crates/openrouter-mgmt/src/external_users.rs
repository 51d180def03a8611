//! `client.external_users()`: the partner-defined end users that keys can be attributed to (list, create, get,
//! activate or deactivate, delete), named by their `user` string. Each method is a few lines around a generated
//! operation (`ops`).

use openrouter_mgmt_gen::ops;

use crate::client::WithOptions;
use crate::error::Error;
use crate::pagination::Paginator;
use crate::types;

/// Filters for [`ExternalUsers::list_with`]: the `GET /external-users` operation itself (`user`,
/// `include_inactive`).
pub type ExternalUserFilter = ops::ListExternalUsers;

/// External user operations; see [`Client::external_users`](crate::Client::external_users).
#[derive(Debug, Clone)]
pub struct ExternalUsers<'a> {
    scope: WithOptions<'a>,
}

impl<'a> ExternalUsers<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// The active external users.
    pub fn list(&self) -> Paginator<types::ExternalUser> {
        self.list_with(ExternalUserFilter::new())
    }

    /// External users matching `filter` (e.g. `ExternalUserFilter::new().include_inactive(true)`).
    pub fn list_with(&self, filter: ExternalUserFilter) -> Paginator<types::ExternalUser> {
        self.scope.paginate(filter)
    }

    /// Registers an external user (a replay of a registered one is refused with 409).
    pub async fn create(&self, user: &str) -> Result<types::ExternalUser, Error> {
        let op = ops::CreateExternalUser::new(types::CreateExternalUserRequest::new(user));
        Ok(self.scope.send(&op).await?.data)
    }

    /// One external user.
    pub async fn get(&self, user: &str) -> Result<types::ExternalUser, Error> {
        Ok(self
            .scope
            .send(&ops::GetExternalUser::new(user))
            .await?
            .data)
    }

    /// Activates or deactivates an external user.
    pub async fn set_active(&self, user: &str, active: bool) -> Result<types::ExternalUser, Error> {
        let op = ops::UpdateExternalUser::new(user, types::UpdateExternalUserRequest::new(active));
        Ok(self.scope.send(&op).await?.data)
    }

    /// Deletes an external user (the API answers 204 with no body).
    pub async fn delete(&self, user: &str) -> Result<(), Error> {
        self.scope.send(&ops::DeleteExternalUser::new(user)).await
    }
}
