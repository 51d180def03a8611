//! One test per operation of the generated client: each calls the method against the loopback server and asserts
//! the exact method, path, query, headers and JSON body on the wire, and the decoded response.

use std::num::NonZeroU64;

use axum::http::Method;
use openrouter_mgmt_gen::open_enums::{
    ContentFilterAction, ContentFilterBuiltinAction, ContentFilterBuiltinSlug,
    CreateKeysBodyLimitReset, GuardrailInterval, UpdateKeysBodyLimitReset,
};
use openrouter_mgmt_gen::types;
use serde_json::{Value, json};

use crate::fixtures::{
    ASSIGNED_KEY_HASH, GUARDRAIL_ID, KEY_HASH, WORKSPACE_ID, api_key, created_key_response,
    current_key_response, guardrail, key_assignment, member_assignment,
};
use crate::loopback::{LoopbackServer, Recorded, Route, client_for};

/// Asserts everything about one request: method, raw path, raw query, JSON body (or none) and the headers the
/// generated client always sends.
fn assert_request(
    request: &Recorded,
    method: Method,
    path: &str,
    query: Option<&str>,
    body: Option<Value>,
) {
    assert_eq!(request.method, method, "method of {request:?}");
    assert_eq!(request.path, path, "path of {request:?}");
    assert_eq!(request.query.as_deref(), query, "query of {request:?}");
    assert_eq!(request.header("accept"), Some("application/json"));
    assert_eq!(request.header("api-version"), Some("1.0.0"));
    assert_eq!(
        request.header("authorization"),
        None,
        "the generated client adds no credentials"
    );
    match body {
        Some(expected) => {
            assert_eq!(request.header("content-type"), Some("application/json"));
            assert_eq!(request.json(), expected, "body of {method} {path}");
        }
        None => {
            assert_eq!(request.header("content-type"), None);
            assert!(
                request.body.is_empty(),
                "unexpected body: {:?}",
                request.body
            );
        }
    }
}

fn guardrail_path(suffix: &str) -> String {
    format!("/guardrails/{GUARDRAIL_ID}{suffix}")
}

fn page(items: Value) -> Value {
    json!({"data": [items], "total_count": 1})
}

#[tokio::test]
async fn list_guardrails_sends_paging_and_workspace_query() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        "/guardrails",
        200,
        &page(guardrail()),
    )])
    .await;
    let client = client_for(&server);

    let response = client
        .list_guardrails(NonZeroU64::new(25), Some(50), Some(&WORKSPACE_ID))
        .await
        .expect("list_guardrails");
    assert_eq!(response.status().as_u16(), 200);
    let list: types::ListGuardrailsResponse = response.into_inner();
    assert_eq!(list.total_count, 1);
    assert_eq!(list.data[0].id, GUARDRAIL_ID);
    assert_eq!(
        list.data[0].reset_interval,
        Some(GuardrailInterval::Monthly)
    );

    let defaults = client
        .list_guardrails(None, None, None)
        .await
        .expect("list_guardrails without parameters")
        .into_inner();
    assert_eq!(defaults, list);

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_request(
        &requests[0],
        Method::GET,
        "/guardrails",
        Some("limit=25&offset=50&workspace_id=0df9e665-d932-5740-b2c7-b52af166bc11"),
        None,
    );
    assert_request(&requests[1], Method::GET, "/guardrails", None, None);
}

