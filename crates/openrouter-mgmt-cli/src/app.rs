//! One run of the tool: parse the command line (clap's usage errors remapped to exit 64), set up `-v` logging
//! through the scrubbing output, resolve the key and base URL, run the chosen command, and turn its outcome into
//! an exit code and, on failure, one message on stderr (a JSON object with `-o json`).

use std::ffi::OsString;
use std::sync::{Arc, Mutex};

use clap::ArgMatches;
use clap::error::ErrorKind;
use tracing::instrument::WithSubscriber;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;

use crate::dispatch::Cx;
use crate::error::CliError;
use crate::input::{Input, Sources};
use crate::io::Io;
use crate::output::{Format, LogWriter, Out};
use crate::sink::Sink;
use crate::tree::{self, ids};
use crate::{exit, generated};

/// What a command runs with: the parsed command line and the process's surroundings.
pub(crate) struct Ctx<'a> {
    /// The root's matches (global flags).
    pub(crate) root: &'a ArgMatches,
    /// The chosen command's path and its matches.
    pub(crate) path: Vec<&'a str>,
    /// The leaf command's matches.
    pub(crate) leaf: &'a ArgMatches,
    /// The output choke point.
    pub(crate) out: &'a Arc<Out>,
    /// The output format.
    pub(crate) format: Format,
    /// stdin.
    pub(crate) stdin: &'a Mutex<Box<dyn std::io::Read + Send>>,
    /// The rest of the process's surroundings.
    pub(crate) io: &'a IoRest,
}

/// [`Io`] without its streams (which the choke point owns).
pub(crate) struct IoRest {
    /// stdout is a terminal.
    pub(crate) stdout_is_terminal: bool,
    /// stdin is a terminal.
    pub(crate) stdin_is_terminal: bool,
    /// stderr is a terminal.
    pub(crate) stderr_is_terminal: bool,
    /// The environment.
    pub(crate) env: std::collections::BTreeMap<String, String>,
    /// The working directory.
    pub(crate) cwd: std::path::PathBuf,
}

impl Ctx<'_> {
    /// Files, stdin and environment for reading input.
    pub(crate) fn sources(&self) -> Sources<'_> {
        Sources {
            stdin: self.stdin,
            env: &self.io.env,
            cwd: &self.io.cwd,
            out: self.out,
        }
    }

    /// Where and how progress is shown (`--no-progress`, stderr a terminal or not).
    pub(crate) fn progress(&self) -> crate::progress::Settings {
        crate::progress::Settings {
            mode: crate::progress::Mode::new(
                self.root.get_flag(ids::NO_PROGRESS),
                self.io.stderr_is_terminal,
            ),
            out: Arc::clone(self.out),
        }
    }
}

/// Runs the tool with `args` (the program name first) and returns its exit code.
pub async fn run<I, T>(args: I, io: Io) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let out = Arc::new(Out::new(io.stdout, io.stderr));
    let rest = IoRest {
        stdout_is_terminal: io.stdout_is_terminal,
        stdin_is_terminal: io.stdin_is_terminal,
        stderr_is_terminal: io.stderr_is_terminal,
        env: io.env,
        cwd: io.cwd,
    };
    let stdin = Mutex::new(io.stdin);
    let matches = match tree::build().try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => {
            let text = e.render().to_string();
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => match out.stdout(&text) {
                    Ok(()) | Err(CliError::BrokenPipe) => exit::OK,
                    Err(_) => exit::ERROR,
                },
                _ => {
                    out.stderr(&text);
                    exit::USAGE
                }
            };
        }
    };
    let format = matches
        .get_one::<String>(ids::OUTPUT)
        .and_then(|f| Format::parse(f))
        .unwrap_or(if rest.stdout_is_terminal {
            Format::Table
        } else {
            Format::Json
        });
    let verbose = matches.get_count(ids::VERBOSE);
    let (path, leaf) = chosen(&matches);
    let ctx = Ctx {
        root: &matches,
        path,
        leaf,
        out: &out,
        format,
        stdin: &stdin,
        io: &rest,
    };
    let result = if verbose == 0 {
        execute(&ctx).await
    } else {
        let filter = if verbose == 1 {
            Targets::new().with_target("openrouter_mgmt", tracing::Level::DEBUG)
        } else {
            Targets::new()
                .with_target("openrouter_mgmt", tracing::Level::TRACE)
                .with_target("openrouter_mgmt_cli", tracing::Level::TRACE)
                .with_target("reqwest", tracing::Level::DEBUG)
        };
        let writer = Arc::clone(&out);
        let subscriber = tracing_subscriber::registry()
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(move || LogWriter(Arc::clone(&writer))),
            )
            .with(filter);
        let dispatch = tracing::Dispatch::new(subscriber);
        // Callsites first hit while no subscriber wanted them cache "never"; recompute now that one does (a
        // process embedding `run` may have logged before).
        tracing::callsite::rebuild_interest_cache();
        execute(&ctx).with_subscriber(dispatch).await
    };
    match result {
        Ok(()) | Err(CliError::BrokenPipe) => exit::OK,
        Err(e) => {
            if format == Format::Json || format == Format::Jsonl {
                out.stderr(&format!("{}\n", e.to_json()));
            } else {
                out.stderr(&format!("error: {}\n", e.message()));
            }
            e.code()
        }
    }
}

