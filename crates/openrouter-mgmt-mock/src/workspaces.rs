//! The behaviour of the workspace operations: list, create (slugs are unique), get, update (absent = unchanged,
//! `null` = clears), delete (the default workspace only with confirmation; its guardrails go with it), members
//! (list, add and remove as set operations) and budgets per interval (list, get, upsert, delete).

use axum::http::StatusCode;
use openrouter_mgmt_gen::open_enums::WorkspaceBudgetInterval;
use openrouter_mgmt_gen::types;
use serde_json::{Value, json};

use crate::body::{check_known, check_non_negative};
use crate::errors::ApiError;
use crate::render;
use crate::request::Request;
use crate::state::State;
use crate::workspace_store::{WorkspaceRecord, new_workspace};

/// The workspace a path parameter names (by id or slug), or a 404.
fn named<'s>(
    state: &'s State,
    request: &Request<'_>,
    param: &str,
) -> Result<&'s WorkspaceRecord, ApiError> {
    state
        .workspaces
        .get(request.param(param)?)
        .ok_or_else(|| ApiError::not_found("Workspace not found"))
}

fn slug_taken(slug: &str) -> ApiError {
    ApiError::bad_request(format!(
        "The slug {slug:?} is already used by another workspace"
    ))
}

/// `list_workspaces`: every workspace, the default one first.
pub(crate) fn list(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let all: Vec<&types::Workspace> = state.workspaces.all().collect();
    let page: Vec<&types::Workspace> = all.iter().skip(offset).take(limit).copied().collect();
    render::conform::<types::ListWorkspacesResponse, types::Workspace>(
        json!({"data": page, "total_count": all.len()}),
    )
}

/// `create_workspace`.
pub(crate) fn create(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::CreateWorkspaceRequest = request.body()?;
    if state.workspaces.slug_taken(&body.slug, None) {
        return Err(slug_taken(&body.slug));
    }
    let (id, created_at) = (state.rng.uuid(), state.now());
    let base = new_workspace(
        id,
        &body.name,
        &body.slug,
        &created_at,
        &state.owner_user_id,
    );
    let workspace = crate::merge::merged(&base, &body, "workspace")?;
    let answer = render::conform::<types::CreateWorkspaceResponse, types::Workspace>(
        json!({ "data": workspace }),
    )?;
    state.workspaces.insert(workspace);
    Ok(answer)
}

/// `get_workspace`.
pub(crate) fn get(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let record = named(state, request, "id")?;
    render::conform::<types::GetWorkspaceResponse, types::Workspace>(
        json!({ "data": record.workspace }),
    )
}

/// `update_workspace`.
pub(crate) fn update(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::UpdateWorkspaceRequest = request.body()?;
    let current = named(state, request, "id")?.workspace.clone();
    if let Some(slug) = &body.slug
        && state.workspaces.slug_taken(slug, Some(current.id))
    {
        return Err(slug_taken(slug));
    }
    let mut workspace = crate::merge::merged(&current, &body, "workspace")?;
    workspace.updated_at = Some(state.now());
    let answer = render::conform::<types::UpdateWorkspaceResponse, types::Workspace>(
        json!({ "data": workspace }),
    )?;
    let reference = current.id.to_string();
    state
        .workspaces
        .get_mut(&reference)
        .expect("exists")
        .workspace = workspace;
    Ok(answer)
}

/// `delete_workspace`: the default workspace only with `confirm_default_workspace_deletion=true`; the workspace's
/// guardrails, members and budgets go with it.
pub(crate) fn delete(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let id = named(state, request, "id")?.workspace.id;
    if id == state.default_workspace_id
        && !request.query.flag("confirm_default_workspace_deletion")?
    {
        return Err(ApiError::bad_request(
            "Deleting the default workspace needs confirm_default_workspace_deletion=true",
        ));
    }
    state.workspaces.remove(id);
    let scoped: Vec<_> = state
        .guardrails()
        .filter(|g| g.workspace_id.as_deref() == Some(id.to_string().as_str()))
        .map(|g| g.id)
        .collect();
    for guardrail in scoped {
        state.remove_guardrail(guardrail);
    }
    render::small::<types::DeleteWorkspaceResponse>(json!({"deleted": true}))
}

/// `list_workspace_members`: in the order they were added.
pub(crate) fn list_members(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let members = &named(state, request, "id")?.members;
    let page: Vec<&types::WorkspaceMember> = members.iter().skip(offset).take(limit).collect();
    render::conform::<types::ListWorkspaceMembersResponse, types::WorkspaceMember>(
        json!({"data": page, "total_count": members.len()}),
    )
}

