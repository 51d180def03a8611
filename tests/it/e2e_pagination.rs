//! Pagination over 10,000 items against the mock: every item streamed back exactly once (keys by offset pages of
//! 100; key assignments with prefetch and concurrent page requests), and the guarantee under a list that changes
//! while it is walked.
//!
//! What must be seen while another task adds and deletes items: every item present for the whole walk (present
//! before the first page was requested and not deleted before the last page arrived) exactly once; items added or
//! deleted during the walk may or may not be seen, but never twice; nothing that never existed.

use std::collections::{BTreeSet, HashSet};

use futures::{StreamExt, TryStreamExt};
use openrouter_mgmt::{GuardrailId, KeyFilter, KeyHash};
use openrouter_mgmt_mock::{MockServer, OperationId};
use tokio::sync::mpsc;

use crate::e2e_support::client;

const N: usize = 10_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_keys_stream_back_exactly_once() {
    let mock = MockServer::builder().seed(1).keys(N).start().await.unwrap();
    let client = client(&mock);
    let mut items = std::pin::pin!(
        client
            .keys()
            .list_with(KeyFilter::new().include_disabled(true))
            .items()
    );
    let mut seen = HashSet::with_capacity(N);
    let mut received = 0;
    // Bounded: one more item than exists would already be a failure.
    while let Some(key) = items.try_next().await.unwrap() {
        received += 1;
        assert!(seen.insert(key.hash.clone()), "{} yielded twice", key.hash);
        assert!(received <= N, "more items than exist");
    }
    assert_eq!((received, seen.len(), mock.key_count()), (N, N, N));
    // Each page after the first starts at the boundary item (the last of the page before): 100 new keys, then 99
    // per page up to 10,000, then a short page of the boundary item alone ends the list. 102 requests for 100
    // pages: one for the boundary items, one for the end of a list without total_count.
    assert_eq!(
        mock.requests_to(OperationId::List).len(),
        1 + (N - 100).div_ceil(99) + 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_assignments_stream_back_exactly_once_with_prefetch_and_concurrency() {
    let mock = MockServer::builder()
        .seed(2)
        .guardrails(1)
        .keys(N)
        .assigned_keys(N)
        .start()
        .await
        .unwrap();
    let client = client(&mock);
    let g = client.guardrails();
    let id = GuardrailId::new(g.list().collect_all().await.unwrap()[0].id);
    let assignments: Vec<_> = g
        .guardrail_key_assignments(id)
        .prefetch(3)
        .concurrency(4)
        .unwrap()
        .items()
        .try_collect()
        .await
        .unwrap();
    let ids: HashSet<_> = assignments.iter().map(|a| a.id).collect();
    let hashes: BTreeSet<_> = assignments.iter().map(|a| a.key_hash.clone()).collect();
    assert_eq!((assignments.len(), ids.len(), hashes.len()), (N, N, N));
    let keys: BTreeSet<_> = client
        .keys()
        .list_with(KeyFilter::new().include_disabled(true))
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.hash)
        .collect();
    assert_eq!(hashes, keys, "exactly the seeded keys, each once");
    // The global list agrees.
    assert_eq!(
        g.key_assignments()
            .concurrency(8)
            .unwrap()
            .collect_all()
            .await
            .unwrap()
            .len(),
        N
    );
    let pages = mock
        .requests_to(OperationId::ListGuardrailKeyAssignments)
        .len();
    // Each walk: 100 pages overlapping by the boundary item (99 new items per page after the first), so 101
    // requests, whatever the concurrency, and none past total_count.
    assert_eq!(pages, 101, "{pages} page requests");
    assert_eq!(mock.requests_to(OperationId::ListKeyAssignments).len(), 101);
}

/// A tiny seeded generator (SplitMix64) to pick which items the other task deletes.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z % n as u64) as usize
    }
}

/// What the other task does between two page requests.
enum Step {
    Mutate,
    Stop,
}

