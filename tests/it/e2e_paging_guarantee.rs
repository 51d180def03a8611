//! The paging guarantee end to end, as a user can rehearse it: random scenarios through the mock's churn fault
//! (inserts and deletes before every request, at a chosen position, answers out of order by latency jitter) over
//! the paged list operations the mock churns (keys, guardrails, key assignments, BYOK keys, external users; its
//! observability destinations are capped at 5 webhooks a workspace, too few to page), each checked against the mock's ground truth of every item's lifetime.
//!
//! The guarantee (crates/openrouter-mgmt/README.md, "The guarantee"): for a list whose order is stable, a walk yields
//! every item present from its first request to its last exactly once, no item twice and none that never existed;
//! where continuity cannot be proven the stream ends with `Error::Pagination`. Scenarios where the list moves, between
//! two requests, by a quarter of a page or more for every request in flight are out of bounds: there a typed error is
//! allowed too (never a skip, a duplicate or a phantom).

use std::collections::HashSet;
use std::time::Duration;

use futures::TryStreamExt;
use openrouter_mgmt::ops;
use openrouter_mgmt::{Client, Error, ListOperation};
use openrouter_mgmt_mock::{Churn, ChurnPosition, ItemLifetime, MockServer, OperationId};
use proptest::prelude::*;

use crate::e2e_support::client;

/// The paged list operations a scenario can walk.
#[derive(Debug, Clone, Copy)]
enum Listed {
    Keys,
    Guardrails,
    KeyAssignments,
    ByokKeys,
    ExternalUsers,
}

impl Listed {
    const ALL: [Listed; 5] = [
        Listed::Keys,
        Listed::Guardrails,
        Listed::KeyAssignments,
        Listed::ByokKeys,
        Listed::ExternalUsers,
    ];

    fn operation(self) -> OperationId {
        match self {
            Listed::Keys => OperationId::List,
            Listed::Guardrails => OperationId::ListGuardrails,
            Listed::KeyAssignments => OperationId::ListKeyAssignments,
            Listed::ByokKeys => OperationId::ListByokKeys,
            Listed::ExternalUsers => OperationId::ListExternalUsers,
        }
    }
}

/// One scenario.
#[derive(Debug, Clone)]
struct Scenario {
    seed: u64,
    listed: Listed,
    len: usize,
    inserts: usize,
    deletes: usize,
    position: ChurnPosition,
    every: u64,
    concurrency: usize,
    prefetch: usize,
    page_size: u64,
    jitter_ms: u64,
}

impl Scenario {
    /// Pages the walk asks for (`GET /keys` has no `limit`: always 100).
    fn page(&self) -> u64 {
        if matches!(self.listed, Listed::Keys) {
            100
        } else {
            self.page_size
        }
    }

    /// Where the walk promises to reach the end: pages of at least two items, and a list that moves, between two
    /// requests, by less than a quarter of a page for every request that can be in flight.
    fn in_bounds(&self) -> bool {
        let churn = (self.inserts + self.deletes) as u64 * self.concurrency as u64;
        self.page() >= 2 && churn * 4 < self.page()
    }
}

/// What a walk yielded (ids as the operation's `item_id` spells them) or how it ended.
async fn walk<L: ListOperation>(
    client: &Client,
    op: L,
    s: &Scenario,
) -> Result<Vec<String>, Error> {
    let paginator = client
        .paginate(op)
        .page_size(s.page())?
        .concurrency(s.concurrency)?
        .prefetch(s.prefetch)
        .max_pages(5_000)?;
    paginator
        .items()
        .map_ok(|item| L::item_id(&item))
        .try_collect()
        .await
}

async fn start(s: &Scenario) -> MockServer {
    let builder = MockServer::builder().seed(s.seed);
    let builder = match s.listed {
        Listed::Keys => builder.keys(s.len),
        Listed::Guardrails => builder.guardrails(s.len),
        Listed::KeyAssignments => builder.keys(s.len).guardrails(1).assigned_keys(s.len),
        Listed::ByokKeys => builder.byok_keys(s.len),
        Listed::ExternalUsers => builder.external_users(s.len),
    };
    builder.start().await.expect("the mock starts")
}

