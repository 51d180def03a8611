//! The openrouter-mgmt facade: a safe, typed client for OpenRouter's management API, built on the generated
//! `openrouter-mgmt-gen` types.
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod bulk;
mod client;
mod config;
mod engine;
mod error;
mod groups;
mod guardrails;
mod ids;
mod keys;
mod pagination;
mod retry;
mod retry_budget;
mod secret;
mod update;

pub use bulk::{BulkOutcome, DEFAULT_CHUNK_SIZE};
pub use client::{CallOptions, Client};
pub use config::{ClientBuilder, DEFAULT_BASE_URL, http_client_builder};
pub use engine::USER_AGENT;
pub use error::{Error, TransportKind};
pub use guardrails::Guardrails;
pub use ids::{GuardrailId, KeyHash, UserId};
pub use keys::{CreatedKey, KeyFilter, Keys};
pub use pagination::{ListItem, MAX_PAGE_SIZE, Page, Pages, Paginator};
pub use retry::RetryPolicy;
pub use retry_budget::RetryBudget;
pub use secret::{ApiKey, SecretString};
pub use update::{GuardrailUpdate, KeyUpdate, NewGuardrail, NewKey, Patch};

/// The API's request and response types (generated from the OpenAPI description).
pub use openrouter_mgmt_gen::types;

/// The API's string enums; each keeps values newer than this crate as `Unknown(String)`.
pub use openrouter_mgmt_gen::open_enums;

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
