//! Every list kind as churn and lifetimes see it: the ids a list request is served (the same filters, the same
//! order as its operation), every item of the kind with its scope, and how to delete an item as the API would,
//! create one as the API would, and move an item to another place in the order.

use openrouter_mgmt_gen::OperationId;
use openrouter_mgmt_gen::ids::{GuardrailId, UserId};
use openrouter_mgmt_gen::types;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::list_kind::ListKind;
use crate::pagination::Query;
use crate::request::Request;
use crate::routes::PathParams;
use crate::state::State;

impl ListKind {
    /// The ids of the items a list request is served, in its order (before paging).
    pub(crate) fn ids(self, state: &State, request: &Request<'_>) -> Vec<String> {
        let query = request.query;
        let workspace = request_workspace(state, request);
        let workspace_text = workspace.to_string();
        match self {
            Self::Keys => {
                let disabled = query.include_disabled().unwrap_or(false);
                state
                    .keys()
                    .filter(|k| k.workspace_id == workspace_text && (disabled || !k.disabled))
                    .map(|k| k.hash.to_string())
                    .collect()
            }
            Self::Guardrails => state
                .guardrails()
                .filter(|g| g.workspace_id.as_deref() == Some(workspace_text.as_str()))
                .map(|g| g.id.to_string())
                .collect(),
            Self::KeyAssignments => {
                let only = path_guardrail(request);
                state
                    .key_assignments()
                    .filter(|a| only.is_none_or(|g| g == Some(a.guardrail_id)))
                    .map(|a| a.id.to_string())
                    .collect()
            }
            Self::MemberAssignments => {
                let only = path_guardrail(request);
                state
                    .member_assignments()
                    .filter(|a| only.is_none_or(|g| g == Some(a.guardrail_id)))
                    .map(|a| a.id.to_string())
                    .collect()
            }
            Self::Workspaces => state.workspaces.all().map(|w| w.id.to_string()).collect(),
            Self::WorkspaceMembers => path_workspace(state, request)
                .and_then(|id| state.workspaces.by_id(id))
                .map_or_else(Vec::new, |record| {
                    record.members.iter().map(|m| m.id.to_string()).collect()
                }),
            Self::OrganizationMembers => state
                .organization_members()
                .iter()
                .map(ToString::to_string)
                .collect(),
            Self::ByokKeys => {
                let provider = query.text("provider");
                state
                    .byok_keys
                    .iter()
                    .filter(|k| k.workspace_id == Some(workspace))
                    .filter(|k| provider.is_none_or(|p| k.provider.as_str() == p))
                    .map(|k| k.id.to_string())
                    .collect()
            }
            Self::ExternalUsers => {
                let inactive = query.flag("include_inactive").unwrap_or(false);
                let user = query.text("user");
                state
                    .external_users
                    .iter()
                    .filter(|u| inactive || u.is_active)
                    .filter(|u| user.is_none_or(|name| u.user == name))
                    .map(|u| u.user.clone())
                    .collect()
            }
            Self::PrivateProviders => state
                .private_providers
                .iter()
                .map(|p| p.slug.clone())
                .collect(),
            Self::Destinations => state
                .destinations
                .iter()
                .filter(|d| d["workspace_id"].as_str() == Some(workspace_text.as_str()))
                .filter_map(|d| d["id"].as_str().map(str::to_owned))
                .collect(),
            Self::ScimGroups => {
                let name = query.text("display_name");
                let external = query.text("external_id");
                state
                    .scim_groups
                    .iter()
                    .filter(|g| name.is_none_or(|n| g.display_name == n))
                    .filter(|g| external.is_none_or(|e| g.external_id.as_deref() == Some(e)))
                    .map(|g| g.id.to_string())
                    .collect()
            }
            Self::ScimGroupMappings => state
                .scim_mappings
                .iter()
                .map(|m| m.id.to_string())
                .collect(),
        }
    }

