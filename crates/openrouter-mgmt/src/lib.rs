//! The openrouter-mgmt facade: a safe, typed client for OpenRouter's management API, built on the generated
//! `openrouter-mgmt-gen` types.
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod account;
mod amounts;
mod analytics;
mod bulk;
mod byok;
mod client;
mod config;
mod engine;
mod error;
mod external_users;
mod groups;
mod guardrails;
mod keys;
mod listing;
mod observability;
mod pagination;
mod private_endpoints;
mod private_providers;
mod redact;
mod retry;
mod retry_budget;
mod scim;
mod secret;
mod workspaces;

pub use account::{Credits, GenerationFeedback, Generations, Organization};
pub use analytics::{ActivityFilter, Analytics, AnalyticsQuery};
pub use bulk::{BulkOutcome, DEFAULT_CHUNK_SIZE};
pub use byok::{Byok, ByokFilter, ByokKeyUpdate, NewByokKey};
pub use client::{CallOptions, CallReport, Client, Response, WithOptions};
pub use config::{ClientBuilder, DEFAULT_BASE_URL, http_client_builder};
pub use engine::USER_AGENT;
pub use error::{Error, TransportKind};
pub use external_users::{ExternalUserFilter, ExternalUsers};
pub use guardrails::Guardrails;
pub use keys::{CreatedKey, KeyFilter, Keys};
pub use observability::{
    Destination, DestinationFilter, DestinationUpdate, NewDestination, Observability,
};
pub use pagination::{MAX_CONCURRENCY, MAX_PAGE_SIZE, Page, Pages, Paginator};
pub use private_endpoints::{
    NewPrivateEndpoint, PrivateEndpointPricing, PrivateEndpointUpdate, PrivateEndpoints,
};
pub use private_providers::{NewPrivateProvider, PrivateProviderUpdate, PrivateProviders};
pub use retry::RetryPolicy;
pub use retry_budget::{RetryBudget, RetryBudgetBuilder};
pub use scim::{NewScimGroupMapping, Scim, ScimGroupFilter};
pub use secret::ApiKey;
pub use workspaces::{NewWorkspace, WorkspaceBudgetSettings, WorkspaceUpdate, Workspaces};

/// A field of an update body: leave it, set it, or clear it (explicit `null`).
pub use openrouter_mgmt_gen::Patch;
/// Typed ids: the same types in responses and in the methods that take them back.
pub use openrouter_mgmt_gen::ids::{GuardrailId, KeyHash, UserId};
/// The generated operation layer: the trait every operation implements, the one list operations add, what the
/// spec and overlay say about each operation, and the list of all of them.
pub use openrouter_mgmt_gen::{
    Invalid, ListOperation, OPERATIONS, Operation, OperationId, OperationInfo, Replay, Validate,
};
/// A secret in a request or response body (a created key's plaintext): never printed.
pub use openrouter_mgmt_gen::{SecretMap, SecretString};

/// Every operation under `openapi/` as a typed struct (named by its operationId); send one with
/// [`Client::send`], or stream a list with [`Client::paginate`].
pub use openrouter_mgmt_gen::ops;

/// The API's request and response types (generated from the OpenAPI description). Request bodies have a
/// constructor with their required fields and a setter per optional field (`clear_*` where an update can clear).
pub use openrouter_mgmt_gen::types;

/// A new API key for [`Keys::create`]: `NewKey::new("name").limit(25.0)`.
pub type NewKey = types::CreateKeysBody;
/// Changes to an API key for [`Keys::update`]: `KeyUpdate::new().name("n").clear_limit()`.
pub type KeyUpdate = types::UpdateKeysBody;
/// A new guardrail for [`Guardrails::create`]: `NewGuardrail::new("EU only").limit_usd(100.0)`.
pub type NewGuardrail = types::CreateGuardrailRequest;
/// Changes to a guardrail for [`Guardrails::update`]: `GuardrailUpdate::new().clear_limit_usd()`.
pub type GuardrailUpdate = types::UpdateGuardrailRequest;

/// The API's string enums; each keeps values newer than this crate as `Unknown(String)`.
pub use openrouter_mgmt_gen::open_enums;

/// A `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
