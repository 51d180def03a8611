//! Property tests of the walk against an adversary written apart from it: a list that changes before every
//! request (re-reads and requests in flight included), answers that arrive late and out of order, with the
//! ground truth of every item's lifetime.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{FutureExt, StreamExt};
use proptest::prelude::*;

use super::{Fetch, Paginator, RawPage};
use crate::error::Error;

/// Where the adversary inserts and deletes.
#[derive(Debug, Clone, Copy)]
enum Position {
    Anywhere,
    /// Strictly before the requested offset.
    Behind,
    /// At the head (a newest-first list).
    Head,
    /// At or after the end of the requested page.
    Ahead,
}

/// One scenario.
#[derive(Debug, Clone)]
struct Scenario {
    seed: u64,
    len: usize,
    inserts: usize,
    deletes: usize,
    position: Position,
    concurrency: usize,
    prefetch: usize,
    page_size: u64,
    total_count: bool,
    /// The server answers at most this many items, whatever `limit` says.
    server_cap: Option<u64>,
    /// Moves one random item to a random place before every request (out of contract).
    reorder: bool,
    /// Requests are served in the order they are sent and only their answers are delayed (the mock's latency
    /// jitter); otherwise each is served before or after its delay, so requests in flight are served in any order.
    served_as_sent: bool,
}

/// The list server: items in list order, each one's lifetime in ticks (one tick per request served).
struct List {
    items: Vec<u64>,
    next_id: u64,
    tick: u64,
    born: HashMap<u64, u64>,
    died: HashMap<u64, u64>,
    rng: u64,
}

impl List {
    fn random(&mut self, bound: usize) -> usize {
        // xorshift64*: deterministic from the seed.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound.max(1) as u64) as usize
    }

    fn place(&mut self, position: Position, offset: usize, limit: usize, inclusive: bool) -> usize {
        let len = self.items.len();
        let extra = usize::from(inclusive);
        match position {
            Position::Anywhere => self.random(len + extra),
            Position::Behind => self.random(offset.min(len)),
            Position::Head => 0,
            Position::Ahead => {
                let from = (offset + limit).min(len);
                from + self.random(len - from + extra)
            }
        }
    }

    /// The page at (offset, limit) after this request's churn, and its tick.
    fn serve(&mut self, s: &Scenario, offset: u64, limit: u64) -> (Vec<u64>, usize, u64) {
        self.tick += 1;
        let tick = self.tick;
        let (offset, limit) = (offset as usize, limit as usize);
        for _ in 0..s.deletes {
            if self.items.is_empty() || (matches!(s.position, Position::Behind) && offset == 0) {
                break;
            }
            let at = self.place(s.position, offset, limit, false);
            if at < self.items.len() {
                let gone = self.items.remove(at);
                self.died.insert(gone, tick);
            }
        }
        for _ in 0..s.inserts {
            if matches!(s.position, Position::Behind) && offset == 0 {
                break;
            }
            let at = self
                .place(s.position, offset, limit, true)
                .min(self.items.len());
            let id = self.next_id;
            self.next_id += 1;
            self.items.insert(at, id);
            self.born.insert(id, tick);
        }
        if s.reorder && self.items.len() > 1 {
            let from = self.random(self.items.len());
            let item = self.items.remove(from);
            let to = self.random(self.items.len() + 1);
            self.items.insert(to, item);
        }
        let served = limit.min(s.server_cap.map_or(usize::MAX, |c| c as usize));
        let page = self
            .items
            .iter()
            .skip(offset)
            .take(served)
            .copied()
            .collect();
        (page, self.items.len(), tick)
    }
}

/// What a walk did.
struct Outcome {
    result: Result<Vec<u64>, Error>,
    ticks: Vec<u64>,
    list: List,
}

fn item_id(item: &u64) -> String {
    item.to_string()
}

fn run(s: &Scenario) -> Outcome {
    let list = Arc::new(Mutex::new(List {
        items: (0..s.len as u64).collect(),
        next_id: s.len as u64,
        tick: 0,
        born: HashMap::new(),
        died: HashMap::new(),
        rng: s.seed | 1,
    }));
    let ticks = Arc::new(Mutex::new(Vec::new()));
    let scenario = Arc::new(s.clone());
    let fetch: Fetch<u64> = {
        let (list, ticks) = (list.clone(), ticks.clone());
        Arc::new(move |offset, limit| {
            let (list, ticks, s) = (list.clone(), ticks.clone(), scenario.clone());
            async move {
                // Served before or after a random delay: answers are old, and arrive in any order.
                let (delay, serve_first) = {
                    let mut list = list.lock().unwrap();
                    (
                        list.random(20) as u64,
                        s.served_as_sent || list.random(2) == 0,
                    )
                };
                let serve = || {
                    let (page, total, tick) = list.lock().unwrap().serve(&s, offset, limit);
                    ticks.lock().unwrap().push(tick);
                    (page, total)
                };
                let (page, total) = if serve_first {
                    let answer = serve();
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                    answer
                } else {
                    tokio::time::sleep(Duration::from_millis(delay)).await;
                    serve()
                };
                Ok(RawPage {
                    items: page,
                    total_count: s.total_count.then_some(total as i64),
                    bad: Vec::new(),
                })
            }
            .boxed()
        })
    };
    let paginator = Paginator::new("list_things", false, item_id, fetch)
        .page_size(s.page_size)
        .unwrap()
        .concurrency(s.concurrency)
        .unwrap()
        .prefetch(s.prefetch)
        // Lists without a total_count have no other cap: one that grows ahead of the walk would never end.
        .max_pages(5_000)
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let result = runtime.block_on(async move {
        let mut items = Vec::new();
        let mut stream = std::pin::pin!(paginator.items());
        while let Some(item) = stream.next().await {
            items.push(item?);
        }
        Ok(items)
    });
    drop(runtime);
    let ticks = std::mem::take(&mut *ticks.lock().unwrap());
    let list = Arc::try_unwrap(list)
        .ok()
        .expect("the walk is over")
        .into_inner()
        .unwrap();
    Outcome {
        result,
        ticks,
        list,
    }
}

