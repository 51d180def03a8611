//! The mock's workspaces: the default one (there from the start) and those created through the API, each with its
//! members and its budgets by interval, stored as the generated types and kept in creation order.
//!
//! A workspace's default guardrail has an id derived from the workspace's id and exists as a guardrail only once
//! its configuration is first written (`update_guardrail` on that id), as the spec describes.

use std::collections::BTreeMap;

use openrouter_mgmt_gen::ids::{GuardrailId, UserId};
use openrouter_mgmt_gen::types;
use uuid::Uuid;

/// One workspace with what belongs to it.
#[derive(Debug, Clone)]
pub(crate) struct WorkspaceRecord {
    pub(crate) workspace: types::Workspace,
    /// Members in the order they were added.
    pub(crate) members: Vec<types::WorkspaceMember>,
    /// Budgets by interval name (`daily`, `weekly`, `monthly`, `lifetime`).
    pub(crate) budgets: BTreeMap<String, types::WorkspaceBudget>,
}

/// Every workspace, in creation order (the default one first).
#[derive(Debug, Default)]
pub(crate) struct WorkspaceStore {
    records: Vec<WorkspaceRecord>,
}

/// The id of a workspace's default guardrail: the workspace id with its bytes inverted (the mock's deterministic
/// derivation; the real one is the API's own), so it is known before the guardrail exists.
pub(crate) fn default_guardrail_id(workspace_id: Uuid) -> GuardrailId {
    let mut bytes = *workspace_id.as_bytes();
    for b in &mut bytes {
        *b = !*b;
    }
    GuardrailId::new(uuid::Builder::from_random_bytes(bytes).into_uuid())
}

/// A new workspace with the settings the API gives one: no defaults for models or sorting, every request logged
/// when I/O logging is on, no broadcast, BYOK spend outside its budgets.
pub(crate) fn new_workspace(
    id: Uuid,
    name: &str,
    slug: &str,
    created_at: &str,
    created_by: &UserId,
) -> types::Workspace {
    serde_json::from_value(serde_json::json!({
        "created_at": created_at,
        "created_by": created_by,
        "default_guardrail_id": default_guardrail_id(id),
        "default_image_model": null,
        "default_provider_sort": null,
        "default_text_model": null,
        "description": null,
        "id": id,
        "include_byok_in_budgets": false,
        "io_logging_api_key_ids": null,
        "io_logging_sampling_rate": 1.0,
        "is_data_discount_logging_enabled": false,
        "is_observability_broadcast_enabled": false,
        "is_observability_io_logging_enabled": false,
        "name": name,
        "slug": slug,
        "updated_at": null,
    }))
    .expect("a new workspace fits the generated type")
}

impl WorkspaceStore {
    /// Adds a workspace.
    pub(crate) fn insert(&mut self, workspace: types::Workspace) {
        self.records.push(WorkspaceRecord {
            workspace,
            members: Vec::new(),
            budgets: BTreeMap::new(),
        });
    }

    /// Every workspace, in creation order.
    pub(crate) fn all(&self) -> impl Iterator<Item = &types::Workspace> {
        self.records.iter().map(|r| &r.workspace)
    }

    /// The index of the workspace a reference names: its id (a UUID, any case) or its slug.
    fn position(&self, reference: &str) -> Option<usize> {
        let id = Uuid::parse_str(reference).ok();
        self.records
            .iter()
            .position(|r| Some(r.workspace.id) == id || r.workspace.slug == reference)
    }

    /// The workspace a reference names.
    pub(crate) fn get(&self, reference: &str) -> Option<&WorkspaceRecord> {
        self.position(reference).map(|i| &self.records[i])
    }

    /// The workspace a reference names, to change.
    pub(crate) fn get_mut(&mut self, reference: &str) -> Option<&mut WorkspaceRecord> {
        self.position(reference).map(|i| &mut self.records[i])
    }

    /// Every workspace, to reorder (churn); adding and removing go through [`Self::insert`] and [`Self::remove`].
    pub(crate) fn records_mut(&mut self) -> &mut [WorkspaceRecord] {
        &mut self.records
    }

    /// Every workspace with its members, in creation order.
    pub(crate) fn records(&self) -> &[WorkspaceRecord] {
        &self.records
    }

    /// Removes a user from every workspace they are a member of.
    pub(crate) fn remove_user(&mut self, user_id: &str) {
        for record in &mut self.records {
            record.members.retain(|m| m.user_id.as_str() != user_id);
        }
    }

    /// The workspace with this id.
    pub(crate) fn by_id(&self, id: Uuid) -> Option<&WorkspaceRecord> {
        self.records.iter().find(|r| r.workspace.id == id)
    }

    /// Whether another workspace than `except` uses this slug.
    pub(crate) fn slug_taken(&self, slug: &str, except: Option<Uuid>) -> bool {
        self.records
            .iter()
            .any(|r| r.workspace.slug == slug && Some(r.workspace.id) != except)
    }

    /// The workspace whose default guardrail has this id.
    pub(crate) fn with_default_guardrail(&self, id: GuardrailId) -> Option<&types::Workspace> {
        self.all().find(|w| w.default_guardrail_id == id)
    }

    /// Removes a workspace and what belongs to it; its record, if it existed.
    pub(crate) fn remove(&mut self, id: Uuid) -> Option<WorkspaceRecord> {
        let i = self.records.iter().position(|r| r.workspace.id == id)?;
        Some(self.records.remove(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_guardrail_id_is_derived_and_distinct() {
        let w = Uuid::from_u128(0x0df9e665_d932_5740_b2c7_b52af166bc11);
        let g = default_guardrail_id(w);
        assert_eq!(g, default_guardrail_id(w));
        assert_ne!(g, GuardrailId::new(w));
        assert_ne!(default_guardrail_id(Uuid::from_u128(1)), g);
    }

    #[test]
    fn references_are_ids_or_slugs() {
        let mut store = WorkspaceStore::default();
        let id = Uuid::from_u128(7);
        let workspace = new_workspace(
            id,
            "Prod",
            "prod",
            "2025-01-01T00:00:00Z",
            &UserId::new("user_owner").unwrap(),
        );
        store.insert(workspace);
        assert!(store.get("prod").is_some());
        assert!(store.get(&id.to_string()).is_some());
        assert!(store.get(&id.to_string().to_uppercase()).is_some());
        assert!(store.get("staging").is_none());
        assert!(store.slug_taken("prod", None));
        assert!(!store.slug_taken("prod", Some(id)));
        assert!(store.remove(id).is_some());
        assert!(store.get("prod").is_none());
    }
}
