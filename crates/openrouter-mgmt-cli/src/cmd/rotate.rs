//! `keys rotate HASH`: OpenRouter has no rotate endpoint, so this replaces a key with a new one of the same
//! settings and guardrail, delivers the new plaintext to a sink, then disables (or deletes) the old key. It keeps
//! no local state: where a rotation stands is written in the replacement's name (a marker), so that re-running
//! the same command after a failure at any step finishes it, and it never ends with two usable keys or none.

use std::time::Duration;

use clap::{Arg, ArgAction, Command};
use openrouter_mgmt::types::{CreateKeysBody, CreateKeysBodyExternal, UpdateKeysBody};
use openrouter_mgmt::{Client, Error, GuardrailId, KeyFilter, KeyHash};
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::CliError;
use crate::output::{Out, Renderer};
use crate::progress::Progress;
use crate::sink::Sink;
use crate::tree::ids;

/// The longest `--grace`.
const MAX_GRACE: Duration = Duration::from_secs(24 * 60 * 60);

/// What `keys rotate --help` says, the guarantee included (the README says the same).
const LONG_ABOUT: &str = "Replace an API key with a new one and retire the old one.

OpenRouter has no rotate endpoint. This command:
  1. reads the old key, its workspace and its guardrail assignment;
  2. creates the replacement with the same name, limit, limit_reset, include_byok_in_limit, workspace, creator, \
external user and expires_at, named `<name> [rotating:<first 12 hex of the old hash>:pending]`;
  3. delivers its plaintext to the sink (a new 0600 file by default, --secret-out PATH, --secret-command CMD, or \
stdout with --show-secret, where it is the first line);
  4. renames it `... :delivered]`, then assigns it the old key's guardrail;
  5. waits --grace, if given;
  6. disables the old key, renaming it `<name> [rotated:<first 12 hex of the new hash>]`;
  7. gives the replacement the old name, and with --delete-old deletes the old key.

Guarantee (no local state; the markers in the key names are the state):
  - Never none: the old key is disabled or deleted only after the replacement's plaintext was written to the \
sink (the `delivered` marker is set only after the sink succeeded).
  - Never two at the end: a run that exits 0 leaves exactly one enabled key of the pair, the replacement, with \
the old name, settings and guardrail. A replacement whose plaintext may not have reached the sink (marked \
`pending`, or a create whose answer was lost) is never kept: it is deleted by the same run when it can be, \
otherwise by the next one, and the old key is then untouched.
  - Safe to re-run: after a failure or an interrupt at any step, running the same command again resumes from \
the markers (a `delivered` replacement is kept and the rotation finished; a `pending` one is deleted and the \
rotation started again) and ends as a clean run does, with one replacement.
  - Both keys are usable only between step 3 and step 6 (the window --grace widens). A run that stops in it \
exits 4 (partially applied; 130 if interrupted) and says so: re-run to finish.
Do not run two rotations of the same key at once. A disabled or expired key is not rotated (exit 3) unless it is \
the old key of a rotation in progress. Re-running a finished rotation changes nothing. Asks for confirmation on a terminal; needs --yes otherwise. --dry-run prints the \
steps and sends nothing.";

/// The command (`keys rotate`, grafted into the generated `keys` group).
pub(crate) fn command() -> Command {
    Command::new("rotate")
        .about("Replace a key with a new one of the same settings and guardrail, then disable or delete it")
        .long_about(LONG_ABOUT)
        .args([
            Arg::new("hash")
                .required(true)
                .value_name("HASH")
                .help("The key to rotate (its hash)"),
            Arg::new("delete-old")
                .long("delete-old")
                .action(ArgAction::SetTrue)
                .help("Delete the old key instead of disabling it"),
            Arg::new("grace")
                .long("grace")
                .value_name("DURATION")
                .help("Wait this long (30s, 10m, 2h; at most 24h) before retiring the old key"),
            Arg::new("show-secret")
                .long("show-secret")
                .action(ArgAction::SetTrue)
                .help("Print the new plaintext as the first line of stdout (it is shown only once)"),
            Arg::new("secret-out")
                .long("secret-out")
                .value_name("PATH")
                .conflicts_with("show-secret")
                .help("Write the new plaintext to this new file (mode 0600); default: a new file in the working directory"),
            Arg::new("secret-command")
                .long("secret-command")
                .value_name("CMD")
                .conflicts_with_all(["show-secret", "secret-out"])
                .help("Pipe the new plaintext to this shell command's stdin"),
        ])
}

