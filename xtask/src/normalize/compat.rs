//! Forward compatibility: responses from a server newer than the spec must still decode. Unknown fields are
//! accepted (no `additionalProperties: false`), and every string enum becomes a named component so the generator
//! can swap it for an open enum that keeps unknown values (see `openrouter_mgmt_gen::open_enum`).

use crate::error::{Result, SpecError};
use crate::json_pointer::component;
use crate::schema_walk::for_each_schema_mut;
use heck::ToUpperCamelCase;
use serde_json::{Value, json};

/// Drops `additionalProperties: false`: a new field in a response must not fail the whole response.
pub(super) fn allow_unknown_fields(doc: &mut Value) {
    for_each_schema_mut(doc, &mut |s, _| {
        if s.get("additionalProperties") == Some(&Value::Bool(false)) {
            s.shift_remove("additionalProperties");
        }
    });
}

/// A schema that is a plain string enum: `enum` of strings (plus `null` when nullable), type `string` or none,
/// nothing structural.
pub(super) fn is_string_enum(s: &Value) -> bool {
    let Some(values) = s.get("enum").and_then(Value::as_array) else {
        return false;
    };
    values.iter().any(Value::is_string)
        && values.iter().all(|v| v.is_string() || v.is_null())
        && s.get("type").is_none_or(|t| t == "string")
        && ["properties", "allOf", "anyOf", "oneOf", "items"]
            .iter()
            .all(|k| s.get(*k).is_none())
}

/// Moves every inline string enum into `components/schemas`, named after where it sits
/// (`CreateKeysRequest.limit_reset` → `CreateKeysRequestLimitReset`), and points the original place at it.
pub(super) fn hoist_inline_enums(doc: &mut Value) -> Result<()> {
    let mut hoisted: Vec<(String, Value, String)> = Vec::new();
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, schema) in schemas.iter_mut() {
            hoist_within(schema, name, true, &mut hoisted);
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            for method in crate::import::METHODS {
                let Some(op) = item.get_mut(*method) else {
                    continue;
                };
                let op_name = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or("operation")
                    .to_upper_camel_case();
                for param in op
                    .get_mut("parameters")
                    .and_then(Value::as_array_mut)
                    .into_iter()
                    .flatten()
                {
                    let pname = param
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("param")
                        .to_upper_camel_case();
                    if let Some(schema) = param.get_mut("schema") {
                        hoist_within(schema, &format!("{op_name}{pname}"), false, &mut hoisted);
                    }
                }
                for (ptr, suffix) in [("/requestBody/content", "Body"), ("/responses", "Response")]
                {
                    let Some(holder) = op.pointer_mut(ptr) else {
                        continue;
                    };
                    hoist_in_media(
                        holder,
                        &format!("{op_name}{suffix}"),
                        suffix == "Response",
                        &mut hoisted,
                    );
                }
            }
        }
    }
    if hoisted.is_empty() {
        return Ok(());
    }
    let schemas = crate::components::schemas_mut(doc)?;
    for (name, schema, origin) in hoisted {
        match schemas.get(&name) {
            Some(existing) if *existing == schema => {}
            Some(_) => {
                return Err(SpecError::new(format!(
                    "cannot name the inline enum `{name}`: a different schema already has that name"
                ))
                .at(origin));
            }
            None => {
                schemas.insert(name, schema);
            }
        }
    }
    Ok(())
}

/// Walks the media types of a request body's `content` or of every response.
fn hoist_in_media(
    holder: &mut Value,
    prefix: &str,
    per_status: bool,
    out: &mut Vec<(String, Value, String)>,
) {
    let Some(map) = holder.as_object_mut() else {
        return;
    };
    for (key, v) in map.iter_mut() {
        if per_status {
            let prefix = if key.starts_with('2') {
                prefix.to_string()
            } else {
                format!("{prefix}{key}")
            };
            if let Some(content) = v.get_mut("content") {
                hoist_in_media(content, &prefix, false, out);
            }
        } else if let Some(schema) = v.get_mut("schema") {
            hoist_within(schema, prefix, false, out);
        }
    }
}

