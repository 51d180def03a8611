//! The 19 operations of the spec, each called through the facade with fixed, valid arguments, and checked against
//! the operationIds and declared statuses of the merged spec (so a new operation cannot be silently skipped).

use std::collections::{BTreeMap, BTreeSet};

use futures::StreamExt;
use openrouter_mgmt::{
    Client, Error, GuardrailId, GuardrailUpdate, KeyHash, KeyUpdate, NewGuardrail, NewKey,
    Paginator, UserId,
};

use crate::prism::spec_path;

/// One operation of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Operation {
    GetCurrentKey,
    ListKeys,
    CreateKey,
    GetKey,
    UpdateKey,
    DeleteKey,
    ListGuardrails,
    CreateGuardrail,
    GetGuardrail,
    UpdateGuardrail,
    DeleteGuardrail,
    ListKeyAssignments,
    ListMemberAssignments,
    ListGuardrailKeyAssignments,
    AssignKeys,
    UnassignKeys,
    ListGuardrailMemberAssignments,
    AssignMembers,
    UnassignMembers,
}

impl Operation {
    pub(crate) const ALL: [Self; 19] = [
        Self::GetCurrentKey,
        Self::ListKeys,
        Self::CreateKey,
        Self::GetKey,
        Self::UpdateKey,
        Self::DeleteKey,
        Self::ListGuardrails,
        Self::CreateGuardrail,
        Self::GetGuardrail,
        Self::UpdateGuardrail,
        Self::DeleteGuardrail,
        Self::ListKeyAssignments,
        Self::ListMemberAssignments,
        Self::ListGuardrailKeyAssignments,
        Self::AssignKeys,
        Self::UnassignKeys,
        Self::ListGuardrailMemberAssignments,
        Self::AssignMembers,
        Self::UnassignMembers,
    ];

    /// The spec's operationId.
    pub(crate) fn operation_id(self) -> &'static str {
        match self {
            Self::GetCurrentKey => "getCurrentKey",
            Self::ListKeys => "list",
            Self::CreateKey => "createKeys",
            Self::GetKey => "getKey",
            Self::UpdateKey => "updateKeys",
            Self::DeleteKey => "deleteKeys",
            Self::ListGuardrails => "listGuardrails",
            Self::CreateGuardrail => "createGuardrail",
            Self::GetGuardrail => "getGuardrail",
            Self::UpdateGuardrail => "updateGuardrail",
            Self::DeleteGuardrail => "deleteGuardrail",
            Self::ListKeyAssignments => "listKeyAssignments",
            Self::ListMemberAssignments => "listMemberAssignments",
            Self::ListGuardrailKeyAssignments => "listGuardrailKeyAssignments",
            Self::AssignKeys => "bulkAssignKeysToGuardrail",
            Self::UnassignKeys => "bulkUnassignKeysFromGuardrail",
            Self::ListGuardrailMemberAssignments => "listGuardrailMemberAssignments",
            Self::AssignMembers => "bulkAssignMembersToGuardrail",
            Self::UnassignMembers => "bulkUnassignMembersFromGuardrail",
        }
    }

    /// Calls the operation through the facade on the given ids. Lists fetch their first page only, without
    /// prefetch, so that one call is one request.
    pub(crate) async fn call(self, client: &Client, ids: &Ids) -> Result<(), Error> {
        let keys = client.keys();
        let guardrails = client.guardrails();
        match self {
            Self::GetCurrentKey => keys.current().await.map(drop),
            Self::ListKeys => first_page(keys.list()).await,
            Self::CreateKey => keys
                .create(NewKey::new("contract key").limit(5.0))
                .await
                .map(drop),
            Self::GetKey => keys.get(&ids.key).await.map(drop),
            Self::UpdateKey => keys
                .update(&ids.key, KeyUpdate::new().name("renamed").clear_limit())
                .await
                .map(drop),
            Self::DeleteKey => keys.delete(&ids.key).await.map(drop),
            Self::ListGuardrails => first_page(guardrails.list()).await,
            Self::CreateGuardrail => guardrails
                .create(NewGuardrail::new("contract guardrail").limit_usd(10.0))
                .await
                .map(drop),
            Self::GetGuardrail => guardrails.get(ids.guardrail).await.map(drop),
            Self::UpdateGuardrail => guardrails
                .update(
                    ids.guardrail,
                    GuardrailUpdate::new()
                        .description("contract")
                        .clear_limit_usd(),
                )
                .await
                .map(drop),
            Self::DeleteGuardrail => guardrails.delete(ids.guardrail).await.map(drop),
            Self::ListKeyAssignments => first_page(guardrails.key_assignments()).await,
            Self::ListMemberAssignments => first_page(guardrails.member_assignments()).await,
            Self::ListGuardrailKeyAssignments => {
                first_page(guardrails.guardrail_key_assignments(ids.guardrail)).await
            }
            Self::AssignKeys => guardrails
                .assign_keys(ids.guardrail, [ids.key.clone()])
                .await
                .map(drop),
            Self::UnassignKeys => guardrails
                .unassign_keys(ids.guardrail, [ids.key.clone()])
                .await
                .map(drop),
            Self::ListGuardrailMemberAssignments => {
                first_page(guardrails.guardrail_member_assignments(ids.guardrail)).await
            }
            Self::AssignMembers => guardrails
                .assign_members(ids.guardrail, [ids.member.clone()])
                .await
                .map(drop),
            Self::UnassignMembers => guardrails
                .unassign_members(ids.guardrail, [ids.member.clone()])
                .await
                .map(drop),
        }
    }
}

/// The ids the operations are called on.
#[derive(Debug, Clone)]
pub(crate) struct Ids {
    pub(crate) key: KeyHash,
    pub(crate) guardrail: GuardrailId,
    pub(crate) member: UserId,
}

async fn first_page<T: openrouter_mgmt::ListItem + Send + 'static>(
    paginator: Paginator<T>,
) -> Result<(), Error> {
    let mut pages = paginator.prefetch(0).pages();
    match pages.next().await {
        Some(page) => page.map(drop),
        None => Ok(()),
    }
}

/// The declared response statuses of every operation of the spec, by operationId.
pub(crate) fn declared_statuses() -> BTreeMap<String, BTreeSet<u16>> {
    let text = std::fs::read_to_string(spec_path()).expect("read the merged spec");
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("parse the merged spec");
    let mut out = BTreeMap::new();
    let paths = spec["paths"].as_mapping().expect("paths");
    for (_, item) in paths {
        for method in ["get", "post", "patch", "put", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().expect("operationId").to_owned();
            let statuses = op["responses"]
                .as_mapping()
                .expect("responses")
                .keys()
                .map(|k| {
                    k.as_str()
                        .and_then(|s| s.parse().ok())
                        .or_else(|| k.as_u64().and_then(|n| u16::try_from(n).ok()))
                        .expect("numeric status")
                })
                .collect();
            out.insert(id, statuses);
        }
    }
    out
}

/// The spec has exactly our 19 operations; returns their declared statuses in [`Operation::ALL`] order.
pub(crate) fn operations_with_statuses() -> Vec<(Operation, BTreeSet<u16>)> {
    let declared = declared_statuses();
    let ours: BTreeSet<&str> = Operation::ALL.iter().map(|o| o.operation_id()).collect();
    let theirs: BTreeSet<&str> = declared.keys().map(String::as_str).collect();
    assert_eq!(
        ours, theirs,
        "the spec's operations changed; update tests/contract/operations.rs"
    );
    Operation::ALL
        .iter()
        .map(|&op| (op, declared[op.operation_id()].clone()))
        .collect()
}
