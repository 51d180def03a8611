//! The pagination overlap: items deleted behind the cursor between two page requests shift the list left, and the
//! walker re-reads the end of the previous page (and, past the overlap, the whole page before) so that nothing
//! present throughout is lost; more than a page of such deletes is reported on the page. The servers here are
//! stateful lists that apply a scripted change just before serving a given request.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use futures::TryStreamExt;
use openrouter_mgmt::Page;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::*;

fn query(r: &Request, name: &str) -> Option<u64> {
    r.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.parse().ok())
}

/// A change applied to the list (ids in list order) just before a request is served.
type Change = Box<dyn Fn(&mut Vec<u128>) + Send + Sync>;

/// A list of `len` items (ids 1..=len) at `route`; `change` runs on the list just before request number `n`
/// (1-based) is served, for each `(n, change)` in `script`. Guardrail lists carry `total_count`; `/keys` does not
/// and ignores `limit` (pages of 100).
async fn changing_list(route: &'static str, len: u128, script: Vec<(usize, Change)>) -> MockServer {
    let server = MockServer::start().await;
    let state = Arc::new(Mutex::new((0usize, (1..=len).collect::<Vec<u128>>())));
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(move |r: &Request| {
            let mut guard = state.lock().unwrap();
            let (served, list) = &mut *guard;
            *served += 1;
            for (n, change) in &script {
                if *n == *served {
                    change(list);
                }
            }
            let offset = query(r, "offset").unwrap() as usize;
            let keys = route == "/keys";
            let limit = if keys {
                100
            } else {
                query(r, "limit").unwrap() as usize
            };
            let page = list.iter().skip(offset).take(limit);
            if keys {
                let data: Vec<Value> = page.map(|i| api_key(&format!("h{i}"))).collect();
                ResponseTemplate::new(200).set_body_json(json!({ "data": data }))
            } else {
                let data: Vec<Value> = page.map(|&i| guardrail(i)).collect();
                ResponseTemplate::new(200)
                    .set_body_json(json!({"data": data, "total_count": list.len()}))
            }
        })
        .mount(&server)
        .await;
    server
}

/// Removes the items with these ids.
fn delete(ids: Vec<u128>) -> Change {
    Box::new(move |list| list.retain(|i| !ids.contains(i)))
}

fn offsets(requests: &[Request]) -> Vec<u64> {
    requests
        .iter()
        .map(|r| query(r, "offset").unwrap())
        .collect()
}

/// Walks the guardrail list page by page (no prefetch, so the script's timing is exact).
async fn walk(
    server: &MockServer,
    overlap: Option<u64>,
) -> Vec<Page<openrouter_mgmt::types::Guardrail>> {
    let c = client(server);
    let mut paginator = c.guardrails().list().prefetch(0).max_pages(1_000).unwrap();
    if let Some(n) = overlap {
        paginator = paginator.overlap(n);
    }
    paginator.pages().try_collect().await.unwrap()
}

fn ids(pages: &[Page<openrouter_mgmt::types::Guardrail>]) -> Vec<u128> {
    pages
        .iter()
        .flat_map(|p| p.items.iter().map(|g| g.id.as_uuid().as_u128()))
        .collect()
}

fn assert_once_each(ids: &[u128], expected: impl Iterator<Item = u128>) {
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "an item was yielded twice");
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    assert_eq!(sorted, expected.collect::<Vec<_>>());
}

#[tokio::test]
async fn deletes_behind_the_cursor_within_the_overlap_lose_nothing_and_cost_nothing() {
    // After the first page (ids 1..=100), nine of its items are deleted: the list shifts left by nine.
    let server = changing_list(
        "/guardrails",
        500,
        vec![(2, delete((1..=9).map(|i| i * 10).collect()))],
    )
    .await;
    let pages = walk(&server, None).await;
    // Every item is seen once (the deleted ones before they were deleted), none is skipped at the boundary.
    assert_once_each(&ids(&pages), 1..=500);
    // The same requests as without the deletes: the default overlap of 10 absorbed them.
    assert_eq!(
        offsets(&server.received_requests().await.unwrap()),
        [0, 90, 180, 270, 360, 450]
    );
    assert!(pages.iter().all(|p| !p.may_have_skipped));
}

#[tokio::test]
async fn without_the_overlap_a_delete_behind_the_cursor_skips_an_item() {
    // What the overlap is for: with it turned off, one delete behind the cursor loses item 101 for good.
    let server = changing_list("/guardrails", 300, vec![(2, delete(vec![50]))]).await;
    let seen = ids(&walk(&server, Some(0)).await);
    assert!(!seen.contains(&101), "item 101 was shifted to offset 99");
    assert_eq!(seen.len(), 299);
    assert_eq!(
        offsets(&server.received_requests().await.unwrap()),
        [0, 100, 200]
    );
}

