//! Applying a plan on one client (so the retry budget covers the whole run): creates and updates in waves by
//! kind (referenced kinds first), each wave with bounded parallelism; then the assignment moves, coalesced into
//! one bulk call per target; then deletes (and the old halves of replacements) in reverse kind order. After the
//! first failure nothing new is scheduled; the report says what was applied, what failed and what was skipped, and
//! the next plan shows exactly what remains. A create whose answer was lost is resolved by re-reading: a found
//! object is adopted, except a key, whose plaintext never arrived: it is deleted and created again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

use futures::StreamExt;
use openrouter_mgmt::Client;
use serde_json::{Map, Value};

use crate::call::{CallError, Input};
use crate::file::Desired;
use crate::generated::resources::call;
use crate::live::{DEFAULT_WORKSPACE_SLUG, Live, workspace_slug};
use crate::plan::{Action, Op, Plan};
use crate::table::{KindSpec, Verb};

/// How many times a create whose answer may have been lost is sent again (once what it made was looked for and
/// adopted or deleted), and how many failed lookups are tried again, before the action fails: a create is never
/// replayed by the retry policy once it may have reached the server, so under a failure rate `p` per request one
/// round leaves about `p²` of the creates failed, and five about `p⁶` (6.4e-5 at 20 %).
const LOST_ANSWER_ROUNDS: usize = 5;

/// How to apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Actions in flight at once (1..=32).
    pub parallelism: usize,
    /// The folder relative sink paths are resolved against (the file's folder).
    pub base: PathBuf,
    /// Created secrets are dropped instead of written to the sink (a rehearsal's are mock values).
    pub discard_secrets: bool,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        Self {
            parallelism: 4,
            base: PathBuf::from("."),
            discard_secrets: false,
        }
    }
}

/// What one finished action did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Applied,
    /// Failed, with the reason.
    Failed(String),
    /// Not started because an earlier action failed.
    Skipped,
}

/// What an apply did.
#[derive(Debug, Clone, Default)]
pub struct ApplyReport {
    /// Every action's outcome, in the order they finished.
    pub outcomes: Vec<(String, Outcome)>,
    /// Ids of objects created, by address (for `--write-ids`).
    pub created: BTreeMap<String, String>,
    /// Files new secrets were written to.
    pub secrets_written: Vec<PathBuf>,
    /// Orphans found after a lost create answer and deleted (keys whose plaintext never arrived).
    pub orphans_deleted: Vec<String>,
}

impl ApplyReport {
    /// Actions applied.
    pub fn applied(&self) -> usize {
        self.count(|o| *o == Outcome::Applied)
    }

    /// Actions failed.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed(_)))
    }

    /// Actions skipped.
    pub fn skipped(&self) -> usize {
        self.count(|o| *o == Outcome::Skipped)
    }

    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.outcomes.iter().filter(|(_, o)| f(o)).count()
    }

    /// The command line's exit code: 0 when everything was applied, 4 when something failed.
    pub fn exit_code(&self) -> u8 {
        if self.failed() == 0 && self.skipped() == 0 {
            0
        } else {
            4
        }
    }
}

/// The run's shared state.
struct Run<'a> {
    client: &'a Client,
    desired: &'a Desired,
    live: &'a Live,
    options: &'a ApplyOptions,
    ids: Mutex<BTreeMap<String, String>>,
    failed: AtomicBool,
    report: Mutex<ApplyReport>,
    on_event: &'a (dyn Fn(&str, &Outcome) + Sync),
}