/// Checks the guarantee against the ground truth; `Err` says how it failed.
fn check(s: &Scenario, outcome: &Outcome) -> Result<(), String> {
    let items = match &outcome.result {
        Ok(items) => items,
        Err(Error::Pagination { .. }) if !in_bounds(s) => return Ok(()),
        Err(e) => return Err(format!("failed in bounds: {e}")),
    };
    if s.reorder {
        // Out of contract: the walk ends (above, or here), and yields nothing that never existed.
        return items
            .iter()
            .all(|id| *id < outcome.list.next_id)
            .then_some(())
            .ok_or_else(|| "yielded an item that never existed".to_owned());
    }
    let mut seen = HashSet::new();
    for id in items {
        if *id >= outcome.list.next_id {
            return Err(format!("yielded {id}, which never existed"));
        }
        if !seen.insert(*id) {
            return Err(format!("yielded {id} twice"));
        }
    }
    let first = outcome.ticks.iter().min().copied().unwrap_or(0);
    let last = outcome.ticks.iter().max().copied().unwrap_or(0);
    let missed: Vec<u64> = (0..outcome.list.next_id)
        .filter(|id| {
            let born = outcome.list.born.get(id).copied().unwrap_or(0);
            let died = outcome.list.died.get(id).copied();
            born <= first && died.is_none_or(|d| d > last) && !seen.contains(id)
        })
        .collect();
    if !missed.is_empty() {
        return Err(format!(
            "missed {} items present throughout, e.g. {:?}",
            missed.len(),
            &missed[..missed.len().min(5)]
        ));
    }
    Ok(())
}

