//! Paging throughput: 10,000 key assignments streamed from the in-process mock through the facade, strictly
//! sequentially and with prefetch/concurrency, with and without 20 ms of injected latency per request (items/s);
//! with latency, each figure is followed by its ratio to the physical limit (pages ÷ concurrency × latency).

use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use openrouter_mgmt_benches::{PagingFixture, WINDOWS, Window, stream_key_assignments};

/// Items in the list: 100 pages of 100.
const ITEMS: usize = 10_000;
/// Items per page (the largest the API serves).
const PAGE: usize = 100;

fn paging(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let fixture = runtime.block_on(PagingFixture::start(ITEMS));
    // Each page after the first re-reads the boundary item of the page before, so say how many requests one
    // walk makes.
    for window in WINDOWS {
        fixture.mock.clear_requests();
        runtime.block_on(stream_key_assignments(&fixture.client, window));
        eprintln!(
            "{}: {} requests per walk of {ITEMS} items ({} pages)",
            window.name,
            fixture.mock.requests().len(),
            ITEMS / PAGE
        );
    }
    fixture.mock.clear_requests();
    for (label, latency) in [
        ("no_latency", None),
        ("latency_20ms", Some(Duration::from_millis(20))),
    ] {
        fixture.mock.faults().set_latency(latency);
        if let Some(latency) = latency {
            // What the mock and the transport cost without the SDK's paging: one small request, same latency.
            let floor = runtime.block_on(request_floor(&fixture));
            eprintln!(
                "{label}: one GET /key round trip takes {:.2} ms (the injected {} ms, the mock and the transport)",
                ms(floor),
                latency.as_millis()
            );
        }
        let mut group = c.benchmark_group(format!("paging/key_assignments_{ITEMS}/{label}"));
        group.throughput(Throughput::Elements(ITEMS as u64));
        group.sample_size(10);
        if latency.is_some() {
            // A sequential walk takes 100 x 20 ms: one walk per sample, ten samples.
            group.sampling_mode(SamplingMode::Flat);
            group.measurement_time(Duration::from_secs(25));
        }
        for window in WINDOWS {
            let mut walks = Vec::new();
            group.bench_function(window.name, |b| {
                b.iter_custom(|iterations| {
                    let started = Instant::now();
                    for _ in 0..iterations {
                        let count =
                            runtime.block_on(stream_key_assignments(&fixture.client, window));
                        assert_eq!(count, ITEMS);
                        // The mock records every request; forget them so its memory does not grow run after run.
                        fixture.mock.clear_requests();
                    }
                    let elapsed = started.elapsed();
                    walks.push(elapsed / u32::try_from(iterations).unwrap_or(u32::MAX));
                    elapsed
                })
            });
            if let Some(latency) = latency {
                report_against_limit(window, latency, walks);
            }
        }
        group.finish();
    }
}

/// Prints the median walk (warm-up included, one walk per sample) against the physical limit: the pages spread
/// over `concurrency` requests in flight, each taking exactly the injected latency.
fn report_against_limit(window: Window, latency: Duration, mut walks: Vec<Duration>) {
    walks.sort_unstable();
    let Some(&median) = walks.get(walks.len() / 2) else {
        return;
    };
    let pages = ITEMS / PAGE;
    // As the issue that set the target states it: pages / concurrency x latency, not rounded up to whole rounds
    // (which would make it 260 ms for 8 in flight).
    let limit = latency.mul_f64(pages as f64 / window.concurrency as f64);
    eprintln!(
        "{}: median {:.1} ms per walk over {} walks [{:.1} ms, {:.1} ms] = {:.3} x the limit ({pages} pages / {} x {} \
         ms = {:.0} ms)",
        window.name,
        ms(median),
        walks.len(),
        ms(walks[0]),
        ms(walks[walks.len() - 1]),
        median.as_secs_f64() / limit.as_secs_f64(),
        window.concurrency,
        latency.as_millis(),
        ms(limit),
    );
}

/// The median of 20 sequential `GET /key` round trips.
async fn request_floor(fixture: &PagingFixture) -> Duration {
    let mut times = Vec::with_capacity(20);
    for _ in 0..20 {
        let started = Instant::now();
        fixture
            .client
            .keys()
            .current()
            .await
            .expect("the mock serves the current key");
        times.push(started.elapsed());
    }
    fixture.mock.clear_requests();
    times.sort_unstable();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

criterion_group!(benches, paging);
criterion_main!(benches);
