//! List churn: inserts and deletes at each position before the requests of a list route (every n-th), swaps, the
//! lifetimes that are a walk's ground truth, and answer jitter that reorders the answers to concurrent requests.

use std::time::Duration;

use openrouter_mgmt_mock::{Churn, ChurnPosition, MockServer, OperationId};
use serde_json::Value;

use crate::common::Api;

/// The ids of one page of guardrails.
async fn guardrail_ids(api: &Api, offset: usize, limit: usize) -> Vec<String> {
    let (_, body) = api
        .get(&format!("/guardrails?offset={offset}&limit={limit}"))
        .await;
    body["data"]
        .as_array()
        .expect("a page")
        .iter()
        .map(|g| g["id"].as_str().expect("an id").to_owned())
        .collect()
}

/// The whole list, read without churn.
async fn all_guardrails(api: &Api) -> Vec<String> {
    api.mock.set_churn(OperationId::ListGuardrails, None);
    guardrail_ids(api, 0, 100).await
}

async fn churned(
    position: ChurnPosition,
    inserts: usize,
    deletes: usize,
) -> (Vec<String>, Vec<String>) {
    let api = Api::with(MockServer::builder().seed(9).guardrails(40)).await;
    let before = guardrail_ids(&api, 0, 100).await;
    api.mock.set_churn(
        OperationId::ListGuardrails,
        Some(Churn::new(inserts, deletes, position)),
    );
    // One churned request at offset 20, limit 10.
    guardrail_ids(&api, 20, 10).await;
    (before, all_guardrails(&api).await)
}

#[tokio::test]
async fn churn_inserts_and_deletes_where_it_is_told() {
    // Behind: only the first 20 items (before the offset) change.
    let (before, after) = churned(ChurnPosition::Behind, 3, 5).await;
    assert_eq!(after.len(), 38);
    assert_eq!(
        after[18..],
        before[20..],
        "nothing at or after the offset changed"
    );
    let kept: Vec<_> = before[..20]
        .iter()
        .filter(|id| after.contains(id))
        .collect();
    assert_eq!(kept.len(), 15, "5 deleted behind the offset");

    // Head: the new items are first, the deleted ones were first.
    let (before, after) = churned(ChurnPosition::Head, 2, 1).await;
    assert_eq!(after.len(), 41);
    assert!(!before.contains(&after[0]) && !before.contains(&after[1]));
    assert_eq!(after[2..], before[1..]);

    // Ahead: the first 30 (offset 20 + limit 10) are untouched.
    let (before, after) = churned(ChurnPosition::Ahead, 4, 4).await;
    assert_eq!(after[..30], before[..30]);
    assert_eq!(after.len(), 40);
    assert_ne!(after, before);

    // Anywhere: as many in as out, so the length holds, and the list changed.
    let (before, after) = churned(ChurnPosition::Anywhere, 6, 6).await;
    assert_eq!(after.len(), 40);
    assert_eq!(after.iter().filter(|id| !before.contains(id)).count(), 6);
}

#[tokio::test]
async fn churn_every_nth_request_and_reorder() {
    let api = Api::with(MockServer::builder().seed(2).guardrails(30)).await;
    api.mock.set_churn(
        OperationId::ListGuardrails,
        Some(Churn::new(1, 0, ChurnPosition::Head).every(3)),
    );
    let mut lengths = Vec::new();
    for _ in 0..6 {
        lengths.push(guardrail_ids(&api, 0, 100).await.len());
    }
    assert_eq!(
        lengths,
        [30, 30, 31, 31, 31, 32],
        "churn before the 3rd and 6th requests"
    );

    let before = all_guardrails(&api).await;
    api.mock.set_churn(
        OperationId::ListGuardrails,
        Some(Churn::new(0, 0, ChurnPosition::Anywhere).reorder()),
    );
    let mut after = before.clone();
    for _ in 0..5 {
        after = guardrail_ids(&api, 0, 100).await;
        if after != before {
            break;
        }
    }
    assert_ne!(after, before, "two items swapped places");
    let (mut sorted_before, mut sorted_after) = (before.clone(), after.clone());
    sorted_before.sort();
    sorted_after.sort();
    assert_eq!(sorted_before, sorted_after, "the same items");
}