/// Replaces string enums below `schema` (and `schema` itself unless `is_component`) by references.
fn hoist_within(
    schema: &mut Value,
    name: &str,
    is_component: bool,
    out: &mut Vec<(String, Value, String)>,
) {
    if !is_component && is_string_enum(schema) {
        let moved = std::mem::replace(schema, Value::Null);
        let nullable = moved.get("nullable") == Some(&Value::Bool(true));
        let reference = json!({ "$ref": format!("#{}", component("schemas", name)) });
        *schema = if nullable {
            json!({ "allOf": [reference], "nullable": true })
        } else {
            reference
        };
        out.push((name.to_string(), moved, name.to_string()));
        return;
    }
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for (prop, s) in props.iter_mut() {
            hoist_within(
                s,
                &format!("{name}{}", prop.to_upper_camel_case()),
                false,
                out,
            );
        }
    }
    if let Some(items) = obj.get_mut("items") {
        hoist_within(items, &format!("{name}Item"), false, out);
    }
    if let Some(ap @ Value::Object(_)) = obj.get_mut("additionalProperties") {
        hoist_within(ap, &format!("{name}Value"), false, out);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(Value::Array(members)) = obj.get_mut(key) {
            let single = members.len() == 1;
            for (i, m) in members.iter_mut().enumerate() {
                let member_name = if single {
                    name.to_string()
                } else {
                    format!("{name}Variant{i}")
                };
                hoist_within(m, &member_name, false, out);
            }
        }
    }
}

/// Marks every place that references a nullable enum component as nullable too (`allOf: [$ref], nullable: true`):
/// the component is generated as an open enum that cannot hold `null`, so the generator must see the `Option` at
/// the reference. The component keeps `nullable` and its `null` value, so validators still accept `null`.
pub(super) fn nullable_at_reference_sites(doc: &mut Value) {
    let mut nullable_enums: Vec<String> = Vec::new();
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for (name, s) in schemas {
            if is_string_enum(s) && s.get("nullable") == Some(&Value::Bool(true)) {
                nullable_enums.push(name.clone());
            }
        }
    }
    if nullable_enums.is_empty() {
        return;
    }
    let targets: Vec<String> = nullable_enums
        .iter()
        .map(|n| format!("#{}", component("schemas", n)))
        .collect();
    let is_target = |v: &Value| {
        v.get("$ref")
            .and_then(Value::as_str)
            .is_some_and(|r| targets.iter().any(|t| t == r))
    };
    // The walk descends into what the closure builds, so a wrapped reference is marked until the walk is over.
    const WRAPPED: &str = "x-openrouter-mgmt-wrapped";
    for_each_schema_mut(doc, &mut |s, _| {
        if s.shift_remove(WRAPPED).is_some() {
            return;
        }
        let as_value = Value::Object(s.clone());
        if is_target(&as_value) {
            let reference = s.shift_remove("$ref").expect("checked above");
            s.insert(
                "allOf".into(),
                json!([{ "$ref": reference, WRAPPED: true }]),
            );
            s.insert("nullable".into(), Value::Bool(true));
        } else if let Some(Value::Array(members)) = s.get_mut("allOf")
            && members.len() == 1
            && is_target(&members[0])
        {
            if let Some(m) = members[0].as_object_mut() {
                m.insert(WRAPPED.into(), Value::Bool(true));
            }
            s.insert("nullable".into(), Value::Bool(true));
        }
    });
}

/// The string-enum components of a normalized document with their values: the types that become open enums.
pub fn string_enums(doc: &Value) -> Vec<(String, Vec<String>, Option<String>)> {
    let mut out = Vec::new();
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        for (name, s) in schemas {
            if is_string_enum(s) {
                let values = s["enum"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect();
                let description = s
                    .get("description")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                out.push((name.clone(), values, description));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_enums_are_hoisted_and_nullability_shows_at_the_reference() {
        let mut doc = json!({
            "paths": {},
            "components": {"schemas": {
                "Key": {"type": "object", "properties": {
                    "limit_reset": {"type": "string", "nullable": true, "enum": ["daily", "weekly", null]},
                    "interval": {"$ref": "#/components/schemas/Interval"}}},
                "Interval": {"type": "string", "nullable": true, "enum": ["daily", null]}
            }}
        });
        hoist_inline_enums(&mut doc).unwrap();
        nullable_at_reference_sites(&mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/Key/properties/limit_reset")
                .unwrap(),
            &json!({"allOf": [{"$ref": "#/components/schemas/KeyLimitReset"}], "nullable": true})
        );
        assert_eq!(
            doc.pointer("/components/schemas/Key/properties/interval")
                .unwrap(),
            &json!({"allOf": [{"$ref": "#/components/schemas/Interval"}], "nullable": true})
        );
        assert_eq!(
            doc.pointer("/components/schemas/Interval/nullable"),
            Some(&json!(true))
        );
        assert_eq!(
            doc.pointer("/components/schemas/KeyLimitReset/nullable"),
            Some(&json!(true))
        );
        let names: Vec<_> = string_enums(&doc).into_iter().map(|e| e.0).collect();
        assert_eq!(names, ["Interval", "KeyLimitReset"]);
    }

    #[test]
    fn closed_objects_are_opened() {
        let mut doc = json!({"components": {"schemas": {"A": {"type": "object", "additionalProperties": false}}}});
        allow_unknown_fields(&mut doc);
        assert!(
            doc.pointer("/components/schemas/A/additionalProperties")
                .is_none()
        );
    }
}
