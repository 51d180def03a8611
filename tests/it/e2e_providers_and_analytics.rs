//! Private providers and analytics through the facade against the mock: providers created with derived slugs and
//! conservative defaults, updated field by field, deleted, with 409/404/400; activity filtered by key and date;
//! analytics queries checked against the vocabulary `meta` lists.

use openrouter_mgmt::types::UpdatePrivateProviderRequestDataPolicy;
use openrouter_mgmt::{ActivityFilter, AnalyticsQuery, NewPrivateProvider, PrivateProviderUpdate};

use crate::e2e_support::{api_status, client, client_with_key, invalid_argument, mock};

#[tokio::test]
async fn a_private_provider_is_created_updated_listed_and_deleted() {
    let mock = mock().await;
    let client = client(&mock);
    let providers = client.private_providers();
    let created = providers
        .create(
            NewPrivateProvider::new("My vLLM Cluster").base_url("https://vllm.internal.example/v1"),
        )
        .await
        .unwrap();
    assert_eq!(created.slug, "my-vllm-cluster");
    assert_eq!(created.display_name, "My vLLM Cluster");
    let policy = created.data_policy.clone().expect("a default data policy");
    assert!(
        policy.training && policy.retains_prompts,
        "the conservative default"
    );

    assert_eq!(
        api_status(
            providers
                .create(NewPrivateProvider::new("My vLLM Cluster"))
                .await
        ),
        409
    );
    let updated = providers
        .update(
            "my-vllm-cluster",
            PrivateProviderUpdate::new()
                .display_name("vLLM (EU)")
                // Nested body objects have no builder yet: from JSON, so a field the spec adds cannot break this.
                .data_policy(
                    serde_json::from_value::<UpdatePrivateProviderRequestDataPolicy>(
                        serde_json::json!({"training": false}),
                    )
                    .unwrap(),
                ),
        )
        .await
        .unwrap();
    assert_eq!(updated.display_name, "vLLM (EU)");
    let policy = updated.data_policy.expect("a data policy");
    assert!(
        !policy.training && policy.retains_prompts,
        "fields not sent are kept"
    );

    providers
        .create(NewPrivateProvider::new("second").slug("second-one"))
        .await
        .unwrap();
    let slugs: Vec<String> = providers
        .list()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.slug)
        .collect();
    assert_eq!(slugs, ["my-vllm-cluster", "second-one"]);
    assert_eq!(providers.delete("second-one").await.unwrap(), "second-one");
    assert_eq!(api_status(providers.get("second-one").await), 404);

    let before = mock.requests().len();
    assert_eq!(
        invalid_argument(providers.create(NewPrivateProvider::new("-bad name")).await),
        "name"
    );
    assert_eq!(mock.requests().len(), before, "nothing sent");
}

#[tokio::test]
async fn activity_and_analytics_queries() {
    let mock = openrouter_mgmt_mock::MockServer::builder()
        .keys(3)
        .start()
        .await
        .unwrap();
    let client = client(&mock);
    let analytics = client.analytics();
    let all = analytics.activity(ActivityFilter::new()).await.unwrap();
    assert!(all.iter().all(|row| row.date == "2025-01-01"));
    let later = analytics
        .activity(ActivityFilter::new().date("2025-02-01"))
        .await
        .unwrap();
    assert!(later.is_empty());
    assert_eq!(
        api_status(
            analytics
                .activity(ActivityFilter::new().date("yesterday"))
                .await
        ),
        400
    );

    let meta = analytics.meta().await.unwrap();
    let metrics: Vec<&str> = meta.metrics.iter().map(|m| m.name.as_str()).collect();
    assert!(metrics.contains(&"requests"));
    let answer = analytics
        .query(AnalyticsQuery::new(["requests"]).dimensions(["model"]))
        .await
        .unwrap();
    assert_eq!(answer.metadata.row_count, 1);
    assert_eq!(answer.data[0]["model"], "all");
    assert_eq!(
        api_status(analytics.query(AnalyticsQuery::new(["vibes"])).await),
        400
    );

    let ordinary = client_with_key(&mock, mock.non_management_key());
    assert_eq!(api_status(ordinary.analytics().meta().await), 403);
}
