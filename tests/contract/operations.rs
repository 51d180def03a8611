//! The operations the contract tests run: the generated operation list, each with its scenario (from
//! `openrouter_mgmt_tests::scenarios`) and the statuses the merged spec declares for it. An operation without a
//! scenario fails here, by name.

use std::collections::{BTreeMap, BTreeSet};

use openrouter_mgmt::OperationId;
use openrouter_mgmt_tests::scenarios::{Scenario, operations_without_scenario, scenario};

use crate::prism::spec_path;

/// The declared response statuses of every operation of the spec, by operationId.
pub(crate) fn declared_statuses() -> BTreeMap<String, BTreeSet<u16>> {
    let text = std::fs::read_to_string(spec_path()).expect("read the merged spec");
    let spec: serde_yaml::Value = serde_yaml::from_str(&text).expect("parse the merged spec");
    let mut out = BTreeMap::new();
    let paths = spec["paths"].as_mapping().expect("paths");
    for (_, item) in paths {
        for method in ["get", "post", "patch", "put", "delete"] {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().expect("operationId").to_owned();
            let statuses = op["responses"]
                .as_mapping()
                .expect("responses")
                .keys()
                .map(|k| {
                    k.as_str()
                        .and_then(|s| s.parse().ok())
                        .or_else(|| k.as_u64().and_then(|n| u16::try_from(n).ok()))
                        .expect("numeric status")
                })
                .collect();
            out.insert(id, statuses);
        }
    }
    out
}

/// Every generated operation with its scenario and declared statuses, in [`OperationId::ALL`] order. Fails,
/// naming them, when an operation has no scenario or the generated list and the merged spec disagree.
pub(crate) fn operations_with_statuses() -> Vec<(OperationId, Scenario, BTreeSet<u16>)> {
    let missing: Vec<&str> = operations_without_scenario()
        .into_iter()
        .map(OperationId::name)
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a contract scenario (add one in tests/src/scenarios.rs): {missing:?}"
    );
    let declared = declared_statuses();
    let ours: BTreeSet<&str> = OperationId::ALL
        .iter()
        .map(|o| o.info().operation_id)
        .collect();
    let theirs: BTreeSet<&str> = declared.keys().map(String::as_str).collect();
    assert_eq!(
        ours, theirs,
        "the generated operations and the merged spec disagree; run `cargo xtask regen`"
    );
    OperationId::ALL
        .iter()
        .map(|&op| {
            let run = scenario(op).expect("checked above");
            (op, run, declared[op.info().operation_id].clone())
        })
        .collect()
}
