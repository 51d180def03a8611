//! Generates the command table of the `openrouter-mgmt` command-line tool (`crates/openrouter-mgmt-cli/src/
//! generated/commands.rs`): one entry per operation with its command path (from the overlay's `cli:` section), its
//! path, query and header parameters and top-level body fields as typed arguments with the spec's help, its body
//! template, paging, confirmation, default table columns and secret output; and the typed dispatch that builds
//! each operation's generated struct from parsed arguments and hands it to the facade's engine. An operation
//! without a command is a regen error naming it.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Value, json};

use crate::error::{Result, SpecError};
use crate::json_pointer::{parse_component_ref, ref_of};
use crate::operation_model::{OperationModel, Param};
use crate::overlay::Overlay;
use crate::rust_types::{Structs, last_ident, option_inner, patch_inner, vec_inner};

/// The file's name inside the command-line crate's `src/generated/` folder.
pub const COMMANDS_RS: &str = "commands.rs";

/// Flags every command has (the tool's global options): no parameter or body field may take these names.
pub const GLOBAL_FLAGS: &[&str] = &[
    "output",
    "fields",
    "yes",
    "dry-run",
    "verbose",
    "base-url",
    "profile",
    "management-key-file",
    "management-key-stdin",
    "no-progress",
    "help",
    "version",
];
/// Flags of commands with a request body.
pub const BODY_FLAGS: &[&str] = &["json-body", "set", "clear", "body-template"];
/// Flags of list commands.
pub const LIST_FLAGS: &[&str] = &["limit", "page-size", "concurrency"];
/// Flags of commands whose answer holds a secret.
pub const SECRET_FLAGS: &[&str] = &["show-secret", "secret-out", "secret-command"];
/// First words of the hand-written commands, which no operation's command may start with.
pub const HAND_WRITTEN: &[&str] = &[
    "api",
    "auth",
    "config",
    "completion",
    "docs",
    "mock",
    "help",
    "version",
];
/// Default table columns of a list, at most.
const MAX_DEFAULT_COLUMNS: usize = 6;
/// Fields that name an object, in the order they are preferred.
const ID_FIELDS: &[&str] = &["id", "hash", "user", "slug"];

/// The `cli:` section is required once present: every operation needs an entry. Returns `None` when the overlay
/// has no `cli:` section (fixture specs that only exercise the SDK layer).
pub fn commands(
    ops: &[OperationModel],
    structs: &Structs,
    merged: &Value,
    overlay: &Overlay,
) -> Result<Option<TokenStream>> {
    if overlay.cli.is_empty() {
        return Ok(None);
    }
    let mut seen: BTreeMap<Vec<String>, String> = BTreeMap::new();
    let mut entries = Vec::new();
    let mut arms = Vec::new();
    for op in ops {
        let label = format!("{} {} ({})", op.method, op.path, op.operation_id);
        let fail = |m: String| SpecError::new(m).in_operation(label.clone());
        let entry = overlay.cli.get(&op.operation_id).ok_or_else(|| {
            fail(format!(
                "no command for this operation in openapi/overlay.yaml: add `cli: {}: {{command: <noun> <verb>}}`",
                op.operation_id
            ))
        })?;
        let words: Vec<String> = entry
            .command
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        check_words(&words).map_err(fail)?;
        for (path, other) in &seen {
            let (short, long) = if path.len() <= words.len() {
                (path, &words)
            } else {
                (&words, path)
            };
            if long.starts_with(short) {
                return Err(fail(format!(
                    "command `{}` clashes with `{}` of {other}: a command cannot be another's prefix or twin",
                    words.join(" "),
                    path.join(" ")
                )));
            }
        }
        seen.insert(words.clone(), op.operation_id.clone());
        let spec = CommandModel::build(op, structs, merged, overlay, entry, words).map_err(fail)?;
        entries.push(spec.entry_tokens(op));
        arms.push(dispatch_arm(op));
    }
    let count = entries.len();
    Ok(Some(quote! {
        //! The command table: one entry per operation under `openapi/`, with its command path and arguments from
        //! the spec and the overlay's `cli:` section, and the typed dispatch that builds each operation's struct
        //! from the parsed arguments and sends it through the facade's engine.

        use openrouter_mgmt::{OperationId, ops};

        use crate::dispatch::{Cx, Input};
        use crate::error::CliError;
        use crate::table::{ArgSpec, BodySpec, CommandSpec, Kind, Location};

        /// Every operation's command, in the order of [`OperationId::ALL`].
        pub(crate) static COMMANDS: [CommandSpec; #count] = [#(#entries),*];

        /// Builds the operation `id` from `input` and sends it (or walks it, for a list) through `cx`.
        pub(crate) async fn dispatch(id: OperationId, input: &Input, cx: &Cx<'_>) -> Result<(), CliError> {
            match id {
                #(#arms)*
                other => Err(CliError::unsupported(other)),
            }
        }
    }))
}

fn check_words(words: &[String]) -> Result<(), String> {
    if words.is_empty() {
        return Err("the overlay's `cli` entry has an empty command".into());
    }
    if HAND_WRITTEN.contains(&words[0].as_str()) {
        return Err(format!(
            "command `{}` starts with `{}`, a hand-written command",
            words.join(" "),
            words[0]
        ));
    }
    for w in words {
        let ok = !w.is_empty()
            && !w.starts_with('-')
            && w.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            return Err(format!(
                "command word `{w}` is not kebab-case (lowercase letters, digits and `-`)"
            ));
        }
    }
    Ok(())
}

