//! Snapshots: an organization's objects as plain serde data, in the shapes the API's lists answer with, taken from
//! a running mock ([`crate::MockServer::snapshot`]) or loaded into a new one with their ids kept
//! ([`crate::MockServerBuilder::snapshot`]), so that a change can be rehearsed against a copy of an account.

use std::collections::BTreeMap;

use openrouter_mgmt_gen::ids::{GuardrailId, UserId};
use openrouter_mgmt_gen::types;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::state::{ApiKeyRecord, State};

/// An organization's objects. Every list holds objects as the API's list operations answer them; secrets are as
/// reads show them (masked), never plaintext.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Snapshot {
    /// The organization's members (user ids).
    pub members: Vec<String>,
    /// Workspaces (`GET /workspaces` items); the one with slug `default` becomes the default workspace.
    pub workspaces: Vec<Value>,
    /// Each workspace's members (user ids), by workspace id.
    pub workspace_members: BTreeMap<String, Vec<String>>,
    /// Each workspace's budgets (`GET /workspaces/{id}/budgets` items), by workspace id.
    pub budgets: BTreeMap<String, Vec<Value>>,
    /// API keys (`GET /keys` items).
    pub keys: Vec<Value>,
    /// Guardrails (`GET /guardrails` items).
    pub guardrails: Vec<Value>,
    /// Key assignments: (key hash, guardrail id); the assignments' own ids and times are not kept.
    pub key_assignments: Vec<(String, String)>,
    /// Member assignments: (user id, guardrail id).
    pub member_assignments: Vec<(String, String)>,
    /// BYOK keys (`GET /byok` items).
    pub byok_keys: Vec<Value>,
    /// Observability destinations (`GET /observability/destinations` items; credentials masked).
    pub destinations: Vec<Value>,
    /// Private providers (`GET /private-providers` items).
    pub private_providers: Vec<Value>,
    /// Private endpoints, whole (`GET /private-endpoints/{id}` answers' `data`).
    pub private_endpoints: Vec<Value>,
    /// SCIM group mappings (`GET /scim/group-mappings` items).
    pub scim_mappings: Vec<Value>,
    /// The organization's `is_filtered_model_catalog_enabled` setting.
    pub filtered_model_catalog: bool,
}

/// Why a snapshot could not be loaded.
#[derive(Debug)]
pub struct SnapshotError(pub String);

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "snapshot: {}", self.0)
    }
}

impl std::error::Error for SnapshotError {}

fn typed<T: serde::de::DeserializeOwned>(what: &str, value: &Value) -> Result<T, SnapshotError> {
    serde_json::from_value(value.clone())
        .map_err(|e| SnapshotError(format!("a {what} does not fit its type: {e}")))
}

/// Any generated type as JSON (their serialization cannot fail).
fn json_of<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn text(value: &Value, field: &str) -> Option<String> {
    value.get(field).and_then(Value::as_str).map(str::to_owned)
}