/// `30s`, `10m`, `2h`, `500ms` or a number of seconds, at most [`MAX_GRACE`].
fn parse_grace(text: &str) -> Result<Duration, CliError> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let bad = || {
        CliError::Invalid(format!(
            "--grace {text:?}: expected a duration such as 30s, 10m or 2h (at most 24h)"
        ))
    };
    let n: u64 = number.parse().map_err(|_| bad())?;
    let duration = match unit {
        "ms" => Duration::from_millis(n),
        "" | "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        _ => return Err(bad()),
    };
    if duration > MAX_GRACE {
        return Err(bad());
    }
    Ok(duration)
}

/// The marker states of a replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Created; its plaintext may not have reached the sink.
    Pending,
    /// Its plaintext reached the sink.
    Delivered,
}

impl Mark {
    fn word(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
        }
    }
}

/// The first 12 hex digits of a hash: what the markers carry.
fn tag(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// `<name> [rotating:<tag>:<mark>]`.
fn marked(name: &str, old_tag: &str, mark: Mark) -> String {
    format!("{name} [rotating:{old_tag}:{}]", mark.word())
}

/// The old name and the mark of a replacement of the key tagged `old_tag`, if `name` is one.
fn replacement_of<'n>(name: &'n str, old_tag: &str) -> Option<(&'n str, Mark)> {
    [Mark::Pending, Mark::Delivered]
        .into_iter()
        .find_map(|mark| {
            name.strip_suffix(&format!(" [rotating:{old_tag}:{}]", mark.word()))
                .map(|base| (base, mark))
        })
}

/// `<name> [rotated:<tag of the replacement>]`: the old key once retired.
fn retired(name: &str, new_tag: &str) -> String {
    format!("{name} [rotated:{new_tag}]")
}

/// The replacement's tag and the old name, if `name` is a retired key's.
fn retired_to(name: &str) -> Option<(&str, &str)> {
    let (base, rest) = name.rsplit_once(" [rotated:")?;
    let tag = rest.strip_suffix(']')?;
    (tag.len() == 12 && tag.chars().all(|c| c.is_ascii_hexdigit())).then_some((tag, base))
}

/// The steps, as `--dry-run` prints them.
fn plan(hash: &str, delete_old: bool, grace: Option<Duration>, sink: &str) -> Value {
    let t = tag(hash);
    let mut steps = vec![
        json!({"step": "read the old key", "method": "GET", "path": format!("/keys/{hash}")}),
        json!({"step": "look for an earlier rotation of it (its markers) in its workspace", "method": "GET", "path": "/keys?include_disabled=true&workspace_id=<its workspace>"}),
        json!({"step": "read its guardrail", "method": "GET", "path": "/guardrails/assignments/keys"}),
        json!({"step": "delete replacements marked pending (their plaintext may never have reached a sink)", "method": "DELETE", "path": "/keys/<pending replacement>"}),
        json!({"step": "create the replacement (same settings)", "method": "POST", "path": "/keys", "name": marked("<name>", t, Mark::Pending)}),
        json!({"step": format!("deliver its plaintext to {sink}")}),
        json!({"step": "mark it delivered", "method": "PATCH", "path": "/keys/<replacement>", "name": marked("<name>", t, Mark::Delivered)}),
        json!({"step": "assign it the old key's guardrail (if any)", "method": "POST", "path": "/guardrails/<guardrail>/assignments/keys"}),
    ];
    if let Some(grace) = grace {
        steps.push(json!({"step": format!("wait {} s", grace.as_secs_f64())}));
    }
    steps.push(json!({"step": "disable the old key", "method": "PATCH", "path": format!("/keys/{hash}"), "body": {"disabled": true, "name": retired("<name>", "<replacement tag>")}}));
    steps.push(json!({"step": "give the replacement the old name", "method": "PATCH", "path": "/keys/<replacement>", "name": "<name>"}));
    if delete_old {
        steps.push(
            json!({"step": "delete the old key", "method": "DELETE", "path": format!("/keys/{hash}")}),
        );
    }
    json!({"dry_run": true, "command": "keys rotate", "old_key": hash, "steps": steps})
}

