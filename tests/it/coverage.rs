//! What the generated operation list still lacks: every operation under `openapi/` must have behaviour in the mock,
//! a contract scenario and a row in the README's operation table. All come from the generated `OperationId`, so a new
//! operation never breaks the build; it fails these tests, by name, until someone writes them.

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

#[test]
fn the_readme_lists_every_operation_with_its_call() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the repository's README");
    let section = readme
        .split("## Operations")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("an Operations section");
    let listed: Vec<&str> = section
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .collect();
    let generated: Vec<&str> = OperationId::ALL.iter().map(|op| op.name()).collect();
    let mut sorted_listed = listed.clone();
    sorted_listed.sort_unstable();
    let mut sorted_generated = generated.clone();
    sorted_generated.sort_unstable();
    assert_eq!(
        sorted_listed, sorted_generated,
        "README.md's operation table and the generated operations differ"
    );
    assert!(
        section.contains(&format!("{} of the 78", generated.len())),
        "the README's count of operations is stale"
    );
}
