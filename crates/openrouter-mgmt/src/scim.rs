//! `client.scim()`: the organization's SCIM directory groups, their mappings to workspace roles (list, create, get,
//! change role, delete) and directory sync jobs (start, poll). Each method is a few lines around a generated
//! operation (`ops`).

use openrouter_mgmt_gen::ops;
use uuid::Uuid;

use crate::client::WithOptions;
use crate::error::Error;
use crate::open_enums::UpdateScimGroupMappingRequestRole;
use crate::pagination::Paginator;
use crate::types;

/// A mapping of a SCIM group to a role in a workspace: `NewScimGroupMapping::new(role, scim_group_id, workspace_id)`.
pub type NewScimGroupMapping = types::CreateScimGroupMappingRequest;

/// Filters for [`Scim::groups_with`]: the `GET /scim/groups` operation itself (`display_name`, `external_id`).
pub type ScimGroupFilter = ops::ListScimGroups;

/// SCIM operations; see [`Client::scim`](crate::Client::scim).
#[derive(Debug, Clone)]
pub struct Scim<'a> {
    scope: WithOptions<'a>,
}

impl<'a> Scim<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// The directory's groups.
    pub fn groups(&self) -> Paginator<types::ScimGroup> {
        self.groups_with(ScimGroupFilter::new())
    }

    /// The directory's groups matching `filter`.
    pub fn groups_with(&self, filter: ScimGroupFilter) -> Paginator<types::ScimGroup> {
        self.scope.paginate(filter)
    }

    /// Every group-to-workspace mapping.
    pub fn group_mappings(&self) -> Paginator<types::ScimGroupMapping> {
        self.scope.paginate(ops::ListScimGroupMappings::new())
    }

    /// Maps a group to a workspace role (the same mapping again succeeds and re-applies it; another role for an
    /// existing mapping is refused with 409).
    pub async fn create_group_mapping(
        &self,
        mapping: NewScimGroupMapping,
    ) -> Result<types::ScimGroupMapping, Error> {
        let op = ops::CreateScimGroupMapping::new(mapping);
        Ok(self.scope.send(&op).await?.data)
    }

    /// One mapping.
    pub async fn group_mapping(&self, id: Uuid) -> Result<types::ScimGroupMapping, Error> {
        Ok(self
            .scope
            .send(&ops::GetScimGroupMapping::new(id))
            .await?
            .data)
    }

    /// Changes a mapping's role.
    pub async fn set_group_mapping_role(
        &self,
        id: Uuid,
        role: UpdateScimGroupMappingRequestRole,
    ) -> Result<types::ScimGroupMapping, Error> {
        let body = types::UpdateScimGroupMappingRequest::new(role);
        Ok(self
            .scope
            .send(&ops::UpdateScimGroupMapping::new(id, body))
            .await?
            .data)
    }

    /// Deletes a mapping; `keep_members` says whether the group's members stay in the workspace.
    pub async fn delete_group_mapping(&self, id: Uuid, keep_members: bool) -> Result<bool, Error> {
        let op = ops::DeleteScimGroupMapping::new(id, keep_members);
        Ok(self.scope.send(&op).await?.deleted)
    }

    /// Starts a directory sync (not replayed after an ambiguous failure: each call queues a job).
    pub async fn start_sync(&self) -> Result<types::ScimSyncJob, Error> {
        Ok(self.scope.send(&ops::CreateScimSyncJob::new()).await?.data)
    }

    /// A sync job's status.
    pub async fn sync_job(&self, id: Uuid) -> Result<types::ScimSyncJob, Error> {
        Ok(self.scope.send(&ops::GetScimSyncJob::new(id)).await?.data)
    }
}
