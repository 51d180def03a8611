//! `client.guardrails()`: guardrails (list, create, get, update, delete) and their key and member
//! assignments (list all, list per guardrail, bulk assign and unassign).

use std::sync::Arc;

use futures::FutureExt;
use reqwest::Method;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::bulk::{BulkOp, BulkOutcome};
use crate::client::{CallOptions, Client};
use crate::engine::Request;
use crate::error::Error;
use crate::ids::{GuardrailId, KeyHash, UserId};
use crate::pagination::{ListItem, Paginator, RawPage};
use crate::retry::Replay;
use crate::types;
use crate::update::{GuardrailUpdate, NewGuardrail};

/// Guardrail operations; see [`Client::guardrails`].
#[derive(Debug, Clone)]
pub struct Guardrails<'a> {
    client: &'a Client,
    options: CallOptions,
}

/// The `{data, total_count}` shape every guardrail-style list answers with.
trait ListBody<T>: DeserializeOwned {
    fn into_parts(self) -> (Vec<T>, i64);
}

macro_rules! list_body {
    ($ty:ty, $item:ty) => {
        impl ListBody<$item> for $ty {
            fn into_parts(self) -> (Vec<$item>, i64) {
                (self.data, self.total_count)
            }
        }
    };
}
list_body!(types::ListGuardrailsResponse, types::Guardrail);
list_body!(types::ListKeyAssignmentsResponse, types::KeyAssignment);
list_body!(
    types::ListMemberAssignmentsResponse,
    types::MemberAssignment
);

impl<'a> Guardrails<'a> {
    pub(crate) fn new(client: &'a Client, options: CallOptions) -> Self {
        Self { client, options }
    }

