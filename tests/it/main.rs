//! The workspace's single integration-test binary (one binary keeps link time down): end-to-end tests of the
//! clients against loopback HTTP servers, one module per area. `generated_*`, `path_encoding` and `fixtures` test the
//! generated client against recording servers; `e2e_*` drive the facade against the stateful mock.

mod e2e_assignments;
mod e2e_bad_input;
mod e2e_faults;
mod e2e_guardrails;
mod e2e_keys;
mod e2e_pagination;
mod e2e_retries;
mod e2e_support;
mod fixtures;
mod generated_client;
mod generated_errors;
mod loopback;
mod path_encoding;
