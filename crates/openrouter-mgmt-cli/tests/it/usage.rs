//! `usage` in-process against the embedded mock: its totals and groups checked against the activity records read
//! directly with the SDK (and the keys' own usage), the period filter, the table's Unicode and ASCII charts, the
//! HTML page self-contained and escaped, and a bad period refused with exit 65 and no request sent.

use std::collections::BTreeMap;

use openrouter_mgmt::{Client, open_enums::GetUserActivityGroupBy, ops};
use openrouter_mgmt_cli::{Io, run};
use openrouter_mgmt_mock::MockServer;
use serde_json::Value;

use crate::support::{env_for, run_on, run_with};

/// Sums below a cent's millionth are equal (the rows add the same cents in another order).
const EPSILON: f64 = 1e-6;

async fn seeded() -> MockServer {
    MockServer::builder()
        .seed(11)
        .keys(40)
        .workspaces(2)
        .start()
        .await
        .expect("mock starts")
}

fn client(mock: &MockServer) -> Client {
    Client::builder()
        .api_key(mock.management_key())
        .base_url(mock.base_url())
        .build()
        .expect("client")
}

/// `usage -o json` with `args`, as (id → usage, requests), checking the row's shape on the way.
async fn rows(mock: &MockServer, args: &[&str]) -> BTreeMap<String, (f64, i64)> {
    let mut argv = vec!["usage", "-o", "json"];
    argv.extend_from_slice(args);
    let out = run_on(mock, &argv).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows: Vec<Value> = serde_json::from_str(&out.stdout).expect("usage -o json is an array");
    let mut by_id = BTreeMap::new();
    for row in &rows {
        let id = row["id"].as_str().expect("id").to_owned();
        let daily: f64 = row["daily"]
            .as_object()
            .expect("daily")
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        let usage = row["usage"].as_f64().expect("usage");
        assert!((daily - usage).abs() < EPSILON, "daily adds up: {row}");
        let previous = by_id.insert(id, (usage, row["requests"].as_i64().expect("requests")));
        assert!(previous.is_none(), "one row per group: {row}");
    }
    by_id
}

