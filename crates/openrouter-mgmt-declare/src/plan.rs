//! Diffing a desired state against the live one: match each declared object to at most one live object (by its
//! id pin, else by its natural key; two candidates is an error listing the ids to pin), compare only declared
//! fields with their comparators, and plan creates, in-place updates, replacements (a create-only field changed),
//! assignment moves and deletes (only inside owned scopes). A pure function of (desired, live).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::compare::same;
use crate::error::DeclareError;
use crate::file::{Desired, DesiredObject};
use crate::live::{DEFAULT_WORKSPACE_SLUG, Live, LiveObject, workspace_slug};
use crate::table::KindSpec;

/// What an action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Op {
    /// Create a new object.
    Create,
    /// Update in place.
    Update,
    /// Create a new object, then delete the old one (a create-only field changed).
    Replace,
    /// Delete.
    Delete,
}

impl Op {
    /// The plan symbol: `+`, `~`, `-/+`, `-`.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Create => "+",
            Self::Update => "~",
            Self::Replace => "-/+",
            Self::Delete => "-",
        }
    }

    /// The word for it.
    pub fn word(self) -> &'static str {
        match self {
            Self::Create => "create",
            Self::Update => "update in place",
            Self::Replace => "replace",
            Self::Delete => "delete",
        }
    }
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The field (or reference attribute).
    pub field: String,
    /// The live value (`null` for a create).
    pub before: Value,
    /// The declared value.
    pub after: Value,
}

/// One planned action on one object.
#[derive(Debug, Clone)]
pub struct Action {
    /// `kind.name`.
    pub address: String,
    /// The kind.
    pub kind: &'static KindSpec,
    /// What it does.
    pub op: Op,
    /// The live object's id (updates, replacements, deletes).
    pub id: Option<String>,
    /// The fields that differ (all declared fields for a create).
    pub changes: Vec<Change>,
    /// The body fields to send (create: all declared; update: the changed ones), references unresolved.
    pub body: Map<String, Value>,
    /// References to resolve at apply time: body field → (kind, name of the object in the file or slug).
    pub references: BTreeMap<&'static str, (&'static str, String)>,
    /// List references to resolve at apply time: body field → (kind, names of objects in the file).
    pub list_references: BTreeMap<&'static str, (&'static str, Vec<String>)>,
    /// Why it is a replacement or a delete.
    pub reason: Option<String>,
    /// The object is protected.
    pub protect: bool,
    /// A fingerprint of the live object the action was planned against.
    pub live_fingerprint: Option<String>,
    /// The live object as read (updates, replacements, deletes).
    pub live: Map<String, Value>,
}

impl Action {
    /// The action issues a new secret (creating or replacing a kind whose create answer carries one).
    pub fn issues_secret(&self) -> bool {
        self.kind.secret_output.is_some() && matches!(self.op, Op::Create | Op::Replace)
    }
}

/// An attribute kept as a sub-resource that differs (a workspace's budgets or members, a guardrail's members).
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeChange {
    /// The object's address.
    pub address: String,
    /// The attribute.
    pub attribute: &'static crate::attributes::AttributeSpec,
    /// The live value (`null` for an object the apply creates).
    pub before: Value,
    /// The declared value.
    pub after: Value,
}

/// An assignment to change: the object (by address) moves to the named target (or to none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentChange {
    /// The assigned object's address.
    pub address: String,
    /// Its kind.
    pub kind: &'static str,
    /// The target kind.
    pub target_kind: &'static str,
    /// The live target's id before (`None`: unassigned).
    pub before: Option<String>,
    /// The target's name in the file after (`None`: unassign).
    pub after: Option<String>,
}

/// A plan: what apply would do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// The stack's name.
    pub stack: String,
    /// Object actions, creates and updates in creation order, then deletes.
    pub actions: Vec<Action>,
    /// Assignment changes.
    pub assignments: Vec<AssignmentChange>,
    /// Attribute changes.
    pub attributes: Vec<AttributeChange>,
    /// The organization's settings that differ (empty when none do or none are declared).
    pub organization: Map<String, Value>,
    /// Live objects in scope that the file does not declare and may not delete (outside owned scopes).
    pub unmanaged: usize,
    /// Live objects matched, by address, with their ids (for references and `--write-ids`).
    pub matched: BTreeMap<String, String>,
    /// What the plan could not check (a secret source that cannot be read, so a rotation cannot be detected).
    pub warnings: Vec<String>,
}

/// How to plan.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// Addresses whose secrets are rotated whatever their masked forms say (a mask can collide).
    pub rotate: std::collections::BTreeSet<String>,
}

impl Plan {
    /// Whether applying would change nothing.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
            && self.assignments.is_empty()
            && self.attributes.is_empty()
            && self.organization.is_empty()
    }

    /// How many actions of each kind of op.
    pub fn count(&self, op: Op) -> usize {
        self.actions.iter().filter(|a| a.op == op).count()
    }
}

