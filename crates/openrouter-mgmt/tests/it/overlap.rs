//! The pagination overlap: items deleted behind the cursor between two page requests shift the list left; each
//! page re-reads the boundary item of the page before, and one that no longer starts with an item already seen
//! makes the walker re-read the page before, then re-read more of each page while the list keeps moving, so that
//! nothing present throughout is lost; more than a page of such deletes is reported on the page. The servers
//! here are stateful lists that apply a scripted change just before serving a given request.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use futures::TryStreamExt;
use openrouter_mgmt::Page;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::*;

/// A change applied to the list (ids in list order) just before a request is served.
type Change = Box<dyn Fn(&mut Vec<u128>) + Send + Sync>;

/// A list of `len` items (ids 1..=len) at `route`; `change` runs on the list just before request number `n`
/// (1-based) is served, for each `(n, change)` in `script`. Guardrail lists carry `total_count`; `/keys` does not
/// and ignores `limit` (pages of 100).
async fn changing_list(route: &'static str, len: u128, script: Vec<(usize, Change)>) -> MockServer {
    let server = own_server().await;
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

/// Removes the items with these ids and appends as many new ones (ids from 1,000,000 up): `total_count` stays.
fn delete_and_append(ids: Vec<u128>) -> Change {
    Box::new(move |list| {
        list.retain(|i| !ids.contains(i));
        let next = list
            .iter()
            .copied()
            .filter(|i| *i >= 1_000_000)
            .max()
            .unwrap_or(999_999)
            + 1;
        list.extend(next..next + ids.len() as u128);
    })
}

/// How many requests went back to an offset below the one before: re-reads of the page before.
fn rereads(offsets: &[u64]) -> usize {
    offsets.windows(2).filter(|w| w[1] < w[0]).count()
}

/// Walks the guardrail list page by page (no prefetch, so the script's timing is exact).
async fn walk(
    server: &MockServer,
    overlap: Option<u64>,
) -> Vec<Page<openrouter_mgmt::types::Guardrail>> {
    let c = client(server);
    let mut paginator = c.guardrails().list().prefetch(0).max_pages(1_000).unwrap();
    if let Some(n) = overlap {
        paginator = paginator.overlap(n).unwrap();
    }
    paginator.pages().try_collect().await.unwrap()
}

fn ids(pages: &[Page<openrouter_mgmt::types::Guardrail>]) -> Vec<u128> {
    pages
        .iter()
        .flat_map(|p| guardrail_numbers(&p.items))
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
async fn an_unchanging_list_costs_one_request_more_than_its_pages() {
    // 10,000 items in pages of 100: each page after the first starts at the boundary item, so 99 new items per
    // page and 101 requests; `GET /keys` has no total_count and needs the short page that ends it (102).
    let server = changing_list("/guardrails", 10_000, Vec::new()).await;
    let pages = walk(&server, None).await;
    assert_once_each(&ids(&pages), 1..=10_000);
    let offsets = offsets(&server.received_requests().await.unwrap());
    assert_eq!(offsets, (0..=100).map(|k| k * 99).collect::<Vec<_>>());

    let server = changing_list("/keys", 10_000, Vec::new()).await;
    let keys = client(&server).keys().list().collect_all().await.unwrap();
    assert_eq!(keys.len(), 10_000);
    assert_eq!(count(&server).await, 102);

    // A fixed overlap of one item is the same walk; none at all is refused (nothing would prove continuity).
    let server = changing_list("/guardrails", 10_000, Vec::new()).await;
    assert_once_each(&ids(&walk(&server, Some(1)).await), 1..=10_000);
    assert_eq!(count(&server).await, 101);
    let refused = client(&server).guardrails().list().overlap(0).unwrap_err();
    assert!(refused.to_string().contains("overlap"), "{refused}");
}

#[tokio::test]
async fn a_delete_behind_the_cursor_costs_one_re_read_and_loses_nothing() {
    // After the first page (ids 1..=100), nine of its items are deleted: the list shifts left by nine, and the
    // page at 99 starts with id 109 instead of the boundary item 100.
    let server = changing_list(
        "/guardrails",
        500,
        vec![(2, delete((1..=9).map(|i| i * 10).collect()))],
    )
    .await;
    let pages = walk(&server, None).await;
    // Every item is seen once (the deleted ones before they were deleted), none is skipped at the boundary.
    assert_once_each(&ids(&pages), 1..=500);
    let offsets = offsets(&server.received_requests().await.unwrap());
    // The page at 99 holds nothing already seen: it is dropped, and the walk searches back half a page, where
    // the boundary item (now at 90) anchors the page; ids 101..=108 had moved there.
    assert_eq!(offsets[..3], [0, 99, 49]);
    assert_eq!(rereads(&offsets), 1);
}

#[tokio::test]
async fn steady_churn_behind_the_cursor_is_absorbed_after_the_first_re_read() {
    // Before every request after the first, three items already walked are deleted. The first shift costs a
    // re-read; from then on each page re-reads enough of the one before to absorb the next shift.
    let script: Vec<(usize, Change)> = (2..=20)
        .map(|n| {
            let first = (n as u128 - 2) * 3 * 10 + 1;
            (n, delete(vec![first, first + 10, first + 20]))
        })
        .collect();
    let server = changing_list("/guardrails", 1_000, script).await;
    let pages = walk(&server, None).await;
    assert_once_each(&ids(&pages), 1..=1_000);
    let offsets = offsets(&server.received_requests().await.unwrap());
    assert_eq!(rereads(&offsets), 1, "{offsets:?}");
    // A fixed boundary-item overlap would have re-read before every page.
    assert!(offsets.len() <= 14, "{offsets:?}");
}

#[tokio::test]
async fn the_overlap_shrinks_back_to_the_boundary_item_once_the_list_is_still() {
    // One burst of fifty deletes behind the cursor before the second request, then nothing.
    let server = changing_list(
        "/guardrails",
        2_000,
        vec![(2, delete((1..=50).map(|i| i * 2).collect()))],
    )
    .await;
    let pages = walk(&server, None).await;
    assert_once_each(&ids(&pages), 1..=2_000);
    let offsets = offsets(&server.received_requests().await.unwrap());
    assert_eq!(offsets[..3], [0, 99, 49]);
    // After the re-read the next pages overlap by half a page, then less and less, and the last ones by one item.
    let strides: Vec<u64> = offsets[3..].windows(2).map(|w| w[1] - w[0]).collect();
    assert!(strides.windows(2).all(|w| w[0] <= w[1]), "{strides:?}");
    assert_eq!(strides.last(), Some(&99), "{offsets:?}");
}

#[tokio::test]
async fn a_delete_made_up_for_by_an_insert_loses_nothing() {
    // A delete behind the cursor and an item added at the end leave total_count as it was: only the boundary item
    // tells that the list moved (the page at 99 starts with 102), and item 101, shifted to offset 99, is not lost.
    let server = changing_list("/guardrails", 300, vec![(2, delete_and_append(vec![50]))]).await;
    let seen = ids(&walk(&server, None).await);
    let expected: Vec<u128> = (1..=300).chain([1_000_000]).collect();
    assert_once_each(&seen, expected.into_iter());
}

#[tokio::test]
async fn the_same_holds_with_a_configured_overlap() {
    // A fixed overlap of 25 absorbs 24 deletes without a re-read, and stays 25.
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
async fn more_than_a_page_deleted_behind_the_cursor_is_found_again_by_searching_back() {
    // 120 of the 199 items already walked are deleted before the third request: the page at 198 holds nothing
    // already seen, nor do the pages 50 and 100 items further back; the head of the list does (ids 121..=199),
    // and the walk goes on from there. Nothing is skipped, nothing is yielded twice.
    let server = changing_list("/guardrails", 600, vec![(3, delete((1..=120).collect()))]).await;
    let pages = walk(&server, None).await;
    assert_once_each(&ids(&pages), 1..=600);
    let offsets = offsets(&server.received_requests().await.unwrap());
    // 50 back, then 100 further back, where ids 169..=199 anchor the page.
    assert_eq!(offsets[..5], [0, 99, 198, 148, 48], "{offsets:?}");
}

#[tokio::test]
async fn a_walk_whose_items_were_all_deleted_behind_it_searches_back_to_the_head() {
    // Once 1,090 items are walked, all of them are deleted: no page near the cursor holds an item already
    // yielded; the search goes back twice as far each time, to the head of the list, and the walk goes on from
    // there. Every item is yielded once.
    let server = changing_list(
        "/guardrails",
        3_000,
        vec![(12, delete((1..=1_090).collect()))],
    )
    .await;
    let pages = walk(&server, None).await;
    assert_once_each(&ids(&pages), 1..=3_000);
    let offsets = offsets(&server.received_requests().await.unwrap());
    assert!(
        offsets.contains(&0) && offsets[1..].contains(&0),
        "{offsets:?}"
    );
}

#[tokio::test]
async fn keys_pages_overlap_and_still_stop_on_a_short_page() {
    // GET /keys: pages of 100, no total_count. Five keys of the first page are deleted before the second request:
    // the page at 99 holds nothing already seen, the walk searches back half a page, and goes on.
    let server = changing_list("/keys", 250, vec![(2, delete(vec![3, 30, 60, 90, 100]))]).await;
    let keys = client(&server).keys().list().collect_all().await.unwrap();
    let hashes: Vec<&str> = keys.iter().map(|k| k.hash.as_str()).collect();
    let unique: HashSet<_> = hashes.iter().collect();
    assert_eq!((hashes.len(), unique.len()), (250, 250));
    // 100 from offset 0; 100 from 99 (the list is 245 long now), dropped; the search at 49 (the boundary key was
    // one of the deleted, so the overlap grows to 3); then the page at 146 has 99 keys, short, so the list ends.
    assert_eq!(
        offsets(&server.received_requests().await.unwrap()),
        [0, 99, 49, 146]
    );

    // A list of exactly 100 keys: the second page holds only the boundary key (short) and ends the list.
    let server = changing_list("/keys", 100, Vec::new()).await;
    let keys = client(&server).keys().list().collect_all().await.unwrap();
    assert_eq!(keys.len(), 100);
    assert_eq!(offsets(&server.received_requests().await.unwrap()), [0, 99]);
}

#[tokio::test]
async fn concurrent_pages_overlap_too() {
    // Pages in flight at once are requested at 0, 99, 198, ...; five items of the first page are deleted when the
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
    let seen = guardrail_numbers(&all);
    assert_once_each(&seen, 1..=1_000);
    assert!(
        count(&server).await <= 16,
        "{} requests",
        count(&server).await
    );
}
