//! A parameter that takes a boolean either as a JSON boolean or as the strings `"true"`/`"false"` becomes a plain
//! boolean parameter.
//!
//! `DELETE /scim/group-mappings/{id}` declares `keep_members` as `anyOf: [{type: string, enum: ["true", "false"]},
//! {type: boolean}]`. Left alone, the string enum is hoisted into an open enum (which accepts any string), and
//! typify's `FromStr` for the `anyOf` tries it first, so its `if let Ok(..) = value.parse()` can never fail: an
//! irrefutable pattern, which is a warning (an error under clippy `-D warnings`), and the boolean arm is dead.
//! A parameter is only ever sent, and a boolean goes into the query string as `true`/`false`, exactly the strings
//! the enum allows, so `{type: boolean}` loses nothing on the wire and gives callers a `bool`. Only parameters are
//! rewritten: in a response body the server could send the string form, which a `bool` would not decode.

use serde_json::{Map, Value};

use crate::import::METHODS;

/// Rewrites every boolean-like choice in the schema of a path-item or operation parameter.
pub(super) fn boolean_like_parameters(doc: &mut Value) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        rewrite_parameters(item.get_mut("parameters"));
        for method in METHODS {
            if let Some(op) = item.get_mut(*method) {
                rewrite_parameters(op.get_mut("parameters"));
            }
        }
    }
    if let Some(Value::Object(params)) = doc.pointer_mut("/components/parameters") {
        for param in params.values_mut() {
            if let Some(Value::Object(schema)) = param.get_mut("schema") {
                rewrite(schema);
            }
        }
    }
}

fn rewrite_parameters(params: Option<&mut Value>) {
    for param in params.and_then(Value::as_array_mut).into_iter().flatten() {
        if let Some(Value::Object(schema)) = param.get_mut("schema") {
            rewrite(schema);
        }
    }
}

/// `anyOf`/`oneOf` of exactly a boolean and a string enum of `"true"`/`"false"` (either or both) → `type: boolean`,
/// keeping the annotations (`description`, `nullable`, ...) of the choice itself.
fn rewrite(schema: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(members)) = schema.get(key) else {
            continue;
        };
        let boolean = members.iter().filter(|m| is_boolean(m)).count();
        let strings = members.iter().filter(|m| is_boolean_string_enum(m)).count();
        if members.len() == 2 && boolean == 1 && strings == 1 {
            schema.shift_remove(key);
            schema.insert("type".into(), Value::String("boolean".into()));
        }
    }
}

fn is_boolean(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("boolean") && s.get("enum").is_none()
}

fn is_boolean_string_enum(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("string")
        && s.get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| {
                !values.is_empty()
                    && values
                        .iter()
                        .all(|v| matches!(v.as_str(), Some("true" | "false")))
            })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(schema: Value) -> Value {
        json!({"paths": {"/m/{id}": {"delete": {"operationId": "deleteM", "parameters": [
            {"name": "keep_members", "in": "query", "required": true, "schema": schema}]}}}})
    }

    #[test]
    fn a_boolean_or_its_strings_becomes_a_boolean() {
        let mut d = doc(json!({"description": "keep them?", "anyOf": [
            {"type": "string", "enum": ["true", "false"]}, {"type": "boolean"}]}));
        boolean_like_parameters(&mut d);
        assert_eq!(
            d.pointer("/paths/~1m~1{id}/delete/parameters/0/schema")
                .unwrap(),
            &json!({"description": "keep them?", "type": "boolean"})
        );
    }

    #[test]
    fn other_choices_stay() {
        for schema in [
            json!({"anyOf": [{"type": "string", "enum": ["yes", "no"]}, {"type": "boolean"}]}),
            json!({"oneOf": [{"type": "string"}, {"type": "boolean"}]}),
            json!({"anyOf": [{"type": "string", "enum": ["true"]}, {"type": "integer"}]}),
        ] {
            let mut d = doc(schema.clone());
            boolean_like_parameters(&mut d);
            assert_eq!(
                d.pointer("/paths/~1m~1{id}/delete/parameters/0/schema")
                    .unwrap(),
                &schema
            );
        }
    }
}