    /// Every item of the kind that a list of it can show, as `(scope, id)`: the scope is the workspace (keys,
    /// guardrails, BYOK keys, destinations, workspace members) or guardrail (assignments) it belongs to, empty
    /// for the others. Disabled keys and inactive external users are left out: the lists hide them by default.
    pub(crate) fn everything(self, state: &State) -> Vec<(String, String)> {
        let global = |id: String| (String::new(), id);
        match self {
            Self::Keys => state
                .keys()
                .filter(|k| !k.disabled)
                .map(|k| (k.workspace_id.clone(), k.hash.to_string()))
                .collect(),
            Self::Guardrails => state
                .guardrails()
                .map(|g| (g.workspace_id.clone().unwrap_or_default(), g.id.to_string()))
                .collect(),
            Self::KeyAssignments => state
                .key_assignments()
                .map(|a| (a.guardrail_id.to_string(), a.id.to_string()))
                .collect(),
            Self::MemberAssignments => state
                .member_assignments()
                .map(|a| (a.guardrail_id.to_string(), a.id.to_string()))
                .collect(),
            Self::Workspaces => state
                .workspaces
                .all()
                .map(|w| global(w.id.to_string()))
                .collect(),
            Self::WorkspaceMembers => state
                .workspaces
                .records()
                .iter()
                .flat_map(|r| {
                    let scope = r.workspace.id.to_string();
                    r.members
                        .iter()
                        .map(move |m| (scope.clone(), m.id.to_string()))
                })
                .collect(),
            Self::OrganizationMembers => state
                .organization_members()
                .iter()
                .map(|m| global(m.to_string()))
                .collect(),
            Self::ByokKeys => state
                .byok_keys
                .iter()
                .map(|k| {
                    let scope = k.workspace_id.map(|w| w.to_string()).unwrap_or_default();
                    (scope, k.id.to_string())
                })
                .collect(),
            Self::ExternalUsers => state
                .external_users
                .iter()
                .filter(|u| u.is_active)
                .map(|u| global(u.user.clone()))
                .collect(),
            Self::PrivateProviders => state
                .private_providers
                .iter()
                .map(|p| global(p.slug.clone()))
                .collect(),
            Self::Destinations => state
                .destinations
                .iter()
                .filter_map(|d| {
                    let scope = d["workspace_id"].as_str().unwrap_or_default().to_owned();
                    d["id"].as_str().map(|id| (scope, id.to_owned()))
                })
                .collect(),
            Self::ScimGroups => state
                .scim_groups
                .iter()
                .map(|g| global(g.id.to_string()))
                .collect(),
            Self::ScimGroupMappings => state
                .scim_mappings
                .iter()
                .map(|m| global(m.id.to_string()))
                .collect(),
        }
    }

    /// Whether churn must leave this item alone, because the mock needs it: the default workspace and the
    /// organization's owner.
    pub(crate) fn protected(self, state: &State, id: &str) -> bool {
        match self {
            Self::Workspaces => id == state.default_workspace_id.to_string(),
            Self::OrganizationMembers => id == state.owner_user_id.as_str(),
            _ => false,
        }
    }

    /// Deletes an item as its delete operation would (a key's assignment goes with it, a guardrail's
    /// assignments, a workspace's guardrails and members, a member's assignment and memberships, a directory
    /// group's mappings).
    pub(crate) fn remove(self, state: &mut State, id: &str) {
        match self {
            Self::Keys => {
                state.remove_key(id);
            }
            Self::Guardrails => {
                if let Ok(id) = id.parse::<Uuid>() {
                    state.remove_guardrail(GuardrailId::new(id));
                }
            }
            Self::KeyAssignments => {
                let found = state
                    .key_assignments()
                    .find(|a| a.id.to_string() == id)
                    .map(|a| (a.key_hash.to_string(), a.guardrail_id));
                if let Some((hash, guardrail)) = found {
                    state.unassign_key(&hash, guardrail);
                }
            }
            Self::MemberAssignments => {
                let found = state
                    .member_assignments()
                    .find(|a| a.id.to_string() == id)
                    .map(|a| (a.user_id.to_string(), a.guardrail_id));
                if let Some((user, guardrail)) = found {
                    state.unassign_member(&user, guardrail);
                }
            }
            Self::Workspaces => {
                let query = Query::parse(Some("confirm_default_workspace_deletion=true"));
                crate::dispatch::run_as_management_on(
                    state,
                    OperationId::DeleteWorkspace,
                    &PathParams::one("id", id),
                    &query,
                    None,
                )
                .expect(
                    "a listed workspace can be deleted (churn keeps its copy of the ids in step)",
                );
            }
            Self::WorkspaceMembers => {
                for record in state.workspaces.records_mut() {
                    record.members.retain(|m| m.id.to_string() != id);
                }
            }
            Self::OrganizationMembers => {
                state.remove_member(id);
            }
            Self::ByokKeys => state.byok_keys.retain(|k| k.id.to_string() != id),
            Self::ExternalUsers => state.external_users.retain(|u| u.user != id),
            Self::PrivateProviders => state.private_providers.retain(|p| p.slug != id),
            Self::Destinations => state.destinations.retain(|d| d["id"].as_str() != Some(id)),
            Self::ScimGroups => {
                if let Ok(group) = id.parse::<Uuid>() {
                    state.scim_groups.retain(|g| g.id != group);
                    state.scim_mappings.retain(|m| m.scim_group_id != group);
                }
            }
            Self::ScimGroupMappings => state.scim_mappings.retain(|m| m.id.to_string() != id),
        }
    }

