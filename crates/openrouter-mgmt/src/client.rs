//! The [`Client`] handle, its per-call options and the view that applies them ([`WithOptions`]), and how a client
//! is made from a validated configuration and hands each call to the request engine.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use openrouter_mgmt_gen::{ListOperation, Operation};

use crate::config::{ClientBuilder, Settings};
use crate::engine::{
    CallStats, Decoder, Endpoint, Engine, Request, call_finished, decode, decode_page,
};
use crate::error::Error;
use crate::pagination::RawPage;
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

    /// [`send`](Self::send) with per-call overrides (retry policy, replay opt-in, observer).
    pub async fn send_with<O: Operation>(
        &self,
        operation: &O,
        options: &CallOptions,
    ) -> Result<O::Response, Error> {
        self.send_with_meta(operation, options)
            .await
            .map(Response::into_value)
    }

    /// [`send_with`](Self::send_with), also returning how many attempts the call took and how long.
    ///
    /// ```no_run
    /// # async fn demo(client: &openrouter_mgmt::Client) -> Result<(), openrouter_mgmt::Error> {
    /// use openrouter_mgmt::{CallOptions, ops};
    /// let me = client.send_with_meta(&ops::GetCurrentKey::new(), &CallOptions::new()).await?;
    /// println!("{} after {} attempt(s) in {:?}", me.value.data.label, me.attempts, me.elapsed);
    /// # Ok(()) }
    /// ```
    pub async fn send_with_meta<O: Operation>(
        &self,
        operation: &O,
        options: &CallOptions,
    ) -> Result<Response<O::Response>, Error> {
        self.call(operation, options, decode::<O::Response>, O::assumed_done)
            .await
    }

    /// Sends one page request of a list operation and decodes its answer as a page, keeping the good items of a
    /// page where some are malformed (see [`Error::ItemDecode`]).
    pub(crate) async fn send_page<L: ListOperation>(
        &self,
        operation: &L,
        options: &CallOptions,
    ) -> Result<RawPage<L::Item>, Error> {
        self.call(operation, options, decode_page::<L>, || None)
            .await
            .map(Response::into_value)
    }

    /// Every call's road: the request built from `operation`, sent through the engine, its success body read with
    /// `decode`, and the call reported (a `tracing` event and the options' observer).
    async fn call<O: Operation, T>(
        &self,
        operation: &O,
        options: &CallOptions,
        decode: Decoder<T>,
        assumed_done: fn() -> Option<T>,
    ) -> Result<Response<T>, Error> {
        let started = tokio::time::Instant::now();
        let (result, stats) = match Request::from_operation(operation) {
            Ok(request) => {
                self.inner
                    .engine
                    .execute(
                        &request,
                        options.policy(self),
                        options.allow_unsafe_replay,
                        decode,
                        assumed_done,
                    )
                    .await
            }
            Err(error) => (
                Err(error),
                CallStats {
                    attempts: 0,
                    elapsed: started.elapsed(),
                    status: None,
                },
            ),
        };
        call_finished(O::INFO.name, &result, &stats);
        if let Some(observer) = &options.observer {
            observer(&CallReport {
                operation: O::INFO.name,
                attempts: stats.attempts,
                elapsed: stats.elapsed,
                status: stats.status,
                error: result.as_ref().err(),
            });
        }
        result.map(|value| Response {
            value,
            attempts: stats.attempts,
            elapsed: stats.elapsed,
        })
    }

    /// A view of this client that applies `options` to every call made through it: the same group accessors
    /// (`keys()`, `guardrails()`, ...), [`send`](WithOptions::send) and [`paginate`](WithOptions::paginate).
    /// Cheap: a reference to the client and the options (a few words, and an `Arc` for an observer).
    ///
    /// ```no_run
    /// # async fn demo(client: &openrouter_mgmt::Client) -> Result<(), openrouter_mgmt::Error> {
    /// use openrouter_mgmt::{CallOptions, NewKey, RetryPolicy};
    /// let patient = client.with_options(CallOptions::new().retry_policy(RetryPolicy::default().with_max_retries(8)));
    /// let created = patient.keys().create(NewKey::new("ci runner")).await?;
    /// let guardrails = patient.guardrails().list().collect_all().await?;
    /// # Ok(()) }
    /// ```
    pub fn with_options(&self, options: CallOptions) -> WithOptions<'_> {
        WithOptions {
            client: self,
            options,
        }
    }
}

