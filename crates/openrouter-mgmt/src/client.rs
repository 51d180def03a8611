//! The [`Client`] handle, its per-call options, and how a client is made from a validated configuration and
//! hands each call to the request engine.

use std::fmt;
use std::sync::Arc;

use openrouter_mgmt_gen::Operation;

use crate::config::{ClientBuilder, Settings};
use crate::engine::{Endpoint, Engine, Request};
use crate::error::Error;
use crate::retry::{Jitter, RetryPolicy};
use crate::retry_budget::RetryBudget;

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
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    /// The default policy of every call; [`CallOptions`] may override it.
    retry_policy: RetryPolicy,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.engine.endpoint.base_url)
            .field("key", &self.inner.engine.endpoint.key)
            .field("retry_policy", &self.inner.retry_policy)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Validates everything and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        Ok(Client::from_settings(self.validate()?))
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

    fn from_settings(settings: Settings) -> Self {
        let endpoint = Endpoint {
            http: settings.http,
            base_url: settings.base_url,
            key: settings.key,
            extra_headers: settings.extra_headers,
        };
        let engine = Engine {
            endpoint,
            request_timeout: settings.request_timeout,
            budget: settings.budget,
            jitter: Jitter::new(settings.jitter_seed),
        };
        Self {
            inner: Arc::new(Inner {
                engine,
                retry_policy: settings.retry_policy,
            }),
        }
    }

    /// The base URL requests go to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.inner.engine.endpoint.base_url
    }

    /// The client-wide retry budget.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.inner.engine.budget
    }

    /// Sends any generated operation through the engine, with the client's retry policy: the generic entry point
    /// for every operation under `openapi/`, including those without a method of their own on a group accessor.
    ///
    /// The operation's arguments are checked against the spec's constraints before anything is sent
    /// ([`Error::InvalidInput`]); it is then retried under its replay class, within the deadline and the retry
    /// budget, and its answer decoded into the generated response type.
    ///
    /// ```no_run
    /// # async fn demo(client: &openrouter_mgmt::Client) -> Result<(), openrouter_mgmt::Error> {
    /// use openrouter_mgmt::ops;
    /// let me = client.send(&ops::GetCurrentKey::new()).await?;
    /// println!("{}", me.data.label);
    /// # Ok(()) }
    /// ```
    pub async fn send<O: Operation>(&self, operation: &O) -> Result<O::Response, Error> {
        self.send_with(operation, &CallOptions::default()).await
    }

    /// [`send`](Self::send) with per-call overrides (retry policy, replay opt-in).
    pub async fn send_with<O: Operation>(
        &self,
        operation: &O,
        options: &CallOptions,
    ) -> Result<O::Response, Error> {
        let request = Request::from_operation(operation)?;
        self.inner
            .engine
            .execute(
                &request,
                options.policy(self),
                options.allow_unsafe_replay,
                O::assumed_done,
            )
            .await
    }
}

/// Per-call overrides, applied with `client.keys().with_options(..)`, `client.guardrails().with_options(..)` or
/// [`Client::send_with`].
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
