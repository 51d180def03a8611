//! Starting and stopping the mock: [`MockServer`] and its builder, the accept loop on loopback, and one task per
//! connection that can drop its connection on purpose. Dropping the handle stops everything.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use openrouter_mgmt_gen::OperationId;
use openrouter_mgmt_gen::ids::{GuardrailId, UserId};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::{JoinHandle, JoinSet};
use uuid::Uuid;

use crate::churn::Churn;
use crate::faults::{FaultRule, Faults, Route};
use crate::lifetimes::ItemLifetime;
use crate::pipeline::{self, Shared};
use crate::request_log::{RecordedRequest, RequestLog};
use crate::routes::BASE_PATH;
use crate::seed::{self, SeedConfig};

/// A running mock of the management API on `127.0.0.1`. Stops when dropped.
#[derive(Debug)]
pub struct MockServer {
    address: SocketAddr,
    shared: Arc<Shared>,
    management_key: String,
    non_management_key: String,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

/// Configures a [`MockServer`]: seed, amount of data, keys and faults.
#[derive(Debug, Clone)]
#[must_use]
pub struct MockServerBuilder {
    config: SeedConfig,
    port: u16,
    rules: Vec<FaultRule>,
    churn: Vec<(Route, Churn)>,
    jitter: Option<Duration>,
    snapshot: Option<crate::Snapshot>,
}

impl MockServer {
    /// Starts an empty mock (seed 0, no keys or guardrails, members `user_1`..`user_10`) on a free port.
    ///
    /// # Errors
    /// If no loopback port can be bound.
    pub async fn start() -> io::Result<Self> {
        Self::builder().start().await
    }

