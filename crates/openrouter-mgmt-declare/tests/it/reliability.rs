//! Reliability, measured: a 1,000-key, 50-guardrail, 5,000-assignment file (every key assigned, and 4,000
//! organization members assigned across the guardrails) applied while a fifth of all requests
//! fail (429, 5xx, dropped connections, lost answers after the write) converges in at most two runs, with no
//! duplicate object, no lost key (every live key has exactly one sink file, and every sink file a live key), and no
//! secret in anything the engine prints.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use openrouter_mgmt::Client;
use openrouter_mgmt::OperationId;
use openrouter_mgmt_declare::{
    Allow, ApplyOptions, Desired, Live, apply, check, live_in_owned_scopes, plan, read_live,
};
use openrouter_mgmt_mock::{Fault, FaultRule, MockServer};

use crate::support::{apply_file, client_with_retries, desired};

const KEYS: usize = 1_000;
const GUARDRAILS: usize = 50;
/// Organization members assigned to the guardrails (with the keys' 1,000, 5,000 assignments).
const MEMBERS: usize = 4_000;
const FAULT_RATE: f64 = 0.2;
const WORKSPACE: &str = "reliability";

/// The file: one owned workspace, 50 guardrails each with its share of `members`, 1,000 keys each assigned to one
/// of them.
fn large_file(keys: usize, guardrails: usize, members: &[String]) -> String {
    let mut out = format!(
        "version = 1\n[stack]\nname = \"large\"\nowns = [\"workspace:{WORKSPACE}\"]\nsecrets = {{ sink = {{ dir = \"secrets\" }} }}\n\n[workspaces.{WORKSPACE}]\nname = \"Reliability\"\n"
    );
    for g in 0..guardrails {
        let _ = write!(
            out,
            "\n[guardrails.g{g}]\nworkspace = \"{WORKSPACE}\"\nlimit_usd = {}\nreset_interval = \"monthly\"\nmembers = {:?}\n",
            10 + g,
            members
                .iter()
                .skip(g)
                .step_by(guardrails)
                .collect::<Vec<_>>()
        );
    }
    for k in 0..keys {
        let _ = write!(
            out,
            "\n[keys.k{k}]\nworkspace = \"{WORKSPACE}\"\nlimit = {}\nguardrail = \"g{}\"\n",
            1 + k % 7,
            k % guardrails
        );
        if k % 10 == 0 {
            out.push_str("disabled = true\n");
        }
    }
    out
}