fn assert_close(actual: &BTreeMap<String, (f64, i64)>, expected: &BTreeMap<String, (f64, i64)>) {
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "the same groups"
    );
    for (id, (usage, requests)) in expected {
        let (got_usage, got_requests) = actual[id];
        assert!(
            (got_usage - usage).abs() < EPSILON,
            "{id}: {got_usage} vs {usage}"
        );
        assert_eq!(got_requests, *requests, "{id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totals_and_groups_equal_the_activity_records() {
    let mock = seeded().await;
    let sdk = client(&mock);

    // By model and by workspace: the unfiltered records, folded here.
    let mut by_model: BTreeMap<String, (f64, i64)> = BTreeMap::new();
    for item in sdk.send(&ops::GetUserActivity::new()).await.unwrap().data {
        let e = by_model.entry(item.model).or_default();
        e.0 += item.usage;
        e.1 += item.requests;
    }
    assert!(!by_model.is_empty(), "the mock seeds activity");
    assert_close(&rows(&mock, &["--by", "model"]).await, &by_model);

    let mut by_workspace: BTreeMap<String, (f64, i64)> = BTreeMap::new();
    for item in sdk
        .send(&ops::GetUserActivity::new().group_by(GetUserActivityGroupBy::Workspace))
        .await
        .unwrap()
        .data
    {
        let e = by_workspace
            .entry(item.workspace_id.expect("group_by=workspace names it"))
            .or_default();
        e.0 += item.usage;
        e.1 += item.requests;
    }
    assert_close(&rows(&mock, &["--by", "workspace"]).await, &by_workspace);

    // By key: each key's own records, and each key's usage as the keys list reports it.
    let keys = sdk
        .send(
            &ops::List::new()
                .include_disabled(true)
                .include_expired(true),
        )
        .await
        .unwrap()
        .data;
    assert!(keys.len() >= 40);
    let mut by_key: BTreeMap<String, (f64, i64)> = BTreeMap::new();
    for key in &keys {
        let items = sdk
            .send(&ops::GetUserActivity::new().api_key_hash(key.hash.to_string()))
            .await
            .unwrap()
            .data;
        if items.is_empty() {
            continue;
        }
        let e = by_key.entry(key.hash.to_string()).or_default();
        for item in items {
            e.0 += item.usage;
            e.1 += item.requests;
        }
        assert!((e.0 - key.usage).abs() < EPSILON, "the key's own usage");
    }
    assert!(by_key.len() > 1, "several keys have activity");
    let per_key = rows(&mock, &["--by", "key", "--concurrency", "3"]).await;
    assert_close(&per_key, &by_key);

    let total = |rows: &BTreeMap<String, (f64, i64)>| rows.values().map(|r| r.0).sum::<f64>();
    assert!((total(&per_key) - total(&by_model)).abs() < EPSILON);
    assert!((total(&per_key) - total(&by_workspace)).abs() < EPSILON);

    // The period: the mock's activity falls on one day.
    let day = mock_day(&sdk).await;
    assert_close(
        &rows(&mock, &["--by", "model", "--from", &day, "--to", &day]).await,
        &by_model,
    );
    let next = next_day(&day);
    assert!(
        rows(&mock, &["--by", "model", "--from", &next])
            .await
            .is_empty()
    );
    assert!(
        rows(&mock, &["--by", "model", "--to", "2000-01-01"])
            .await
            .is_empty()
    );
}

async fn mock_day(sdk: &Client) -> String {
    let items = sdk.send(&ops::GetUserActivity::new()).await.unwrap().data;
    items[0].date.clone()
}

fn next_day(day: &str) -> String {
    let d = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
    d.succ_opt().unwrap().format("%Y-%m-%d").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_chart_in_unicode_on_a_terminal_and_ascii_otherwise() {
    let mock = seeded().await;
    let dir = tempfile::tempdir().unwrap();
    let terminal = |args: &'static [&'static str]| {
        let (mut io, captured) = Io::captured(env_for(&mock), dir.path().to_path_buf(), Vec::new());
        io.stdout_is_terminal = true;
        let mut argv = vec!["openrouter-mgmt"];
        argv.extend_from_slice(args);
        async move {
            let code = run(argv, io).await;
            (code, captured.stdout())
        }
    };
    let (code, text) = terminal(&["usage", "--by", "key", "--daily"]).await;
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("ID "), "a table on a terminal: {text}");
    assert!(text.contains('█'), "Unicode bars: {text}");
    assert!(text.lines().any(|l| l.starts_with("TOTAL")), "{text}");
    let (code, text) = terminal(&["usage", "--by", "key", "--daily", "--ascii"]).await;
    assert_eq!(code, 0, "{text}");
    assert!(text.is_ascii() && text.contains('#'), "{text}");

    let out = run_on(&mock, &["usage", "--by", "model", "-o", "table", "--daily"]).await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.is_ascii(),
        "ASCII when not a terminal: {}",
        out.stdout
    );
    let total = out
        .stdout
        .lines()
        .find(|l| l.starts_with("TOTAL"))
        .expect("a total row");
    let model: Vec<Value> =
        serde_json::from_str(&run_on(&mock, &["usage", "--by", "model"]).await.stdout).unwrap();
    let usage = model[0]["usage"].as_f64().unwrap();
    assert!(total.contains(&format!("${usage:.4}")), "{total}");

    let out = run_on(&mock, &["usage", "-o", "jsonl"]).await;
    let ids = run_on(&mock, &["usage", "-o", "id"]).await.stdout;
    let lines: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines
            .iter()
            .map(|l| l["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ids.lines().collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_html_page_is_self_contained() {
    let mock = seeded().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run_with(
        &["usage", "--by", "key", "--html", "usage.html", "-o", "none"],
        env_for(&mock),
        dir.path(),
        "",
    )
    .await;
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    let page = std::fs::read_to_string(dir.path().join("usage.html")).expect("the page is written");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<svg") && page.contains("<rect"), "a chart");
    for external in [
        "src=", "href=", "http://", "https://", "<script", "<link", "@import", "url(",
    ] {
        assert!(!page.contains(external), "{external} in the page");
    }
    let rows: Vec<Value> =
        serde_json::from_str(&run_on(&mock, &["usage", "--by", "key"]).await.stdout).unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        assert!(page.contains(row["id"].as_str().unwrap()), "{row}");
        assert!(page.contains(row["name"].as_str().unwrap()), "{row}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_period_is_refused_before_anything_is_sent() {
    let mock = seeded().await;
    mock.clear_requests();
    for args in [
        &["--period", "99d"][..],
        &["--period", "week"],
        &["--period", "0d"],
        &["--from", "2025-02-30"],
        &["--from", "2025-02-01", "--to", "2025-01-01"],
        &["--to", "yesterday"],
    ] {
        let mut argv = vec!["usage"];
        argv.extend_from_slice(args);
        let out = run_on(&mock, &argv).await;
        assert_eq!(out.code, 65, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("nothing was sent"), "{}", out.stderr);
    }
    assert!(mock.requests().is_empty(), "{:?}", mock.requests());
    let out = run_on(&mock, &["usage", "--period", "7d", "--from", "2025-01-01"]).await;
    assert_eq!(out.code, 64, "--period and --from conflict");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_management_key_never_appears_in_usage_output() {
    let mock = seeded().await;
    let key = mock.management_key().to_owned();
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &[
            "-vv",
            "usage",
            "--by",
            "key",
            "--html",
            "page.html",
            "-o",
            "table",
            "--daily",
        ][..],
        &["-vv", "usage", "--by", "workspace", "-o", "json"],
        &["-vv", "--dry-run", "usage", "--by", "model"],
        &["-vv", "usage", "--period", "99d"],
    ] {
        let out = run_with(args, env_for(&mock), dir.path(), "").await;
        assert!(
            !out.stdout.is_empty() || !out.stderr.is_empty(),
            "{args:?} says something"
        );
        for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert!(!text.contains(&key), "{args:?}: the key on {stream}");
        }
    }
    let page = std::fs::read_to_string(dir.path().join("page.html")).unwrap();
    assert!(!page.contains(&key));
}