impl State {
    /// Replaces the organization's objects with the snapshot's (ids kept).
    pub(crate) fn load_snapshot(&mut self, snapshot: &Snapshot) -> Result<(), SnapshotError> {
        for member in &snapshot.members {
            let id = UserId::new(member.as_str())
                .map_err(|e| SnapshotError(format!("member `{member}`: {e}")))?;
            self.add_member(id);
        }
        for value in &snapshot.workspaces {
            let workspace: types::Workspace = typed("workspace", value)?;
            if workspace.slug == "default" {
                self.workspaces.remove(self.default_workspace_id);
                self.default_workspace_id = workspace.id;
            }
            let id = workspace.id;
            self.workspaces.insert(workspace);
            let record = self
                .workspaces
                .get_mut(&id.to_string())
                .expect("just inserted");
            for user in snapshot
                .workspace_members
                .get(&id.to_string())
                .into_iter()
                .flatten()
            {
                record.members.push(typed(
                    "workspace member",
                    &json!({
                        "created_at": "2025-01-01T00:00:00Z",
                        "id": self.rng.uuid(),
                        "role": "member",
                        "user_id": user,
                        "workspace_id": id,
                    }),
                )?);
            }
            for budget in snapshot.budgets.get(&id.to_string()).into_iter().flatten() {
                let budget: types::WorkspaceBudget = typed("budget", budget)?;
                let interval = budget
                    .reset_interval
                    .as_ref()
                    .and_then(|i| serde_json::to_value(i).ok())
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "lifetime".to_owned());
                record.budgets.insert(interval, budget);
            }
        }
        for value in &snapshot.keys {
            let key = ApiKeyRecord {
                hash: typed("key hash", value.get("hash").unwrap_or(&Value::Null))?,
                name: text(value, "name").unwrap_or_default(),
                label: text(value, "label").unwrap_or_default(),
                disabled: value
                    .get("disabled")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                limit: value.get("limit").and_then(Value::as_f64),
                limit_reset: text(value, "limit_reset"),
                include_byok_in_limit: value
                    .get("include_byok_in_limit")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                usage: value.get("usage").and_then(Value::as_f64).unwrap_or(0.0),
                byok_usage: value
                    .get("byok_usage")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0),
                created_at: text(value, "created_at")
                    .unwrap_or_else(|| "2025-01-01T00:00:00Z".to_owned()),
                updated_at: text(value, "updated_at"),
                creator_user_id: value
                    .get("creator_user_id")
                    .and_then(|v| typed("user id", v).ok()),
                workspace_id: text(value, "workspace_id")
                    .unwrap_or_else(|| self.default_workspace()),
                expires_at: value
                    .get("expires_at")
                    .and_then(|v| typed("expiry", v).ok()),
            };
            self.insert_key(key, None);
        }
        for value in &snapshot.guardrails {
            self.insert_guardrail(typed("guardrail", value)?);
        }
        for (hash, guardrail) in &snapshot.key_assignments {
            let id: GuardrailId = guardrail
                .parse()
                .map_err(|e| SnapshotError(format!("guardrail `{guardrail}`: {e}")))?;
            self.assign_key(hash, id);
        }
        for (user, guardrail) in &snapshot.member_assignments {
            let id: GuardrailId = guardrail
                .parse()
                .map_err(|e| SnapshotError(format!("guardrail `{guardrail}`: {e}")))?;
            self.assign_member(user, id);
        }
        for value in &snapshot.byok_keys {
            self.byok_keys.push(typed("BYOK key", value)?);
        }
        self.destinations
            .extend(snapshot.destinations.iter().cloned());
        for value in &snapshot.private_providers {
            self.private_providers
                .push(typed("private provider", value)?);
        }
        for value in &snapshot.private_endpoints {
            let _: types::PrivateEndpoint = typed("private endpoint", value)?;
            self.private_endpoints
                .push(crate::private_endpoint_store::PrivateEndpointRecord {
                    endpoint: value.clone(),
                    created_at: "2025-01-01T00:00:00Z".to_owned(),
                    // An endpoint past its draft was validated; a draft must be validated again.
                    validated: value.get("status").and_then(Value::as_str) != Some("draft"),
                });
        }
        for value in &snapshot.scim_mappings {
            self.scim_mappings.push(typed("SCIM group mapping", value)?);
        }
        self.filtered_model_catalog = snapshot.filtered_model_catalog;
        Ok(())
    }

    /// The organization's objects as a snapshot.
    pub(crate) fn snapshot(&self) -> Snapshot {
        let workspaces: Vec<&crate::workspace_store::WorkspaceRecord> =
            self.workspaces.records().iter().collect();
        Snapshot {
            members: self.members().iter().map(ToString::to_string).collect(),
            workspaces: workspaces.iter().map(|r| json_of(&r.workspace)).collect(),
            workspace_members: workspaces
                .iter()
                .map(|r| {
                    let users = r.members.iter().map(|m| m.user_id.to_string()).collect();
                    (r.workspace.id.to_string(), users)
                })
                .collect(),
            budgets: workspaces
                .iter()
                .map(|r| {
                    (
                        r.workspace.id.to_string(),
                        r.budgets.values().map(json_of).collect(),
                    )
                })
                .collect(),
            keys: self.keys().map(crate::render::key_item).collect(),
            guardrails: self.guardrails().map(json_of).collect(),
            key_assignments: self
                .key_assignments()
                .map(|a| (a.key_hash.to_string(), a.guardrail_id.to_string()))
                .collect(),
            member_assignments: self
                .member_assignments()
                .map(|a| (a.user_id.to_string(), a.guardrail_id.to_string()))
                .collect(),
            byok_keys: self.byok_keys.iter().map(json_of).collect(),
            destinations: self
                .destinations
                .iter()
                .map(crate::observability::as_shown)
                .collect(),
            private_providers: self.private_providers.iter().map(json_of).collect(),
            private_endpoints: self
                .private_endpoints
                .iter()
                .map(|r| r.endpoint.clone())
                .collect(),
            scim_mappings: self.scim_mappings.iter().map(json_of).collect(),
            filtered_model_catalog: self.filtered_model_catalog,
        }
    }
}