/// Rotates the kind of the random fault every few milliseconds until stopped, so that one run meets all of them.
fn rotate_faults(mock: &MockServer, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<()> {
    let faults = mock.faults().clone();
    let kinds = [
        Fault::RateLimited {
            retry_after_secs: None,
            retry_after_ms: None,
        },
        Fault::Status(503),
        Fault::CloseBeforeResponse,
        Fault::ApplyThenClose,
        Fault::ApplyThenStatus(500),
    ];
    tokio::spawn(async move {
        // Bounded: at most 10 minutes of 3 ms turns.
        for turn in 0..200_000usize {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            faults.set_fail_rate(FAULT_RATE, kinds[turn % kinds.len()].clone());
            tokio::time::sleep(Duration::from_millis(3)).await;
        }
        faults.set_fail_rate(0.0, Fault::Status(500));
    })
}

/// One `apply` as the command line runs it, with everything it prints (plan text and JSON, each event, the
/// report, any error) appended to `output`. `true` when it ran to the end with exit 0.
async fn run(client: &Client, desired: &Desired, dir: &Path, output: &Mutex<String>) -> bool {
    let say = |s: String| {
        output
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_str(&s)
    };
    let live = match read_live(client, desired).await {
        Ok(live) => live,
        Err(e) => {
            say(format!("{e}\n"));
            return false;
        }
    };
    let plan = match plan(desired, &live) {
        Ok(plan) => plan,
        Err(e) => {
            say(format!("{e}\n"));
            return false;
        }
    };
    say(openrouter_mgmt_declare::text(&plan));
    say(openrouter_mgmt_declare::json(&plan).to_string());
    if let Err(e) = check(
        &plan,
        &Allow::default(),
        live_in_owned_scopes(desired, &live),
    ) {
        say(format!("{e}\n"));
        return false;
    }
    let options = ApplyOptions {
        parallelism: 8,
        base: dir.to_path_buf(),
        discard_secrets: false,
    };
    let report = apply(
        client,
        desired,
        &live,
        &plan,
        &options,
        &|address, outcome| {
            say(format!("{address}: {outcome:?}\n"));
        },
    )
    .await;
    say(format!("{report:?}\n"));
    report.exit_code() == 0
}

/// Live objects of `kind` by their natural key, in the scope the file reads.
fn natural_counts(live: &Live, kind: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for o in live.of(kind) {
        let name = ["slug", "name"]
            .iter()
            .find_map(|f| o.get(f).as_str())
            .unwrap_or_default();
        *counts
            .entry(format!("{}/{name}", o.get("workspace_id")))
            .or_insert(0) += 1;
    }
    counts
}

/// The sink file name the engine gives a key created at `address` with `hash`.
fn sink_name(address: &str, hash: &str) -> String {
    let short: String = hash
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(12)
        .collect();
    format!("{address}.{short}.secret")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_keys_and_five_thousand_assignments_under_twenty_percent_faults_converge_in_two_runs()
 {
    let started = Instant::now();
    let mock = MockServer::builder()
        .seed(16)
        .members(MEMBERS)
        .start()
        .await
        .unwrap();
    let members: Vec<String> = mock.members().iter().map(ToString::to_string).collect();
    assert_eq!(members.len(), MEMBERS);
    // Reads, updates, deletes and bulk calls are replayed up to 8 times (0.2⁹ ≈ 5e-7 of them fail); creates are
    // not replayed once they may have reached the server: the engine resolves those.
    let client = client_with_retries(&mock, Some(8));
    let dir = tempfile::tempdir().unwrap();
    let desired = desired(dir.path(), &large_file(KEYS, GUARDRAILS, &members));
    let output = Mutex::new(String::new());

    let mut runs = 0;
    let mut converged = false;
    while runs < 2 && !converged {
        runs += 1;
        let stop = Arc::new(AtomicBool::new(false));
        let rotation = rotate_faults(&mock, stop.clone());
        let finished = tokio::time::timeout(
            Duration::from_secs(120),
            run(&client, &desired, dir.path(), &output),
        )
        .await
        .expect("a run ends within two minutes");
        stop.store(true, Ordering::SeqCst);
        rotation.await.unwrap();
        // Judged without faults: the plan after this run.
        let live = read_live(&client, &desired).await.unwrap();
        let next = plan(&desired, &live).unwrap();
        converged = next.is_empty();
        eprintln!(
            "run {runs}: exit {}, {} actions and {} assignments left",
            if finished { 0 } else { 4 },
            next.actions.len(),
            next.assignments.len()
        );
    }
    let requests = mock.requests();
    let faulted = requests.iter().filter(|r| r.fault.is_some()).count();
    eprintln!(
        "{runs} run(s), {} requests, {faulted} faulted ({:.1} %), {:.1} s",
        requests.len(),
        100.0 * faulted as f64 / requests.len() as f64,
        started.elapsed().as_secs_f64()
    );
    let output = output.into_inner().unwrap();
    let failures: Vec<&str> = output
        .lines()
        .filter(|l| l.contains(": Failed("))
        .take(5)
        .collect();
    assert!(
        converged,
        "not converged after {runs} runs; first failures:\n{}",
        failures.join("\n")
    );
    assert!(faulted * 10 >= requests.len(), "faults were injected");

    // No duplicates: one live object per natural key.
    let live = read_live(&client, &desired).await.unwrap();
    // Every assignment made: 1,000 keys and 4,000 members, each on its guardrail.
    let assigned_members: usize = live
        .of("guardrail")
        .iter()
        .filter_map(|g| live.attributes.get(&g.id))
        .filter_map(|a| a.get("members").and_then(|m| m.as_array()).map(Vec::len))
        .sum();
    assert_eq!((live.assignments.len(), assigned_members), (KEYS, MEMBERS));
    for kind in ["workspace", "guardrail", "key"] {
        let twice: Vec<(String, usize)> = natural_counts(&live, kind)
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .collect();
        assert_eq!(twice, Vec::new(), "duplicate {kind}s");
    }
    let workspace_id = live.workspace_id(WORKSPACE).unwrap().to_owned();
    let keys: Vec<_> = live
        .of("key")
        .iter()
        .filter(|k| k.get("workspace_id").as_str() == Some(&workspace_id))
        .collect();
    assert_eq!(keys.len(), KEYS, "one live key per declared key");
    assert_eq!(mock.key_count(), KEYS, "no key anywhere else");
    assert_eq!(mock.guardrail_count(), GUARDRAILS);

    // No lost key: the sink holds exactly one file per live key, named for it, and nothing else.
    let expected: BTreeSet<String> = keys
        .iter()
        .map(|k| sink_name(&format!("key.{}", k.get("name").as_str().unwrap()), &k.id))
        .collect();
    let sink = dir.path().join("secrets");
    let files: BTreeSet<String> = std::fs::read_dir(&sink)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        expected.difference(&files).count(),
        0,
        "live keys without a sink file"
    );
    assert_eq!(
        files.difference(&expected).count(),
        0,
        "sink files without a live key"
    );

    // No secret in any output: neither a delivered plaintext nor anything that looks like a key.
    assert!(output.len() > 10_000, "the output was captured");
    assert!(
        !output.contains("sk-or-"),
        "a key's plaintext in the output"
    );
    assert!(!output.contains(mock.management_key()));
    for file in &files {
        let secret = std::fs::read_to_string(sink.join(file)).unwrap();
        let secret = secret.trim();
        assert!(secret.starts_with("sk-or-"), "the sink holds plaintexts");
        assert!(!output.contains(secret), "a delivered secret in the output");
    }
}

#[tokio::test]
async fn a_key_create_whose_answer_is_lost_three_times_in_a_row_still_ends_with_one_key_and_one_sink_file()
 {
    let mock = MockServer::start().await.unwrap();
    let client = crate::support::client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let desired = desired(dir.path(), ONE_KEY);
    mock.faults()
        .add(FaultRule::new(OperationId::CreateKeys, Fault::ApplyThenClose).times(3));
    let report = apply_file(&client, &desired, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:?}");
    assert_eq!(report.orphans_deleted.len(), 3, "{report:?}");
    assert_eq!(mock.key_count(), 1);
    assert_eq!(report.secrets_written.len(), 1);
    assert_eq!(
        std::fs::read_dir(dir.path().join("out")).unwrap().count(),
        1
    );
    assert!(
        crate::support::plan_for(&client, &desired)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A one-key file whose sink is `out`.
const ONE_KEY: &str = "version = 1\n[stack]\nname = \"s\"\nsecrets = { sink = { dir = \"out\" } }\n[keys.one]\nlimit = 5\n";

/// The sink files, and whether each is named for a live key.
async fn sink_matches_live(client: &Client, desired: &Desired, dir: &Path) -> (usize, bool) {
    let live = read_live(client, desired).await.unwrap();
    let expected: BTreeSet<String> = live
        .of("key")
        .iter()
        .map(|k| sink_name(&format!("key.{}", k.get("name").as_str().unwrap()), &k.id))
        .collect();
    let files: BTreeSet<String> = std::fs::read_dir(dir.join("out"))
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    (files.len(), files == expected)
}

#[tokio::test]
async fn a_lost_key_create_whose_first_lookup_fails_is_looked_up_again_and_no_key_is_left_without_its_plaintext()
 {
    let mock = MockServer::start().await.unwrap();
    let client = crate::support::client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let desired = desired(dir.path(), ONE_KEY);
    mock.faults()
        .add(FaultRule::new(
            OperationId::CreateKeys,
            Fault::ApplyThenClose,
        ))
        // The plan's read passes; the lookup after the lost answer is refused (400 is not retried).
        .add(FaultRule::new(OperationId::List, Fault::Status(400)).skip(1));
    let report = apply_file(&client, &desired, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:?}");
    assert_eq!(mock.faults().pending(), 0, "both faults were met");
    assert_eq!(report.orphans_deleted.len(), 1, "{report:?}");
    assert_eq!(mock.key_count(), 1);
    assert_eq!(
        sink_matches_live(&client, &desired, dir.path()).await,
        (1, true)
    );
}

#[tokio::test]
async fn a_key_create_lost_more_often_than_it_is_resent_fails_leaving_no_key_and_the_next_apply_creates_it()
 {
    let mock = MockServer::start().await.unwrap();
    let client = crate::support::client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let desired = desired(dir.path(), ONE_KEY);
    mock.faults()
        .add(FaultRule::new(OperationId::CreateKeys, Fault::ApplyThenClose).times(50));
    let report = apply_file(&client, &desired, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 4, "{report:?}");
    let creates = mock.requests_to(OperationId::CreateKeys).len();
    assert!(creates > 1, "the create was resent");
    assert_eq!(
        report.orphans_deleted.len(),
        creates,
        "every key a lost create made was deleted"
    );
    assert_eq!(mock.key_count(), 0);
    assert_eq!(
        sink_matches_live(&client, &desired, dir.path()).await,
        (0, true)
    );
    mock.faults().clear();
    let report = apply_file(&client, &desired, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:?}");
    assert_eq!(mock.key_count(), 1);
    assert_eq!(
        sink_matches_live(&client, &desired, dir.path()).await,
        (1, true)
    );
}
