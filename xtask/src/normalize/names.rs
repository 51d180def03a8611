//! Names that become Rust identifiers: component names made PascalCase identifiers (`API Keys_deleteKeys_Response_200`
//! → `ApiKeysDeleteKeysResponse200`) and operationIds made camelCase, so kebab-case ids from the docs pages and
//! camelCase ids from the full spec produce the same Rust names.

use crate::error::{Result, SpecError};
use crate::json_pointer::{component, parse_component_ref};
use crate::schema_walk::for_each_ref_mut;
use heck::{ToLowerCamelCase, ToUpperCamelCase};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The identifier a component name becomes.
pub fn component_ident(name: &str) -> String {
    let ident = name.to_upper_camel_case();
    match ident.chars().next() {
        None => "Unnamed".into(),
        Some(c) if c.is_ascii_digit() => format!("Schema{ident}"),
        Some(_) => ident,
    }
}

/// The extension that keeps an operationId as published when its identifier form differs (`listBYOKKeys`).
pub const PUBLISHED_OPERATION_ID: &str = "x-published-operation-id";

/// The operationId an operation gets: lowerCamelCase of whatever the source used.
pub fn operation_ident(operation_id: &str) -> String {
    operation_id.to_lower_camel_case()
}

/// Renames every component to its identifier form and rewrites all `$ref`s to match.
pub(super) fn identifier_component_names(doc: &mut Value) -> Result<()> {
    let mut renames: BTreeMap<(String, String), String> = BTreeMap::new();
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        for (kind, entries) in components.iter_mut() {
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            let mut renamed = Map::new();
            let mut origin: BTreeMap<String, String> = BTreeMap::new();
            for (name, def) in std::mem::take(entries) {
                let new = if kind == "securitySchemes" {
                    name.clone()
                } else {
                    component_ident(&name)
                };
                if let Some(first) = origin.insert(new.clone(), name.clone()) {
                    return Err(SpecError::new(format!(
                        "components `{first}` and `{name}` both become the identifier `{new}`"
                    ))
                    .at(component(kind, &name)));
                }
                if new != name {
                    renames.insert((kind.clone(), name), new.clone());
                }
                renamed.insert(new, def);
            }
            *entries = renamed;
        }
    }
    if !renames.is_empty() {
        for_each_ref_mut(doc, &mut |r| {
            if let Some((kind, name)) = parse_component_ref(r)
                && let Some(new) = renames.get(&(kind.clone(), name))
            {
                *r = format!("#{}", component(&kind, new));
            }
        });
    }
    Ok(())
}

/// Rewrites each operationId to its camelCase identifier; two operations with the same id are an error.
pub(super) fn camel_case_operation_ids(doc: &mut Value) -> Result<()> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        for method in crate::import::METHODS {
            let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) else {
                continue;
            };
            let ptr = crate::json_pointer::push(&crate::json_pointer::push("/paths", path), method);
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                return Err(SpecError::new("operation has no operationId").at(ptr));
            };
            let ident = operation_ident(id);
            if let Some(other) = seen.insert(ident.clone(), ptr.clone()) {
                return Err(SpecError::new(format!(
                    "operationId `{ident}` is used twice (also at {other})"
                ))
                .at(ptr));
            }
            if ident != id {
                // Kept so that the operation is still found by the spelling its users know (`listBYOKKeys`).
                op.insert(PUBLISHED_OPERATION_ID.into(), Value::String(id.to_owned()));
            }
            op.insert("operationId".into(), Value::String(ident));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn component_names_become_identifiers_and_refs_follow() {
        let mut doc = json!({
            "paths": {"/k": {"delete": {"responses": {"200": {"content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/API Keys_deleteKeys_Response_200"}}}}}}}},
            "components": {"schemas": {"API Keys_deleteKeys_Response_200": {"type": "object"}}}
        });
        identifier_component_names(&mut doc).unwrap();
        assert!(
            doc.pointer("/components/schemas/ApiKeysDeleteKeysResponse200")
                .is_some()
        );
        assert_eq!(
            doc.pointer("/paths/~1k/delete/responses/200/content/application~1json/schema/$ref")
                .unwrap(),
            "#/components/schemas/ApiKeysDeleteKeysResponse200"
        );
    }

    #[test]
    fn colliding_names_are_an_error() {
        let mut doc = json!({"components": {"schemas": {"a_b": {}, "A B": {}}}});
        let err = identifier_component_names(&mut doc).unwrap_err();
        assert!(err.message.contains("both become"), "{err}");
    }

    #[test]
    fn kebab_and_camel_ids_agree() {
        assert_eq!(
            operation_ident("bulk-unassign-keys-from-guardrail"),
            "bulkUnassignKeysFromGuardrail"
        );
        assert_eq!(
            operation_ident("bulkUnassignKeysFromGuardrail"),
            "bulkUnassignKeysFromGuardrail"
        );
        assert_eq!(
            component_ident("Guardrails_bulkAssignKeysToGuardrail_Response_200"),
            "GuardrailsBulkAssignKeysToGuardrailResponse200"
        );
    }
}
