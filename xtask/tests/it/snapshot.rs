//! Snapshot of the merged document for a small fixture set that exercises every normalization.
//! Accept an intended change with `EXPECTORATE=overwrite cargo test -p xtask`.

use crate::support::fixture;
use xtask::regen::{Paths, plan};

#[test]
fn merged_document_of_the_small_fixture_set() {
    let dir = tempfile::tempdir().unwrap();
    let planned = plan(&Paths {
        openapi_dir: fixture("small"),
        out_dir: dir.path().to_path_buf(),
        cli_out_dir: None,
        declare_out_dir: None,
    })
    .unwrap();
    let merged = planned
        .iter()
        .find(|p| p.path.ends_with(xtask::regen::MERGED_YAML))
        .unwrap();
    expectorate::assert_contents("tests/snapshots/small.merged.yaml", &merged.contents);
}
