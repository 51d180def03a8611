//! The [`Client`] handle, its per-call options, and the accessors for each API group.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};

use crate::config::ClientBuilder;
use crate::error::Error;
use crate::guardrails::Guardrails;
use crate::keys::Keys;
use crate::retry::{Jitter, RetryPolicy};
use crate::retry_budget::RetryBudget;
use crate::secret::ApiKey;

/// A client for the OpenRouter management API. Cheap to clone; clones share the connection pool and the
/// retry budget.
///
/// ```no_run
/// # async fn demo() -> Result<(), openrouter_mgmt::Error> {
/// let client = openrouter_mgmt::Client::from_env()?;
/// let me = client.keys().current().await?;
/// println!("{} (management key: {})", me.label, me.is_management_key);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) key: ApiKey,
    pub(crate) extra_headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) retry_policy: RetryPolicy,
    pub(crate) budget: RetryBudget,
    pub(crate) jitter: Jitter,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("key", &self.inner.key)
            .field("retry_policy", &self.inner.retry_policy)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: `OPENROUTER_MANAGEMENT_KEY` (falling back to
    /// `OPENROUTER_API_KEY`) and, when set, `OPENROUTER_BASE_URL`.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().with_env()?.build()
    }

    /// The base URL requests go to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The client-wide retry budget.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.inner.budget
    }

    /// API keys: the current key, and listing, creating, reading, updating and deleting keys.
    pub fn keys(&self) -> Keys<'_> {
        Keys::new(self, CallOptions::default())
    }

    /// Guardrails and their key and member assignments.
    pub fn guardrails(&self) -> Guardrails<'_> {
        Guardrails::new(self, CallOptions::default())
    }
}

/// Per-call overrides, applied with `client.keys().with_options(..)` or `client.guardrails().with_options(..)`.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    pub(crate) retry_policy: Option<RetryPolicy>,
    pub(crate) allow_unsafe_replay: bool,
    pub(crate) bulk_chunk_size: Option<usize>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> Self {
        Self::default()
    }

    /// Uses this retry policy instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = Some(policy);
        self
    }

    /// Lets a create be replayed after a timeout or a 5xx, when the first attempt may have reached the server.
    /// Off by default: a replayed create can leave a second guardrail, or a second live key nobody holds. Turn it
    /// on only when you will reconcile duplicates yourself.
    pub fn allow_unsafe_replay(mut self, allow: bool) -> Self {
        self.allow_unsafe_replay = allow;
        self
    }

    /// How many ids a bulk assign/unassign sends per request (default 100, at least 1).
    pub fn bulk_chunk_size(mut self, size: usize) -> Self {
        self.bulk_chunk_size = Some(size);
        self
    }

    pub(crate) fn policy<'a>(&'a self, client: &'a Client) -> &'a RetryPolicy {
        self.retry_policy
            .as_ref()
            .unwrap_or(&client.inner.retry_policy)
    }
}