    /// Creates an item the request's list shows, last in its order, as the API would; its id, or `None` when the
    /// list cannot have another (no guardrail to assign to, a filter no new item can pass, a full workspace).
    pub(crate) fn create(self, state: &mut State, request: &Request<'_>) -> Option<String> {
        let tag = state.rng.hex64()[..12].to_owned();
        let workspace = request_workspace(state, request);
        match self {
            Self::Keys => {
                let hash = new_key(state, &tag, workspace);
                Some(hash)
            }
            Self::Guardrails => {
                let id = GuardrailId::new(state.rng.uuid());
                let created_at = state.now();
                let guardrail = crate::guardrails::blank(
                    id,
                    format!("Churned guardrail {tag}"),
                    workspace.to_string(),
                    created_at,
                );
                state.insert_guardrail(guardrail);
                Some(id.to_string())
            }
            Self::KeyAssignments => {
                let guardrail = target_guardrail(state, request)?;
                let hash = new_key(state, &tag, state.default_workspace_id);
                state.assign_key(&hash, guardrail);
                state.key_assignment(&hash).map(|a| a.id.to_string())
            }
            Self::MemberAssignments => {
                let guardrail = target_guardrail(state, request)?;
                let free: Vec<String> = state
                    .members()
                    .iter()
                    .filter(|m| state.member_guardrail(m.as_str()).is_none())
                    .map(ToString::to_string)
                    .collect();
                let user = if free.is_empty() {
                    new_member(state, &tag)
                } else {
                    free[below(state, free.len())].clone()
                };
                state.assign_member(&user, guardrail);
                state.member_assignment(&user).map(|a| a.id.to_string())
            }
            Self::Workspaces => new_workspace(state, &tag),
            Self::WorkspaceMembers => {
                let workspace = path_workspace(state, request)?;
                // A set, so that finding who is outside costs O(n), not O(n) for each member.
                let present: std::collections::HashSet<&str> = state
                    .workspaces
                    .by_id(workspace)?
                    .members
                    .iter()
                    .map(|m| m.user_id.as_str())
                    .collect();
                let outside: Vec<UserId> = state
                    .organization_members()
                    .iter()
                    .filter(|u| !present.contains(u.as_str()))
                    .cloned()
                    .collect();
                let user = if outside.is_empty() {
                    UserId::new(new_member(state, &tag)).ok()?
                } else {
                    outside[below(state, outside.len())].clone()
                };
                let role = if user == state.owner_user_id {
                    "admin"
                } else {
                    "member"
                };
                let member: types::WorkspaceMember = crate::render::typed(json!({
                    "created_at": state.now(),
                    "id": state.rng.uuid(),
                    "role": role,
                    "user_id": user,
                    "workspace_id": workspace,
                }))
                .ok()?;
                let id = member.id.to_string();
                let record = state.workspaces.get_mut(&workspace.to_string())?;
                record.members.push(member);
                Some(id)
            }
            Self::OrganizationMembers => Some(new_member(state, &tag)),
            Self::ByokKeys => {
                let provider = request
                    .query
                    .text("provider")
                    .unwrap_or("openai")
                    .to_owned();
                let body =
                    json!({"key": format!("sk-churn-provider-key-{tag}"), "provider": provider});
                let answer = run_create(state, OperationId::CreateByokKey, &body)?;
                let id = answer["data"]["id"].as_str()?.to_owned();
                // The create operation stores a key in the default workspace; churn puts it where it is listed.
                if let Some(key) = state.byok_keys.iter_mut().find(|k| k.id.to_string() == id) {
                    key.workspace_id = Some(workspace);
                }
                Some(id)
            }
            Self::ExternalUsers => {
                if request.query.text("user").is_some() {
                    return None;
                }
                let user = format!("churned-user-{tag}");
                run_create(
                    state,
                    OperationId::CreateExternalUser,
                    &json!({"user": user}),
                )?;
                Some(user)
            }
            Self::PrivateProviders => {
                let body = json!({"name": format!("Churned provider {tag}")});
                let answer = run_create(state, OperationId::CreatePrivateProvider, &body)?;
                answer["data"]["slug"].as_str().map(str::to_owned)
            }
            Self::Destinations => {
                let body = json!({"name": format!("Churned destination {tag}"), "type": "webhook",
                    "workspace_id": workspace,
                    "config": {"url": format!("https://hooks.example.com/churn/{tag}")}});
                let answer = run_create(state, OperationId::CreateObservabilityDestination, &body)?;
                answer["data"]["id"].as_str().map(str::to_owned)
            }
            Self::ScimGroups => {
                let filtered = request.query.text("display_name").is_some()
                    || request.query.text("external_id").is_some();
                if filtered {
                    return None;
                }
                let now = state.now();
                let group: types::ScimGroup = crate::render::typed(json!({
                    "created_at": now,
                    "display_name": format!("Churned group {tag}"),
                    "external_id": format!("churn-{tag}"),
                    "id": state.rng.uuid(),
                    "organization_id": state.organization_id,
                    "updated_at": now,
                }))
                .ok()?;
                let id = group.id.to_string();
                state.scim_groups.push(group);
                Some(id)
            }
            Self::ScimGroupMappings => {
                let unmapped = state.scim_groups.iter().find_map(|g| {
                    state
                        .workspaces
                        .all()
                        .find(|w| {
                            !state
                                .scim_mappings
                                .iter()
                                .any(|m| m.scim_group_id == g.id && m.workspace_id == w.id)
                        })
                        .map(|w| (g.id, w.id))
                });
                let (group, workspace) = match unmapped {
                    Some(pair) => pair,
                    None => {
                        let group = state.scim_groups.first()?.id;
                        let workspace = new_workspace(state, &tag)?.parse::<Uuid>().ok()?;
                        (group, workspace)
                    }
                };
                let body =
                    json!({"scim_group_id": group, "workspace_id": workspace, "role": "member"});
                let answer = run_create(state, OperationId::CreateScimGroupMapping, &body)?;
                answer["data"]["id"].as_str().map(str::to_owned)
            }
        }
    }