/// Walks the 10,000 key assignments of a guardrail, page by page, while another task (its own client and
/// connection) adds `ADD` assignments and deletes `DELETE` of the original ones between every two pages, chosen
/// by a seeded generator anywhere in the list. The task runs in lockstep with the walk (it is told when a page has
/// been consumed and the walk waits until it is done), so the run is the same every time.
async fn walk_while_changing(delete_ahead_only: bool) -> Walk {
    const ADD: usize = 10;
    const DELETE: usize = 10;
    const SPARE: usize = 2_500;
    let mock = MockServer::builder()
        .seed(4)
        .guardrails(1)
        .keys(N + SPARE)
        .assigned_keys(N)
        .start()
        .await
        .unwrap();
    let walker = client(&mock);
    let g = walker.guardrails();
    let id = GuardrailId::new(g.list().collect_all().await.unwrap()[0].id);
    let original: Vec<KeyHash> = g
        .guardrail_key_assignments(id)
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.key_hash)
        .collect();
    assert_eq!(original.len(), N);
    let original_set: BTreeSet<KeyHash> = original.iter().cloned().collect();
    let spare: Vec<KeyHash> = walker
        .keys()
        .list_with(KeyFilter::new().include_disabled(true))
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|k| k.hash)
        .filter(|h| !original_set.contains(h))
        .collect();
    assert_eq!(spare.len(), SPARE);

    let (steps, mut step_rx) = mpsc::channel::<(Step, usize)>(1);
    let (done_tx, mut done) = mpsc::channel::<()>(1);
    let mutator_client = client(&mock);
    let original_for_task = original.clone();
    let other = tokio::spawn(async move {
        let g = mutator_client.guardrails();
        let mut rng = SplitMix(7);
        let mut remaining = original_for_task;
        let mut spare = spare.into_iter();
        let (mut added, mut deleted) = (Vec::new(), Vec::new());
        while let Some((Step::Mutate, cursor)) = step_rx.recv().await {
            let add: Vec<KeyHash> = spare.by_ref().take(ADD).collect();
            if !add.is_empty() {
                g.assign_keys(id, add.clone()).await.unwrap();
                added.extend(add);
            }
            let mut batch = Vec::new();
            for _ in 0..DELETE {
                // Positions in the list as it is now: originals first (creation order), then the added ones.
                let candidates: Vec<usize> = if delete_ahead_only {
                    (0..remaining.len()).filter(|&i| i >= cursor).collect()
                } else {
                    (0..remaining.len()).collect()
                };
                if candidates.is_empty() {
                    break;
                }
                let i = candidates[rng.below(candidates.len())];
                batch.push(remaining.remove(i));
            }
            if !batch.is_empty() {
                let hashes: Vec<KeyHash> = batch.clone();
                assert_eq!(
                    g.unassign_keys(id, hashes).await.unwrap().count,
                    batch.len() as i64
                );
                deleted.extend(batch);
            }
            done_tx.send(()).await.unwrap();
        }
        (added, deleted)
    });

    let requests_before = mock
        .requests_to(OperationId::ListGuardrailKeyAssignments)
        .len();
    let mut pages = std::pin::pin!(g.guardrail_key_assignments(id).prefetch(0).pages());
    let mut seen = Vec::new();
    let mut page_count = 0;
    // Bounded: the list never exceeds N + SPARE items, i.e. 125 pages of 100; pages overlap by at most half a
    // page and a page may be preceded by a re-read of the one before (after deletes behind the cursor), so at
    // most about twice as many, and three times is a safe bound.
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        page_count += 1;
        assert!(page_count <= 3 * ((N + SPARE) / 100 + 2), "too many pages");
        seen.extend(page.items.into_iter().map(|a| a.key_hash));
        // The cursor is the offset of the next page: how far into the current list the walk has got, counting
        // the originals deleted behind it.
        steps.send((Step::Mutate, seen.len())).await.unwrap();
        done.recv().await.unwrap();
    }
    steps.send((Step::Stop, 0)).await.unwrap();
    let (added, deleted) = other.await.unwrap();
    let requests = mock
        .requests_to(OperationId::ListGuardrailKeyAssignments)
        .len()
        - requests_before;
    Walk {
        original,
        added,
        deleted,
        seen,
        pages: page_count,
        requests,
    }
}

struct Walk {
    original: Vec<KeyHash>,
    added: Vec<KeyHash>,
    deleted: Vec<KeyHash>,
    seen: Vec<KeyHash>,
    pages: usize,
    requests: usize,
}

impl Walk {
    /// Asserts that nothing was yielded twice and nothing that never existed was yielded; returns a summary and
    /// the items present for the whole walk that were not seen.
    fn check_no_duplicates_or_phantoms(&self) -> (String, usize) {
        let seen: BTreeSet<&KeyHash> = self.seen.iter().collect();
        assert_eq!(seen.len(), self.seen.len(), "an item was yielded twice");
        let deleted: BTreeSet<&KeyHash> = self.deleted.iter().collect();
        let added: BTreeSet<&KeyHash> = self.added.iter().collect();
        let existed: BTreeSet<&KeyHash> = self.original.iter().chain(&self.added).collect();
        let phantoms: Vec<_> = seen.difference(&existed).collect();
        assert!(
            phantoms.is_empty(),
            "items that never existed: {phantoms:?}"
        );
        let throughout: BTreeSet<&KeyHash> = self
            .original
            .iter()
            .filter(|h| !deleted.contains(h))
            .collect();
        let missed = throughout.difference(&seen).count();
        let summary = format!(
            "{} pages ({} requests), {} seen once each; {} present throughout, {missed} of them missed; {} deleted during the \
             walk ({} of them seen); {} added ({} of them seen)",
            self.pages,
            self.requests,
            self.seen.len(),
            throughout.len(),
            deleted.len(),
            deleted.intersection(&seen).count(),
            added.len(),
            added.intersection(&seen).count(),
        );
        (summary, missed)
    }

    /// The full guarantee: no duplicates, no phantoms, and every item present for the whole walk seen.
    fn check(&self) -> String {
        let (summary, missed) = self.check_no_duplicates_or_phantoms();
        assert_eq!(
            missed, 0,
            "items present for the whole walk were missed: {summary}"
        );
        summary
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_present_throughout_are_seen_once_while_items_are_added_and_deleted_ahead() {
    let walk = walk_while_changing(true).await;
    println!(
        "10,000 assignments, adds and deletes ahead of the cursor: {}",
        walk.check()
    );
    assert!(
        walk.deleted.len() >= 500 && walk.added.len() >= 500,
        "the list did change"
    );
}

/// Deletes anywhere in the list, including behind the cursor: still nothing twice and nothing invented.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_yielded_twice_while_items_are_added_and_deleted_anywhere() {
    let walk = walk_while_changing(false).await;
    let (summary, _) = walk.check_no_duplicates_or_phantoms();
    println!("10,000 assignments, adds and deletes anywhere: {summary}");
    assert!(
        walk.deleted.len() >= 500 && walk.added.len() >= 500,
        "the list did change"
    );
}

/// The full guarantee with deletes anywhere, including behind the cursor: every item present for the whole walk
/// is seen. Offset paging alone cannot give this (a delete behind the cursor shifts the next page past an item);
/// the facade would have to re-read an overlap at each page boundary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_present_throughout_are_seen_once_while_items_are_added_and_deleted_anywhere() {
    let walk = walk_while_changing(false).await;
    println!(
        "10,000 assignments, adds and deletes anywhere: {}",
        walk.check()
    );
}