    /// A builder for a seeded or otherwise configured mock.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            config: SeedConfig::default(),
            port: 0,
            rules: Vec::new(),
            churn: Vec::new(),
            jitter: None,
            snapshot: None,
        }
    }

    /// The base URL to give a client, e.g. `http://127.0.0.1:49152/api/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}{BASE_PATH}", self.address)
    }

    /// The socket address the mock listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The management key (`sk-or-v1-…`): a bearer token that may run every operation.
    pub fn management_key(&self) -> &str {
        &self.management_key
    }

    /// A valid key that is not a management key: `GET /key` works, every other operation answers 403.
    pub fn non_management_key(&self) -> &str {
        &self.non_management_key
    }

    /// The fault controls (rules, failure rate, latency).
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Sets (or with `None` removes) the churn of the list requests that match `route` (see
    /// [`MockServerBuilder::churn`]), replacing the churn it had and restarting its count of requests.
    ///
    /// # Panics
    /// If `churn.every` is 0.
    pub fn set_churn(&self, route: impl Into<Route>, churn: Option<Churn>) {
        self.shared.state().churn.set(route.into(), churn);
    }

    /// Every item the list behind `route` has ever held, with the ticks ([`RecordedRequest::tick`]) it was
    /// born and died at: the ground truth of a walk. The items a walk must yield are those
    /// [`ItemLifetime::present_throughout`] the first and last ticks of its requests. Tracked for every list from
    /// the start, with churn or without: seeded items are born at 0, an item created or deleted by a request at
    /// that request's tick, by churn at the tick of the request it came before.
    ///
    /// Ids and scopes, per list (ids as the list's items spell their identity, i.e. the generated
    /// `ListOperation::item_id`):
    ///
    /// | route | id | scope |
    /// |---|---|---|
    /// | `GET /keys` | `hash` | the default workspace's keys, enabled ones only (a disabled key is dead until enabled again) |
    /// | `GET /guardrails`, `GET /byok`, `GET /observability/destinations` | `id` | the default workspace's |
    /// | `GET /guardrails/assignments/keys` (`…/members`) | `id` | every assignment |
    /// | `GET /guardrails/{id}/assignments/keys` (`…/members`) | `id` | the guardrail a concrete path names; every assignment for a wildcard (`{id}`, `*`) or the operation's name |
    /// | `GET /workspaces` | `id` | every workspace |
    /// | `GET /workspaces/{id}/members` | `id` (the membership's) | the workspace a concrete path names (id or slug); the default workspace for a wildcard or the operation's name |
    /// | `GET /organization/members` | `id` (the user id) | the owner and every member |
    /// | `GET /external-users` | `user` | active users (deleting one deactivates it: it dies) |
    /// | `GET /private-providers` | `slug` | every provider |
    /// | `GET /scim/groups`, `GET /scim/group-mappings` | `id` | every one |
    ///
    /// A route that names several lists (`*`) gives all their lifetimes; one that names no list, none. An id that
    /// comes back (an external user registered again) has one lifetime per life.
    pub fn lifetimes(&self, route: impl Into<Route>) -> Vec<ItemLifetime> {
        crate::churning::lifetimes(&self.shared.state(), &route.into())
    }

    /// The organization's objects as a snapshot (secrets as reads show them), to load into another mock with
    /// [`MockServerBuilder::snapshot`].
    pub fn snapshot(&self) -> crate::Snapshot {
        self.shared.state().snapshot()
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.log.snapshot()
    }

    /// The requests received so far that match `route` (e.g. to count attempts of one operation).
    pub fn requests_to(&self, route: impl Into<Route>) -> Vec<RecordedRequest> {
        let route = route.into();
        self.requests()
            .into_iter()
            .filter(|r| route.matches_request(r))
            .collect()
    }

    /// Forgets the requests received so far.
    pub fn clear_requests(&self) {
        self.shared.log.clear();
    }

    /// The id of the default workspace, where keys and guardrails go unless a request names another.
    pub fn default_workspace_id(&self) -> Uuid {
        self.shared.state().default_workspace_id
    }

    /// The organization's member user ids (`user_1`, `user_2`, …).
    pub fn members(&self) -> Vec<UserId> {
        self.shared.state().members().to_vec()
    }

    /// How many API keys exist (in every workspace, disabled or not).
    pub fn key_count(&self) -> usize {
        self.shared.state().keys().count()
    }

    /// How many guardrails exist (in every workspace).
    pub fn guardrail_count(&self) -> usize {
        self.shared.state().guardrails().count()
    }

    /// The guardrail a key (by hash: a `&str` or a `KeyHash`) is assigned to, if any.
    pub fn key_guardrail(&self, key_hash: impl AsRef<str>) -> Option<GuardrailId> {
        self.shared.state().key_guardrail(key_hash.as_ref())
    }

    /// The guardrail a member (by user id: a `&str` or a `UserId`) is assigned to, if any.
    pub fn member_guardrail(&self, user_id: impl AsRef<str>) -> Option<GuardrailId> {
        self.shared.state().member_guardrail(user_id.as_ref())
    }

    /// The operations of the spec this mock answers with 501 because it has no behaviour for them yet (see
    /// [`operations_without_behaviour`](crate::operations_without_behaviour)).
    pub fn operations_without_behaviour(&self) -> Vec<OperationId> {
        crate::dispatch::operations_without_behaviour()
    }

    /// Stops the server and waits until its listener and connections are closed.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            // Aborting the accept loop drops its JoinSet, which aborts every connection task.
            task.abort();
        }
    }
}

