//! Golden help: the root `--help`, one generated command's `--help`, and `docs --format tree` (the command tree).
//! Accept an intended change with `EXPECTORATE=overwrite cargo test -p openrouter-mgmt-cli`.

use std::collections::BTreeMap;

use crate::support::run_with;

#[tokio::test]
async fn help_and_the_command_tree_are_golden() {
    let dir = tempfile::tempdir().unwrap();
    for (args, file) in [
        (&["--help"][..], "tests/golden/help.txt"),
        (
            &["keys", "create", "--help"][..],
            "tests/golden/keys-create-help.txt",
        ),
        (&["docs", "--format", "tree"][..], "tests/golden/tree.txt"),
    ] {
        let out = run_with(args, BTreeMap::new(), dir.path(), "").await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        expectorate::assert_contents(file, &out.stdout);
    }
}

#[test]
fn the_command_tree_is_consistent() {
    openrouter_mgmt_cli::command().debug_assert();
}
