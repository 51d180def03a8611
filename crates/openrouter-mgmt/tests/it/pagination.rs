//! Pagination against well-behaved and misbehaving servers. Every stream here is bounded by the server's
//! behaviour or by a `max_pages`/`take` limit, and every wait is bounded in time.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use openrouter_mgmt::Error;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::*;

/// A guardrail list of `len` items (ids 1..=len) that honours offset/limit, on a server of its own.
async fn guardrail_server(
    len: u64,
    total: impl Fn(u64) -> i64 + Send + Sync + 'static,
) -> MockServer {
    let server = own_server().await;
    Mock::given(method("GET"))
        .and(path("/guardrails"))
        .respond_with(move |r: &Request| {
            let offset = query(r, "offset").unwrap_or(0);
            let limit = query(r, "limit").unwrap_or(50);
            let items: Vec<Value> = (offset..len.min(offset.saturating_add(limit)))
                .map(|i| guardrail(u128::from(i) + 1))
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": items, "total_count": total(len)}))
        })
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn all_items_are_collected_in_pages_of_100() {
    let server = guardrail_server(250, |n| n as i64).await;
    let all = client(&server)
        .guardrails()
        .list()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 250);
    assert_eq!(all[249].id, uuid::Uuid::from_u128(250));
    let requests = server.received_requests().await.unwrap();
    // Each page after the first starts at the boundary item, the last of the page before.
    assert_eq!(offsets(&requests), [0, 99, 198]);
    assert!(requests.iter().all(|r| query(r, "limit") == Some(100)));
}

#[tokio::test]
async fn pages_report_offsets_and_total() {
    let server = guardrail_server(5, |n| n as i64).await;
    let pages: Vec<_> = client(&server)
        .guardrails()
        .list()
        .page_size(3)
        .unwrap()
        .pages()
        .try_collect()
        .await
        .unwrap();
    let summary: Vec<_> = pages
        .iter()
        .map(|p| (p.offset, p.items.len(), p.received, p.total_count))
        .collect();
    // The second page re-reads the boundary item (position 2): three received, two new.
    assert_eq!(summary, [(0, 3, 3, Some(5)), (2, 2, 3, Some(5))]);
}

#[tokio::test]
async fn an_empty_list_is_one_empty_page() {
    let server = guardrail_server(0, |_| 0).await;
    let pages: Vec<_> = client(&server)
        .guardrails()
        .list()
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 1);
    assert!(pages[0].items.is_empty());
    assert_eq!(count(&server).await, 1);
}

#[tokio::test]
async fn a_server_ignoring_offset_ends_with_a_pagination_error() {
    let server = MockServer::start().await;
    let page: Vec<Value> = (1..=100).map(guardrail).collect();
    Mock::given(method("GET"))
        .and(path("/guardrails"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": page, "total_count": 1_000})),
        )
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server)
        .guardrails()
        .list()
        .prefetch(0)
        .items()
        .take(1_000)
        .collect()
        .await;
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        100,
        "the first page once, then nothing"
    );
    // A page of nothing but items already seen could be the list moving right under the caller; the third in a
    // row ends the stream.
    match results.last().unwrap() {
        Err(Error::Pagination {
            offset: 297,
            reason,
            ..
        }) => assert!(reason.contains("brought nothing new"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(results.len(), 101);
    assert_eq!(count(&server).await, 4);
}

#[tokio::test]
async fn absurd_total_counts_neither_loop_nor_allocate() {
    for total in [i64::MAX, -5, 0] {
        let server = guardrail_server(150, move |_| total).await;
        let all = client(&server)
            .guardrails()
            .list()
            .concurrency(8)
            .unwrap()
            .collect_all()
            .await
            .unwrap();
        let expected = if total == 0 { 100 } else { 150 };
        assert_eq!(all.len(), expected, "total_count {total}");
        // The first page, the window of 8 sent ahead, and at the list's real end (a short page while the total
        // says more) a re-read of its last item and a probe past it that comes back empty.
        assert!(
            count(&server).await <= 11,
            "total_count {total}: {} requests",
            count(&server).await
        );
    }
}

#[tokio::test]
async fn a_list_shifting_under_the_caller_yields_no_item_twice() {
    // After the first page is served, two items are inserted at the front: the second page (at the boundary
    // item, offset 2) then holds nothing but items of the first page, and the walk goes on past it.
    let served = Arc::new(AtomicUsize::new(0));
    let server = MockServer::start().await;
    let s = Arc::clone(&served);
    Mock::given(method("GET"))
        .and(path("/guardrails"))
        .respond_with(move |r: &Request| {
            let offset = query(r, "offset").unwrap() as usize;
            let limit = query(r, "limit").unwrap() as usize;
            let mut ids: Vec<u128> = (1..=7).collect();
            if s.fetch_add(1, Ordering::SeqCst) > 0 {
                ids.splice(0..0, [100, 101]);
            }
            let data: Vec<Value> = ids
                .iter()
                .skip(offset)
                .take(limit)
                .map(|&i| guardrail(i))
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": data, "total_count": ids.len()}))
        })
        .mount(&server)
        .await;
    let all = client(&server)
        .guardrails()
        .list()
        .page_size(3)
        .unwrap()
        .prefetch(0)
        .collect_all()
        .await
        .unwrap();
    let ids = guardrail_numbers(&all);
    let unique: HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no duplicates: {ids:?}");
    assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7]);
}