    /// Moves item `id` to just before item `before` in the list's order (`None`: it stays where it is, last).
    pub(crate) fn place(self, state: &mut State, id: &str, before: Option<&str>) {
        let Some(before) = before else {
            return;
        };
        match self {
            Self::Keys => state.place_key(id, Some(before)),
            Self::Guardrails => {
                if let (Ok(id), Ok(before)) = (id.parse::<Uuid>(), before.parse::<Uuid>()) {
                    state.place_guardrail(GuardrailId::new(id), Some(GuardrailId::new(before)));
                }
            }
            Self::KeyAssignments => {
                if let (Some(id), Some(before)) =
                    (assigned_key(state, id), assigned_key(state, before))
                {
                    state.place_key_assignment(&id, Some(&before));
                }
            }
            Self::MemberAssignments => {
                if let (Some(id), Some(before)) =
                    (assigned_member(state, id), assigned_member(state, before))
                {
                    state.place_member_assignment(&id, Some(&before));
                }
            }
            Self::Workspaces => move_before(
                state.workspaces.records_mut(),
                |r| r.workspace.id.to_string() == id,
                |r| r.workspace.id.to_string() == before,
            ),
            Self::WorkspaceMembers => {
                for record in state.workspaces.records_mut() {
                    move_before(
                        &mut record.members,
                        |m| m.id.to_string() == id,
                        |m| m.id.to_string() == before,
                    );
                }
            }
            Self::OrganizationMembers => move_before(
                state.organization_members_mut(),
                |m| m.as_str() == id,
                |m| m.as_str() == before,
            ),
            Self::ByokKeys => move_before(
                &mut state.byok_keys,
                |k| k.id.to_string() == id,
                |k| k.id.to_string() == before,
            ),
            Self::ExternalUsers => move_before(
                &mut state.external_users,
                |u| u.user == id,
                |u| u.user == before,
            ),
            Self::PrivateProviders => move_before(
                &mut state.private_providers,
                |p| p.slug == id,
                |p| p.slug == before,
            ),
            Self::Destinations => move_before(
                &mut state.destinations,
                |d| d["id"].as_str() == Some(id),
                |d| d["id"].as_str() == Some(before),
            ),
            Self::ScimGroups => move_before(
                &mut state.scim_groups,
                |g| g.id.to_string() == id,
                |g| g.id.to_string() == before,
            ),
            Self::ScimGroupMappings => move_before(
                &mut state.scim_mappings,
                |m| m.id.to_string() == id,
                |m| m.id.to_string() == before,
            ),
        }
    }