/// How a command-line value becomes JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    Int,
    Num,
    Bool,
    StrList,
    Json,
}

impl Kind {
    fn tokens(self) -> TokenStream {
        match self {
            Kind::Str => quote!(Kind::Str),
            Kind::Int => quote!(Kind::Int),
            Kind::Num => quote!(Kind::Num),
            Kind::Bool => quote!(Kind::Bool),
            Kind::StrList => quote!(Kind::StrList),
            Kind::Json => quote!(Kind::Json),
        }
    }
}

struct ArgModel {
    wire: String,
    flag: String,
    location: &'static str,
    kind: Kind,
    required: bool,
    help: String,
    values: Vec<String>,
    secret: bool,
}

struct CommandModel {
    words: Vec<String>,
    args: Vec<ArgModel>,
    body: Option<(String, String)>,
    list: bool,
    confirm: bool,
    columns: Vec<String>,
    id_field: String,
    secret_output: Option<String>,
}

impl CommandModel {
    fn build(
        op: &OperationModel,
        structs: &Structs,
        merged: &Value,
        overlay: &Overlay,
        entry: &crate::overlay::CliCommand,
        words: Vec<String>,
    ) -> Result<Self, String> {
        let list = op.paging.is_some();
        let mut reserved: BTreeSet<String> = GLOBAL_FLAGS.iter().map(|s| s.to_string()).collect();
        if op.body.is_some() {
            reserved.extend(BODY_FLAGS.iter().map(|s| s.to_string()));
        }
        if list {
            reserved.extend(LIST_FLAGS.iter().map(|s| s.to_string()));
        }
        let secret_output = secret_output(op, structs, overlay);
        if secret_output.is_some() {
            reserved.extend(SECRET_FLAGS.iter().map(|s| s.to_string()));
        }
        let mut taken: BTreeSet<String> = BTreeSet::new();
        let mut args = Vec::new();
        for (location, params) in [
            ("path", &op.path_params),
            ("query", &op.query_params),
            ("header", &op.header_params),
        ] {
            for p in params {
                if list && location == "query" && (p.wire == "offset" || p.wire == "limit") {
                    continue;
                }
                let mut flag = p.wire.to_kebab_case();
                if reserved.contains(&flag) || taken.contains(&flag) {
                    flag = format!("param-{flag}");
                }
                if reserved.contains(&flag) || !taken.insert(flag.clone()) {
                    return Err(format!(
                        "parameter `{}` has no free flag name ({flag})",
                        p.wire
                    ));
                }
                let (kind, values) = kind_of(merged, &p.schema);
                args.push(ArgModel {
                    wire: p.wire.clone(),
                    flag,
                    location,
                    kind,
                    required: p.required,
                    help: param_help(p),
                    values,
                    secret: false,
                });
            }
        }
        let mut body = None;
        if let Some(body_type) = &op.body {
            let schema = crate::spec_query::schema_after_hoisting(merged, body_type)
                .map(|s| resolve(merged, s))
                .ok_or_else(|| format!("no schema for request body `{body_type}`"))?;
            let required = crate::spec_query::required(schema);
            for (name, prop) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let (kind, values) = kind_of(merged, prop);
                let secret = overlay.is_secret(body_type, name);
                if kind == Kind::Json || (secret && kind != Kind::Str) {
                    continue;
                }
                let flag = name.to_kebab_case();
                let flags = if secret {
                    vec![format!("{flag}-file"), format!("{flag}-env")]
                } else {
                    vec![flag.clone()]
                };
                if flags
                    .iter()
                    .any(|f| reserved.contains(f) || taken.contains(f))
                {
                    continue;
                }
                taken.extend(flags);
                args.push(ArgModel {
                    wire: name.clone(),
                    flag,
                    location: "body",
                    kind,
                    required: required.contains(name.as_str()),
                    help: first_paragraph(
                        resolve(merged, prop)
                            .get("description")
                            .or_else(|| prop.get("description"))
                            .and_then(Value::as_str)
                            .unwrap_or_default(),
                    ),
                    values,
                    secret,
                });
            }
            body = Some((body_type.clone(), template(merged, op, schema)));
        }
        let confirm = entry.confirm.unwrap_or(op.method == "DELETE");
        let (columns, id_field) = if let Some(paging) = &op.paging {
            let item = list_item(op, structs)
                .ok_or_else(|| "a list whose items are not known".to_owned())?;
            let columns = match &entry.columns {
                Some(columns) => {
                    if let Some(fields) = structs.get(&item) {
                        for c in columns {
                            if !fields.iter().any(|f| &f.json == c) {
                                return Err(format!(
                                    "the overlay's column `{c}` is not a field of the list's items ({item})"
                                ));
                            }
                        }
                    }
                    columns.clone()
                }
                None => default_columns(structs, &item, &paging.item_id),
            };
            (columns, paging.item_id.clone())
        } else {
            if entry.columns.is_some() {
                return Err(
                    "the overlay gives table columns for an operation that is not a list".into(),
                );
            }
            (Vec::new(), single_id_field(op, structs))
        };
        Ok(Self {
            words,
            args,
            body,
            list,
            confirm,
            columns,
            id_field,
            secret_output,
        })
    }

    fn entry_tokens(&self, op: &OperationModel) -> TokenStream {
        let variant = format_ident!("{}", op.type_name);
        let words = &self.words;
        let about = one_line(&op.summary);
        let long_about = op.description.trim().to_owned();
        let method = &op.method;
        let path_template = &op.path;
        let args = self.args.iter().map(|a| {
            let ArgModel {
                wire,
                flag,
                required,
                help,
                secret,
                ..
            } = a;
            let location = match a.location {
                "path" => quote!(Location::Path),
                "query" => quote!(Location::Query),
                "header" => quote!(Location::Header),
                _ => quote!(Location::Body),
            };
            let kind = a.kind.tokens();
            let values = &a.values;
            quote! {
                ArgSpec {
                    wire: #wire,
                    flag: #flag,
                    location: #location,
                    kind: #kind,
                    required: #required,
                    help: #help,
                    values: &[#(#values),*],
                    secret: #secret,
                }
            }
        });
        let body = match &self.body {
            Some((type_name, template)) => quote! {
                Some(BodySpec { type_name: #type_name, template: #template })
            },
            None => quote!(None),
        };
        let list = self.list;
        let confirm = self.confirm;
        let columns = &self.columns;
        let id_field = &self.id_field;
        let secret_output = match &self.secret_output {
            Some(s) => quote!(Some(#s)),
            None => quote!(None),
        };
        let deprecated = op.description.to_lowercase().contains("deprecated")
            || op.summary.to_lowercase().contains("deprecated");
        quote! {
            CommandSpec {
                operation: OperationId::#variant,
                path: &[#(#words),*],
                about: #about,
                long_about: #long_about,
                method: #method,
                path_template: #path_template,
                args: &[#(#args),*],
                body: #body,
                list: #list,
                confirm: #confirm,
                columns: &[#(#columns),*],
                id_field: #id_field,
                secret_output: #secret_output,
                deprecated: #deprecated,
            }
        }
    }
}

/// The dispatch arm: the operation's struct built field by field from the parsed input (each field's type is
/// inferred from the struct), then sent or walked.
fn dispatch_arm(op: &OperationModel) -> TokenStream {
    let variant = format_ident!("{}", op.type_name);
    let list = op.paging.is_some();
    let mut fields: Vec<TokenStream> = Vec::new();
    let params: Vec<(&Param, &str)> = op
        .path_params
        .iter()
        .map(|p| (p, "path"))
        .chain(op.query_params.iter().map(|p| (p, "query")))
        .chain(op.header_params.iter().map(|p| (p, "header")))
        .collect();
    for (p, location) in params {
        let ident = &p.ident;
        let wire = &p.wire;
        if list && location == "query" && (p.wire == "offset" || p.wire == "limit") {
            fields.push(quote!(#ident: Default::default()));
        } else if p.required {
            fields.push(quote!(#ident: input.required(#wire)?));
        } else {
            fields.push(quote!(#ident: input.optional(#wire)?));
        }
    }
    if op.body.is_some() {
        fields.push(quote!(body: input.body()?));
    }
    let call = if list {
        quote!(cx.paginate(operation).await)
    } else {
        quote!(cx.send(operation).await)
    };
    quote! {
        OperationId::#variant => {
            let operation = ops::#variant { #(#fields),* };
            #call
        }
    }
}

/// The response field that holds a secret (a created key's plaintext), if the answer carries one.
fn secret_output(op: &OperationModel, structs: &Structs, overlay: &Overlay) -> Option<String> {
    if !op.secret_in_response {
        return None;
    }
    let response = op.response.as_ref()?;
    structs
        .get(response)?
        .iter()
        .find(|f| overlay.is_secret(response, &f.json))
        .map(|f| f.json.clone())
}

fn list_item(op: &OperationModel, structs: &Structs) -> Option<String> {
    let response = op.response.as_ref()?;
    let data = structs.get(response)?.iter().find(|f| f.json == "data")?;
    last_ident(vec_inner(&data.ty)?)
}

fn unwrap_ty(ty: &syn::Type) -> &syn::Type {
    option_inner(ty)
        .or_else(|| patch_inner(ty))
        .map(unwrap_ty)
        .unwrap_or(ty)
}

fn default_columns(structs: &Structs, item: &str, id_field: &str) -> Vec<String> {
    let Some(fields) = structs.get(item) else {
        return vec![id_field.to_owned()];
    };
    let scalar = |ty: &syn::Type| {
        let ty = unwrap_ty(ty);
        match last_ident(ty) {
            Some(name) => {
                !matches!(
                    name.as_str(),
                    "Vec" | "Map" | "HashMap" | "BTreeMap" | "Value" | "SecretMap"
                ) && !structs.contains_key(&name)
            }
            None => false,
        }
    };
    let mut columns: Vec<String> = fields
        .iter()
        .filter(|f| f.json == id_field)
        .map(|f| f.json.clone())
        .collect();
    for f in fields {
        if columns.len() >= MAX_DEFAULT_COLUMNS {
            break;
        }
        if f.json != id_field && scalar(&f.ty) {
            columns.push(f.json.clone());
        }
    }
    columns
}

/// The field that names the object a single answer holds (`data.id`, `data.hash`, ...).
fn single_id_field(op: &OperationModel, structs: &Structs) -> String {
    let inner = op
        .response
        .as_ref()
        .and_then(|r| structs.get(r))
        .and_then(|fields| fields.iter().find(|f| f.json == "data"))
        .and_then(|data| last_ident(unwrap_ty(&data.ty)))
        .and_then(|name| structs.get(&name));
    let outer = op.response.as_ref().and_then(|r| structs.get(r));
    for fields in [inner, outer].into_iter().flatten() {
        if let Some(id) = ID_FIELDS
            .iter()
            .find(|id| fields.iter().any(|f| f.json == **id))
        {
            return (*id).to_owned();
        }
    }
    "id".to_owned()
}

fn param_help(p: &Param) -> String {
    first_paragraph(&p.doc)
}

fn first_paragraph(text: &str) -> String {
    text.trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The schema a `$ref` (or an `allOf` of one) stands for.
fn resolve<'a>(merged: &'a Value, schema: &'a Value) -> &'a Value {
    let mut current = schema;
    for _ in 0..16 {
        let next = if let Some(r) = ref_of(current) {
            parse_component_ref(r).and_then(|(kind, name)| {
                merged.pointer(&crate::json_pointer::component(&kind, &name))
            })
        } else {
            match current.get("allOf").and_then(Value::as_array) {
                Some(parts) if parts.len() == 1 => Some(&parts[0]),
                Some(parts) => parts.iter().find(|p| {
                    ref_of(p).is_some() || p.get("type").is_some() || p.get("properties").is_some()
                }),
                None => None,
            }
        };
        match next {
            Some(n) => current = n,
            None => break,
        }
    }
    current
}

fn kind_of(merged: &Value, schema: &Value) -> (Kind, Vec<String>) {
    let schema = resolve(merged, schema);
    let values: Vec<String> = schema
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let kind = match schema.get("type").and_then(Value::as_str) {
        Some("string") => Kind::Str,
        Some("integer") => Kind::Int,
        Some("number") => Kind::Num,
        Some("boolean") => Kind::Bool,
        Some("array") => {
            let items = schema.get("items").map(|i| resolve(merged, i));
            match items.and_then(|i| i.get("type")).and_then(Value::as_str) {
                Some("string") => Kind::StrList,
                _ => Kind::Json,
            }
        }
        _ if !values.is_empty() => Kind::Str,
        _ => Kind::Json,
    };
    let values = if kind == Kind::StrList {
        schema
            .get("items")
            .map(|i| resolve(merged, i))
            .and_then(|i| i.get("enum"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    } else {
        values
    };
    (kind, values)
}

/// The body template: the spec's own example when it gives one, else the required fields filled in from their
/// examples, enums and constraints. Pretty JSON.
fn template(merged: &Value, op: &OperationModel, schema: &Value) -> String {
    let spec_op = crate::spec_query::operations(merged)
        .find(|(_, _, o)| o.get("operationId").and_then(Value::as_str) == Some(&op.operation_id))
        .map(|(_, _, o)| o);
    let example = spec_op.and_then(|o| {
        o.pointer("/requestBody/content/application~1json/example")
            .or_else(|| o.pointer("/requestBody/content/application~1json/schema/example"))
    });
    let value = match example {
        Some(e) if e.is_object() => e.clone(),
        _ => synthesize(merged, schema, 0),
    };
    serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".to_owned())
}

fn synthesize(merged: &Value, schema: &Value, depth: usize) -> Value {
    let schema = resolve(merged, schema);
    if depth > 8 {
        return Value::Null;
    }
    if let Some(e) = schema.get("example") {
        return e.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|v| v.first())
    {
        return first.clone();
    }
    for union in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(union)
            .and_then(Value::as_array)
            .and_then(|v| v.first())
        {
            return synthesize(merged, first, depth + 1);
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None if schema.get("properties").is_some() => {
            let required = crate::spec_query::required(schema);
            let mut out = serde_json::Map::new();
            for (name, prop) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if required.contains(name.as_str()) {
                    out.insert(name.clone(), synthesize(merged, prop, depth + 1));
                }
            }
            Value::Object(out)
        }
        Some("object") => json!({}),
        Some("array") => {
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            match schema.get("items") {
                Some(items) if min > 0 => Value::Array(
                    (0..min)
                        .map(|_| synthesize(merged, items, depth + 1))
                        .collect(),
                ),
                _ => json!([]),
            }
        }
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => json!("00000000-0000-0000-0000-000000000000"),
            Some("date-time") => json!("2030-01-01T00:00:00Z"),
            Some("date") => json!("2030-01-01"),
            Some("uri") | Some("url") => json!("https://example.com"),
            _ => {
                let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(1);
                json!("x".repeat(min.max(1) as usize))
            }
        },
        Some("integer") => json!(in_range(schema) as i64),
        Some("number") => json!(in_range(schema)),
        Some("boolean") => json!(false),
        _ => Value::Null,
    }
}

/// 1, moved into the schema's range when it is outside.
fn in_range(schema: &Value) -> f64 {
    let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    let mut value = 1.0;
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && (value < min || (value == min && exclusive("exclusiveMinimum")))
    {
        value = if exclusive("exclusiveMinimum") {
            min + 1.0
        } else {
            min
        };
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && (value > max || (value == max && exclusive("exclusiveMaximum")))
    {
        value = max;
    }
    value
}