#[tokio::test]
async fn a_server_serving_fewer_than_asked_is_followed_by_items_received() {
    // The server caps pages at 40 although 100 were asked; total_count says there is more.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/guardrails"))
        .respond_with(|r: &Request| {
            let offset = query(r, "offset").unwrap();
            let data: Vec<Value> = (offset..130.min(offset + 40))
                .map(|i| guardrail(u128::from(i) + 1))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({"data": data, "total_count": 130}))
        })
        .mount(&server)
        .await;
    let all = client(&server)
        .guardrails()
        .list()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 130);
    // Pages of 40, each after the first re-reading the boundary item: 39 new items per page.
    assert_eq!(
        offsets(&server.received_requests().await.unwrap()),
        [0, 39, 78, 117]
    );
}

#[tokio::test]
async fn max_pages_stops_a_server_that_never_ends() {
    let server = MockServer::start().await;
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = Arc::clone(&n);
    Mock::given(method("GET"))
        .and(path("/keys"))
        .respond_with(move |_: &Request| {
            let start = n2.fetch_add(100, Ordering::SeqCst);
            let data: Vec<Value> = (start..start + 100)
                .map(|i| api_key(&format!("h{i}")))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({ "data": data }))
        })
        .mount(&server)
        .await;
    let err = client(&server)
        .keys()
        .list()
        .max_pages(5)
        .unwrap()
        .collect_all()
        .await
        .unwrap_err();
    // Every request brings 100 items never seen, so no page after the first holds an anchor: the five requests
    // are the first page, the next, and the searches back it causes, and the cap stops the searches too.
    assert!(matches!(err, Error::Pagination { .. }), "{err:?}");
    assert_eq!(count(&server).await, 5);
}

#[tokio::test]
async fn keys_are_paged_by_offset_and_stop_on_a_short_or_empty_page() {
    for (len, expected_requests) in [(130usize, 2usize), (200, 3), (0, 1), (99, 1)] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/keys"))
            .respond_with(move |r: &Request| {
                let offset = query(r, "offset").unwrap() as usize;
                let data: Vec<Value> = (offset..len.min(offset + 100))
                    .map(|i| api_key(&format!("h{i}")))
                    .collect();
                ResponseTemplate::new(200).set_body_json(json!({ "data": data }))
            })
            .mount(&server)
            .await;
        let all = client(&server).keys().list().collect_all().await.unwrap();
        assert_eq!(all.len(), len);
        let requests = server.received_requests().await.unwrap();
        assert_eq!(requests.len(), expected_requests, "len {len}");
        assert!(
            requests.iter().all(|r| query(r, "limit").is_none()),
            "GET /keys takes no limit"
        );
    }
}

#[tokio::test]
async fn concurrent_fetching_delivers_pages_in_order() {
    let server = guardrail_server(1_000, |n| n as i64).await;
    let all = client(&server)
        .guardrails()
        .list()
        .page_size(50)
        .unwrap()
        .concurrency(4)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ids = guardrail_numbers(&all);
    assert_eq!(ids, (1..=1_000).collect::<Vec<_>>());
    let mut seen = offsets(&server.received_requests().await.unwrap());
    seen.sort_unstable();
    // Pages of 50 overlapping by the boundary item: 49 new items per page after the first.
    assert_eq!(
        seen,
        (0..21).map(|i| i * 49).collect::<Vec<_>>(),
        "each page exactly once"
    );
}

