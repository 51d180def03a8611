//! API keys through the facade against the mock: every operation's happy path, and its declared errors (401 with
//! an unknown key, 403 with a non-management key, 404 for an unknown hash, 400 for a body the facade lets through).

use openrouter_mgmt::open_enums::{CreateKeysBodyLimitReset, UpdateKeysBodyLimitReset};
use openrouter_mgmt::{KeyFilter, KeyHash, KeyUpdate, NewKey};
use openrouter_mgmt_mock::{MockServer, OperationId};

use crate::e2e_support::{api_status, client, client_with_key, mock};

#[tokio::test]
async fn current_key_answers_for_management_and_ordinary_keys() {
    let mock = mock().await;
    let me = client(&mock).keys().current().await.unwrap();
    assert!(me.is_management_key);
    let ordinary = client_with_key(&mock, mock.non_management_key())
        .keys()
        .current()
        .await
        .unwrap();
    assert!(!ordinary.is_management_key);
    assert_eq!(mock.requests_to(OperationId::GetCurrentKey).len(), 2);
}

#[tokio::test]
async fn a_key_is_created_read_updated_listed_and_deleted() {
    let mock = mock().await;
    let client = client(&mock);
    let keys = client.keys();
    let created = keys
        .create(
            NewKey::new("ci runner")
                .limit(25.0)
                .limit_reset(CreateKeysBodyLimitReset::Monthly),
        )
        .await
        .unwrap();
    assert!(
        created.key.expose_secret().starts_with("sk-or-v1-"),
        "plaintext returned once"
    );
    assert_eq!(created.data.name, "ci runner");
    assert_eq!(created.data.limit, Some(25.0));
    let hash: KeyHash = created.data.hash.clone();

    // The plaintext authenticates as an ordinary key.
    let as_new_key = client_with_key(&mock, created.key.expose_secret())
        .keys()
        .current()
        .await
        .unwrap();
    assert!(!as_new_key.is_management_key);

    let got = keys.get(&hash).await.unwrap();
    assert_eq!(
        (got.hash.as_str(), got.limit),
        (created.data.hash.as_str(), Some(25.0))
    );

    let updated = keys
        .update(
            &hash,
            KeyUpdate::new()
                .name("renamed")
                .clear_limit()
                .limit_reset(UpdateKeysBodyLimitReset::Weekly),
        )
        .await
        .unwrap();
    assert_eq!((updated.name.as_str(), updated.limit), ("renamed", None));
    let sent = mock
        .requests_to(OperationId::UpdateKeys)
        .pop()
        .unwrap()
        .body_json()
        .unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"name": "renamed", "limit": null, "limit_reset": "weekly"})
    );

    // Disabled keys are listed only on request.
    keys.update(&hash, KeyUpdate::new().disabled(true))
        .await
        .unwrap();
    assert!(keys.list().collect_all().await.unwrap().is_empty());
    let all = keys
        .list_with(KeyFilter::new().include_disabled(true))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert!(all[0].disabled);

    assert!(keys.delete(&hash).await.unwrap());
    assert_eq!(api_status(keys.get(&hash).await), 404);
    assert_eq!(mock.key_count(), 0);
    // The deleted key's secret no longer authenticates.
    assert_eq!(
        api_status(
            client_with_key(&mock, created.key.expose_secret())
                .keys()
                .current()
                .await
        ),
        401
    );
}

#[tokio::test]
async fn the_key_list_walks_pages_of_100_by_offset() {
    let mock = MockServer::builder()
        .seed(3)
        .keys(250)
        .start()
        .await
        .unwrap();
    let all = client(&mock)
        .keys()
        .list_with(KeyFilter::new().include_disabled(true))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    let offsets: Vec<String> = mock
        .requests_to(OperationId::List)
        .iter()
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        offsets.len(),
        3,
        "two full pages and a short one: {offsets:?}"
    );
    // Each page after the first starts at the boundary key, the last of the one before.
    for (i, q) in offsets.iter().enumerate() {
        assert!(q.contains(&format!("offset={}", i * 99)), "{q}");
        assert!(
            !q.contains("limit"),
            "GET /keys has no limit parameter: {q}"
        );
    }
    let enabled = client(&mock).keys().list().collect_all().await.unwrap();
    assert_eq!(enabled.len(), all.iter().filter(|k| !k.disabled).count());
    assert!(enabled.len() < 250, "the seed disables some keys");
}

#[tokio::test]
async fn an_unknown_key_gets_401_on_every_key_operation() {
    let mock = MockServer::builder().keys(1).start().await.unwrap();
    let stranger = client_with_key(&mock, "sk-or-v1-unknown");
    let keys = stranger.keys();
    let hash = KeyHash::new("anything").unwrap();
    assert_eq!(api_status(keys.current().await), 401);
    assert_eq!(api_status(keys.list().collect_all().await), 401);
    assert_eq!(api_status(keys.create(NewKey::new("x")).await), 401);
    assert_eq!(api_status(keys.get(&hash).await), 401);
    assert_eq!(
        api_status(keys.update(&hash, KeyUpdate::new().name("x")).await),
        401
    );
    assert_eq!(api_status(keys.delete(&hash).await), 401);
    assert_eq!(mock.key_count(), 1, "nothing changed");
}

#[tokio::test]
async fn a_non_management_key_gets_403_on_every_key_operation_but_current() {
    let mock = MockServer::builder().keys(1).start().await.unwrap();
    let hash: KeyHash = client(&mock)
        .keys()
        .list_with(KeyFilter::new().include_disabled(true))
        .collect_all()
        .await
        .unwrap()
        .remove(0)
        .hash;
    let ordinary = client_with_key(&mock, mock.non_management_key());
    let keys = ordinary.keys();
    assert_eq!(api_status(keys.list().collect_all().await), 403);
    assert_eq!(api_status(keys.create(NewKey::new("x")).await), 403);
    assert_eq!(api_status(keys.get(&hash).await), 403);
    assert_eq!(
        api_status(keys.update(&hash, KeyUpdate::new().name("x")).await),
        403
    );
    assert_eq!(api_status(keys.delete(&hash).await), 403);
    assert_eq!(mock.key_count(), 1, "nothing changed");
}

#[tokio::test]
async fn an_unknown_hash_gets_404() {
    let mock = mock().await;
    let client = client(&mock);
    let keys = client.keys();
    // A hash full of path characters still reaches the mock as one segment, and is simply unknown.
    for raw in ["0123abcd", "../keys", "a/b?c#d"] {
        let hash = KeyHash::new(raw).unwrap();
        assert_eq!(api_status(keys.get(&hash).await), 404, "{raw}");
        assert_eq!(
            api_status(keys.update(&hash, KeyUpdate::new().name("x")).await),
            404,
            "{raw}"
        );
        assert_eq!(api_status(keys.delete(&hash).await), 404, "{raw}");
    }
    assert_eq!(mock.requests().len(), 9);
}

#[tokio::test]
async fn a_body_the_facade_lets_through_but_the_api_rejects_is_a_400() {
    let mock = mock().await;
    let client = client(&mock);
    // An enum value newer than the spec is kept by the open enum and sent as is; the API answers 400.
    let status = api_status(
        client
            .keys()
            .create(
                NewKey::new("x").limit_reset(CreateKeysBodyLimitReset::Unknown("hourly".into())),
            )
            .await,
    );
    assert_eq!(status, 400);
    assert_eq!(mock.key_count(), 0);
    assert_eq!(
        mock.requests_to(OperationId::CreateKeys).len(),
        1,
        "a 400 is not retried"
    );
}
