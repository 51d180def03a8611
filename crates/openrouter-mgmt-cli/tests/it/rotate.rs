//! `keys rotate` against the embedded mock: the happy path (same settings, workspace and guardrail; the old key
//! disabled or deleted; the new plaintext in its 0600 file), and a fault at every request of a rotation in turn,
//! each followed by a re-run, proving that the pair always ends with exactly one usable key (judged by which
//! plaintexts still authenticate) and never none, with the replacement's plaintext delivered.

use std::path::Path;

use openrouter_mgmt::types::CreateKeysBody;
use openrouter_mgmt::{Client, GuardrailId, KeyFilter, KeyHash, OperationId};
use openrouter_mgmt_mock::{Fault, FaultRule, MockServer};

use crate::support::{Outcome, env_for, run_with};

/// The name of the key every test rotates.
const NAME: &str = "ci runner";

/// A mock with a workspace, two guardrails and a few other keys, and the key to rotate in that workspace:
/// limit, monthly reset, BYOK in the limit, an expiry a year ahead, and a guardrail.
struct Setup {
    mock: MockServer,
    client: Client,
    old: KeyHash,
    old_plaintext: String,
    workspace: uuid::Uuid,
    guardrail: GuardrailId,
}

async fn setup() -> Setup {
    let mock = MockServer::builder()
        .seed(21)
        .keys(3)
        .guardrails(2)
        .workspaces(1)
        .start()
        .await
        .expect("mock starts");
    let client = client(&mock, mock.management_key());
    let workspace = client
        .workspaces()
        .list()
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|w| w.id)
        .find(|id| *id != mock.default_workspace_id())
        .expect("a workspace besides the default one");
    let guardrail = client.guardrails().list().collect_all().await.unwrap()[0].id;
    let mut body = CreateKeysBody::new(NAME);
    body.limit = Some(25.0);
    body.limit_reset = Some("monthly".into());
    body.include_byok_in_limit = Some(true);
    body.workspace_id = Some(workspace);
    body.expires_at = Some(expiry());
    let created = client.keys().create(body).await.unwrap();
    let old = created.data.hash.clone();
    client
        .guardrails()
        .assign_keys(guardrail, [old.clone()])
        .await
        .unwrap();
    mock.clear_requests();
    Setup {
        old_plaintext: created.key.expose_secret().to_owned(),
        mock,
        client,
        old,
        workspace,
        guardrail,
    }
}

fn expiry() -> chrono::DateTime<chrono::Utc> {
    "2099-01-02T03:04:05Z".parse().unwrap()
}

fn client(mock: &MockServer, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(mock.base_url())
        .retry_policy(openrouter_mgmt::RetryPolicy::no_retries())
        .build()
        .unwrap()
}

async fn rotate(s: &Setup, dir: &Path, extra: &[&str]) -> Outcome {
    let mut args = vec!["keys", "rotate", s.old.as_str(), "--yes", "-o", "json"];
    args.extend_from_slice(extra);
    let out = run_with(&args, env_for(&s.mock), dir, "").await;
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    out
}

/// Every key of the rotated key's workspace, disabled ones included.
async fn workspace_keys(s: &Setup) -> Vec<openrouter_mgmt::types::ListResponseDataItem> {
    let filter = KeyFilter::new()
        .include_disabled(true)
        .workspace_id(s.workspace);
    s.client
        .keys()
        .list_with(filter)
        .collect_all()
        .await
        .unwrap()
}

/// Every plaintext of the test (the old key's and every file the runs wrote) that still authenticates, with the
/// hash of the key it authenticates as (found by the key's label, which `GET /key` returns).
async fn usable(s: &Setup, dir: &Path) -> Vec<(String, KeyHash)> {
    let keys = workspace_keys(s).await;
    let mut plaintexts = vec![s.old_plaintext.clone()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        if text.starts_with("sk-or-") {
            plaintexts.push(text.trim().to_owned());
        }
    }
    let mut usable = Vec::new();
    for plaintext in plaintexts {
        if let Ok(current) = client(&s.mock, &plaintext).keys().current().await {
            let key = keys
                .iter()
                .find(|k| k.label == current.label)
                .expect("a usable key of the workspace");
            usable.push((plaintext, key.hash.clone()));
        }
    }
    usable
}

