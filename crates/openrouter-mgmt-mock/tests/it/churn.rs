//! List churn: inserts and deletes at each position before the requests of a list route (every n-th), swaps, the
//! lifetimes that are a walk's ground truth, and answer jitter that reorders the answers to concurrent requests.

use std::time::Duration;

use openrouter_mgmt_mock::{Churn, ChurnPosition, MockServer, OperationId, Route};
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

#[tokio::test]
async fn lifetimes_are_kept_without_churn_from_the_requests_that_create_and_delete() {
    let api = Api::with(
        MockServer::builder()
            .seed(4)
            .guardrails(3)
            .external_users(2),
    )
    .await;
    let seeded = api.mock.lifetimes(OperationId::ListGuardrails);
    assert_eq!(seeded.len(), 3);
    assert!(seeded.iter().all(|l| l.born == 0 && l.died.is_none()));

    let created = api.create_guardrail("made by a request").await;
    let created_at = api.mock.requests().last().unwrap().tick;
    let doomed = seeded[1].id.clone();
    let (status, _) = api.delete(&format!("/guardrails/{doomed}")).await;
    assert!(status.is_success());
    let deleted_at = api.mock.requests().last().unwrap().tick;
    assert!(created_at > 0 && deleted_at > created_at);

    let lifetimes = api
        .mock
        .lifetimes("GET /guardrails".parse::<Route>().unwrap());
    let of = |id: &str| lifetimes.iter().find(|l| l.id == id).unwrap().clone();
    assert_eq!((of(&created).born, of(&created).died), (created_at, None));
    assert_eq!((of(&doomed).born, of(&doomed).died), (0, Some(deleted_at)));
    assert!(!of(&doomed).present_at(deleted_at) && of(&doomed).present_at(deleted_at - 1));

    // Deleting an external user deactivates it: it leaves the list, so its life ends.
    let key = api.mock.management_key().to_owned();
    let response = api
        .raw(
            reqwest::Method::DELETE,
            "/external-users/seed-user-1",
            Some(&key),
            None,
        )
        .await;
    assert!(response.status().is_success());
    let tick = api.mock.requests().last().unwrap().tick;
    let users = api.mock.lifetimes(OperationId::ListExternalUsers);
    let user = users.iter().find(|l| l.id == "seed-user-1").unwrap();
    assert_eq!(user.died, Some(tick));

    // A route that names no list has no lifetimes.
    assert!(api.mock.lifetimes(OperationId::CreateGuardrail).is_empty());
}

#[test]
#[should_panic(expected = "at least 1")]
fn a_churn_that_never_comes_is_refused() {
    let churn = Churn {
        every: 0,
        ..Churn::new(1, 1, ChurnPosition::Anywhere)
    };
    let _ = MockServer::builder().churn(OperationId::ListGuardrails, churn);
}

/// Sends `n` guardrail list requests at once (request `i` asks for `limit=i+1`, to tell them apart) and answers
/// the ticks they were served at, in the order their answers arrived.
async fn ticks_in_order_of_arrival(api: &Api, n: usize) -> Vec<u64> {
    let mut in_flight = futures::stream::FuturesUnordered::new();
    for i in 0..n {
        let http = api.http.clone();
        let url = api.url(&format!("/guardrails?limit={}", i + 1));
        let key = api.mock.management_key().to_owned();
        in_flight.push(async move {
            let response = http.get(url).bearer_auth(key).send().await.unwrap();
            let _: Value = response.json().await.unwrap();
            i
        });
    }
    let mut arrived = Vec::new();
    while let Some(i) = futures::StreamExt::next(&mut in_flight).await {
        arrived.push(i);
    }
    let log = api.mock.requests();
    arrived
        .iter()
        .map(|i| {
            let query = format!("limit={}", i + 1);
            log.iter()
                .find(|r| r.query.as_deref() == Some(query.as_str()))
                .expect("served")
                .tick
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn jitter_reorders_answers_on_a_paused_clock() {
    // On a paused clock the answers leave exactly when their seeded jitter says: deterministic.
    let still = Api::with(MockServer::builder().seed(1).guardrails(2)).await;
    let ticks = ticks_in_order_of_arrival(&still, 12).await;
    assert!(
        ticks.windows(2).all(|w| w[0] < w[1]),
        "no jitter: answered in the order served, {ticks:?}"
    );

    let jittery = Api::with(
        MockServer::builder()
            .seed(1)
            .guardrails(2)
            .jitter(Duration::from_millis(50)),
    )
    .await;
    let started = tokio::time::Instant::now();
    let ticks = ticks_in_order_of_arrival(&jittery, 12).await;
    let mut sorted = ticks.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (1..=12).collect::<Vec<u64>>(), "each served once");
    assert_ne!(ticks, sorted, "answered in another order than served");
    assert!(started.elapsed() <= Duration::from_millis(50 + 10));
}
