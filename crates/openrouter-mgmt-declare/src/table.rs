//! The shapes of the generated resource table: what a declarable kind is (operations, identity, references,
//! assignment) and what each of its managed fields is (in which bodies, how it compares, whether it can be
//! cleared or is a secret), with lookups by kind name and the order kinds are created in.

use openrouter_mgmt::OperationId;

use crate::generated::resources::KINDS;

/// One declarable kind.
#[derive(Debug)]
pub struct KindSpec {
    /// The kind's name (`key`), the first part of an address (`key.backend`).
    pub name: &'static str,
    /// The file's table (`keys` for `[keys.backend]`).
    pub table: &'static str,
    /// The field that pins an object (its id).
    pub id: &'static str,
    /// The path parameter of the update and delete operations that takes the id.
    pub id_param: &'static str,
    /// The identity without a pin, scope fields first.
    pub natural: &'static [&'static str],
    /// The field that takes the table key when the file leaves it out.
    pub address_field: &'static str,
    /// The list's query parameter that names the workspace.
    pub scope_param: Option<&'static str>,
    /// Constant list arguments, as (wire name, JSON value).
    pub list_query: &'static [(&'static str, &'static str)],
    /// File attributes naming another kind's object.
    pub references: &'static [Reference],
    /// The attribute that assigns an object to one object of another kind.
    pub assignment: Option<Assignment>,
    /// The create answer's field that holds a secret (a created key's plaintext).
    pub secret_output: Option<&'static str>,
    /// Names of secrets nested in the kind's objects (a destination config's `apiKey`): the file must give them
    /// from a secret source, and reads show them masked.
    pub secret_keys: &'static [&'static str],
    /// The managed fields.
    pub fields: &'static [FieldSpec],
    /// The list answers summaries: each item is read whole with the kind's get operation.
    pub detailed: bool,
    /// The list operation.
    pub list: OperationId,
    /// The create operation.
    pub create: OperationId,
    /// The update operation.
    pub update: OperationId,
    /// The delete operation.
    pub delete: OperationId,
}

/// A file attribute naming another kind's object, sent as that object's id.
#[derive(Debug)]
pub struct Reference {
    /// The attribute (`workspace`).
    pub attribute: &'static str,
    /// The body field carrying the id (`workspace_id`).
    pub field: &'static str,
    /// The kind named.
    pub kind: &'static str,
    /// A list of names, sent as a list of ids.
    pub many: bool,
}

/// An attribute that assigns the object to one object of another kind (`key.guardrail`).
#[derive(Debug)]
pub struct Assignment {
    /// The attribute.
    pub attribute: &'static str,
    /// The kind assigned to.
    pub kind: &'static str,
}

/// One managed field.
#[derive(Debug)]
pub struct FieldSpec {
    /// The body field's name.
    pub name: &'static str,
    /// In the create body.
    pub create: bool,
    /// In the update body.
    pub update: bool,
    /// How a declared value is compared with the live one.
    pub compare: Compare,
    /// Can be cleared (an explicit `null`, written `"none"` in the file).
    pub nullable: bool,
    /// Holds a secret.
    pub secret: bool,
    /// A write-only secret that reads never return: the read field that shows it masked.
    pub masked_by: Option<&'static str>,
}

impl FieldSpec {
    /// A change of this field replaces the object (it is in the create body only).
    pub fn create_only(&self) -> bool {
        self.create && !self.update
    }
}

/// How a declared value is compared with the live one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// Order-insensitive list.
    Set,
    /// Ordered list.
    List,
    /// Numeric equality (`100` = `100.0`).
    Number,
    /// The same instant, whatever the notation.
    Instant,
    /// Exact text.
    Text,
    /// Boolean.
    Bool,
    /// Exact JSON.
    Json,
    /// An object whose declared keys only are compared (the server fills in the rest with defaults).
    Subset,
    /// A URL: scheme and host in any case, with or without a trailing `/`.
    Url,
}

/// The operations of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// List (every page).
    List,
    /// Create.
    Create,
    /// Update in place.
    Update,
    /// Delete.
    Delete,
    /// Read one whole object.
    Get,
}

impl KindSpec {
    /// The managed field of this name.
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The reference of this attribute.
    pub fn reference(&self, attribute: &str) -> Option<&'static Reference> {
        self.references.iter().find(|r| r.attribute == attribute)
    }

    /// The reference whose id goes into this field.
    pub fn reference_for_field(&self, field: &str) -> Option<&'static Reference> {
        self.references.iter().find(|r| r.field == field)
    }

    /// How many references deep the kind is (a workspace 0, a guardrail 1): kinds are created in this order and
    /// deleted in the reverse.
    pub fn depth(&self) -> usize {
        self.references
            .iter()
            .filter_map(|r| kind(r.kind))
            .filter(|k| k.name != self.name)
            .map(|k| k.depth() + 1)
            .max()
            .unwrap_or(0)
    }
}

/// Every declarable kind.
pub fn kinds() -> &'static [KindSpec] {
    &KINDS
}

/// The kind of this name.
pub fn kind(name: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.name == name)
}

/// The kind of this file table.
pub(crate) fn kind_of_table(table: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.table == table)
}

/// Kinds in creation order (referenced kinds first, then by name).
pub(crate) fn in_creation_order() -> Vec<&'static KindSpec> {
    let mut all: Vec<&'static KindSpec> = KINDS.iter().collect();
    all.sort_by_key(|k| (k.depth(), k.name));
    all
}