#[tokio::test]
async fn create_guardrail_posts_the_body_and_decodes_201() {
    let mut created = guardrail();
    created["name"] = json!("My New Guardrail");
    created["limit_usd"] = json!(50);
    created["content_filter_builtins"] =
        json!([{"action": "redact", "label": "[EMAIL]", "slug": "email"}]);
    let server = LoopbackServer::start(vec![Route::json(
        Method::POST,
        "/guardrails",
        201,
        &json!({ "data": created }),
    )])
    .await;
    let client = client_for(&server);

    let body = types::CreateGuardrailRequest {
        allowed_models: None,
        allowed_providers: Some(vec!["openai".into(), "anthropic".into(), "deepseek".into()]),
        content_filter_builtins: Some(vec![types::ContentFilterBuiltinEntryInput {
            action: ContentFilterBuiltinAction::Redact,
            label: None,
            scan_scope: None,
            slug: ContentFilterBuiltinSlug::Email,
        }]),
        content_filters: Some(vec![types::ContentFilterEntry {
            action: ContentFilterAction::Block,
            label: Some("[API_KEY]".try_into().expect("label")),
            pattern: r"\b(sk-[a-zA-Z0-9]{48})\b".try_into().expect("pattern"),
        }]),
        description: Some(
            "A guardrail for limiting API usage"
                .try_into()
                .expect("description"),
        ),
        enable_free_model_publication: None,
        enable_free_model_training: None,
        enable_paid_model_training: None,
        enforce_zdr: None,
        enforce_zdr_anthropic: Some(true),
        enforce_zdr_google: Some(false),
        enforce_zdr_openai: Some(true),
        enforce_zdr_other: Some(false),
        enforce_zdr_xai: Some(false),
        ignored_models: None,
        ignored_providers: None,
        include_byok_in_budgets: None,
        limit_usd: Some(50.0),
        name: "My New Guardrail".try_into().expect("name"),
        reset_interval: Some(GuardrailInterval::Monthly),
        workspace_id: Some(WORKSPACE_ID),
    };
    let response = client
        .create_guardrail(&body)
        .await
        .expect("create_guardrail");
    assert_eq!(response.status().as_u16(), 201);
    let created: types::CreateGuardrailResponse = response.into_inner();
    assert_eq!(created.data.name, "My New Guardrail");
    assert_eq!(created.data.limit_usd, Some(50.0));
    assert_eq!(
        created.data.content_filter_builtins.expect("builtins")[0].slug,
        ContentFilterBuiltinSlug::Email
    );

    assert_request(
        &server.only_request(),
        Method::POST,
        "/guardrails",
        None,
        Some(json!({
            "allowed_providers": ["openai", "anthropic", "deepseek"],
            "content_filter_builtins": [{"action": "redact", "slug": "email"}],
            "content_filters": [{"action": "block", "label": "[API_KEY]", "pattern": "\\b(sk-[a-zA-Z0-9]{48})\\b"}],
            "description": "A guardrail for limiting API usage",
            "enforce_zdr_anthropic": true,
            "enforce_zdr_google": false,
            "enforce_zdr_openai": true,
            "enforce_zdr_other": false,
            "enforce_zdr_xai": false,
            "limit_usd": 50.0,
            "name": "My New Guardrail",
            "reset_interval": "monthly",
            "workspace_id": "0df9e665-d932-5740-b2c7-b52af166bc11"
        })),
    );
}

#[tokio::test]
async fn list_key_assignments_sends_paging_query() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        "/guardrails/assignments/keys",
        200,
        &page(key_assignment()),
    )])
    .await;
    let list: types::ListKeyAssignmentsResponse = client_for(&server)
        .list_key_assignments(NonZeroU64::new(100), Some(0))
        .await
        .expect("list_key_assignments")
        .into_inner();
    assert_eq!(list.total_count, 1);
    assert_eq!(list.data[0].key_hash, ASSIGNED_KEY_HASH);
    assert_eq!(list.data[0].assigned_by.as_deref(), Some("user_abc123"));
    assert_request(
        &server.only_request(),
        Method::GET,
        "/guardrails/assignments/keys",
        Some("limit=100&offset=0"),
        None,
    );
}

#[tokio::test]
async fn list_member_assignments_sends_paging_query() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        "/guardrails/assignments/members",
        200,
        &page(member_assignment()),
    )])
    .await;
    let list: types::ListMemberAssignmentsResponse = client_for(&server)
        .list_member_assignments(NonZeroU64::new(1), Some(7))
        .await
        .expect("list_member_assignments")
        .into_inner();
    assert_eq!(list.total_count, 1);
    assert_eq!(list.data[0].organization_id, "org_xyz789");
    assert_request(
        &server.only_request(),
        Method::GET,
        "/guardrails/assignments/members",
        Some("limit=1&offset=7"),
        None,
    );
}

#[tokio::test]
async fn get_guardrail_puts_the_id_in_the_path() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        guardrail_path(""),
        200,
        &json!({"data": guardrail()}),
    )])
    .await;
    let response = client_for(&server)
        .get_guardrail(&GUARDRAIL_ID)
        .await
        .expect("get_guardrail");
    assert_eq!(response.status().as_u16(), 200);
    let got: types::GetGuardrailResponse = response.into_inner();
    assert_eq!(got.data.id, GUARDRAIL_ID);
    assert_eq!(
        got.data.description.as_deref(),
        Some("Guardrail for production environment")
    );
    assert_request(
        &server.only_request(),
        Method::GET,
        "/guardrails/550e8400-e29b-41d4-a716-446655440000",
        None,
        None,
    );
}