/// Runs a scenario and checks it against the ground truth; `Err` says how the guarantee failed.
async fn run(s: &Scenario) -> Result<(), String> {
    let mock = start(s).await;
    let client = client(&mock);
    let route = s.listed.operation();
    mock.set_churn(
        route,
        Some(Churn::new(s.inserts, s.deletes, s.position).every(s.every)),
    );
    mock.faults()
        .set_jitter((s.jitter_ms > 0).then(|| Duration::from_millis(s.jitter_ms)));
    let outcome = match s.listed {
        Listed::Keys => walk(&client, ops::List::new(), s).await,
        Listed::Guardrails => walk(&client, ops::ListGuardrails::new(), s).await,
        Listed::KeyAssignments => walk(&client, ops::ListKeyAssignments::new(), s).await,
        Listed::ByokKeys => walk(&client, ops::ListByokKeys::new(), s).await,
        Listed::ExternalUsers => walk(&client, ops::ListExternalUsers::new(), s).await,
    };
    mock.set_churn(route, None);
    let ticks: Vec<u64> = mock.requests_to(route).iter().map(|r| r.tick).collect();
    let lifetimes = mock.lifetimes(route);
    check(s, outcome, &ticks, &lifetimes)
}

fn check(
    s: &Scenario,
    outcome: Result<Vec<String>, Error>,
    ticks: &[u64],
    lifetimes: &[ItemLifetime],
) -> Result<(), String> {
    let yielded = match outcome {
        Ok(yielded) => yielded,
        Err(Error::Pagination { .. }) if !s.in_bounds() => return Ok(()),
        Err(e) => return Err(format!("ended in bounds with {e}")),
    };
    let existed: HashSet<&str> = lifetimes.iter().map(|l| l.id.as_str()).collect();
    let mut seen = HashSet::new();
    for id in &yielded {
        if !existed.contains(id.as_str()) {
            return Err(format!("yielded {id}, which never existed"));
        }
        if !seen.insert(id.as_str()) {
            return Err(format!("yielded {id} twice"));
        }
    }
    let (Some(&first), Some(&last)) = (ticks.iter().min(), ticks.iter().max()) else {
        return Err("no request reached the mock".to_owned());
    };
    let missed: Vec<&str> = lifetimes
        .iter()
        .filter(|l| l.present_throughout(first, last) && !seen.contains(l.id.as_str()))
        .map(|l| l.id.as_str())
        .collect();
    if missed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "missed {} items present throughout, e.g. {:?}",
            missed.len(),
            &missed[..missed.len().min(5)]
        ))
    }
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        (
            any::<u64>(),
            prop::sample::select(Listed::ALL.to_vec()),
            0usize..250,
        ),
        (
            prop_oneof![3 => 0usize..3, 1 => 0usize..10],
            prop_oneof![3 => 0usize..3, 1 => 0usize..10],
            prop_oneof![
                Just(ChurnPosition::Anywhere),
                Just(ChurnPosition::Behind),
                Just(ChurnPosition::Head),
                Just(ChurnPosition::Ahead),
            ],
            prop_oneof![3 => Just(1u64), 1 => 2u64..=3],
        ),
        (
            prop_oneof![2 => 1usize..=4, 1 => 1usize..=16],
            0usize..3,
            prop_oneof![2 => 2u64..=40, 1 => 1u64..=100],
            prop_oneof![1 => Just(0u64), 2 => 1u64..=3],
        ),
    )
        .prop_map(
            |(
                (seed, listed, len),
                (inserts, deletes, position, every),
                (concurrency, prefetch, page_size, jitter_ms),
            )| Scenario {
                seed,
                listed,
                len,
                inserts,
                deletes,
                position,
                every,
                concurrency,
                prefetch,
                page_size,
                jitter_ms,
            },
        )
}

/// Cases per property (four properties run in parallel): 1,000 in all by default, `PROPTEST_CASES` each when set.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(250)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime")
}

macro_rules! guarantee_property {
    ($name:ident) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

            /// One quarter of the cases: every item present throughout yielded once, against the ground truth.
            #[test]
            fn $name(s in scenario()) {
                let verdict = runtime().block_on(run(&s));
                prop_assert!(verdict.is_ok(), "{:?}: {}", s, verdict.unwrap_err());
            }
        }
    };
}

guarantee_property!(every_item_present_throughout_is_yielded_once_1);
guarantee_property!(every_item_present_throughout_is_yielded_once_2);
guarantee_property!(every_item_present_throughout_is_yielded_once_3);
guarantee_property!(every_item_present_throughout_is_yielded_once_4);
