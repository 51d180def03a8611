//! Serialization cost: decoding and encoding API payloads with the generated types, next to the serde floor
//! (minimal hand-written structs) and `serde_json::Value`, in one group per payload so the ratios read straight
//! off the report.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use openrouter_mgmt_benches::{
    bulk_assign_body, floor, guardrail_page, key_assignment_page, key_page, sketch,
};
use openrouter_mgmt_gen::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::hint::black_box;

/// Decodes the way the facade's `engine::decode` does: directly from the bytes, with `serde_path_to_error` only
/// run again on a body that failed (to name its JSON path). Keep in step with
/// crates/openrouter-mgmt/src/engine/decode.rs.
fn decode_like_the_facade<T: DeserializeOwned>(bytes: &[u8]) -> T {
    match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(_) => {
            let mut de = serde_json::Deserializer::from_slice(bytes);
            serde_path_to_error::deserialize(&mut de).unwrap()
        }
    }
}

/// An extra line in a decode group: a sketch of what a proposed fix would cost.
type Sketch = (&'static str, fn(&str));

fn decode_group<G: DeserializeOwned, F: DeserializeOwned>(
    mut group: BenchmarkGroup<'_, WallTime>,
    payload: &str,
    sketches: &[Sketch],
) {
    group.throughput(Throughput::Bytes(payload.len() as u64));
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::from_str::<G>(black_box(payload)).unwrap())
    });
    group.bench_function("generated_facade_path", |b| {
        b.iter(|| decode_like_the_facade::<G>(black_box(payload.as_bytes())))
    });
    group.bench_function("floor_minimal_structs", |b| {
        b.iter(|| serde_json::from_str::<F>(black_box(payload)).unwrap())
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(payload)).unwrap())
    });
    for (name, decode) in sketches {
        group.bench_function(*name, |b| b.iter(|| decode(black_box(payload))));
    }
    group.finish();
}

/// Encodes values decoded from `payload`; throughput is counted in the payload's bytes for every line, so the
/// lines compare time for the same content.
fn encode_group<G, F>(mut group: BenchmarkGroup<'_, WallTime>, payload: &str)
where
    G: DeserializeOwned + Serialize,
    F: DeserializeOwned + Serialize,
{
    let generated: G = serde_json::from_str(payload).unwrap();
    let floor: F = serde_json::from_str(payload).unwrap();
    let value: serde_json::Value = serde_json::from_str(payload).unwrap();
    group.throughput(Throughput::Bytes(payload.len() as u64));
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::to_vec(black_box(&generated)).unwrap())
    });
    group.bench_function("floor_minimal_structs", |b| {
        b.iter(|| serde_json::to_vec(black_box(&floor)).unwrap())
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)).unwrap())
    });
    group.finish();
}

fn bench_payload<G, F>(c: &mut Criterion, name: &str, payload: &str, sketches: &[Sketch])
where
    G: DeserializeOwned + Serialize,
    F: DeserializeOwned + Serialize,
{
    decode_group::<G, F>(
        c.benchmark_group(format!("decode/{name}")),
        payload,
        sketches,
    );
    encode_group::<G, F>(c.benchmark_group(format!("encode/{name}")), payload);
}

fn guardrails_page_100(c: &mut Criterion) {
    bench_payload::<types::ListGuardrailsResponse, floor::GuardrailPage>(
        c,
        "guardrails_page_100",
        &guardrail_page(100),
        &[],
    );
}

fn key_assignments_page_100(c: &mut Criterion) {
    bench_payload::<types::ListKeyAssignmentsResponse, floor::KeyAssignmentPage>(
        c,
        "key_assignments_page_100",
        &key_assignment_page(100),
        &[],
    );
}

fn keys_page_100(c: &mut Criterion) {
    let payload = key_page(100);
    bench_payload::<types::ListResponse, floor::KeyPage>(
        c,
        "keys_page_100",
        &payload,
        &[("floor_with_typed_expires_at", |payload| {
            black_box(serde_json::from_str::<floor::KeyPageTypedExpiry>(payload).unwrap());
        })],
    );
    // The encode side of the same attribution, in its own group.
    let typed: floor::KeyPageTypedExpiry = serde_json::from_str(&payload).unwrap();
    let mut group = c.benchmark_group("encode/keys_page_100");
    group.throughput(Throughput::Bytes(payload.len() as u64));
    group.bench_function("floor_with_typed_expires_at", |b| {
        b.iter(|| serde_json::to_vec(black_box(&typed)).unwrap())
    });
    group.finish();
}

fn bulk_assign_10000(c: &mut Criterion) {
    bench_payload::<types::BulkAssignKeysRequest, floor::BulkAssign>(
        c,
        "bulk_assign_10000",
        &bulk_assign_body(10_000),
        &[("sketch_newtype_validated_in_place", |payload| {
            black_box(serde_json::from_str::<sketch::BulkAssign>(payload).unwrap());
        })],
    );
}

criterion_group!(
    benches,
    guardrails_page_100,
    key_assignments_page_100,
    keys_page_100,
    bulk_assign_10000
);
criterion_main!(benches);
