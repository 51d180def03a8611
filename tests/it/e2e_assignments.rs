//! Key and member assignments through the facade against the mock: bulk assign and unassign (chunked, idempotent,
//! moving a key between guardrails), the four assignment lists, the cascade on guardrail delete, and the errors.

use std::collections::BTreeSet;

use openrouter_mgmt::{CallOptions, GuardrailId, KeyHash, NewGuardrail, NewKey, UserId};
use openrouter_mgmt_mock::{MockServer, OperationId};

use crate::e2e_support::{api_status, client, client_with_key, invalid_argument};

async fn seeded(keys: usize) -> MockServer {
    MockServer::builder()
        .seed(9)
        .keys(keys)
        .members(20)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn keys_are_assigned_listed_moved_and_unassigned() {
    let mock = seeded(250).await;
    let client = client(&mock);
    let g = client.guardrails();
    let first = GuardrailId::new(g.create(NewGuardrail::new("first")).await.unwrap().id);
    let second = GuardrailId::new(g.create(NewGuardrail::new("second")).await.unwrap().id);
    let hashes: Vec<KeyHash> = client
        .keys()
        .list_with(openrouter_mgmt::KeyFilter::new().include_disabled(true))
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.hash.clone())
        .collect();
    assert_eq!(hashes.len(), 250);

    // 250 ids (plus duplicates) in chunks of 100.
    let with_duplicates = hashes.iter().chain(hashes[..10].iter()).cloned();
    let outcome = g.assign_keys(first, with_duplicates).await.unwrap();
    assert_eq!((outcome.count, outcome.ids, outcome.chunks), (250, 250, 3));
    assert_eq!(
        mock.requests_to(OperationId::BulkAssignKeysToGuardrail)
            .len(),
        3
    );

    // Repeating changes nothing.
    assert_eq!(g.assign_keys(first, hashes.clone()).await.unwrap().count, 0);

    let listed: BTreeSet<KeyHash> = g
        .guardrail_key_assignments(first)
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.key_hash)
        .collect();
    assert_eq!(listed, hashes.iter().cloned().collect());

    // Assigning elsewhere moves the key.
    assert_eq!(
        g.assign_keys(second, hashes[..5].to_vec())
            .await
            .unwrap()
            .count,
        5
    );
    assert_eq!(mock.key_guardrail(hashes[0].as_str()), Some(second));
    assert_eq!(
        g.guardrail_key_assignments(first)
            .collect_all()
            .await
            .unwrap()
            .len(),
        245
    );
    assert_eq!(g.key_assignments().collect_all().await.unwrap().len(), 250);

    // Unassign: only ids assigned to this guardrail count.
    assert_eq!(
        g.unassign_keys(first, hashes[..10].to_vec())
            .await
            .unwrap()
            .count,
        5
    );
    assert_eq!(
        g.unassign_keys(first, hashes[..10].to_vec())
            .await
            .unwrap()
            .count,
        0
    );
    assert_eq!(g.key_assignments().collect_all().await.unwrap().len(), 245);
}

#[tokio::test]
async fn members_are_assigned_listed_and_unassigned() {
    let mock = seeded(0).await;
    let client = client(&mock);
    let g = client.guardrails();
    let id = GuardrailId::new(g.create(NewGuardrail::new("members")).await.unwrap().id);
    let members: Vec<UserId> = mock.members().into_iter().collect();
    assert_eq!(members.len(), 20);
    let outcome = client
        .with_options(CallOptions::new().bulk_chunk_size(7))
        .guardrails()
        .assign_members(id, members.clone())
        .await
        .unwrap();
    assert_eq!((outcome.count, outcome.chunks), (20, 3));
    let listed: BTreeSet<UserId> = g
        .guardrail_member_assignments(id)
        .page_size(3)
        .unwrap()
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.user_id)
        .collect();
    assert_eq!(listed, members.iter().cloned().collect());
    assert_eq!(
        g.member_assignments().collect_all().await.unwrap().len(),
        20
    );
    assert_eq!(
        g.unassign_members(id, members[..4].to_vec())
            .await
            .unwrap()
            .count,
        4
    );
    assert_eq!(
        g.member_assignments().collect_all().await.unwrap().len(),
        16
    );
    assert_eq!(mock.member_guardrail(members[0].as_str()), None);
    assert_eq!(mock.member_guardrail(members[4].as_str()), Some(id));
}