/// The pair has converged: exactly one usable plaintext, of the one enabled key named `ci runner` in the
/// workspace, with the old key's settings and guardrail; the old key disabled and marked (or deleted); no
/// marker left; the plaintext's file private.
async fn assert_converged(s: &Setup, dir: &Path, deleted: bool) -> KeyHash {
    let usable = usable(s, dir).await;
    assert_eq!(
        usable.len(),
        1,
        "exactly one usable key: {:?}",
        usable.iter().map(|u| &u.1).collect::<Vec<_>>()
    );
    let new = usable[0].1.clone();
    assert_ne!(new, s.old);
    let keys = workspace_keys(s).await;
    assert!(
        keys.iter().all(|k| !k.name.contains("[rotating:")),
        "no marker left: {:?}",
        keys.iter().map(|k| &k.name).collect::<Vec<_>>()
    );
    let ours: Vec<_> = keys.iter().filter(|k| k.name.starts_with(NAME)).collect();
    let enabled: Vec<_> = ours.iter().filter(|k| !k.disabled).collect();
    assert_eq!(enabled.len(), 1, "{ours:?}");
    let r = s.client.keys().get(&new).await.unwrap();
    assert_eq!(r.name, NAME);
    assert!(!r.disabled);
    assert_eq!(r.limit, Some(25.0));
    assert_eq!(r.limit_reset.as_deref(), Some("monthly"));
    assert!(r.include_byok_in_limit);
    assert_eq!(r.workspace_id, s.workspace.to_string());
    assert_eq!(r.expires_at, Some(expiry()));
    assert_eq!(s.mock.key_guardrail(new.as_str()), Some(s.guardrail));
    match s.client.keys().get(&s.old).await {
        Ok(old) => {
            assert!(!deleted, "--delete-old leaves no old key");
            assert!(old.disabled);
            assert_eq!(
                old.name,
                format!("{NAME} [rotated:{}]", &new.as_str()[..12])
            );
        }
        Err(e) => {
            assert!(
                deleted,
                "the old key is kept (disabled) without --delete-old"
            );
            assert_eq!(e.status(), Some(404));
        }
    }
    #[cfg(unix)]
    for entry in std::fs::read_dir(dir).unwrap() {
        use std::os::unix::fs::PermissionsExt;
        let path = entry.unwrap().path();
        if std::fs::read_to_string(&path).unwrap_or_default().trim() == usable[0].0 {
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }
    new
}

fn assert_no_secret(s: &Setup, dir: &Path, out: &Outcome) {
    let text = format!("{}{}", out.stdout, out.stderr);
    assert!(!text.contains(&s.old_plaintext));
    assert!(!text.contains(s.mock.management_key()));
    for entry in std::fs::read_dir(dir).unwrap() {
        let secret = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        if secret.starts_with("sk-or-") {
            assert!(!text.contains(secret.trim()), "a plaintext was printed");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_replaces_the_key_and_disables_or_deletes_the_old_one() {
    let s = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let out = rotate(&s, dir.path(), &["--secret-out", "new.key"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_no_secret(&s, dir.path(), &out);
    let new = assert_converged(&s, dir.path(), false).await;
    let summary: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(summary["new_key"], new.as_str());
    assert_eq!(summary["old_key_now"], "disabled");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("new.key"))
            .unwrap()
            .trim(),
        usable(&s, dir.path()).await[0].0
    );
    // One line per finished step on a stderr that is not a terminal; none with --no-progress.
    assert!(
        out.stderr
            .contains("keys rotate: [10/10] gave the replacement the old name"),
        "{}",
        out.stderr
    );
    // Re-running a finished rotation changes nothing.
    let before = s.mock.requests().len();
    let again = rotate(&s, dir.path(), &["--no-progress"]).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stderr.contains("already rotated"), "{}", again.stderr);
    assert!(!again.stderr.contains("keys rotate: ["), "{}", again.stderr);
    let writes = s.mock.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0);
    assert_converged(&s, dir.path(), false).await;
    // ... and with --delete-old it deletes the retired key.
    let deleted = rotate(&s, dir.path(), &["--delete-old"]).await;
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    assert_converged(&s, dir.path(), true).await;
    s.mock.shutdown().await;

    // --delete-old from the start; --show-secret puts the plaintext on stdout's first line only.
    let s = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let out = rotate(
        &s,
        dir.path(),
        &["--delete-old", "--show-secret", "--grace", "10ms"],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let plaintext = out.stdout.lines().next().unwrap().to_owned();
    assert!(plaintext.starts_with("sk-or-"));
    assert!(!out.stderr.contains(&plaintext));
    std::fs::write(dir.path().join("shown.key"), &plaintext).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let private = std::fs::Permissions::from_mode(0o600);
        std::fs::set_permissions(dir.path().join("shown.key"), private).unwrap();
    }
    assert_converged(&s, dir.path(), true).await;
    s.mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotate_refuses_without_yes_and_dry_run_sends_nothing() {
    let s = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let env = env_for(&s.mock);
    let refused = run_with(
        &["keys", "rotate", s.old.as_str()],
        env.clone(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    let dry = run_with(
        &[
            "keys",
            "rotate",
            s.old.as_str(),
            "--dry-run",
            "--delete-old",
            "--grace",
            "30s",
        ],
        env.clone(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    let plan: serde_json::Value = serde_json::from_str(&dry.stdout).unwrap();
    let steps = plan["steps"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .any(|s| s["method"] == "POST" && s["path"] == "/keys")
    );
    assert_eq!(steps.last().unwrap()["method"], "DELETE");
    assert!(s.mock.requests().is_empty(), "nothing sent");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file made"
    );
    for (args, code) in [
        (vec!["keys", "rotate", "nothex", "--yes"], 65),
        (
            vec!["keys", "rotate", s.old.as_str(), "--yes", "--grace", "2d"],
            65,
        ),
    ] {
        let out = run_with(&args, env.clone(), dir.path(), "").await;
        assert_eq!(out.code, code, "{args:?}: {}", out.stderr);
    }
    assert!(s.mock.requests().is_empty(), "nothing sent");
    // A sink that cannot be written: the replacement is deleted and the old key untouched.
    let out = rotate(&s, dir.path(), &["--secret-command", "exit 7"]).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("replacement was deleted"),
        "{}",
        out.stderr
    );
    let usable = usable(&s, dir.path()).await;
    assert_eq!(usable.len(), 1);
    assert_eq!(usable[0].1, s.old);
    assert_eq!(s.mock.key_count(), 4, "no replacement left");
    s.mock.shutdown().await;
}

/// The operations a clean rotation sends, in order.
async fn reference(extra: &[&str]) -> Vec<OperationId> {
    let s = setup().await;
    let dir = tempfile::tempdir().unwrap();
    let out = rotate(&s, dir.path(), extra).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let ops = s
        .mock
        .requests()
        .iter()
        .map(|r| r.operation.expect("every request is an operation"))
        .collect();
    s.mock.shutdown().await;
    ops
}

/// A fault at each request of a rotation in turn (every attempt of it, so the step fails), then a re-run
/// without faults: the failed run never leaves the pair without a usable key, says "partially applied" (4)
/// whenever two are usable, and the re-run converges.
async fn fault_at_every_step(fault: Fault, extra: &[&str]) {
    let ops = reference(extra).await;
    assert!(ops.len() >= 8, "{ops:?}");
    let deleted = extra.contains(&"--delete-old");
    for (i, op) in ops.iter().enumerate() {
        let skip = ops[..i].iter().filter(|o| *o == op).count() as u64;
        let s = setup().await;
        let dir = tempfile::tempdir().unwrap();
        s.mock
            .faults()
            .add(FaultRule::new(*op, fault.clone()).skip(skip).always());
        let failed = rotate(&s, dir.path(), extra).await;
        let at = format!("fault {fault} at request {i} ({op}): ");
        assert_ne!(failed.code, 0, "{at}{}", failed.stderr);
        assert_no_secret(&s, dir.path(), &failed);
        s.mock.faults().clear();
        let usable_now = usable(&s, dir.path()).await;
        assert!(!usable_now.is_empty(), "{at}no usable key left");
        if usable_now.len() > 1 {
            assert_eq!(
                failed.code, 4,
                "{at}two usable keys must be reported as partial: {}",
                failed.stderr
            );
        }
        if failed.code == 1 {
            assert_eq!(usable_now.len(), 1, "{at}{}", failed.stderr);
            assert_eq!(
                usable_now[0].1, s.old,
                "{at}an error leaves the old key as it was"
            );
        }
        let old_gone = s.client.keys().get(&s.old).await.is_err();
        let rerun = rotate(&s, dir.path(), extra).await;
        assert_no_secret(&s, dir.path(), &rerun);
        if old_gone {
            // A --delete-old rotation whose last request was applied: the re-run finds no old key.
            assert_eq!(rerun.code, 1, "{at}{}", rerun.stderr);
            assert!(
                rerun.stderr.contains("nothing to rotate"),
                "{at}{}",
                rerun.stderr
            );
        } else {
            assert_eq!(rerun.code, 0, "{at}re-run: {}", rerun.stderr);
        }
        assert_converged(&s, dir.path(), deleted).await;
        s.mock.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_at_every_step_then_a_rerun_converges() {
    fault_at_every_step(Fault::Status(500), &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_answer_at_every_step_then_a_rerun_converges() {
    fault_at_every_step(Fault::ApplyThenClose, &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_old_with_an_applied_503_at_every_step_then_a_rerun_converges() {
    fault_at_every_step(Fault::ApplyThenStatus(503), &["--delete-old"]).await;
}
