//! `regen --check` as an ordinary test (so `cargo test` alone catches stale output), the tamper-and-restore cycle,
//! and byte-identical output independent of the order files are listed in.

use crate::support::{copy_dir, repo_root};
use xtask::regen::{Outcome, Paths, plan, run};

#[test]
fn generated_files_are_up_to_date() {
    match run(&Paths::in_repo(&repo_root()), true) {
        Ok(Outcome::UpToDate) => {}
        Ok(other) => panic!("check mode wrote files: {other:?}"),
        Err(e) => panic!("{e}"),
    }
}

/// A copy of the repository's specs and generated sources in a temporary directory.
fn scratch_copy() -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths {
        openapi_dir: dir.path().join("openapi"),
        out_dir: dir.path().join("gen"),
        cli_out_dir: Some(dir.path().join("cli")),
        declare_out_dir: Some(dir.path().join("declare")),
    };
    copy_dir(&repo_root().join("openapi"), &paths.openapi_dir);
    copy_dir(
        &repo_root().join("crates/openrouter-mgmt-gen/src"),
        &paths.out_dir,
    );
    copy_dir(
        &repo_root().join(xtask::regen::CLI_OUT_DIR),
        paths.cli_out_dir.as_ref().unwrap(),
    );
    copy_dir(
        &repo_root().join(xtask::regen::DECLARE_OUT_DIR),
        paths.declare_out_dir.as_ref().unwrap(),
    );
    (dir, paths)
}

#[test]
fn a_tampered_generated_file_fails_the_check_and_regen_restores_it() {
    let (_dir, paths) = scratch_copy();
    let generated = paths.out_dir.join("generated.rs");
    let original = std::fs::read_to_string(&generated).unwrap();
    std::fs::write(
        &generated,
        original.replace("pub struct KeyAssignment {", "pub struct Tampered {"),
    )
    .unwrap();

    let err = run(&paths, true).unwrap_err().to_string();
    assert!(
        err.contains("out of date") && err.contains("generated.rs"),
        "{err}"
    );
    assert!(
        err.contains("-    pub struct Tampered {")
            && err.contains("+    pub struct KeyAssignment {"),
        "diff shown: {err}"
    );
    assert!(
        !err.contains("openapi.merged.yaml"),
        "only the stale file is named: {err}"
    );

    match run(&paths, false).unwrap() {
        Outcome::Written(files) => assert_eq!(files, vec![generated.clone()]),
        other => panic!("{other:?}"),
    }
    assert_eq!(std::fs::read_to_string(&generated).unwrap(), original);
    assert!(matches!(run(&paths, true).unwrap(), Outcome::UpToDate));
}