#[tokio::test]
async fn deleting_a_guardrail_drops_its_assignments() {
    let mock = seeded(0).await;
    let client = client(&mock);
    let g = client.guardrails();
    let id = GuardrailId::new(g.create(NewGuardrail::new("doomed")).await.unwrap().id);
    let key: KeyHash = client
        .keys()
        .create(NewKey::new("k"))
        .await
        .unwrap()
        .data
        .hash;
    g.assign_keys(id, [key.clone()]).await.unwrap();
    g.assign_members(id, [UserId::new("user_1").unwrap()])
        .await
        .unwrap();
    assert!(g.delete(id).await.unwrap());
    assert!(g.key_assignments().collect_all().await.unwrap().is_empty());
    assert!(
        g.member_assignments()
            .collect_all()
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(mock.key_guardrail(key.as_str()), None);
}

#[tokio::test]
async fn assignment_operations_answer_401_403_and_404() {
    let mock = seeded(1).await;
    let id = GuardrailId::new(
        client(&mock)
            .guardrails()
            .create(NewGuardrail::new("g"))
            .await
            .unwrap()
            .id,
    );
    let key = KeyHash::new("whatever").unwrap();
    let member = UserId::new("user_1").unwrap();
    for (who, status) in [("sk-or-v1-unknown", 401), (mock.non_management_key(), 403)] {
        let c = client_with_key(&mock, who);
        let g = c.guardrails();
        assert_eq!(api_status(g.key_assignments().collect_all().await), status);
        assert_eq!(
            api_status(g.member_assignments().collect_all().await),
            status
        );
        assert_eq!(
            api_status(g.guardrail_key_assignments(id).collect_all().await),
            status
        );
        assert_eq!(
            api_status(g.guardrail_member_assignments(id).collect_all().await),
            status
        );
        assert_eq!(api_status(g.assign_keys(id, [key.clone()]).await), status);
        assert_eq!(api_status(g.unassign_keys(id, [key.clone()]).await), status);
        assert_eq!(
            api_status(g.assign_members(id, [member.clone()]).await),
            status
        );
        assert_eq!(
            api_status(g.unassign_members(id, [member.clone()]).await),
            status
        );
    }
    let c = client(&mock);
    let g = c.guardrails();
    let unknown = GuardrailId::new(uuid::Uuid::from_u128(42));
    assert_eq!(
        api_status(g.guardrail_key_assignments(unknown).collect_all().await),
        404
    );
    assert_eq!(
        api_status(g.guardrail_member_assignments(unknown).collect_all().await),
        404
    );
    assert_eq!(api_status(g.assign_keys(unknown, [key.clone()]).await), 404);
    assert_eq!(
        api_status(g.unassign_keys(unknown, [key.clone()]).await),
        404
    );
    assert_eq!(
        api_status(g.assign_members(unknown, [member.clone()]).await),
        404
    );
    assert_eq!(api_status(g.unassign_members(unknown, [member]).await), 404);
    // An empty list never leaves the client.
    let before = mock.requests().len();
    assert_eq!(
        invalid_argument(g.assign_keys(id, Vec::<KeyHash>::new()).await),
        "key_hashes"
    );
    assert_eq!(mock.requests().len(), before);
}

#[tokio::test]
async fn unknown_key_hashes_and_members_are_skipped_not_errors() {
    let mock = seeded(0).await;
    let c = client(&mock);
    let g = c.guardrails();
    let id = GuardrailId::new(g.create(NewGuardrail::new("g")).await.unwrap().id);
    let outcome = g
        .assign_keys(id, [KeyHash::new("no-such-key").unwrap()])
        .await
        .unwrap();
    assert_eq!((outcome.count, outcome.ids), (0, 1));
    let outcome = g
        .assign_members(id, [UserId::new("user_404").unwrap()])
        .await
        .unwrap();
    assert_eq!(outcome.count, 0);
}
