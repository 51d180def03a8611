//! A stateful, in-memory fake of OpenRouter's management API with fault injection, for testing provisioning code.
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod assignments;
mod auth;
mod body;
mod errors;
mod faults;
mod guardrails;
mod keys;
mod pagination;
mod pipeline;
mod render;
mod request_log;
mod rng;
mod routes;
mod seed;
mod server;
mod state;

pub use faults::{Fault, FaultParseError, FaultRule, Faults, Route};
pub use request_log::RecordedRequest;
pub use routes::{BASE_PATH, Operation, UnknownOperation};
pub use server::{MockServer, MockServerBuilder};
