//! Where the generated operations meet the mock's hand-written behaviour: [`handler`] maps each `OperationId` to
//! the function that implements it, the success status comes from the spec, and an operation without behaviour
//! answers 501.

use axum::http::header::LOCATION;
use axum::http::{HeaderValue, StatusCode};
use openrouter_mgmt_gen::OperationId;
use serde_json::Value;

use crate::errors::{ApiError, Reply};
use crate::request::Request;
use crate::routes::BASE_PATH;
use crate::state::State;
use crate::{
    account, analytics, assignments, byok, external_users, guardrails, keys, observability,
    private_endpoints, private_providers, scim, workspaces,
};

/// An operation's behaviour: the success body (its status is the spec's), or an error answer.
pub(crate) type Handler = fn(&mut State, &Request<'_>) -> Result<Value, ApiError>;

/// The behaviour of each operation; `None` for an operation of the spec the mock does not implement yet.
pub(crate) fn handler(operation: OperationId) -> Option<Handler> {
    use OperationId as Op;
    let handler: Handler = match operation {
        Op::GetCurrentKey => keys::current,
        Op::List => keys::list,
        Op::CreateKeys => keys::create,
        Op::GetKey => keys::get,
        Op::UpdateKeys => keys::update,
        Op::DeleteKeys => keys::delete,
        Op::ListGuardrails => guardrails::list,
        Op::CreateGuardrail => guardrails::create,
        Op::GetGuardrail => guardrails::get,
        Op::UpdateGuardrail => guardrails::update,
        Op::DeleteGuardrail => guardrails::delete,
        Op::ListKeyAssignments => assignments::list_all_keys,
        Op::ListMemberAssignments => assignments::list_all_members,
        Op::ListGuardrailKeyAssignments => assignments::list_keys,
        Op::ListGuardrailMemberAssignments => assignments::list_members,
        Op::BulkAssignKeysToGuardrail => assignments::assign_keys,
        Op::BulkUnassignKeysFromGuardrail => assignments::unassign_keys,
        Op::BulkAssignMembersToGuardrail => assignments::assign_members,
        Op::BulkUnassignMembersFromGuardrail => assignments::unassign_members,
        Op::ListWorkspaces => workspaces::list,
        Op::CreateWorkspace => workspaces::create,
        Op::GetWorkspace => workspaces::get,
        Op::UpdateWorkspace => workspaces::update,
        Op::DeleteWorkspace => workspaces::delete,
        Op::ListWorkspaceMembers => workspaces::list_members,
        Op::BulkAddWorkspaceMembers => workspaces::add_members,
        Op::BulkRemoveWorkspaceMembers => workspaces::remove_members,
        Op::ListWorkspaceBudgets => workspaces::list_budgets,
        Op::GetWorkspaceBudget => workspaces::get_budget,
        Op::UpsertWorkspaceBudget => workspaces::upsert_budget,
        Op::DeleteWorkspaceBudget => workspaces::delete_budget,
        Op::GetCredits => account::credits,
        Op::ListOrganizationMembers => account::members,
        Op::GetOrganizationSettings => account::settings,
        Op::UpdateOrganizationSettings => account::update_settings,
        Op::SubmitGenerationFeedback => account::feedback,
        Op::ListByokKeys => byok::list,
        Op::CreateByokKey => byok::create,
        Op::GetByokKey => byok::get,
        Op::UpdateByokKey => byok::update,
        Op::DeleteByokKey => byok::delete,
        Op::ListExternalUsers => external_users::list,
        Op::CreateExternalUser => external_users::create,
        Op::GetExternalUser => external_users::get,
        Op::UpdateExternalUser => external_users::update,
        Op::DeleteExternalUser => external_users::delete,
        Op::ListPrivateProviders => private_providers::list,
        Op::CreatePrivateProvider => private_providers::create,
        Op::GetPrivateProvider => private_providers::get,
        Op::UpdatePrivateProvider => private_providers::update,
        Op::DeletePrivateProvider => private_providers::delete,
        Op::GetUserActivity => analytics::activity,
        Op::GetAnalyticsMeta => analytics::meta,
        Op::QueryAnalytics => analytics::query,
        Op::ListScimGroups => scim::groups,
        Op::ListScimGroupMappings => scim::mappings,
        Op::CreateScimGroupMapping => scim::create_mapping,
        Op::GetScimGroupMapping => scim::get_mapping,
        Op::UpdateScimGroupMapping => scim::update_mapping,
        Op::DeleteScimGroupMapping => scim::delete_mapping,
        Op::CreateScimSyncJob => scim::start_sync,
        Op::GetScimSyncJob => scim::sync_job,
        Op::ListPrivateEndpoints => private_endpoints::list,
        Op::CreatePrivateEndpoint => private_endpoints::create,
        Op::GetPrivateEndpoint => private_endpoints::get,
        Op::UpdatePrivateEndpoint => private_endpoints::update,
        Op::DeletePrivateEndpoint => private_endpoints::delete,
        Op::ActivatePrivateEndpoint => private_endpoints::activate,
        Op::DisablePrivateEndpoint => private_endpoints::disable,
        Op::EnablePrivateEndpoint => private_endpoints::enable,
        Op::ValidatePrivateEndpoint => private_endpoints::validate,
        Op::UpdatePrivateEndpointParameters => private_endpoints::set_parameters,
        Op::UpdatePrivateEndpointPricing => private_endpoints::set_pricing,
        Op::ListObservabilityDestinations => observability::list,
        Op::CreateObservabilityDestination => observability::create,
        Op::GetObservabilityDestination => observability::get,
        Op::UpdateObservabilityDestination => observability::update,
        Op::DeleteObservabilityDestination => observability::delete,
        _ => return None,
    };
    Some(handler)
}

/// Runs the request's operation: its handler's body with the spec's success status, or the handler's error, or
/// 501 if the operation has no behaviour.
pub(crate) fn run(state: &mut State, request: &Request<'_>) -> Result<Reply, ApiError> {
    let operation = request.operation;
    let handler = handler(operation).ok_or_else(|| no_behaviour(operation))?;
    let body = handler(state, request)?;
    let info = operation.info();
    let status = StatusCode::from_u16(info.success_status).unwrap_or(StatusCode::OK);
    let mut reply = Reply::with_status(status, body);
    // An accepted job (202) names where to poll it, as the spec's required `Location` header says.
    if status == StatusCode::ACCEPTED
        && let Some(id) = reply.body["data"]["id"].as_str()
        && let Ok(location) =
            HeaderValue::from_str(&format!("{BASE_PATH}{}/{id}", info.path_template))
    {
        reply.headers.push((LOCATION, location));
    }
    Ok(reply)
}

/// Runs an operation as a management-key request with this JSON body and no parameters would (seeding and
/// churn make resources this way, so that they are exactly what the API would have stored).
pub(crate) fn run_as_management(
    state: &mut State,
    operation: OperationId,
    body: &Value,
) -> Result<Reply, ApiError> {
    run_as_management_on(
        state,
        operation,
        &crate::routes::PathParams::default(),
        &crate::pagination::Query::parse(None),
        Some(body),
    )
}

/// Runs an operation as a management-key request with these path parameters, this query and this JSON body (none:
/// an empty body) would; [`run_as_management`] for one with a body only (churn deletes workspaces this way).
pub(crate) fn run_as_management_on(
    state: &mut State,
    operation: OperationId,
    params: &crate::routes::PathParams,
    query: &crate::pagination::Query,
    body: Option<&Value>,
) -> Result<Reply, ApiError> {
    let bytes = body.map_or_else(Vec::new, |body| {
        serde_json::to_vec(body).expect("a JSON value always serializes")
    });
    let headers = axum::http::HeaderMap::new();
    let request = Request {
        operation,
        caller: &crate::auth::Caller::Management,
        params,
        query,
        headers: &headers,
        body: &bytes,
    };
    run(state, &request)
}

/// The 501 an operation without behaviour answers, in the error envelope.
pub(crate) fn no_behaviour(operation: OperationId) -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        format!("openrouter-mgmt-mock has no behaviour for {operation} yet"),
    )
}

