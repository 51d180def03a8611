//! Running the tool in-process against the embedded mock: argv in, exit code, stdout and stderr out.

use std::collections::BTreeMap;
use std::path::Path;

use openrouter_mgmt_cli::{Io, run};
use openrouter_mgmt_mock::MockServer;
use serde_json::Value;

/// What one run gave.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) code: u8,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// The environment that points the tool at `mock`.
pub(crate) fn env_for(mock: &MockServer) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("OPENROUTER_BASE_URL".to_owned(), mock.base_url()),
        (
            "OPENROUTER_MANAGEMENT_KEY".to_owned(),
            mock.management_key().to_owned(),
        ),
        // Never the developer's own config file.
        (
            "OPENROUTER_MGMT_CONFIG_DIR".to_owned(),
            "/nonexistent-openrouter-mgmt-config".to_owned(),
        ),
    ])
}

/// Runs `openrouter-mgmt <args>` in-process.
pub(crate) async fn run_with(
    args: &[&str],
    env: BTreeMap<String, String>,
    cwd: &Path,
    stdin: &str,
) -> Outcome {
    let mut argv = vec!["openrouter-mgmt"];
    argv.extend_from_slice(args);
    let (io, captured) = Io::captured(env, cwd.to_path_buf(), stdin.as_bytes().to_vec());
    let code = run(argv, io).await;
    Outcome {
        code,
        stdout: captured.stdout(),
        stderr: captured.stderr(),
    }
}

/// Runs against `mock` in a scratch working directory.
pub(crate) async fn run_on(mock: &MockServer, args: &[&str]) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    run_with(args, env_for(mock), dir.path(), "").await
}

/// The seeded mock most tests use.
pub(crate) async fn mock() -> MockServer {
    MockServer::builder()
        .seed(7)
        .keys(3)
        .guardrails(2)
        .workspaces(1)
        .start()
        .await
        .expect("mock starts")
}

/// `docs --format json`.
pub(crate) async fn docs() -> Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run_with(
        &["docs", "--format", "json"],
        BTreeMap::new(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).expect("docs --format json is JSON")
}
