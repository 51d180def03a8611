//! Guardrails through the facade against the mock: create, get, update (set, clear, replace), list, delete, and
//! each operation's declared errors (401, 403, 404, 400).

use openrouter_mgmt::open_enums::GuardrailInterval;
use openrouter_mgmt::{GuardrailId, GuardrailUpdate, NewGuardrail};
use openrouter_mgmt_mock::{MockServer, OperationId};

use crate::e2e_support::{api_status, client, client_with_key, invalid_argument, mock};

#[tokio::test]
async fn a_guardrail_is_created_read_updated_listed_and_deleted() {
    let mock = mock().await;
    let client = client(&mock);
    let guardrails = client.guardrails();
    let created = guardrails
        .create(
            NewGuardrail::new("EU only")
                .description("providers in the EU")
                .limit_usd(100.0)
                .reset_interval(GuardrailInterval::Monthly)
                .allowed_providers(["mistral", "nebius"]),
        )
        .await
        .unwrap();
    assert_eq!(created.name, "EU only");
    assert_eq!(created.limit_usd, Some(100.0));
    let id = GuardrailId::new(created.id);

    let got = guardrails.get(id).await.unwrap();
    assert_eq!(got.id, created.id);
    assert_eq!(
        got.allowed_providers.as_deref(),
        Some(&["mistral".to_owned(), "nebius".to_owned()][..])
    );

    // Clearing sends null, collections are replaced, untouched fields stay.
    let updated = guardrails
        .update(
            id,
            GuardrailUpdate::new()
                .clear_limit_usd()
                .allowed_providers(["mistral"])
                .clear_description(),
        )
        .await
        .unwrap();
    assert_eq!(updated.limit_usd, None);
    assert_eq!(updated.description, None);
    assert_eq!(
        updated.allowed_providers.as_deref(),
        Some(&["mistral".to_owned()][..])
    );
    assert_eq!(updated.name, "EU only");
    let sent = mock
        .requests_to(OperationId::UpdateGuardrail)
        .pop()
        .unwrap()
        .body_json()
        .unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"description": null, "limit_usd": null, "allowed_providers": ["mistral"]})
    );

    let listed = guardrails.list().collect_all().await.unwrap();
    assert_eq!(
        listed.iter().map(|g| g.id).collect::<Vec<_>>(),
        [created.id]
    );

    assert!(guardrails.delete(id).await.unwrap());
    assert_eq!(api_status(guardrails.get(id).await), 404);
    assert_eq!(mock.guardrail_count(), 0);
}

#[tokio::test]
async fn the_guardrail_list_pages_with_offset_and_limit() {
    let mock = MockServer::builder()
        .seed(5)
        .guardrails(23)
        .start()
        .await
        .unwrap();
    let all = client(&mock)
        .guardrails()
        .list()
        .page_size(10)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 23);
    let queries: Vec<String> = mock
        .requests_to(OperationId::ListGuardrails)
        .iter()
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(queries.len(), 3, "{queries:?}");
    // Each page after the first starts at the boundary item, the last of the one before.
    for (i, q) in queries.iter().enumerate() {
        assert!(
            q.contains(&format!("offset={}", i * 9)) && q.contains("limit=10"),
            "{q}"
        );
    }
}

#[tokio::test]
async fn an_unknown_key_gets_401_on_every_guardrail_operation() {
    let mock = MockServer::builder().guardrails(1).start().await.unwrap();
    let stranger = client_with_key(&mock, "sk-or-v1-unknown");
    let g = stranger.guardrails();
    let id = GuardrailId::new(uuid::Uuid::from_u128(1));
    assert_eq!(api_status(g.list().collect_all().await), 401);
    assert_eq!(api_status(g.create(NewGuardrail::new("x")).await), 401);
    assert_eq!(api_status(g.get(id).await), 401);
    assert_eq!(
        api_status(g.update(id, GuardrailUpdate::new().name("x")).await),
        401
    );
    assert_eq!(api_status(g.delete(id).await), 401);
    assert_eq!(mock.guardrail_count(), 1);
}

#[tokio::test]
async fn a_non_management_key_gets_403_on_every_guardrail_operation() {
    let mock = MockServer::builder().guardrails(1).start().await.unwrap();
    let id = GuardrailId::new(
        client(&mock)
            .guardrails()
            .list()
            .collect_all()
            .await
            .unwrap()[0]
            .id,
    );
    let ordinary = client_with_key(&mock, mock.non_management_key());
    let g = ordinary.guardrails();
    assert_eq!(api_status(g.list().collect_all().await), 403);
    assert_eq!(api_status(g.create(NewGuardrail::new("x")).await), 403);
    assert_eq!(api_status(g.get(id).await), 403);
    assert_eq!(
        api_status(g.update(id, GuardrailUpdate::new().name("x")).await),
        403
    );
    assert_eq!(api_status(g.delete(id).await), 403);
    assert_eq!(mock.guardrail_count(), 1);
}

#[tokio::test]
async fn an_unknown_guardrail_gets_404() {
    let mock = mock().await;
    let client = client(&mock);
    let g = client.guardrails();
    let id = GuardrailId::new(uuid::Uuid::from_u128(0xdead));
    assert_eq!(api_status(g.get(id).await), 404);
    assert_eq!(
        api_status(g.update(id, GuardrailUpdate::new().name("x")).await),
        404
    );
    assert_eq!(api_status(g.delete(id).await), 404);
    assert_eq!(mock.requests().len(), 3, "404s are not retried");
}

#[tokio::test]
async fn empty_lists_are_rejected_unsent_and_bodies_the_api_rejects_are_400s() {
    let mock = mock().await;
    let client = client(&mock);
    let g = client.guardrails();
    // An empty provider list breaks the spec's `minItems: 1`: the facade rejects it, naming the argument, and
    // sends nothing.
    assert_eq!(
        invalid_argument(
            g.create(NewGuardrail::new("x").allowed_providers(Vec::<String>::new()))
                .await
        ),
        "allowed_providers"
    );
    assert!(mock.requests().is_empty(), "nothing was sent");
    // An interval newer than the spec, kept by the open enum.
    assert_eq!(
        api_status(
            g.create(
                NewGuardrail::new("x").reset_interval(GuardrailInterval::Unknown("hourly".into()))
            )
            .await
        ),
        400
    );
    let id = GuardrailId::new(g.create(NewGuardrail::new("real")).await.unwrap().id);
    let sent = mock.requests().len();
    assert_eq!(
        invalid_argument(
            g.update(
                id,
                GuardrailUpdate::new().allowed_models(Vec::<String>::new())
            )
            .await
        ),
        "allowed_models"
    );
    assert_eq!(mock.requests().len(), sent, "nothing was sent");
    assert_eq!(mock.guardrail_count(), 1);
    assert_eq!(
        g.get(id).await.unwrap().allowed_models,
        None,
        "the rejected update changed nothing"
    );
}
