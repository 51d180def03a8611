//! Attributes an object declares that the API keeps as separate sub-resources: a workspace's `budgets` (one per
//! interval, upserted with PUT) and `members` (a set of user ids, added and removed in bulk), and a guardrail's
//! `members` (member assignments, moved in bulk). Each is read per object, compared as a whole (a declared attribute
//! is the complete set), and changed with the fewest calls: only the intervals and members that differ.

use std::collections::{BTreeMap, BTreeSet};

use futures::StreamExt;
use openrouter_mgmt::{Client, Error, GuardrailId, UserId, ops, types};
use openrouter_mgmt_gen::open_enums::WorkspaceBudgetInterval;
use serde_json::{Map, Value, json};

use crate::compare::same;
use crate::error::DeclareError;
use crate::table::Compare;

/// One attribute kept as a sub-resource.
#[derive(Debug, PartialEq, Eq)]
pub struct AttributeSpec {
    /// The kind that declares it.
    pub kind: &'static str,
    /// Its name in the file.
    pub name: &'static str,
    /// What it holds, for errors and the schema.
    pub about: &'static str,
}

/// Every such attribute.
pub const ATTRIBUTES: [AttributeSpec; 5] = [
    AttributeSpec {
        kind: "workspace",
        name: "budgets",
        about: "a table of interval (daily, weekly, monthly, lifetime) to limit in USD; intervals left out are removed",
    },
    AttributeSpec {
        kind: "workspace",
        name: "members",
        about: "the user ids of the workspace's members (the complete set)",
    },
    AttributeSpec {
        kind: "workspace",
        name: "default_guardrail",
        about: "settings of the workspace's default guardrail (a table of guardrail fields; only those declared are managed)",
    },
    AttributeSpec {
        kind: "private_endpoint",
        name: "status",
        about: "draft, active or disabled; from draft to active the endpoint is validated (in the default workspace), then activated",
    },
    AttributeSpec {
        kind: "guardrail",
        name: "members",
        about: "the user ids assigned to the guardrail (the complete set; a member holds one guardrail)",
    },
];

/// The attribute of `kind` called `name`.
pub(crate) fn attribute(kind: &str, name: &str) -> Option<&'static AttributeSpec> {
    ATTRIBUTES.iter().find(|a| a.kind == kind && a.name == name)
}

/// The guardrail fields a default guardrail's settings may declare (not its name or workspace, which the
/// workspace owns).
fn default_guardrail_field(name: &str) -> Option<&'static crate::table::FieldSpec> {
    crate::table::kind("guardrail")?
        .field(name)
        .filter(|f| f.update && !matches!(f.name, "name" | "workspace_id"))
}

/// Reads a declared value: the `none` sentinel clears a nullable default-guardrail setting.
pub(crate) fn from_file(spec: &AttributeSpec, mut value: Value) -> Value {
    if spec.name == "default_guardrail"
        && let Some(table) = value.as_object_mut()
    {
        for (k, v) in table.iter_mut() {
            if v.as_str() == Some(crate::file::NONE)
                && default_guardrail_field(k).is_some_and(|f| f.nullable)
            {
                *v = Value::Null;
            }
        }
    }
    value
}

