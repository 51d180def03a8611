//! Golden help: the root `--help`, one generated command's `--help`, `keys rotate --help` (its guarantee), and
//! `docs --format tree` (the command tree); and the man pages (`docs --format man`, `docs --man-dir`).
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
        (
            &["keys", "rotate", "--help"][..],
            "tests/golden/keys-rotate-help.txt",
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

#[tokio::test]
async fn man_pages_cover_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_with(
        &["docs", "--format", "man"],
        BTreeMap::new(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with(".ie"), "roff: {}", &out.stdout[..40]);
    assert!(out.stdout.contains(".SH NAME") && out.stdout.contains("openrouter\\-mgmt"));
    assert!(out.stdout.contains(".SH SUBCOMMANDS") && out.stdout.contains("keys"));

    let out = run_with(
        &["docs", "--man-dir", "man/man1"],
        BTreeMap::new(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    fn count(c: &clap::Command) -> usize {
        1 + c.get_subcommands().map(count).sum::<usize>()
    }
    let commands = count(&openrouter_mgmt_cli::command());
    assert!(commands > 78 + 10, "{commands}");
    let pages: Vec<_> = std::fs::read_dir(dir.path().join("man/man1"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(pages.len(), commands, "one page per command");
    assert!(
        out.stderr.contains(&format!("{commands} man pages")),
        "{}",
        out.stderr
    );
    for page in [
        "openrouter-mgmt.1",
        "openrouter-mgmt-keys-list.1",
        "openrouter-mgmt-keys-rotate.1",
    ] {
        assert!(pages.iter().any(|p| p == page), "{page} in {pages:?}");
    }
    let rotate =
        std::fs::read_to_string(dir.path().join("man/man1/openrouter-mgmt-keys-rotate.1")).unwrap();
    assert!(
        rotate.contains("Never none"),
        "the guarantee is in the page"
    );
}
