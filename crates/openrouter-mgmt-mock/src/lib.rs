//! A stateful, in-memory fake of OpenRouter's management API with fault injection, for testing provisioning code.
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod account;
mod analytics;
mod assignments;
mod auth;
mod body;
mod byok;
mod churn;
mod churn_targets;
mod churning;
mod dispatch;
mod errors;
mod external_users;
mod faults;
mod fields;
mod guardrails;
mod keys;
mod lifetimes;
mod list_kind;
mod merge;
mod observability;
mod pagination;
mod pipeline;
mod private_endpoint_store;
mod private_endpoints;
mod private_providers;
mod render;
mod request;
mod request_log;
mod rng;
mod routes;
mod scim;
mod scim_directory;
mod seed;
mod server;
mod snapshot;
mod state;
mod workspace_store;
mod workspaces;

pub use churn::{Churn, ChurnPosition, ChurnRule};
pub use dispatch::operations_without_behaviour;
pub use faults::{Fault, FaultParseError, FaultRule, Faults, Route};
pub use lifetimes::ItemLifetime;
/// Every operation of the spec, generated from `openapi/`: what [`Route`]s, fault rules and
/// [`RecordedRequest::operation`] name.
pub use openrouter_mgmt_gen::OperationId;
pub use request_log::RecordedRequest;
pub use routes::BASE_PATH;
pub use server::{MockServer, MockServerBuilder};
pub use snapshot::{Snapshot, SnapshotError};