/// Plans `desired` against `live`.
pub fn plan(desired: &Desired, live: &Live) -> Result<Plan, DeclareError> {
    plan_with(desired, live, &PlanOptions::default())
}

/// Plans `desired` against `live` with options.
pub fn plan_with(
    desired: &Desired,
    live: &Live,
    options: &PlanOptions,
) -> Result<Plan, DeclareError> {
    let mut plan = Plan {
        stack: desired.stack.name.clone(),
        ..Plan::default()
    };
    let mut claimed: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut order: Vec<&DesiredObject> = desired.objects.iter().collect();
    order.sort_by_key(|o| (o.kind.depth(), o.kind.name));
    for object in order {
        let address = object.address();
        let found = find_live(desired, live, object)?;
        if let Some(found) = found {
            if !claimed.insert((object.kind.name, found.id.as_str())) {
                return Err(DeclareError::Ambiguous(format!(
                    "{address} and another address both match {} {}; pin `{} = \"…\"` on each",
                    object.kind.name, found.id, object.kind.id
                )));
            }
            plan.matched.insert(address.clone(), found.id.clone());
        }
        if let Some(action) = diff(desired, live, object, found, options, &mut plan.warnings)? {
            plan.actions.push(action);
        }
    }
    assignments(desired, live, &mut plan);
    attributes(desired, live, &mut plan);
    if let Some(declared) = &desired.organization {
        let empty = Map::new();
        plan.organization =
            crate::organization::changed(declared, live.organization.as_ref().unwrap_or(&empty));
    }
    if desired.stack.sink.is_none()
        && let Some(a) = plan.actions.iter().find(|a| a.issues_secret())
    {
        return Err(DeclareError::invalid(
            &desired.file,
            format!(
                "{} would be created and its secret lost: set `stack.secrets = {{ sink = {{ dir = \"…\" }} }}`",
                a.address
            ),
        ));
    }
    deletes(desired, live, &claimed, &mut plan);
    crate::validate::check_actions(desired, &plan.actions)?;
    Ok(plan)
}

/// The live object a declared one stands for.
fn find_live<'l>(
    desired: &Desired,
    live: &'l Live,
    object: &DesiredObject,
) -> Result<Option<&'l LiveObject>, DeclareError> {
    let kind = object.kind;
    if let Some(pin) = &object.pin {
        return Ok(live.of(kind.name).iter().find(|o| &o.id == pin));
    }
    let mut natural: Vec<(&str, Value)> = Vec::new();
    for field in kind.natural {
        let value = match kind.reference_for_field(field) {
            Some(r) => match resolve_reference(desired, live, object, r.attribute) {
                Some(id) => Value::String(id),
                None => return Ok(None),
            },
            None => object.fields.get(*field).cloned().unwrap_or(Value::Null),
        };
        natural.push((field, value));
    }
    let candidates: Vec<&LiveObject> = live
        .of(kind.name)
        .iter()
        .filter(|o| natural.iter().all(|(f, v)| o.get(f) == v))
        .collect();
    match candidates.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => Err(DeclareError::Ambiguous(format!(
            "{} matches {} live {}s ({}); pin one with `{} = \"…\"`",
            object.address(),
            many.len(),
            kind.name,
            many.iter()
                .map(|o| o.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            kind.id
        ))),
    }
}

/// The live id a reference attribute names, if that object exists.
fn resolve_reference(
    desired: &Desired,
    live: &Live,
    object: &DesiredObject,
    attribute: &str,
) -> Option<String> {
    let r = object.kind.reference(attribute)?;
    match r.kind {
        "workspace" => {
            let slug = object.references.get(attribute).map_or_else(
                || DEFAULT_WORKSPACE_SLUG.to_owned(),
                |n| workspace_slug(desired, n),
            );
            live.workspace_id(&slug).map(str::to_owned)
        }
        kind => {
            let name = object.references.get(attribute)?;
            let target = desired
                .objects
                .iter()
                .find(|o| o.kind.name == kind && &o.name == name)?;
            find_live(desired, live, target)
                .ok()
                .flatten()
                .map(|o| o.id.clone())
        }
    }
}

/// The live id of the object of `kind` that the file names `name`, if it exists.
fn named_id(desired: &Desired, live: &Live, kind: &str, name: &str) -> Option<String> {
    let target = desired
        .objects
        .iter()
        .find(|o| o.kind.name == kind && o.name == name)?;
    find_live(desired, live, target)
        .ok()
        .flatten()
        .map(|o| o.id.clone())
}