/// What an export writes for a live value: nothing when it is empty; a default guardrail's settable fields that
/// hold a value.
pub(crate) fn exported(spec: &AttributeSpec, value: &Value) -> Option<Value> {
    let value = match (spec.name, value) {
        ("default_guardrail", Value::Object(m)) => Value::Object(
            m.iter()
                .filter(|(k, v)| {
                    default_guardrail_field(k).is_some()
                        && !v.is_null()
                        && !v.as_array().is_some_and(Vec::is_empty)
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        (_, v) => v.clone(),
    };
    let empty = value.is_null()
        || value.as_array().is_some_and(Vec::is_empty)
        || value.as_object().is_some_and(Map::is_empty);
    (!empty).then_some(value)
}

/// Checks a declared value's shape.
pub(crate) fn check(spec: &AttributeSpec, value: &Value) -> Result<(), String> {
    match spec.name {
        "status" => match value.as_str() {
            Some("draft" | "active" | "disabled") => Ok(()),
            _ => Err("must be \"draft\", \"active\" or \"disabled\"".into()),
        },
        "default_guardrail" => {
            let table = value
                .as_object()
                .ok_or("must be a table of guardrail settings")?;
            for k in table.keys() {
                if default_guardrail_field(k).is_none() {
                    return Err(format!("`{k}` is not a setting of a default guardrail"));
                }
            }
            Ok(())
        }
        "budgets" => {
            let table = value
                .as_object()
                .ok_or("must be a table of interval = limit")?;
            for (interval, limit) in table {
                if !matches!(
                    interval.as_str(),
                    "daily" | "weekly" | "monthly" | "lifetime"
                ) {
                    return Err(format!(
                        "`{interval}` is not daily, weekly, monthly or lifetime"
                    ));
                }
                if !limit.as_f64().is_some_and(|l| l > 0.0) {
                    return Err(format!("the {interval} limit must be a number above 0"));
                }
            }
            Ok(())
        }
        _ => {
            let ok = value
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_string));
            if ok {
                Ok(())
            } else {
                Err("must be a list of user ids".into())
            }
        }
    }
}

/// Whether a declared value and the live one are the same.
pub(crate) fn same_value(spec: &AttributeSpec, desired: &Value, live: &Value) -> bool {
    match spec.name {
        // A new endpoint is a draft.
        "status" => desired == live || (live.is_null() && desired == "draft"),
        "default_guardrail" => desired.as_object().is_none_or(|d| {
            d.iter().all(|(k, v)| {
                let live = live.get(k).unwrap_or(&Value::Null);
                default_guardrail_field(k).is_some_and(|f| same(f.compare, v, live))
            })
        }),
        "budgets" => {
            let (d, l) = (desired.as_object(), live.as_object());
            match (d, l) {
                (Some(d), Some(l)) => {
                    d.len() == l.len()
                        && d.iter()
                            .all(|(k, v)| l.get(k).is_some_and(|lv| same(Compare::Number, v, lv)))
                }
                (Some(d), None) => d.is_empty(),
                _ => false,
            }
        }
        _ => same(Compare::Set, desired, live),
    }
}

/// The live values of the attributes of one object (`id`) of `kind`; `live` holds the objects already read (a
/// workspace's default guardrail is among its guardrails once it was first configured).
pub(crate) async fn read(
    client: &Client,
    live: &crate::live::Live,
    kind: &str,
    id: &str,
    needs: &crate::live::Needs,
    guardrail_members: &BTreeMap<String, Vec<String>>,
) -> Result<Map<String, Value>, DeclareError> {
    let fail = |what: &str, e: Error| DeclareError::Read(format!("{what} of {kind} {id}: {e}"));
    let mut out = Map::new();
    match kind {
        "workspace" => {
            if needs.attribute("workspace", "budgets") {
                out.insert(
                    "budgets".into(),
                    read_budgets(client, id)
                        .await
                        .map_err(|e| fail("budgets", e))?,
                );
            }
            if needs.attribute("workspace", "members") {
                let members = client.workspaces().members(id).items();
                futures::pin_mut!(members);
                let mut ids = Vec::new();
                while let Some(m) = members.next().await {
                    ids.push(Value::String(
                        m.map_err(|e| fail("members", e))?.user_id.to_string(),
                    ));
                }
                out.insert("members".into(), Value::Array(ids));
            }
            let default_id = live
                .of("workspace")
                .iter()
                .find(|w| w.id == id)
                .and_then(|w| w.get("default_guardrail_id").as_str().map(str::to_owned));
            let default = live
                .of("guardrail")
                .iter()
                .find(|g| Some(&g.id) == default_id.as_ref())
                .map_or(Value::Null, |g| Value::Object(g.value.clone()));
            out.insert("default_guardrail".into(), default);
        }
        "guardrail" => {
            let members = guardrail_members.get(id).cloned().unwrap_or_default();
            out.insert("members".into(), Value::from(members));
        }
        "private_endpoint" => {
            let status = live
                .of("private_endpoint")
                .iter()
                .find(|e| e.id == id)
                .map_or(Value::Null, |e| e.get("status").clone());
            out.insert("status".into(), status);
        }
        _ => {}
    }
    Ok(out)
}

/// A workspace's budgets as `interval = limit`.
async fn read_budgets(client: &Client, id: &str) -> Result<Value, Error> {
    let budgets = client.workspaces().budgets(id).await?;
    let table: Map<String, Value> = budgets
        .data
        .iter()
        .map(|b| {
            let interval = b
                .reset_interval
                .as_ref()
                .and_then(|i| serde_json::to_value(i).ok())
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| "lifetime".to_owned());
            (interval, json!(b.limit_usd))
        })
        .collect();
    Ok(Value::Object(table))
}

/// Every member assignment of the organization: guardrail id → user ids.
pub(crate) async fn read_member_assignments(
    client: &Client,
) -> Result<BTreeMap<String, Vec<String>>, DeclareError> {
    let items = client.guardrails().member_assignments().items();
    futures::pin_mut!(items);
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    while let Some(item) = items.next().await {
        let item =
            item.map_err(|e| DeclareError::Read(format!("listing member assignments: {e}")))?;
        out.entry(item.guardrail_id.to_string())
            .or_default()
            .push(item.user_id.to_string());
    }
    Ok(out)
}

