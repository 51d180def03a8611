//! Answers an older or different server sends (counts as `number` like the February 2026 spec, counts as strings,
//! a missing or unusable `total_count`, one malformed item among good ones, a bulk count that cannot be read):
//! the facade keeps every piece of good data in them.

use futures::StreamExt;
use openrouter_mgmt::{CallOptions, Error, KeyHash, ops};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::*;

/// A guardrail list of `len` items (ids 1..=len) honouring offset/limit, whose item at each position in `bad`
/// has a non-UUID id, and whose `total_count` is written as `total` (raw JSON; `None`: no such field).
async fn list_server(len: u64, bad: &'static [u64], total: Option<&'static str>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/guardrails"))
        .respond_with(move |r: &Request| {
            let offset = query(r, "offset").unwrap_or(0);
            let limit = query(r, "limit").unwrap_or(100);
            let items: Vec<Value> = (offset..len.min(offset + limit))
                .map(|position| {
                    let mut item = guardrail(u128::from(position) + 1);
                    if bad.contains(&position) {
                        item["id"] = json!(format!("not-a-uuid-{position}"));
                    }
                    item
                })
                .collect();
            let data = serde_json::to_string(&items).unwrap();
            let body = match total {
                Some(total) => format!(r#"{{"data": {data}, "total_count": {total}}}"#),
                None => format!(r#"{{"data": {data}}}"#),
            };
            ResponseTemplate::new(200).set_body_raw(body, "application/json")
        })
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn total_count_in_any_integral_spelling_bounds_the_list() {
    for spelling in ["4", "4.0", "4e0", "0.4e1", "\"4\"", "\"4.0\"", "\"4e0\""] {
        let server = list_server(4, &[], Some(spelling)).await;
        let pages: Vec<_> = client(&server)
            .guardrails()
            .list()
            .page_size(3)
            .unwrap()
            .pages()
            .collect()
            .await;
        let pages: Vec<_> = pages.into_iter().map(Result::unwrap).collect();
        assert_eq!(pages.len(), 2, "{spelling}");
        assert_eq!(guardrail_numbers(&pages[0].items), [1, 2, 3], "{spelling}");
        assert_eq!(guardrail_numbers(&pages[1].items), [4], "{spelling}");
        assert!(pages.iter().all(|p| p.total_count == Some(4)), "{spelling}");
        // The second page starts at the boundary item (3) and reaches the total: no third request.
        let requests = server.received_requests().await.unwrap();
        assert_eq!(offsets(&requests), [0, 2], "{spelling}");
    }
}

#[tokio::test]
async fn an_unusable_total_count_is_dropped_and_the_short_page_rule_ends_the_list() {
    for spelling in [
        Some("null"),
        Some("2.5"),
        Some("1e300"),
        Some("-1e300"),
        Some("\"many\""),
        Some("true"),
        Some("{}"),
        None,
    ] {
        let server = list_server(4, &[], spelling).await;
        let pages: Vec<_> = client(&server)
            .guardrails()
            .list()
            .page_size(3)
            .unwrap()
            .pages()
            .collect()
            .await;
        let pages: Vec<_> = pages.into_iter().map(Result::unwrap).collect();
        let items: Vec<_> = pages
            .iter()
            .flat_map(|p| guardrail_numbers(&p.items))
            .collect();
        assert_eq!(items, [1, 2, 3, 4], "{spelling:?}");
        assert!(
            pages.iter().all(|p| p.total_count.is_none()),
            "{spelling:?}"
        );
        // Without a total, the page at the boundary item (offset 2) is short and ends the list.
        let requests = server.received_requests().await.unwrap();
        assert_eq!(offsets(&requests), [0, 2], "{spelling:?}");
    }
}

#[tokio::test]
async fn one_bad_item_costs_only_itself() {
    let server = list_server(3, &[1], Some("3")).await;
    let results: Vec<Result<_, Error>> =
        client(&server).guardrails().list().items().collect().await;
    assert_eq!(results.len(), 3, "{results:?}");
    let good: Vec<u128> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|g| g.id.as_uuid().as_u128())
        .collect();
    assert_eq!(good, [1, 3]);
    assert!(
        results[0].is_ok() && results[1].is_ok(),
        "the page's good items come first"
    );
    match &results[2] {
        Err(Error::ItemDecode {
            operation,
            status,
            offset,
            index,
            path,
            message,
            item_snippet,
        }) => {
            assert_eq!(*operation, "list_guardrails");
            assert_eq!((*status, *offset, *index), (200, 0, 1));
            assert_eq!(path, "data[1].id");
            assert!(message.contains("UUID parsing failed"), "{message}");
            assert!(item_snippet.contains("not-a-uuid-1"), "{item_snippet}");
        }
        other => panic!("{other:?}"),
    }
    let error = results[2].as_ref().unwrap_err();
    assert!(!error.is_retryable());
    assert!(!error.may_have_been_applied());
    assert_eq!(error.status(), Some(200));
    assert_eq!(count(&server).await, 1);
}

#[tokio::test]
async fn the_page_stream_yields_the_page_then_its_bad_items_then_goes_on() {
    let server = list_server(5, &[0, 3], None).await;
    let results: Vec<_> = client(&server)
        .guardrails()
        .list()
        .page_size(3)
        .unwrap()
        .pages()
        .collect()
        .await;
    let shape: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(page) => format!(
                "page@{} {:?} received {}",
                page.offset,
                guardrail_numbers(&page.items),
                page.received
            ),
            Err(Error::ItemDecode {
                offset,
                index,
                path,
                ..
            }) => format!("bad@{offset}[{index}] {path}"),
            Err(other) => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        shape,
        [
            "page@0 [2, 3] received 3",
            "bad@0[0] data[0].id",
            "page@2 [5] received 3",
            "bad@2[1] data[1].id",
        ]
    );
    // A page of 3 with a bad item is still full: the list went on to the boundary item at offset 4, whose page
    // is short and brings nothing new (so it is not delivered) and ends the list.
    let requests = server.received_requests().await.unwrap();
    assert_eq!(offsets(&requests), [0, 2, 4]);
}

#[tokio::test]
async fn a_bad_item_the_overlap_rereads_is_reported_once() {
    // Pages of 20 re-read the boundary item; here that is the bad item at position 19, the last of the first
    // page, re-read (index 0) by the page at offset 19. Where one did not decode before is where one does not
    // decode now: the list did not move, so no re-read of the page before.
    let server = list_server(30, &[19], Some("30")).await;
    let results: Vec<_> = client(&server)
        .guardrails()
        .list()
        .page_size(20)
        .unwrap()
        .items()
        .collect()
        .await;
    let errors: Vec<(u64, usize)> = results
        .iter()
        .filter_map(|r| match r {
            Err(Error::ItemDecode { offset, index, .. }) => Some((*offset, *index)),
            Err(other) => panic!("{other:?}"),
            Ok(_) => None,
        })
        .collect();
    assert_eq!(errors, [(0, 19)]);
    let good: Vec<u128> = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|g| g.id.as_uuid().as_u128())
        .collect();
    let expected: Vec<u128> = (1..=30).filter(|n| *n != 20).collect();
    assert_eq!(good, expected);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(offsets(&requests), [0, 19]);
}