/// The action that brings a live object (or none) to the declared state, if any.
fn diff(
    desired: &Desired,
    live: &Live,
    object: &DesiredObject,
    found: Option<&LiveObject>,
    options: &PlanOptions,
    warnings: &mut Vec<String>,
) -> Result<Option<Action>, DeclareError> {
    let kind = object.kind;
    let mut references = BTreeMap::new();
    let mut list_references = BTreeMap::new();
    for r in kind.references.iter().filter(|r| r.many) {
        if let Some(names) = object.list_references.get(r.attribute) {
            list_references.insert(r.field, (r.kind, names.clone()));
        }
    }
    for r in kind.references.iter().filter(|r| !r.many) {
        let name = object
            .references
            .get(r.attribute)
            .cloned()
            .unwrap_or_else(|| {
                if r.kind == "workspace" {
                    DEFAULT_WORKSPACE_SLUG.to_owned()
                } else {
                    String::new()
                }
            });
        if !name.is_empty() {
            references.insert(r.field, (r.kind, name));
        }
    }
    let mut action = Action {
        address: object.address(),
        kind,
        op: Op::Create,
        id: None,
        changes: Vec::new(),
        body: object.fields.clone(),
        references,
        list_references,
        reason: None,
        protect: object.protect,
        live_fingerprint: None,
        live: Map::new(),
    };
    let Some(found) = found else {
        action.changes = object
            .fields
            .iter()
            .map(|(f, v)| Change {
                field: f.clone(),
                before: Value::Null,
                after: v.clone(),
            })
            .collect();
        if object.pin.is_some() {
            action.reason = Some(format!(
                "the pinned {} {} no longer exists",
                kind.id,
                object.pin.as_deref().unwrap_or_default()
            ));
        }
        return Ok(Some(action));
    };
    action.id = Some(found.id.clone());
    action.live_fingerprint = Some(fingerprint(&found.value));
    action.live = found.value.clone();
    let mut changed = Map::new();
    let mut create_only = Vec::new();
    for (name, declared) in &object.fields {
        let Some(field) = kind.field(name) else {
            continue;
        };
        let differs = if crate::secrets::holds_secret(declared) {
            let forced = options.rotate.contains(&action.address);
            match crate::secrets::Reader::of(desired).resolve(declared) {
                Ok(local) => {
                    forced
                        || match field.masked_by {
                            Some(shown) => !local.as_str().is_some_and(|l| {
                                crate::secrets::matches_mask(
                                    l,
                                    found.get(shown).as_str().unwrap_or_default(),
                                )
                            }),
                            None => !crate::compare::same_masked(&local, found.get(name)),
                        }
                }
                Err(e) => {
                    warnings.push(format!(
                        "{}.{name}: {e}; whether it was rotated cannot be checked",
                        action.address
                    ));
                    forced
                }
            }
        } else {
            !same(field.compare, declared, found.get(name))
        };
        if differs {
            action.changes.push(Change {
                field: name.clone(),
                before: found.get(name).clone(),
                after: declared.clone(),
            });
            changed.insert(name.clone(), declared.clone());
            if field.create_only() {
                create_only.push(name.clone());
            }
        }
    }
    for r in kind.references.iter().filter(|r| r.many) {
        let Some((_, names)) = action.list_references.get(r.field) else {
            continue;
        };
        let ids: Option<BTreeSet<String>> = names
            .iter()
            .map(|n| named_id(desired, live, r.kind, n))
            .collect();
        let live_ids: BTreeSet<String> = found
            .get(r.field)
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        if ids.as_ref() != Some(&live_ids) {
            action.changes.push(Change {
                field: r.attribute.to_owned(),
                before: Value::from(live_ids.into_iter().collect::<Vec<_>>()),
                after: Value::from(names.clone()),
            });
            changed.insert(r.field.to_owned(), Value::Null);
            if kind.field(r.field).is_some_and(|f| f.create_only()) {
                create_only.push(r.attribute.to_owned());
            }
        }
    }
    for r in kind.references.iter().filter(|r| !r.many) {
        let Some((_, name)) = action.references.get(r.field) else {
            continue;
        };
        let want = resolve_reference(desired, live, object, r.attribute);
        if want.as_deref() != found.get(r.field).as_str() {
            action.changes.push(Change {
                field: r.attribute.to_owned(),
                before: found.get(r.field).clone(),
                after: Value::String(name.clone()),
            });
            changed.insert(r.field.to_owned(), Value::Null);
            if kind.field(r.field).is_some_and(|f| f.create_only()) {
                create_only.push(r.attribute.to_owned());
            }
        }
    }
    if action.changes.is_empty() {
        return Ok(None);
    }
    if create_only.is_empty() {
        action.op = Op::Update;
        action
            .references
            .retain(|field, _| changed.contains_key(*field));
        action
            .list_references
            .retain(|field, _| changed.contains_key(*field));
        action.body = changed
            .into_iter()
            .filter(|(f, _)| {
                !action.references.contains_key(f.as_str())
                    && !action.list_references.contains_key(f.as_str())
            })
            .collect();
    } else {
        action.op = Op::Replace;
        action.reason = Some(format!("{} is create-only", create_only.join(", ")));
    }
    Ok(Some(action))
}