#[tokio::test]
async fn delete_guardrail_sends_delete_without_body() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::DELETE,
        guardrail_path(""),
        200,
        &json!({"deleted": true}),
    )])
    .await;
    let deleted: types::DeleteGuardrailResponse = client_for(&server)
        .delete_guardrail(&GUARDRAIL_ID)
        .await
        .expect("delete_guardrail")
        .into_inner();
    assert!(deleted.deleted);
    assert_request(
        &server.only_request(),
        Method::DELETE,
        &guardrail_path(""),
        None,
        None,
    );
}

#[tokio::test]
async fn update_guardrail_patches_only_the_set_fields() {
    let mut updated = guardrail();
    updated["name"] = json!("Updated Guardrail Name");
    updated["description"] = json!("Updated description");
    updated["limit_usd"] = json!(75);
    updated["reset_interval"] = json!("weekly");
    let server = LoopbackServer::start(vec![Route::json(
        Method::PATCH,
        guardrail_path(""),
        200,
        &json!({ "data": updated }),
    )])
    .await;
    let body = types::UpdateGuardrailRequest {
        description: Some("Updated description".try_into().expect("description")),
        limit_usd: Some(75.0),
        name: Some("Updated Guardrail Name".try_into().expect("name")),
        reset_interval: Some(GuardrailInterval::Weekly),
        allowed_models: Some(Vec::new()),
        ..Default::default()
    };
    let got: types::UpdateGuardrailResponse = client_for(&server)
        .update_guardrail(&GUARDRAIL_ID, &body)
        .await
        .expect("update_guardrail")
        .into_inner();
    assert_eq!(got.data.name, "Updated Guardrail Name");
    assert_eq!(got.data.reset_interval, Some(GuardrailInterval::Weekly));
    assert_request(
        &server.only_request(),
        Method::PATCH,
        &guardrail_path(""),
        None,
        Some(json!({
            "allowed_models": [],
            "description": "Updated description",
            "limit_usd": 75.0,
            "name": "Updated Guardrail Name",
            "reset_interval": "weekly"
        })),
    );
}

#[tokio::test]
async fn list_guardrail_key_assignments_sends_id_and_paging() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        guardrail_path("/assignments/keys"),
        200,
        &page(key_assignment()),
    )])
    .await;
    let list: types::ListKeyAssignmentsResponse = client_for(&server)
        .list_guardrail_key_assignments(&GUARDRAIL_ID, NonZeroU64::new(50), Some(100))
        .await
        .expect("list_guardrail_key_assignments")
        .into_inner();
    assert_eq!(list.data[0].key_name, "Production Key");
    assert_request(
        &server.only_request(),
        Method::GET,
        &guardrail_path("/assignments/keys"),
        Some("limit=50&offset=100"),
        None,
    );
}

#[tokio::test]
async fn bulk_assign_keys_to_guardrail_posts_key_hashes() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::POST,
        guardrail_path("/assignments/keys"),
        200,
        &json!({"assigned_count": 2}),
    )])
    .await;
    let body = types::BulkAssignKeysRequest {
        key_hashes: vec![
            ASSIGNED_KEY_HASH.try_into().expect("hash"),
            KEY_HASH.try_into().expect("hash"),
        ],
    };
    let assigned: types::BulkAssignKeysResponse = client_for(&server)
        .bulk_assign_keys_to_guardrail(&GUARDRAIL_ID, &body)
        .await
        .expect("bulk_assign_keys_to_guardrail")
        .into_inner();
    assert_eq!(assigned.assigned_count, 2);
    assert_request(
        &server.only_request(),
        Method::POST,
        &guardrail_path("/assignments/keys"),
        None,
        Some(json!({"key_hashes": [ASSIGNED_KEY_HASH, KEY_HASH]})),
    );
}

