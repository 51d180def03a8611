//! Credits, the organization (members over several pages, settings) and generation feedback through the facade
//! against the mock, with their declared errors (401, 403, 409, 400).

use openrouter_mgmt::open_enums::SubmitGenerationFeedbackRequestCategory as Category;
use openrouter_mgmt::{GenerationFeedback, NewKey};
use openrouter_mgmt_mock::{MockServer, OperationId};

use crate::e2e_support::{api_status, client, client_with_key, invalid_argument, mock};

#[tokio::test]
async fn credits_are_the_purchase_and_the_keys_usage() {
    let mock = mock().await;
    let client = client(&mock);
    let credits = client.credits().get().await.unwrap();
    assert_eq!((credits.total_credits, credits.total_usage), (100.0, 0.0));
    assert!(credits.total_usage.is_sign_positive(), "0.0, not -0.0");
    client.keys().create(NewKey::new("k")).await.unwrap();
    assert_eq!(client.credits().get().await.unwrap().total_usage, 0.0);
}

#[tokio::test]
async fn organization_members_are_listed_over_several_pages_with_their_role() {
    let mock = MockServer::builder().members(150).start().await.unwrap();
    let client = client(&mock);
    let members = client
        .organization()
        .members()
        .page_size(100)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(members.len(), 151, "the owner and 150 members");
    assert_eq!(members[0].role.as_str(), "org:admin");
    assert!(members[1..].iter().all(|m| m.role.as_str() == "org:member"));
    let ids: Vec<String> = members[1..].iter().map(|m| m.id.clone()).collect();
    let expected: Vec<String> = mock.members().iter().map(|m| m.to_string()).collect();
    assert_eq!(ids, expected);
    let pages = mock
        .requests()
        .iter()
        .filter(|r| r.operation == Some(OperationId::ListOrganizationMembers))
        .count();
    assert_eq!(pages, 2);
}

#[tokio::test]
async fn the_filtered_model_catalog_is_switched_on_and_off() {
    let mock = mock().await;
    let client = client(&mock);
    let organization = client.organization();
    assert!(
        !organization
            .settings()
            .await
            .unwrap()
            .is_filtered_model_catalog_enabled
    );
    let on = organization.set_filtered_model_catalog(true).await.unwrap();
    assert!(on.is_filtered_model_catalog_enabled);
    assert!(
        organization
            .settings()
            .await
            .unwrap()
            .is_filtered_model_catalog_enabled
    );
    assert!(
        !organization
            .set_filtered_model_catalog(false)
            .await
            .unwrap()
            .is_filtered_model_catalog_enabled
    );
}

#[tokio::test]
async fn feedback_is_recorded_once_per_generation() {
    let mock = mock().await;
    let client = client(&mock);
    let generations = client.generations();
    let feedback =
        || GenerationFeedback::new(Category::IncorrectResponse, "gen-123").comment("wrong total");
    assert!(generations.feedback(feedback()).await.unwrap());
    assert_eq!(api_status(generations.feedback(feedback()).await), 409);
    assert!(
        generations
            .feedback(GenerationFeedback::new(Category::Billing, "gen-456"))
            .await
            .unwrap()
    );
    // Checked before sending: an empty generation id, a comment over 1,000 characters.
    let before = mock.requests().len();
    assert_eq!(
        invalid_argument(
            generations
                .feedback(GenerationFeedback::new(Category::Other, ""))
                .await
        ),
        "generation_id"
    );
    assert_eq!(
        invalid_argument(
            generations
                .feedback(
                    GenerationFeedback::new(Category::Other, "gen-789").comment("x".repeat(1001))
                )
                .await
        ),
        "comment"
    );
    assert_eq!(mock.requests().len(), before, "nothing sent");
    // A category newer than the mock is the server's 400.
    let newer = Category::Unknown("hallucination".to_owned());
    assert_eq!(
        api_status(
            generations
                .feedback(GenerationFeedback::new(newer, "gen-9"))
                .await
        ),
        400
    );
}

#[tokio::test]
async fn account_operations_need_a_management_key() {
    let mock = mock().await;
    let nobody = client_with_key(&mock, &format!("sk-or-v1-{}", "1".repeat(64)));
    assert_eq!(api_status(nobody.credits().get().await), 401);
    let ordinary = client_with_key(&mock, mock.non_management_key());
    assert_eq!(api_status(ordinary.organization().settings().await), 403);
    assert_eq!(
        api_status(ordinary.organization().members().collect_all().await),
        403
    );
    assert_eq!(
        api_status(
            ordinary
                .generations()
                .feedback(GenerationFeedback::new(Category::Other, "gen-1"))
                .await
        ),
        403
    );
}

#[tokio::test]
async fn the_builder_seeds_every_resource_through_its_create_operation() {
    let mock = MockServer::builder()
        .seed(3)
        .workspaces(3)
        .byok_keys(2)
        .external_users(4)
        .private_providers(2)
        .destinations(2)
        .start()
        .await
        .unwrap();
    let client = client(&mock);
    assert_eq!(
        client
            .workspaces()
            .list()
            .collect_all()
            .await
            .unwrap()
            .len(),
        4,
        "the default and 3"
    );
    assert_eq!(client.byok().list().collect_all().await.unwrap().len(), 2);
    assert_eq!(
        client
            .external_users()
            .list()
            .collect_all()
            .await
            .unwrap()
            .len(),
        4
    );
    assert_eq!(client.private_providers().list().await.unwrap().len(), 2);
    assert_eq!(
        client
            .observability()
            .list()
            .collect_all()
            .await
            .unwrap()
            .len(),
        2
    );
    assert!(
        mock.requests()
            .iter()
            .all(|r| r.operation.is_some_and(|op| op.info().method == "GET"))
    );
}