/// The operations of the spec the mock answers with 501 because it has no behaviour for them yet, in spec
/// order. Empty when the mock covers the whole spec.
pub fn operations_without_behaviour() -> Vec<OperationId> {
    OperationId::ALL
        .into_iter()
        .filter(|op| handler(*op).is_none())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Caller;
    use crate::pagination::Query;
    use crate::routes::PathParams;
    use serde_json::json;

    #[test]
    fn the_501_reply_is_the_envelope_naming_the_operation() {
        let reply = Reply::from(no_behaviour(OperationId::ListKeyAssignments));
        assert_eq!(reply.status, StatusCode::NOT_IMPLEMENTED);
        assert_eq!(
            reply.body,
            json!({"error": {"code": 501, "message":
                "openrouter-mgmt-mock has no behaviour for list_key_assignments yet"}})
        );
    }

    #[test]
    fn success_statuses_come_from_the_spec() {
        let mut state = State::new(crate::rng::Rng::new(1), None);
        let (params, query, headers) = (
            PathParams::default(),
            Query::parse(None),
            axum::http::HeaderMap::new(),
        );
        let request = |operation, body: &'static [u8]| Request {
            operation,
            caller: &Caller::Management,
            params: &params,
            query: &query,
            headers: &headers,
            body,
        };
        let reply = run(
            &mut state,
            &request(OperationId::CreateKeys, br#"{"name":"k"}"#),
        )
        .unwrap();
        assert_eq!(reply.status, StatusCode::CREATED);
        let reply = run(&mut state, &request(OperationId::List, b"")).unwrap();
        assert_eq!(reply.status, StatusCode::OK);
        let err = run(&mut state, &request(OperationId::GetKey, b"")).unwrap_err();
        assert_eq!(
            err.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "no {{hash}} given"
        );
    }
}