/// Assignments that differ: an object whose declared target is not its live one, or that is created (a new object
/// has none).
fn assignments(desired: &Desired, live: &Live, plan: &mut Plan) {
    for object in &desired.objects {
        let (Some(assigned), Some(a)) = (&object.assignment, &object.kind.assignment) else {
            continue;
        };
        let address = object.address();
        let recreated = plan
            .actions
            .iter()
            .any(|x| x.address == address && matches!(x.op, Op::Create | Op::Replace));
        let before = match recreated {
            true => None,
            false => plan
                .matched
                .get(&address)
                .and_then(|id| live.assignments.get(id).cloned()),
        };
        let target = assigned
            .as_ref()
            .and_then(|name| plan.matched.get(&format!("{}.{name}", a.kind)));
        let in_sync = match (assigned, &before) {
            (None, None) => true,
            (Some(_), Some(b)) => target == Some(b),
            _ => false,
        };
        if !in_sync {
            plan.assignments.push(AssignmentChange {
                address,
                kind: object.kind.name,
                target_kind: a.kind,
                before,
                after: assigned.clone(),
            });
        }
    }
}

/// Attributes that differ from the live object's (every declared one for an object the apply creates).
fn attributes(desired: &Desired, live: &Live, plan: &mut Plan) {
    for object in &desired.objects {
        let address = object.address();
        let recreated = plan
            .actions
            .iter()
            .any(|x| x.address == address && matches!(x.op, Op::Create | Op::Replace));
        for (name, after) in &object.attributes {
            let Some(spec) = crate::attributes::attribute(object.kind.name, name) else {
                continue;
            };
            let before = match (recreated, plan.matched.get(&address)) {
                (false, Some(id)) => live
                    .attributes
                    .get(id)
                    .and_then(|a| a.get(*name))
                    .cloned()
                    .unwrap_or(Value::Null),
                _ => Value::Null,
            };
            if !crate::attributes::same_value(spec, after, &before) {
                plan.attributes.push(AttributeChange {
                    address: address.clone(),
                    attribute: spec,
                    before,
                    after: after.clone(),
                });
            }
        }
    }
}

/// Live objects in owned scopes that the file does not declare.
fn deletes(desired: &Desired, live: &Live, claimed: &BTreeSet<(&str, &str)>, plan: &mut Plan) {
    let owned_slugs: BTreeSet<&str> = desired.stack.owned_workspaces().collect();
    let owned_ids: BTreeSet<&str> = owned_slugs
        .iter()
        .filter_map(|s| live.workspace_id(s))
        .collect();
    let mut kinds: Vec<&'static KindSpec> = crate::table::in_creation_order();
    kinds.reverse();
    for kind in kinds {
        for object in live.of(kind.name) {
            if claimed.contains(&(kind.name, object.id.as_str())) {
                continue;
            }
            let owned = match kind.reference_for_field("workspace_id") {
                Some(_) => object
                    .get("workspace_id")
                    .as_str()
                    .is_some_and(|w| owned_ids.contains(w)),
                None if kind.name == "workspace" => object
                    .get("slug")
                    .as_str()
                    .is_some_and(|s| owned_slugs.contains(s) && s != DEFAULT_WORKSPACE_SLUG),
                None => desired.stack.owns_kind(kind.name),
            };
            if !owned || live.is_default_guardrail(&object.id) {
                plan.unmanaged += 1;
                continue;
            }
            let name = object
                .get(kind.address_field)
                .as_str()
                .unwrap_or(&object.id)
                .to_owned();
            plan.actions.push(Action {
                address: format!("{}.{}", kind.name, name),
                kind,
                op: Op::Delete,
                id: Some(object.id.clone()),
                changes: Vec::new(),
                body: Map::new(),
                references: BTreeMap::new(),
                list_references: BTreeMap::new(),
                reason: Some("in an owned scope, not in the file".into()),
                protect: false,
                live_fingerprint: Some(fingerprint(&object.value)),
                live: object.value.clone(),
            });
        }
    }
}

/// A short, stable fingerprint of a live object (FNV-1a over its canonical JSON): a saved plan is refused when
/// an object it was planned against changed since.
pub fn fingerprint(value: &Map<String, Value>) -> String {
    let mut keys: Vec<&String> = value.keys().collect();
    keys.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for k in keys {
        for byte in k.bytes().chain(value[k].to_string().bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("fnv1a:{hash:016x}")
}
