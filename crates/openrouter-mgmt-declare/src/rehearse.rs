//! `apply --rehearse`: the live state already read (read-only requests) is loaded into the embedded mock with its
//! ids, the same plan is applied there with the same engine (and, on request, the mock's faults), the account is
//! planned again (it must be empty), and the mock's request log is returned. Nothing is sent to the real account,
//! and secrets created in the rehearsal are discarded.

use std::collections::{BTreeMap, BTreeSet};

use openrouter_mgmt::{Client, RetryPolicy};
use openrouter_mgmt_mock::{FaultRule, MockServer, Snapshot};
use serde_json::{Map, Value, json};

use crate::apply::{ApplyOptions, ApplyReport, apply};
use crate::error::DeclareError;
use crate::file::Desired;
use crate::live::Live;
use crate::plan::{Plan, plan};

/// What a rehearsal did.
#[derive(Debug)]
pub struct Rehearsal {
    /// The apply's report, against the mock.
    pub report: ApplyReport,
    /// The plan against the mock after the apply: empty when the file converges.
    pub replan: Plan,
    /// Every request the apply and the re-plan sent to the mock: method, path and, when injected, the fault.
    pub requests: Vec<String>,
}

impl Rehearsal {
    /// Whether the apply succeeded and left nothing to do.
    pub fn converges(&self) -> bool {
        self.report.exit_code() == 0 && self.replan.is_empty()
    }
}

/// Rehearses `plan` (made from `desired` against `live`) on a copy of `live` in the embedded mock, with `faults`.
pub async fn rehearse(
    desired: &Desired,
    live: &Live,
    plan_to_apply: &Plan,
    faults: &[FaultRule],
    parallelism: usize,
) -> Result<Rehearsal, DeclareError> {
    let mut builder = MockServer::builder().snapshot(snapshot_of(desired, live));
    for rule in faults {
        builder = builder.fault(rule.clone());
    }
    let mock = builder
        .start()
        .await
        .map_err(|e| DeclareError::Read(format!("cannot start the rehearsal mock: {e}")))?;
    let client = Client::builder()
        .api_key(mock.management_key())
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::default().with_base_delay(std::time::Duration::from_millis(5)))
        .build()
        .map_err(|e| DeclareError::Read(format!("rehearsal client: {e}")))?;
    let before = mock.requests().len();
    let options = ApplyOptions {
        parallelism,
        base: std::env::temp_dir(),
        discard_secrets: true,
    };
    let report = apply(&client, desired, live, plan_to_apply, &options, &|_, _| {}).await;
    let after = crate::read_live(&client, desired).await?;
    let replan = plan(desired, &after)?;
    let requests = mock
        .requests()
        .into_iter()
        .skip(before)
        .map(|r| match &r.fault {
            Some(fault) => format!("{} {}  [fault: {fault:?}]", r.method, r.path),
            None => format!("{} {}", r.method, r.path),
        })
        .collect();
    mock.shutdown().await;
    Ok(Rehearsal {
        report,
        replan,
        requests,
    })
}

/// The live state as a mock snapshot. Every user id the account or the file mentions is an organization member,
/// so that member changes rehearse as they would apply.
fn snapshot_of(desired: &Desired, live: &Live) -> Snapshot {
    let values = |kind: &str| -> Vec<Value> {
        live.of(kind)
            .iter()
            .map(|o| Value::Object(o.value.clone()))
            .collect()
    };
    let mut members: BTreeSet<String> = BTreeSet::new();
    let mut workspace_members = BTreeMap::new();
    let mut budgets = BTreeMap::new();
    let mut member_assignments = Vec::new();
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect()
    };
    for (id, attributes) in &live.attributes {
        let users = strings(attributes.get("members"));
        members.extend(users.iter().cloned());
        if live.of("workspace").iter().any(|w| &w.id == id) {
            workspace_members.insert(id.clone(), users);
            let table = attributes
                .get("budgets")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            budgets.insert(id.clone(), budget_objects(id, &table));
        } else {
            member_assignments.extend(users.into_iter().map(|u| (u, id.clone())));
        }
    }
    for object in &desired.objects {
        members.extend(strings(object.attributes.get("members")));
    }
    for key in live.of("key") {
        if let Some(creator) = key.get("creator_user_id").as_str() {
            members.insert(creator.to_owned());
        }
    }
    Snapshot {
        members: members.into_iter().collect(),
        workspaces: values("workspace"),
        workspace_members,
        budgets,
        keys: values("key"),
        guardrails: values("guardrail"),
        key_assignments: live
            .assignments
            .iter()
            .map(|(k, g)| (k.clone(), g.clone()))
            .collect(),
        member_assignments,
        byok_keys: values("byok"),
        destinations: values("destination"),
        private_providers: values("private_provider"),
        private_endpoints: values("private_endpoint"),
        scim_mappings: values("scim_mapping"),
        filtered_model_catalog: live
            .organization
            .as_ref()
            .and_then(|o| o.get("is_filtered_model_catalog_enabled"))
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}

/// A workspace's budgets (`interval = limit`) as the budget objects its list answers with.
fn budget_objects(workspace: &str, table: &Map<String, Value>) -> Vec<Value> {
    table
        .iter()
        .enumerate()
        .map(|(n, (interval, limit))| {
            json!({
                "id": format!("00000000-0000-4000-8000-{n:012}"),
                "limit_usd": limit,
                "reset_interval": (interval != "lifetime").then_some(interval),
                "created_at": "2025-01-01T00:00:00Z",
                "updated_at": "2025-01-01T00:00:00Z",
                "workspace_id": workspace,
            })
        })
        .collect()
}
