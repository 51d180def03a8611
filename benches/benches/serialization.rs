//! Serialization cost: decoding API payloads into the generated types, next to the serde floor (minimal
//! hand-written structs) and `serde_json::Value`, in one group so the ratios read straight off the report.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use openrouter_mgmt_benches::guardrail_page;
use serde::Deserialize;
use std::hint::black_box;

/// The floor: the fewest allocations serde_json can do for the same fields.
#[allow(dead_code)] // Fields exist to be decoded, not read.
#[derive(Deserialize)]
struct MinimalPage {
    data: Vec<MinimalGuardrail>,
    total_count: i64,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct MinimalGuardrail {
    id: String,
    name: String,
    description: Option<String>,
    limit_usd: Option<f64>,
    reset_interval: Option<String>,
    allowed_providers: Option<Vec<String>>,
    allowed_models: Option<Vec<String>>,
    ignored_providers: Option<Vec<String>>,
    ignored_models: Option<Vec<String>>,
    enforce_zdr: Option<bool>,
    enforce_zdr_anthropic: Option<bool>,
    enforce_zdr_openai: Option<bool>,
    enforce_zdr_google: Option<bool>,
    enforce_zdr_xai: Option<bool>,
    enforce_zdr_other: Option<bool>,
    content_filters: Option<Vec<MinimalFilter>>,
    content_filter_builtins: Option<Vec<MinimalBuiltin>>,
    include_byok_in_budgets: bool,
    enable_free_model_publication: Option<bool>,
    enable_free_model_training: Option<bool>,
    enable_paid_model_training: Option<bool>,
    workspace_id: Option<String>,
    created_at: String,
    updated_at: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct MinimalFilter {
    action: String,
    label: Option<String>,
    pattern: String,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct MinimalBuiltin {
    action: String,
    label: Option<String>,
    slug: String,
}

fn decode_guardrail_page(c: &mut Criterion) {
    let payload = guardrail_page(100);
    let mut group = c.benchmark_group("decode/guardrails_page_100");
    group.throughput(Throughput::Bytes(payload.len() as u64));
    group.bench_function("generated", |b| {
        b.iter(|| {
            serde_json::from_str::<openrouter_mgmt_gen::types::ListGuardrailsResponse>(black_box(
                &payload,
            ))
            .unwrap()
        })
    });
    group.bench_function("floor_minimal_structs", |b| {
        b.iter(|| serde_json::from_str::<MinimalPage>(black_box(&payload)).unwrap())
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&payload)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, decode_guardrail_page);
criterion_main!(benches);
