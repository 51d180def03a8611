//! Questions asked of a merged spec by the generators and the overlay check: its operations, the names progenitor
//! gives inline bodies, an operation's request and success schemas, and what a schema references.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use serde_json::Value;

use crate::json_pointer::{parse_component_ref, ref_of};

/// Every operation of a document as (path, method, operation), in document order.
pub fn operations(doc: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
    doc.get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(path, item)| {
            crate::import::METHODS
                .iter()
                .filter_map(move |m| item.get(*m).map(|op| (path.as_str(), *m, op)))
        })
}

/// The operationIds of a document.
pub fn operation_ids(doc: &Value) -> BTreeSet<String> {
    operations(doc)
        .filter_map(|(_, _, op)| op.get("operationId")?.as_str().map(str::to_owned))
        .collect()
}

/// The name progenitor gives an operation's inline request body.
pub fn body_name(operation_id: &str) -> String {
    format!("{}Body", operation_id.to_upper_camel_case())
}

/// The name progenitor gives an operation's inline success body.
pub fn response_name(operation_id: &str) -> String {
    format!("{}Response", operation_id.to_upper_camel_case())
}

/// The JSON schema of an operation's request body, if it has one.
pub fn request_schema(op: &Value) -> Option<&Value> {
    op.pointer("/requestBody/content/application~1json/schema")
}

/// The success status and the JSON schema of its body (`None`: no body).
pub fn success(op: &Value) -> Option<(u16, Option<&Value>)> {
    let responses = op.get("responses")?.as_object()?;
    responses.iter().find_map(|(code, response)| {
        let status: u16 = code.parse().ok()?;
        (200..300).contains(&status).then(|| {
            (
                status,
                response.pointer("/content/application~1json/schema"),
            )
        })
    })
}

/// The schema a component name stands for once bodies are hoisted (a component, or an operation's inline body).
pub fn schema_after_hoisting<'a>(merged: &'a Value, name: &str) -> Option<&'a Value> {
    if let Some(s) = merged.pointer(&crate::json_pointer::component("schemas", name)) {
        return Some(s);
    }
    operations(merged).find_map(|(_, _, op)| {
        let id = op.get("operationId")?.as_str()?;
        if body_name(id) == name {
            request_schema(op)
        } else if response_name(id) == name {
            success(op).and_then(|(_, s)| s)
        } else {
            None
        }
    })
}

/// The schema typify generates a type of this name for: a component or inline body (see
/// [`schema_after_hoisting`]), or an inline object below one, named the way typify names it and the type view
/// walks it (`ObservabilityLangsmithDestination.config` → `ObservabilityLangsmithDestinationConfig`, an array's
/// items `…Item`). Lets the overlay name secret fields of nested objects, such as a destination's credentials.
pub fn schema_by_type_name<'a>(merged: &'a Value, name: &str) -> Option<&'a Value> {
    fn below<'a>(schema: &'a Value, prefix: &str, name: &str) -> Option<&'a Value> {
        let rest = name.strip_prefix(prefix)?;
        if rest.is_empty() {
            return Some(schema);
        }
        let properties = schema.get("properties")?.as_object()?;
        properties.iter().find_map(|(property, child)| {
            let nested = format!("{prefix}{}", property.to_upper_camel_case());
            if child.get("properties").is_some() {
                below(child, &nested, name)
            } else {
                let items = child
                    .get("items")
                    .filter(|i| i.get("properties").is_some())?;
                below(items, &format!("{nested}Item"), name)
            }
        })
    }
    if let Some(s) = schema_after_hoisting(merged, name) {
        return Some(s);
    }
    let schemas = merged.pointer("/components/schemas")?.as_object()?;
    schemas
        .iter()
        .filter(|(component, _)| name.starts_with(component.as_str()))
        .find_map(|(component, schema)| below(schema, component, name))
}

