//! Paging throughput: 10,000 key assignments streamed from the in-process mock through the facade, strictly
//! sequentially and with prefetch/concurrency, with and without 20 ms of injected latency per request (items/s).

use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use openrouter_mgmt_benches::{PagingFixture, WINDOWS, stream_key_assignments};

/// Items in the list: 100 pages of 100.
const ITEMS: usize = 10_000;

fn paging(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let fixture = runtime.block_on(PagingFixture::start(ITEMS));
    // Pages overlap the one before (the facade's default re-reads 10 items per page), so say how many requests
    // one walk makes.
    for window in WINDOWS {
        fixture.mock.clear_requests();
        runtime.block_on(stream_key_assignments(&fixture.client, window));
        eprintln!(
            "{}: {} requests per walk of {ITEMS} items",
            window.name,
            fixture.mock.requests().len()
        );
    }
    fixture.mock.clear_requests();
    for (label, latency) in [
        ("no_latency", None),
        ("latency_20ms", Some(Duration::from_millis(20))),
    ] {
        fixture.mock.faults().set_latency(latency);
        let mut group = c.benchmark_group(format!("paging/key_assignments_{ITEMS}/{label}"));
        group.throughput(Throughput::Elements(ITEMS as u64));
        group.sample_size(10);
        if latency.is_some() {
            // A sequential walk takes 100 x 20 ms: one walk per sample, ten samples.
            group.sampling_mode(SamplingMode::Flat);
            group.measurement_time(Duration::from_secs(25));
        }
        for window in WINDOWS {
            group.bench_function(window.name, |b| {
                b.iter(|| {
                    let count = runtime.block_on(stream_key_assignments(&fixture.client, window));
                    assert_eq!(count, ITEMS);
                    // The mock records every request; forget them so its memory does not grow run after run.
                    fixture.mock.clear_requests();
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, paging);
criterion_main!(benches);