impl MockServerBuilder {
    /// The seed every id, hash, key and random fault is drawn from (default 0).
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }

    /// How many API keys to start with (default 0). Names `Seed key 1`…; about one in ten is disabled.
    pub fn keys(mut self, n: usize) -> Self {
        self.config.keys = n;
        self
    }

    /// How many guardrails to start with (default 0), named `Seed guardrail 1`….
    pub fn guardrails(mut self, n: usize) -> Self {
        self.config.guardrails = n;
        self
    }

    /// How many organization members to start with (default 10): `user_1`..`user_n`.
    pub fn members(mut self, n: usize) -> Self {
        self.config.members = n;
        self
    }

    /// Assigns the first `n` seeded keys to seeded guardrails (picked by the seed). Needs guardrails.
    pub fn assigned_keys(mut self, n: usize) -> Self {
        self.config.assigned_keys = n;
        self
    }

    /// Assigns the first `n` members to seeded guardrails (picked by the seed). Needs guardrails.
    pub fn assigned_members(mut self, n: usize) -> Self {
        self.config.assigned_members = n;
        self
    }

    /// How many workspaces to start with (default 0): `seed-workspace-1`…, besides the default one.
    pub fn workspaces(mut self, n: usize) -> Self {
        self.config.resources.workspaces = n;
        self
    }

    /// How many BYOK provider keys to start with (default 0).
    pub fn byok_keys(mut self, n: usize) -> Self {
        self.config.resources.byok_keys = n;
        self
    }

    /// How many external users to start with (default 0): `seed-user-1`….
    pub fn external_users(mut self, n: usize) -> Self {
        self.config.resources.external_users = n;
        self
    }

    /// How many private providers to start with (default 0): `seed-provider-1`….
    pub fn private_providers(mut self, n: usize) -> Self {
        self.config.resources.private_providers = n;
        self
    }

    /// How many observability destinations (webhooks) to start with (default 0).
    pub fn destinations(mut self, n: usize) -> Self {
        self.config.resources.destinations = n;
        self
    }

    /// Uses this management key instead of one derived from the seed.
    pub fn management_key(mut self, key: impl Into<String>) -> Self {
        self.config.management_key = Some(key.into());
        self
    }

    /// Listens on this loopback port instead of a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Installs a fault rule before the first request.
    pub fn fault(mut self, rule: FaultRule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Changes the list behind `route` before its requests (see [`Churn`]; the lists it can change are
    /// [`Churn::OPERATIONS`]; the first matching rule counts a request). [`MockServer::lifetimes`] gives every
    /// item's lifetime, with churn or without.
    ///
    /// # Panics
    /// If `churn.every` is 0.
    pub fn churn(mut self, route: impl Into<Route>, churn: Churn) -> Self {
        assert!(
            churn.every >= 1,
            "a churn's `every` must be at least 1 (1 = every request)"
        );
        self.churn.push((route.into(), churn));
        self
    }

    /// Holds each answer back for a random time up to `max` after it was served (see [`Faults::set_jitter`]).
    pub fn jitter(mut self, max: Duration) -> Self {
        self.jitter = Some(max);
        self
    }

    /// Loads these objects (their ids kept) after seeding: a copy of an account to rehearse changes against.
    pub fn snapshot(mut self, snapshot: crate::Snapshot) -> Self {
        self.snapshot = Some(snapshot);
        self
    }

    /// Binds `127.0.0.1:<port>` and starts serving. Must be called inside a Tokio runtime.
    ///
    /// # Errors
    /// If the port cannot be bound, or a snapshot does not load.
    pub async fn start(self) -> io::Result<MockServer> {
        let listener =
            TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))).await?;
        let address = listener.local_addr()?;
        let mut state = seed::build(&self.config);
        if let Some(snapshot) = &self.snapshot {
            state
                .load_snapshot(snapshot)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        }
        for (route, churn) in self.churn {
            state.churn.set(route, Some(churn));
        }
        // Everything seeded is born at tick 0.
        crate::churning::observe_all(&mut state);
        let (management_key, non_management_key) = (
            state.management_key.clone(),
            state.non_management_key.clone(),
        );
        let faults = Faults::new(self.config.seed);
        for rule in self.rules {
            faults.add(rule);
        }
        faults.set_jitter(self.jitter);
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            faults,
            log: RequestLog::default(),
            shutdown: stopped.clone(),
        });
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared), stopped));
        Ok(MockServer {
            address,
            shared,
            management_key,
            non_management_key,
            stop,
            task: Some(task),
        })
    }
}

/// Accepts connections until told to stop; returning drops (and so aborts) every connection task.
async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    let for_connections = stopped.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&shared), for_connections.clone()));
                }
                // Out of file descriptors or similar: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = pipeline::stopping(&mut stopped) => break,
        }
    }
}

/// Serves HTTP/1.1 on one connection until the client leaves, a fault hangs up, or the server stops.
async fn serve_connection(
    stream: TcpStream,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let kill = Arc::new(Notify::new());
    let service_kill = Arc::clone(&kill);
    let service = hyper::service::service_fn(move |request| {
        pipeline::handle(Arc::clone(&shared), Arc::clone(&service_kill), request)
    });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = connection => {}
        () = kill.notified() => {}
        () = pipeline::stopping(&mut stopped) => {}
    }
}
