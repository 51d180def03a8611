//! Secrets at rest: none. BYOK keys and destination credentials come from sources read at plan and apply time,
//! never appear in a plan (text or JSON), and a rotation is detected without state by comparing the local value
//! with the masked form the API shows; a literal secret in the file is refused.

use std::collections::BTreeMap;

use openrouter_mgmt_declare::{Allow, Op, SecretEnv, json, parse, text};
use openrouter_mgmt_mock::MockServer;

use crate::support::{apply_file, client, plan_for};

const FILE: &str = r#"
version = 1

[stack]
name = "obs"
owns = ["workspace:obs"]
secrets = { sink = { dir = "out" } }

[workspaces.obs]
name = "Observability"

[keys.app]
workspace = "obs"

[byok.openai]
workspace = "obs"
provider = "openai"
key = { env = "OPENAI_KEY" }
allowed_keys = ["app"]

[destinations.traces]
workspace = "obs"
type = "langfuse"
config = { baseUrl = "https://cloud.langfuse.com", publicKey = "pk-lf-public", secretKey = { env = "LANGFUSE_SECRET" } }
"#;

fn desired(
    dir: &std::path::Path,
    openai: &str,
    langfuse: &str,
) -> openrouter_mgmt_declare::Desired {
    let mut desired = parse(&dir.join("stack.toml"), FILE).unwrap();
    desired.env = Some(SecretEnv(BTreeMap::from([
        ("OPENAI_KEY".to_owned(), openai.to_owned()),
        ("LANGFUSE_SECRET".to_owned(), langfuse.to_owned()),
    ])));
    desired
}

#[tokio::test]
async fn secrets_from_sources_converge_rotate_statelessly_and_never_print() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let first = desired(
        dir.path(),
        "sk-openai-first-000000000001",
        "sk-lf-secret-first-0000001",
    );
    let report = apply_file(&client, &first, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:?}");
    let plan = plan_for(&client, &first).await.unwrap();
    assert!(plan.is_empty(), "{}", text(&plan));

    // The BYOK key lists the key `app` by its hash.
    let byok = mock
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/byok"))
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&byok.body).unwrap();
    assert_eq!(
        body["allowed_api_key_hashes"].as_array().map(Vec::len),
        Some(1),
        "{body}"
    );

    // New values in the sources: both are rotations, in place.
    let rotated = desired(
        dir.path(),
        "sk-openai-second-00000000002",
        "sk-lf-secret-second-000002",
    );
    let plan = plan_for(&client, &rotated).await.unwrap();
    let shown = format!("{}{}", text(&plan), json(&plan));
    assert_eq!(plan.count(Op::Update), 2, "{shown}");
    for secret in [
        "sk-openai-first",
        "sk-openai-second",
        "sk-lf-secret-first",
        "sk-lf-secret-second",
    ] {
        assert!(!shown.contains(secret), "a secret is in the plan: {shown}");
    }
    assert!(
        apply_file(&client, &rotated, &Allow::default(), dir.path())
            .await
            .unwrap()
            .exit_code()
            == 0
    );
    assert!(plan_for(&client, &rotated).await.unwrap().is_empty());

    // A source that cannot be read is a warning (no rotation check), not a change.
    let mut unreadable = rotated.clone();
    unreadable.env = Some(SecretEnv(BTreeMap::new()));
    let plan = plan_for(&client, &unreadable).await.unwrap();
    assert!(plan.is_empty(), "{}", text(&plan));
    assert_eq!(plan.warnings.len(), 2, "{:?}", plan.warnings);
}

#[test]
fn a_literal_secret_in_the_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.toml");
    let byok = parse(
        &path,
        &FILE.replace(
            "key = { env = \"OPENAI_KEY\" }",
            "key = \"sk-literal-secret\"",
        ),
    )
    .unwrap_err();
    assert_eq!(byok.exit_code(), 65);
    assert!(
        byok.to_string().contains("never written in the file"),
        "{byok}"
    );
    assert!(!byok.to_string().contains("sk-literal-secret"), "{byok}");
    let nested = parse(
        &path,
        &FILE.replace(
            "secretKey = { env = \"LANGFUSE_SECRET\" }",
            "secretKey = \"sk-lf-literal\"",
        ),
    )
    .unwrap_err();
    assert!(nested.to_string().contains("`secretKey`"), "{nested}");
    assert!(!nested.to_string().contains("sk-lf-literal"), "{nested}");
}