#[test]
fn output_is_byte_identical_and_independent_of_listing_order() {
    let first = plan(&Paths::in_repo(&repo_root())).unwrap();
    let second = plan(&Paths::in_repo(&repo_root())).unwrap();
    let contents =
        |p: &[xtask::output::Planned]| p.iter().map(|f| f.contents.clone()).collect::<Vec<_>>();
    assert_eq!(contents(&first), contents(&second));

    // Recreate the folder with files written in reverse order and directories renamed, so that neither creation
    // order nor names change what comes out.
    let dir = tempfile::tempdir().unwrap();
    let mut files = xtask::import::spec_files(&repo_root().join("openapi")).unwrap();
    files.reverse();
    for (i, f) in files.iter().enumerate() {
        let target = dir
            .path()
            .join(format!("z{}", 100 - i))
            .join(f.file_name().unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(f, target).unwrap();
    }
    std::fs::copy(
        repo_root().join("openapi/overlay.yaml"),
        dir.path().join("overlay.yaml"),
    )
    .unwrap();
    let shuffled = plan(&Paths {
        openapi_dir: dir.path().to_path_buf(),
        out_dir: dir.path().join("gen"),
        cli_out_dir: Some(dir.path().join("cli")),
        declare_out_dir: Some(dir.path().join("declare")),
    })
    .unwrap();
    assert_eq!(contents(&first), contents(&shuffled));
}

/// A POST the overlay says nothing about is a regen error that names it, never a silent default.
#[test]
fn a_post_without_a_replay_decision_is_an_error_naming_it() {
    let (_dir, paths) = scratch_copy();
    let overlay = paths.openapi_dir.join("overlay.yaml");
    let text = std::fs::read_to_string(&overlay).unwrap();
    let without = text.replace(
        "  createGuardrail:\n    class: only_if_not_received\n    reason: a replay could create a duplicate guardrail\n",
        "",
    );
    assert_ne!(text, without, "the overlay has the createGuardrail entry");
    std::fs::write(&overlay, without).unwrap();
    let err = run(&paths, true).unwrap_err().to_string();
    assert!(
        err.contains("POST /guardrails (createGuardrail)") && err.contains("no replay decision"),
        "{err}"
    );
}

/// An `idempotency_key` must name a header parameter the operation declares, and only a `safe` class can have
/// one: both slips are regen errors naming the operation.
#[test]
fn an_idempotency_key_without_its_header_or_on_an_unsafe_class_is_an_error() {
    let entry = "  createPrivateEndpoint:\n    class: safe\n    idempotency_key: idempotency-key\n";
    for (replacement, expected) in [
        (
            "  createPrivateEndpoint:\n    class: safe\n    idempotency_key: x-request-id\n",
            "no such header parameter",
        ),
        (
            "  createPrivateEndpoint:\n    class: only_if_not_received\n    idempotency_key: idempotency-key\n",
            "its class must be `safe`",
        ),
    ] {
        let (_dir, paths) = scratch_copy();
        let overlay = paths.openapi_dir.join("overlay.yaml");
        let text = std::fs::read_to_string(&overlay).unwrap();
        assert!(
            text.contains(entry),
            "the overlay has the createPrivateEndpoint entry"
        );
        std::fs::write(&overlay, text.replace(entry, replacement)).unwrap();
        let err = run(&paths, true).unwrap_err().to_string();
        assert!(
            err.contains("createPrivateEndpoint") && err.contains(expected),
            "{err}"
        );
    }
}

/// An overlay entry for an operation that no file defines is stale, and an error.
#[test]
fn an_overlay_entry_for_an_unknown_operation_is_an_error() {
    let (_dir, paths) = scratch_copy();
    let overlay = paths.openapi_dir.join("overlay.yaml");
    let text = std::fs::read_to_string(&overlay).unwrap();
    std::fs::write(
        &overlay,
        text.replace(
            "replay:\n",
            "replay:\n  createWidget:\n    class: safe\n    reason: r\n",
        ),
    )
    .unwrap();
    let err = run(&paths, true).unwrap_err().to_string();
    assert!(err.contains("createWidget"), "{err}");
}

/// Once the overlay has a `cli:` section, an operation without a command is a regen error naming it, and a
/// command that clashes with another is one too.
#[test]
fn an_operation_without_a_command_is_an_error_naming_it() {
    let entry = "  getCredits: {command: credits get}\n";
    for (replacement, expected) in [
        ("", "GET /credits (getCredits)"),
        ("  getCredits: {command: keys list}\n", "clashes with"),
        ("  getCredits: {command: keys}\n", "clashes with"),
        ("  getCredits: {command: Credits Get}\n", "kebab-case"),
        ("  getCredits: {command: docs credits}\n", "hand-written"),
    ] {
        let (_dir, paths) = scratch_copy();
        let overlay = paths.openapi_dir.join("overlay.yaml");
        let text = std::fs::read_to_string(&overlay).unwrap();
        assert!(
            text.contains(entry),
            "the overlay has the getCredits command"
        );
        std::fs::write(&overlay, text.replace(entry, replacement)).unwrap();
        let err = run(&paths, true).unwrap_err().to_string();
        assert!(err.contains(expected), "{replacement:?}: {err}");
    }
}
