//! Key and member assignments: bulk set operations and their counts, replacement (one guardrail per key or
//! member), unknown ids, the four lists decoded into the generated types, and delete cascades.

use openrouter_mgmt_gen::types;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{Api, assert_error, decode};

async fn assign_keys(api: &Api, guardrail: &str, hashes: &[&str]) -> i64 {
    let (status, body) = api
        .post(
            &format!("/guardrails/{guardrail}/assignments/keys"),
            json!({ "key_hashes": hashes }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    decode::<types::BulkAssignKeysResponse>(&body).assigned_count
}

async fn unassign_keys(api: &Api, guardrail: &str, hashes: &[&str]) -> i64 {
    let (status, body) = api
        .post(
            &format!("/guardrails/{guardrail}/assignments/keys/remove"),
            json!({ "key_hashes": hashes }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    decode::<types::BulkUnassignKeysResponse>(&body).unassigned_count
}

async fn assign_members(api: &Api, guardrail: &str, users: &[&str]) -> i64 {
    let (status, body) = api
        .post(
            &format!("/guardrails/{guardrail}/assignments/members"),
            json!({ "member_user_ids": users }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    decode::<types::BulkAssignMembersResponse>(&body).assigned_count
}

async fn unassign_members(api: &Api, guardrail: &str, users: &[&str]) -> i64 {
    let (status, body) = api
        .post(
            &format!("/guardrails/{guardrail}/assignments/members/remove"),
            json!({ "member_user_ids": users }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    decode::<types::BulkUnassignMembersResponse>(&body).unassigned_count
}

async fn key_list(api: &Api, path: &str) -> types::ListKeyAssignmentsResponse {
    let (status, body) = api.get(path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    decode(&body)
}

async fn member_list(api: &Api, path: &str) -> types::ListMemberAssignmentsResponse {
    let (status, body) = api.get(path).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    decode(&body)
}

#[tokio::test]
async fn key_assignment_is_a_set_operation_that_moves_keys() {
    let api = Api::start().await;
    let (g1, g2) = (
        api.create_guardrail("one").await,
        api.create_guardrail("two").await,
    );
    let (a, _) = api.create_key("a").await;
    let (b, _) = api.create_key("b").await;
    let unknown = "f".repeat(64);

    assert_eq!(
        assign_keys(&api, &g1, &[&a, &b, &a, &unknown]).await,
        2,
        "distinct known ids"
    );
    assert_eq!(
        assign_keys(&api, &g1, &[&a, &b]).await,
        0,
        "repeating changes nothing"
    );
    let list = key_list(&api, &format!("/guardrails/{g1}/assignments/keys")).await;
    assert_eq!(list.total_count, 2);
    assert_eq!(list.data[0].key_hash, a.as_str());
    assert_eq!(
        (
            list.data[0].key_name.as_str(),
            list.data[1].key_name.as_str()
        ),
        ("a", "b")
    );
    assert!(list.data[0].key_label.starts_with("sk-or-v1-"));
    assert_eq!(list.data[0].guardrail_id.to_string(), g1);

    assert_eq!(assign_keys(&api, &g2, &[&a]).await, 1, "a move counts");
    assert_eq!(
        api.mock.key_guardrail(&a).map(|g| g.to_string()),
        Some(g2.clone())
    );
    assert_eq!(
        key_list(&api, &format!("/guardrails/{g1}/assignments/keys"))
            .await
            .total_count,
        1
    );
    let all = key_list(&api, "/guardrails/assignments/keys").await;
    assert_eq!(all.total_count, 2, "a key holds one guardrail");
    assert_eq!(
        all.data.iter().filter(|x| x.key_hash == a.as_str()).count(),
        1
    );

    assert_eq!(
        unassign_keys(&api, &g1, &[&a, &b, &unknown]).await,
        1,
        "only b was on g1"
    );
    assert_eq!(unassign_keys(&api, &g1, &[&b]).await, 0);
    assert_eq!(
        key_list(&api, "/guardrails/assignments/keys")
            .await
            .total_count,
        1
    );

    // The assignment shows the key's current name.
    api.patch(&format!("/keys/{a}"), json!({"name": "renamed"}))
        .await;
    let all = key_list(&api, "/guardrails/assignments/keys").await;
    assert_eq!(all.data[0].key_name, "renamed");
}

#[tokio::test]
async fn member_assignment_moves_members_and_ignores_strangers() {
    let api = Api::start().await;
    let (g1, g2) = (
        api.create_guardrail("one").await,
        api.create_guardrail("two").await,
    );
    assert_eq!(
        assign_members(&api, &g1, &["user_1", "user_2", "user_404"]).await,
        2
    );
    assert_eq!(assign_members(&api, &g1, &["user_1"]).await, 0);
    assert_eq!(assign_members(&api, &g2, &["user_2"]).await, 1);
    let on_g1 = member_list(&api, &format!("/guardrails/{g1}/assignments/members")).await;
    assert_eq!(on_g1.total_count, 1);
    assert_eq!(on_g1.data[0].user_id, "user_1");
    assert!(on_g1.data[0].organization_id.starts_with("org_"));
    assert_eq!(on_g1.data[0].assigned_by.as_deref(), Some("user_owner"));
    let all = member_list(&api, "/guardrails/assignments/members").await;
    assert_eq!(all.total_count, 2);
    assert_eq!(
        unassign_members(&api, &g1, &["user_2"]).await,
        0,
        "user_2 is on g2"
    );
    assert_eq!(unassign_members(&api, &g2, &["user_2", "user_2"]).await, 1);
    assert_eq!(api.mock.member_guardrail("user_2"), None);
    assert_eq!(
        member_list(&api, "/guardrails/assignments/members")
            .await
            .total_count,
        1
    );
}

#[tokio::test]
async fn deletes_cascade_to_assignments() {
    let api = Api::start().await;
    let (g1, g2) = (
        api.create_guardrail("one").await,
        api.create_guardrail("two").await,
    );
    let (a, _) = api.create_key("a").await;
    let (b, _) = api.create_key("b").await;
    assign_keys(&api, &g1, &[&a]).await;
    assign_keys(&api, &g2, &[&b]).await;
    assign_members(&api, &g1, &["user_1"]).await;
    assign_members(&api, &g2, &["user_2"]).await;

    api.delete(&format!("/guardrails/{g1}")).await;
    let keys = key_list(&api, "/guardrails/assignments/keys").await;
    assert_eq!(
        keys.data
            .iter()
            .map(|x| x.key_hash.as_str())
            .collect::<Vec<_>>(),
        [b.as_str()]
    );
    let members = member_list(&api, "/guardrails/assignments/members").await;
    assert_eq!(
        members
            .data
            .iter()
            .map(|x| x.user_id.as_str())
            .collect::<Vec<_>>(),
        ["user_2"]
    );
    assert_eq!(api.mock.key_guardrail(&a), None);

    api.delete(&format!("/keys/{b}")).await;
    assert_eq!(
        key_list(&api, "/guardrails/assignments/keys")
            .await
            .total_count,
        0
    );
    assert_eq!(
        key_list(&api, &format!("/guardrails/{g2}/assignments/keys"))
            .await
            .total_count,
        0
    );
}

#[tokio::test]
async fn bad_requests_and_unknown_guardrails() {
    let api = Api::start().await;
    let g = api.create_guardrail("g").await;
    for (path, body) in [
        (
            format!("/guardrails/{g}/assignments/keys"),
            json!({"key_hashes": []}),
        ),
        (
            format!("/guardrails/{g}/assignments/keys"),
            json!({"key_hashes": [""]}),
        ),
        (format!("/guardrails/{g}/assignments/keys"), json!({})),
        (
            format!("/guardrails/{g}/assignments/keys/remove"),
            json!({"key_hashes": "abc"}),
        ),
        (
            format!("/guardrails/{g}/assignments/members"),
            json!({"member_user_ids": []}),
        ),
        (
            format!("/guardrails/{g}/assignments/members/remove"),
            json!({"member_user_ids": [1]}),
        ),
    ] {
        let (status, body) = api.post(&path, body).await;
        assert_error(status, &body, 400);
    }
    let missing = "550e8400-e29b-41d4-a716-446655440000";
    for (path, body) in [
        (
            format!("/guardrails/{missing}/assignments/keys"),
            Some(json!({"key_hashes": ["a"]})),
        ),
        (
            format!("/guardrails/{missing}/assignments/keys/remove"),
            Some(json!({"key_hashes": ["a"]})),
        ),
        (
            format!("/guardrails/{missing}/assignments/members"),
            Some(json!({"member_user_ids": ["user_1"]})),
        ),
        (
            format!("/guardrails/{missing}/assignments/members/remove"),
            Some(json!({"member_user_ids": ["user_1"]})),
        ),
        (format!("/guardrails/{missing}/assignments/keys"), None),
        (format!("/guardrails/{missing}/assignments/members"), None),
        ("/guardrails/nope/assignments/keys".to_owned(), None),
    ] {
        let (status, body): (StatusCode, Value) = match body {
            Some(body) => api.post(&path, body).await,
            None => api.get(&path).await,
        };
        assert_error(status, &body, 404);
    }
}
