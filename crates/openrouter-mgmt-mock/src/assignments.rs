//! Guardrail assignments of keys and members: the four lists (offset/limit/total_count, oldest first) and the
//! four bulk set operations. A key or member holds at most one guardrail, so assigning moves it.
//!
//! Counts are "how many changed": `assigned_count` counts distinct ids newly assigned to this guardrail or moved
//! to it from another (ids already on it, and unknown key hashes or user ids, are skipped and not counted);
//! `unassigned_count` counts distinct ids that were assigned to this guardrail. Repeating a request therefore
//! changes nothing and answers 0, which is what makes these operations safe to retry.

use std::collections::HashSet;

use openrouter_mgmt_gen::types;
use serde_json::{Value, json};

use crate::errors::ApiError;
use crate::guardrails::path_id;
use crate::render;
use crate::request::Request;
use crate::state::{AssignOutcome, State};

/// `list_key_assignments`: every key assignment of the organization.
pub(crate) fn list_all_keys(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let total = state.key_assignments().count();
    let page = state.key_assignments().skip(offset).take(limit);
    render::key_assignment_page(state, page, total)
}

/// `list_member_assignments`: every member assignment of the organization.
pub(crate) fn list_all_members(
    state: &mut State,
    request: &Request<'_>,
) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let total = state.member_assignments().count();
    let page = state.member_assignments().skip(offset).take(limit);
    render::member_assignment_page(state, page, total)
}

/// `list_guardrail_key_assignments`.
pub(crate) fn list_keys(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let id = path_id(state, request)?;
    let matching = || {
        state
            .key_assignments()
            .filter(move |a| a.guardrail_id == id)
    };
    let total = matching().count();
    let page = matching().skip(offset).take(limit);
    render::key_assignment_page(state, page, total)
}

/// `list_guardrail_member_assignments`.
pub(crate) fn list_members(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let (offset, limit) = request.page()?;
    let id = path_id(state, request)?;
    let matching = || {
        state
            .member_assignments()
            .filter(move |a| a.guardrail_id == id)
    };
    let total = matching().count();
    let page = matching().skip(offset).take(limit);
    render::member_assignment_page(state, page, total)
}

/// Distinct ids in request order (the generated checks already refused an empty list or an empty id).
fn distinct<T: AsRef<str>>(ids: &[T]) -> Vec<String> {
    let mut seen = HashSet::new();
    ids.iter()
        .map(|id| id.as_ref().to_owned())
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

fn changed(outcome: AssignOutcome) -> bool {
    matches!(outcome, AssignOutcome::Assigned | AssignOutcome::Moved)
}

/// `bulk_assign_keys_to_guardrail`.
pub(crate) fn assign_keys(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::BulkAssignKeysRequest = request.body()?;
    let hashes = distinct(&body.key_hashes);
    let id = path_id(state, request)?;
    let count = hashes
        .iter()
        .filter(|h| changed(state.assign_key(h, id)))
        .count();
    render::small::<types::BulkAssignKeysResponse>(json!({"assigned_count": count}))
}

/// `bulk_unassign_keys_from_guardrail`.
pub(crate) fn unassign_keys(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::BulkUnassignKeysRequest = request.body()?;
    let hashes = distinct(&body.key_hashes);
    let id = path_id(state, request)?;
    let count = hashes.iter().filter(|h| state.unassign_key(h, id)).count();
    render::small::<types::BulkUnassignKeysResponse>(json!({"unassigned_count": count}))
}

/// `bulk_assign_members_to_guardrail`.
pub(crate) fn assign_members(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::BulkAssignMembersRequest = request.body()?;
    let users = distinct(&body.member_user_ids);
    let id = path_id(state, request)?;
    let count = users
        .iter()
        .filter(|u| changed(state.assign_member(u, id)))
        .count();
    render::small::<types::BulkAssignMembersResponse>(json!({"assigned_count": count}))
}

/// `bulk_unassign_members_from_guardrail`.
pub(crate) fn unassign_members(
    state: &mut State,
    request: &Request<'_>,
) -> Result<Value, ApiError> {
    let body: types::BulkUnassignMembersRequest = request.body()?;
    let users = distinct(&body.member_user_ids);
    let id = path_id(state, request)?;
    let count = users
        .iter()
        .filter(|u| state.unassign_member(u, id))
        .count();
    render::small::<types::BulkUnassignMembersResponse>(json!({"unassigned_count": count}))
}
