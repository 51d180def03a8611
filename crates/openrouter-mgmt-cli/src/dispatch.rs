//! Sending a command's typed operation: validation before anything else (exit 65, nothing sent), the secrets of
//! its body registered with the output choke point, `--dry-run`, the confirmation of destructive commands, then
//! `Client::send` or `Client::paginate` (never a raw request, so the engine's retries, replay classes,
//! idempotency keys and redaction all hold), a secret answer delivered to its sink, and the answer rendered.

use std::io::Read;
use std::sync::Mutex;

use futures::StreamExt;
use openrouter_mgmt::{Client, ListOperation, Operation};
use openrouter_mgmt_gen::collect_secrets;
use serde::Serialize;
use serde_json::{Value, json};

use crate::error::CliError;
use crate::output::{Format, Out, Renderer};
use crate::progress::Progress;
use crate::sink::Sink;
use crate::table::CommandSpec;

pub(crate) use crate::input::Input;

/// Asks `question` on stderr and reads the answer from stdin (a terminal): only `y` or `yes` proceeds; anything
/// else is [`CliError::Refused`] with nothing sent.
pub(crate) fn ask(
    out: &Out,
    stdin: &Mutex<Box<dyn Read + Send>>,
    question: &str,
) -> Result<(), CliError> {
    out.stderr(&format!("{question}. Proceed? [y/N] "));
    let mut answer = Vec::new();
    let mut stdin = stdin.lock().unwrap_or_else(|e| e.into_inner());
    let mut byte = [0u8; 1];
    while stdin.read(&mut byte).map(|n| n == 1).unwrap_or(false) && byte[0] != b'\n' {
        answer.push(byte[0]);
        if answer.len() > 64 {
            break;
        }
    }
    match String::from_utf8_lossy(&answer).trim() {
        "y" | "Y" | "yes" | "YES" | "Yes" => Ok(()),
        _ => Err(CliError::Refused("not confirmed; nothing was sent".into())),
    }
}

/// What every operation command shares: the client, the output, and the global and list flags.
pub(crate) struct Cx<'a> {
    /// The command being run.
    pub(crate) spec: &'static CommandSpec,
    /// The client (`None` when no management key was found: only `--dry-run` works then).
    pub(crate) client: Option<&'a Client>,
    /// Why there is no client.
    pub(crate) no_client: String,
    /// The base URL requests go to (for `--dry-run`).
    pub(crate) base_url: &'a str,
    /// The output choke point.
    pub(crate) out: &'a Out,
    /// `-o`.
    pub(crate) format: Format,
    /// `--fields`.
    pub(crate) fields: Option<Vec<String>>,
    /// `--dry-run`.
    pub(crate) dry_run: bool,
    /// `--yes`.
    pub(crate) yes: bool,
    /// stdin is a terminal (confirmations can be asked).
    pub(crate) stdin_is_terminal: bool,
    /// stdin, for confirmations.
    pub(crate) stdin: &'a Mutex<Box<dyn Read + Send>>,
    /// `--limit`: at most this many items.
    pub(crate) limit: Option<u64>,
    /// `--page-size`.
    pub(crate) page_size: Option<u64>,
    /// `--concurrency`.
    pub(crate) concurrency: Option<usize>,
    /// Where a secret answer goes (prepared before sending).
    pub(crate) sink: Mutex<Option<Sink>>,
    /// How the progress of a long walk is shown.
    pub(crate) progress: crate::progress::Settings,
}