    /// Swaps two items' places in the list's order.
    pub(crate) fn swap(self, state: &mut State, a: &str, b: &str) {
        match self {
            Self::Keys => state.swap_keys(a, b),
            Self::Guardrails => {
                if let (Ok(a), Ok(b)) = (a.parse::<Uuid>(), b.parse::<Uuid>()) {
                    state.swap_guardrails(GuardrailId::new(a), GuardrailId::new(b));
                }
            }
            Self::KeyAssignments => {
                if let (Some(a), Some(b)) = (assigned_key(state, a), assigned_key(state, b)) {
                    state.swap_key_assignments(&a, &b);
                }
            }
            Self::MemberAssignments => {
                if let (Some(a), Some(b)) = (assigned_member(state, a), assigned_member(state, b)) {
                    state.swap_member_assignments(&a, &b);
                }
            }
            Self::Workspaces => swap_where(
                state.workspaces.records_mut(),
                |r| r.workspace.id.to_string() == a,
                |r| r.workspace.id.to_string() == b,
            ),
            Self::WorkspaceMembers => {
                for record in state.workspaces.records_mut() {
                    swap_where(
                        &mut record.members,
                        |m| m.id.to_string() == a,
                        |m| m.id.to_string() == b,
                    );
                }
            }
            Self::OrganizationMembers => swap_where(
                state.organization_members_mut(),
                |m| m.as_str() == a,
                |m| m.as_str() == b,
            ),
            Self::ByokKeys => swap_where(
                &mut state.byok_keys,
                |k| k.id.to_string() == a,
                |k| k.id.to_string() == b,
            ),
            Self::ExternalUsers => {
                swap_where(&mut state.external_users, |u| u.user == a, |u| u.user == b);
            }
            Self::PrivateProviders => {
                swap_where(
                    &mut state.private_providers,
                    |p| p.slug == a,
                    |p| p.slug == b,
                );
            }
            Self::Destinations => swap_where(
                &mut state.destinations,
                |d| d["id"].as_str() == Some(a),
                |d| d["id"].as_str() == Some(b),
            ),
            Self::ScimGroups => swap_where(
                &mut state.scim_groups,
                |g| g.id.to_string() == a,
                |g| g.id.to_string() == b,
            ),
            Self::ScimGroupMappings => swap_where(
                &mut state.scim_mappings,
                |m| m.id.to_string() == a,
                |m| m.id.to_string() == b,
            ),
        }
    }
}

/// A number in `0..n` from the mock's seeded RNG.
pub(crate) fn below(state: &mut State, n: usize) -> usize {
    usize::try_from(state.rng.below(n as u64)).expect("below n")
}

/// The workspace a request's `workspace_id` names, or the default one.
fn request_workspace(state: &State, request: &Request<'_>) -> Uuid {
    request
        .query
        .workspace_id()
        .ok()
        .flatten()
        .unwrap_or(state.default_workspace_id)
}

/// The workspace a request path's `{id}` names (by id or slug).
fn path_workspace(state: &State, request: &Request<'_>) -> Option<Uuid> {
    let reference = request.params.get("id")?;
    state.workspaces.get(reference).map(|r| r.workspace.id)
}

