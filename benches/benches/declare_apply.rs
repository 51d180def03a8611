//! The declarative engine at scale (1,000 keys, 50 guardrails, every key assigned), as ratios measured in the same
//! run: a plan against an unchanged account sends only its list pages; an apply from empty sends little beyond its
//! creates and bulk chunks; and with 20 ms per request, an apply's wall time against what its requests cost when
//! `parallelism` of them are always in flight.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use openrouter_mgmt::Client;
use openrouter_mgmt_benches::client_for;
use openrouter_mgmt_declare::{
    Allow, ApplyOptions, Desired, Live, apply, check, live_in_owned_scopes, parse, plan, read_live,
};
use openrouter_mgmt_mock::{MockServer, RecordedRequest};
use tokio::runtime::Runtime;

const KEYS: usize = 1_000;
const GUARDRAILS: usize = 50;
/// The most items a list page holds.
const PAGE: usize = 100;
const LATENCY: Duration = Duration::from_millis(20);

/// One owned workspace, its guardrails, and its keys, key `n` assigned to guardrail `n mod GUARDRAILS`.
fn file_text() -> String {
    let mut out = String::from(
        "version = 1\n[stack]\nname = \"bench\"\nowns = [\"workspace:bench\"]\nsecrets = { sink = { dir = \"secrets\" } }\n[workspaces.bench]\nname = \"Bench\"\n",
    );
    for g in 0..GUARDRAILS {
        out += &format!("[guardrails.cap-{g}]\nworkspace = \"bench\"\nlimit_usd = {g}\n");
    }
    for k in 0..KEYS {
        out += &format!(
            "[keys.svc-{k}]\nworkspace = \"bench\"\nlimit = {}\nguardrail = \"cap-{}\"\n",
            k % 50,
            k % GUARDRAILS
        );
    }
    out
}

struct Fixture {
    mock: MockServer,
    client: Client,
    desired: Desired,
    dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let mock = MockServer::builder()
        .seed(16)
        .start()
        .await
        .expect("the mock binds a loopback port");
    let client = client_for(&mock.base_url(), mock.management_key());
    let dir = tempfile::tempdir().expect("a temporary folder");
    let desired =
        parse(&dir.path().join("stack.toml"), &file_text()).expect("the bench file parses");
    Fixture {
        mock,
        client,
        desired,
        dir,
    }
}

/// Reads, plans, checks and applies, as `openrouter-mgmt apply` does.
async fn apply_once(f: &Fixture, parallelism: usize) {
    let live = read_live(&f.client, &f.desired).await.expect("reads");
    let plan = plan(&f.desired, &live).expect("plans");
    check(
        &plan,
        &Allow::default(),
        live_in_owned_scopes(&f.desired, &live),
    )
    .expect("nothing to refuse");
    let options = ApplyOptions {
        parallelism,
        base: f.dir.path().to_path_buf(),
        discard_secrets: false,
    };
    let report = apply(&f.client, &f.desired, &live, &plan, &options, &|_, _| {}).await;
    assert_eq!(report.exit_code(), 0, "{:?}", report.outcomes.first());
}

/// The pages a walk of every list `live` was read from needs at the least (see the comment inside).
fn minimum_pages(live: &Live) -> usize {
    // Every list the plan reads needs at least one page, and one per 100 items; `GET /keys` sends no
    // `total_count` (the overlay's `paging.list`), so a full last page needs an empty one after it to be known last.
    let pages = |kind: &str, items: usize| {
        let closing = usize::from(kind == "key" && items > 0 && items.is_multiple_of(PAGE));
        items.div_ceil(PAGE).max(1) + closing
    };
    let mut total = pages("assignment", live.assignments.len());
    for (kind, objects) in &live.objects {
        let scoped = openrouter_mgmt_declare::kind(kind).is_some_and(|k| k.scope_param.is_some());
        if scoped {
            for workspace in &live.read_workspaces {
                let items = objects
                    .iter()
                    .filter(|o| o.get("workspace_id").as_str() == Some(workspace.as_str()))
                    .count();
                total += pages(kind, items);
            }
        } else {
            total += pages(kind, objects.len());
        }
    }
    total
}

/// Requests by kind: creates (`POST` of an object), bulk chunks (`POST …/assignments/…`), the rest by method.
fn classify(requests: &[RecordedRequest]) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for r in requests {
        let class = match r.method.as_str() {
            "POST" if r.path.contains("/assignments/") => "bulk_chunk",
            "POST" => "create",
            "GET" => "get",
            "PATCH" => "update",
            "DELETE" => "delete",
            _ => "other",
        };
        *out.entry(class).or_insert(0) += 1;
    }
    out
}

