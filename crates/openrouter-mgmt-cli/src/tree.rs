//! The command tree: the global flags, one command per entry of the generated table (nested by its path, with
//! its parameters as positional arguments and flags), and the hand-written commands. Built with clap's builder
//! from static data, so the 78 generated commands cost no derive code.

use clap::{Arg, ArgAction, Command, value_parser};

use crate::generated::commands::COMMANDS;
use crate::output::Format;
use crate::table::{ArgSpec, CommandSpec, Kind, Location};

/// The binary's name.
pub(crate) const BIN: &str = "openrouter-mgmt";

/// Global flag ids (prefixed so that no parameter's id can clash with them).
pub(crate) mod ids {
    /// `-o, --output`.
    pub(crate) const OUTPUT: &str = "g.output";
    /// `--fields`.
    pub(crate) const FIELDS: &str = "g.fields";
    /// `-y, --yes`.
    pub(crate) const YES: &str = "g.yes";
    /// `--dry-run`.
    pub(crate) const DRY_RUN: &str = "g.dry-run";
    /// `-v`.
    pub(crate) const VERBOSE: &str = "g.verbose";
    /// `--base-url`.
    pub(crate) const BASE_URL: &str = "g.base-url";
    /// `-p, --profile`.
    pub(crate) const PROFILE: &str = "g.profile";
    /// `--management-key-file`.
    pub(crate) const KEY_FILE: &str = "g.management-key-file";
    /// `--management-key-stdin`.
    pub(crate) const KEY_STDIN: &str = "g.management-key-stdin";
    /// `--no-progress`.
    pub(crate) const NO_PROGRESS: &str = "g.no-progress";
}

const ABOUT: &str = "Manage OpenRouter from a terminal or a CI job: every management operation, with safe retries, \
                     pagination and secrets kept out of output.";

const AFTER_HELP: &str = "The management key is read from OPENROUTER_MANAGEMENT_KEY, --management-key-file PATH, \
--management-key-stdin or a profile's key source; never from the command line. OPENROUTER_BASE_URL sets the API's \
base URL. Exit codes: 0 ok, 1 error, 2 changes present, 3 refused by a safety rule, 4 partially applied, 5 auth, \
64 usage, 65 invalid input (nothing sent), 130 interrupted (Ctrl-C).";