/// For a guardrail's own assignment list, the guardrail its path names (`Some(None)` when it names none that
/// parses); `None` for the organization-wide lists.
fn path_guardrail(request: &Request<'_>) -> Option<Option<GuardrailId>> {
    matches!(
        request.operation,
        OperationId::ListGuardrailKeyAssignments | OperationId::ListGuardrailMemberAssignments
    )
    .then(|| {
        request
            .params
            .get("id")
            .and_then(|id| id.parse::<Uuid>().ok())
            .map(GuardrailId::new)
    })
}

/// The guardrail a new assignment goes to: the one a guardrail's own list names (if it exists), else one of the
/// organization's guardrails drawn from the seed.
fn target_guardrail(state: &mut State, request: &Request<'_>) -> Option<GuardrailId> {
    match path_guardrail(request) {
        Some(named) => named.filter(|id| state.guardrail(*id).is_some()),
        None => {
            let all: Vec<GuardrailId> = state.guardrails().map(|g| g.id).collect();
            (!all.is_empty()).then(|| all[below(state, all.len())])
        }
    }
}

/// A new enabled key like the seeded ones, in `workspace`; its hash.
fn new_key(state: &mut State, tag: &str, workspace: Uuid) -> String {
    let mut key = crate::seed::seeded_key(state, 0);
    key.name = format!("Churned key {tag}");
    key.disabled = false;
    key.workspace_id = workspace.to_string();
    let hash = key.hash.to_string();
    state.insert_key(key, None);
    hash
}

/// A new organization member (`user_churn_<tag>`); their user id.
fn new_member(state: &mut State, tag: &str) -> String {
    let user = format!("user_churn_{tag}");
    state.add_member(UserId::new(user.clone()).expect("a valid user id"));
    user
}

/// A new workspace made by its create operation; its id.
fn new_workspace(state: &mut State, tag: &str) -> Option<String> {
    let body =
        json!({"name": format!("Churned workspace {tag}"), "slug": format!("churned-{tag}")});
    let answer = run_create(state, OperationId::CreateWorkspace, &body)?;
    answer["data"]["id"].as_str().map(str::to_owned)
}

/// The key hash of the key assignment with this id.
fn assigned_key(state: &State, id: &str) -> Option<String> {
    state
        .key_assignments()
        .find(|a| a.id.to_string() == id)
        .map(|a| a.key_hash.to_string())
}

/// The user id of the member assignment with this id.
fn assigned_member(state: &State, id: &str) -> Option<String> {
    state
        .member_assignments()
        .find(|a| a.id.to_string() == id)
        .map(|a| a.user_id.to_string())
}

/// Runs a create operation as seeding does; its answer, or `None` if it failed.
fn run_create(state: &mut State, operation: OperationId, body: &Value) -> Option<Value> {
    crate::dispatch::run_as_management(state, operation, body)
        .ok()
        .map(|reply| reply.body)
}

/// Moves the element matching `is_item` to just before the one matching `is_before` (to the end if none does).
fn move_before<T>(items: &mut [T], is_item: impl Fn(&T) -> bool, is_before: impl Fn(&T) -> bool) {
    let Some(from) = items.iter().position(is_item) else {
        return;
    };
    match items.iter().position(is_before) {
        Some(to) if from < to => items[from..to].rotate_left(1),
        Some(to) => items[to..=from].rotate_right(1),
        None => items[from..].rotate_left(1),
    }
}

/// Swaps the elements matching `is_a` and `is_b`.
fn swap_where<T>(items: &mut [T], is_a: impl Fn(&T) -> bool, is_b: impl Fn(&T) -> bool) {
    if let (Some(a), Some(b)) = (items.iter().position(is_a), items.iter().position(is_b)) {
        items.swap(a, b);
    }
}

#[cfg(test)]
mod tests {
    use super::move_before;

    #[test]
    fn moves_go_just_before_their_mark() {
        let moved = |item: char, before: char| {
            let mut items: Vec<char> = "abcde".chars().collect();
            move_before(&mut items, |c| *c == item, |c| *c == before);
            items.into_iter().collect::<String>()
        };
        assert_eq!(moved('e', 'b'), "aebcd");
        assert_eq!(moved('a', 'd'), "bcade");
        assert_eq!(moved('c', 'c'), "abcde");
        assert_eq!(moved('b', 'z'), "acdeb");
        assert_eq!(moved('z', 'a'), "abcde");
    }
}