#[tokio::test]
async fn bulk_unassign_keys_from_guardrail_posts_to_remove() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::POST,
        guardrail_path("/assignments/keys/remove"),
        200,
        &json!({"unassigned_count": 1}),
    )])
    .await;
    let body = types::BulkUnassignKeysRequest {
        key_hashes: vec![ASSIGNED_KEY_HASH.try_into().expect("hash")],
    };
    let unassigned: types::BulkUnassignKeysResponse = client_for(&server)
        .bulk_unassign_keys_from_guardrail(&GUARDRAIL_ID, &body)
        .await
        .expect("bulk_unassign_keys_from_guardrail")
        .into_inner();
    assert_eq!(unassigned.unassigned_count, 1);
    assert_request(
        &server.only_request(),
        Method::POST,
        &guardrail_path("/assignments/keys/remove"),
        None,
        Some(json!({"key_hashes": [ASSIGNED_KEY_HASH]})),
    );
}

#[tokio::test]
async fn list_guardrail_member_assignments_sends_id_and_paging() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        guardrail_path("/assignments/members"),
        200,
        &page(member_assignment()),
    )])
    .await;
    let client = client_for(&server);
    let list: types::ListMemberAssignmentsResponse = client
        .list_guardrail_member_assignments(&GUARDRAIL_ID, None, Some(0))
        .await
        .expect("list_guardrail_member_assignments")
        .into_inner();
    assert_eq!(list.data[0].user_id, "user_abc123");
    assert_request(
        &server.only_request(),
        Method::GET,
        &guardrail_path("/assignments/members"),
        Some("offset=0"),
        None,
    );
}

#[tokio::test]
async fn bulk_assign_members_to_guardrail_posts_user_ids() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::POST,
        guardrail_path("/assignments/members"),
        200,
        &json!({"assigned_count": 2}),
    )])
    .await;
    let body = types::BulkAssignMembersRequest {
        member_user_ids: vec![
            "user_abc123".try_into().expect("id"),
            "user_def456".try_into().expect("id"),
        ],
    };
    let assigned: types::BulkAssignMembersResponse = client_for(&server)
        .bulk_assign_members_to_guardrail(&GUARDRAIL_ID, &body)
        .await
        .expect("bulk_assign_members_to_guardrail")
        .into_inner();
    assert_eq!(assigned.assigned_count, 2);
    assert_request(
        &server.only_request(),
        Method::POST,
        &guardrail_path("/assignments/members"),
        None,
        Some(json!({"member_user_ids": ["user_abc123", "user_def456"]})),
    );
}

#[tokio::test]
async fn bulk_unassign_members_from_guardrail_posts_to_remove() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::POST,
        guardrail_path("/assignments/members/remove"),
        200,
        &json!({"unassigned_count": 2}),
    )])
    .await;
    let body = types::BulkUnassignMembersRequest {
        member_user_ids: vec![
            "user_abc123".try_into().expect("id"),
            "user_def456".try_into().expect("id"),
        ],
    };
    let unassigned: types::BulkUnassignMembersResponse = client_for(&server)
        .bulk_unassign_members_from_guardrail(&GUARDRAIL_ID, &body)
        .await
        .expect("bulk_unassign_members_from_guardrail")
        .into_inner();
    assert_eq!(unassigned.unassigned_count, 2);
    assert_request(
        &server.only_request(),
        Method::POST,
        &guardrail_path("/assignments/members/remove"),
        None,
        Some(json!({"member_user_ids": ["user_abc123", "user_def456"]})),
    );
}

#[tokio::test]
async fn get_current_key_sends_plain_get() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        "/key",
        200,
        &current_key_response(),
    )])
    .await;
    let current: types::GetCurrentKeyResponse = client_for(&server)
        .get_current_key()
        .await
        .expect("get_current_key")
        .into_inner();
    assert_eq!(current.data.label, "sk-or-v1-au7...890");
    assert_eq!(current.data.limit_remaining, Some(74.5));
    assert_eq!(current.data.rate_limit.requests, 1000);
    assert!(!current.data.is_management_key);
    assert_request(&server.only_request(), Method::GET, "/key", None, None);
}

#[tokio::test]
async fn list_keys_sends_include_disabled_offset_and_workspace() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        "/keys",
        200,
        &json!({"data": [api_key()]}),
    )])
    .await;
    let client = client_for(&server);
    let keys: types::ListResponse = client
        .list(Some(true), Some(100), Some(&WORKSPACE_ID))
        .await
        .expect("list")
        .into_inner();
    assert_eq!(keys.data.len(), 1);
    assert_eq!(keys.data[0].hash, KEY_HASH);
    assert_eq!(keys.data[0].limit_reset.as_deref(), Some("monthly"));
    client.list(Some(false), None, None).await.expect("list");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_request(
        &requests[0],
        Method::GET,
        "/keys",
        Some("include_disabled=true&offset=100&workspace_id=0df9e665-d932-5740-b2c7-b52af166bc11"),
        None,
    );
    assert_request(
        &requests[1],
        Method::GET,
        "/keys",
        Some("include_disabled=false"),
        None,
    );
}

