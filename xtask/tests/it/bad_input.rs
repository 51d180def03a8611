//! Bad input never panics and never touches files: each case exits non-zero with one message naming the file,
//! the operation and the JSON pointer.

use crate::support::{copy_dir, fixture, snapshot_dir};
use std::path::Path;
use std::process::Command;

/// Sets up `openapi/` from the small fixture set plus `extra` as `openapi/things/broken.yaml`, and a `gen/` folder
/// with sentinel files; runs `xtask regen`; returns (exit success, stderr), after checking that a failed run
/// touched nothing.
fn regen_with(extra: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let openapi = dir.path().join("openapi");
    copy_dir(&fixture("small"), &openapi);
    std::fs::write(openapi.join("things/broken.yaml"), extra).unwrap();
    let gen_dir = dir.path().join("gen");
    std::fs::create_dir_all(&gen_dir).unwrap();
    std::fs::write(gen_dir.join("generated.rs"), "// sentinel\n").unwrap();
    let before = (snapshot_dir(&openapi), snapshot_dir(&gen_dir));
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["regen", "--openapi-dir"])
        .arg(&openapi)
        .arg("--out-dir")
        .arg(&gen_dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    if !out.status.success() {
        assert_eq!(
            (snapshot_dir(&openapi), snapshot_dir(&gen_dir)),
            before,
            "nothing touched"
        );
    } else {
        assert_eq!(snapshot_dir(&openapi), before.0, "specs never touched");
        assert_ne!(
            snapshot_dir(&gen_dir),
            before.1,
            "a successful run writes the output"
        );
    }
    (out.status.success(), stderr)
}

fn assert_fails_with(extra: &str, needles: &[&str]) {
    let (ok, stderr) = regen_with(extra);
    assert!(!ok, "must exit non-zero");
    assert_eq!(stderr.lines().count(), 1, "one message: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "`{n}` missing from: {stderr}");
    }
}

#[test]
fn the_fixture_set_itself_is_fine() {
    let (ok, stderr) = regen_with(
        "openapi: 3.1.0\ninfo: {title: t, version: v}\npaths:\n  /ok:\n    get:\n      operationId: getOk\n      responses:\n        '200': {description: ok}\n",
    );
    assert!(ok, "{stderr}");
}

#[test]
fn malformed_yaml() {
    assert_fails_with(
        "openapi: 3.1.0\npaths: [unclosed\n",
        &["broken.yaml", "malformed YAML", "line"],
    );
}

#[test]
fn missing_operation_id() {
    assert_fails_with(
        "openapi: 3.1.0\ninfo: {title: t, version: v}\npaths:\n  /x:\n    get:\n      responses:\n        '200': {description: ok}\n",
        &["broken.yaml", "GET /x", "/paths/~1x/get", "operationId"],
    );
}

#[test]
fn dangling_ref() {
    assert_fails_with(
        "openapi: 3.1.0\ninfo: {title: t, version: v}\npaths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Nope'\n",
        &[
            "broken.yaml",
            "GET /x",
            "/paths/~1x/get/responses/200/content/application~1json/schema",
            "dangling $ref",
        ],
    );
}

#[test]
fn a_construct_progenitor_cannot_take() {
    // Two different success types: progenitor 0.15 asserts there is at most one.
    assert_fails_with(
        "openapi: 3.1.0\ninfo: {title: t, version: v}\npaths:\n  /x:\n    get:\n      operationId: getX\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: string}\n        '201':\n          description: created\n          content:\n            application/json:\n              schema: {type: integer}\n",
        &["broken.yaml", "GET /x", "/paths/~1x/get", "progenitor"],
    );
}

#[test]
fn two_files_defining_one_operation() {
    let (ok, stderr) =
        regen_with(&std::fs::read_to_string(fixture("small/things/delete-thing.yaml")).unwrap());
    assert!(!ok);
    assert!(
        stderr.contains("broken.yaml") && stderr.contains("delete-thing.yaml"),
        "{stderr}"
    );
}

#[test]
fn import_of_bad_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "openapi: 3.1.0\npaths:\n  /x:\n    get: {responses: {}}\n",
    )
    .unwrap();
    let target = dir.path().join("openapi");
    let err = xtask::import::import(
        &[fixture("seeds/delete-keys.mdx"), bad.clone()],
        &[],
        &target,
    )
    .unwrap_err();
    assert!(err.to_string().contains("bad.yaml"), "{err}");
    assert!(
        !Path::new(&target).exists(),
        "the good input was not written either"
    );
}
