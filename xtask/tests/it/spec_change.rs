//! A field or operation added to `openapi/` reaches the generated layer with no hand-written line: the sample
//! change (see `xtask::sample_change`) regenerated in a scratch copy gives setters (and `clear_*` for the nullable
//! update field), decoded fields, and a new operation struct with its `OperationId`. The compile-and-run half of
//! the proof is `scripts/spec-change-proof.sh`, which CI runs.

use crate::support::{copy_dir, repo_root};
use xtask::regen::{Outcome, Paths, run};
use xtask::sample_change::{GUARDRAIL_FIELD, KEY_FIELD, KEY_UPDATABLE_FIELD, apply};

#[test]
fn the_sample_change_reaches_the_generated_layer() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths {
        openapi_dir: dir.path().join("openapi"),
        out_dir: dir.path().join("gen"),
        cli_out_dir: None,
        declare_out_dir: Some(dir.path().join("declare")),
    };
    copy_dir(&repo_root().join("openapi"), &paths.openapi_dir);
    let changed = apply(&paths.openapi_dir).unwrap();
    assert!(changed.len() >= 6, "{changed:?}");
    assert!(matches!(run(&paths, false).unwrap(), Outcome::Written(_)));
    let read = |name: &str| std::fs::read_to_string(paths.out_dir.join(name)).unwrap();
    let (types, operations, builders) = (
        read("generated.rs"),
        read("operations.rs"),
        read("builders.rs"),
    );

    // (a) The nullable optional field: decoded on Guardrail, tri-state on the update body.
    let guardrail = section(&types, "pub struct Guardrail {");
    assert!(
        guardrail.contains(&format!("pub {GUARDRAIL_FIELD}: ::std::option::Option<")),
        "{guardrail}"
    );
    let update = section(&types, "pub struct UpdateGuardrailRequest {");
    assert!(
        update.contains(&format!("pub {GUARDRAIL_FIELD}: crate::Patch<")),
        "{update}"
    );
    assert!(builders.contains(&format!("pub fn {GUARDRAIL_FIELD}(")));
    assert!(builders.contains(&format!("pub fn clear_{GUARDRAIL_FIELD}(")));
    // Its maxLength is checked before sending.
    assert!(read("validation.rs").contains(&format!("\".{GUARDRAIL_FIELD}\"")));

    // (b) The new createKeys field has a setter.
    let create = section(&types, "pub struct CreateKeysBody {");
    assert!(create.contains(&format!("pub {KEY_FIELD}:")), "{create}");
    assert!(builders.contains(&format!("pub fn {KEY_FIELD}(")));

    // (c) A create-only field the update body gains becomes an in-place update in the resource table.
    let before = std::fs::read_to_string(
        repo_root()
            .join(xtask::regen::DECLARE_OUT_DIR)
            .join("resources.rs"),
    )
    .unwrap();
    let after =
        std::fs::read_to_string(paths.declare_out_dir.as_ref().unwrap().join("resources.rs"))
            .unwrap();
    let field = |table: &str| {
        let at = table
            .find(&format!("name: \"{KEY_UPDATABLE_FIELD}\""))
            .expect("the field is managed");
        table[at..at + 120].to_owned()
    };
    assert!(
        field(&before).contains("update: false"),
        "{}",
        field(&before)
    );
    assert!(field(&after).contains("update: true"), "{}", field(&after));

    // (d) The new GET operation: a struct, a variant, its info.
    assert!(operations.contains("pub struct GetWidgetStats {"));
    assert!(operations.contains("GetWidgetStats,"));
    assert!(operations.contains("path_template: \"/widgets/{id}/stats\""));
    assert!(operations.contains("name: \"get_widget_stats\""));
}

/// The text of one item, from its first line to the next line that closes an item at its indentation.
fn section<'a>(code: &'a str, start: &str) -> &'a str {
    let at = code.find(start).unwrap_or_else(|| panic!("no `{start}`"));
    let rest = &code[at..];
    let end = rest.find("\n    }\n").map_or(rest.len(), |e| e + 6);
    &rest[..end]
}