#[tokio::test]
async fn the_first_window_of_concurrent_requests_goes_out_before_the_first_answer() {
    // 150 items, 4 in flight: the first four pages are requested together, as if each were full, so two of them
    // lie past the end. The first page is answered a second late, ample time for the other three requests to
    // arrive before it even on a loaded machine; once it has arrived, total_count bounds every request.
    let server = own_server().await;
    Mock::given(method("GET"))
        .and(path("/guardrails"))
        .respond_with(|r: &Request| {
            let offset = query(r, "offset").unwrap();
            let items: Vec<Value> = (offset..150.min(offset + 100))
                .map(|i| guardrail(u128::from(i) + 1))
                .collect();
            let answer = ResponseTemplate::new(200)
                .set_body_json(json!({"data": items, "total_count": 150}));
            if offset == 0 {
                answer.set_delay(Duration::from_secs(1))
            } else {
                answer
            }
        })
        .mount(&server)
        .await;
    let all = client(&server)
        .guardrails()
        .list()
        .concurrency(4)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let ids = guardrail_numbers(&all);
    assert_eq!(ids, (1..=150).collect::<Vec<_>>());
    let mut seen = offsets(&server.received_requests().await.unwrap());
    seen.sort_unstable();
    assert_eq!(seen, [0, 99, 198, 297]);

    // One page in flight at a time: nothing past the end.
    let server = guardrail_server(150, |n| n as i64).await;
    client(&server)
        .guardrails()
        .list()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(offsets(&server.received_requests().await.unwrap()), [0, 99]);
}

#[tokio::test]
async fn each_page_request_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/guardrails/assignments/keys"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/guardrails/assignments/keys"))
        .respond_with(|r: &Request| {
            let offset = query(r, "offset").unwrap();
            let data: Vec<Value> = (offset..3.min(offset + 2))
                .map(|i| key_assignment(u128::from(i) + 1))
                .collect();
            ResponseTemplate::new(200).set_body_json(json!({"data": data, "total_count": 3}))
        })
        .with_priority(2)
        .mount(&server)
        .await;
    let c = builder(&server)
        .retry_policy(quick_policy())
        .build()
        .unwrap();
    let all = c
        .guardrails()
        .key_assignments()
        .page_size(2)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(count(&server).await, 3);
}

async fn wait_for_requests(server: &MockServer, n: usize) -> usize {
    for _ in 0..200 {
        let seen = count(server).await;
        if seen >= n {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    count(server).await
}

#[tokio::test]
async fn the_next_page_is_prefetched_while_the_current_one_is_consumed() {
    let server = guardrail_server(300, |n| n as i64).await;
    let c = client(&server);
    let mut pages = c.guardrails().list().pages();
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.items.len(), 100);
    assert_eq!(
        wait_for_requests(&server, 2).await,
        2,
        "page 2 is fetched without being asked for"
    );
    // ...and not further: one page ahead, bounded.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(count(&server).await, 2, "one page ahead, no more");
    pages.next().await.unwrap().unwrap();
    assert_eq!(wait_for_requests(&server, 3).await, 3);
    drop(pages);
}

#[tokio::test]
async fn prefetch_can_be_turned_off() {
    let server = guardrail_server(300, |n| n as i64).await;
    let c = client(&server);
    let mut pages = c.guardrails().list().prefetch(0).pages();
    pages.next().await.unwrap().unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(count(&server).await, 1);
    pages.next().await.unwrap().unwrap();
    assert_eq!(count(&server).await, 2);
}

#[tokio::test]
async fn per_guardrail_assignment_lists_use_their_paths() {
    let server = MockServer::start().await;
    let id = guardrail_id(4);
    Mock::given(method("GET"))
        .and(path(format!("/guardrails/{id}/assignments/members")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{
            "id": uuid::Uuid::from_u128(77).to_string(), "user_id": "u1", "organization_id": "o",
            "guardrail_id": id, "assigned_by": null, "created_at": "2025-01-01T00:00:00Z"
        }], "total_count": 1})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/guardrails/{id}/assignments/keys")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [key_assignment(5)], "total_count": 1})),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let gid = id.parse().unwrap();
    let members = c
        .guardrails()
        .guardrail_member_assignments(gid)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(members[0].user_id, "u1");
    let keys = c
        .guardrails()
        .guardrail_key_assignments(gid)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(keys[0].key_hash, "hash5");
}

#[tokio::test]
async fn dropping_the_stream_stops_prefetching() {
    let server = guardrail_server(1_000, |n| n as i64).await;
    let c = client(&server);
    let mut pages = c.guardrails().list().prefetch(3).pages();
    pages.next().await.unwrap().unwrap();
    // Three pages ahead at most: offsets 100, 200, 300.
    assert_eq!(wait_for_requests(&server, 4).await, 4);
    drop(pages);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        count(&server).await,
        4,
        "nothing after the drop, and never more than the prefetch depth"
    );
}
