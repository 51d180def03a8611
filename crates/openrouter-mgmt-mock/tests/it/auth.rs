//! Bearer auth over every operation: 401 without or with an unknown key, 403 for a non-management key except
//! on `GET /key`, created keys as ordinary keys; and the envelope for unknown routes and methods.

use openrouter_mgmt_gen::types;
use openrouter_mgmt_mock::OperationId;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{Api, assert_error, decode};

/// A request for every operation, with a body that would be valid.
fn every_operation(
    guardrail: &str,
    hash: &str,
) -> Vec<(OperationId, Method, String, Option<Value>)> {
    OperationId::ALL
        .iter()
        .map(|op| {
            let info = op.info();
            let path = info
                .path_params
                .iter()
                .fold(info.path_template.to_owned(), |path, name| {
                    let value = match *name {
                        "id" => guardrail,
                        "hash" => hash,
                        "workspace_ref" => "default",
                        "interval" => "monthly",
                        "user" => "partner-user",
                        "slug" => "my-cluster",
                        other => panic!("no test value for the path parameter {other} of {op}"),
                    };
                    path.replace(&format!("{{{name}}}"), value)
                });
            let body = match op {
                OperationId::CreateKeys | OperationId::CreateGuardrail => {
                    Some(json!({"name": "x"}))
                }
                OperationId::UpdateKeys | OperationId::UpdateGuardrail => {
                    Some(json!({"name": "y"}))
                }
                OperationId::BulkAssignKeysToGuardrail
                | OperationId::BulkUnassignKeysFromGuardrail => Some(json!({"key_hashes": [hash]})),
                OperationId::BulkAssignMembersToGuardrail
                | OperationId::BulkUnassignMembersFromGuardrail => {
                    Some(json!({"member_user_ids": ["user_1"]}))
                }
                _ => None,
            };
            (
                *op,
                Method::from_bytes(info.method.as_bytes()).unwrap(),
                path,
                body,
            )
        })
        .collect()
}

async fn status_and_body(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.expect("JSON error body"))
}

#[tokio::test]
async fn no_key_or_unknown_key_is_401_everywhere() {
    let api = Api::start().await;
    let g = api.create_guardrail("g").await;
    let (hash, _) = api.create_key("k").await;
    let unknown = format!("sk-or-v1-{}", "0".repeat(64));
    for (op, method, path, body) in every_operation(&g, &hash) {
        for key in [None, Some(unknown.as_str()), Some("")] {
            let (status, json) =
                status_and_body(api.raw(method.clone(), &path, key, body.as_ref()).await).await;
            assert_error(status, &json, 401);
            assert!(status == StatusCode::UNAUTHORIZED, "{op}");
        }
    }
    // Nothing was changed by the rejected writes.
    assert_eq!((api.mock.key_count(), api.mock.guardrail_count()), (1, 1));
}

#[tokio::test]
async fn non_management_keys_are_403_except_on_get_key() {
    let api = Api::start().await;
    let g = api.create_guardrail("g").await;
    let (hash, secret) = api.create_key("ordinary").await;
    let builtin = api.mock.non_management_key().to_owned();
    for key in [builtin.as_str(), secret.as_str()] {
        for (op, method, path, body) in every_operation(&g, &hash) {
            let (status, json) =
                status_and_body(api.raw(method, &path, Some(key), body.as_ref()).await).await;
            if op == OperationId::GetCurrentKey {
                assert_eq!(status, StatusCode::OK);
                let current: types::GetCurrentKeyResponse = decode(&json);
                assert!(!current.data.is_management_key);
            } else {
                assert_error(status, &json, 403);
            }
        }
    }
    assert_eq!((api.mock.key_count(), api.mock.guardrail_count()), (1, 1));
}

#[tokio::test]
async fn get_key_describes_the_caller() {
    let api = Api::start().await;
    let (status, body) = api.get("/key").await;
    assert_eq!(status, StatusCode::OK);
    let me: types::GetCurrentKeyResponse = decode(&body);
    assert!(me.data.is_management_key && me.data.is_provisioning_key);
    assert_eq!(body["data"]["limit"], json!(null));

    let (status, body) = api.post("/keys", json!({"name": "mine", "limit": 7})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (hash, secret) = (
        body["data"]["hash"].as_str().unwrap().to_owned(),
        body["key"].as_str().unwrap().to_owned(),
    );
    let (status, body) =
        status_and_body(api.raw(Method::GET, "/key", Some(&secret), None).await).await;
    assert_eq!(status, StatusCode::OK);
    let it: types::GetCurrentKeyResponse = decode(&body);
    assert_eq!(it.data.limit, Some(7.0));
    assert!(!it.data.is_management_key);

    // Disabled, then deleted: the secret stops working.
    api.patch(&format!("/keys/{hash}"), json!({"disabled": true}))
        .await;
    let (status, body) =
        status_and_body(api.raw(Method::GET, "/key", Some(&secret), None).await).await;
    assert_error(status, &body, 401);
    api.patch(&format!("/keys/{hash}"), json!({"disabled": false}))
        .await;
    let (status, _) =
        status_and_body(api.raw(Method::GET, "/key", Some(&secret), None).await).await;
    assert_eq!(status, StatusCode::OK);
    api.delete(&format!("/keys/{hash}")).await;
    let (status, body) =
        status_and_body(api.raw(Method::GET, "/key", Some(&secret), None).await).await;
    assert_error(status, &body, 401);
}

#[tokio::test]
async fn custom_management_key_and_unknown_routes() {
    let api =
        Api::with(openrouter_mgmt_mock::MockServer::builder().management_key("sk-or-v1-test"))
            .await;
    assert_eq!(api.mock.management_key(), "sk-or-v1-test");
    assert_eq!(api.get("/key").await.0, StatusCode::OK);
    let (status, body) = api.get("/no-such-route").await;
    assert_error(status, &body, 404);
    let (status, body) = api.call(Method::PUT, "/keys", None).await;
    assert_error(status, &body, 405);
    let response = api
        .http
        .get(api.url("").replace("/api/v1", "/keys"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
