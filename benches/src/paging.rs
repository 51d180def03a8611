//! The paging workload shared by the throughput and memory benches: the in-process mock seeded with N key
//! assignments, a facade client pointed at it, and one full walk of `GET /guardrails/assignments/keys`.

use std::hint::black_box;
use std::pin::pin;

use futures::TryStreamExt;
use openrouter_mgmt::Client;
use openrouter_mgmt_mock::MockServer;

/// How far ahead of the consumer the paginator fetches.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// The benchmark's name for this setting.
    pub name: &'static str,
    /// [`Paginator::prefetch`](openrouter_mgmt::Paginator::prefetch): pages fetched ahead of the consumer.
    pub prefetch: usize,
    /// [`Paginator::concurrency`](openrouter_mgmt::Paginator::concurrency): page requests in flight at once.
    pub concurrency: usize,
}

/// The settings every paging bench compares: strictly sequential first (the baseline of the ratios).
pub const WINDOWS: [Window; 4] = [
    Window {
        name: "sequential",
        prefetch: 0,
        concurrency: 1,
    },
    Window {
        name: "prefetch_1",
        prefetch: 1,
        concurrency: 1,
    },
    Window {
        name: "prefetch_4_concurrency_4",
        prefetch: 4,
        concurrency: 4,
    },
    Window {
        name: "prefetch_8_concurrency_8",
        prefetch: 8,
        concurrency: 8,
    },
];

/// A mock with `assignments` keys, each assigned to one of 10 guardrails, and a client for it.
#[derive(Debug)]
pub struct PagingFixture {
    /// The mock; stops when dropped.
    pub mock: MockServer,
    /// A facade client with the mock's management key.
    pub client: Client,
}

/// Starts the mock seeded with `assignments` key assignments. Must be called inside a Tokio runtime.
pub async fn start_mock(assignments: usize) -> MockServer {
    MockServer::builder()
        .seed(5)
        .keys(assignments)
        .guardrails(10)
        .assigned_keys(assignments)
        .start()
        .await
        .expect("the mock binds a loopback port")
}

/// A facade client for a mock at `base_url`.
pub fn client_for(base_url: &str, management_key: &str) -> Client {
    Client::builder()
        .api_key(management_key)
        .base_url(base_url)
        .build()
        .expect("a loopback base URL and a valid key")
}

impl PagingFixture {
    /// The mock seeded with `assignments` key assignments, and a client for it.
    pub async fn start(assignments: usize) -> Self {
        let mock = start_mock(assignments).await;
        let client = client_for(&mock.base_url(), mock.management_key());
        Self { mock, client }
    }
}

/// Streams every key assignment through the facade (pages of 100) with `window`, and returns how many arrived.
pub async fn stream_key_assignments(client: &Client, window: Window) -> usize {
    let mut items = pin!(
        client
            .guardrails()
            .key_assignments()
            .page_size(100)
            .unwrap()
            .prefetch(window.prefetch)
            .concurrency(window.concurrency)
            .unwrap()
            .items()
    );
    let mut count = 0;
    while let Some(item) = items.try_next().await.expect("the mock serves every page") {
        black_box(&item);
        count += 1;
    }
    count
}
