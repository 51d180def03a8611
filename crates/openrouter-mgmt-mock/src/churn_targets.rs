//! The lists churn acts on, each seen the way its list operation serves it (the same filters, the same order):
//! its ids, and how to delete an item, create one like the API would, and put an item at a place in the order.

use openrouter_mgmt_gen::OperationId;
use openrouter_mgmt_gen::ids::GuardrailId;
use serde_json::{Value, json};

use crate::request::Request;
use crate::state::State;

/// A list churn can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// `GET /keys`: one workspace's keys (disabled ones with `include_disabled`), by `hash`.
    Keys,
    /// `GET /guardrails`: one workspace's guardrails, by `id`.
    Guardrails,
    /// `GET /guardrails/assignments/keys`: every key assignment, by `id`.
    KeyAssignments,
    /// `GET /byok`: one workspace's BYOK keys, by `id`.
    Byok,
    /// `GET /external-users`: active ones (all with `include_inactive`), by `user`.
    ExternalUsers,
    /// `GET /observability/destinations`: one workspace's destinations, by `id`.
    Destinations,
}

impl Target {
    /// The list an operation serves, if churn can change it.
    pub(crate) fn of(operation: OperationId) -> Option<Self> {
        Some(match operation {
            OperationId::List => Self::Keys,
            OperationId::ListGuardrails => Self::Guardrails,
            OperationId::ListKeyAssignments => Self::KeyAssignments,
            OperationId::ListByokKeys => Self::Byok,
            OperationId::ListExternalUsers => Self::ExternalUsers,
            OperationId::ListObservabilityDestinations => Self::Destinations,
            _ => return None,
        })
    }

    /// The ids of the items the request's list holds, in its order.
    pub(crate) fn ids(self, state: &State, request: &Request<'_>) -> Vec<String> {
        let query = request.query;
        let workspace = query
            .workspace_id()
            .ok()
            .flatten()
            .unwrap_or(state.default_workspace_id);
        let workspace_text = workspace.to_string();
        match self {
            Self::Keys => {
                let disabled = query.include_disabled().unwrap_or(false);
                state
                    .keys()
                    .filter(|k| k.workspace_id == workspace_text && (disabled || !k.disabled))
                    .map(|k| k.hash.to_string())
                    .collect()
            }
            Self::Guardrails => state
                .guardrails()
                .filter(|g| g.workspace_id.as_deref() == Some(workspace_text.as_str()))
                .map(|g| g.id.to_string())
                .collect(),
            Self::KeyAssignments => state.key_assignments().map(|a| a.id.to_string()).collect(),
            Self::Byok => {
                let provider = query.text("provider");
                state
                    .byok_keys
                    .iter()
                    .filter(|k| k.workspace_id == Some(workspace))
                    .filter(|k| provider.is_none_or(|p| k.provider.as_str() == p))
                    .map(|k| k.id.to_string())
                    .collect()
            }
            Self::ExternalUsers => {
                let inactive = query.flag("include_inactive").unwrap_or(false);
                state
                    .external_users
                    .iter()
                    .filter(|u| inactive || u.is_active)
                    .map(|u| u.user.clone())
                    .collect()
            }
            Self::Destinations => state
                .destinations
                .iter()
                .filter(|d| d["workspace_id"].as_str() == Some(workspace_text.as_str()))
                .filter_map(|d| d["id"].as_str().map(str::to_owned))
                .collect(),
        }
    }

    /// Deletes an item as its delete operation would (a key's assignment goes with it).
    pub(crate) fn remove(self, state: &mut State, id: &str) {
        match self {
            Self::Keys => {
                state.remove_key(id);
            }
            Self::Guardrails => {
                if let Ok(id) = id.parse::<uuid::Uuid>() {
                    state.remove_guardrail(GuardrailId::new(id));
                }
            }
            Self::KeyAssignments => {
                let found = state
                    .key_assignments()
                    .find(|a| a.id.to_string() == id)
                    .map(|a| (a.key_hash.to_string(), a.guardrail_id));
                if let Some((hash, guardrail)) = found {
                    state.unassign_key(&hash, guardrail);
                }
            }
            Self::Byok => state.byok_keys.retain(|k| k.id.to_string() != id),
            Self::ExternalUsers => state.external_users.retain(|u| u.user != id),
            Self::Destinations => state.destinations.retain(|d| d["id"].as_str() != Some(id)),
        }
    }

