//! Finds every schema object of an OpenAPI document (and nothing else), so transforms never touch examples or
//! security schemes that merely look like schemas.

use crate::json_pointer::push;
use serde_json::{Map, Value};

/// Calls `f` on every schema object in `doc`, parents before children, with its JSON pointer.
/// `f` may rewrite the schema; the walk then descends into the rewritten schema.
pub fn for_each_schema_mut(doc: &mut Value, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let item_ptr = push("/paths", path);
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (key, op) in item.iter_mut() {
                let ptr = push(&item_ptr, key);
                if key == "parameters" {
                    walk_parameters(op, &ptr, f);
                } else if let Some(op) = op.as_object_mut() {
                    walk_operation(op, &ptr, f);
                }
            }
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for (kind, entries) in components.iter_mut() {
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            for (name, entry) in entries.iter_mut() {
                let ptr = crate::json_pointer::component(kind, name);
                match kind.as_str() {
                    "schemas" => walk_schema(entry, &ptr, f),
                    "parameters" | "headers" => walk_parameter(entry, &ptr, f),
                    "requestBodies" | "responses" => walk_body(entry, &ptr, f),
                    _ => {}
                }
            }
        }
    }
}

fn walk_operation(
    op: &mut Map<String, Value>,
    ptr: &str,
    f: &mut dyn FnMut(&mut Map<String, Value>, &str),
) {
    if let Some(params) = op.get_mut("parameters") {
        walk_parameters(params, &push(ptr, "parameters"), f);
    }
    if let Some(body) = op.get_mut("requestBody") {
        walk_body(body, &push(ptr, "requestBody"), f);
    }
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        let rptr = push(ptr, "responses");
        for (code, response) in responses.iter_mut() {
            walk_body(response, &push(&rptr, code), f);
        }
    }
}

fn walk_parameters(
    params: &mut Value,
    ptr: &str,
    f: &mut dyn FnMut(&mut Map<String, Value>, &str),
) {
    if let Some(list) = params.as_array_mut() {
        for (i, p) in list.iter_mut().enumerate() {
            walk_parameter(p, &format!("{ptr}/{i}"), f);
        }
    }
}

/// A parameter or header object: `schema` plus optional `content`.
fn walk_parameter(p: &mut Value, ptr: &str, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    if let Some(schema) = p.get_mut("schema") {
        walk_schema(schema, &push(ptr, "schema"), f);
    }
    walk_content(p, ptr, f);
}

/// A request body or response object: `content` media types plus (responses) `headers`.
fn walk_body(body: &mut Value, ptr: &str, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    walk_content(body, ptr, f);
    if let Some(Value::Object(headers)) = body.get_mut("headers") {
        let hptr = push(ptr, "headers");
        for (name, h) in headers.iter_mut() {
            walk_parameter(h, &push(&hptr, name), f);
        }
    }
}

fn walk_content(holder: &mut Value, ptr: &str, f: &mut dyn FnMut(&mut Map<String, Value>, &str)) {
    if let Some(Value::Object(content)) = holder.get_mut("content") {
        let cptr = push(ptr, "content");
        for (media, mt) in content.iter_mut() {
            if let Some(schema) = mt.get_mut("schema") {
                walk_schema(schema, &push(&push(&cptr, media), "schema"), f);
            }
        }
    }
}

/// Keywords whose value is one schema.
const SINGLE: &[&str] = &[
    "items",
    "additionalProperties",
    "not",
    "contains",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
];
/// Keywords whose value is a list of schemas.
const LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is a map of name → schema.
const MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Walks one schema and its subschemas.
pub fn walk_schema(
    schema: &mut Value,
    ptr: &str,
    f: &mut dyn FnMut(&mut Map<String, Value>, &str),
) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    f(obj, ptr);
    for (key, child) in obj.iter_mut() {
        let kptr = push(ptr, key);
        if SINGLE.contains(&key.as_str()) {
            walk_schema(child, &kptr, f);
        } else if LISTS.contains(&key.as_str()) {
            if let Some(list) = child.as_array_mut() {
                for (i, s) in list.iter_mut().enumerate() {
                    walk_schema(s, &format!("{kptr}/{i}"), f);
                }
            }
        } else if MAPS.contains(&key.as_str())
            && let Some(map) = child.as_object_mut()
        {
            for (name, s) in map.iter_mut() {
                walk_schema(s, &push(&kptr, name), f);
            }
        }
    }
}

/// Calls `f` on every `$ref` string anywhere in `value` (examples included: they never hold `$ref` keys in practice).
pub fn for_each_ref_mut(value: &mut Value, f: &mut dyn FnMut(&mut String)) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "$ref" {
                    if let Value::String(s) = child {
                        f(s);
                    }
                } else {
                    for_each_ref_mut(child, f);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| for_each_ref_mut(v, f)),
        _ => {}
    }
}

/// Every `$ref` in `value`, in document order, as `(pointer of the $ref's object, target)`; `base` is the
/// pointer of `value` itself.
pub fn refs(value: &Value, base: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    collect_refs(value, base, &mut out);
    out
}

fn collect_refs(value: &Value, ptr: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == "$ref" {
                    if let Value::String(s) = child {
                        out.push((ptr.to_string(), s.clone()));
                    }
                } else {
                    collect_refs(child, &push(ptr, key), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_refs(v, &format!("{ptr}/{i}"), out);
            }
        }
        _ => {}
    }
}
