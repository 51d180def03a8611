//! What the generated operation list still lacks: every operation under `openapi/` must have behaviour in the mock
//! and a contract scenario. Both lists come from the generated `OperationId`, so a new operation never breaks the
//! build; it fails these tests, by name, until someone writes its behaviour and scenario.

use openrouter_mgmt::OperationId;

fn names(ops: Vec<OperationId>) -> Vec<&'static str> {
    ops.into_iter().map(OperationId::name).collect()
}

#[test]
fn every_operation_has_behaviour_in_the_mock() {
    let missing = names(openrouter_mgmt_mock::operations_without_behaviour());
    assert!(
        missing.is_empty(),
        "operations the mock answers with 501: {missing:?}"
    );
}

#[test]
fn every_operation_has_a_contract_scenario() {
    let missing = names(openrouter_mgmt_tests::scenarios::operations_without_scenario());
    assert!(
        missing.is_empty(),
        "operations without a contract scenario (tests/src/scenarios.rs): {missing:?}"
    );
}
