//! Output and input in-process against the mock: the formats, `--fields`, `--limit`, bodies from `--json-body -`,
//! `--set` and `--clear`, the `api` command, bad input refused with exit 65 and zero requests, and retries
//! without a duplicated create; progress lines of walks of several pages.

use openrouter_mgmt::OperationId;
use openrouter_mgmt_mock::{Fault, FaultRule, MockServer};
use serde_json::{Value, json};

use crate::support::{env_for, mock, run_on, run_with};

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_render_as_json_jsonl_ids_and_tables() {
    let mock = MockServer::builder()
        .seed(1)
        .keys(250)
        .start()
        .await
        .unwrap();
    let all = json(&run_on(&mock, &["keys", "list", "-o", "json"]).await.stdout);
    let items = all.as_array().expect("keys list -o json is an array");
    assert!(items.len() > 200, "every page walked: {}", items.len());
    let hashes: Vec<&str> = items.iter().map(|k| k["hash"].as_str().unwrap()).collect();

    let out = run_on(&mock, &["keys", "list", "-o", "jsonl", "--limit", "3"]).await;
    let lines: Vec<Value> = out.stdout.lines().map(json).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["hash"], hashes[0]);

    let before = mock.requests_to(OperationId::List).len();
    let out = run_on(&mock, &["keys", "list", "-o", "id", "--limit", "2"]).await;
    assert_eq!(out.stdout, format!("{}\n{}\n", hashes[0], hashes[1]));
    assert!(
        mock.requests_to(OperationId::List).len() - before <= 2,
        "--limit stops the walk early"
    );

    let out = run_on(
        &mock,
        &[
            "keys",
            "list",
            "-o",
            "table",
            "--fields",
            "hash,name",
            "--limit",
            "1",
        ],
    )
    .await;
    let mut rows = out.stdout.lines();
    assert!(rows.next().unwrap().starts_with("HASH"), "{}", out.stdout);
    assert!(rows.next().unwrap().starts_with(hashes[0]));

    let out = run_on(
        &mock,
        &["keys", "get", hashes[0], "-o", "json", "--fields", "hash"],
    )
    .await;
    assert_eq!(json(&out.stdout), json!({"hash": hashes[0]}));
    let out = run_on(&mock, &["keys", "get", hashes[0], "-o", "id"]).await;
    assert_eq!(out.stdout.trim(), hashes[0]);
    // Not a terminal: JSON by default.
    let out = run_on(&mock, &["keys", "get", hashes[0]]).await;
    assert_eq!(json(&out.stdout)["hash"], hashes[0]);
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_65_and_nothing_sent() {
    let mock = mock().await;
    let cases: [&[&str]; 6] = [
        &["guardrails", "get", "not-a-uuid"],
        &["keys", "create", "--name", "x", "--limit", "-5"],
        &["keys", "create", "--limit", "abc"],
        &["keys", "get", "sk-or-v1-this-is-a-key-not-a-hash"],
        &["guardrails", "list", "--page-size", "500"],
        &["keys", "create", "--set", "name=[1]"],
    ];
    for args in cases {
        let before = mock.requests().len();
        let out = run_on(&mock, args).await;
        assert_eq!(out.code, 65, "`{}`: {}", args.join(" "), out.stderr);
        assert!(
            out.stderr.starts_with("{\"error\"") && out.stderr.len() > 40,
            "{}",
            out.stderr
        );
        assert_eq!(
            mock.requests().len(),
            before,
            "`{}` sent a request",
            args.join(" ")
        );
    }
    let out = run_on(
        &mock,
        &[
            "keys", "create", "--name", "x", "--limit", "-5", "-o", "table",
        ],
    )
    .await;
    assert!(
        out.stderr.starts_with("error: invalid limit"),
        "{}",
        out.stderr
    );
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_merge_json_body_set_and_clear() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run_with(
        &[
            "keys",
            "update",
            "abc",
            "--json-body",
            "-",
            "--set",
            "name=renamed",
            "--set",
            "limit=5",
            "--clear",
            "limit_reset",
            "--dry-run",
        ],
        env_for(&mock),
        dir.path(),
        r#"{"disabled": true, "name": "from-stdin"}"#,
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let request = json(&out.stdout);
    assert_eq!(request["method"], "PATCH");
    assert!(request["url"].as_str().unwrap().ends_with("/keys/abc"));
    assert_eq!(
        request["body"],
        json!({"disabled": true, "name": "renamed", "limit": 5.0, "limit_reset": null})
    );
    assert!(mock.requests().is_empty(), "--dry-run sends nothing");

    let template = run_on(&mock, &["guardrails", "create", "--body-template"]).await;
    assert_eq!(template.code, 0);
    assert!(json(&template.stdout).is_object());
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_sends_a_known_path_as_its_operation() {
    let mock = mock().await;
    let out = run_on(&mock, &["api", "GET", "/keys?include_disabled=true"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout).as_array().unwrap().len(), 3);
    assert_eq!(mock.requests_to(OperationId::List).len(), 1);
    let out = run_on(&mock, &["api", "POST", "/guardrails", "--set", "name=g"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json(&out.stdout)["name"], "g");
    let out = run_on(&mock, &["api", "GET", "/nowhere"]).await;
    assert_eq!(out.code, 64);
    let out = run_on(&mock, &["api", "GET", "/keys?bogus=1"]).await;
    assert_eq!(out.code, 64);
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_show_in_verbose_logs_and_a_create_is_never_duplicated() {
    let mock = mock().await;
    mock.faults()
        .add(FaultRule::new(OperationId::GetCurrentKey, Fault::Status(503)).times(1));
    // (What `-v` prints is asserted on the binary in `exit_codes.rs`: scoped subscribers of concurrent in-process
    // runs share tracing's callsite cache, so a test process cannot pin each run's log.)
    let out = run_on(&mock, &["-v", "keys", "current"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(mock.requests_to(OperationId::GetCurrentKey).len(), 2);

    mock.faults()
        .add(FaultRule::new(OperationId::CreateKeys, Fault::ApplyThenStatus(500)).times(1));
    let out = run_on(&mock, &["-v", "keys", "create", "--name", "once"]).await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("\"may_have_been_applied\":true"),
        "{}",
        out.stderr
    );
    assert_eq!(
        mock.requests_to(OperationId::CreateKeys).len(),
        1,
        "never replayed"
    );
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_of_several_pages_shows_one_line_per_page_unless_no_progress() {
    let mock = MockServer::builder()
        .seed(12)
        .keys(250)
        .start()
        .await
        .unwrap();
    let all = ["keys", "list", "-o", "id", "--include-disabled"];
    let out = run_on(&mock, &all).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 250);
    // One line per page, counting the items so far (pages of GET /keys overlap, so a page may add fewer than
    // 100), ending at the whole list.
    let counts: Vec<u64> = out
        .stderr
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let rest = line
                .strip_prefix(&format!("keys list: [{}] ", i + 1))
                .unwrap_or_else(|| panic!("{line:?}"));
            rest.strip_suffix(" items").unwrap().parse().unwrap()
        })
        .collect();
    assert!(counts.len() >= 3, "{}", out.stderr);
    assert!(counts.windows(2).all(|w| w[0] < w[1]), "{counts:?}");
    assert_eq!(counts.first(), Some(&100));
    assert_eq!(counts.last(), Some(&250));
    // A list whose pages carry total_count says how many items there are.
    let seeded = MockServer::builder()
        .seed(12)
        .keys(3)
        .guardrails(5)
        .start()
        .await
        .unwrap();
    let out = run_on(
        &seeded,
        &["guardrails", "list", "--page-size", "2", "-o", "id"],
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.starts_with("guardrails list: [1] 2/5 items\n"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.ends_with("] 5/5 items\n"), "{}", out.stderr);
    // One page: nothing; --no-progress: nothing.
    let out = run_on(&mock, &["keys", "list", "-o", "id", "--limit", "5"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "");
    let out = run_on(&mock, &[&all[..], &["--no-progress"]].concat()).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 250);
    assert_eq!(out.stderr, "");
    mock.shutdown().await;
    seeded.shutdown().await;
}
