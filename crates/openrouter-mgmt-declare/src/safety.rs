//! The safety rules a plan must pass before anything is sent: protected objects are never deleted or replaced,
//! deletes need `allow_delete` (the command line asks on a terminal), replacing an object that carries a secret
//! needs its address in `allow_replace`, a delete plus a create that look like a rename are refused, and emptying
//! a whole owned scope needs `allow_empty_scope`. Every refusal is listed at once; nothing has been sent.

use std::collections::BTreeSet;

use crate::error::DeclareError;
use serde_json::Value;

use crate::compare::same;
use crate::plan::{Action, Op, Plan};

/// What the caller allows beyond the defaults.
#[derive(Debug, Clone, Default)]
pub struct Allow {
    /// Deletes may be sent.
    pub delete: bool,
    /// These addresses may be replaced although that issues a new secret.
    pub replace: BTreeSet<String>,
    /// A plan may delete every object of an owned scope.
    pub empty_scope: bool,
}

/// Checks `plan` against the rules; `live_in_scope` is how many live objects the owned scopes hold.
pub fn check(plan: &Plan, allow: &Allow, live_in_scope: usize) -> Result<(), DeclareError> {
    let mut refusals = Vec::new();
    for a in &plan.actions {
        if a.protect && matches!(a.op, Op::Replace | Op::Delete) {
            refusals.push(format!(
                "{} is protected and would be {}d; remove `protect` in a reviewed change first",
                a.address,
                if a.op == Op::Replace {
                    "replace"
                } else {
                    "delete"
                }
            ));
        }
        if a.op == Op::Replace
            && a.kind.secret_output.is_some()
            && !allow.replace.contains(&a.address)
        {
            refusals.push(format!(
                "{} would be replaced ({}), which issues a new secret; pass --allow-replace {}",
                a.address,
                a.reason.as_deref().unwrap_or("a create-only field changed"),
                a.address
            ));
        }
    }
    let deletes: Vec<&str> = plan
        .actions
        .iter()
        .filter(|a| a.op == Op::Delete)
        .map(|a| a.address.as_str())
        .collect();
    if !deletes.is_empty() && !allow.delete {
        refusals.push(format!(
            "the plan deletes {} ({}); pass --allow-delete",
            deletes.len(),
            deletes.join(", ")
        ));
    }
    for create in plan.actions.iter().filter(|a| a.op == Op::Create) {
        let renamed = plan.actions.iter().find(|d| {
            d.op == Op::Delete && d.kind.name == create.kind.name && looks_like_a_rename(create, d)
        });
        if let Some(d) = renamed
            && !allow.replace.contains(&create.address)
        {
            refusals.push(format!(
                "{} would be created and {} deleted, which looks like a rename; pin `{} = \"{}\"` on {} or pass --allow-replace {}",
                create.address,
                d.address,
                create.kind.id,
                d.id.as_deref().unwrap_or_default(),
                create.address,
                create.address
            ));
        }
    }
    if live_in_scope > 0 && deletes.len() == live_in_scope && !allow.empty_scope {
        refusals.push(format!(
            "the plan deletes every object of the owned scopes ({live_in_scope}); pass --allow-empty-scope if the file really is meant to be empty"
        ));
    }
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(DeclareError::Refused(refusals.join("\n  ")))
    }
}

/// A create whose declared fields, but for the name, all equal a deleted object's: with no pin, a renamed object.
fn looks_like_a_rename(create: &Action, delete: &Action) -> bool {
    create.body.iter().all(|(field, value)| {
        field == create.kind.address_field
            || create.kind.field(field).is_some_and(|spec| {
                same(
                    spec.compare,
                    value,
                    delete.live.get(field).unwrap_or(&Value::Null),
                )
            })
    })
}