    /// The same operations with per-call overrides (retry policy, replay opt-in, bulk chunk size).
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }

    fn paginate<T, B>(
        &self,
        operation: &'static str,
        path: String,
        workspace_id: Option<Uuid>,
    ) -> Paginator<T>
    where
        T: ListItem + Send + 'static,
        B: ListBody<T> + Send + 'static,
    {
        let client = self.client.clone();
        let options = self.options.clone();
        Paginator::new(
            operation,
            false,
            Arc::new(move |offset, limit| {
                let client = client.clone();
                let options = options.clone();
                let mut request = Request::new(operation, Method::GET, path.clone(), Replay::Safe)
                    .query("offset", offset)
                    .query("limit", limit);
                if let Some(ws) = workspace_id {
                    request = request.query("workspace_id", ws);
                }
                async move {
                    let body: B = client.call(&request, &options).await?;
                    let (items, total) = body.into_parts();
                    Ok(RawPage {
                        items,
                        total_count: Some(total),
                    })
                }
                .boxed()
            }),
        )
    }

    /// Guardrails of the default workspace.
    pub fn list(&self) -> Paginator<types::Guardrail> {
        self.paginate::<_, types::ListGuardrailsResponse>(
            "list_guardrails",
            "/guardrails".into(),
            None,
        )
    }

    /// Guardrails of a workspace.
    pub fn list_in_workspace(&self, workspace_id: Uuid) -> Paginator<types::Guardrail> {
        self.paginate::<_, types::ListGuardrailsResponse>(
            "list_guardrails",
            "/guardrails".into(),
            Some(workspace_id),
        )
    }

    /// Creates a guardrail. Not replayed after a timeout or a 5xx (a replay could create a duplicate) unless the
    /// call opts in with [`CallOptions::allow_unsafe_replay`]; retried after a refused connection or a 429.
    pub async fn create(&self, guardrail: NewGuardrail) -> Result<types::Guardrail, Error> {
        let body = guardrail.into_request()?;
        let request = Request::new(
            "create_guardrail",
            Method::POST,
            "/guardrails".into(),
            Replay::OnlyIfNotReceived,
        )
        .json(&body)?;
        let response: types::CreateGuardrailResponse =
            self.client.call(&request, &self.options).await?;
        Ok(response.data)
    }

    /// One guardrail.
    pub async fn get(&self, id: GuardrailId) -> Result<types::Guardrail, Error> {
        let request = Request::new(
            "get_guardrail",
            Method::GET,
            format!("/guardrails/{id}"),
            Replay::Safe,
        );
        let response: types::GetGuardrailResponse =
            self.client.call(&request, &self.options).await?;
        Ok(response.data)
    }

    /// Changes a guardrail; untouched fields are left as they are, cleared ones are sent as `null`.
    pub async fn update(
        &self,
        id: GuardrailId,
        update: GuardrailUpdate,
    ) -> Result<types::Guardrail, Error> {
        let body = update.to_body()?;
        let request = Request::new(
            "update_guardrail",
            Method::PATCH,
            format!("/guardrails/{id}"),
            Replay::Safe,
        )
        .json(&body)?;
        let response: types::UpdateGuardrailResponse =
            self.client.call(&request, &self.options).await?;
        Ok(response.data)
    }

    /// Deletes a guardrail; returns the server's `deleted` flag.
    ///
    /// When a retry answers 404 after an earlier attempt that may have been applied (timeout or broken connection
    /// after sending, 408/5xx), the earlier attempt is taken to have done the deletion and this returns
    /// `Ok(true)`. A 404 on the first attempt, or after attempts that never reached the server, is an error.
    pub async fn delete(&self, id: GuardrailId) -> Result<bool, Error> {
        let request = Request::new(
            "delete_guardrail",
            Method::DELETE,
            format!("/guardrails/{id}"),
            Replay::Safe,
        );
        self.client
            .delete_call(
                &request,
                &self.options,
                |r: types::DeleteGuardrailResponse| r.deleted,
            )
            .await
    }

    /// Every key assignment of every guardrail.
    pub fn key_assignments(&self) -> Paginator<types::KeyAssignment> {
        self.paginate::<_, types::ListKeyAssignmentsResponse>(
            "list_key_assignments",
            "/guardrails/assignments/keys".into(),
            None,
        )
    }

    /// Every member assignment of every guardrail.
    pub fn member_assignments(&self) -> Paginator<types::MemberAssignment> {
        self.paginate::<_, types::ListMemberAssignmentsResponse>(
            "list_member_assignments",
            "/guardrails/assignments/members".into(),
            None,
        )
    }

    /// The keys assigned to one guardrail.
    pub fn guardrail_key_assignments(&self, id: GuardrailId) -> Paginator<types::KeyAssignment> {
        self.paginate::<_, types::ListKeyAssignmentsResponse>(
            "list_guardrail_key_assignments",
            format!("/guardrails/{id}/assignments/keys"),
            None,
        )
    }

    /// The members assigned to one guardrail.
    pub fn guardrail_member_assignments(
        &self,
        id: GuardrailId,
    ) -> Paginator<types::MemberAssignment> {
        self.paginate::<_, types::ListMemberAssignmentsResponse>(
            "list_guardrail_member_assignments",
            format!("/guardrails/{id}/assignments/members"),
            None,
        )
    }

    /// Assigns keys to a guardrail (replacing any guardrail they had). Deduplicated and chunked; safe to retry.
    pub async fn assign_keys(
        &self,
        id: GuardrailId,
        hashes: impl IntoIterator<Item = KeyHash>,
    ) -> Result<BulkOutcome, Error> {
        let op = BulkOp {
            operation: "assign_keys",
            path: format!("/guardrails/{id}/assignments/keys"),
            field: "key_hashes",
            count: |r: &types::BulkAssignKeysResponse| r.assigned_count,
        };
        let ids = hashes.into_iter().map(|h| h.as_str().to_owned()).collect();
        self.client.bulk(op, ids, &self.options).await
    }

    /// Removes keys from a guardrail. Deduplicated and chunked; safe to retry.
    pub async fn unassign_keys(
        &self,
        id: GuardrailId,
        hashes: impl IntoIterator<Item = KeyHash>,
    ) -> Result<BulkOutcome, Error> {
        let op = BulkOp {
            operation: "unassign_keys",
            path: format!("/guardrails/{id}/assignments/keys/remove"),
            field: "key_hashes",
            count: |r: &types::BulkUnassignKeysResponse| r.unassigned_count,
        };
        let ids = hashes.into_iter().map(|h| h.as_str().to_owned()).collect();
        self.client.bulk(op, ids, &self.options).await
    }

    /// Assigns organization members to a guardrail. Deduplicated and chunked; safe to retry.
    pub async fn assign_members(
        &self,
        id: GuardrailId,
        user_ids: impl IntoIterator<Item = UserId>,
    ) -> Result<BulkOutcome, Error> {
        let op = BulkOp {
            operation: "assign_members",
            path: format!("/guardrails/{id}/assignments/members"),
            field: "member_user_ids",
            count: |r: &types::BulkAssignMembersResponse| r.assigned_count,
        };
        let ids = user_ids
            .into_iter()
            .map(|u| u.as_str().to_owned())
            .collect();
        self.client.bulk(op, ids, &self.options).await
    }

    /// Removes organization members from a guardrail. Deduplicated and chunked; safe to retry.
    pub async fn unassign_members(
        &self,
        id: GuardrailId,
        user_ids: impl IntoIterator<Item = UserId>,
    ) -> Result<BulkOutcome, Error> {
        let op = BulkOp {
            operation: "unassign_members",
            path: format!("/guardrails/{id}/assignments/members/remove"),
            field: "member_user_ids",
            count: |r: &types::BulkUnassignMembersResponse| r.unassigned_count,
        };
        let ids = user_ids
            .into_iter()
            .map(|u| u.as_str().to_owned())
            .collect();
        self.client.bulk(op, ids, &self.options).await
    }
}
