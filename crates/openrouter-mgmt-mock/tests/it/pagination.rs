//! Pagination: offset/limit/total_count on the guardrail-style lists (none lost, none doubled, 400 on bad
//! parameters) and `GET /keys` in pages of 100 with `include_disabled` and no `total_count`.

use std::collections::HashSet;

use openrouter_mgmt_gen::types;
use openrouter_mgmt_mock::MockServer;
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{Api, assert_error, decode};

#[tokio::test]
async fn guardrail_pages_cover_everything_once_in_creation_order() {
    let api = Api::with(MockServer::builder().seed(3).guardrails(237)).await;
    let mut seen = Vec::new();
    let mut offset = 0;
    for _ in 0..10 {
        let (status, body) = api
            .get(&format!("/guardrails?offset={offset}&limit=100"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let page: types::ListGuardrailsResponse = decode(&body);
        assert_eq!(page.total_count, 237);
        if page.data.is_empty() {
            break;
        }
        offset += page.data.len();
        seen.extend(page.data.into_iter().map(|g| g.name));
    }
    let expected: Vec<String> = (1..=237).map(|n| format!("Seed guardrail {n}")).collect();
    assert_eq!(seen, expected);
    let (_, body) = api.get("/guardrails").await;
    assert_eq!(body["data"].as_array().unwrap().len(), 50, "default limit");
    let (_, body) = api.get("/guardrails?offset=230&limit=5").await;
    assert_eq!(body["data"].as_array().unwrap().len(), 5);
    let (_, body) = api.get("/guardrails?offset=1000").await;
    assert_eq!(
        (
            body["data"].as_array().unwrap().len(),
            body["total_count"].as_i64()
        ),
        (0, Some(237))
    );
}

#[tokio::test]
async fn bad_offset_or_limit_is_400_on_every_paginated_list() {
    let api = Api::with(MockServer::builder().guardrails(1)).await;
    let (_, body) = api.get("/guardrails").await;
    let g = body["data"][0]["id"].as_str().unwrap().to_owned();
    let lists = [
        "/guardrails".to_owned(),
        "/guardrails/assignments/keys".to_owned(),
        "/guardrails/assignments/members".to_owned(),
        format!("/guardrails/{g}/assignments/keys"),
        format!("/guardrails/{g}/assignments/members"),
    ];
    for list in &lists {
        for query in [
            "limit=0",
            "limit=101",
            "limit=-1",
            "limit=ten",
            "limit=2.5",
            "offset=-1",
            "offset=x",
        ] {
            let (status, body) = api.get(&format!("{list}?{query}")).await;
            assert_error(status, &body, 400);
        }
        for query in ["limit=1", "limit=100", "offset=0", "offset=99999"] {
            assert_eq!(
                api.get(&format!("{list}?{query}")).await.0,
                StatusCode::OK,
                "{list}?{query}"
            );
        }
    }
    for query in ["offset=-1", "offset=x", "include_disabled=maybe"] {
        let (status, body) = api.get(&format!("/keys?{query}")).await;
        assert_error(status, &body, 400);
    }
}

#[tokio::test]
async fn keys_come_in_pages_of_100_and_hide_disabled_ones_by_default() {
    let api = Api::with(MockServer::builder().seed(11).keys(250)).await;
    let mut all = Vec::new();
    let mut offset = 0;
    for _ in 0..10 {
        let (status, body) = api
            .get(&format!("/keys?include_disabled=true&offset={offset}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.get("total_count").is_none());
        let page: types::ListResponse = decode(&body);
        assert!(page.data.len() <= 100);
        if page.data.is_empty() {
            break;
        }
        offset += page.data.len();
        all.extend(page.data);
    }
    assert_eq!(all.len(), 250);
    assert_eq!(
        all.iter().map(|k| &k.hash).collect::<HashSet<_>>().len(),
        250
    );
    assert_eq!(all[0].name, "Seed key 1");
    let disabled = all.iter().filter(|k| k.disabled).count();
    assert!(disabled > 0, "the seed disables about one key in ten");

    let mut enabled = 0;
    let mut offset = 0;
    for _ in 0..10 {
        let (_, body) = api.get(&format!("/keys?offset={offset}")).await;
        let page: types::ListResponse = decode(&body);
        if page.data.is_empty() {
            break;
        }
        assert!(page.data.iter().all(|k| !k.disabled));
        offset += page.data.len();
        enabled += page.data.len();
    }
    assert_eq!(enabled, 250 - disabled);
    let (_, body) = api.get("/keys?include_disabled=false").await;
    assert_eq!(body["data"].as_array().unwrap().len(), 100);
}

#[tokio::test]
async fn assignment_lists_page_with_total_count() {
    let api = Api::with(
        MockServer::builder()
            .seed(5)
            .keys(30)
            .guardrails(1)
            .members(12),
    )
    .await;
    let (_, body) = api.get("/guardrails").await;
    let g = body["data"][0]["id"].as_str().unwrap().to_owned();
    let (_, body) = api.get("/keys?include_disabled=true").await;
    let hashes: Vec<String> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["hash"].as_str().unwrap().to_owned())
        .collect();
    let (_, body) = api
        .post(
            &format!("/guardrails/{g}/assignments/keys"),
            json!({"key_hashes": hashes}),
        )
        .await;
    assert_eq!(body["assigned_count"], json!(30));
    let members: Vec<String> = (1..=12).map(|n| format!("user_{n}")).collect();
    api.post(
        &format!("/guardrails/{g}/assignments/members"),
        json!({"member_user_ids": members}),
    )
    .await;
    for (path, total) in [
        ("/guardrails/assignments/keys".to_owned(), 30),
        (format!("/guardrails/{g}/assignments/keys"), 30),
        ("/guardrails/assignments/members".to_owned(), 12),
        (format!("/guardrails/{g}/assignments/members"), 12),
    ] {
        let mut ids = HashSet::new();
        for offset in (0..total).step_by(7) {
            let (status, body) = api.get(&format!("{path}?offset={offset}&limit=7")).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(body["total_count"], json!(total));
            for item in body["data"].as_array().unwrap() {
                assert!(
                    ids.insert(item["id"].as_str().unwrap().to_owned()),
                    "doubled"
                );
            }
        }
        assert_eq!(ids.len(), total, "{path}");
    }
}
