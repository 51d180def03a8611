//! `openapi/overlay.yaml`: what the spec cannot say (replay classes of POSTs, lists that page differently, secret
//! fields, typed ids, the delete-after-ambiguous-attempt rule, and each operation's command on the command line),
//! read and checked against the merged spec so a stale or misspelt entry is an error instead of a silent no-op.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Result, SpecError};

pub use crate::import::OVERLAY_FILE;

/// The whole overlay.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// Replay decisions, by operationId.
    #[serde(default)]
    pub replay: BTreeMap<String, ReplayDecision>,
    /// Lists that do not page by offset/limit/total_count, by operationId.
    #[serde(default)]
    pub paging: BTreeMap<String, PagingOverride>,
    /// Fields that hold secrets.
    #[serde(default)]
    pub secrets: Vec<SecretField>,
    /// Typed ids, by the type's name.
    #[serde(default)]
    pub ids: BTreeMap<String, IdType>,
    /// The rule for deletes retried after an ambiguous attempt.
    #[serde(default)]
    pub deletes: Option<DeleteRule>,
    /// Each operation's command in the `openrouter-mgmt` command-line tool, by operationId. Once the section
    /// exists, every operation must have an entry (see [`crate::emit_cli`]).
    #[serde(default)]
    pub cli: BTreeMap<String, CliCommand>,
    /// The kinds the declarative engine manages, by kind name (see [`crate::emit_declare`]).
    #[serde(default)]
    pub declare: BTreeMap<String, DeclareKind>,
}

/// One kind of object the desired-state file declares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclareKind {
    /// The file's table (`keys` for `[keys.backend]`).
    pub table: String,
    /// The list operation.
    pub list: String,
    /// The create operation.
    pub create: String,
    /// The update operation.
    pub update: String,
    /// The delete operation.
    pub delete: String,
    /// The operation that reads one whole object, when the list answers summaries only.
    #[serde(default)]
    pub get: Option<String>,
    /// The field that pins an object (its id).
    pub id: String,
    /// The identity without a pin, scope fields first.
    pub natural: Vec<String>,
    /// The field that takes the table key when the file leaves it out.
    pub address_field: String,
    /// The list's query parameter that names the workspace whose objects it lists.
    #[serde(default)]
    pub scope_param: Option<String>,
    /// Constant arguments of the list.
    #[serde(default)]
    pub list_query: BTreeMap<String, Value>,
    /// File attributes that name another kind's object, by attribute.
    #[serde(default)]
    pub references: BTreeMap<String, DeclareReference>,
    /// An attribute that assigns the object to one object of another kind (bulk calls).
    #[serde(default)]
    pub assignment: Option<DeclareAssignment>,
    /// Body fields the file does not manage, each with its reason.
    #[serde(default)]
    pub unmanaged: BTreeMap<String, String>,
    /// Comparator overrides, by field.
    #[serde(default)]
    pub compare: BTreeMap<String, DeclareCompare>,
    /// Fields of the update body that the engine still treats as create-only (a change replaces the object), each
    /// with its reason (the API refuses to change them in some states).
    #[serde(default)]
    pub create_only: BTreeMap<String, String>,
    /// Write-only secret fields that reads never return, by field: the read field that shows a masked form of the
    /// stored value (a BYOK key's `label`), which plans compare with the file's secret.
    #[serde(default)]
    pub masked: BTreeMap<String, String>,
}

/// A file attribute naming another kind's object.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclareReference {
    /// The body field that carries the object's id.
    pub field: String,
    /// The kind it names.
    pub kind: String,
    /// The attribute is a list of names and the field a list of ids.
    #[serde(default)]
    pub many: bool,
}

/// An assignment attribute.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclareAssignment {
    /// The attribute's name in the file.
    pub attribute: String,
    /// The kind it assigns to.
    pub kind: String,
}

/// A comparator override.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclareCompare {
    /// `set`, `list`, `number`, `instant`, `text`, `bool` or `json`.
    pub compare: String,
    /// Why the schema's comparator is wrong for it.
    pub reason: String,
}

/// One operation's command on the command line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CliCommand {
    /// The command path, words separated by spaces, noun before verb (`keys list`, `workspaces budgets set`).
    pub command: String,
    /// The default table columns of a list (item fields); the generator picks them when absent.
    #[serde(default)]
    pub columns: Option<Vec<String>>,
    /// Whether the command asks for confirmation (and needs `--yes` when stdin is not a terminal); a DELETE does
    /// unless this says otherwise.
    #[serde(default)]
    pub confirm: Option<bool>,
    /// Why the entry departs from the defaults (required with `columns` or `confirm`).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A replay class with its reason.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayDecision {
    /// The class.
    pub class: ReplayClass,
    /// The header parameter that makes a replay safe (an `Idempotency-Key`): the SDK sends one per call, the same
    /// on every attempt, unless the caller set it. Only with class `safe`.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// Why.
    pub reason: String,
}

/// The two replay classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplayClass {
    /// Replaying a request that may have been applied changes nothing further.
    Safe,
    /// Replayed only when the first attempt provably never reached the server.
    OnlyIfNotReceived,
}

/// How a list that does not follow offset/limit/total_count pages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PagingOverride {
    /// The page size the server always serves (lists without `limit`).
    #[serde(default)]
    pub page_size: Option<u64>,
    /// The item field that identifies an item, when it is not `id`.
    #[serde(default)]
    pub item_id: Option<String>,
    /// Why.
    pub reason: String,
}

/// One secret field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretField {
    /// `Schema.property`.
    pub field: String,
    /// Why it is secret.
    pub reason: String,
}

