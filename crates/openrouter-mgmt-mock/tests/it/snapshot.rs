//! Snapshots round-trip: a seeded organization taken from one mock and loaded into another reads the same through
//! the API (ids kept), and a snapshot that does not fit its types is refused at start.

use openrouter_mgmt_mock::{MockServer, Snapshot};

use crate::common::{Api, client};

#[tokio::test]
async fn a_snapshot_loaded_into_a_new_mock_is_the_same_organization() {
    let first = MockServer::builder()
        .seed(5)
        .workspaces(3)
        .keys(20)
        .guardrails(4)
        .assigned_keys(6)
        .assigned_members(3)
        .byok_keys(2)
        .destinations(2)
        .private_providers(2)
        .start()
        .await
        .unwrap();
    let taken = first.snapshot();
    assert_eq!(taken.keys.len(), 20);
    assert!(!taken.key_assignments.is_empty() && !taken.member_assignments.is_empty());
    let second = MockServer::builder()
        .snapshot(taken.clone())
        .start()
        .await
        .unwrap();
    let again = second.snapshot();
    assert_eq!(again.keys, taken.keys);
    assert_eq!(again.guardrails, taken.guardrails);
    assert_eq!(again.workspaces, taken.workspaces);
    assert_eq!(again.key_assignments, taken.key_assignments);
    assert_eq!(again.member_assignments, taken.member_assignments);
    assert_eq!(again.byok_keys, taken.byok_keys);
    assert_eq!(again.destinations, taken.destinations);
    assert_eq!(again.private_providers, taken.private_providers);
    assert_eq!(again.budgets, taken.budgets);
    assert_eq!(again.workspace_members, taken.workspace_members);
    assert_eq!(second.default_workspace_id(), first.default_workspace_id());
    // Through the API: the same lists, in the same order (assignments are kept as pairs: their own ids are new).
    let (a, b) = (
        Api {
            mock: first,
            http: client(),
        },
        Api {
            mock: second,
            http: client(),
        },
    );
    for path in [
        "/keys?include_disabled=true",
        "/guardrails",
        "/workspaces",
        "/byok",
        "/observability/destinations",
    ] {
        assert_eq!(a.get(path).await, b.get(path).await, "{path}");
    }
}

#[tokio::test]
async fn a_snapshot_that_does_not_fit_its_types_is_refused() {
    let bad = Snapshot {
        guardrails: vec![serde_json::json!({"id": "not-a-uuid"})],
        ..Snapshot::default()
    };
    let error = MockServer::builder()
        .snapshot(bad)
        .start()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("guardrail"), "{error}");
}