/// A [`Client`] with per-call options applied to every call made through it; see [`Client::with_options`]. The
/// group accessors (`keys()`, `guardrails()`, ...) are defined once for both the client and this view, and every
/// group is a `WithOptions` underneath.
#[derive(Debug, Clone)]
pub struct WithOptions<'a> {
    client: &'a Client,
    options: CallOptions,
}

impl<'a> WithOptions<'a> {
    /// The client, with default options.
    pub(crate) fn defaults(client: &'a Client) -> Self {
        client.with_options(CallOptions::default())
    }

    /// The client calls go to.
    pub fn client(&self) -> &'a Client {
        self.client
    }

    /// The options applied to every call.
    pub fn options(&self) -> &CallOptions {
        &self.options
    }

    /// [`Client::send_with`] with these options.
    pub async fn send<O: Operation>(&self, operation: &O) -> Result<O::Response, Error> {
        self.client.send_with(operation, &self.options).await
    }

    /// [`Client::send_with_meta`] with these options.
    pub async fn send_with_meta<O: Operation>(
        &self,
        operation: &O,
    ) -> Result<Response<O::Response>, Error> {
        self.client.send_with_meta(operation, &self.options).await
    }
}

/// A successful call's value, with what it took: see [`Client::send_with_meta`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded answer.
    pub value: T,
    /// HTTP attempts made, the successful one included (1 when no retry was needed).
    pub attempts: u32,
    /// Time from the first attempt to the decoded answer, waits between attempts included.
    pub elapsed: Duration,
}

impl<T> Response<T> {
    /// The decoded answer alone.
    pub fn into_value(self) -> T {
        self.value
    }
}

/// What a finished call reports to the observer set with [`CallOptions::on_call_finished`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CallReport<'a> {
    /// The operation, e.g. `create_keys` (the spec's operationId in snake_case).
    pub operation: &'static str,
    /// HTTP attempts made (0 when the input was rejected before sending).
    pub attempts: u32,
    /// Time the call took, waits between attempts included.
    pub elapsed: Duration,
    /// The HTTP status of the last answer, if one came.
    pub status: Option<u16>,
    /// The error the call returns, or `None` when it succeeded.
    pub error: Option<&'a Error>,
}

/// A callback run when a call finishes.
type Observer = Arc<dyn Fn(&CallReport<'_>) + Send + Sync>;

/// Per-call overrides, applied with [`Client::with_options`] (to every call of the view it returns) or
/// [`Client::send_with`].
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) retry_policy: Option<RetryPolicy>,
    pub(crate) allow_unsafe_replay: bool,
    pub(crate) bulk_chunk_size: Option<usize>,
    observer: Option<Observer>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOptions")
            .field("retry_policy", &self.retry_policy)
            .field("allow_unsafe_replay", &self.allow_unsafe_replay)
            .field("bulk_chunk_size", &self.bulk_chunk_size)
            .field(
                "observer",
                &self.observer.as_ref().map(|_| "Fn(&CallReport)"),
            )
            .finish()
    }
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

    /// Runs `observer` when each call finishes, successful or not, with its attempts, time, last status and
    /// error: one report per request-level call (each page of a paginator, each chunk of a bulk call). It runs on
    /// the task that made the call, so it should be quick (e.g. record a metric).
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use std::sync::Arc;
    /// let retries = Arc::new(AtomicU32::new(0));
    /// let seen = Arc::clone(&retries);
    /// let options = openrouter_mgmt::CallOptions::new().on_call_finished(move |report| {
    ///     seen.fetch_add(report.attempts.saturating_sub(1), Ordering::Relaxed);
    /// });
    /// ```
    pub fn on_call_finished(
        mut self,
        observer: impl Fn(&CallReport<'_>) + Send + Sync + 'static,
    ) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    pub(crate) fn policy<'a>(&'a self, client: &'a Client) -> &'a RetryPolicy {
        self.retry_policy
            .as_ref()
            .unwrap_or(&client.inner.retry_policy)
    }
}
