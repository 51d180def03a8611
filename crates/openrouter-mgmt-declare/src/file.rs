//! The desired-state file: TOML with a `[stack]` table (name, owned scopes, where new secrets go) and one table
//! per kind (`[keys.backend]`), read into objects whose every attribute is checked against the generated
//! resource table, so a misspelt field is an error naming the address instead of a silent no-op.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::DeclareError;
use crate::table::{self, KindSpec};

/// The sentinel that clears a nullable field (TOML has no `null`).
pub const NONE: &str = "none";

/// The file format's version.
pub const VERSION: i64 = 1;

/// A desired state.
#[derive(Debug, Clone)]
pub struct Desired {
    /// The file it came from.
    pub file: PathBuf,
    /// The stack's settings.
    pub stack: Stack,
    /// The declared objects, in file order per kind.
    pub objects: Vec<DesiredObject>,
    /// Where `{ env = … }` secret sources are read (the process's environment when `None`).
    pub env: Option<SecretEnv>,
    /// The organization's settings (`[organization]`), when declared.
    pub organization: Option<Map<String, Value>>,
}

/// An environment to read secret sources from; its `Debug` shows the names only.
#[derive(Clone, Default)]
pub struct SecretEnv(pub BTreeMap<String, String>);

impl std::fmt::Debug for SecretEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// The `[stack]` table.
#[derive(Debug, Clone, Default)]
pub struct Stack {
    /// The stack's name.
    pub name: String,
    /// Scopes inside which objects the file does not declare are deleted.
    pub owns: Vec<Scope>,
    /// Where the plaintext of a created key goes.
    pub sink: Option<SinkSpec>,
}

/// An ownership scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// `workspace:<slug>`: the workspace and everything in it.
    Workspace(String),
    /// `kind:<kind>`: every object of a kind that lives outside workspaces (e.g. `kind:private_provider`).
    Kind(String),
}

impl Stack {
    /// The slugs of the owned workspaces.
    pub fn owned_workspaces(&self) -> impl Iterator<Item = &str> {
        self.owns.iter().filter_map(|s| match s {
            Scope::Workspace(slug) => Some(slug.as_str()),
            Scope::Kind(_) => None,
        })
    }

    /// Whether every object of `kind` is owned.
    pub fn owns_kind(&self, kind: &str) -> bool {
        self.owns
            .iter()
            .any(|s| matches!(s, Scope::Kind(k) if k == kind))
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Workspace(slug) => write!(f, "workspace:{slug}"),
            Self::Kind(kind) => write!(f, "kind:{kind}"),
        }
    }
}

/// Where new secrets go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinkSpec {
    /// A new 0600 file per object, `<dir>/<kind>.<address>.secret`, relative to the file's folder.
    Dir(PathBuf),
}

/// One declared object.
#[derive(Debug, Clone)]
pub struct DesiredObject {
    /// Its kind.
    pub kind: &'static KindSpec,
    /// The table key (`backend` in `[keys.backend]`).
    pub name: String,
    /// The id pin.
    pub pin: Option<String>,
    /// Never deleted or replaced.
    pub protect: bool,
    /// Declared body fields (cleared fields are `null`).
    pub fields: Map<String, Value>,
    /// References: attribute → the named object's address name (or, for an object the file does not declare,
    /// its natural name, e.g. a workspace slug).
    pub references: BTreeMap<&'static str, String>,
    /// List references: attribute → the named objects' address names.
    pub list_references: BTreeMap<&'static str, Vec<String>>,
    /// The assignment: `Some(None)` is declared unassigned, `None` is not managed.
    pub assignment: Option<Option<String>>,
    /// Attributes kept as sub-resources (`budgets`, `members`), by name.
    pub attributes: BTreeMap<&'static str, Value>,
}

impl DesiredObject {
    /// The object's address, `kind.name`.
    pub fn address(&self) -> String {
        format!("{}.{}", self.kind.name, self.name)
    }
}

/// Reads and checks a desired-state file.
pub fn load(path: &Path) -> Result<Desired, DeclareError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| DeclareError::invalid(path, format!("cannot read: {e}")))?;
    parse(path, &text)
}

