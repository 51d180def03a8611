//! The paging guarantee end to end, as a user can rehearse it: random scenarios through the mock's churn fault
//! (inserts and deletes before every request, at a chosen position, answers out of order by latency jitter) over
//! every paged list operation the mock churns ([`Churn::OPERATIONS`], which must be every paged list of the
//! operation table), each checked against the mock's ground truth of every item's lifetime. A list is walked by the
//! facade's own paginator through an operation built from its [`OperationInfo`], so a list added to the spec and the
//! mock is walked here with no new line.
//!
//! The guarantee (crates/openrouter-mgmt/README.md, "The guarantee"): for a list whose order is stable, a walk yields
//! every item present from its first request to its last exactly once, no item twice and none that never existed;
//! where continuity cannot be proven the stream ends with `Error::Pagination`. Scenarios where the list moves, between
//! two requests, by a quarter of a page or more for every request in flight are out of bounds: there a typed error is
//! allowed too (never a skip, a duplicate or a phantom).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use openrouter_mgmt::{
    Client, Error, Invalid, ListOperation, OPERATIONS, Operation, OperationInfo,
};
use openrouter_mgmt_mock::{Churn, ChurnPosition, ItemLifetime, MockServer, OperationId, Route};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

use crate::e2e_support::client;

/// How many paged list operations the operation table may hold: [`walk_at`] has an arm for each index below it.
const MAX_LISTS: usize = 24;

/// The paged list operations of the operation table (those with `paging`), as indices into [`OPERATIONS`] in table
/// order: the first `PAGED.1` entries of `PAGED.0`.
const PAGED: ([usize; MAX_LISTS], usize) = {
    let mut indices = [0; MAX_LISTS];
    let (mut i, mut n) = (0, 0);
    while i < OPERATIONS.len() {
        if OPERATIONS[i].paging.is_some() {
            assert!(
                n < MAX_LISTS,
                "more paged lists than MAX_LISTS: raise it (and walk_at's arms)"
            );
            indices[n] = i;
            n += 1;
        }
        i += 1;
    }
    (indices, n)
};

/// The paged list at `PAGED.0[J]`, as an operation the facade can page: its path with the parameters filled in,
/// and the page the paginator asks for. Items stay JSON; their id is the field the overlay names ([`id_field`]).
#[derive(Debug, Clone)]
struct Listing<const J: usize> {
    path: String,
    offset: Option<u64>,
    limit: Option<u64>,
}

impl<const J: usize> Operation for Listing<J> {
    type Body = ();
    type Response = Value;
    const INFO: &'static OperationInfo = &OPERATIONS[PAGED.0[J]];

    fn path(&self) -> Result<String, Invalid> {
        Ok(self.path.clone())
    }

    fn query(&self) -> Vec<(&'static str, String)> {
        let offset = self.offset.map(|o| ("offset", o.to_string()));
        let limit = self.limit.map(|l| ("limit", l.to_string()));
        offset.into_iter().chain(limit).collect()
    }

    fn body(&self) -> Option<&()> {
        None
    }

    fn validate(&self) -> Result<(), Invalid> {
        Ok(())
    }
}

impl<const J: usize> ListOperation for Listing<J> {
    type Item = Value;
    const ITEMS_FIELD: &'static str = "data";
    const TOTAL_COUNT_FIELD: Option<&'static str> = match Self::INFO.paging {
        Some(paging) if paging.total_count => Some("total_count"),
        _ => None,
    };

    fn set_page(&mut self, offset: u64, limit: u64) {
        self.offset = Some(offset);
        self.limit = Self::INFO
            .paging
            .is_some_and(|paging| paging.limit_param)
            .then_some(limit);
    }

    fn into_page(mut response: Value) -> (Vec<Value>, Option<i64>) {
        let total = Self::TOTAL_COUNT_FIELD.and_then(|field| response[field].as_i64());
        match response[Self::ITEMS_FIELD].take() {
            Value::Array(items) => (items, total),
            _ => (Vec::new(), total),
        }
    }

    fn item_id(item: &Value) -> String {
        let id = &item[id_field(Self::INFO.operation_id)];
        id.as_str().map_or_else(|| id.to_string(), str::to_owned)
    }
}

/// The field that identifies a list's items, by the rule the generator follows (xtask's `operation_model.rs`):
/// the overlay's `paging.<operationId>.item_id`, else `id`.
fn id_field(operation_id: &str) -> &'static str {
    static FIELDS: OnceLock<HashMap<String, String>> = OnceLock::new();
    let fields = FIELDS.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/overlay.yaml");
        let text = std::fs::read_to_string(&path).expect("openapi/overlay.yaml");
        let overlay: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
        overlay
            .get("paging")
            .and_then(serde_yaml::Value::as_mapping)
            .into_iter()
            .flatten()
            .filter_map(|(op, paging)| {
                Some((
                    op.as_str()?.to_owned(),
                    paging.get("item_id")?.as_str()?.to_owned(),
                ))
            })
            .collect()
    });
    fields.get(operation_id).map_or("id", String::as_str)
}

