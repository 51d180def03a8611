//! OpenAPI 3.1 schema keywords rewritten to their 3.0 equivalents, which is all progenitor understands.

use crate::error::SpecError;
use serde_json::{Map, Value, json};

/// Annotation keywords that may sit beside a `$ref` and can be dropped without changing the type.
const REF_ANNOTATIONS: &[&str] = &["description", "summary", "title", "example", "examples"];

/// Rewrites one schema object in place; errors are pushed onto `errors` with their pointer.
pub(super) fn to_openapi_30(s: &mut Map<String, Value>, ptr: &str, errors: &mut Vec<SpecError>) {
    type_arrays(s, ptr, errors);
    null_in_enum(s);
    const_to_enum(s);
    examples_to_example(s);
    exclusive_bounds(s);
    null_members(s, "anyOf");
    null_members(s, "oneOf");
    ref_siblings(s);
}

/// `type: [T, 'null']` → `type: T, nullable: true`; `type: 'null'` → `nullable: true` with no type.
fn type_arrays(s: &mut Map<String, Value>, ptr: &str, errors: &mut Vec<SpecError>) {
    let types: Vec<String> = match s.get("type") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| t.as_str().unwrap_or_default().to_string())
            .collect(),
        Some(Value::String(t)) if t == "null" => vec![t.clone()],
        _ => return,
    };
    let has_null = types.iter().any(|t| t == "null");
    let rest: Vec<&String> = types.iter().filter(|t| *t != "null").collect();
    match rest.as_slice() {
        [] => {
            s.shift_remove("type");
        }
        [one] => {
            s.insert("type".into(), Value::String((*one).clone()));
        }
        many => {
            let list: Vec<&str> = many.iter().map(|t| t.as_str()).collect();
            errors.push(
                SpecError::new(format!(
                    "a schema with several types ({}) cannot be expressed for progenitor; use oneOf",
                    list.join(", ")
                ))
                .at(format!("{ptr}/type")),
            );
            return;
        }
    }
    if has_null {
        s.insert("nullable".into(), Value::Bool(true));
    }
}

/// `enum: [a, b, null]` → `enum: [a, b], nullable: true`. The `null` must leave the list: Prism turns `nullable`
/// into `type: [T, 'null']` and appends `null` to the enum itself, and a second `null` makes the schema invalid
/// (enum values must be unique), so that Prism silently skipped validating every body that used it.
fn null_in_enum(s: &mut Map<String, Value>) {
    if let Some(Value::Array(values)) = s.get_mut("enum")
        && values.iter().any(Value::is_null)
    {
        values.retain(|v| !v.is_null());
        s.insert("nullable".into(), Value::Bool(true));
    }
}

/// `const: v` → `enum: [v]`.
fn const_to_enum(s: &mut Map<String, Value>) {
    if let Some(value) = s.shift_remove("const") {
        if value.is_null() {
            s.insert("nullable".into(), Value::Bool(true));
        } else {
            s.insert("enum".into(), json!([value]));
        }
    }
}

/// 3.1 `examples: [..]` on a schema → 3.0 `example: <first>`.
fn examples_to_example(s: &mut Map<String, Value>) {
    if let Some(Value::Array(mut examples)) = s.shift_remove("examples")
        && !s.contains_key("example")
        && !examples.is_empty()
    {
        s.insert("example".into(), examples.swap_remove(0));
    }
}

/// 3.1 numeric `exclusiveMinimum: n` → 3.0 `minimum: n, exclusiveMinimum: true` (same for maximum).
fn exclusive_bounds(s: &mut Map<String, Value>) {
    for (excl, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = s.get(excl).cloned() {
            s.insert(bound.into(), n);
            s.insert(excl.into(), Value::Bool(true));
        }
    }
}

fn is_null_schema(v: &Value) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "null",
        _ => v.get("enum") == Some(&json!([null])) || v.get("const") == Some(&Value::Null),
    }
}

/// `anyOf: [X, {type: 'null'}]` → `nullable: true` with X alone (as `allOf: [X]` when X is a `$ref`).
fn null_members(s: &mut Map<String, Value>, key: &str) {
    let Some(Value::Array(members)) = s.get_mut(key) else {
        return;
    };
    if !members.iter().any(is_null_schema) {
        return;
    }
    members.retain(|m| !is_null_schema(m));
    s.insert("nullable".into(), Value::Bool(true));
    let members = match s.get(key) {
        Some(Value::Array(m)) => m.clone(),
        _ => return,
    };
    if let [only] = members.as_slice() {
        s.shift_remove(key);
        if only.get("$ref").is_some() {
            s.insert("allOf".into(), json!([only]));
        } else if let Value::Object(inner) = only {
            for (k, v) in inner {
                s.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
}

/// In 3.0 everything beside `$ref` is ignored. Pure annotations are dropped; anything that changes the type
/// (`nullable`, `default`, `deprecated`, ...) is kept by moving the reference into `allOf: [{$ref}]`.
fn ref_siblings(s: &mut Map<String, Value>) {
    let Some(reference) = s.get("$ref").cloned() else {
        return;
    };
    s.retain(|k, _| k == "$ref" || !REF_ANNOTATIONS.contains(&k.as_str()));
    if s.len() > 1 {
        s.shift_remove("$ref");
        s.insert("allOf".into(), json!([{ "$ref": reference }]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: Value) -> Value {
        let mut v = v;
        let mut errors = Vec::new();
        to_openapi_30(v.as_object_mut().unwrap(), "/s", &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        v
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        assert_eq!(
            run(json!({"type": ["string", "null"]})),
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(
            run(json!({"type": ["integer"]})),
            json!({"type": "integer"})
        );
    }

    #[test]
    fn several_types_is_an_error_with_pointer() {
        let mut v = json!({"type": ["string", "integer"]});
        let mut errors = Vec::new();
        to_openapi_30(
            v.as_object_mut().unwrap(),
            "/components/schemas/X",
            &mut errors,
        );
        assert_eq!(
            errors[0].pointer.as_deref(),
            Some("/components/schemas/X/type")
        );
    }

    #[test]
    fn null_in_enums_makes_them_nullable_and_leaves_the_list() {
        assert_eq!(
            run(json!({"type": ["string", "null"], "enum": ["daily", "weekly", null]})),
            json!({"type": "string", "nullable": true, "enum": ["daily", "weekly"]})
        );
        assert_eq!(
            run(json!({"enum": ["a", null]})),
            json!({"enum": ["a"], "nullable": true})
        );
    }

    #[test]
    fn const_becomes_single_value_enum() {
        assert_eq!(
            run(json!({"type": "boolean", "const": true})),
            json!({"type": "boolean", "enum": [true]})
        );
    }

    #[test]
    fn examples_and_exclusive_bounds() {
        assert_eq!(
            run(json!({"type": "number", "examples": [3, 4], "exclusiveMinimum": 0})),
            json!({"type": "number", "example": 3, "exclusiveMinimum": true, "minimum": 0})
        );
    }

    #[test]
    fn any_of_with_null_collapses() {
        assert_eq!(
            run(json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]})),
            json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
        assert_eq!(
            run(json!({"anyOf": [{"type": "string"}, {"type": "null"}]})),
            json!({"nullable": true, "type": "string"})
        );
    }

    #[test]
    fn ref_siblings_are_dropped_or_wrapped() {
        assert_eq!(
            run(json!({"$ref": "#/components/schemas/A", "description": "d"})),
            json!({"$ref": "#/components/schemas/A"})
        );
        assert_eq!(
            run(json!({"$ref": "#/components/schemas/A", "deprecated": true})),
            json!({"deprecated": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
    }
}
