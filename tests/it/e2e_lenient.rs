//! Answers shaped by an older or different server, end to end through the mock's body-rewriting faults: every
//! whole number written as a float (the February 2026 spec typed counts as `number`), and one list item that
//! breaks the schema among good ones. The facade keeps all the good data.

use futures::StreamExt;
use openrouter_mgmt::{Error, GuardrailId};
use openrouter_mgmt_mock::{Fault, FaultRule, MockServer, OperationId};

use crate::e2e_support::client;

#[tokio::test]
async fn one_schema_breaking_item_costs_only_itself() {
    let mock = MockServer::builder()
        .seed(11)
        .guardrails(5)
        .start()
        .await
        .unwrap();
    let client = client(&mock);
    let all: Vec<_> = client.guardrails().list().collect_all().await.unwrap();
    assert_eq!(all.len(), 5);
    mock.clear_requests();
    // The fault removes the first item's `id`.
    mock.faults()
        .once(OperationId::ListGuardrails, Fault::SchemaViolation);
    let results: Vec<_> = client.guardrails().list().items().collect().await;
    let good: Vec<_> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|g| g.id)
        .collect();
    let expected: Vec<_> = all[1..].iter().map(|g| g.id).collect();
    assert_eq!(good, expected, "every good item, in order");
    let errors: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let Error::ItemDecode {
        operation,
        status,
        offset,
        index,
        path,
        message,
        ..
    } = errors[0]
    else {
        panic!("{:?}", errors[0])
    };
    assert_eq!(
        (*operation, *status, *offset, *index, path.as_str()),
        ("list_guardrails", 200, 0, 0, "data[0]")
    );
    assert!(message.contains("missing field `id`"), "{message}");
    assert_eq!(mock.requests_to(OperationId::ListGuardrails).len(), 1);
}

#[tokio::test]
async fn counts_written_as_floats_decode_like_integers() {
    let mock = MockServer::builder()
        .seed(12)
        .guardrails(1)
        .keys(5)
        .assigned_keys(3)
        .start()
        .await
        .unwrap();
    let client = client(&mock);
    let me_as_specified = client.keys().current().await.unwrap();
    for operation in [
        OperationId::ListKeyAssignments,
        OperationId::BulkAssignKeysToGuardrail,
        OperationId::GetCurrentKey,
    ] {
        mock.faults()
            .add(FaultRule::new(operation, Fault::LegacyNumbers).always());
    }
    let pages: Vec<_> = client
        .guardrails()
        .key_assignments()
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 1, "{pages:?}");
    let page = pages[0].as_ref().unwrap();
    assert_eq!((page.items.len(), page.total_count), (3, Some(3)));
    let raw = &mock.requests_to(OperationId::ListKeyAssignments);
    assert_eq!(raw.len(), 1);

    let guardrail = GuardrailId::new(client.guardrails().list().collect_all().await.unwrap()[0].id);
    let hashes: Vec<_> = client
        .keys()
        .list()
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.hash)
        .collect();
    let outcome = client
        .guardrails()
        .assign_keys(guardrail, hashes)
        .await
        .unwrap();
    // `assigned_count: 2.0`: the three keys already assigned to the one guardrail are not counted again.
    assert_eq!((outcome.count, outcome.chunks), (2, 1));
    assert!(outcome.count_confirmed());

    // Every integer of the current key (`rate_limit.requests`, the free-model counts) written as a float.
    let me = client.keys().current().await.unwrap();
    assert_eq!(me, me_as_specified);
    let answered = mock.requests_to(OperationId::GetCurrentKey);
    assert_eq!(answered.len(), 2);
}
