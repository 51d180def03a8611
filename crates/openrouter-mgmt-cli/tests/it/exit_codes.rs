//! The real binary's exit codes, with stdin and stdout not terminals: 0, 3 (a delete without `--yes`), 5 (no
//! key), 64 (usage), 65 (invalid input), a closed stdout ending quietly, and `-v` showing the engine's retries.

use std::io::Read;
use std::process::{Command, Stdio};

use assert_cmd::assert::OutputAssertExt;
use openrouter_mgmt_mock::MockServer;

fn bin(mock: Option<&MockServer>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_openrouter-mgmt"));
    c.env_remove("OPENROUTER_MANAGEMENT_KEY")
        .env_remove("OPENROUTER_API_KEY")
        .env_remove("OPENROUTER_BASE_URL")
        .env(
            "OPENROUTER_MGMT_CONFIG_DIR",
            "/nonexistent-openrouter-mgmt-config",
        )
        .stdin(Stdio::null());
    if let Some(mock) = mock {
        c.env("OPENROUTER_BASE_URL", mock.base_url())
            .env("OPENROUTER_MANAGEMENT_KEY", mock.management_key());
    }
    c
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("no panic")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_of_the_binary() {
    let mock = MockServer::builder()
        .seed(5)
        .keys(300)
        .start()
        .await
        .unwrap();
    let hash = {
        let mut c = bin(Some(&mock));
        c.args(["keys", "list", "-o", "id", "--limit", "1"]);
        let out = blocking(move || c.output().unwrap()).await;
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    assert_eq!(hash.len(), 64);
    let cases: Vec<(Vec<String>, bool, i32)> = vec![
        (vec!["--help".into()], false, 0),
        (vec!["--version".into()], false, 0),
        (vec![], false, 64),
        (vec!["keys".into(), "bogus".into()], false, 64),
        (vec!["keys".into(), "get".into()], true, 64),
        (vec!["keys".into(), "list".into()], false, 5),
        (vec!["keys".into(), "delete".into(), hash.clone()], true, 3),
        (
            vec!["guardrails".into(), "get".into(), "nope".into()],
            true,
            65,
        ),
        (
            vec![
                "keys".into(),
                "get".into(),
                hash.clone(),
                "-o".into(),
                "json".into(),
            ],
            true,
            0,
        ),
        (
            vec!["keys".into(), "delete".into(), hash.clone(), "--yes".into()],
            true,
            0,
        ),
        (vec!["keys".into(), "get".into(), hash.clone()], true, 1),
    ];
    for (args, with_mock, code) in cases {
        let mut c = bin(with_mock.then_some(&mock));
        c.args(&args);
        let out = blocking(move || c.output().unwrap()).await;
        let shown = args.join(" ");
        out.clone().assert().code(code);
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("panicked"),
            "`{shown}` panicked"
        );
    }
    let deletes = mock
        .requests_to(openrouter_mgmt::OperationId::DeleteKeys)
        .len();
    assert_eq!(deletes, 1, "only the delete with --yes was sent");
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_stdout_ends_quietly() {
    let mock = MockServer::builder()
        .seed(6)
        .keys(2000)
        .start()
        .await
        .unwrap();
    let mut c = bin(Some(&mock));
    // Progress lines are not errors; without them stderr must stay empty.
    c.args(["keys", "list", "-o", "jsonl", "--no-progress"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (status, stderr) = blocking(move || {
        let mut child = c.spawn().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 64];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        (child.wait().unwrap(), stderr)
    })
    .await;
    assert!(status.success(), "{status:?} {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_prints_the_engines_attempts_and_retries() {
    use openrouter_mgmt::OperationId;
    use openrouter_mgmt_mock::{Fault, FaultRule};
    let mock = MockServer::builder().seed(8).start().await.unwrap();
    mock.faults()
        .add(FaultRule::new(OperationId::GetCurrentKey, Fault::Status(503)).times(1));
    let mut c = bin(Some(&mock));
    c.args(["-v", "keys", "current"]);
    let out = blocking(move || c.output().unwrap()).await;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("attempt failed; retrying") && stderr.contains("status=503"),
        "{stderr}"
    );
    assert!(
        stderr.contains("call finished") && stderr.contains("attempts=2"),
        "{stderr}"
    );
    assert!(!stderr.contains(mock.management_key()));
    mock.shutdown().await;
}