/// Applies `plan` (made from `desired` against `live`); `on_event` hears of every finished action.
pub async fn apply(
    client: &Client,
    desired: &Desired,
    live: &Live,
    plan: &Plan,
    options: &ApplyOptions,
    on_event: &(dyn Fn(&str, &Outcome) + Sync),
) -> ApplyReport {
    let run = Run {
        client,
        desired,
        live,
        options,
        ids: Mutex::new(plan.matched.clone()),
        failed: AtomicBool::new(false),
        report: Mutex::new(ApplyReport::default()),
        on_event,
    };
    let parallelism = options.parallelism.clamp(1, 32);
    let mut depths: BTreeSet<usize> = BTreeSet::new();
    for a in plan.actions.iter().filter(|a| a.op != Op::Delete) {
        depths.insert(a.kind.depth());
    }
    for depth in depths {
        let wave: Vec<&Action> = plan
            .actions
            .iter()
            .filter(|a| a.op != Op::Delete && a.kind.depth() == depth)
            .collect();
        run.wave(wave, parallelism, false, |a| run.create_or_update(a))
            .await;
    }
    if !plan.assignments.is_empty() {
        run.guarded("assignments", run.assignments(plan)).await;
    }
    if !plan.organization.is_empty() {
        let changed = &plan.organization;
        run.guarded(crate::organization::ADDRESS, async {
            crate::organization::apply(client, changed)
                .await
                .map_err(|e| e.to_string())
        })
        .await;
    }
    for change in &plan.attributes {
        let label = format!("{}.{}", change.address, change.attribute.name);
        run.guarded(&label, run.attribute(change)).await;
    }
    let mut deletes: Vec<&Action> = plan
        .actions
        .iter()
        .filter(|a| matches!(a.op, Op::Delete | Op::Replace))
        .collect();
    deletes.sort_by_key(|a| std::cmp::Reverse(a.kind.depth()));
    let mut depths: Vec<usize> = deletes.iter().map(|a| a.kind.depth()).collect();
    depths.dedup();
    for depth in depths {
        let wave: Vec<&Action> = deletes
            .iter()
            .copied()
            .filter(|a| a.kind.depth() == depth)
            .collect();
        run.wave(wave, parallelism, true, |a| run.delete_old(a))
            .await;
    }
    run.report.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The data behind a mutex, also after a panic elsewhere poisoned it (the report must still be returned).
fn locked<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Run<'_> {
    /// Runs `f` on each action, at most `parallelism` at once; in the delete phase (`old`), a replacement's action
    /// is labelled as deleting the old object.
    async fn wave<'a, F, Fut>(
        &'a self,
        actions: Vec<&'a Action>,
        parallelism: usize,
        old: bool,
        f: F,
    ) where
        F: Fn(&'a Action) -> Fut,
        Fut: Future<Output = Result<(), String>> + 'a,
    {
        futures::stream::iter(actions)
            .map(|a| {
                let address = if old && a.op == Op::Replace {
                    format!("{} (the old one)", a.address)
                } else {
                    a.address.clone()
                };
                let fut = f(a);
                async move { self.guarded(&address, fut).await }
            })
            .buffer_unordered(parallelism)
            .collect::<Vec<()>>()
            .await;
    }

    /// Runs one action unless an earlier one failed, and records its outcome.
    async fn guarded(&self, address: &str, fut: impl Future<Output = Result<(), String>>) {
        let outcome = if self.failed.load(Ordering::SeqCst) {
            Outcome::Skipped
        } else {
            match fut.await {
                Ok(()) => Outcome::Applied,
                Err(e) => {
                    self.failed.store(true, Ordering::SeqCst);
                    Outcome::Failed(e)
                }
            }
        };
        (self.on_event)(address, &outcome);
        locked(&self.report)
            .outcomes
            .push((address.to_owned(), outcome));
    }

    /// The live id a reference names, from this run's creates or the live state.
    fn resolve(&self, kind: &str, name: &str) -> Option<String> {
        let ids = locked(&self.ids);
        if let Some(id) = ids.get(&format!("{kind}.{name}")) {
            return Some(id.clone());
        }
        if kind == "workspace" {
            let slug = if name == DEFAULT_WORKSPACE_SLUG {
                name.to_owned()
            } else {
                workspace_slug(self.desired, name)
            };
            return self.live.workspace_id(&slug).map(str::to_owned);
        }
        None
    }

    /// The body to send: references resolved to ids, secrets read from their sources (only now, and only into
    /// this request).
    fn body_with_references(&self, action: &Action) -> Result<Map<String, Value>, String> {
        let mut body = action.body.clone();
        for (field, (kind, name)) in &action.references {
            let id = self
                .resolve(kind, name)
                .ok_or_else(|| format!("{kind}.{name} does not exist (yet)"))?;
            body.insert((*field).to_owned(), Value::String(id));
        }
        for (field, (kind, names)) in &action.list_references {
            let ids = names
                .iter()
                .map(|name| {
                    self.resolve(kind, name)
                        .map(Value::String)
                        .ok_or_else(|| format!("{kind}.{name} does not exist (yet)"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            body.insert((*field).to_owned(), Value::Array(ids));
        }
        match crate::secrets::Reader::of(self.desired).resolve(&Value::Object(body)) {
            Ok(Value::Object(body)) => Ok(body),
            Ok(_) => Err("a body is not an object".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    async fn create_or_update(&self, action: &Action) -> Result<(), String> {
        let body = self.body_with_references(action)?;
        match action.op {
            Op::Update => {
                let id = action.id.clone().unwrap_or_default();
                self.update(action.kind, &id, body).await
            }
            Op::Create | Op::Replace => self.create(action, body).await,
            Op::Delete => Ok(()),
        }
    }

    async fn update(
        &self,
        kind: &KindSpec,
        id: &str,
        body: Map<String, Value>,
    ) -> Result<(), String> {
        let mut params = Map::new();
        params.insert(kind.id_param.to_owned(), Value::String(id.to_owned()));
        call(
            self.client,
            kind.name,
            Verb::Update,
            &Input::with(params, Some(Value::Object(body))),
        )
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    }

    async fn create(&self, action: &Action, body: Map<String, Value>) -> Result<(), String> {
        let kind = action.kind;
        let (create_body, later): (Map<String, Value>, Map<String, Value>) = body
            .into_iter()
            .partition(|(f, _)| kind.field(f).is_none_or(|s| s.create));
        let input = Input::with(Map::new(), Some(Value::Object(create_body.clone())));
        let mut answer = call(self.client, kind.name, Verb::Create, &input).await;
        // A create is not replayed blindly: each time it may have happened with its answer lost, look for what it
        // made, and send it again only once nothing is left behind (a key without its plaintext is deleted). A
        // lookup or clean-up that fails is tried again, never skipped: a key left behind would be adopted by the
        // next plan with its plaintext lost for good.
        let (mut sends, mut failed_lookups) = (1, 0);
        while let Err(CallError::Api(e)) = &answer
            && e.may_have_been_applied()
        {
            match self.resolve_lost(action, &create_body).await {
                Ok(Some(adopted)) => return self.created(action, adopted, later).await,
                Ok(None) if sends <= LOST_ANSWER_ROUNDS => {
                    sends += 1;
                    answer = call(self.client, kind.name, Verb::Create, &input).await;
                }
                Ok(None) => break,
                Err(_) if failed_lookups < LOST_ANSWER_ROUNDS => failed_lookups += 1,
                Err(e) => {
                    return Err(format!(
                        "{} may have been created, and looking for it failed: {e}",
                        action.address
                    ));
                }
            }
        }
        let answer = answer.map_err(|e| e.to_string())?;
        let data = answer
            .value
            .get("data")
            .filter(|d| d.is_object())
            .unwrap_or(&answer.value);
        let id = data
            .get(kind.id)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("the create answer has no `{}`", kind.id))?
            .to_owned();
        if kind.secret_output.is_some() && !self.options.discard_secrets {
            let secret = answer
                .secrets
                .first()
                .ok_or("the create answer carried no secret")?;
            let sink = self
                .desired
                .stack
                .sink
                .as_ref()
                .ok_or("no secret sink is configured")?;
            let path = crate::sink::path_for(sink, &self.options.base, &action.address, &id);
            // Blocking file I/O (create, write, fsync) runs off the async workers, which it would otherwise stall.
            let (file, secret) = (path.clone(), secret.clone());
            tokio::task::spawn_blocking(move || crate::sink::deliver(&file, &secret))
                .await
                .map_err(|e| format!("writing the secret of {}: {e}", action.address))?
                .map_err(|e| e.to_string())?;
            locked(&self.report).secrets_written.push(path);
        }
        self.created(action, id, later).await
    }

    /// Records a created object and sends the fields only an update can set.
    async fn created(
        &self,
        action: &Action,
        id: String,
        later: Map<String, Value>,
    ) -> Result<(), String> {
        locked(&self.ids).insert(action.address.clone(), id.clone());
        locked(&self.report)
            .created
            .insert(action.address.clone(), id.clone());
        if later.is_empty() {
            Ok(())
        } else {
            self.update(action.kind, &id, later).await
        }
    }

    /// After a lost create answer: the object the create made, to adopt (`Some`), or nothing left behind (`None`,
    /// after deleting a key whose plaintext never arrived).
    async fn resolve_lost(
        &self,
        action: &Action,
        create_body: &Map<String, Value>,
    ) -> Result<Option<String>, String> {
        let kind = action.kind;
        let Some(orphan) = self.find_created(kind, create_body).await? else {
            return Ok(None);
        };
        if kind.secret_output.is_none() {
            return Ok(Some(orphan));
        }
        self.delete(kind, &orphan).await?;
        locked(&self.report)
            .orphans_deleted
            .push(format!("{} {orphan}", action.address));
        Ok(None)
    }

    /// After a lost create answer: the live object the create made, matched by the natural key.
    async fn find_created(
        &self,
        kind: &'static KindSpec,
        body: &Map<String, Value>,
    ) -> Result<Option<String>, String> {
        let workspace = kind
            .scope_param
            .and_then(|p| body.get(p))
            .and_then(Value::as_str);
        let all = crate::live::list(self.client, kind, workspace)
            .await
            .map_err(|e| e.to_string())?;
        let known: BTreeSet<&str> = self
            .live
            .of(kind.name)
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        Ok(all
            .into_iter()
            .filter(|o| !known.contains(o.id.as_str()))
            .find(|o| {
                kind.natural
                    .iter()
                    .all(|f| body.get(*f).is_none_or(|v| o.get(f) == v))
            })
            .map(|o| o.id))
    }

    async fn delete(&self, kind: &KindSpec, id: &str) -> Result<(), String> {
        let mut params = Map::new();
        params.insert(kind.id_param.to_owned(), Value::String(id.to_owned()));
        call(
            self.client,
            kind.name,
            Verb::Delete,
            &Input::with(params, None),
        )
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    }

    async fn delete_old(&self, action: &Action) -> Result<(), String> {
        match &action.id {
            Some(id) => self.delete(action.kind, id).await,
            None => Ok(()),
        }
    }

    async fn attribute(&self, change: &crate::plan::AttributeChange) -> Result<(), String> {
        let id = locked(&self.ids)
            .get(&change.address)
            .cloned()
            .ok_or_else(|| format!("{} does not exist", change.address))?;
        let default_workspace = self.live.workspace_id(crate::live::DEFAULT_WORKSPACE_SLUG);
        crate::attributes::apply(
            self.client,
            change.attribute,
            &id,
            &change.before,
            &change.after,
            default_workspace,
        )
        .await
        .map_err(|e| e.to_string())
    }

    async fn assignments(&self, plan: &Plan) -> Result<(), String> {
        let mut to: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut off: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for change in &plan.assignments {
            let Some(member) = locked(&self.ids).get(&change.address).cloned() else {
                return Err(format!("{} does not exist", change.address));
            };
            match &change.after {
                Some(name) => {
                    let target = self
                        .resolve(change.target_kind, name)
                        .ok_or_else(|| format!("{}.{name} does not exist", change.target_kind))?;
                    to.entry(target).or_default().push(member);
                }
                None => {
                    if let Some(before) = &change.before {
                        off.entry(before.clone()).or_default().push(member);
                    }
                }
            }
        }
        crate::assign::apply(
            self.client,
            &to,
            &off,
            self.options.parallelism.clamp(1, 32),
        )
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
    }
}
