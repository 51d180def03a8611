//! The declarative commands end to end, in-process against the embedded mock: plan, apply, drift, export,
//! validate, fmt and schema with their exit codes, a saved plan refused once the account changed, and the created
//! keys' plaintexts only in their 0600 files, never in any output.

use crate::support::{env_for, run_with};
use openrouter_mgmt_mock::MockServer;

const FILE: &str = include_str!("../../../openrouter-mgmt-declare/examples/eu-team.toml");

#[tokio::test]
async fn plan_apply_drift_and_a_stale_saved_plan() {
    let mock = MockServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("eu.toml"), FILE).unwrap();
    let env = env_for(&mock);
    let run = |args: &'static [&'static str]| run_with(args, env.clone(), dir.path(), "");

    let validate = run(&["validate", "-f", "eu.toml"]).await;
    assert_eq!(validate.code, 0, "{}", validate.stderr);
    assert_eq!(mock.requests().len(), 0, "validate is offline");

    let plan = run(&[
        "plan",
        "-f",
        "eu.toml",
        "--detailed-exitcode",
        "--out",
        "saved.json",
    ])
    .await;
    assert_eq!(plan.code, 2, "{}", plan.stderr);
    assert!(plan.stdout.contains("+ key.backend"), "{}", plan.stdout);
    assert!(plan.stdout.contains("Plan: 6 to create"), "{}", plan.stdout);

    let drift = run(&["drift", "-f", "eu.toml"]).await;
    assert_eq!(drift.code, 2, "{}", drift.stderr);

    let apply = run(&[
        "apply",
        "-f",
        "eu.toml",
        "--plan",
        "saved.json",
        "--write-ids",
    ])
    .await;
    assert_eq!(apply.code, 0, "{}", apply.stderr);
    // Not a terminal: one JSON line per finished action (6 creates, the assignment moves).
    let events: Vec<serde_json::Value> = apply
        .stderr
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|e: &serde_json::Value| e["type"] == "action")
        .collect();
    assert_eq!(events.len(), 7, "{}", apply.stderr);
    assert!(
        events.iter().all(|e| e["status"] == "applied"),
        "{}",
        apply.stderr
    );
    assert!(
        events.iter().any(|e| e["address"] == "assignments"),
        "{}",
        apply.stderr
    );
    assert_eq!(mock.key_count(), 3);
    let secrets: Vec<_> = std::fs::read_dir(dir.path().join(".secrets/eu-prod"))
        .unwrap()
        .collect();
    assert_eq!(secrets.len(), 3);
    for entry in secrets {
        let plaintext = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let plaintext = plaintext.trim();
        for out in [&apply.stdout, &apply.stderr, &plan.stdout] {
            assert!(
                !out.contains(plaintext),
                "a created key's plaintext was printed"
            );
        }
    }

    let pinned = std::fs::read_to_string(dir.path().join("eu.toml")).unwrap();
    assert_eq!(pinned.matches("\nhash = ").count(), 3, "{pinned}");
    assert_eq!(pinned.matches("\nid = ").count(), 3, "{pinned}");
    assert!(
        pinned.contains("# Where the plaintext of every newly created key goes"),
        "comments kept"
    );
    let in_sync = run(&["drift", "-f", "eu.toml"]).await;
    assert_eq!(in_sync.code, 0, "{}{}", in_sync.stdout, in_sync.stderr);

    // The saved plan was made against an empty account: applying it now is refused, and nothing is sent.
    let writes_before = mock.requests().iter().filter(|r| r.method != "GET").count();
    let stale = run(&["apply", "-f", "eu.toml", "--plan", "saved.json"]).await;
    assert_eq!(stale.code, 3, "{}", stale.stderr);
    assert!(stale.stderr.contains("stale plan"), "{}", stale.stderr);
    assert_eq!(
        mock.requests().iter().filter(|r| r.method != "GET").count(),
        writes_before
    );
}