    /// Creates an item of the list, last in its order, as the API would; its id, or `None` when the list cannot
    /// have another (an assignment with no guardrail to assign to).
    pub(crate) fn create(self, state: &mut State, request: &Request<'_>) -> Option<String> {
        let tag = state.rng.hex64()[..12].to_owned();
        match self {
            Self::Keys => {
                let mut key = crate::seed::seeded_key(state, 0);
                key.name = format!("Churned key {tag}");
                key.disabled = false;
                if let Ok(Some(workspace)) = request.query.workspace_id() {
                    key.workspace_id = workspace.to_string();
                }
                let hash = key.hash.to_string();
                state.insert_key(key, None);
                Some(hash)
            }
            Self::Guardrails => {
                let id = GuardrailId::new(state.rng.uuid());
                let workspace = request
                    .query
                    .workspace_id()
                    .ok()
                    .flatten()
                    .map_or_else(|| state.default_workspace(), |w| w.to_string());
                let created_at = state.now();
                let guardrail = crate::guardrails::blank(
                    id,
                    format!("Churned guardrail {tag}"),
                    workspace,
                    created_at,
                );
                state.insert_guardrail(guardrail);
                Some(id.to_string())
            }
            Self::KeyAssignments => {
                let guardrails: Vec<GuardrailId> = state.guardrails().map(|g| g.id).collect();
                if guardrails.is_empty() {
                    return None;
                }
                let guardrail = guardrails
                    [usize::try_from(state.rng.below(guardrails.len() as u64)).expect("below len")];
                let key = crate::seed::seeded_key(state, 0);
                let hash = key.hash.to_string();
                state.insert_key(key, None);
                state.assign_key(&hash, guardrail);
                state.key_assignment(&hash).map(|a| a.id.to_string())
            }
            Self::Byok => {
                let body =
                    json!({"key": format!("sk-churn-provider-key-{tag}"), "provider": "openai"});
                let answer = run_create(state, OperationId::CreateByokKey, &body)?;
                answer["data"]["id"].as_str().map(str::to_owned)
            }
            Self::ExternalUsers => {
                let body = json!({"user": format!("churned-user-{tag}")});
                run_create(state, OperationId::CreateExternalUser, &body)?;
                Some(format!("churned-user-{tag}"))
            }
            Self::Destinations => {
                let body = json!({"name": format!("Churned destination {tag}"), "type": "webhook",
                    "config": {"url": format!("https://hooks.example.com/churn/{tag}")}});
                let answer = run_create(state, OperationId::CreateObservabilityDestination, &body)?;
                answer["data"]["id"].as_str().map(str::to_owned)
            }
        }
    }

    /// Moves item `id` to just before item `before` in the list's order (`None`: it stays last).
    pub(crate) fn place(self, state: &mut State, id: &str, before: Option<&str>) {
        let Some(before) = before else {
            return;
        };
        match self {
            Self::Keys => state.place_key(id, Some(before)),
            Self::Guardrails => {
                if let (Ok(id), Ok(before)) =
                    (id.parse::<uuid::Uuid>(), before.parse::<uuid::Uuid>())
                {
                    state.place_guardrail(GuardrailId::new(id), Some(GuardrailId::new(before)));
                }
            }
            Self::KeyAssignments => {
                if let (Some(id), Some(before)) =
                    (assignment_key(state, id), assignment_key(state, before))
                {
                    state.place_key_assignment(&id, Some(&before));
                }
            }
            Self::Byok => move_before(
                &mut state.byok_keys,
                |k| k.id.to_string() == id,
                |k| k.id.to_string() == before,
            ),
            Self::ExternalUsers => {
                move_before(
                    &mut state.external_users,
                    |u| u.user == id,
                    |u| u.user == before,
                );
            }
            Self::Destinations => move_before(
                &mut state.destinations,
                |d| d["id"].as_str() == Some(id),
                |d| d["id"].as_str() == Some(before),
            ),
        }
    }

    /// Swaps two items' places in the list's order.
    pub(crate) fn swap(self, state: &mut State, a: &str, b: &str) {
        match self {
            Self::Keys => state.swap_keys(a, b),
            Self::Guardrails => {
                if let (Ok(a), Ok(b)) = (a.parse::<uuid::Uuid>(), b.parse::<uuid::Uuid>()) {
                    state.swap_guardrails(GuardrailId::new(a), GuardrailId::new(b));
                }
            }
            Self::KeyAssignments => {
                if let (Some(a), Some(b)) = (assignment_key(state, a), assignment_key(state, b)) {
                    state.swap_key_assignments(&a, &b);
                }
            }
            Self::Byok => swap_where(
                &mut state.byok_keys,
                |k| k.id.to_string() == a,
                |k| k.id.to_string() == b,
            ),
            Self::ExternalUsers => {
                swap_where(&mut state.external_users, |u| u.user == a, |u| u.user == b);
            }
            Self::Destinations => swap_where(
                &mut state.destinations,
                |d| d["id"].as_str() == Some(a),
                |d| d["id"].as_str() == Some(b),
            ),
        }
    }
}

/// The key hash of the assignment with this id.
fn assignment_key(state: &State, id: &str) -> Option<String> {
    state
        .key_assignments()
        .find(|a| a.id.to_string() == id)
        .map(|a| a.key_hash.to_string())
}

/// Runs a create operation as seeding does; its answer, or `None` if it failed.
fn run_create(state: &mut State, operation: OperationId, body: &Value) -> Option<Value> {
    crate::dispatch::run_as_management(state, operation, body)
        .ok()
        .map(|reply| reply.body)
}

/// Moves the element matching `is_item` to just before the one matching `is_before`.
fn move_before<T>(
    items: &mut Vec<T>,
    is_item: impl Fn(&T) -> bool,
    is_before: impl Fn(&T) -> bool,
) {
    let Some(from) = items.iter().position(is_item) else {
        return;
    };
    let item = items.remove(from);
    let to = items.iter().position(is_before).unwrap_or(items.len());
    items.insert(to, item);
}

/// Swaps the elements matching `is_a` and `is_b`.
fn swap_where<T>(items: &mut [T], is_a: impl Fn(&T) -> bool, is_b: impl Fn(&T) -> bool) {
    if let (Some(a), Some(b)) = (items.iter().position(is_a), items.iter().position(is_b)) {
        items.swap(a, b);
    }
}
