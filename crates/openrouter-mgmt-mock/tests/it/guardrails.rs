//! The five guardrail operations: happy paths decoded into the generated types, explicit nulls, PATCH
//! semantics, validation of the spec's constraints, and 404 for unknown or malformed ids.

use openrouter_mgmt_gen::types;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Api, assert_error, decode};

#[tokio::test]
async fn create_get_list_update_delete() {
    let api = Api::start().await;
    let (status, body) = api
        .post(
            "/guardrails",
            json!({"name": "prod", "description": "d", "limit_usd": 50, "reset_interval": "monthly",
                   "allowed_providers": ["openai", "anthropic"], "enforce_zdr": true, "enforce_zdr_openai": false,
                   "content_filter_builtins": [{"slug": "email", "action": "redact"}],
                   "content_filters": [{"pattern": "sk-[a-z]+", "action": "block", "label": "[KEY]"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let created = decode::<types::CreateGuardrailResponse>(&body).data;
    assert_eq!(created.name, "prod");
    assert_eq!(created.limit_usd, Some(50.0));
    assert_eq!(
        created.reset_interval.as_ref().map(|r| r.as_str()),
        Some("monthly")
    );
    assert_eq!(
        created.enforce_zdr_anthropic,
        Some(true),
        "enforce_zdr fills the flags left out"
    );
    assert_eq!(
        created.enforce_zdr_openai,
        Some(false),
        "explicit flags win"
    );
    let builtins = created.content_filter_builtins.clone().unwrap();
    assert_eq!(builtins[0].label.as_deref(), Some("[EMAIL]"));
    assert_eq!(
        created.workspace_id,
        Some(api.mock.default_workspace_id().to_string())
    );
    assert_eq!(body["data"]["updated_at"], json!(null));
    assert_eq!(
        body["data"]["allowed_models"],
        json!(null),
        "unset nullable fields are explicit nulls"
    );

    let path = format!("/guardrails/{}", created.id);
    let (status, body) = api.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(decode::<types::GetGuardrailResponse>(&body).data, created);

    let (status, body) = api.get("/guardrails").await;
    assert_eq!(status, StatusCode::OK);
    let list: types::ListGuardrailsResponse = decode(&body);
    assert_eq!((list.total_count, list.data.len()), (1, 1));

    let (status, body) = api
        .patch(
            &path,
            json!({"name": "renamed", "include_byok_in_budgets": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let updated = decode::<types::UpdateGuardrailResponse>(&body).data;
    assert_eq!(updated.name, "renamed");
    assert!(updated.include_byok_in_budgets);
    assert_eq!(updated.limit_usd, Some(50.0), "absent fields unchanged");
    assert!(updated.updated_at.is_some());

    let (status, body) = api.delete(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(decode::<types::DeleteGuardrailResponse>(&body).deleted);
    let (status, body) = api.get(&path).await;
    assert_error(status, &body, 404);
}

#[tokio::test]
async fn explicit_null_clears_and_collections_are_replaced() {
    let api = Api::start().await;
    let (_, body) = api
        .post(
            "/guardrails",
            json!({"name": "g", "description": "d", "limit_usd": 10, "reset_interval": "daily",
                   "allowed_models": ["a/b", "c/d"]}),
        )
        .await;
    let id = body["data"]["id"].as_str().unwrap().to_owned();
    let path = format!("/guardrails/{id}");
    let (status, body) = api
        .patch(&path, json!({"limit_usd": null, "description": null, "reset_interval": null, "allowed_models": ["e/f"]}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["limit_usd"], json!(null));
    assert_eq!(body["data"]["description"], json!(null));
    assert_eq!(body["data"]["reset_interval"], json!(null));
    assert_eq!(body["data"]["allowed_models"], json!(["e/f"]));
    let g = decode::<types::UpdateGuardrailResponse>(&body).data;
    assert_eq!((g.limit_usd, g.description), (None, None));
    let (_, body) = api.patch(&path, json!({"allowed_models": null})).await;
    assert_eq!(body["data"]["allowed_models"], json!(null));
    assert_eq!(body["data"]["name"], json!("g"));
}

#[tokio::test]
async fn bodies_breaking_the_spec_are_400() {
    let api = Api::start().await;
    let long = "x".repeat(201);
    for bad in [
        json!({}),
        json!({"name": ""}),
        json!({"name": long}),
        json!({"name": "g", "limit_usd": -1}),
        json!({"name": "g", "limit_usd": "10"}),
        json!({"name": "g", "reset_interval": "hourly"}),
        json!({"name": "g", "allowed_models": []}),
        json!({"name": "g", "ignored_providers": []}),
        json!({"name": "g", "description": "d".repeat(1001)}),
        json!({"name": "g", "content_filter_builtins": [{"slug": "dna", "action": "redact"}]}),
        json!({"name": "g", "content_filter_builtins": [{"slug": "email", "action": "shout"}]}),
        json!({"name": "g", "content_filters": [{"pattern": "", "action": "block"}]}),
        json!({"name": "g", "include_byok_in_budgets": "no"}),
    ] {
        let (status, body) = api.post("/guardrails", bad.clone()).await;
        assert_error(status, &body, 400);
    }
    assert_eq!(api.mock.guardrail_count(), 0);
    let id = api.create_guardrail("ok").await;
    let path = format!("/guardrails/{id}");
    for bad in [
        json!({"name": null}),
        json!({"name": ""}),
        json!({"include_byok_in_budgets": null}),
        json!({"limit_usd": -5}),
        json!({"reset_interval": "yearly"}),
        json!({"allowed_providers": []}),
    ] {
        let (status, body) = api.patch(&path, bad.clone()).await;
        assert_error(status, &body, 400);
    }
    let (_, body) = api.get(&path).await;
    assert_eq!(body["data"]["name"], json!("ok"));
}

#[tokio::test]
async fn unknown_and_malformed_ids_are_404() {
    let api = Api::start().await;
    for id in ["550e8400-e29b-41d4-a716-446655440000", "not-a-uuid"] {
        let path = format!("/guardrails/{id}");
        let (status, body) = api.get(&path).await;
        assert_error(status, &body, 404);
        let (status, body) = api.patch(&path, json!({"name": "x"})).await;
        assert_error(status, &body, 404);
        let (status, body) = api.delete(&path).await;
        assert_error(status, &body, 404);
    }
}

#[tokio::test]
async fn workspace_filter_on_lists() {
    let api = Api::start().await;
    let other = "0df9e665-d932-5740-b2c7-b52af166bc11";
    let (status, _) = api
        .post(
            "/guardrails",
            json!({"name": "elsewhere", "workspace_id": other}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    api.create_guardrail("here").await;
    let (_, body) = api.get("/guardrails").await;
    assert_eq!(body["total_count"], json!(1));
    assert_eq!(body["data"][0]["name"], json!("here"));
    let (_, body) = api.get(&format!("/guardrails?workspace_id={other}")).await;
    assert_eq!(body["data"][0]["name"], json!("elsewhere"));
    let (status, body) = api.get("/guardrails?workspace_id=nope").await;
    assert_error(status, &body, 400);
}