/// The whole tree.
pub(crate) fn build() -> Command {
    let mut root = Command::new(BIN)
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .after_help(AFTER_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(globals());
    for spec in COMMANDS.iter() {
        root = insert(root, spec.path, spec);
    }
    for (group, command) in crate::cmd::grafted() {
        root = root.mut_subcommand(group, |g| g.subcommand(command));
    }
    root.subcommands(crate::cmd::hand_written())
}

fn globals() -> Vec<Arg> {
    vec![
        Arg::new(ids::OUTPUT)
            .short('o')
            .long("output")
            .value_name("FORMAT")
            .value_parser(Format::NAMES)
            .global(true)
            .help("Output format: table on a terminal, json otherwise"),
        Arg::new(ids::FIELDS)
            .long("fields")
            .value_name("A,B")
            .value_delimiter(',')
            .global(true)
            .help("Only these fields (table columns; dotted paths reach nested fields)"),
        Arg::new(ids::YES)
            .short('y')
            .long("yes")
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Do not ask before destructive commands (required when stdin is not a terminal)"),
        Arg::new(ids::DRY_RUN)
            .long("dry-run")
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Validate and print the request (secrets redacted); send nothing"),
        Arg::new(ids::VERBOSE)
            .short('v')
            .long("verbose")
            .action(ArgAction::Count)
            .global(true)
            .help("Print the engine's events (attempts, retries) to stderr; -vv for more"),
        Arg::new(ids::BASE_URL)
            .long("base-url")
            .value_name("URL")
            .global(true)
            .help("The API's base URL [env: OPENROUTER_BASE_URL]"),
        Arg::new(ids::PROFILE)
            .short('p')
            .long("profile")
            .value_name("NAME")
            .global(true)
            .help("A profile of the config file [env: OPENROUTER_MGMT_PROFILE]"),
        Arg::new(ids::KEY_FILE)
            .long("management-key-file")
            .value_name("PATH")
            .global(true)
            .help("Read the management key from this file"),
        Arg::new(ids::KEY_STDIN)
            .long("management-key-stdin")
            .action(ArgAction::SetTrue)
            .global(true)
            .help("Read the management key from stdin (first line)"),
        Arg::new(ids::NO_PROGRESS)
            .long("no-progress")
            .action(ArgAction::SetTrue)
            .global(true)
            .help(
                "No progress on stderr (a bar on a terminal, one line per finished step otherwise)",
            ),
    ]
}

/// Inserts the leaf `spec` at `path` below `parent`, making the groups on the way.
fn insert(parent: Command, path: &[&'static str], spec: &'static CommandSpec) -> Command {
    let (first, rest) = path.split_first().expect("a command path is never empty");
    if rest.is_empty() {
        return parent.subcommand(leaf(first, spec));
    }
    let exists = parent.get_subcommands().any(|c| c.get_name() == *first);
    let group = if exists {
        parent
            .get_subcommands()
            .find(|c| c.get_name() == *first)
            .cloned()
            .expect("found above")
    } else {
        Command::new(*first)
            .about(format!("{} commands", spec.operation.info().tag))
            .subcommand_required(true)
            .arg_required_else_help(true)
    };
    let group = insert(group, rest, spec);
    if exists {
        parent.mut_subcommand(*first, |_| group)
    } else {
        parent.subcommand(group)
    }
}

/// One operation's command.
fn leaf(name: &'static str, spec: &'static CommandSpec) -> Command {
    let mut about = spec.about.to_owned();
    if spec.deprecated {
        about.push_str(" (deprecated)");
    }
    let mut long = format!(
        "{}\n\n{}\n\nSends {} {} (operationId `{}`).",
        spec.about,
        spec.long_about,
        spec.method,
        spec.path_template,
        spec.operation.info().operation_id
    );
    if spec.confirm {
        long.push_str(" Asks for confirmation on a terminal; needs --yes otherwise.");
    }
    let mut cmd = Command::new(name).about(about).long_about(long);
    let has_body = spec.body.is_some();
    for arg in spec.args {
        cmd = match arg.location {
            Location::Path => cmd.arg(positional(arg, has_body)),
            Location::Body if arg.secret => cmd.args(secret_flags(arg)),
            _ => cmd.arg(flag(arg, has_body)),
        };
    }
    if let Some(body) = spec.body {
        cmd = cmd.args([
            Arg::new("json-body")
                .long("json-body")
                .value_name("FILE|-")
                .help(format!(
                    "The request body ({}) as JSON, from a file or stdin",
                    body.type_name
                )),
            Arg::new("set")
                .long("set")
                .value_name("PATH=VALUE")
                .action(ArgAction::Append)
                .help("Set a body field (`a.b[0].c=value`; VALUE is JSON when it parses, else a string)"),
            Arg::new("clear")
                .long("clear")
                .value_name("PATH")
                .action(ArgAction::Append)
                .help("Send an explicit null for a body field (clears it)"),
            Arg::new("body-template")
                .long("body-template")
                .action(ArgAction::SetTrue)
                .help("Print a body template for --json-body and exit"),
        ]);
    }
    if spec.list {
        cmd = cmd.args(list_flags());
    }
    if spec.secret_output.is_some() {
        cmd = cmd.args([
            Arg::new("show-secret")
                .long("show-secret")
                .action(ArgAction::SetTrue)
                .help("Print the new secret on stdout with the answer (it is shown only once)"),
            Arg::new("secret-out")
                .long("secret-out")
                .value_name("PATH")
                .conflicts_with("show-secret")
                .help("Write the new secret to this new file (mode 0600); default: a new file in the working directory"),
            Arg::new("secret-command")
                .long("secret-command")
                .value_name("CMD")
                .conflicts_with_all(["show-secret", "secret-out"])
                .help("Pipe the new secret to this shell command's stdin"),
        ]);
    }
    cmd
}

/// `--limit`, `--page-size`, `--concurrency`.
pub(crate) fn list_flags() -> [Arg; 3] {
    [
        Arg::new("limit")
            .long("limit")
            .value_name("N")
            .value_parser(value_parser!(u64).range(1..))
            .help("At most N items (no further page is requested)"),
        Arg::new("page-size")
            .long("page-size")
            .value_name("N")
            .value_parser(value_parser!(u64))
            .help("Items per request (1..=100; GET /keys serves 100)"),
        Arg::new("concurrency")
            .long("concurrency")
            .value_name("N")
            .value_parser(value_parser!(usize))
            .help("Pages requested at once (1..=16)"),
    ]
}

fn help(arg: &ArgSpec) -> String {
    let mut help = arg.help.to_owned();
    if !arg.values.is_empty() {
        help.push_str(&format!(" [known values: {}]", arg.values.join(", ")));
    }
    help
}

fn positional(arg: &'static ArgSpec, has_body: bool) -> Arg {
    let a = Arg::new(arg.wire)
        .value_name(arg.flag.to_uppercase().replace('-', "_"))
        .help(help(arg));
    if has_body {
        a.required_unless_present("body-template")
    } else {
        a.required(true)
    }
}

fn flag(arg: &'static ArgSpec, has_body: bool) -> Arg {
    let mut a = Arg::new(arg.wire)
        .long(arg.flag)
        .value_name(arg.flag.to_uppercase().replace('-', "_"))
        .help(help(arg));
    a = match arg.kind {
        Kind::Bool => a
            .num_args(0..=1)
            .default_missing_value("true")
            .value_name("BOOL"),
        Kind::StrList => a.action(ArgAction::Append).value_delimiter(','),
        Kind::Int | Kind::Num => a.allow_negative_numbers(true),
        _ => a,
    };
    if arg.required && arg.location != Location::Body {
        a = if has_body {
            a.required_unless_present("body-template")
        } else {
            a.required(true)
        };
    }
    a
}

fn secret_flags(arg: &'static ArgSpec) -> [Arg; 2] {
    let file = format!("{}-file", arg.wire);
    let env = format!("{}-env", arg.wire);
    [
        Arg::new(file.clone())
            .long(format!("{}-file", arg.flag))
            .value_name("PATH|-")
            .help(format!(
                "{} (secret: read from a file, or stdin with -)",
                arg.help
            )),
        Arg::new(env)
            .long(format!("{}-env", arg.flag))
            .value_name("VAR")
            .conflicts_with(file)
            .help(format!(
                "{} (secret: read from this environment variable)",
                arg.help
            )),
    ]
}

/// The table entry of the command at `path`, if it is an operation's command.
pub(crate) fn spec_at(path: &[&str]) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|s| s.path == path)
}