/// Runs it.
pub(crate) async fn run(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let m = ctx.leaf;
    let raw = m.get_one::<String>("hash").cloned().unwrap_or_default();
    if crate::input::looks_like_a_key(&raw) {
        return Err(crate::input::key_in_argv("HASH"));
    }
    // The markers carry the hash's first 12 digits: only a real hash (SHA-256, hex) is taken.
    if raw.len() != 64 || !raw.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(CliError::Invalid(format!(
            "HASH {raw:?}: a key's hash is 64 hex digits (`openrouter-mgmt keys list -o id` lists them); nothing \
             was sent"
        )));
    }
    let old = KeyHash::new(raw.clone()).map_err(|e| CliError::Invalid(format!("HASH: {e}")))?;
    let grace = m
        .get_one::<String>("grace")
        .map(|g| parse_grace(g))
        .transpose()?;
    let delete_old = m.get_flag("delete-old");
    let show = m.get_flag("show-secret");
    let secret_out = m.get_one::<String>("secret-out").map(String::as_str);
    let secret_command = m.get_one::<String>("secret-command").map(String::as_str);
    let sink_name = match (show, secret_out, secret_command) {
        (true, _, _) => "stdout (--show-secret)".to_owned(),
        (_, Some(p), _) => format!("the new file {p} (0600)"),
        (_, _, Some(_)) => "--secret-command".to_owned(),
        _ => "a new 0600 file openrouter-key-*.txt in the working directory".to_owned(),
    };
    if ctx.root.get_flag(ids::DRY_RUN) {
        let plan = plan(old.as_str(), delete_old, grace, &sink_name);
        return ctx.out.stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&plan).unwrap_or_default()
        ));
    }
    if !ctx.root.get_flag(ids::YES) {
        let what = format!(
            "rotate key {raw}: create a replacement with its settings and guardrail, deliver the new plaintext \
             to {sink_name}, then {} the old key",
            if delete_old { "delete" } else { "disable" }
        );
        if !ctx.io.stdin_is_terminal {
            return Err(CliError::Refused(format!(
                "`keys rotate` ({what}) needs --yes when stdin is not a terminal; nothing was sent"
            )));
        }
        crate::dispatch::ask(ctx.out, ctx.stdin, &what)?;
    }
    let sources = ctx.sources();
    let resolved = crate::config::resolve(ctx.root, &sources)?;
    let client = crate::config::client(&resolved)?
        .ok_or_else(|| CliError::NoKey(format!("no management key ({})", resolved.key_source)))?;
    let mut rotation = Rotation {
        client: &client,
        out: ctx.out,
        progress: Progress::new(
            &ctx.progress(),
            "keys rotate",
            Some(10 + u64::from(delete_old) + u64::from(grace.is_some())),
            1,
        ),
        old,
        delete_old,
        grace,
        sink: SinkFlags {
            show,
            file: secret_out,
            command: secret_command,
            cwd: &ctx.io.cwd,
        },
    };
    let result = rotation.run().await;
    rotation.progress.finish();
    let summary = result?;
    Renderer::new(ctx.out, ctx.format, None, &[], "new_key").single(summary)
}

/// The sink flags, for preparing the sink only when a replacement is to be created.
struct SinkFlags<'a> {
    show: bool,
    file: Option<&'a str>,
    command: Option<&'a str>,
    cwd: &'a std::path::Path,
}

