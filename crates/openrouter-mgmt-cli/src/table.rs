//! The shape of the generated command table (`generated/commands.rs`): what each operation's command is made of,
//! as static data the command tree, the argument parser, `docs` and the tests read.

use openrouter_mgmt::OperationId;

/// Where an argument goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    /// A path parameter: a positional argument, in path order.
    Path,
    /// A query parameter: a flag.
    Query,
    /// A header parameter: a flag.
    Header,
    /// A top-level field of the request body: a flag (or, for a secret, `--<flag>-file` / `--<flag>-env`).
    Body,
}

/// How a command-line value becomes JSON before it is decoded into the operation's typed field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A string.
    Str,
    /// An integer.
    Int,
    /// A number.
    Num,
    /// `true` or `false` (the bare flag means `true`).
    Bool,
    /// A list of strings: the flag repeated or comma-separated.
    StrList,
    /// Any JSON value, written as JSON. (No argument of today's spec has this kind: the generator leaves
    /// structured body fields to `--json-body` and `--set`; a parameter of a structured type would get it.)
    #[allow(dead_code)]
    Json,
}

/// One argument of a command.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ArgSpec {
    /// The name on the wire (and in the request body).
    pub(crate) wire: &'static str,
    /// The long flag, without `--` (positional arguments show it as their value name).
    pub(crate) flag: &'static str,
    /// Where it goes.
    pub(crate) location: Location,
    /// How its value is read.
    pub(crate) kind: Kind,
    /// The spec requires it.
    pub(crate) required: bool,
    /// The spec's description (its first paragraph).
    pub(crate) help: &'static str,
    /// The values the spec knows (shown in help; newer values are accepted too).
    pub(crate) values: &'static [&'static str],
    /// A secret body field: never an argv value, only `--<flag>-file PATH|-` or `--<flag>-env VAR`.
    pub(crate) secret: bool,
}

/// The request body of a command.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodySpec {
    /// The generated body type.
    pub(crate) type_name: &'static str,
    /// A body that passes validation (the spec's example, or its required fields filled in), as pretty JSON:
    /// what `--body-template` prints.
    pub(crate) template: &'static str,
}

/// One operation's command.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CommandSpec {
    /// The operation it sends.
    pub(crate) operation: OperationId,
    /// The command path below `openrouter-mgmt` (`["keys", "list"]`).
    pub(crate) path: &'static [&'static str],
    /// The spec's summary.
    pub(crate) about: &'static str,
    /// The spec's description.
    pub(crate) long_about: &'static str,
    /// `GET`, `POST`, ...
    pub(crate) method: &'static str,
    /// The path template below the base URL.
    pub(crate) path_template: &'static str,
    /// Path, query and header parameters, then the body's top-level scalar fields.
    pub(crate) args: &'static [ArgSpec],
    /// The request body, if the operation takes one.
    pub(crate) body: Option<BodySpec>,
    /// A paged list: walked with `Client::paginate`, items streamed.
    pub(crate) list: bool,
    /// Asks for confirmation on a terminal and needs `--yes` otherwise.
    pub(crate) confirm: bool,
    /// Default table columns of a list's items.
    pub(crate) columns: &'static [&'static str],
    /// The field that identifies an item (lists) or the answer's object (`-o id`).
    pub(crate) id_field: &'static str,
    /// The answer's field that holds a secret (a created key's plaintext), delivered to a sink.
    pub(crate) secret_output: Option<&'static str>,
    /// The spec marks the operation deprecated.
    pub(crate) deprecated: bool,
}

impl CommandSpec {
    /// The command path as typed: `keys list`.
    pub(crate) fn command(&self) -> String {
        self.path.join(" ")
    }
}
