//! What the paging guarantee costs under churn: 10,000 key assignments walked through the facade while the mock
//! changes the list before every request (still, moderate, heavy) and answers after a random delay (out of order),
//! sequentially and with 4 and 8 requests in flight: requests per walk (and their ratio to the sequential walk's)
//! and wall time per walk.

use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use openrouter_mgmt_benches::{PagingFixture, WINDOWS, Window, stream_key_assignments};
use openrouter_mgmt_mock::{Churn, ChurnPosition, OperationId};

/// Items in the list: 100 pages of 100.
const ITEMS: usize = 10_000;
/// The most an answer is delayed after it is served: answers to requests in flight arrive out of order.
const JITTER: Duration = Duration::from_millis(2);

/// The churn levels compared, before every request to the list.
fn churns() -> [(&'static str, Option<Churn>); 4] {
    [
        ("still", None),
        (
            "moderate_5_in_5_out_anywhere",
            Some(Churn::new(5, 5, ChurnPosition::Anywhere)),
        ),
        (
            "heavy_20_in_20_out_anywhere",
            Some(Churn::new(20, 20, ChurnPosition::Anywhere)),
        ),
        (
            "heavy_30_in_30_out_behind",
            Some(Churn::new(30, 30, ChurnPosition::Behind)),
        ),
    ]
}

/// The windows compared: sequential, 4 and 8 in flight.
fn windows() -> impl Iterator<Item = Window> {
    WINDOWS.into_iter().filter(|w| w.name != "prefetch_1")
}

fn paging_churn(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let fixture = runtime.block_on(PagingFixture::start(ITEMS));
    fixture.mock.faults().set_jitter(Some(JITTER));
    for (label, churn) in churns() {
        fixture
            .mock
            .set_churn(OperationId::ListKeyAssignments, churn.clone());
        // Requests per walk, sequential first: the baseline of the ratios.
        let mut sequential = None;
        for window in windows() {
            fixture.mock.clear_requests();
            runtime.block_on(stream_key_assignments(&fixture.client, window));
            let requests = fixture
                .mock
                .requests_to(OperationId::ListKeyAssignments)
                .len();
            let baseline = *sequential.get_or_insert(requests);
            eprintln!(
                "{label}/{}: {requests} requests per walk of about {ITEMS} items = {:.2} x the sequential walk's \
                 {baseline}",
                window.name,
                requests as f64 / baseline as f64
            );
        }
        let mut group = c.benchmark_group(format!("paging_churn/key_assignments_{ITEMS}/{label}"));
        group.throughput(Throughput::Elements(ITEMS as u64));
        group.sample_size(10);
        group.sampling_mode(SamplingMode::Flat);
        group.measurement_time(Duration::from_secs(5));
        for window in windows() {
            group.bench_function(window.name, |b| {
                b.iter_custom(|iterations| {
                    let started = Instant::now();
                    for _ in 0..iterations {
                        // Churn keeps the list near its length (as many in as out); behind-the-cursor deletes
                        // shorten it, so only a walk that yields nothing is wrong here.
                        let count =
                            runtime.block_on(stream_key_assignments(&fixture.client, window));
                        assert!(count > 0);
                        fixture.mock.clear_requests();
                    }
                    started.elapsed()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, paging_churn);
criterion_main!(benches);