/// What the walked list is asked for.
enum Ask {
    /// One page at an offset past the end (where `Ahead` churn appends), for growing the list.
    PastTheEnd,
    /// The whole list, as the scenario pages it.
    Walk,
}

/// What a walk yielded (ids as the list's `item_id` spells them) or how it ended.
type Walked<'a> = Pin<Box<dyn Future<Output = Result<Vec<String>, Error>> + Send + 'a>>;

/// Asks the paged list at `PAGED.0[j]` (its path filled in) through the facade.
fn walk_at<'a>(
    j: usize,
    path: String,
    ask: Ask,
    client: &'a Client,
    s: &'a Scenario,
) -> Walked<'a> {
    macro_rules! by_index {
        ($($n:literal)*) => {
            match j {
                $($n => Box::pin(ask_list(client, Listing::<$n> { path, offset: None, limit: None }, ask, s)),)*
                _ => unreachable!("PAGED holds at most MAX_LISTS lists"),
            }
        };
    }
    by_index!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23)
}

async fn ask_list<L: ListOperation<Item = Value>>(
    client: &Client,
    mut op: L,
    ask: Ask,
    s: &Scenario,
) -> Result<Vec<String>, Error> {
    if let Ask::PastTheEnd = ask {
        op.set_page(1_000_000, s.page());
        client.send(&op).await?;
        return Ok(Vec::new());
    }
    let paginator = client
        .paginate(op)
        .page_size(s.page())?
        .concurrency(s.concurrency)?
        .prefetch(s.prefetch)
        .max_pages(s.max_pages())?;
    paginator
        .items()
        .map_ok(|item| L::item_id(&item))
        .try_collect()
        .await
}

/// The paged lists this test walks: those of [`Churn::OPERATIONS`] that page, as indices into `PAGED.0`, in the
/// mock's order.
fn covered() -> Vec<usize> {
    let paged = &PAGED.0[..PAGED.1];
    Churn::OPERATIONS
        .iter()
        .filter(|op| op.info().paging.is_some())
        .map(|op| {
            paged
                .iter()
                .position(|&i| OPERATIONS[i].name == op.name())
                .unwrap_or_else(|| panic!("{op} pages but is not in the operation table"))
        })
        .collect()
}

/// One scenario.
#[derive(Debug, Clone)]
struct Scenario {
    seed: u64,
    /// The list, as an index into `PAGED.0`.
    list: usize,
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
    fn info(&self) -> &'static OperationInfo {
        &OPERATIONS[PAGED.0[self.list]]
    }

    /// Pages the walk asks for (a list without `limit`, `GET /keys`, serves its fixed page).
    fn page(&self) -> u64 {
        self.info()
            .paging
            .and_then(|paging| paging.fixed_page_size)
            .unwrap_or(self.page_size)
    }

    /// The most pages the walk may fetch: four times what the list needs plus four windows of requests in flight
    /// (a walk in bounds used at most the pages the list needs plus one window), so that a list churn grows faster
    /// than it is read (out of bounds) ends with `Error::Pagination` before it is long enough to make each request
    /// slow.
    fn max_pages(&self) -> u64 {
        let needed = self.len as u64 / self.page() + 1;
        4 * needed + 4 * self.concurrency as u64 + 64
    }

    /// Where the walk promises to reach the end: pages of at least two items, and a list that moves, between two
    /// requests, by less than a quarter of a page for every request that can be in flight.
    fn in_bounds(&self) -> bool {
        let churn = (self.inserts + self.deletes) as u64 * self.concurrency as u64;
        self.page() >= 2 && churn * 4 < self.page()
    }
}

/// The list's path with its parameters filled in: a guardrail's `{id}` with a guardrail of the mock, a
/// workspace's with the default workspace.
fn path_of(info: &OperationInfo, mock: &MockServer) -> String {
    let mut parent = "";
    let mut path = String::new();
    for segment in info.path_template.split('/').filter(|s| !s.is_empty()) {
        let filled = if segment.starts_with('{') {
            match parent {
                "guardrails" => {
                    mock.lifetimes(OperationId::ListGuardrails)
                        .into_iter()
                        .find(|l| l.died.is_none())
                        .expect("a seeded guardrail")
                        .id
                }
                "workspaces" => mock.default_workspace_id().to_string(),
                _ => panic!(
                    "no value for {segment} in {}: teach path_of",
                    info.path_template
                ),
            }
        } else {
            segment.to_owned()
        };
        path.push('/');
        path.push_str(&filled);
        parent = segment;
    }
    path
}

