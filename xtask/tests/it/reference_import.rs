//! The committed `openapi/` is exactly what `import` makes of the reference spec, importing is idempotent, and a
//! docs page with a differently spelled operationId updates the matching file instead of adding a twin.

use crate::support::{copy_dir, fixture, repo_root, sdk_tags, snapshot_dir};
use xtask::import::{Outcome, import};

#[test]
fn committed_openapi_is_exactly_the_import_of_the_reference_spec() {
    let dir = tempfile::tempdir().unwrap();
    let reports = import(
        &[fixture(
            "reference/openrouter-management-2026-10-30.openapi.json",
        )],
        &sdk_tags(),
        dir.path(),
    )
    .unwrap();
    assert_eq!(reports.len(), 78, "all 78 operations of the thirteen tags");
    assert!(reports.iter().all(|r| r.outcome == Outcome::Added));
    let imported = snapshot_dir(dir.path());
    let committed: Vec<_> = snapshot_dir(&repo_root().join("openapi"))
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "yaml") && !p.ends_with("overlay.yaml"))
        .collect();
    let names =
        |v: &[(std::path::PathBuf, String)]| v.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&imported), names(&committed));
    for ((path, a), (_, b)) in imported.iter().zip(&committed) {
        assert!(
            a == b,
            "openapi/{} differs from a fresh import; run `cargo xtask import --tag \"API Keys\" --tag Analytics --tag BYOK --tag Credits --tag \"External Users\" --tag Generations --tag Guardrails --tag Observability --tag Organization --tag \"Private Endpoints\" --tag \"Private Providers\" --tag SCIM --tag Workspaces <reference spec>`",
            path.display()
        );
    }
}

#[test]
fn importing_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = [fixture(
        "reference/openrouter-management-2026-10-30.openapi.json",
    )];
    import(&input, &sdk_tags(), dir.path()).unwrap();
    let before = snapshot_dir(dir.path());
    let again = import(&input, &sdk_tags(), dir.path()).unwrap();
    assert!(again.iter().all(|r| r.outcome == Outcome::Unchanged));
    assert_eq!(snapshot_dir(dir.path()), before);
}

#[test]
fn a_page_with_a_kebab_case_operation_id_updates_the_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("openapi"), dir.path());
    let count_before = snapshot_dir(dir.path()).len();
    let reports = import(
        &[fixture("seeds/bulk-assign-keys-to-guardrail.mdx")],
        &[],
        dir.path(),
    )
    .unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].outcome, Outcome::Updated);
    assert_eq!(
        reports[0].file,
        std::path::Path::new("guardrails/bulk-assign-keys-to-guardrail.yaml")
    );
    assert_eq!(snapshot_dir(dir.path()).len(), count_before, "no twin file");
    let text = std::fs::read_to_string(
        dir.path()
            .join("guardrails/bulk-assign-keys-to-guardrail.yaml"),
    )
    .unwrap();
    assert!(text.contains("operationId: bulk-assign-keys-to-guardrail"));
}