#[tokio::test]
async fn lifetimes_are_the_ground_truth_of_every_answer() {
    let api = Api::with(MockServer::builder().seed(5).keys(60)).await;
    api.mock.set_churn(
        OperationId::List,
        Some(Churn::new(2, 2, ChurnPosition::Anywhere)),
    );
    let mut answers = Vec::new();
    for _ in 0..4 {
        let (_, body) = api.get("/keys?offset=0").await;
        let hashes: Vec<String> = body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["hash"].as_str().unwrap().to_owned())
            .collect();
        answers.push(hashes);
    }
    let ticks: Vec<u64> = api
        .mock
        .requests_to(OperationId::List)
        .iter()
        .map(|r| r.tick)
        .collect();
    assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{ticks:?}");
    let lifetimes = api.mock.lifetimes(OperationId::List);
    // Every answer held exactly the items alive at its tick (the first 100 of them: all here).
    for (answer, tick) in answers.iter().zip(&ticks) {
        let mut alive: Vec<&str> = lifetimes
            .iter()
            .filter(|l| l.present_at(*tick))
            .map(|l| l.id.as_str())
            .collect();
        let mut seen: Vec<&str> = answer.iter().map(String::as_str).collect();
        alive.sort_unstable();
        seen.sort_unstable();
        assert_eq!(seen, alive, "tick {tick}");
    }
    // 2 in and 2 out before each of the 4 requests, at its tick; the seeded keys were born at 0.
    for tick in &ticks {
        assert_eq!(lifetimes.iter().filter(|l| l.born == *tick).count(), 2);
        assert_eq!(
            lifetimes.iter().filter(|l| l.died == Some(*tick)).count(),
            2
        );
    }
    assert_eq!(lifetimes.iter().filter(|l| l.born > 0).count(), 8);
    let mut throughout: Vec<&str> = lifetimes
        .iter()
        .filter(|l| l.present_throughout(ticks[0], ticks[3]))
        .map(|l| l.id.as_str())
        .collect();
    let mut in_every_answer: Vec<&str> = answers[0]
        .iter()
        .filter(|id| answers.iter().all(|a| a.contains(id)))
        .map(String::as_str)
        .collect();
    throughout.sort_unstable();
    in_every_answer.sort_unstable();
    assert_eq!(throughout, in_every_answer);
}

#[tokio::test]
async fn jitter_makes_answers_to_concurrent_requests_arrive_out_of_order() {
    let api = Api::with(
        MockServer::builder()
            .seed(1)
            .guardrails(5)
            .jitter(Duration::from_millis(40)),
    )
    .await;
    // Twenty requests, each sent after the one before was served (its tick is known), all in flight at once.
    let mut in_flight = Vec::new();
    for n in 0..20 {
        let http = api.http.clone();
        let url = api.url("/guardrails");
        let key = api.mock.management_key().to_owned();
        in_flight.push(tokio::spawn(async move {
            let response = http.get(url).bearer_auth(key).send().await.unwrap();
            let _: Value = response.json().await.unwrap();
            n
        }));
        // Bounded: each request is served within a second.
        for _ in 0..1_000 {
            if api.mock.requests().len() > n {
                break;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let mut arrival = Vec::new();
    let mut pending = in_flight;
    while !pending.is_empty() {
        let (done, _, rest) = futures::future::select_all(pending).await;
        arrival.push(done.unwrap());
        pending = rest;
    }
    let served: Vec<u64> = api.mock.requests().iter().map(|r| r.tick).collect();
    assert!(
        served.windows(2).all(|w| w[0] < w[1]),
        "served in the order sent"
    );
    let sorted: Vec<usize> = (0..20).collect();
    assert_ne!(arrival, sorted, "answered in another order than served");
}
