//! The six API key operations: happy paths decoded into the generated types, the plaintext shown once,
//! PATCH semantics (absent / null / value) and the declared 400 and 404 errors.

use openrouter_mgmt_gen::ids::UserId;
use openrouter_mgmt_gen::types;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Api, assert_error, decode};

fn is_hex64(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

#[tokio::test]
async fn create_returns_201_and_the_plaintext_once() {
    let api = Api::start().await;
    let (status, body) = api
        .post(
            "/keys",
            json!({"name": "ci", "limit": 50, "limit_reset": "monthly", "include_byok_in_limit": true,
                   "expires_at": "2027-12-31T23:59:59Z", "creator_user_id": "user_1"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let created: types::CreateKeysResponse = decode(&body);
    let key = created.key.expose_secret();
    assert!(key.starts_with("sk-or-v1-") && is_hex64(&key["sk-or-v1-".len()..]));
    assert!(is_hex64(created.data.hash.as_str()));
    assert_eq!(created.data.name, "ci");
    assert_eq!(created.data.limit, Some(50.0));
    assert_eq!(created.data.limit_remaining, Some(50.0));
    assert_eq!(created.data.limit_reset.as_deref(), Some("monthly"));
    assert!(created.data.include_byok_in_limit && !created.data.disabled);
    assert_eq!(
        created.data.creator_user_id.as_ref().map(UserId::as_str),
        Some("user_1")
    );
    assert_eq!(
        created.data.workspace_id,
        api.mock.default_workspace_id().to_string()
    );
    assert_eq!(
        created.data.expires_at.unwrap().to_rfc3339(),
        "2027-12-31T23:59:59+00:00"
    );
    assert_eq!(
        body["data"]["updated_at"],
        json!(null),
        "required nullable fields are explicit nulls"
    );

    let (status, got) = api.get(&format!("/keys/{}", created.data.hash)).await;
    assert_eq!(status, StatusCode::OK);
    let got: types::GetKeyResponse = decode(&got);
    assert_eq!(got.data.hash, created.data.hash);
    let (_, list) = api.get("/keys").await;
    let listed: types::ListResponse = decode(&list);
    assert_eq!(listed.data.len(), 1);
    for text in [
        got_text(&api, &format!("/keys/{}", created.data.hash)).await,
        list.to_string(),
    ] {
        assert!(
            !text.contains(&key["sk-or-v1-".len()..]),
            "the secret leaked: {text}"
        );
    }
}

async fn got_text(api: &Api, path: &str) -> String {
    api.get(path).await.1.to_string()
}

#[tokio::test]
async fn minimal_create_sends_explicit_nulls_and_decodes() {
    let api = Api::start().await;
    let (_, body) = api.post("/keys", json!({"name": "n"})).await;
    for field in [
        "limit",
        "limit_remaining",
        "limit_reset",
        "updated_at",
        "creator_user_id",
        "expires_at",
    ] {
        assert_eq!(body["data"][field], json!(null), "{field}");
    }
    let _: types::CreateKeysResponse = decode(&body);
}

#[tokio::test]
async fn update_applies_present_fields_keeps_absent_ones_and_null_clears() {
    let api = Api::start().await;
    let (status, body) = api
        .post(
            "/keys",
            json!({"name": "a", "limit": 10, "limit_reset": "daily"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let hash = body["data"]["hash"].as_str().unwrap().to_owned();
    let path = format!("/keys/{hash}");

    let (status, body) = api
        .patch(
            &path,
            json!({"name": "b", "disabled": true, "include_byok_in_limit": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let updated: types::UpdateKeysResponse = decode(&body);
    assert_eq!(updated.data.name, "b");
    assert!(updated.data.disabled && updated.data.include_byok_in_limit);
    assert_eq!(updated.data.limit, Some(10.0), "absent limit unchanged");
    assert_eq!(updated.data.limit_reset.as_deref(), Some("daily"));
    assert!(updated.data.updated_at.is_some());

    let (_, body) = api
        .patch(&path, json!({"limit": null, "limit_reset": null}))
        .await;
    let cleared: types::UpdateKeysResponse = decode(&body);
    assert_eq!(
        (
            cleared.data.limit,
            cleared.data.limit_remaining,
            cleared.data.limit_reset
        ),
        (None, None, None)
    );
    assert_eq!(body["data"]["limit"], json!(null));
    assert_eq!(cleared.data.name, "b");

    let (_, body) = api.patch(&path, json!({})).await;
    assert_eq!(decode::<types::UpdateKeysResponse>(&body).data.name, "b");
    let (_, body) = api.get(&path).await;
    let got: types::GetKeyResponse = decode(&body);
    assert_eq!((got.data.name.as_str(), got.data.limit), ("b", None));
}

#[tokio::test]
async fn delete_removes_the_key() {
    let api = Api::start().await;
    let (hash, _) = api.create_key("gone").await;
    let (status, body) = api.delete(&format!("/keys/{hash}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(decode::<types::DeleteKeysResponse>(&body).deleted);
    let (status, body) = api.get(&format!("/keys/{hash}")).await;
    assert_error(status, &body, 404);
    assert_eq!(api.mock.key_count(), 0);
}

#[tokio::test]
async fn unknown_hashes_are_404_with_the_envelope() {
    let api = Api::start().await;
    let path = format!("/keys/{}", "0".repeat(64));
    let (status, body) = api.get(&path).await;
    assert_error(status, &body, 404);
    let (status, body) = api.patch(&path, json!({"name": "x"})).await;
    assert_error(status, &body, 404);
    let (status, body) = api.delete(&path).await;
    assert_error(status, &body, 404);
}

#[tokio::test]
async fn bad_create_bodies_are_400_and_create_nothing() {
    let api = Api::start().await;
    for bad in [
        json!({}),
        json!({"name": ""}),
        json!({"name": 5}),
        json!({"name": "x", "limit": -1}),
        json!({"name": "x", "limit": "5"}),
        json!({"name": "x", "limit_reset": "hourly"}),
        json!({"name": "x", "expires_at": "2027-12-31T23:59:59+02:00"}),
        json!({"name": "x", "expires_at": "tomorrow"}),
        json!({"name": "x", "workspace_id": "not-a-uuid"}),
        json!({"name": "x", "creator_user_id": ""}),
        json!(["x"]),
    ] {
        let (status, body) = api.post("/keys", bad.clone()).await;
        assert_error(status, &body, 400);
        assert!(
            body["error"]["message"].as_str().unwrap().len() > 5,
            "{bad}"
        );
    }
    let response = api
        .http
        .post(api.url("/keys"))
        .bearer_auth(api.mock.management_key())
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_error(StatusCode::BAD_REQUEST, &body, 400);
    assert_eq!(api.mock.key_count(), 0);
}

#[tokio::test]
async fn bad_update_bodies_are_400_and_change_nothing() {
    let api = Api::start().await;
    let (hash, _) = api.create_key("keep").await;
    let path = format!("/keys/{hash}");
    for bad in [
        json!({"name": null}),
        json!({"disabled": null}),
        json!({"disabled": "yes"}),
        json!({"limit": -0.5}),
        json!({"limit_reset": "yearly"}),
        json!({"include_byok_in_limit": 1}),
    ] {
        let (status, body) = api.patch(&path, bad.clone()).await;
        assert_error(status, &body, 400);
    }
    let (_, body) = api.get(&path).await;
    assert_eq!(decode::<types::GetKeyResponse>(&body).data.name, "keep");
}
