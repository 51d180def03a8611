//! Secrets never reach output: a canary management key over every command (answers, `-vv` logs, `--dry-run`,
//! errors), a BYOK key read from a file, and a created key's plaintext, which goes to its 0600 sink and to stdout
//! only with `--show-secret`.

use openrouter_mgmt::OperationId;
use openrouter_mgmt_mock::MockServer;

use crate::every_operation::argv_for;
use crate::support::{docs, env_for, mock, run_on, run_with};

const CANARY_KEY: &str = "sk-or-v1-canary0000management0000key0000000000000000000000000000000000";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_management_key_never_appears_in_any_commands_output() {
    let mock = MockServer::builder()
        .seed(3)
        .keys(2)
        .management_key(CANARY_KEY)
        .start()
        .await
        .unwrap();
    let docs = docs().await;
    let dir = tempfile::tempdir().unwrap();
    let mut runs = 0;
    for command in docs["commands"].as_array().unwrap() {
        let argv = argv_for(command, dir.path()).await;
        for extra in [&["-vv"][..], &["-vv", "--dry-run"][..]] {
            let mut args: Vec<&str> = argv.iter().map(String::as_str).collect();
            args.extend_from_slice(extra);
            let out = run_with(&args, env_for(&mock), dir.path(), "").await;
            for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                assert!(
                    !text.contains("canary0000management"),
                    "`{}` printed the management key on {stream}",
                    args.join(" ")
                );
            }
            runs += 1;
        }
    }
    assert_eq!(runs, 2 * 78);
    // The hand-written `keys rotate` too: its plan, a rotation with -vv (plaintext to a file), one that prints the
    // plaintext on stdout (never on stderr), and its errors (a re-run on the retired key, a failing sink).
    let hash = run_with(
        &["keys", "list", "-o", "id", "--limit", "1"],
        env_for(&mock),
        dir.path(),
        "",
    )
    .await
    .stdout
    .trim()
    .to_owned();
    let second = run_with(
        &["keys", "list", "-o", "id"],
        env_for(&mock),
        dir.path(),
        "",
    )
    .await
    .stdout
    .lines()
    .nth(1)
    .unwrap()
    .to_owned();
    let rotations: [&[&str]; 5] = [
        &["-vv", "--dry-run", "keys", "rotate", &hash],
        &[
            "-vv",
            "keys",
            "rotate",
            &hash,
            "--yes",
            "--secret-out",
            "rotated.key",
        ],
        &["-vv", "keys", "rotate", &hash, "--yes", "--delete-old"],
        &[
            "-vv",
            "keys",
            "rotate",
            &second,
            "--yes",
            "--secret-command",
            "exit 3",
        ],
        &["-vv", "keys", "rotate", &second, "--yes", "--show-secret"],
    ];
    for args in rotations {
        let out = run_with(args, env_for(&mock), dir.path(), "").await;
        let plaintext = std::fs::read_to_string(dir.path().join("rotated.key")).unwrap_or_default();
        for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(
                !text.contains("canary0000management"),
                "`{}` printed the management key on {stream}",
                args.join(" ")
            );
            assert!(
                plaintext.is_empty() || !text.contains(plaintext.trim()),
                "`{}` printed the new plaintext",
                args.join(" ")
            );
        }
        if args.contains(&"--show-secret") {
            assert_eq!(out.code, 0, "{}", out.stderr);
            let shown = out.stdout.lines().next().unwrap();
            assert!(shown.starts_with("sk-or-") && !out.stderr.contains(shown));
        }
        runs += 1;
    }
    assert_eq!(runs, 2 * 78 + 5);
    // The key also comes from a file and from stdin, and a wrong one fails with exit 5 without quoting it.
    let wrong = "sk-or-v1-canary1111wrong1111key11111111111111111111111111111111111111";
    std::fs::write(dir.path().join("key.txt"), format!("{wrong}\n")).unwrap();
    let mut env = env_for(&mock);
    env.remove("OPENROUTER_MANAGEMENT_KEY");
    for (args, stdin) in [
        (
            &["-vv", "keys", "list", "--management-key-file", "key.txt"][..],
            "",
        ),
        (
            &["-vv", "keys", "list", "--management-key-stdin"][..],
            wrong,
        ),
    ] {
        let out = run_with(args, env.clone(), dir.path(), stdin).await;
        assert_eq!(out.code, 5, "{}", out.stderr);
        assert!(out.stderr.contains("401"), "{}", out.stderr);
        assert!(!format!("{}{}", out.stdout, out.stderr).contains("canary1111wrong"));
    }
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_byok_key_comes_from_a_file_or_the_environment_and_is_never_printed() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let secret = "sk-provider-canary2222byok2222secret";
    std::fs::write(dir.path().join("provider.key"), secret).unwrap();
    for extra in [&["-vv"][..], &["--dry-run"][..]] {
        let mut args = vec![
            "byok",
            "create",
            "--provider",
            "openai",
            "--name",
            "p",
            "--key-file",
            "provider.key",
        ];
        args.extend_from_slice(extra);
        let out = run_with(&args, env_for(&mock), dir.path(), "").await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert!(!format!("{}{}", out.stdout, out.stderr).contains("canary2222"));
    }
    let dry = run_with(
        &[
            "byok",
            "create",
            "--provider",
            "openai",
            "--name",
            "p",
            "--key-env",
            "P_KEY",
            "--dry-run",
        ],
        {
            let mut env = env_for(&mock);
            env.insert("P_KEY".into(), secret.into());
            env
        },
        dir.path(),
        "",
    )
    .await;
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(
        dry.stdout.contains("\"key\": \"<redacted>\""),
        "{}",
        dry.stdout
    );
    // A secret is never taken from the command line.
    let before = mock.requests_to(OperationId::CreateByokKey).len();
    let refused = run_on(
        &mock,
        &[
            "byok",
            "create",
            "--provider",
            "openai",
            "--set",
            "key=sk-x-canary",
        ],
    )
    .await;
    assert_eq!(refused.code, 64, "{}", refused.stderr);
    assert_eq!(mock.requests_to(OperationId::CreateByokKey).len(), before);
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_keys_plaintext_goes_to_its_sink_and_to_stdout_only_when_asked() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let env = env_for(&mock);

    // Default: a new 0600 file in the working directory, named on stderr; stdout has the key's data only.
    let out = run_with(
        &["keys", "create", "--name", "ci", "-o", "json"],
        env.clone(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let created: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(created["name"], "ci");
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("openrouter-key-")
        })
        .expect("a secret file");
    let plaintext = std::fs::read_to_string(&file).unwrap().trim().to_owned();
    assert!(plaintext.starts_with("sk-or-"), "the file holds the key");
    assert!(!out.stdout.contains(&plaintext) && !out.stderr.contains(&plaintext));
    assert!(out.stderr.contains("0600"), "{}", out.stderr);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    // --secret-out: that file; a path that exists is refused before anything is sent.
    let out = run_with(
        &[
            "keys",
            "create",
            "--name",
            "two",
            "--secret-out",
            "two.key",
            "-vv",
        ],
        env.clone(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let two = std::fs::read_to_string(dir.path().join("two.key")).unwrap();
    assert!(!out.stdout.contains(two.trim()) && !out.stderr.contains(two.trim()));
    let before = mock.requests_to(OperationId::CreateKeys).len();
    let out = run_with(
        &[
            "keys",
            "create",
            "--name",
            "three",
            "--secret-out",
            "two.key",
        ],
        env.clone(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(out.code, 65, "{}", out.stderr);
    assert_eq!(
        mock.requests_to(OperationId::CreateKeys).len(),
        before,
        "nothing sent"
    );

    // --show-secret: on stdout (the user asked), still never on stderr.
    let out = run_with(
        &[
            "keys",
            "create",
            "--name",
            "shown",
            "--show-secret",
            "-o",
            "json",
            "-vv",
        ],
        env.clone(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let shown: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let key = shown["key"].as_str().expect("the key on stdout");
    assert!(key.starts_with("sk-or-"));
    assert!(!out.stderr.contains(key));

    // --secret-command: the command's stdin.
    #[cfg(unix)]
    {
        let out = run_with(
            &[
                "keys",
                "create",
                "--name",
                "piped",
                "--secret-command",
                "cat > piped.key",
            ],
            env.clone(),
            dir.path(),
            "",
        )
        .await;
        assert_eq!(out.code, 0, "{}", out.stderr);
        let piped = std::fs::read_to_string(dir.path().join("piped.key")).unwrap();
        assert!(piped.starts_with("sk-or-"));
        assert!(!out.stdout.contains(piped.trim()));
    }
    mock.shutdown().await;
}
