//! Guardrail assignments of keys and members: the four lists (offset/limit/total_count, oldest first) and the
//! four bulk set operations. A key or member holds at most one guardrail, so assigning moves it.
//!
//! Counts are "how many changed": `assigned_count` counts distinct ids newly assigned to this guardrail or moved
//! to it from another (ids already on it, and unknown key hashes or user ids, are skipped and not counted);
//! `unassigned_count` counts distinct ids that were assigned to this guardrail. Repeating a request therefore
//! changes nothing and answers 0, which is what makes these operations safe to retry.

use std::collections::HashSet;

use openrouter_mgmt_gen::types;

use crate::body;
use crate::errors::{ApiError, Reply};
use crate::guardrails::existing_id;
use crate::pagination::Query;
use crate::render;
use crate::state::{AssignOutcome, State};

/// `GET /guardrails/assignments/keys`: every key assignment of the organization.
pub(crate) fn list_all_keys(state: &State, query: &Query) -> Result<Reply, ApiError> {
    let (offset, limit) = (query.offset()?, query.limit()?);
    let total = state.key_assignments().count();
    let page = state.key_assignments().skip(offset).take(limit);
    Ok(Reply::ok(render::key_assignment_page(state, page, total)))
}

/// `GET /guardrails/assignments/members`: every member assignment of the organization.
pub(crate) fn list_all_members(state: &State, query: &Query) -> Result<Reply, ApiError> {
    let (offset, limit) = (query.offset()?, query.limit()?);
    let total = state.member_assignments().count();
    let page = state.member_assignments().skip(offset).take(limit);
    Ok(Reply::ok(render::member_assignment_page(
        state, page, total,
    )))
}

/// `GET /guardrails/{id}/assignments/keys`.
pub(crate) fn list_keys(state: &State, raw_id: &str, query: &Query) -> Result<Reply, ApiError> {
    let (offset, limit) = (query.offset()?, query.limit()?);
    let id = existing_id(state, raw_id)?;
    let matching = || {
        state
            .key_assignments()
            .filter(move |a| a.guardrail_id == id)
    };
    let total = matching().count();
    let page = matching().skip(offset).take(limit);
    Ok(Reply::ok(render::key_assignment_page(state, page, total)))
}

/// `GET /guardrails/{id}/assignments/members`.
pub(crate) fn list_members(state: &State, raw_id: &str, query: &Query) -> Result<Reply, ApiError> {
    let (offset, limit) = (query.offset()?, query.limit()?);
    let id = existing_id(state, raw_id)?;
    let matching = || {
        state
            .member_assignments()
            .filter(move |a| a.guardrail_id == id)
    };
    let total = matching().count();
    let page = matching().skip(offset).take(limit);
    Ok(Reply::ok(render::member_assignment_page(
        state, page, total,
    )))
}

/// Distinct ids in request order, or a 400 for an empty list (`minItems: 1`).
fn distinct(field: &str, ids: Vec<String>) -> Result<Vec<String>, ApiError> {
    if ids.is_empty() {
        return Err(ApiError::bad_request(format!(
            "`{field}` must have at least 1 item"
        )));
    }
    let mut seen = HashSet::new();
    Ok(ids
        .into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect())
}

fn changed(outcome: AssignOutcome) -> bool {
    matches!(outcome, AssignOutcome::Assigned | AssignOutcome::Moved)
}

/// `POST /guardrails/{id}/assignments/keys`.
pub(crate) fn assign_keys(state: &mut State, raw_id: &str, body: &[u8]) -> Result<Reply, ApiError> {
    let request: types::BulkAssignKeysRequest = body::parse(body)?;
    let hashes = distinct(
        "key_hashes",
        request.key_hashes.into_iter().map(String::from).collect(),
    )?;
    let id = existing_id(state, raw_id)?;
    let count = hashes
        .iter()
        .filter(|h| changed(state.assign_key(h, id)))
        .count();
    let body = types::BulkAssignKeysResponse {
        assigned_count: render::count(count),
    };
    Ok(Reply::ok(render::to_value(&body)))
}

/// `POST /guardrails/{id}/assignments/keys/remove`.
pub(crate) fn unassign_keys(
    state: &mut State,
    raw_id: &str,
    body: &[u8],
) -> Result<Reply, ApiError> {
    let request: types::BulkUnassignKeysRequest = body::parse(body)?;
    let hashes = distinct(
        "key_hashes",
        request.key_hashes.into_iter().map(String::from).collect(),
    )?;
    let id = existing_id(state, raw_id)?;
    let count = hashes.iter().filter(|h| state.unassign_key(h, id)).count();
    let body = types::BulkUnassignKeysResponse {
        unassigned_count: render::count(count),
    };
    Ok(Reply::ok(render::to_value(&body)))
}

/// `POST /guardrails/{id}/assignments/members`.
pub(crate) fn assign_members(
    state: &mut State,
    raw_id: &str,
    body: &[u8],
) -> Result<Reply, ApiError> {
    let request: types::BulkAssignMembersRequest = body::parse(body)?;
    let users = distinct(
        "member_user_ids",
        request
            .member_user_ids
            .into_iter()
            .map(String::from)
            .collect(),
    )?;
    let id = existing_id(state, raw_id)?;
    let count = users
        .iter()
        .filter(|u| changed(state.assign_member(u, id)))
        .count();
    let body = types::BulkAssignMembersResponse {
        assigned_count: render::count(count),
    };
    Ok(Reply::ok(render::to_value(&body)))
}

/// `POST /guardrails/{id}/assignments/members/remove`.
pub(crate) fn unassign_members(
    state: &mut State,
    raw_id: &str,
    body: &[u8],
) -> Result<Reply, ApiError> {
    let request: types::BulkUnassignMembersRequest = body::parse(body)?;
    let users = distinct(
        "member_user_ids",
        request
            .member_user_ids
            .into_iter()
            .map(String::from)
            .collect(),
    )?;
    let id = existing_id(state, raw_id)?;
    let count = users
        .iter()
        .filter(|u| state.unassign_member(u, id))
        .count();
    let body = types::BulkUnassignMembersResponse {
        unassigned_count: render::count(count),
    };
    Ok(Reply::ok(render::to_value(&body)))
}