#[tokio::test]
async fn more_deletes_behind_the_cursor_than_the_overlap_cost_one_re_read_and_lose_nothing() {
    // Fifty of the first page's items are deleted before the second request: more than the overlap of 10.
    let server = changing_list(
        "/guardrails",
        500,
        vec![(2, delete((1..=50).map(|i| i * 2).collect()))],
    )
    .await;
    let pages = walk(&server, None).await;
    assert_once_each(&ids(&pages), 1..=500);
    // The page at 90 started with an item never seen (id 141): it was set aside, the page before it re-read
    // (offset 0: ids 101..=150 moved there), then used. One request more than without the deletes.
    assert_eq!(
        offsets(&server.received_requests().await.unwrap()),
        [0, 90, 0, 180, 270, 360]
    );
    assert!(pages.iter().all(|p| !p.may_have_skipped));
}

#[tokio::test]
async fn the_same_holds_with_a_configured_overlap() {
    // An overlap of 25 absorbs 24 deletes without a re-read.
    let server = changing_list(
        "/guardrails",
        400,
        vec![(2, delete((1..=24).map(|i| i * 4).collect()))],
    )
    .await;
    let pages = walk(&server, Some(25)).await;
    assert_once_each(&ids(&pages), 1..=400);
    assert_eq!(
        offsets(&server.received_requests().await.unwrap()),
        [0, 75, 150, 225, 300]
    );
}

#[tokio::test]
async fn more_than_a_page_deleted_behind_the_cursor_is_reported_and_nothing_is_doubled() {
    // 120 of the 190 items already walked are deleted before the third request: even the re-read of the page
    // before starts past unseen items. The walk goes on, the page says items may have been skipped, and nothing is
    // yielded twice.
    let server = changing_list("/guardrails", 600, vec![(3, delete((1..=120).collect()))]).await;
    let pages = walk(&server, None).await;
    let seen = ids(&pages);
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "an item was yielded twice");
    let flagged: Vec<u64> = pages
        .iter()
        .filter(|p| p.may_have_skipped)
        .map(|p| p.offset)
        .collect();
    assert_eq!(flagged, [180], "the page after the gap says so");
    // What was skipped: the items that moved from beyond the cursor (191..) to before the re-read (offset 90).
    let missed: Vec<u128> = (121..=600).filter(|i| !unique.contains(i)).collect();
    assert_eq!(missed, (191..=300).collect::<Vec<_>>());
    assert_eq!(
        offsets(&server.received_requests().await.unwrap()),
        [0, 90, 180, 90, 270, 360, 450],
        "one re-read, then on"
    );
}

#[tokio::test]
async fn keys_pages_overlap_and_still_stop_on_a_short_page() {
    // GET /keys: pages of 100, no total_count. Five keys of the first page are deleted before the second request.
    let server = changing_list("/keys", 250, vec![(2, delete(vec![3, 30, 60, 90, 100]))]).await;
    let keys = client(&server).keys().list().collect_all().await.unwrap();
    let hashes: Vec<&str> = keys.iter().map(|k| k.hash.as_str()).collect();
    let unique: HashSet<_> = hashes.iter().collect();
    assert_eq!((hashes.len(), unique.len()), (250, 250));
    // 100 from offset 0; 100 from 90 (the list is 245 long now); the page at 180 has 65 keys, 55 of them new:
    // short, so the list ends.
    assert_eq!(
        offsets(&server.received_requests().await.unwrap()),
        [0, 90, 180]
    );

    // A list of exactly 100 keys: the second page holds only the 10 re-read keys (short) and ends the list.
    let server = changing_list("/keys", 100, Vec::new()).await;
    let keys = client(&server).keys().list().collect_all().await.unwrap();
    assert_eq!(keys.len(), 100);
    assert_eq!(offsets(&server.received_requests().await.unwrap()), [0, 90]);
}

#[tokio::test]
async fn concurrent_pages_overlap_too() {
    // Pages in flight at once are requested at 0, 90, 180, ...; five items of the first page are deleted when the
    // second request arrives, so the pages served after that are shifted by five, whatever the serving order.
    let server = changing_list("/guardrails", 1_000, vec![(2, delete(vec![1, 2, 3, 4, 5]))]).await;
    let all = client(&server)
        .guardrails()
        .list()
        .concurrency(4)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let seen: Vec<u128> = all.iter().map(|g| g.id.as_uuid().as_u128()).collect();
    assert_once_each(&seen, 1..=1_000);
    assert!(
        count(&server).await <= 16,
        "{} requests",
        count(&server).await
    );
}