#[tokio::test]
async fn export_plans_empty_and_fmt_and_schema_work() {
    let mock = MockServer::builder()
        .seed(3)
        .workspaces(2)
        .keys(12)
        .guardrails(3)
        .assigned_keys(4)
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env = env_for(&mock);
    let export = run_with(&["export", "--stack", "all"], env.clone(), dir.path(), "").await;
    assert_eq!(export.code, 0, "{}", export.stderr);
    std::fs::write(dir.path().join("all.toml"), &export.stdout).unwrap();
    let drift = run_with(&["drift", "-f", "all.toml"], env.clone(), dir.path(), "").await;
    assert_eq!(drift.code, 0, "{}\n{}", drift.stdout, export.stdout);

    let reordered = "version = 1\n# the key first\n[keys.a]\nlimit = 1 # one dollar\n\n[stack]\nname = \"s\"\nsecrets = { sink = { dir = \"s\" } }\n";
    std::fs::write(dir.path().join("r.toml"), reordered).unwrap();
    let check = run_with(
        &["fmt", "-f", "r.toml", "--check"],
        env.clone(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(check.code, 2, "{}", check.stderr);
    let fmt = run_with(&["fmt", "-f", "r.toml"], env.clone(), dir.path(), "").await;
    assert_eq!(fmt.code, 0, "{}", fmt.stderr);
    let text = std::fs::read_to_string(dir.path().join("r.toml")).unwrap();
    assert!(
        text.find("[stack]").unwrap() < text.find("[keys.a]").unwrap(),
        "{text}"
    );
    assert!(
        text.contains("# the key first") && text.contains("# one dollar"),
        "comments are kept: {text}"
    );
    let again = run_with(
        &["fmt", "-f", "r.toml", "--check"],
        env.clone(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(again.code, 0, "{}", again.stderr);

    let schema = run_with(&["schema"], env, dir.path(), "").await;
    let schema: serde_json::Value = serde_json::from_str(&schema.stdout).unwrap();
    assert_eq!(
        schema["properties"]["keys"]["additionalProperties"]["properties"]["expires_at"]["anyOf"]
            [0]["format"],
        "date-time"
    );
}

#[tokio::test]
async fn a_rehearsal_sends_only_reads_to_the_account_and_converges_on_the_copy() {
    let mock = MockServer::builder()
        .seed(9)
        .workspaces(1)
        .keys(5)
        .guardrails(2)
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("eu.toml"), FILE).unwrap();
    let env = env_for(&mock);
    let rehearsal = run_with(
        &["apply", "-f", "eu.toml", "--rehearse"],
        env.clone(),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(rehearsal.code, 0, "{}", rehearsal.stderr);
    assert!(
        rehearsal.stderr.contains("POST /api/v1/keys"),
        "{}",
        rehearsal.stderr
    );
    assert!(
        rehearsal.stderr.contains("the plan after it is empty"),
        "{}",
        rehearsal.stderr
    );
    assert!(
        mock.requests().iter().all(|r| r.method == "GET"),
        "the account got only reads"
    );
    assert_eq!(mock.key_count(), 5);
    assert!(
        !dir.path().join(".secrets").exists(),
        "a rehearsal writes no secret"
    );
    // With a fault that fails a create for good, the rehearsal reports the partial apply (exit 4).
    let faulty = run_with(
        &[
            "apply",
            "-f",
            "eu.toml",
            "--rehearse",
            "--rehearse-faults",
            "POST /guardrails=400x1",
        ],
        env,
        dir.path(),
        "",
    )
    .await;
    assert_eq!(faulty.code, 4, "{}", faulty.stderr);
    assert!(mock.requests().iter().all(|r| r.method == "GET"));
}

#[tokio::test]
async fn refusals_and_invalid_files_send_no_write() {
    let mock = MockServer::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env = env_for(&mock);
    std::fs::write(dir.path().join("eu.toml"), FILE).unwrap();
    assert_eq!(
        run_with(&["apply", "-f", "eu.toml"], env.clone(), dir.path(), "")
            .await
            .code,
        0
    );
    let without_ci = FILE.replace("[guardrails.ci-cap]\nworkspace = \"eu-team\"\nlimit_usd = 25\nreset_interval = \"weekly\"\n", "").replace("guardrail = \"ci-cap\"", "guardrail = \"eu-providers\"");
    std::fs::write(dir.path().join("less.toml"), without_ci).unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        FILE.replace("limit = 25.0", "limit = -1"),
    )
    .unwrap();
    mock.clear_requests();
    let refused = run_with(&["apply", "-f", "less.toml"], env.clone(), dir.path(), "").await;
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("--allow-delete"),
        "{}",
        refused.stderr
    );
    let bad = run_with(&["apply", "-f", "bad.toml"], env.clone(), dir.path(), "").await;
    assert_eq!(bad.code, 65, "{}", bad.stderr);
    assert!(mock.requests().iter().all(|r| r.method == "GET"));
    let allowed = run_with(
        &["apply", "-f", "less.toml", "--allow-delete"],
        env,
        dir.path(),
        "",
    )
    .await;
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    assert_eq!(mock.guardrail_count(), 1);
}

#[tokio::test]
async fn no_secret_reaches_any_output_of_the_declarative_commands() {
    const CANARY: &str = "sk-or-v1-canary2222declare2222key22222222222222222222222222222222222222";
    const BYOK: &str = "sk-proj-canary3333byok3333key3333";
    const TRACES: &str = "sk-lf-canary4444trace4444key4444";
    let mock = MockServer::builder()
        .management_key(CANARY)
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("eu.toml"), FILE).unwrap();
    std::fs::write(
        dir.path().join("obs.toml"),
        include_str!("../../../openrouter-mgmt-declare/examples/byok-and-traces.toml"),
    )
    .unwrap();
    let mut env = env_for(&mock);
    env.insert("OPENAI_KEY".into(), BYOK.into());
    env.insert("LANGFUSE_SECRET".into(), TRACES.into());
    let mut outputs = Vec::new();
    for args in [
        &["-vv", "validate", "-f", "eu.toml"][..],
        &["-vv", "plan", "-f", "eu.toml"][..],
        &["-vv", "-o", "json", "plan", "-f", "eu.toml"][..],
        &["-vv", "apply", "-f", "eu.toml"][..],
        &["-vv", "-o", "json", "drift", "-f", "eu.toml"][..],
        &["-vv", "apply", "-f", "obs.toml"][..],
        &[
            "-vv",
            "-o",
            "json",
            "plan",
            "-f",
            "obs.toml",
            "--rotate",
            "byok.openai",
        ][..],
        &[
            "-vv",
            "apply",
            "-f",
            "obs.toml",
            "--rotate",
            "byok.openai",
            "--rotate",
            "destination.traces",
        ][..],
        &["-vv", "drift", "-f", "obs.toml"][..],
        &["-vv", "export"][..],
    ] {
        let out = run_with(args, env.clone(), dir.path(), "").await;
        assert!(out.code == 0, "{args:?}: {}", out.stderr);
        outputs.push(format!("{}{}", out.stdout, out.stderr));
    }
    let mut secrets = vec![CANARY.to_owned(), BYOK.to_owned(), TRACES.to_owned()];
    for entry in std::fs::read_dir(dir.path().join(".secrets/eu-prod")).unwrap() {
        secrets.push(
            std::fs::read_to_string(entry.unwrap().path())
                .unwrap()
                .trim()
                .to_owned(),
        );
    }
    for entry in std::fs::read_dir(dir.path().join(".secrets/obs")).unwrap() {
        secrets.push(
            std::fs::read_to_string(entry.unwrap().path())
                .unwrap()
                .trim()
                .to_owned(),
        );
    }
    assert_eq!(secrets.len(), 7);
    for output in &outputs {
        for secret in &secrets {
            assert!(
                !output.contains(secret.as_str()),
                "a secret was printed:\n{output}"
            );
            assert!(
                !output.contains(&secret[9..30]),
                "part of a secret was printed:\n{output}"
            );
        }
    }
}
