//! `client.guardrails()`: guardrails (list, create, get, update, delete) and their key and member
//! assignments (list all, list per guardrail, bulk assign and unassign). Each method is a few lines around a
//! generated operation (`ops`).

use openrouter_mgmt_gen::ops;
use uuid::Uuid;

use crate::bulk::BulkOutcome;
use crate::client::WithOptions;
use crate::error::Error;
use crate::pagination::Paginator;
use crate::types;
use crate::{GuardrailId, KeyHash, UserId};

/// Guardrail operations; see [`Client::guardrails`](crate::Client::guardrails).
#[derive(Debug, Clone)]
pub struct Guardrails<'a> {
    scope: WithOptions<'a>,
}

impl<'a> Guardrails<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// Guardrails of the default workspace.
    pub fn list(&self) -> Paginator<types::Guardrail> {
        self.scope.paginate(ops::ListGuardrails::new())
    }

    /// Guardrails of a workspace.
    pub fn list_in_workspace(&self, workspace_id: Uuid) -> Paginator<types::Guardrail> {
        let op = ops::ListGuardrails::new().workspace_id(workspace_id);
        self.scope.paginate(op)
    }

    /// Creates a guardrail. Not replayed after a timeout or a 5xx (a replay could create a duplicate) unless the
    /// call opts in with [`CallOptions::allow_unsafe_replay`](crate::CallOptions::allow_unsafe_replay); retried after a refused connection or a 429.
    pub async fn create(
        &self,
        guardrail: types::CreateGuardrailRequest,
    ) -> Result<types::Guardrail, Error> {
        crate::amounts::non_negative("limit_usd", guardrail.limit_usd)?;
        let op = ops::CreateGuardrail::new(guardrail);
        Ok(self.scope.send(&op).await?.data)
    }

    /// One guardrail.
    pub async fn get(&self, id: GuardrailId) -> Result<types::Guardrail, Error> {
        let op = ops::GetGuardrail::new(id);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Changes a guardrail; untouched fields are left out of the body, cleared ones are sent as `null`.
    /// Collections are replaced, not merged.
    pub async fn update(
        &self,
        id: GuardrailId,
        update: types::UpdateGuardrailRequest,
    ) -> Result<types::Guardrail, Error> {
        crate::amounts::non_negative("limit_usd", update.limit_usd.as_set().copied())?;
        let op = ops::UpdateGuardrail::new(id, update);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Deletes a guardrail; returns the server's `deleted` flag.
    ///
    /// When a retry answers 404 after an earlier attempt that may have been applied (timeout or broken connection
    /// after sending, 408/5xx), the earlier attempt is taken to have done the deletion and this returns
    /// `Ok(true)`. A 404 on the first attempt, or after attempts that never reached the server, is an error.
    pub async fn delete(&self, id: GuardrailId) -> Result<bool, Error> {
        let op = ops::DeleteGuardrail::new(id);
        Ok(self.scope.send(&op).await?.deleted)
    }

    /// Every key assignment of every guardrail.
    pub fn key_assignments(&self) -> Paginator<types::KeyAssignment> {
        self.scope.paginate(ops::ListKeyAssignments::new())
    }

    /// Every member assignment of every guardrail.
    pub fn member_assignments(&self) -> Paginator<types::MemberAssignment> {
        self.scope.paginate(ops::ListMemberAssignments::new())
    }

    /// The keys assigned to one guardrail.
    pub fn guardrail_key_assignments(&self, id: GuardrailId) -> Paginator<types::KeyAssignment> {
        self.scope
            .paginate(ops::ListGuardrailKeyAssignments::new(id))
    }

    /// The members assigned to one guardrail.
    pub fn guardrail_member_assignments(
        &self,
        id: GuardrailId,
    ) -> Paginator<types::MemberAssignment> {
        self.scope
            .paginate(ops::ListGuardrailMemberAssignments::new(id))
    }

    /// Assigns keys to a guardrail (replacing any guardrail they had). Deduplicated and chunked; safe to retry.
    pub async fn assign_keys(
        &self,
        id: GuardrailId,
        hashes: impl IntoIterator<Item = KeyHash>,
    ) -> Result<BulkOutcome, Error> {
        self.scope
            .bulk(
                "key_hashes",
                hashes.into_iter().collect(),
                |chunk| {
                    ops::BulkAssignKeysToGuardrail::new(
                        id,
                        types::BulkAssignKeysRequest::new(chunk),
                    )
                },
                |r| r.assigned_count,
            )
            .await
    }

    /// Removes keys from a guardrail. Deduplicated and chunked; safe to retry.
    pub async fn unassign_keys(
        &self,
        id: GuardrailId,
        hashes: impl IntoIterator<Item = KeyHash>,
    ) -> Result<BulkOutcome, Error> {
        self.scope
            .bulk(
                "key_hashes",
                hashes.into_iter().collect(),
                |chunk| {
                    ops::BulkUnassignKeysFromGuardrail::new(
                        id,
                        types::BulkUnassignKeysRequest::new(chunk),
                    )
                },
                |r| r.unassigned_count,
            )
            .await
    }

    /// Assigns organization members to a guardrail. Deduplicated and chunked; safe to retry.
    pub async fn assign_members(
        &self,
        id: GuardrailId,
        user_ids: impl IntoIterator<Item = UserId>,
    ) -> Result<BulkOutcome, Error> {
        self.scope
            .bulk(
                "member_user_ids",
                user_ids.into_iter().collect(),
                |chunk| {
                    ops::BulkAssignMembersToGuardrail::new(
                        id,
                        types::BulkAssignMembersRequest::new(chunk),
                    )
                },
                |r| r.assigned_count,
            )
            .await
    }

    /// Removes organization members from a guardrail. Deduplicated and chunked; safe to retry.
    pub async fn unassign_members(
        &self,
        id: GuardrailId,
        user_ids: impl IntoIterator<Item = UserId>,
    ) -> Result<BulkOutcome, Error> {
        self.scope
            .bulk(
                "member_user_ids",
                user_ids.into_iter().collect(),
                |chunk| {
                    ops::BulkUnassignMembersFromGuardrail::new(
                        id,
                        types::BulkUnassignMembersRequest::new(chunk),
                    )
                },
                |r| r.unassigned_count,
            )
            .await
    }
}