/// Makes one attribute of the object `id` go from `before` to `after`; `default_workspace` is where a private
/// endpoint is validated.
pub(crate) async fn apply(
    client: &Client,
    spec: &AttributeSpec,
    id: &str,
    before: &Value,
    after: &Value,
    default_workspace: Option<&str>,
) -> Result<(), Error> {
    match (spec.kind, spec.name) {
        ("private_endpoint", "status") => {
            let endpoint: uuid::Uuid = id.parse().map_err(|e| invalid_in("status", e))?;
            let from = before.as_str().unwrap_or("draft");
            let to = after.as_str().unwrap_or("draft");
            if from == "draft" && to != "draft" {
                let workspace = default_workspace.ok_or_else(|| {
                    invalid_in("status", "no default workspace to validate the endpoint in")
                })?;
                let body: types::ValidatePrivateEndpointRequest =
                    serde_json::from_value(json!({ "workspace_id": workspace }))
                        .map_err(invalid)?;
                let validation = client
                    .send(&ops::ValidatePrivateEndpoint::new(endpoint, body))
                    .await?;
                if !validation.data.passed {
                    return Err(invalid_in(
                        "status",
                        "the endpoint did not pass validation; it stays a draft",
                    ));
                }
                client
                    .send(&ops::ActivatePrivateEndpoint::new(endpoint))
                    .await?;
                if to == "disabled" {
                    client
                        .send(&ops::DisablePrivateEndpoint::new(endpoint))
                        .await?;
                }
            } else if to == "draft" && from != "draft" {
                return Err(invalid_in(
                    "status",
                    "an activated endpoint cannot become a draft again; replace it",
                ));
            } else if to == "disabled" {
                client
                    .send(&ops::DisablePrivateEndpoint::new(endpoint))
                    .await?;
            } else if to == "active" {
                client
                    .send(&ops::EnablePrivateEndpoint::new(endpoint))
                    .await?;
            }
        }
        ("workspace", "default_guardrail") => {
            let workspace = client.workspaces().get(id).await?;
            let changed: Map<String, Value> = after
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, v)| {
                    let live = before.get(k.as_str()).unwrap_or(&Value::Null);
                    default_guardrail_field(k).is_none_or(|f| !same(f.compare, v, live))
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let body: types::UpdateGuardrailRequest =
                serde_json::from_value(Value::Object(changed)).map_err(invalid)?;
            client
                .send(&ops::UpdateGuardrail::new(
                    workspace.default_guardrail_id,
                    body,
                ))
                .await?;
        }
        ("workspace", "budgets") => {
            let empty = Map::new();
            let (b, a) = (
                before.as_object().unwrap_or(&empty),
                after.as_object().unwrap_or(&empty),
            );
            for (interval, limit) in a {
                if b.get(interval)
                    .is_some_and(|l| same(Compare::Number, l, limit))
                {
                    continue;
                }
                let body: types::UpsertWorkspaceBudgetRequest =
                    serde_json::from_value(json!({ "limit_usd": limit })).map_err(invalid)?;
                let interval: WorkspaceBudgetInterval =
                    serde_json::from_value(json!(interval)).map_err(invalid)?;
                client
                    .send(&ops::UpsertWorkspaceBudget::new(id, interval, body))
                    .await?;
            }
            for interval in b.keys().filter(|i| !a.contains_key(*i)) {
                let interval: WorkspaceBudgetInterval =
                    serde_json::from_value(json!(interval)).map_err(invalid)?;
                client
                    .send(&ops::DeleteWorkspaceBudget::new(id, interval))
                    .await?;
            }
        }
        ("workspace", "members") => {
            let (add, remove) = difference(before, after);
            if !add.is_empty() {
                client.workspaces().add_members(id, users(&add)?).await?;
            }
            if !remove.is_empty() {
                client
                    .workspaces()
                    .remove_members(id, users(&remove)?)
                    .await?;
            }
        }
        ("guardrail", "members") => {
            let (add, remove) = difference(before, after);
            let guardrail: GuardrailId = id.parse()?;
            if !remove.is_empty() {
                client
                    .guardrails()
                    .unassign_members(guardrail, users(&remove)?)
                    .await?;
            }
            if !add.is_empty() {
                client
                    .guardrails()
                    .assign_members(guardrail, users(&add)?)
                    .await?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn invalid_in(argument: &'static str, e: impl std::fmt::Display) -> Error {
    Error::from(openrouter_mgmt::Invalid::new(argument, e.to_string()))
}

fn invalid(e: serde_json::Error) -> Error {
    Error::from(openrouter_mgmt::Invalid::new("budgets", e.to_string()))
}

/// Members in `after` but not `before`, and in `before` but not `after`.
fn difference(before: &Value, after: &Value) -> (Vec<String>, Vec<String>) {
    let set = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    let (b, a) = (set(before), set(after));
    (
        a.difference(&b).cloned().collect(),
        b.difference(&a).cloned().collect(),
    )
}

fn users(ids: &[String]) -> Result<Vec<UserId>, Error> {
    ids.iter()
        .map(|i| i.parse::<UserId>().map_err(Error::from))
        .collect()
}