/// Whether `null` is a valid value of `schema` (in the merged document, where `type: [X, 'null']` is already
/// `nullable: true`): it is nullable, references a nullable component, or is an `allOf` every part of which
/// accepts `null` (a part that only annotates, such as `{description}`, does). The spec writes "nullable, with a
/// description of its own" as `allOf: [{$ref: …Nullable}, {description: …}]`.
pub fn accepts_null(merged: &Value, schema: &Value) -> bool {
    /// Deep enough for any real chain of references; a cycle ends here instead of overflowing the stack.
    const MAX_DEPTH: usize = 16;
    const CONSTRAINTS: &[&str] = &[
        "type",
        "$ref",
        "allOf",
        "anyOf",
        "oneOf",
        "enum",
        "properties",
    ];
    fn walk(merged: &Value, schema: &Value, depth: usize) -> bool {
        if schema.get("nullable") == Some(&Value::Bool(true)) {
            return true;
        }
        if depth == MAX_DEPTH {
            return false;
        }
        if let Some(r) = ref_of(schema) {
            return parse_component_ref(r)
                .and_then(|(kind, name)| {
                    merged.pointer(&crate::json_pointer::component(&kind, &name))
                })
                .is_some_and(|target| walk(merged, target, depth + 1));
        }
        match schema.get("allOf").and_then(Value::as_array) {
            Some(parts) => parts.iter().all(|part| {
                walk(merged, part, depth + 1) || !CONSTRAINTS.iter().any(|k| part.get(*k).is_some())
            }),
            None => false,
        }
    }
    walk(merged, schema, 0)
}

/// The component a schema references (directly or as the single member of `allOf`).
pub fn referenced_component(schema: &Value) -> Option<String> {
    if let Some(r) = ref_of(schema) {
        return parse_component_ref(r).map(|(_, n)| n);
    }
    match schema.get("allOf").and_then(Value::as_array) {
        Some(list) if list.len() == 1 => referenced_component(&list[0]),
        _ => None,
    }
}

/// The names a schema's `required` lists.
pub fn required(schema: &Value) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn null_is_accepted_through_references_and_annotated_all_ofs() {
        let merged = json!({"components": {"schemas": {
            "Rules": {"type": "object", "nullable": true},
            "Strict": {"type": "object"},
            "Loop": {"$ref": "#/components/schemas/Loop"},
        }}});
        let nullable_with_doc = json!({"allOf": [
            {"$ref": "#/components/schemas/Rules"},
            {"description": "`null` clears the rules"},
        ]});
        assert!(accepts_null(&merged, &nullable_with_doc));
        assert!(accepts_null(
            &merged,
            &json!({"$ref": "#/components/schemas/Rules"})
        ));
        assert!(accepts_null(
            &merged,
            &json!({"type": "string", "nullable": true})
        ));
        let strict_with_doc = json!({"allOf": [
            {"$ref": "#/components/schemas/Strict"},
            {"description": "d"},
        ]});
        assert!(!accepts_null(&merged, &strict_with_doc));
        assert!(!accepts_null(
            &merged,
            &json!({"allOf": [
                {"$ref": "#/components/schemas/Rules"},
                {"type": "object"},
            ]})
        ));
        assert!(!accepts_null(&merged, &json!({"type": "string"})));
        assert!(!accepts_null(
            &merged,
            &json!({"$ref": "#/components/schemas/Loop"})
        ));
    }

    #[test]
    fn nested_inline_objects_are_found_under_typify_names() {
        let doc = json!({"paths": {}, "components": {"schemas": {"Dest": {"type": "object", "properties": {
            "config": {"type": "object", "properties": {"apiKey": {"type": "string"}}},
            "rules": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}}}}}}}}});
        assert!(schema_by_type_name(&doc, "Dest").is_some());
        assert!(
            schema_by_type_name(&doc, "DestConfig")
                .and_then(|s| s.pointer("/properties/apiKey"))
                .is_some()
        );
        assert!(
            schema_by_type_name(&doc, "DestRulesItem")
                .and_then(|s| s.pointer("/properties/field"))
                .is_some()
        );
        assert!(schema_by_type_name(&doc, "DestConfigX").is_none());
        assert!(schema_by_type_name(&doc, "Other").is_none());
    }
}
