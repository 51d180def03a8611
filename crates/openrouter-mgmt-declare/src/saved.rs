//! Saved plans and targets: `plan --out` writes the JSON document, and `apply` of a saved plan re-plans and
//! refuses (nothing sent) when any action or any live object it was planned against differs; `--target` keeps
//! the actions of the named addresses and the creates they depend on.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::DeclareError;
use crate::plan::{Op, Plan};

/// Refuses `fresh` unless it does exactly what `saved` (a `plan -o json` document) showed, against the same live
/// objects.
pub fn check_saved(saved: &Value, fresh: &Plan) -> Result<(), DeclareError> {
    let summary = |address: &str, action: &str, fingerprint: Option<&str>| {
        format!("{address} {action} {}", fingerprint.unwrap_or("-"))
    };
    let saved_actions: BTreeSet<String> = saved
        .get("actions")
        .and_then(Value::as_array)
        .ok_or_else(|| DeclareError::Stale("the saved plan has no `actions`".into()))?
        .iter()
        .map(|a| {
            summary(
                a.get("address").and_then(Value::as_str).unwrap_or_default(),
                a.get("action").and_then(Value::as_str).unwrap_or_default(),
                a.get("live_fingerprint").and_then(Value::as_str),
            )
        })
        .collect();
    let fresh_json = crate::render::json(fresh);
    let fresh_actions: BTreeSet<String> = fresh_json["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| {
            summary(
                a["address"].as_str().unwrap_or_default(),
                a["action"].as_str().unwrap_or_default(),
                a["live_fingerprint"].as_str(),
            )
        })
        .collect();
    if saved.get("format_version") != Some(&Value::from(crate::render::FORMAT_VERSION)) {
        return Err(DeclareError::Stale(
            "the saved plan's format_version is not 1".into(),
        ));
    }
    if saved_actions != fresh_actions || saved.get("assignments") != fresh_json.get("assignments") {
        let gone: Vec<&String> = saved_actions.difference(&fresh_actions).collect();
        let new: Vec<&String> = fresh_actions.difference(&saved_actions).collect();
        return Err(DeclareError::Stale(format!(
            "the account or the file changed since the plan was saved (planned: {gone:?}; now: {new:?}); plan again"
        )));
    }
    Ok(())
}

/// Keeps the actions of `targets` and the creates of objects they reference.
pub fn target(plan: &mut Plan, targets: &BTreeSet<String>) {
    let mut keep: BTreeSet<String> = targets.clone();
    for a in plan.actions.iter().filter(|a| targets.contains(&a.address)) {
        for (kind, name) in a.references.values() {
            keep.insert(format!("{kind}.{name}"));
        }
    }
    plan.actions.retain(|a| {
        targets.contains(&a.address) || keep.contains(&a.address) && a.op == Op::Create
    });
    plan.assignments.retain(|c| targets.contains(&c.address));
}