/// One typed id.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdType {
    /// `uuid` for UUID-backed ids; strings otherwise.
    #[serde(default)]
    pub format: Option<String>,
    /// `Schema.property` or `*.property`.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Paths up to the parameter, e.g. `/guardrails/{id}`.
    #[serde(default)]
    pub path_params: Vec<String>,
    /// Why.
    pub reason: String,
}

/// The delete rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteRule {
    /// Whether a 404 on a retry after an ambiguous attempt counts as done.
    pub done_on_404_after_ambiguous_attempt: bool,
    /// Why.
    pub reason: String,
}

impl Overlay {
    /// Reads `openapi_dir/overlay.yaml`; an absent file is an empty overlay.
    pub fn load(openapi_dir: &Path) -> Result<Self> {
        let path = openapi_dir.join(OVERLAY_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(SpecError::new(format!("cannot read: {e}")).in_file(&path)),
        };
        let overlay: Self = serde_yaml::from_str(&text)
            .map_err(|e| SpecError::new(format!("not a valid overlay: {e}")).in_file(&path))?;
        overlay.check_reasons().map_err(|e| e.in_file(&path))?;
        Ok(overlay)
    }

    fn check_reasons(&self) -> Result<()> {
        let mut reasons: Vec<(String, &str)> = Vec::new();
        reasons.extend(
            self.replay
                .iter()
                .map(|(k, v)| (format!("replay.{k}"), v.reason.as_str())),
        );
        reasons.extend(
            self.paging
                .iter()
                .map(|(k, v)| (format!("paging.{k}"), v.reason.as_str())),
        );
        reasons.extend(
            self.secrets
                .iter()
                .map(|s| (format!("secrets {}", s.field), s.reason.as_str())),
        );
        reasons.extend(
            self.ids
                .iter()
                .map(|(k, v)| (format!("ids.{k}"), v.reason.as_str())),
        );
        reasons.extend(
            self.deletes
                .iter()
                .map(|d| ("deletes".to_owned(), d.reason.as_str())),
        );
        reasons.extend(
            self.cli
                .iter()
                .filter(|(_, c)| c.columns.is_some() || c.confirm.is_some())
                .map(|(k, c)| (format!("cli.{k}"), c.reason.as_deref().unwrap_or(""))),
        );
        for (kind, entry) in &self.declare {
            reasons.extend(
                entry
                    .unmanaged
                    .iter()
                    .map(|(f, r)| (format!("declare.{kind}.unmanaged.{f}"), r.as_str())),
            );
            reasons.extend(
                entry
                    .create_only
                    .iter()
                    .map(|(f, r)| (format!("declare.{kind}.create_only.{f}"), r.as_str())),
            );
            reasons.extend(
                entry
                    .compare
                    .iter()
                    .map(|(f, c)| (format!("declare.{kind}.compare.{f}"), c.reason.as_str())),
            );
        }
        for (entry, reason) in reasons {
            if reason.trim().is_empty() {
                return Err(SpecError::new(format!(
                    "overlay entry `{entry}` has no reason"
                )));
            }
        }
        Ok(())
    }

    /// Every entry must name something the merged spec has: an operation, a schema property, a path.
    pub fn check_against(&self, merged: &Value, file: &Path) -> Result<()> {
        let ids = crate::spec_query::operation_ids(merged);
        for name in self
            .replay
            .keys()
            .chain(self.paging.keys())
            .chain(self.cli.keys())
            .chain(self.declare.values().flat_map(|k| {
                [&k.list, &k.create, &k.update, &k.delete]
                    .into_iter()
                    .chain(k.get.as_ref())
            }))
        {
            if !ids.contains(name) {
                return Err(SpecError::new(format!(
                    "the overlay names operation `{name}`, which no file under openapi/ defines"
                ))
                .in_file(file));
            }
        }
        for secret in &self.secrets {
            let Some((schema, property)) = secret.field.split_once('.') else {
                return Err(SpecError::new(format!(
                    "secret field `{}` is not `Schema.property`",
                    secret.field
                ))
                .in_file(file));
            };
            let found = crate::spec_query::schema_by_type_name(merged, schema)
                .and_then(|s| s.pointer(&format!("/properties/{property}")).cloned())
                .is_some();
            if !found {
                return Err(SpecError::new(format!(
                    "secret field `{}` names no property of the spec",
                    secret.field
                ))
                .in_file(file));
            }
        }
        for (name, id) in &self.ids {
            for path in &id.path_params {
                let known = merged
                    .get("paths")
                    .and_then(Value::as_object)
                    .is_some_and(|paths| paths.keys().any(|p| p.starts_with(path.as_str())));
                if !known {
                    return Err(SpecError::new(format!(
                        "id `{name}` names path `{path}`, which no operation has"
                    ))
                    .in_file(file));
                }
            }
        }
        Ok(())
    }

    /// The id type of a path parameter: the overlay names a path that ends with `{param}` and is a prefix of
    /// `path`.
    pub fn id_for_path_param(&self, path: &str, param: &str) -> Option<(&str, &IdType)> {
        self.ids.iter().find_map(|(name, id)| {
            id.path_params
                .iter()
                .any(|p| path.starts_with(p.as_str()) && p.ends_with(&format!("{{{param}}}")))
                .then_some((name.as_str(), id))
        })
    }

    /// The id type of a property of a schema.
    pub fn id_for_field(&self, schema: &str, property: &str) -> Option<(&str, &IdType)> {
        self.ids.iter().find_map(|(name, id)| {
            id.fields
                .iter()
                .any(|f| *f == format!("{schema}.{property}") || *f == format!("*.{property}"))
                .then_some((name.as_str(), id))
        })
    }

    /// Whether `Schema.property` is a secret.
    pub fn is_secret(&self, schema: &str, property: &str) -> bool {
        let field = format!("{schema}.{property}");
        self.secrets.iter().any(|s| s.field == field)
    }
}
