//! Convergence over many states, not one: every example file and random desired states (and random changes from
//! one state to another) applied to a seeded mock leave a plan that is empty and a second apply that sends only GETs.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use openrouter_mgmt::Client;
use openrouter_mgmt_declare::{Allow, DeclareError, Desired};
use openrouter_mgmt_mock::MockServer;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::support::{apply_file, client, desired, plan_for, writes};

/// Workspaces a state may declare (`w0`..), guardrails (`g0`..) and keys (`k0`..).
const MAX_WORKSPACES: usize = 3;
const MAX_GUARDRAILS: usize = 4;
const MAX_KEYS: usize = 6;
const RESETS: [&str; 3] = ["daily", "weekly", "monthly"];
const PROVIDERS: [&str; 5] = ["openai", "anthropic", "mistral", "nebius", "scaleway"];

/// A field the file either leaves out (unmanaged), clears (`"none"`), or sets.
#[derive(Debug, Clone)]
enum Field<T> {
    Unmanaged,
    Cleared,
    Set(T),
}

fn field<T: std::fmt::Debug + Clone + 'static>(
    value: impl Strategy<Value = T> + 'static,
) -> BoxedStrategy<Field<T>> {
    prop_oneof![
        2 => Just(Field::Unmanaged),
        1 => Just(Field::Cleared),
        3 => value.prop_map(Field::Set),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
struct Workspace {
    /// The slug is the table key (`w0`) or an explicit one (`team-0-<n>`).
    slug: Option<u8>,
    name: u8,
    description: Field<u8>,
    sampling: Option<u8>,
    discount_logging: Option<bool>,
    owned: bool,
}

#[derive(Debug, Clone)]
struct Guardrail {
    /// Index into the declared workspaces plus the default one.
    workspace: u8,
    name: Option<u8>,
    description: Field<u8>,
    limit_cents: Field<u32>,
    reset: Field<u8>,
    providers: Field<BTreeSet<u8>>,
    byok_in_budgets: Option<bool>,
    zdr_openai: Option<bool>,
}

#[derive(Debug, Clone)]
struct Key {
    workspace: u8,
    name: Option<u8>,
    limit_cents: Field<u32>,
    reset: Field<u8>,
    disabled: Option<bool>,
    byok_in_limit: Option<bool>,
    /// Days after 2027-01-01.
    expires: Field<u16>,
    protect: bool,
    /// `Unmanaged`, `Cleared` (`guardrail = "none"`), or an index into the declared guardrails.
    guardrail: Field<u8>,
}

#[derive(Debug, Clone)]
struct State {
    workspaces: Vec<Workspace>,
    guardrails: Vec<Guardrail>,
    keys: Vec<Key>,
}

prop_compose! {
    fn workspace()(
        slug in proptest::option::of(0u8..3),
        name in 0u8..4,
        description in field(0u8..4),
        sampling in proptest::option::of(0u8..=4),
        discount_logging in proptest::option::of(any::<bool>()),
        owned in any::<bool>(),
    ) -> Workspace {
        Workspace { slug, name, description, sampling, discount_logging, owned }
    }
}

prop_compose! {
    fn guardrail()(
        workspace in 0u8..8,
        name in proptest::option::of(0u8..3),
        description in field(0u8..4),
        limit_cents in field(0u32..100_000),
        reset in field(0u8..3),
        providers in field(proptest::collection::btree_set(0u8..5, 1..=3)),
        byok_in_budgets in proptest::option::of(any::<bool>()),
        zdr_openai in proptest::option::of(any::<bool>()),
    ) -> Guardrail {
        Guardrail { workspace, name, description, limit_cents, reset, providers, byok_in_budgets, zdr_openai }
    }
}

prop_compose! {
    fn key()(
        workspace in 0u8..8,
        name in proptest::option::of(0u8..3),
        limit_cents in field(0u32..100_000),
        reset in field(0u8..3),
        disabled in proptest::option::of(any::<bool>()),
        byok_in_limit in proptest::option::of(any::<bool>()),
        expires in field(0u16..1_500),
        protect in any::<bool>(),
        guardrail in field(0u8..8),
    ) -> Key {
        Key { workspace, name, limit_cents, reset, disabled, byok_in_limit, expires, protect, guardrail }
    }
}

fn state() -> impl Strategy<Value = State> {
    (
        proptest::collection::vec(workspace(), 0..=MAX_WORKSPACES),
        proptest::collection::vec(guardrail(), 0..=MAX_GUARDRAILS),
        proptest::collection::vec(key(), 0..=MAX_KEYS),
    )
        .prop_map(|(workspaces, guardrails, keys)| State {
            workspaces,
            guardrails,
            keys,
        })
}

/// A money amount from cents, written as TOML reads it back (`12` or `12.5`).
fn money(cents: u32) -> String {
    format!("{}", f64::from(cents) / 100.0)
}

fn line<T>(out: &mut String, name: &str, field: &Field<T>, render: impl Fn(&T) -> String) {
    match field {
        Field::Unmanaged => {}
        Field::Cleared => {
            let _ = writeln!(out, "{name} = \"none\"");
        }
        Field::Set(v) => {
            let _ = writeln!(out, "{name} = {}", render(v));
        }
    }
}

fn flag(out: &mut String, name: &str, value: Option<bool>) {
    if let Some(b) = value {
        let _ = writeln!(out, "{name} = {b}");
    }
}

impl State {
    /// The workspace attribute for a choice: one of the declared workspaces, or the default one (no attribute).
    fn workspace_of(&self, choice: u8) -> Option<String> {
        let i = usize::from(choice) % (self.workspaces.len() + 1);
        (i < self.workspaces.len()).then(|| format!("w{i}"))
    }

    /// A table's header and its workspace attribute.
    fn head(&self, out: &mut String, table: &str, workspace: u8) {
        let _ = writeln!(out, "\n[{table}]");
        if let Some(w) = self.workspace_of(workspace) {
            let _ = writeln!(out, "workspace = \"{w}\"");
        }
    }

    /// The file: every name unique in its workspace, every reference to a declared object.
    fn toml(&self) -> String {
        let mut out = String::from(
            "version = 1\n\n[stack]\nname = \"random\"\nsecrets = { sink = { dir = \"secrets\" } }\n",
        );
        let owns: Vec<String> = self
            .workspaces
            .iter()
            .enumerate()
            .filter(|(_, w)| w.owned)
            .map(|(i, w)| format!("\"workspace:{}\"", slug(i, w)))
            .collect();
        let _ = writeln!(out, "owns = [{}]", owns.join(", "));
        for (i, w) in self.workspaces.iter().enumerate() {
            let _ = writeln!(out, "\n[workspaces.w{i}]");
            if w.slug.is_some() {
                let _ = writeln!(out, "slug = \"{}\"", slug(i, w));
            }
            let _ = writeln!(out, "name = \"Workspace {i} v{}\"", w.name);
            line(&mut out, "description", &w.description, |d| {
                format!("\"about workspace {i}, take {d}\"")
            });
            if let Some(s) = w.sampling {
                let _ = writeln!(out, "io_logging_sampling_rate = {}", f64::from(s) / 4.0);
            }
            flag(
                &mut out,
                "is_data_discount_logging_enabled",
                w.discount_logging,
            );
        }
        for (i, g) in self.guardrails.iter().enumerate() {
            self.head(&mut out, &format!("guardrails.g{i}"), g.workspace);
            if let Some(n) = g.name {
                let _ = writeln!(out, "name = \"guardrail {i} ({n})\"");
            }
            line(&mut out, "description", &g.description, |d| {
                format!("\"guardrail {i}, take {d}\"")
            });
            line(&mut out, "limit_usd", &g.limit_cents, |c| money(*c));
            line(&mut out, "reset_interval", &g.reset, |r| {
                format!("\"{}\"", RESETS[usize::from(*r)])
            });
            line(&mut out, "allowed_providers", &g.providers, |set| {
                let names: Vec<String> = set
                    .iter()
                    .map(|p| format!("\"{}\"", PROVIDERS[usize::from(*p)]))
                    .collect();
                format!("[{}]", names.join(", "))
            });
            flag(&mut out, "include_byok_in_budgets", g.byok_in_budgets);
            flag(&mut out, "enforce_zdr_openai", g.zdr_openai);
        }
        for (i, k) in self.keys.iter().enumerate() {
            self.head(&mut out, &format!("keys.k{i}"), k.workspace);
            if let Some(n) = k.name {
                let _ = writeln!(out, "name = \"key {i} ({n})\"");
            }
            line(&mut out, "limit", &k.limit_cents, |c| money(*c));
            line(&mut out, "limit_reset", &k.reset, |r| {
                format!("\"{}\"", RESETS[usize::from(*r)])
            });
            flag(&mut out, "disabled", k.disabled);
            flag(&mut out, "include_byok_in_limit", k.byok_in_limit);
            line(&mut out, "expires_at", &k.expires, |days| {
                let at =
                    chrono::DateTime::from_timestamp(1_798_761_600 + i64::from(*days) * 86_400, 0)
                        .expect("in range");
                at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
            });
            if k.protect {
                let _ = writeln!(out, "protect = true");
            }
            match k.guardrail {
                Field::Unmanaged => {}
                Field::Set(_) | Field::Cleared if self.guardrails.is_empty() => {
                    let _ = writeln!(out, "guardrail = \"none\"");
                }
                Field::Cleared => {
                    let _ = writeln!(out, "guardrail = \"none\"");
                }
                Field::Set(g) => {
                    let _ = writeln!(
                        out,
                        "guardrail = \"g{}\"",
                        usize::from(g) % self.guardrails.len()
                    );
                }
            }
        }
        out
    }

    /// The same state with nothing protected.
    fn unprotected(&self) -> Self {
        let mut state = self.clone();
        for k in &mut state.keys {
            k.protect = false;
        }
        state
    }
}

fn slug(i: usize, w: &Workspace) -> String {
    match w.slug {
        Some(n) => format!("team-{i}-{n}"),
        None => format!("w{i}"),
    }
}

/// Everything allowed: deletes, every replacement, emptying a scope (protection still holds).
fn allow_all(desired: &Desired) -> Allow {
    Allow {
        delete: true,
        replace: desired
            .objects
            .iter()
            .map(openrouter_mgmt_declare::DesiredObject::address)
            .collect(),
        empty_scope: true,
    }
}

/// A mock with some objects of its own (in the default workspace and a seeded one) that a file never declares.
async fn seeded_mock(seed: u64) -> MockServer {
    MockServer::builder()
        .seed(seed)
        .keys(6)
        .guardrails(2)
        .assigned_keys(3)
        .workspaces(1)
        .start()
        .await
        .expect("the mock starts")
}

/// Applies `text` (everything allowed) and checks convergence: exit 0, then an empty plan, then a second apply
/// that sends only GETs. Refusals for protected replacements are returned to the caller.
async fn apply_and_check_converged(
    mock: &MockServer,
    client: &Client,
    dir: &Path,
    text: &str,
) -> Result<(), DeclareError> {
    let mut desired = desired(dir, text);
    // Every `{ env = "NAME" }` source of the file gets a value of its own.
    let names = text
        .split("env = \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|name| {
            (
                name.to_owned(),
                format!("sk-test-{}-0123456789", name.to_lowercase()),
            )
        });
    desired.env = Some(openrouter_mgmt_declare::SecretEnv(names.collect()));
    let report = apply_file(client, &desired, &allow_all(&desired), dir).await?;
    assert_eq!(report.exit_code(), 0, "{report:?}\n{text}");
    let next = plan_for(client, &desired).await.expect("plans");
    assert!(
        next.is_empty(),
        "the plan after apply is not empty:\n{}\n{text}",
        openrouter_mgmt_declare::text(&next)
    );
    mock.clear_requests();
    let again = apply_file(client, &desired, &allow_all(&desired), dir)
        .await
        .expect("the second apply runs");
    assert!(again.outcomes.is_empty(), "{again:?}\n{text}");
    assert_eq!(writes(mock), Vec::<String>::new(), "{text}");
    Ok(())
}

/// Runs `cases` proptest cases of `test` on a current-thread runtime each.
fn run_cases<S: Strategy>(strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        // Each case starts a mock and applies against it: shrinking stays bounded.
        max_shrink_iters: 64,
        ..Config::default()
    });
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{e}");
    }
}

fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

#[test]
fn a_random_state_applied_to_a_seeded_mock_plans_empty_and_reapplies_with_only_gets() {
    run_cases((state(), 0u64..1_000), |(state, seed)| {
        block_on(async {
            let mock = seeded_mock(seed).await;
            let client = client(&mock);
            let dir = tempfile::tempdir().expect("a temporary folder");
            let before = mock.key_count();
            let text = state.toml();
            if apply_and_check_converged(&mock, &client, dir.path(), &text)
                .await
                .is_err()
            {
                return Err(TestCaseError::fail(format!("refused from empty:\n{text}")));
            }
            // One new key per declared key, each with one sink file; the mock's own keys untouched.
            prop_assert_eq!(mock.key_count(), before + state.keys.len());
            let files = std::fs::read_dir(dir.path().join("secrets"))
                .map(Iterator::count)
                .unwrap_or(0);
            prop_assert_eq!(files, state.keys.len());
            Ok(())
        })
    });
}

#[test]
fn a_random_change_from_one_state_to_another_converges() {
    run_cases((state(), state(), 0u64..1_000), |(from, to, seed)| {
        block_on(async {
            let mock = seeded_mock(seed).await;
            let client = client(&mock);
            let dir = tempfile::tempdir().expect("a temporary folder");
            let first = from.toml();
            if apply_and_check_converged(&mock, &client, dir.path(), &first)
                .await
                .is_err()
            {
                return Err(TestCaseError::fail(format!("refused from empty:\n{first}")));
            }
            let second = to.toml();
            match apply_and_check_converged(&mock, &client, dir.path(), &second).await {
                Ok(()) => {}
                Err(refused) => {
                    // Only protection may refuse a change when everything else is allowed; nothing was sent, and
                    // the change goes through once protection is lifted.
                    prop_assert_eq!(refused.exit_code(), 3, "{}", refused);
                    let reasons = refused.to_string();
                    prop_assert!(reasons.contains("is protected"), "{}", reasons);
                    prop_assert_eq!(writes(&mock), Vec::<String>::new());
                    let unprotected = to.unprotected().toml();
                    if apply_and_check_converged(&mock, &client, dir.path(), &unprotected)
                        .await
                        .is_err()
                    {
                        return Err(TestCaseError::fail(format!(
                            "refused without protection:\n{unprotected}"
                        )));
                    }
                }
            }
            Ok(())
        })
    });
}

#[tokio::test]
async fn every_example_file_applies_to_a_seeded_mock_then_plans_empty_and_reapplies_with_only_gets()
{
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut seen = 0;
    for entry in std::fs::read_dir(&examples).expect("the examples folder") {
        let path = entry.expect("an entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(&path).expect("readable");
        let mock = seeded_mock(3).await;
        let client = client(&mock);
        let dir = tempfile::tempdir().expect("a temporary folder");
        apply_and_check_converged(&mock, &client, dir.path(), &text)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    assert!(seen >= 1, "no example file in {}", examples.display());
}