#[tokio::test]
async fn collect_all_stops_at_a_bad_item() {
    let server = list_server(3, &[2], Some("3")).await;
    let error = client(&server)
        .guardrails()
        .list()
        .collect_all()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::ItemDecode { index: 2, path, .. } if path == "data[2].id"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_bad_item_error_quotes_no_key() {
    let server = MockServer::start().await;
    let mut bad = guardrail(2);
    bad["id"] = json!(KEY);
    bad["description"] = json!("sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef");
    Mock::given(method("GET"))
        .and(path("/guardrails"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [guardrail(1), bad], "total_count": 2})),
        )
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server).guardrails().list().items().collect().await;
    assert_eq!(results.len(), 2);
    let error = results[1].as_ref().unwrap_err();
    assert!(
        matches!(error, Error::ItemDecode { index: 1, .. }),
        "{error:?}"
    );
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(KEY), "{text}");
        assert!(!text.contains("sk-or-v1-0123456789abcdef"), "{text}");
    }
}

#[tokio::test]
async fn a_body_that_is_not_a_page_is_still_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/guardrails"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"error": "not a page"})))
        .mount(&server)
        .await;
    let error = client(&server)
        .guardrails()
        .list()
        .collect_all()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Decode { status: 200, path, .. } if path == "."),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_february_2026_shaped_page_decodes_through_send_too() {
    // Counts as `number`, as the spec had them before February 2026: a plain `send` reads them.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/guardrails/assignments/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            format!(r#"{{"data": [{}], "total_count": 1.0}}"#, key_assignment(1)),
            "application/json",
        ))
        .mount(&server)
        .await;
    let page = client(&server)
        .send(&ops::ListKeyAssignments::new())
        .await
        .unwrap();
    assert_eq!(page.total_count, 1);
    assert_eq!(page.data.len(), 1);
    let current = MockServer::start().await;
    let mut body = current_key();
    body["data"]["free_model_daily_requests"] =
        json!({"limit": 1000.0, "remaining": "999", "used": 1e0});
    body["data"]["rate_limit"]["requests"] = json!(100.0);
    Mock::given(method("GET"))
        .and(path("/key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&current)
        .await;
    let me = client(&current).keys().current().await.unwrap();
    let daily = me.free_model_daily_requests;
    assert_eq!((daily.limit, daily.remaining, daily.used), (1000, 999, 1));
    assert_eq!(me.rate_limit.requests, 100);
}

async fn bulk_server(answers: Vec<Value>) -> MockServer {
    let server = MockServer::start().await;
    let id = guardrail_id(1);
    for answer in answers {
        Mock::given(method("POST"))
            .and(path(format!("/guardrails/{id}/assignments/keys")))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    server
}

fn hashes(n: usize) -> Vec<KeyHash> {
    (0..n)
        .map(|i| KeyHash::new(format!("h{i}")).unwrap())
        .collect()
}

#[tokio::test]
async fn bulk_counts_in_any_integral_spelling_are_summed() {
    let server = bulk_server(vec![
        json!({"assigned_count": 2.0}),
        json!({"assigned_count": "2"}),
        json!({"assigned_count": 1}),
    ])
    .await;
    let out = client(&server)
        .with_options(CallOptions::new().bulk_chunk_size(2))
        .guardrails()
        .assign_keys(guardrail_id(1).parse().unwrap(), hashes(5))
        .await
        .unwrap();
    assert_eq!((out.count, out.chunks, out.unconfirmed_chunks), (5, 3, 0));
    assert!(out.count_confirmed());
    assert_eq!(count(&server).await, 3);
}

#[tokio::test]
async fn a_bulk_chunk_answered_200_with_an_unreadable_count_was_applied() {
    let server = bulk_server(vec![
        json!({"assigned_count": "many"}),
        json!({}),
        json!({"assigned_count": 1}),
    ])
    .await;
    let out = client(&server)
        .with_options(CallOptions::new().bulk_chunk_size(2))
        .guardrails()
        .assign_keys(guardrail_id(1).parse().unwrap(), hashes(5))
        .await
        .expect("a 200 applied the chunk: no error");
    assert_eq!(
        (out.count, out.ids, out.chunks, out.unconfirmed_chunks),
        (1, 5, 3, 2)
    );
    assert!(!out.count_confirmed());
    assert_eq!(count(&server).await, 3, "every chunk was sent once");
}
