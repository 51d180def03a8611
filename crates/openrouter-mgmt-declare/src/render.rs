//! A plan for people and for programs: text with Terraform's symbols (`+ ~ - -/+`), one line per changed
//! attribute (old → new, sets as added/removed members), and a versioned JSON document. Neither ever holds a
//! secret value: a secret field shows as `(secret)`.

use serde_json::{Value, json};

use crate::compare::same;
use crate::plan::{Action, Change, Op, Plan};
use crate::table::Compare;

/// The JSON document's format version.
pub const FORMAT_VERSION: u32 = 1;

/// The plan as text.
pub fn text(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.is_empty() {
        out.push_str("No changes: the account matches the file.\n");
    }
    for a in &plan.actions {
        let reason = a
            .reason
            .as_deref()
            .map(|r| format!("   ({r})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{:>3} {:<40} {}{reason}\n",
            a.op.symbol(),
            a.address,
            a.op.word()
        ));
        for c in &a.changes {
            out.push_str(&format!("      {}\n", change_line(a, c)));
        }
        if a.issues_secret() {
            out.push_str("      ! issues a new secret, written to the stack's secret sink\n");
        }
    }
    if !plan.assignments.is_empty() {
        out.push_str(&format!(
            "  ~ {:<40} {} to move\n",
            "assignments",
            plan.assignments.len()
        ));
        for c in &plan.assignments {
            let before = c
                .before
                .as_deref()
                .map_or("(none)".to_owned(), |b| format!("{} {b}", c.target_kind));
            let after = c
                .after
                .as_deref()
                .map_or("(none)".to_owned(), |n| format!("{}.{n}", c.target_kind));
            out.push_str(&format!("      ~ {}: {before} → {after}\n", c.address));
        }
    }
    for (setting, value) in &plan.organization {
        out.push_str(&format!(
            "  ~ {:<40} {setting} → {}\n",
            crate::organization::ADDRESS,
            show(value)
        ));
    }
    for c in &plan.attributes {
        out.push_str(&format!(
            "  ~ {:<40} {}\n",
            format!("{}.{}", c.address, c.attribute.name),
            attribute_change(c)
        ));
    }
    out.push_str(&format!(
        "\nPlan: {} to create, {} to update, {} to replace, {} to delete, {} assignments to move.\n",
        plan.count(Op::Create),
        plan.count(Op::Update),
        plan.count(Op::Replace),
        plan.count(Op::Delete),
        plan.assignments.len()
    ));
    for warning in &plan.warnings {
        out.push_str(&format!("Warning: {warning}\n"));
    }
    if plan.unmanaged > 0 {
        out.push_str(&format!(
            "Unmanaged (read, outside owned scopes or never deleted, left alone): {}.\n",
            plan.unmanaged
        ));
    }
    out
}

fn attribute_change(c: &crate::plan::AttributeChange) -> String {
    match (&c.before, &c.after) {
        (Value::Array(_) | Value::Null, Value::Array(_)) => {
            let set = |v: &Value| -> Vec<String> {
                v.as_array().into_iter().flatten().map(show).collect()
            };
            let (b, a) = (set(&c.before), set(&c.after));
            let added: Vec<&String> = a.iter().filter(|x| !b.contains(x)).collect();
            let removed: Vec<&String> = b.iter().filter(|x| !a.contains(x)).collect();
            format!(
                "add {}: {added:?}; remove {}: {removed:?}",
                added.len(),
                removed.len()
            )
        }
        (before, after) => format!("{} → {}", show(before), show(after)),
    }
}

fn change_line(a: &Action, c: &Change) -> String {
    let spec = a.kind.field(&c.field);
    if spec.is_some_and(|s| s.secret) {
        return format!("~ {}: (secret)", c.field);
    }
    if a.op == Op::Create {
        return format!("+ {} = {}", c.field, show(&c.after));
    }
    if spec.is_some_and(|s| s.compare == Compare::Set) {
        let items = |v: &Value| v.as_array().cloned().unwrap_or_default();
        let (before, after) = (items(&c.before), items(&c.after));
        let added: Vec<String> = after
            .iter()
            .filter(|x| !before.iter().any(|y| same(Compare::Json, x, y)))
            .map(show)
            .collect();
        let removed: Vec<String> = before
            .iter()
            .filter(|x| !after.iter().any(|y| same(Compare::Json, x, y)))
            .map(show)
            .collect();
        let mut parts = Vec::new();
        if !added.is_empty() {
            parts.push(format!("+ {}", added.join(", ")));
        }
        if !removed.is_empty() {
            parts.push(format!("- {}", removed.join(", ")));
        }
        return format!("~ {}: {}   (set)", c.field, parts.join("; "));
    }
    format!("~ {}: {} → {}", c.field, show(&c.before), show(&c.after))
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

/// The plan as a versioned JSON document (no secret values; secret fields are named, not shown).
pub fn json(plan: &Plan) -> Value {
    let actions: Vec<Value> = plan
        .actions
        .iter()
        .map(|a| {
            let changes: Vec<Value> = a
                .changes
                .iter()
                .map(|c| {
                    let secret = a.kind.field(&c.field).is_some_and(|s| s.secret);
                    if secret {
                        json!({"field": c.field, "secret": true})
                    } else {
                        json!({"field": c.field, "before": c.before, "after": c.after})
                    }
                })
                .collect();
            json!({
                "address": a.address,
                "kind": a.kind.name,
                "action": match a.op { Op::Create => "create", Op::Update => "update", Op::Replace => "replace", Op::Delete => "delete" },
                "id": a.id,
                "reason": a.reason,
                "changes": changes,
                "issues_secret": a.issues_secret(),
                "live_fingerprint": a.live_fingerprint,
            })
        })
        .collect();
    let assignments: Vec<Value> = plan
        .assignments
        .iter()
        .map(|c| json!({"address": c.address, "target_kind": c.target_kind, "before": c.before, "after": c.after}))
        .collect();
    json!({
        "format_version": FORMAT_VERSION,
        "stack": plan.stack,
        "actions": actions,
        "assignments": assignments,
        "attributes": plan.attributes.iter().map(|c| json!({"address": c.address, "attribute": c.attribute.name, "before": c.before, "after": c.after})).collect::<Vec<_>>(),
        "organization": plan.organization,
        "unmanaged": plan.unmanaged,
        "warnings": plan.warnings,
        "summary": {
            "create": plan.count(Op::Create),
            "update": plan.count(Op::Update),
            "replace": plan.count(Op::Replace),
            "delete": plan.count(Op::Delete),
            "assignments": plan.assignments.len(),
        },
    })
}