/// Parses and checks a desired-state file's text.
pub fn parse(path: &Path, text: &str) -> Result<Desired, DeclareError> {
    let bad = |m: String| DeclareError::invalid(path, m);
    let doc: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| bad(e.to_string()))?;
    let mut stack = None;
    let mut objects = Vec::new();
    let mut version = None;
    let mut organization = None;
    for (key, value) in &doc {
        match key.as_str() {
            "version" => version = value.as_integer(),
            "stack" => stack = Some(parse_stack(value).map_err(bad)?),
            "organization" => {
                let Value::Object(settings) = to_json(value) else {
                    return Err(bad("`organization` must be a table of settings".into()));
                };
                crate::organization::check(&settings).map_err(bad)?;
                organization = Some(settings);
            }
            table => {
                let kind = table::kind_of_table(table).ok_or_else(|| {
                    bad(format!(
                        "unknown table `{table}`; a file declares `version`, `stack` and {}",
                        table::kinds()
                            .iter()
                            .map(|k| format!("`{}`", k.table))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
                let entries = value
                    .as_table()
                    .ok_or_else(|| bad(format!("`{table}` must be a table of objects")))?;
                for (name, body) in entries {
                    objects.push(parse_object(kind, name, body).map_err(bad)?);
                }
            }
        }
    }
    if version != Some(VERSION) {
        return Err(bad(format!("`version = {VERSION}` is required")));
    }
    let stack = stack.ok_or_else(|| bad("a `[stack]` table with `name` is required".into()))?;
    let desired = Desired {
        file: path.to_path_buf(),
        stack,
        objects,
        env: None,
        organization,
    };
    check_references(&desired).map_err(bad)?;
    Ok(desired)
}

fn parse_stack(value: &toml::Value) -> Result<Stack, String> {
    let table = value.as_table().ok_or("`stack` must be a table")?;
    let mut stack = Stack::default();
    for (key, v) in table {
        match key.as_str() {
            "name" => {
                stack.name = v
                    .as_str()
                    .ok_or("`stack.name` must be a string")?
                    .to_owned();
            }
            "owns" => {
                for scope in v.as_array().ok_or("`stack.owns` must be a list")? {
                    let s = scope.as_str().ok_or("`stack.owns` holds strings")?;
                    match s.split_once(':') {
                        Some(("workspace", slug)) if !slug.is_empty() => {
                            stack.owns.push(Scope::Workspace(slug.to_owned()));
                        }
                        Some(("kind", kind))
                            if table::kind(kind).is_some_and(|k| {
                                k.references.iter().all(|r| r.kind != "workspace")
                            }) =>
                        {
                            stack.owns.push(Scope::Kind(kind.to_owned()));
                        }
                        _ => {
                            return Err(format!(
                                "scope `{s}` is not `workspace:<slug>` or `kind:<kind>` (of a kind outside workspaces)"
                            ));
                        }
                    }
                }
            }
            "secrets" => {
                let sink = v
                    .get("sink")
                    .and_then(|s| s.get("dir"))
                    .and_then(toml::Value::as_str)
                    .ok_or("`stack.secrets` must be `{ sink = { dir = \"…\" } }`")?;
                stack.sink = Some(SinkSpec::Dir(PathBuf::from(sink)));
            }
            other => {
                return Err(format!(
                    "unknown key `stack.{other}`; `stack` has `name`, `owns` and `secrets`"
                ));
            }
        }
    }
    if stack.name.is_empty() {
        return Err("`stack.name` is required".into());
    }
    Ok(stack)
}

fn parse_object(
    kind: &'static KindSpec,
    name: &str,
    body: &toml::Value,
) -> Result<DesiredObject, String> {
    let address = format!("{}.{name}", kind.name);
    let table = body
        .as_table()
        .ok_or_else(|| format!("`{address}` must be a table"))?;
    let mut object = DesiredObject {
        kind,
        name: name.to_owned(),
        pin: None,
        protect: false,
        fields: Map::new(),
        references: BTreeMap::new(),
        list_references: BTreeMap::new(),
        assignment: None,
        attributes: BTreeMap::new(),
    };
    for (key, value) in table {
        let at = || format!("`{address}.{key}`");
        if key == "protect" {
            object.protect = value
                .as_bool()
                .ok_or_else(|| format!("{} must be true or false", at()))?;
        } else if key == kind.id {
            object.pin = Some(
                value
                    .as_str()
                    .ok_or_else(|| format!("{} (the id pin) must be a string", at()))?
                    .to_owned(),
            );
        } else if let Some(r) = kind.reference(key).filter(|r| r.many) {
            let names = value
                .as_array()
                .and_then(|a| {
                    a.iter()
                        .map(|v| v.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>()
                })
                .ok_or_else(|| {
                    format!("{} names {}s and must be a list of strings", at(), r.kind)
                })?;
            object.list_references.insert(r.attribute, names);
        } else if let Some(r) = kind.reference(key) {
            let target = value
                .as_str()
                .ok_or_else(|| format!("{} names a {} and must be a string", at(), r.kind))?;
            object.references.insert(r.attribute, target.to_owned());
        } else if let Some(a) = kind.assignment.as_ref().filter(|a| a.attribute == key) {
            let target = value
                .as_str()
                .ok_or_else(|| format!("{} names a {} and must be a string", at(), a.kind))?;
            object.assignment = Some((target != NONE).then(|| target.to_owned()));
        } else if let Some(spec) = crate::attributes::attribute(kind.name, key) {
            let json = crate::attributes::from_file(spec, to_json(value));
            crate::attributes::check(spec, &json).map_err(|m| format!("{}: {m}", at()))?;
            object.attributes.insert(spec.name, json);
        } else if let Some(field) = kind.field(key) {
            if kind.reference_for_field(key).is_some() {
                return Err(format!(
                    "{} is set through its reference attribute (`{}`)",
                    at(),
                    kind.reference_for_field(key).map_or("", |r| r.attribute)
                ));
            }
            let json = to_json(value);
            let json = match json {
                Value::String(s) if s == NONE && field.nullable => Value::Null,
                other => other,
            };
            let refused = field.secret && !json.is_object();
            let json = secrets_in(json, refused, kind.secret_keys)
                .map_err(|m| format!("{}: {m}", at()))?;
            object.fields.insert(key.clone(), json);
        } else {
            let mut known: Vec<&str> = kind.fields.iter().map(|f| f.name).collect();
            known.retain(|f| kind.reference_for_field(f).is_none());
            known.extend(kind.references.iter().map(|r| r.attribute));
            known.extend(kind.assignment.iter().map(|a| a.attribute));
            known.extend(
                crate::attributes::ATTRIBUTES
                    .iter()
                    .filter(|a| a.kind == kind.name)
                    .map(|a| a.name),
            );
            known.extend(["protect", kind.id]);
            known.sort_unstable();
            return Err(format!(
                "unknown field {}; a {} has: {}",
                at(),
                kind.name,
                known.join(", ")
            ));
        }
    }
    // Without a pin the table key is the object's natural name unless the file gives one; with a pin, identity is
    // the id and an absent name is simply not managed (an exported object whose name is unset stays so).
    if object.pin.is_none() {
        object
            .fields
            .entry(kind.address_field.to_owned())
            .or_insert_with(|| Value::String(name.to_owned()));
    }
    Ok(object)
}

/// Secret sources become markers; a secret written as a literal is refused (a file holds no secret): the value of
/// a secret field that is not an object (a BYOK key), and every string at or below a nested secret key (a
/// destination config's `apiKey`, every value of its `headers`).
fn secrets_in(value: Value, literal_refused: bool, secret_keys: &[&str]) -> Result<Value, String> {
    if let Some(marker) = crate::secrets::source(&value) {
        return Ok(marker);
    }
    match value {
        Value::String(_) if literal_refused => Err(
            "a secret is never written in the file: give its source, `{ env = \"VAR\" }`, `{ file = \"path\" }` or `{ command = [\"…\"] }`".into(),
        ),
        Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| {
                let refused = literal_refused || secret_keys.contains(&k.as_str());
                secrets_in(v, refused, secret_keys)
                    .map(|v| (k.clone(), v))
                    .map_err(|m| format!("`{k}`: {m}"))
            })
            .collect::<Result<Map<_, _>, _>>()
            .map(Value::Object),
        Value::Array(items) => items
            .into_iter()
            .map(|v| secrets_in(v, literal_refused, secret_keys))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        other => Ok(other),
    }
}

/// TOML to JSON: datetimes become RFC 3339 strings.
fn to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

/// Assignments name objects the file declares; two objects of one kind cannot share a table key.
fn check_references(desired: &Desired) -> Result<(), String> {
    for object in &desired.objects {
        if let (Some(Some(target)), Some(a)) = (&object.assignment, &object.kind.assignment) {
            let declared = desired
                .objects
                .iter()
                .any(|o| o.kind.name == a.kind && &o.name == target);
            if !declared {
                return Err(format!(
                    "`{}.{}` names {}.{target}, which this file does not declare",
                    object.address(),
                    a.attribute,
                    a.kind
                ));
            }
        }
    }
    Ok(())
}