impl Cx<'_> {
    fn check<O: Operation>(&self, operation: &O) -> Result<String, CliError> {
        let invalid = |i: openrouter_mgmt::Invalid| CliError::Invalid(i.to_string());
        operation.validate().map_err(invalid)?;
        let path = operation.path().map_err(invalid)?;
        // The body's secrets (a BYOK key, destination credentials), wherever they came from, are scrubbed from
        // everything printed from now on.
        let (_, secrets) = collect_secrets(|| serde_json::to_value(operation.body()));
        for s in &secrets {
            self.out.secret(s.expose_secret());
        }
        Ok(path)
    }

    fn dry_run<O: Operation>(&self, operation: &O, path: &str) -> Result<(), CliError> {
        let query = operation.query();
        let mut url = format!("{}{path}", self.base_url.trim_end_matches('/'));
        if !query.is_empty() {
            let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            url = format!("{url}?{}", pairs.join("&"));
        }
        let headers: serde_json::Map<String, Value> = operation
            .headers()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Value::String(v)))
            .collect();
        let request = json!({
            "dry_run": true,
            "operation": O::INFO.operation_id,
            "method": O::INFO.method,
            "url": url,
            "headers": headers,
            "body": serde_json::to_value(operation.body()).unwrap_or(Value::Null),
        });
        self.out.stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&request).unwrap_or_default()
        ))
    }

    fn confirm(&self, path: &str) -> Result<(), CliError> {
        if !self.spec.confirm || self.yes {
            return Ok(());
        }
        let what = format!("{} {path}", self.spec.method);
        if !self.stdin_is_terminal {
            return Err(CliError::Refused(format!(
                "`{}` ({what}) needs --yes when stdin is not a terminal; nothing was sent",
                self.spec.command()
            )));
        }
        ask(
            self.out,
            self.stdin,
            &format!("{}: {what}", self.spec.about),
        )
    }

    fn client(&self) -> Result<&Client, CliError> {
        self.client
            .ok_or_else(|| CliError::NoKey(self.no_client.clone()))
    }

    /// Sends one operation and renders its answer.
    pub(crate) async fn send<O: Operation>(&self, operation: O) -> Result<(), CliError>
    where
        O::Response: Serialize,
    {
        let path = self.check(&operation)?;
        if self.dry_run {
            return self.dry_run(&operation, &path);
        }
        self.confirm(&path)?;
        let client = self.client()?;
        let result = client.send(&operation).await;
        let sink = self.sink.lock().unwrap_or_else(|e| e.into_inner()).take();
        let response = match result {
            Ok(r) => r,
            Err(e) => {
                if let Some(sink) = sink {
                    sink.abandon();
                }
                return Err(e.into());
            }
        };
        let (value, secrets) = collect_secrets(|| serde_json::to_value(&response));
        for s in &secrets {
            self.out.secret(s.expose_secret());
        }
        let mut value =
            value.map_err(|e| CliError::Failed(format!("cannot render the answer: {e}")))?;
        if let (Some(field), Some(sink)) = (self.spec.secret_output, sink) {
            let secret = value.get(field).and_then(Value::as_str).map(str::to_owned);
            match (secret, sink) {
                (Some(secret), Sink::Stdout) => self.out.allow_on_stdout(&secret),
                (Some(secret), sink) => {
                    if let Some(object) = value.as_object_mut() {
                        object.remove(field);
                    }
                    let delivered = sink.deliver(&secret);
                    match delivered {
                        Ok(Some(notice)) => self.out.stderr(&format!("{notice}\n")),
                        Ok(None) => {}
                        Err(e) => {
                            self.render(value)?;
                            return Err(e);
                        }
                    }
                }
                (None, sink) => sink.abandon(),
            }
        }
        self.render(value)
    }

    fn render(&self, value: Value) -> Result<(), CliError> {
        Renderer::new(
            self.out,
            self.format,
            self.fields.clone(),
            self.spec.columns,
            self.spec.id_field,
        )
        .single(value)
    }

    /// Walks a list operation and renders its items as they arrive.
    pub(crate) async fn paginate<L: ListOperation>(&self, operation: L) -> Result<(), CliError>
    where
        L::Item: Serialize,
    {
        let path = self.check(&operation)?;
        if self.dry_run {
            let mut first = operation.clone();
            first.set_page(0, self.page_size.unwrap_or(100));
            return self.dry_run(&first, &path);
        }
        let client = self.client()?;
        let mut pager = client.paginate(operation);
        if let Some(n) = self.page_size {
            pager = pager.page_size(n)?;
        }
        if let Some(n) = self.concurrency {
            pager = pager.concurrency(n)?;
        }
        let mut renderer = Renderer::new(
            self.out,
            self.format,
            self.fields.clone(),
            self.spec.columns,
            self.spec.id_field,
        );
        // Pages, not items, so that each finished page is a step of the progress (a walk of one page shows
        // nothing).
        let pages = pager.pages();
        futures::pin_mut!(pages);
        let mut progress = Progress::new(&self.progress, &self.spec.command(), None, 2);
        let mut count: u64 = 0;
        let mut failure = None;
        'walk: while self.limit.is_none_or(|limit| count < limit) {
            match pages.next().await {
                None => break,
                Some(Err(e)) => {
                    failure = Some(CliError::from(e));
                    break;
                }
                Some(Ok(page)) => {
                    let total = page.total_count;
                    for item in page.items {
                        if self.limit.is_some_and(|limit| count >= limit) {
                            break 'walk;
                        }
                        let id = L::item_id(&item);
                        let failed = |e: serde_json::Error| {
                            CliError::Failed(format!("cannot render an item: {e}"))
                        };
                        if renderer.takes_serialized() {
                            renderer.item_json(&serde_json::to_string(&item).map_err(failed)?, &id);
                        } else {
                            renderer.item(serde_json::to_value(&item).map_err(failed)?, &id)?;
                        }
                        count += 1;
                    }
                    renderer.flush()?;
                    // Pages may overlap, so the step count has no known end: the items have, when the server
                    // says how many there are.
                    progress.step(&match total {
                        Some(total) => format!("{count}/{total} items"),
                        None => format!("{count} items"),
                    });
                }
            }
        }
        progress.finish();
        renderer.finish()?;
        match failure {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