/// The chosen command's path and its matches.
fn chosen(matches: &ArgMatches) -> (Vec<&str>, &ArgMatches) {
    let mut path = Vec::new();
    let mut current = matches;
    while let Some((name, sub)) = current.subcommand() {
        path.push(name);
        current = sub;
    }
    (path, current)
}

async fn execute(ctx: &Ctx<'_>) -> Result<(), CliError> {
    match tree::spec_at(&ctx.path) {
        Some(spec) => operation(ctx, spec).await,
        None => crate::cmd::run(ctx).await,
    }
}

/// An operation's command.
async fn operation(
    ctx: &Ctx<'_>,
    spec: &'static crate::table::CommandSpec,
) -> Result<(), CliError> {
    let leaf = ctx.leaf;
    if let Some(body) = spec.body
        && leaf.get_flag("body-template")
    {
        return ctx.out.stdout(&format!("{}\n", body.template));
    }
    let sources = ctx.sources();
    let input = Input::from_matches(spec, leaf, &sources)?;
    send(ctx, spec, &input).await
}

/// Sends `spec`'s operation built from `input`, with the leaf's list and secret flags (when it has them).
pub(crate) async fn send(
    ctx: &Ctx<'_>,
    spec: &'static crate::table::CommandSpec,
    input: &Input,
) -> Result<(), CliError> {
    let leaf = ctx.leaf;
    let sources = ctx.sources();
    let resolved = crate::config::resolve(ctx.root, &sources)?;
    let client = crate::config::client(&resolved)?;
    let dry_run = ctx.root.get_flag(ids::DRY_RUN);
    let sink = match spec.secret_output {
        Some(_) if !dry_run && client.is_some() => Some(Sink::prepare(
            leaf.get_flag("show-secret"),
            leaf.get_one::<String>("secret-out").map(String::as_str),
            leaf.get_one::<String>("secret-command").map(String::as_str),
            &ctx.io.cwd,
        )?),
        _ => None,
    };
    let list = |name: &str| {
        if spec.list {
            leaf.get_one::<u64>(name).copied()
        } else {
            None
        }
    };
    let cx = Cx {
        spec,
        client: client.as_ref(),
        no_client: format!("no management key ({})", resolved.key_source),
        base_url: &resolved.base_url,
        out: ctx.out,
        format: ctx.format,
        fields: ctx
            .root
            .get_many::<String>(ids::FIELDS)
            .map(|f| f.cloned().collect()),
        dry_run,
        yes: ctx.root.get_flag(ids::YES),
        stdin_is_terminal: ctx.io.stdin_is_terminal,
        stdin: ctx.stdin,
        limit: list("limit"),
        page_size: list("page-size"),
        concurrency: if spec.list {
            leaf.get_one::<usize>("concurrency").copied()
        } else {
            None
        },
        sink: Mutex::new(sink),
        progress: ctx.progress(),
    };
    generated::commands::dispatch(spec.operation, input, &cx).await
}
