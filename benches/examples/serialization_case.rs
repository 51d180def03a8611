//! Runs one case of the serialization bench a given number of times, so that its instructions can be counted
//! under cachegrind: a figure that other builds on a shared machine cannot disturb, unlike criterion's wall clock.
//!
//! `serialization_case <decode|encode> <payload> <line> <iterations>`, with the payload and line named as in the
//! bench (e.g. `decode bulk_assign_10000 generated 20`). Count once with the iterations and once with 0 (payload
//! generation and setup only), subtract, and divide; see `benches/README.md`.

use std::hint::black_box;

use openrouter_mgmt_benches::{
    bulk_assign_body, floor, guardrail_page, key_assignment_page, key_page, sketch,
};
use openrouter_mgmt_gen::types;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn repeat<G, F>(direction: &str, line: &str, payload: &str, iterations: usize)
where
    G: DeserializeOwned + Serialize,
    F: DeserializeOwned + Serialize,
{
    match (direction, line) {
        ("decode", "generated") => decode::<G>(payload, iterations),
        ("decode", "floor_minimal_structs") => decode::<F>(payload, iterations),
        ("decode", "serde_json_value") => decode::<serde_json::Value>(payload, iterations),
        ("decode", "generated_facade_path") => {
            for _ in 0..iterations {
                let mut de = serde_json::Deserializer::from_slice(black_box(payload.as_bytes()));
                black_box(serde_path_to_error::deserialize::<_, G>(&mut de).unwrap());
            }
        }
        ("decode", "sketch_newtype_validated_in_place") => {
            decode::<sketch::BulkAssign>(payload, iterations);
        }
        ("encode", "generated") => encode::<G>(payload, iterations),
        ("encode", "floor_minimal_structs") => encode::<F>(payload, iterations),
        ("encode", "serde_json_value") => encode::<serde_json::Value>(payload, iterations),
        _ => panic!("unknown case {direction} {line}"),
    }
}

fn decode<T: DeserializeOwned>(payload: &str, iterations: usize) {
    for _ in 0..iterations {
        black_box(serde_json::from_str::<T>(black_box(payload)).unwrap());
    }
}

fn encode<T: DeserializeOwned + Serialize>(payload: &str, iterations: usize) {
    let value: T = serde_json::from_str(payload).unwrap();
    for _ in 0..iterations {
        black_box(serde_json::to_vec(black_box(&value)).unwrap());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [direction, payload, line, iterations] = args.as_slice() else {
        panic!("usage: serialization_case <decode|encode> <payload> <line> <iterations>");
    };
    let n: usize = iterations.parse().expect("a number of iterations");
    let (direction, line) = (direction.as_str(), line.as_str());
    match payload.as_str() {
        "guardrails_page_100" => repeat::<types::ListGuardrailsResponse, floor::GuardrailPage>(
            direction,
            line,
            &guardrail_page(100),
            n,
        ),
        "key_assignments_page_100" => repeat::<
            types::ListKeyAssignmentsResponse,
            floor::KeyAssignmentPage,
        >(direction, line, &key_assignment_page(100), n),
        "keys_page_100" if line == "floor_with_typed_expires_at" => {
            repeat::<floor::KeyPageTypedExpiry, floor::KeyPageTypedExpiry>(
                direction,
                "generated",
                &key_page(100),
                n,
            )
        }
        "keys_page_100" => {
            repeat::<types::ListResponse, floor::KeyPage>(direction, line, &key_page(100), n);
        }
        "bulk_assign_10000" => repeat::<types::BulkAssignKeysRequest, floor::BulkAssign>(
            direction,
            line,
            &bulk_assign_body(10_000),
            n,
        ),
        other => panic!("unknown payload {other}"),
    }
}
