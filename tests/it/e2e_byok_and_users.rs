//! BYOK provider keys and external users through the facade against the mock: create, read, update (set and clear),
//! list over several pages, delete, and the declared errors (401, 403, 404, 409, 400). The provider key never
//! comes back, and never shows in a rendering.

use openrouter_mgmt::open_enums::{ByokProviderSlug, CreateByokKeyRequestDeclaredRegion};
use openrouter_mgmt::{ByokFilter, ByokKeyUpdate, ExternalUserFilter, NewByokKey};
use openrouter_mgmt_mock::OperationId;

use crate::e2e_support::{api_status, client, client_with_key, invalid_argument, mock};

const PROVIDER_KEY: &str = "sk-ant-api03-E2EPROVIDERSECRET-xyz9";

#[tokio::test]
async fn a_provider_key_is_stored_masked_updated_cleared_and_deleted() {
    let mock = mock().await;
    let client = client(&mock);
    let byok = client.byok();
    let created = byok
        .create(
            NewByokKey::new(PROVIDER_KEY, ByokProviderSlug::Anthropic)
                .name("prod anthropic")
                .allowed_models(["anthropic/claude-sonnet-4"])
                .declared_region(CreateByokKeyRequestDeclaredRegion::Europe),
        )
        .await
        .unwrap();
    assert_eq!(created.provider, ByokProviderSlug::Anthropic);
    assert_eq!(created.label, "sk-...xyz9");
    let rendered = format!("{created:?}");
    assert!(!rendered.contains("E2EPROVIDERSECRET"), "{rendered}");
    let body = mock.requests().last().unwrap().body.clone();
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("E2EPROVIDERSECRET"),
        "the key itself is sent"
    );

    let got = byok.get(created.id).await.unwrap();
    assert_eq!(got.allowed_models.as_deref().map(<[String]>::len), Some(1));
    let updated = byok
        .update(
            created.id,
            ByokKeyUpdate::new()
                .disabled(true)
                .clear_allowed_models()
                .key("sk-ant-api03-ROTATED-abcd"),
        )
        .await
        .unwrap();
    assert!(updated.disabled);
    assert_eq!(updated.allowed_models, None);
    assert_eq!(updated.label, "sk-...abcd", "a new key gives a new label");
    assert_eq!(updated.name.as_deref(), Some("prod anthropic"));

    assert!(byok.delete(created.id).await.unwrap());
    assert_eq!(api_status(byok.get(created.id).await), 404);
    assert_eq!(api_status(byok.delete(created.id).await), 404);
}

#[tokio::test]
async fn provider_keys_are_listed_over_several_pages_and_filtered() {
    let mock = mock().await;
    let client = client(&mock);
    for i in 0..60 {
        let provider = if i % 3 == 0 {
            ByokProviderSlug::Openai
        } else {
            ByokProviderSlug::Mistral
        };
        client
            .byok()
            .create(NewByokKey::new(
                format!("provider-key-{i:04}-long-enough"),
                provider,
            ))
            .await
            .unwrap();
    }
    let all = client
        .byok()
        .list()
        .page_size(25)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 60);
    let pages = mock
        .requests()
        .iter()
        .filter(|r| r.operation == Some(OperationId::ListByokKeys))
        .count();
    assert!((3..=4).contains(&pages), "{pages} pages");
    let openai = client
        .byok()
        .list_with(
            ByokFilter::new().provider(openrouter_mgmt::open_enums::ListByokKeysProvider::Openai),
        )
        .collect_all()
        .await
        .unwrap();
    assert_eq!(openai.len(), 20);
}

#[tokio::test]
async fn bad_provider_keys_are_refused_before_sending_and_need_a_management_key() {
    let mock = mock().await;
    let client = client(&mock);
    let before = mock.requests().len();
    assert_eq!(
        invalid_argument(
            client
                .byok()
                .create(NewByokKey::new("", ByokProviderSlug::Openai))
                .await
        ),
        "key"
    );
    assert_eq!(mock.requests().len(), before, "nothing sent");
    let newer = ByokProviderSlug::Unknown("brand-new-provider".to_owned());
    assert_eq!(
        api_status(
            client
                .byok()
                .create(NewByokKey::new(PROVIDER_KEY, newer))
                .await
        ),
        400
    );
    let ordinary = client_with_key(&mock, mock.non_management_key());
    assert_eq!(api_status(ordinary.byok().list().collect_all().await), 403);
}

#[tokio::test]
async fn external_users_are_created_once_deactivated_listed_and_deleted() {
    let mock = mock().await;
    let client = client(&mock);
    let users = client.external_users();
    for i in 0..30 {
        users.create(&format!("customer-{i:02}")).await.unwrap();
    }
    assert_eq!(api_status(users.create("customer-00").await), 409);
    let off = users.set_active("customer-01", false).await.unwrap();
    assert!(!off.is_active);
    assert!(off.updated_at >= off.created_at);

    let active = users
        .list()
        .page_size(10)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(active.len(), 29, "inactive users are left out by default");
    let everyone = users
        .list_with(ExternalUserFilter::new().include_inactive(true))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(everyone.len(), 30);
    let one = users
        .list_with(ExternalUserFilter::new().user("customer-07"))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(one.len(), 1);

    users.delete("customer-07").await.unwrap();
    assert_eq!(api_status(users.get("customer-07").await), 404);
    assert_eq!(api_status(users.delete("customer-07").await), 404);
    // The spec's pattern refuses leading or trailing whitespace before anything is sent.
    let before = mock.requests().len();
    assert_eq!(invalid_argument(users.create(" padded").await), "user");
    assert_eq!(mock.requests().len(), before);
}