#[tokio::test]
async fn create_keys_posts_the_body_and_decodes_201_with_secret() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::POST,
        "/keys",
        201,
        &created_key_response(),
    )])
    .await;
    let body = types::CreateKeysBody {
        creator_user_id: None,
        expires_at: Some("2027-12-31T23:59:59Z".parse().expect("timestamp")),
        include_byok_in_limit: Some(true),
        limit: Some(50.0),
        limit_reset: Some(CreateKeysBodyLimitReset::Monthly),
        name: "My New API Key".try_into().expect("name"),
        workspace_id: None,
    };
    let response = client_for(&server)
        .create_keys(&body)
        .await
        .expect("create_keys");
    assert_eq!(response.status().as_u16(), 201);
    let created: types::CreateKeysResponse = response.into_inner();
    assert!(created.key.starts_with("sk-or-v1-"));
    assert_eq!(created.data.hash, KEY_HASH);
    assert_eq!(created.data.updated_at, None);
    assert_eq!(created.data.limit, Some(50.0));
    assert_request(
        &server.only_request(),
        Method::POST,
        "/keys",
        None,
        Some(json!({
            "expires_at": "2027-12-31T23:59:59Z",
            "include_byok_in_limit": true,
            "limit": 50.0,
            "limit_reset": "monthly",
            "name": "My New API Key"
        })),
    );
}

#[tokio::test]
async fn get_key_puts_the_hash_in_the_path() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::GET,
        format!("/keys/{KEY_HASH}"),
        200,
        &json!({"data": api_key()}),
    )])
    .await;
    let key: types::GetKeyResponse = client_for(&server)
        .get_key(KEY_HASH)
        .await
        .expect("get_key")
        .into_inner();
    assert_eq!(key.data.name, "My Production Key");
    assert_eq!(
        key.data.expires_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2027-12-31T23:59:59+00:00")
    );
    assert_request(
        &server.only_request(),
        Method::GET,
        &format!("/keys/{KEY_HASH}"),
        None,
        None,
    );
}

#[tokio::test]
async fn delete_keys_sends_delete_without_body() {
    let server = LoopbackServer::start(vec![Route::json(
        Method::DELETE,
        format!("/keys/{KEY_HASH}"),
        200,
        &json!({"deleted": true}),
    )])
    .await;
    let deleted: types::DeleteKeysResponse = client_for(&server)
        .delete_keys(KEY_HASH)
        .await
        .expect("delete_keys")
        .into_inner();
    assert!(deleted.deleted);
    assert_request(
        &server.only_request(),
        Method::DELETE,
        &format!("/keys/{KEY_HASH}"),
        None,
        None,
    );
}

#[tokio::test]
async fn update_keys_patches_only_the_set_fields() {
    let mut updated = api_key();
    updated["name"] = json!("Updated API Key Name");
    updated["disabled"] = json!(true);
    updated["limit_reset"] = json!("daily");
    updated["expires_at"] = Value::Null;
    let server = LoopbackServer::start(vec![Route::json(
        Method::PATCH,
        format!("/keys/{KEY_HASH}"),
        200,
        &json!({ "data": updated }),
    )])
    .await;
    let body = types::UpdateKeysBody {
        disabled: Some(true),
        limit_reset: Some(UpdateKeysBodyLimitReset::Daily),
        name: Some("Updated API Key Name".to_owned()),
        ..Default::default()
    };
    let key: types::UpdateKeysResponse = client_for(&server)
        .update_keys(KEY_HASH, &body)
        .await
        .expect("update_keys")
        .into_inner();
    assert!(key.data.disabled);
    assert_eq!(key.data.expires_at, None);
    assert_eq!(key.data.limit_reset.as_deref(), Some("daily"));
    assert_request(
        &server.only_request(),
        Method::PATCH,
        &format!("/keys/{KEY_HASH}"),
        None,
        Some(json!({"disabled": true, "limit_reset": "daily", "name": "Updated API Key Name"})),
    );
}
