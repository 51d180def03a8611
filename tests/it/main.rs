//! The workspace's single integration-test binary (one binary keeps link time down): end-to-end tests of the
//! facade against loopback HTTP servers, one module per area: `path_encoding` checks what the generated operation
//! layer puts on the wire against a recording server; `e2e_*` drive the facade against the stateful mock;
//! `coverage` lists the generated operations that lack mock behaviour or a contract scenario; `msrv` keeps the
//! declared `rust-version` equal to what the published crates' dependencies require.

mod coverage;
mod e2e_account;
mod e2e_assignments;
mod e2e_bad_input;
mod e2e_byok_and_users;
mod e2e_faults;
mod e2e_guardrails;
mod e2e_keys;
mod e2e_lenient;
mod e2e_observability;
mod e2e_outcomes;
mod e2e_pagination;
mod e2e_paging_guarantee;
mod e2e_private_endpoints;
mod e2e_providers_and_analytics;
mod e2e_retries;
mod e2e_scim;
mod e2e_support;
mod e2e_workspaces;
mod fixtures;
mod loopback;
mod msrv;
mod operation_names;
mod path_encoding;