fn plan_unchanged(c: &mut Criterion, runtime: &Runtime) {
    let f = runtime.block_on(async {
        let f = fixture().await;
        apply_once(&f, 8).await;
        f
    });
    f.mock.clear_requests();
    let live = runtime
        .block_on(read_live(&f.client, &f.desired))
        .expect("reads");
    let planned = plan(&f.desired, &live).expect("plans");
    assert!(planned.is_empty(), "the account is unchanged");
    let requests = f.mock.requests();
    let classes = classify(&requests);
    let pages = minimum_pages(&live);
    let mut by_path: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &requests {
        *by_path.entry(r.path.as_str()).or_insert(0) += 1;
    }
    eprintln!("plan_unchanged: requests by path {by_path:?}");
    eprintln!(
        "plan_unchanged: {} requests {classes:?} for {} workspaces, {} guardrails, {} keys, {} assignments = {pages} \
         list pages at the least (every list read, {PAGE} items a page): ratio {:.3}",
        requests.len(),
        live.of("workspace").len(),
        live.of("guardrail").len(),
        live.of("key").len(),
        live.assignments.len(),
        requests.len() as f64 / pages as f64
    );
    assert_eq!(classes.get("get"), Some(&requests.len()), "only GETs");
    let mut group = c.benchmark_group(format!("declare/plan_unchanged_{KEYS}_keys"));
    group.sample_size(10);
    group.bench_function("read_and_plan", |b| {
        b.iter(|| {
            let live = runtime
                .block_on(read_live(&f.client, &f.desired))
                .expect("reads");
            f.mock.clear_requests();
            plan(&f.desired, &live).expect("plans")
        });
    });
    group.finish();
}

/// Applies from empty on a fresh mock per iteration (started outside the timing); returns the last iteration's
/// requests.
fn bench_apply(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    runtime: &Runtime,
    name: &str,
    parallelism: usize,
    latency: Option<Duration>,
) -> (Vec<Duration>, Vec<RecordedRequest>) {
    let mut times = Vec::new();
    let mut last = Vec::new();
    group.bench_function(name, |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let f = runtime.block_on(fixture());
                f.mock.faults().set_latency(latency);
                let started = Instant::now();
                runtime.block_on(apply_once(&f, parallelism));
                let elapsed = started.elapsed();
                total += elapsed;
                times.push(elapsed);
                last = f.mock.requests();
                assert_eq!(f.mock.key_count(), KEYS);
            }
            total
        });
    });
    (times, last)
}

fn apply_from_empty(c: &mut Criterion, runtime: &Runtime) {
    let mut group = c.benchmark_group(format!("declare/apply_from_empty_{KEYS}_keys"));
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    let (_, requests) = bench_apply(&mut group, runtime, "no_latency_parallelism_8", 8, None);
    let classes = classify(&requests);
    let writes = classes.get("create").copied().unwrap_or(0)
        + classes.get("bulk_chunk").copied().unwrap_or(0);
    eprintln!(
        "apply_from_empty: {} requests {classes:?}; creates + bulk chunks = {writes}: ratio {:.3}",
        requests.len(),
        requests.len() as f64 / writes as f64
    );
    group.finish();

    let mut group = c.benchmark_group(format!(
        "declare/apply_from_empty_{KEYS}_keys/latency_{}ms",
        LATENCY.as_millis()
    ));
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(40));
    for parallelism in [4, 8] {
        let (mut times, requests) = bench_apply(
            &mut group,
            runtime,
            &format!("parallelism_{parallelism}"),
            parallelism,
            Some(LATENCY),
        );
        times.sort_unstable();
        let Some(&median) = times.get(times.len() / 2) else {
            continue;
        };
        report_against_bounds(parallelism, median, times.len(), &requests);
    }
    group.finish();
}

/// The median apply against two lower bounds: every request `LATENCY` long with `parallelism` always in flight;
/// and the same respecting the order an apply must keep (the reads before the writes, the workspace before what
/// lives in it, the objects before their assignments), in whole rounds of `parallelism`.
fn report_against_bounds(
    parallelism: usize,
    median: Duration,
    samples: usize,
    requests: &[RecordedRequest],
) {
    let classes = classify(requests);
    let naive = LATENCY.mul_f64(requests.len() as f64 / parallelism as f64);
    let count = |class: &str| classes.get(class).copied().unwrap_or(0);
    // Reads (workspaces, then what the workspace holds), the workspace, its objects, then the chunks.
    let objects = count("create") + count("update") - 1;
    let rounds = count("get")
        + 1
        + objects.div_ceil(parallelism)
        + count("bulk_chunk").div_ceil(parallelism);
    let ordered = LATENCY * u32::try_from(rounds).unwrap_or(u32::MAX);
    eprintln!(
        "parallelism {parallelism}: median apply {:.0} ms over {samples} applies; {} requests {classes:?}; \
         ratio {:.3} to requests x {} ms / {parallelism} = {:.0} ms; ratio {:.3} to the ordered bound ({rounds} rounds \
         = {:.0} ms)",
        ms(median),
        requests.len(),
        median.as_secs_f64() / naive.as_secs_f64(),
        LATENCY.as_millis(),
        ms(naive),
        median.as_secs_f64() / ordered.as_secs_f64(),
        ms(ordered),
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn declare(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    plan_unchanged(c, &runtime);
    apply_from_empty(c, &runtime);
}

criterion_group!(benches, declare);
criterion_main!(benches);