/// `bulk_add_workspace_members`: organization members not yet in the workspace join it with the role they hold in
/// the organization (the owner is an admin); others, and unknown users, are left alone and not counted.
pub(crate) fn add_members(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::BulkAddWorkspaceMembersRequest = request.body()?;
    let workspace_id = named(state, request, "id")?.workspace.id;
    let mut added = Vec::new();
    for user_id in body.user_ids {
        let known = state.members().contains(&user_id) || user_id == state.owner_user_id;
        let record = state.workspaces.by_id(workspace_id).expect("exists");
        let present = record.members.iter().any(|m| m.user_id == user_id)
            || added
                .iter()
                .any(|m: &types::WorkspaceMember| m.user_id == user_id);
        if !known || present {
            continue;
        }
        let role = if user_id == state.owner_user_id {
            "admin"
        } else {
            "member"
        };
        let member: types::WorkspaceMember = render::typed(json!({
            "created_at": state.now(),
            "id": state.rng.uuid(),
            "role": role,
            "user_id": user_id,
            "workspace_id": workspace_id,
        }))?;
        added.push(member);
    }
    let answer = render::small::<types::BulkAddWorkspaceMembersResponse>(
        json!({"added_count": added.len(), "data": added}),
    )?;
    let reference = workspace_id.to_string();
    state
        .workspaces
        .get_mut(&reference)
        .expect("exists")
        .members
        .extend(added);
    Ok(answer)
}

/// `bulk_remove_workspace_members`: the listed members leave; users not in the workspace are not counted.
pub(crate) fn remove_members(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::BulkRemoveWorkspaceMembersRequest = request.body()?;
    let reference = named(state, request, "id")?.workspace.id.to_string();
    let record = state.workspaces.get_mut(&reference).expect("exists");
    let before = record.members.len();
    record
        .members
        .retain(|m| !body.user_ids.contains(&m.user_id));
    let removed = before - record.members.len();
    render::small::<types::BulkRemoveWorkspaceMembersResponse>(json!({"removed_count": removed}))
}

/// The `{interval}` path parameter: one the spec lists, or a 400.
fn interval(request: &Request<'_>) -> Result<WorkspaceBudgetInterval, ApiError> {
    let raw = request.param("interval")?;
    let interval: WorkspaceBudgetInterval =
        serde_json::from_value(json!(raw)).expect("an open enum takes any string");
    check_known(
        "interval",
        interval.is_known(),
        raw,
        WorkspaceBudgetInterval::KNOWN,
    )?;
    Ok(interval)
}

/// Whether BYOK spend counts toward a workspace's budgets (false until a budget write says otherwise).
fn include_byok(record: &WorkspaceRecord) -> bool {
    record.workspace.include_byok_in_budgets.unwrap_or(false)
}

/// `list_workspace_budgets`: daily, weekly, monthly, then lifetime.
pub(crate) fn list_budgets(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let record = named(state, request, "workspace_ref")?;
    let data: Vec<&types::WorkspaceBudget> = WorkspaceBudgetInterval::KNOWN
        .iter()
        .filter_map(|i| record.budgets.get(*i))
        .collect();
    render::conform::<types::ListWorkspaceBudgetsResponse, types::WorkspaceBudget>(
        json!({"data": data, "include_byok_in_budgets": include_byok(record)}),
    )
}

/// `get_workspace_budget`: 404 when the workspace has no budget for the interval.
pub(crate) fn get_budget(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let interval = interval(request)?;
    let record = named(state, request, "workspace_ref")?;
    let budget = record
        .budgets
        .get(interval.as_str())
        .ok_or_else(|| ApiError::not_found("Budget not found"))?;
    render::conform::<types::GetWorkspaceBudgetResponse, types::WorkspaceBudget>(
        json!({"data": budget, "include_byok_in_budgets": include_byok(record)}),
    )
}

/// `upsert_workspace_budget`: creates the interval's budget or replaces its limit (keeping its id and creation
/// time); `include_byok_in_budgets`, when sent, applies to all the workspace's budgets.
pub(crate) fn upsert_budget(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::UpsertWorkspaceBudgetRequest = request.body()?;
    check_non_negative("limit_usd", Some(body.limit_usd))?;
    let interval = interval(request)?;
    let reference = named(state, request, "workspace_ref")?
        .workspace
        .id
        .to_string();
    let now = state.now();
    let fresh_id = state.rng.uuid();
    let record = state.workspaces.get_mut(&reference).expect("exists");
    let (id, created_at) = match record.budgets.get(interval.as_str()) {
        Some(existing) => (existing.id, existing.created_at.clone()),
        None => (fresh_id, now.clone()),
    };
    let reset_interval = (interval != WorkspaceBudgetInterval::Lifetime).then(|| interval.as_str());
    let budget: types::WorkspaceBudget = render::typed(json!({
        "created_at": created_at,
        "id": id,
        "limit_usd": body.limit_usd,
        "reset_interval": reset_interval,
        "updated_at": now,
        "workspace_id": record.workspace.id,
    }))?;
    if let Some(include) = body.include_byok_in_budgets {
        record.workspace.include_byok_in_budgets = Some(include);
    }
    record
        .budgets
        .insert(interval.as_str().to_owned(), budget.clone());
    render::conform::<types::UpsertWorkspaceBudgetResponse, types::WorkspaceBudget>(
        json!({"data": budget, "include_byok_in_budgets": include_byok(record)}),
    )
}

/// `delete_workspace_budget`: 404 when there is none for the interval.
pub(crate) fn delete_budget(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let interval = interval(request)?;
    let reference = named(state, request, "workspace_ref")?
        .workspace
        .id
        .to_string();
    let record = state.workspaces.get_mut(&reference).expect("exists");
    if record.budgets.remove(interval.as_str()).is_none() {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "Budget not found"));
    }
    render::small::<types::DeleteWorkspaceBudgetResponse>(json!({"deleted": true}))
}
