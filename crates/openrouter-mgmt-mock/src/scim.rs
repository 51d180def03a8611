//! The behaviour of the SCIM operations: the directory's groups (three, there from the start, read-only as in the
//! API), group-to-workspace mappings (one per group and workspace: the same role again re-applies it, another role
//! is a 409; unknown groups or workspaces are 404; deleting needs `keep_members`) and sync jobs, which move from
//! `queued` to `running` to `succeeded` one step per read.

use axum::http::StatusCode;
use openrouter_mgmt_gen::types;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::errors::ApiError;
use crate::render;
use crate::request::Request;
use crate::state::State;

/// The uuid path parameter `{id}`, or a 404 (a non-UUID names nothing).
fn path_uuid(request: &Request<'_>, what: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(request.param("id")?)
        .map_err(|_| ApiError::not_found(format!("{what} not found")))
}

fn mapping_position(state: &State, request: &Request<'_>) -> Result<usize, ApiError> {
    let id = path_uuid(request, "Group mapping")?;
    state
        .scim_mappings
        .iter()
        .position(|m| m.id == id)
        .ok_or_else(|| ApiError::not_found("Group mapping not found"))
}

/// `list_scim_groups`: filtered by exact `display_name` and `external_id`.
pub(crate) fn groups(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let (name, external) = (
        request.query.text("display_name"),
        request.query.text("external_id"),
    );
    let matching: Vec<&types::ScimGroup> = state
        .scim_groups
        .iter()
        .filter(|g| name.is_none_or(|n| g.display_name == n))
        .filter(|g| external.is_none_or(|e| g.external_id.as_deref() == Some(e)))
        .collect();
    let page: Vec<&types::ScimGroup> = matching.iter().skip(offset).take(limit).copied().collect();
    render::conform::<types::ListScimGroupsResponse, types::ScimGroup>(
        json!({"data": page, "total_count": matching.len()}),
    )
}

/// `list_scim_group_mappings`.
pub(crate) fn mappings(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let all = &state.scim_mappings;
    let page: Vec<&types::ScimGroupMapping> = all.iter().skip(offset).take(limit).collect();
    render::conform::<types::ListScimGroupMappingsResponse, types::ScimGroupMapping>(
        json!({"data": page, "total_count": all.len()}),
    )
}

/// `create_scim_group_mapping`.
pub(crate) fn create_mapping(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::CreateScimGroupMappingRequest = request.body()?;
    if !body.role.is_known() {
        return Err(ApiError::bad_request(format!(
            "Unknown role {:?}",
            body.role.as_str()
        )));
    }
    if !state.scim_groups.iter().any(|g| g.id == body.scim_group_id) {
        return Err(ApiError::not_found("SCIM group not found"));
    }
    if state.workspaces.by_id(body.workspace_id).is_none() {
        return Err(ApiError::not_found("Workspace not found"));
    }
    let now = state.now();
    let existing = state
        .scim_mappings
        .iter_mut()
        .find(|m| m.scim_group_id == body.scim_group_id && m.workspace_id == body.workspace_id);
    let mapping = match existing {
        Some(m) if m.role.as_str() != body.role.as_str() => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "The group is already mapped to this workspace with another role",
            ));
        }
        Some(m) => {
            m.updated_at = now;
            m.clone()
        }
        None => {
            let mapping: types::ScimGroupMapping = render::typed(json!({
                "created_at": now,
                "id": state.rng.uuid(),
                "organization_id": state.organization_id,
                "role": body.role.as_str(),
                "scim_group_id": body.scim_group_id,
                "updated_at": now,
                "workspace_id": body.workspace_id,
            }))?;
            state.scim_mappings.push(mapping.clone());
            mapping
        }
    };
    render::small::<types::CreateScimGroupMappingResponse>(json!({ "data": mapping }))
}

/// `get_scim_group_mapping`.
pub(crate) fn get_mapping(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let i = mapping_position(state, request)?;
    render::small::<types::GetScimGroupMappingResponse>(json!({ "data": state.scim_mappings[i] }))
}

/// `update_scim_group_mapping`: a new role.
pub(crate) fn update_mapping(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::UpdateScimGroupMappingRequest = request.body()?;
    if !body.role.is_known() {
        return Err(ApiError::bad_request(format!(
            "Unknown role {:?}",
            body.role.as_str()
        )));
    }
    let i = mapping_position(state, request)?;
    let now = state.now();
    let mut mapping = render::to_value(&state.scim_mappings[i]);
    mapping["role"] = json!(body.role.as_str());
    mapping["updated_at"] = json!(now);
    let mapping: types::ScimGroupMapping = render::typed(mapping)?;
    state.scim_mappings[i] = mapping.clone();
    render::small::<types::UpdateScimGroupMappingResponse>(json!({ "data": mapping }))
}

/// `delete_scim_group_mapping`: `keep_members` (required) is `true` or `false`.
pub(crate) fn delete_mapping(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    if request.query.text("keep_members").is_none() {
        return Err(ApiError::bad_request("`keep_members` is required"));
    }
    request.query.flag("keep_members")?;
    let i = mapping_position(state, request)?;
    state.scim_mappings.remove(i);
    render::small::<types::DeleteScimGroupMappingResponse>(json!({"deleted": true}))
}

/// `create_scim_sync_job`: queued.
pub(crate) fn start_sync(state: &mut State, _: &Request<'_>) -> Result<Value, ApiError> {
    let job: types::ScimSyncJob = render::typed(json!({
        "created_at": state.now(),
        "deleted_groups": null,
        "error_message": null,
        "finished_at": null,
        "id": state.rng.uuid(),
        "started_at": null,
        "status": "queued",
        "synced_groups": null,
    }))?;
    state.scim_jobs.push(job.clone());
    render::small::<types::CreateScimSyncJobResponse>(json!({ "data": job }))
}

/// `get_scim_sync_job`: each read moves the job one step (queued → running → succeeded, with the group count).
pub(crate) fn sync_job(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let id = path_uuid(request, "Sync job")?;
    let i = state
        .scim_jobs
        .iter()
        .position(|j| j.id == id)
        .ok_or_else(|| ApiError::not_found("Sync job not found"))?;
    let now = state.now();
    let groups = state.scim_groups.len();
    let mut job = render::to_value(&state.scim_jobs[i]);
    match job["status"].as_str() {
        Some("queued") => {
            job["status"] = json!("running");
            job["started_at"] = json!(now);
        }
        Some("running") => {
            job["status"] = json!("succeeded");
            job["finished_at"] = json!(now);
            job["synced_groups"] = json!(groups);
            job["deleted_groups"] = json!(0);
        }
        _ => {}
    }
    let job: types::ScimSyncJob = render::typed(job)?;
    state.scim_jobs[i] = job.clone();
    render::small::<types::GetScimSyncJobResponse>(json!({ "data": job }))
}