/// The longest a walk may take before the scenario fails (a walk takes a few seconds at most on a loaded machine;
/// this is the bound of a walk that hangs).
const WALK_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs a scenario and checks it against the ground truth; `Err` says how the guarantee failed.
async fn run(s: &Scenario) -> Result<(), String> {
    // A guardrail for the lists under one, and for the assignments churn makes.
    let mock = MockServer::builder()
        .seed(s.seed)
        .guardrails(1)
        .start()
        .await
        .expect("the mock starts");
    let client = client(&mock);
    let path = path_of(s.info(), &mock);
    let route: Route = format!("GET {path}").parse().expect("a route");
    // The list grown to `len` by churn at its end (a list that refuses more, such as the 5 webhook destinations a
    // workspace may have, stays shorter), outside the walk.
    let have = mock
        .lifetimes(route.clone())
        .iter()
        .filter(|l| l.died.is_none())
        .count();
    if have < s.len {
        let grow = Churn::new(s.len - have, 0, ChurnPosition::Ahead);
        mock.set_churn(route.clone(), Some(grow));
        let grown = walk_at(s.list, path.clone(), Ask::PastTheEnd, &client, s).await;
        grown.map_err(|e| format!("growing the list: {e}"))?;
    }
    mock.clear_requests();
    mock.set_churn(
        route.clone(),
        Some(Churn::new(s.inserts, s.deletes, s.position).every(s.every)),
    );
    mock.faults()
        .set_jitter((s.jitter_ms > 0).then(|| Duration::from_millis(s.jitter_ms)));
    let walk = walk_at(s.list, path, Ask::Walk, &client, s);
    let outcome = tokio::time::timeout(WALK_TIMEOUT, walk)
        .await
        .map_err(|_| format!("the walk took over {WALK_TIMEOUT:?}"))?;
    mock.set_churn(route.clone(), None);
    let ticks: Vec<u64> = mock
        .requests_to(route.clone())
        .iter()
        .map(|r| r.tick)
        .collect();
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

/// Scenarios on the list at `PAGED.0[list]`.
fn scenario(list: usize) -> impl Strategy<Value = Scenario> {
    (
        (any::<u64>(), 0usize..250),
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
            move |(
                (seed, len),
                (inserts, deletes, position, every),
                (concurrency, prefetch, page_size, jitter_ms),
            )| Scenario {
                seed,
                list,
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

/// How many test functions share the lists (they run in parallel): list `n` of [`covered`] is walked by shard
/// `n % SHARDS`.
const SHARDS: usize = 4;

/// Cases in all by default, divided evenly among the lists so that the run does not grow with the number of
/// lists; `PROPTEST_CASES` sets the cases of each list instead.
const CASES: u32 = 1_000;

fn cases_per_list() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            let lists = u32::try_from(covered().len()).expect("a few lists");
            (CASES / lists.max(1)).max(1)
        })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime")
}

/// Runs this shard's lists, each for [`cases_per_list`] scenarios; panics naming the list and the scenario that
/// broke the guarantee.
fn shard(k: usize) {
    let config = Config {
        cases: cases_per_list(),
        failure_persistence: None,
        // Bounded shrinking: a failing scenario is reported within a few minutes.
        max_shrink_iters: 64,
        max_shrink_time: 120_000,
        ..Config::default()
    };
    let lists: Vec<usize> = covered().into_iter().skip(k).step_by(SHARDS).collect();
    for list in lists {
        let started = Instant::now();
        let mut runner = TestRunner::new(config.clone());
        let result = runner.run(&scenario(list), |s| {
            // A runtime per scenario, so that nothing a scenario left running (a request in flight when its walk
            // ended) takes time from the next.
            let verdict = runtime().block_on(run(&s));
            prop_assert!(verdict.is_ok(), "{:?}: {}", s, verdict.unwrap_err());
            Ok(())
        });
        let name = OPERATIONS[PAGED.0[list]].name;
        if let Err(e) = result {
            panic!("{name}: {e}");
        }
        eprintln!(
            "{name}: {} scenarios in {:.1?}",
            config.cases,
            started.elapsed()
        );
    }
}

/// The lists walked are every paged list of the operation table, each once.
#[test]
fn every_paged_list_operation_is_walked() {
    let table: BTreeSet<&str> = OPERATIONS
        .iter()
        .filter(|info| info.paging.is_some())
        .map(|info| info.name)
        .collect();
    let covered = covered();
    let walked: BTreeSet<&str> = covered
        .iter()
        .map(|&j| OPERATIONS[PAGED.0[j]].name)
        .collect();
    assert_eq!(
        walked, table,
        "the paged lists the mock churns and those of the table"
    );
    assert_eq!(walked.len(), covered.len(), "each list once");
}

/// A quarter of the lists: every item present throughout yielded once, against the ground truth.
#[test]
fn every_item_present_throughout_is_yielded_once_1() {
    shard(0);
}

/// A quarter of the lists: every item present throughout yielded once, against the ground truth.
#[test]
fn every_item_present_throughout_is_yielded_once_2() {
    shard(1);
}

/// A quarter of the lists: every item present throughout yielded once, against the ground truth.
#[test]
fn every_item_present_throughout_is_yielded_once_3() {
    shard(2);
}

/// A quarter of the lists: every item present throughout yielded once, against the ground truth.
#[test]
fn every_item_present_throughout_is_yielded_once_4() {
    shard(3);
}
