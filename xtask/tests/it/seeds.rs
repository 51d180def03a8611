//! The four endpoint pages the project was created from import and regenerate cleanly on their own, and their
//! kebab-case operationIds give the same Rust names as the camelCase ones.

use crate::support::{fixture, snapshot_dir};
use xtask::import::{Outcome, import};
use xtask::regen::{Outcome as RegenOutcome, Paths, run};

const PAGES: [&str; 4] = [
    "seeds/bulk-unassign-keys-from-guardrail.mdx",
    "seeds/bulk-assign-keys-to-guardrail.mdx",
    "seeds/list-key-assignments.mdx",
    "seeds/delete-keys.mdx",
];

#[test]
fn seed_pages_import_and_regenerate() {
    let dir = tempfile::tempdir().unwrap();
    let openapi = dir.path().join("openapi");
    let inputs: Vec<_> = PAGES.iter().map(|p| fixture(p)).collect();
    let reports = import(&inputs, &[], &openapi).unwrap();
    assert_eq!(reports.len(), 4);
    assert!(reports.iter().all(|r| r.outcome == Outcome::Added));
    let files: Vec<_> = snapshot_dir(&openapi).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        files,
        [
            "api-keys/delete-keys.yaml",
            "guardrails/bulk-assign-keys-to-guardrail.yaml",
            "guardrails/bulk-unassign-keys-from-guardrail.yaml",
            "guardrails/list-key-assignments.yaml",
        ]
        .map(std::path::PathBuf::from)
    );

    // The two bulk POSTs need replay decisions (set operations, safe to replay).
    std::fs::write(
        openapi.join("overlay.yaml"),
        "replay:\n  bulkAssignKeysToGuardrail: {class: safe, reason: set operation}\n  \
         bulkUnassignKeysFromGuardrail: {class: safe, reason: set operation}\n",
    )
    .unwrap();
    let out = dir.path().join("gen");
    let paths = Paths {
        openapi_dir: openapi,
        out_dir: out.clone(),
        cli_out_dir: None,
        declare_out_dir: None,
    };
    match run(&paths, false).unwrap() {
        RegenOutcome::Written(w) => assert_eq!(w.len(), 5),
        RegenOutcome::UpToDate => panic!("first regen must write"),
    }
    let code = std::fs::read_to_string(out.join("generated.rs")).unwrap();
    let operations = std::fs::read_to_string(out.join("operations.rs")).unwrap();
    for (operation, name) in [
        (
            "pub struct BulkUnassignKeysFromGuardrail {",
            "\"bulk_unassign_keys_from_guardrail\"",
        ),
        (
            "pub struct BulkAssignKeysToGuardrail {",
            "\"bulk_assign_keys_to_guardrail\"",
        ),
        (
            "pub struct ListKeyAssignments {",
            "\"list_key_assignments\"",
        ),
        ("pub struct DeleteKeys {", "\"delete_keys\""),
    ] {
        assert!(
            operations.contains(operation),
            "generated code lacks `{operation}`"
        );
        assert!(operations.contains(name), "generated code lacks `{name}`");
    }
    // Schema names with spaces (`API Keys_deleteKeys_Response_200`) became identifiers.
    assert!(code.contains("pub struct ApiKeysDeleteKeysResponse200"));
    // The seeds' per-operation Authorization header is the client's job, not a method argument.
    assert!(!operations.to_lowercase().contains("authorization"));
    assert!(matches!(run(&paths, true).unwrap(), RegenOutcome::UpToDate));
}

#[test]
fn a_page_without_an_openapi_block_is_rejected_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let err = import(
        &[fixture("seeds/python-sdk-guardrails.mdx")],
        &[],
        dir.path(),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("python-sdk-guardrails.mdx") && text.contains("no OpenAPI document"),
        "{text}"
    );
}
