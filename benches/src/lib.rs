//! Shared pieces of the benchmarks: deterministic payloads, the hand-written floor types and fix sketches for the
//! serialization bench, and the paging workload (mock, client, one walk of a list) for the paging benches.

pub mod floor;
mod paging;
mod payloads;
pub mod sketch;

pub use paging::{PagingFixture, WINDOWS, Window, client_for, start_mock, stream_key_assignments};
pub use payloads::{
    bulk_assign_body, guardrail_page, key_assignment, key_assignment_page, key_hash, key_page,
};