/// Where the walk promises to reach the end: pages of at least two items (one already yielded, one new), and a
/// list that moves, between two requests, by less than a quarter of a page for every request that can be in
/// flight, and in order.
fn in_bounds(s: &Scenario) -> bool {
    let served = s.server_cap.map_or(u64::MAX, |c| c).min(s.page_size.max(2));
    let churn = (s.inserts + s.deletes) as u64 * s.concurrency as u64;
    !s.reorder && served >= 2 && churn * 4 < served
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        any::<u64>(),
        0usize..800,
        prop_oneof![3 => 0usize..3, 1 => 0usize..12],
        prop_oneof![3 => 0usize..3, 1 => 0usize..12],
        prop_oneof![
            Just(Position::Anywhere),
            Just(Position::Behind),
            Just(Position::Head),
            Just(Position::Ahead)
        ],
        prop_oneof![2 => 1usize..=4, 1 => 1usize..=16],
        0usize..3,
        prop_oneof![2 => 1u64..=100, 1 => Just(100u64)],
        any::<bool>(),
        prop_oneof![4 => Just(None), 1 => (1u64..=100).prop_map(Some)],
        prop::bool::weighted(0.05),
        any::<bool>(),
    )
        .prop_map(
            |(
                seed,
                len,
                inserts,
                deletes,
                position,
                concurrency,
                prefetch,
                page_size,
                total,
                cap,
                reorder,
                served_as_sent,
            )| {
                Scenario {
                    seed,
                    len,
                    inserts,
                    deletes,
                    position,
                    concurrency,
                    prefetch,
                    page_size,
                    total_count: total || cap.is_some(),
                    server_cap: cap,
                    reorder,
                    served_as_sent,
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_item_present_throughout_is_yielded_once(s in scenario()) {
        if std::env::var("WALK_TRACE").is_ok() { eprintln!("{s:?}"); }
        let outcome = run(&s);
        if std::env::var("WALK_TRACE").is_ok() {
            eprintln!("=> {} in bounds {} after {} requests", if outcome.result.is_ok() { "ok" } else { "error" }, in_bounds(&s), outcome.ticks.len());
        }
        prop_assert!(check(&s, &outcome).is_ok(), "{:?}: {}", s, check(&s, &outcome).unwrap_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// A still list with a `total_count` costs its pages plus one request at every concurrency: each page after
    /// the first starts at the boundary item, and no request goes past the total (once the first window, sent
    /// before the first answer, fits in the list).
    #[test]
    fn a_still_list_costs_one_request_per_page_after_the_first_item(
        page_size in 2u64..=100,
        concurrency in 1usize..=16,
        extra in 0usize..2_000,
        prefetch in 0usize..3,
    ) {
        let len = page_size as usize * (concurrency + 1) + extra;
        let s = Scenario {
            seed: 1, len, inserts: 0, deletes: 0, position: Position::Anywhere, concurrency, prefetch, page_size,
            total_count: true, server_cap: None, reorder: false, served_as_sent: false,
        };
        let outcome = run(&s);
        prop_assert_eq!(outcome.result.as_ref().map(Vec::len).ok(), Some(len));
        let expected = 1 + (len - page_size as usize).div_ceil(page_size as usize - 1);
        prop_assert_eq!(outcome.ticks.len(), expected);
    }
}

/// The counterexamples the property found on the way, each with its cause, kept as regression tests.
#[test]
fn the_counterexamples_found_stay_fixed() {
    let base = Scenario {
        seed: 1,
        len: 0,
        inserts: 0,
        deletes: 0,
        position: Position::Anywhere,
        concurrency: 1,
        prefetch: 0,
        page_size: 100,
        total_count: true,
        server_cap: None,
        reorder: false,
        served_as_sent: false,
    };
    // The cause, the scenario, and the most requests the walk may take.
    let cases = [
        (
            "a window of the last items yielded forgot an item that an old answer, applied in offset order, \
             served again: it was yielded twice",
            Scenario {
                seed: 4_949_477_627_073_363_650,
                len: 466,
                inserts: 2,
                deletes: 3,
                concurrency: 15,
                prefetch: 2,
                page_size: 6,
                total_count: false,
                ..base.clone()
            },
            5_000,
        ),
        (
            "a server serving 4 items, 15 requests in flight and inserts at the head: an overlap of the whole page \
             made every page one to discard, uncounted, and the walk never ended",
            Scenario {
                len: 300,
                inserts: 1,
                position: Position::Head,
                concurrency: 15,
                server_cap: Some(4),
                ..base.clone()
            },
            64 + 8 * 300 / 2,
        ),
        (
            "a server serving 1 item while its total says more: no page can hold an anchor and a new item",
            Scenario {
                len: 50,
                page_size: 10,
                server_cap: Some(1),
                ..base.clone()
            },
            64 + 8 * 50,
        ),
        (
            "a list growing ahead of a walk of 2-item pages faster than it is read ran 37,656 requests",
            Scenario {
                len: 100,
                inserts: 5,
                position: Position::Ahead,
                page_size: 2,
                ..base.clone()
            },
            // The hard cap, by the total_count of the first answer (5 items were inserted before it).
            64 + 8 * 105,
        ),
    ];
    for (cause, s, most) in cases {
        let outcome = run(&s);
        assert!(
            check(&s, &outcome).is_ok(),
            "{cause}: {s:?}: {:?}",
            check(&s, &outcome)
        );
        assert!(
            outcome.ticks.len() <= most,
            "{cause}: {} requests, at most {most} allowed",
            outcome.ticks.len()
        );
    }
}

/// Under steady churn, requests in flight cost at most a fifth more requests than a sequential walk of the same
/// list: 10,000 items, pages of 100, churn before every request, requests served in the order sent and answered
/// after a random delay (out of order), three seeds each.
#[test]
fn requests_in_flight_cost_at_most_a_fifth_more_under_steady_churn() {
    let churns = [
        (
            "5 inserts and 5 deletes anywhere",
            5,
            5,
            Position::Anywhere,
            None,
        ),
        (
            "20 inserts and 20 deletes anywhere",
            20,
            20,
            Position::Anywhere,
            None,
        ),
        (
            "30 deletes behind the cursor",
            0,
            30,
            Position::Behind,
            None,
        ),
        ("5 inserts at the head", 5, 0, Position::Head, None),
        ("50 inserts at the head", 50, 0, Position::Head, None),
        (
            "a server serving 50 of 100",
            0,
            0,
            Position::Anywhere,
            Some(50),
        ),
    ];
    for (churn, inserts, deletes, position, server_cap) in churns {
        for seed in [1, 2, 3] {
            let requests = |concurrency| {
                let s = Scenario {
                    seed,
                    len: 10_000,
                    inserts,
                    deletes,
                    position,
                    concurrency,
                    prefetch: 1,
                    page_size: 100,
                    total_count: true,
                    server_cap,
                    reorder: false,
                    served_as_sent: true,
                };
                let outcome = run(&s);
                assert!(
                    outcome.result.is_ok(),
                    "{churn}, {concurrency} in flight: {:?}",
                    outcome.result.err()
                );
                check(&s, &outcome).unwrap();
                outcome.ticks.len()
            };
            let sequential = requests(1);
            for concurrency in [4, 8] {
                let concurrent = requests(concurrency);
                assert!(
                    concurrent * 5 <= sequential * 6,
                    "{churn}, seed {seed}: {concurrent} requests with {concurrency} in flight, {sequential} sequentially"
                );
            }
        }
    }
}
