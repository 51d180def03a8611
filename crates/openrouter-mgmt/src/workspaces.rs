//! `client.workspaces()`: workspaces (list, create, get, update, delete), their members (list, bulk add and
//! remove) and their budgets per interval (list, get, set, delete). Each method is a few lines around a generated
//! operation (`ops`).

use openrouter_mgmt_gen::ops;

use crate::UserId;
use crate::bulk::BulkOutcome;
use crate::client::WithOptions;
use crate::error::Error;
use crate::open_enums::WorkspaceBudgetInterval;
use crate::pagination::Paginator;
use crate::types;

/// A new workspace: its name and slug (`NewWorkspace::new(name, slug)`), and optional settings by setter.
pub type NewWorkspace = types::CreateWorkspaceRequest;

/// Changes to a workspace: each field left alone, set, or (where the API allows) cleared.
pub type WorkspaceUpdate = types::UpdateWorkspaceRequest;

/// A workspace's budget for one interval: its limit in USD (`WorkspaceBudgetSettings::new(limit_usd)`), and whether
/// BYOK spend counts toward it.
pub type WorkspaceBudgetSettings = types::UpsertWorkspaceBudgetRequest;

/// Workspace operations; see [`Client::workspaces`](crate::Client::workspaces). Workspaces are named by their id (a
/// UUID) or their slug wherever a method takes `workspace`.
#[derive(Debug, Clone)]
pub struct Workspaces<'a> {
    scope: WithOptions<'a>,
}

impl<'a> Workspaces<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// Every workspace of the organization, the default one included.
    pub fn list(&self) -> Paginator<types::Workspace> {
        self.scope.paginate(ops::ListWorkspaces::new())
    }

    /// Creates a workspace (with its own default guardrail). Replayed after an ambiguous failure: the slug is
    /// unique, so a replay cannot make a second workspace.
    pub async fn create(&self, workspace: NewWorkspace) -> Result<types::Workspace, Error> {
        let op = ops::CreateWorkspace::new(workspace);
        Ok(self.scope.send(&op).await?.data)
    }

    /// One workspace, by id or slug.
    pub async fn get(&self, workspace: &str) -> Result<types::Workspace, Error> {
        let op = ops::GetWorkspace::new(workspace);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Changes a workspace; untouched fields are left out of the body, cleared ones are sent as `null`.
    pub async fn update(
        &self,
        workspace: &str,
        update: WorkspaceUpdate,
    ) -> Result<types::Workspace, Error> {
        let op = ops::UpdateWorkspace::new(workspace, update);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Deletes a workspace that is not the default one (the API refuses the default workspace without
    /// [`delete_default`](Self::delete_default)'s confirmation). `true` when it was deleted.
    pub async fn delete(&self, workspace: &str) -> Result<bool, Error> {
        let op = ops::DeleteWorkspace::new(workspace);
        Ok(self.scope.send(&op).await?.deleted)
    }

    /// Deletes the default workspace, confirming what that does: the account's unscoped inference keys stop
    /// working, and its budgets, guardrails and broadcast destinations go (management keys are kept).
    pub async fn delete_default(&self, workspace: &str) -> Result<bool, Error> {
        let op = ops::DeleteWorkspace::new(workspace).confirm_default_workspace_deletion(true);
        Ok(self.scope.send(&op).await?.deleted)
    }

    /// The members of a workspace.
    pub fn members(&self, workspace: &str) -> Paginator<types::WorkspaceMember> {
        self.scope
            .paginate(ops::ListWorkspaceMembers::new(workspace))
    }

    /// Adds organization members to a workspace (with the role they hold in the organization). Deduplicated and
    /// sent in chunks of at most 100 (the API's limit); safe to retry. The count is of members newly added.
    pub async fn add_members(
        &self,
        workspace: &str,
        user_ids: impl IntoIterator<Item = UserId>,
    ) -> Result<BulkOutcome, Error> {
        self.scope
            .bulk(
                "user_ids",
                user_ids.into_iter().collect(),
                |chunk| {
                    ops::BulkAddWorkspaceMembers::new(
                        workspace,
                        types::BulkAddWorkspaceMembersRequest::new(chunk),
                    )
                },
                |r| r.added_count,
            )
            .await
    }

    /// Removes members from a workspace. Deduplicated and sent in chunks of at most 100; safe to retry.
    pub async fn remove_members(
        &self,
        workspace: &str,
        user_ids: impl IntoIterator<Item = UserId>,
    ) -> Result<BulkOutcome, Error> {
        self.scope
            .bulk(
                "user_ids",
                user_ids.into_iter().collect(),
                |chunk| {
                    ops::BulkRemoveWorkspaceMembers::new(
                        workspace,
                        types::BulkRemoveWorkspaceMembersRequest::new(chunk),
                    )
                },
                |r| r.removed_count,
            )
            .await
    }

    /// A workspace's budgets (one per interval at most) and whether BYOK spend counts toward them.
    pub async fn budgets(
        &self,
        workspace: &str,
    ) -> Result<types::ListWorkspaceBudgetsResponse, Error> {
        self.scope
            .send(&ops::ListWorkspaceBudgets::new(workspace))
            .await
    }

    /// A workspace's budget for one interval (404 when it has none).
    pub async fn budget(
        &self,
        workspace: &str,
        interval: WorkspaceBudgetInterval,
    ) -> Result<types::WorkspaceBudget, Error> {
        let op = ops::GetWorkspaceBudget::new(workspace, interval);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Sets a workspace's budget for one interval, creating or replacing it (a PUT: safe to retry).
    pub async fn set_budget(
        &self,
        workspace: &str,
        interval: WorkspaceBudgetInterval,
        budget: WorkspaceBudgetSettings,
    ) -> Result<types::WorkspaceBudget, Error> {
        crate::amounts::non_negative("limit_usd", Some(budget.limit_usd))?;
        let op = ops::UpsertWorkspaceBudget::new(workspace, interval, budget);
        Ok(self.scope.send(&op).await?.data)
    }

    /// Removes a workspace's budget for one interval. `true` when it was deleted.
    pub async fn delete_budget(
        &self,
        workspace: &str,
        interval: WorkspaceBudgetInterval,
    ) -> Result<bool, Error> {
        let op = ops::DeleteWorkspaceBudget::new(workspace, interval);
        Ok(self.scope.send(&op).await?.deleted)
    }
}
