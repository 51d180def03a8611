//! The mock covers the spec: every generated operation has behaviour, so none answers 501.

use openrouter_mgmt_mock::{MockServer, operations_without_behaviour};

#[tokio::test]
async fn every_operation_of_the_spec_has_behaviour() {
    let missing: Vec<&str> = operations_without_behaviour()
        .into_iter()
        .map(|op| op.info().name)
        .collect();
    assert!(
        missing.is_empty(),
        "openrouter-mgmt-mock has no behaviour for {} operation(s) of the spec (they answer 501): {}",
        missing.len(),
        missing.join(", ")
    );
    let mock = MockServer::start().await.expect("mock starts");
    assert_eq!(
        mock.operations_without_behaviour(),
        operations_without_behaviour()
    );
}