/// One rotation in progress.
struct Rotation<'a> {
    client: &'a Client,
    out: &'a Out,
    progress: Progress,
    old: KeyHash,
    delete_old: bool,
    grace: Option<Duration>,
    sink: SinkFlags<'a>,
}

/// A key as the list shows it (what resuming needs).
struct Listed {
    hash: KeyHash,
    name: String,
    disabled: bool,
}

fn not_found(e: &Error) -> bool {
    e.status() == Some(404)
}

/// "Re-run to finish": an error after the replacement was delivered.
fn partial(what: &str, new: &KeyHash, e: impl Into<CliError>) -> CliError {
    let e: CliError = e.into();
    CliError::Partial(format!(
        "{what} failed: {}. The replacement {new} has been delivered and is kept; the old key may still be \
         enabled. Re-run the same `keys rotate` to finish",
        e.message()
    ))
}

impl Rotation<'_> {
    async fn run(&mut self) -> Result<Value, CliError> {
        let old_tag = tag(self.old.as_str()).to_owned();
        let old = match self.client.keys().get(&self.old).await {
            Ok(k) => k,
            Err(e) if not_found(&e) => {
                return Err(CliError::Failed(format!(
                    "no key {}: nothing to rotate (a rotation with --delete-old that finished leaves no old key)",
                    self.old
                )));
            }
            Err(e) => return Err(e.into()),
        };
        self.progress.step("read the old key");
        if old.name.contains(" [rotating:") {
            return Err(CliError::Refused(format!(
                "key {} is the replacement of a rotation in progress ({:?}); re-run that rotation instead",
                self.old, old.name
            )));
        }
        let workspace = old.workspace_id.clone();
        let keys = self.workspace_keys(&workspace).await?;
        self.progress.step("looked for an earlier rotation");

        // The old key was retired by an earlier run: at most the last rename (and --delete-old) is left.
        if old.disabled
            && let Some((new_tag, base)) = retired_to(&old.name)
        {
            let base = base.to_owned();
            let new = keys.iter().find(|k| k.hash.as_str().starts_with(new_tag));
            let new_hash = new.map(|k| k.hash.clone());
            if let Some(new) = new
                && replacement_of(&new.name, &old_tag).is_some()
            {
                self.rename(&new.hash, &base)
                    .await
                    .map_err(|e| partial("naming the replacement", &new.hash, e))?;
            }
            if self.delete_old {
                self.delete_old_key().await?;
            }
            self.progress.step("the rotation was already done");
            self.out.stderr(&format!(
                "key {} was already rotated{}; nothing else to do\n",
                self.old,
                new_hash
                    .as_ref()
                    .map(|h| format!(" to {h}"))
                    .unwrap_or_default()
            ));
            return Ok(self.summary(new_hash, &base, None, true, "delivered by an earlier run"));
        }

        let delivered: Vec<&Listed> = keys
            .iter()
            .filter(|k| replacement_of(&k.name, &old_tag).map(|(_, m)| m) == Some(Mark::Delivered))
            .collect();
        if delivered.len() > 1 {
            let hashes: Vec<String> = delivered.iter().map(|k| k.hash.to_string()).collect();
            return Err(CliError::Refused(format!(
                "more than one replacement of key {} is marked delivered ({}): were two rotations run at once? \
                 Delete the ones nobody holds, then re-run",
                self.old,
                hashes.join(", ")
            )));
        }
        let guardrail = self.guardrail_of(&self.old).await?;
        self.progress.step("read the old key's guardrail");
        self.purge_pending(&keys, &old_tag).await?;
        self.progress.step("no undelivered replacement left");

        let (new, sink_said) = match delivered.first() {
            Some(r) => {
                self.out.stderr(&format!(
                    "resuming: the replacement {} was delivered by an earlier run\n",
                    r.hash
                ));
                for done in ["created", "delivered", "marked delivered"] {
                    self.progress
                        .step(&format!("the replacement was {done} by an earlier run"));
                }
                (r.hash.clone(), "delivered by an earlier run".to_owned())
            }
            None => {
                if old.disabled {
                    return Err(CliError::Refused(format!(
                        "key {} is disabled and no rotation of it is in progress: a disabled key is not rotated; \
                         nothing was changed",
                        self.old
                    )));
                }
                if old.expires_at.is_some_and(|t| t <= chrono::Utc::now()) {
                    return Err(CliError::Refused(format!(
                        "key {} has expired: an expired key is not rotated; nothing was changed",
                        self.old
                    )));
                }
                let mut body = CreateKeysBody::new(marked(&old.name, &old_tag, Mark::Pending));
                body.limit = old.limit;
                body.limit_reset = old.limit_reset.as_deref().map(Into::into);
                body.include_byok_in_limit = Some(old.include_byok_in_limit);
                body.workspace_id = workspace.parse().ok();
                body.expires_at = old.expires_at;
                body.creator_user_id = old.creator_user_id.clone();
                body.external = old
                    .external_user
                    .clone()
                    .map(|user| CreateKeysBodyExternal {
                        api_key: None,
                        user,
                    });
                self.create_and_deliver(body, &workspace, &old_tag).await?
            }
        };

        if let Some(guardrail) = guardrail {
            self.client
                .guardrails()
                .assign_keys(guardrail, [new.clone()])
                .await
                .map_err(|e| partial("assigning the guardrail", &new, e))?;
            self.progress.step("assigned the old key's guardrail");
        } else {
            self.progress.step("the old key has no guardrail");
        }
        if let Some(grace) = self.grace {
            tokio::time::sleep(grace).await;
            self.progress.step("grace period over");
        }
        let retire = UpdateKeysBody {
            disabled: Some(true),
            name: Some(retired(&old.name, tag(new.as_str()))),
            ..UpdateKeysBody::default()
        };
        self.client
            .keys()
            .update(&self.old, retire)
            .await
            .map_err(|e| partial("disabling the old key", &new, e))?;
        self.progress.step("disabled the old key");
        self.rename(&new, &old.name)
            .await
            .map_err(|e| partial("naming the replacement", &new, e))?;
        self.progress.step("gave the replacement the old name");
        if self.delete_old {
            self.delete_old_key().await?;
        }
        Ok(self.summary(Some(new), &old.name, guardrail, false, &sink_said))
    }

    fn summary(
        &self,
        new: Option<KeyHash>,
        name: &str,
        guardrail: Option<GuardrailId>,
        already: bool,
        secret: &str,
    ) -> Value {
        json!({
            "old_key": self.old.to_string(),
            "old_key_now": if self.delete_old { "deleted" } else { "disabled" },
            "new_key": new.map(|h| h.to_string()),
            "name": name,
            "guardrail_id": guardrail.map(|g| g.to_string()),
            "already_rotated": already,
            "secret": secret,
        })
    }

    /// Every key of `workspace`, disabled and expired ones included.
    async fn workspace_keys(&self, workspace: &str) -> Result<Vec<Listed>, CliError> {
        let mut filter = KeyFilter::new()
            .include_disabled(true)
            .include_expired(true);
        if let Ok(uuid) = workspace.parse::<uuid::Uuid>() {
            filter = filter.workspace_id(uuid);
        }
        let keys = self.client.keys().list_with(filter).collect_all().await?;
        Ok(keys
            .into_iter()
            .map(|k| Listed {
                hash: k.hash,
                name: k.name,
                disabled: k.disabled,
            })
            .collect())
    }

    /// The guardrail `key` is assigned to, if any.
    async fn guardrail_of(&self, key: &KeyHash) -> Result<Option<GuardrailId>, CliError> {
        let assignments = self
            .client
            .guardrails()
            .key_assignments()
            .collect_all()
            .await?;
        Ok(assignments
            .into_iter()
            .find(|a| &a.key_hash == key)
            .map(|a| a.guardrail_id))
    }

    /// Deletes the replacements of the old key marked pending among `keys` (a 404 means already gone).
    async fn purge_pending(&self, keys: &[Listed], old_tag: &str) -> Result<usize, CliError> {
        let mut deleted = 0;
        for k in keys
            .iter()
            .filter(|k| replacement_of(&k.name, old_tag).map(|(_, m)| m) == Some(Mark::Pending))
        {
            match self.client.keys().delete(&k.hash).await {
                Ok(_) => {}
                Err(e) if not_found(&e) => {}
                Err(e) => return Err(e.into()),
            }
            self.out.stderr(&format!(
                "deleted the undelivered replacement {}{} of an earlier attempt\n",
                k.hash,
                if k.disabled { " (disabled)" } else { "" }
            ));
            deleted += 1;
        }
        Ok(deleted)
    }

    /// Creates the replacement (re-creating it after a create whose answer was lost, with the orphan deleted),
    /// delivers its plaintext and marks it delivered. On failure nothing is left of it (or, when its deletion
    /// failed, only a `pending` replacement that the next run deletes), and the old key is untouched.
    async fn create_and_deliver(
        &mut self,
        body: CreateKeysBody,
        workspace: &str,
        old_tag: &str,
    ) -> Result<(KeyHash, String), CliError> {
        let sink = Sink::prepare(
            self.sink.show,
            self.sink.file,
            self.sink.command,
            self.sink.cwd,
        )?;
        let sink_file = sink.path();
        let mut attempt = 0;
        let created = loop {
            attempt += 1;
            match self.client.keys().create(body.clone()).await {
                Ok(created) => break created,
                Err(e) => {
                    let lost = e.may_have_been_applied();
                    // The create may have been applied with its answer lost: delete what the marker finds.
                    let cleaned = if lost {
                        match self.workspace_keys(workspace).await {
                            Ok(keys) => self.purge_pending(&keys, old_tag).await.map(|_| ()),
                            Err(e) => Err(e),
                        }
                    } else {
                        Ok(())
                    };
                    if lost && cleaned.is_ok() && attempt < 2 {
                        self.out.stderr(
                            "the create's answer was lost; any replacement it made was deleted; creating again\n",
                        );
                        continue;
                    }
                    sink.abandon();
                    let e = CliError::from(e);
                    return Err(match cleaned {
                        Ok(()) => CliError::Failed(format!(
                            "creating the replacement failed: {}. Nothing is left of it and the old key is \
                             untouched",
                            e.message()
                        )),
                        Err(c) => CliError::Failed(format!(
                            "creating the replacement failed: {}; then looking for a replacement it may have made \
                             failed: {}. The old key is untouched; re-running deletes any undelivered replacement",
                            e.message(),
                            c.message()
                        )),
                    });
                }
            }
        };
        let new = created.data.hash.clone();
        let secret = created.key.expose_secret().to_owned();
        self.out.secret(&secret);
        self.progress.step("created the replacement");
        let delivered = match sink {
            Sink::Stdout => {
                self.out.allow_on_stdout(&secret);
                self.out.stdout(&format!("{secret}\n")).map(|()| None)
            }
            sink => sink.deliver(&secret),
        };
        let sink_said = match delivered {
            Ok(notice) => {
                if let Some(notice) = &notice {
                    self.out.stderr(&format!("{notice}\n"));
                }
                match &sink_file {
                    Some(path) => format!("file {}", path.display()),
                    None if self.sink.show => "stdout".to_owned(),
                    None => "--secret-command".to_owned(),
                }
            }
            Err(e) => {
                return Err(match self.delete_new(&new).await {
                    Ok(()) => CliError::Failed(format!(
                        "delivering the new plaintext failed: {}. The replacement was deleted; the old key is \
                         untouched",
                        e.message()
                    )),
                    Err(d) => CliError::Partial(format!(
                        "delivering the new plaintext failed: {}; deleting the replacement {new} failed too: {}. \
                         It is marked pending and nobody holds it: re-running deletes it. The old key is untouched",
                        e.message(),
                        d.message()
                    )),
                });
            }
        };
        self.progress.step("delivered the new plaintext");
        let name = body
            .name
            .strip_suffix(&format!(":{}]", Mark::Pending.word()))
            .map(|n| format!("{n}:{}]", Mark::Delivered.word()))
            .unwrap_or_else(|| body.name.clone());
        if let Err(e) = self.rename(&new, &name).await {
            // Without the mark a re-run would take it for undelivered: undo it rather than go on.
            return Err(match self.delete_new(&new).await {
                Ok(()) => {
                    if let Some(path) = &sink_file {
                        let _ = std::fs::remove_file(path);
                    }
                    CliError::Failed(format!(
                        "marking the replacement delivered failed: {}. It was deleted (its plaintext is void{}); \
                         the old key is untouched",
                        e.message(),
                        if sink_file.is_some() {
                            " and its file removed"
                        } else {
                            ""
                        }
                    ))
                }
                Err(d) => CliError::Partial(format!(
                    "marking the replacement {new} delivered failed: {}; deleting it failed too: {}. Its \
                     plaintext went to {sink_said}. Re-run: a replacement marked delivered is kept and the rotation \
                     finished; one still marked pending is deleted and a new one delivered",
                    e.message(),
                    d.message()
                )),
            });
        }
        self.progress.step("marked the replacement delivered");
        Ok((new, sink_said))
    }

    async fn rename(&self, key: &KeyHash, name: &str) -> Result<(), CliError> {
        let body = UpdateKeysBody {
            name: Some(name.to_owned()),
            ..UpdateKeysBody::default()
        };
        self.client.keys().update(key, body).await?;
        Ok(())
    }

    async fn delete_new(&self, key: &KeyHash) -> Result<(), CliError> {
        match self.client.keys().delete(key).await {
            Ok(_) => Ok(()),
            Err(e) if not_found(&e) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    async fn delete_old_key(&mut self) -> Result<(), CliError> {
        match self.client.keys().delete(&self.old).await {
            Ok(_) => {}
            Err(e) if not_found(&e) => {}
            Err(e) => {
                return Err(CliError::Partial(format!(
                    "deleting the old key failed: {}. It is disabled and the replacement is in place; re-run \
                     with --delete-old to delete it",
                    CliError::from(e).message()
                )));
            }
        }
        self.progress.step("deleted the old key");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_round_trip_and_belong_to_one_old_key() {
        let name = marked("ci runner", "0123456789ab", Mark::Pending);
        assert_eq!(name, "ci runner [rotating:0123456789ab:pending]");
        assert_eq!(
            replacement_of(&name, "0123456789ab"),
            Some(("ci runner", Mark::Pending))
        );
        assert_eq!(replacement_of(&name, "ffffffffffff"), None);
        let name = marked("ci runner", "0123456789ab", Mark::Delivered);
        assert_eq!(
            replacement_of(&name, "0123456789ab"),
            Some(("ci runner", Mark::Delivered))
        );
        assert_eq!(replacement_of("ci runner", "0123456789ab"), None);
        let old = retired("ci runner", "abcdef012345");
        assert_eq!(retired_to(&old), Some(("abcdef012345", "ci runner")));
        assert_eq!(retired_to("ci runner [rotated:nothex]"), None);
        assert_eq!(tag("0123456789abcdef"), "0123456789ab");
    }

    #[test]
    fn grace_is_a_bounded_duration() {
        assert_eq!(parse_grace("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_grace("10m").unwrap(), Duration::from_secs(600));
        assert_eq!(parse_grace("2h").unwrap(), Duration::from_secs(7200));
        assert_eq!(parse_grace("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_grace("5").unwrap(), Duration::from_secs(5));
        for bad in ["25h", "1d", "", "m", "-1s", "1.5s"] {
            assert!(
                matches!(parse_grace(bad), Err(CliError::Invalid(_))),
                "{bad}"
            );
        }
    }
}
