//! End-to-end tests of the mock over real loopback sockets with a plain reqwest client, one binary for link time.

mod assignments;
mod auth;
mod churn;
mod churn_lists;
mod common;
mod coverage;
mod faults;
mod guardrails;
mod keys;
mod log_and_seed;
mod pagination;
mod snapshot;
