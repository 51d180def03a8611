//! The document progenitor sees, derived from the merged spec: every operation's inline request and success
//! bodies named (`{Op}Body`, `{Op}Response`, progenitor's own names, so the operation layer knows them), id and
//! secret fields pointed at the hand-written types the overlay names, and string length/pattern constraints left
//! out (the generated `Validate` impls check them, so bodies are built from plain `String`s), and inline objects
//! that typify would name like a component replaced by that component (`crate::normalize`'s
//! `reuse_components_for_clashing_inline_objects`). The merged spec itself keeps every constraint: Prism validates
//! against it.

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use crate::error::{Result, SpecError};
use crate::json_pointer::ref_of;
use crate::overlay::Overlay;
use crate::schema_walk::for_each_schema_mut;
use crate::spec_query::{body_name, response_name, success};

/// The component name the secret type takes in the view.
pub const SECRET_TYPE: &str = "SecretString";

/// The component name the secret map type takes in the view: a free-form object (`additionalProperties`, no
/// `properties`) that the overlay marks as a secret.
pub const SECRET_MAP_TYPE: &str = "SecretMap";

/// A component of the view that the generated code takes from elsewhere: (component name, Rust path).
pub type Replacement = (String, String);

/// Builds the view and the replacements progenitor must make.
pub fn build(merged: &Value, overlay: &Overlay) -> Result<(Value, Vec<Replacement>)> {
    let mut doc = merged.clone();
    crate::normalize::reuse_components_for_clashing_inline_objects(&mut doc)?;
    let mut new_components: Vec<(String, Value)> = Vec::new();
    hoist_bodies(&mut doc, &mut new_components);
    let schemas = crate::components::schemas_mut(&mut doc)?;
    for (name, schema) in new_components {
        if schemas
            .get(&name)
            .is_some_and(|existing| *existing != schema)
        {
            return Err(SpecError::new(format!(
                "cannot name an inline body `{name}`: a different schema already has that name"
            )));
        }
        schemas.insert(name, schema);
    }

    let mut used: Vec<(String, Option<String>)> = Vec::new();
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in names {
        let schema = schemas.get_mut(&name).expect("listed above");
        type_fields(schema, &name, overlay, &mut used);
    }
    let mut replacements = Vec::new();
    used.sort();
    used.dedup();
    for (name, format) in used {
        if schemas.contains_key(&name) {
            return Err(SpecError::new(format!(
                "the overlay's type `{name}` has the name of a schema of the spec; rename it in the overlay"
            )));
        }
        let mut schema = if name == SECRET_MAP_TYPE {
            json!({"type": "object", "additionalProperties": {}})
        } else {
            json!({"type": "string"})
        };
        if let Some(format) = format {
            schema["format"] = json!(format);
        }
        schemas.insert(name.clone(), schema);
        let path = if name == SECRET_TYPE || name == SECRET_MAP_TYPE {
            format!("crate::{name}")
        } else {
            format!("crate::ids::{name}")
        };
        replacements.push((name, path));
    }
    strip_string_constraints(&mut doc);
    Ok((doc, replacements))
}

/// Moves inline request and success bodies into components under progenitor's names.
fn hoist_bodies(doc: &mut Value, out: &mut Vec<(String, Value)>) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for item in paths.values_mut() {
        for method in crate::import::METHODS {
            let Some(op) = item.get_mut(*method) else {
                continue;
            };
            let Some(id) = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
            else {
                continue;
            };
            if let Some(schema) = op.pointer_mut("/requestBody/content/application~1json/schema") {
                hoist(schema, body_name(&id), out);
            }
            let status = success(op).map(|(s, _)| s.to_string());
            if let Some(status) = status
                && let Some(schema) = op.pointer_mut(&format!(
                    "/responses/{status}/content/application~1json/schema"
                ))
            {
                hoist(schema, response_name(&id), out);
            }
        }
    }
}

fn hoist(schema: &mut Value, name: String, out: &mut Vec<(String, Value)>) {
    if ref_of(schema).is_some() {
        return;
    }
    let inline = std::mem::replace(
        schema,
        json!({"$ref": format!("#/components/schemas/{name}")}),
    );
    out.push((name, inline));
}

/// Points id and secret fields at their types, walking nested inline objects under typify's names for them.
fn type_fields(
    schema: &mut Value,
    name: &str,
    overlay: &Overlay,
    used: &mut Vec<(String, Option<String>)>,
) {
    let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for (property, child) in properties.iter_mut() {
        let target = if overlay.is_secret(name, property) {
            Some((SECRET_TYPE.to_owned(), None))
        } else {
            overlay
                .id_for_field(name, property)
                .map(|(id, t)| (id.to_owned(), t.format.clone()))
        };
        let nested = format!("{name}{}", property.to_upper_camel_case());
        if overlay.is_secret(name, property) && is_free_form_object(child) {
            *child = reference(child, SECRET_MAP_TYPE);
            used.push((SECRET_MAP_TYPE.to_owned(), None));
            continue;
        }
        match target {
            Some((ty, format)) if is_string(child) && has_format(child, &format) => {
                *child = reference(child, &ty);
                used.push((ty, format));
            }
            Some((ty, format))
                if is_string_array(child)
                    && child.get("items").is_some_and(|i| has_format(i, &format)) =>
            {
                let items = child
                    .get_mut("items")
                    .expect("checked: an array of strings");
                *items = reference(items, &ty);
                used.push((ty, format));
            }
            _ if child.get("properties").is_some() => type_fields(child, &nested, overlay, used),
            _ => {
                if let Some(items) = child.get_mut("items")
                    && items.get("properties").is_some()
                {
                    type_fields(items, &format!("{nested}Item"), overlay, used);
                }
            }
        }
    }
}

/// Whether a string schema carries the id type's format, if it has one: an id type that parses a format (a UUID)
/// goes only where the spec promises that format, so a field the spec leaves a plain string (`KeyBudget.guardrail_id`)
/// keeps every value the spec allows.
fn has_format(s: &Value, format: &Option<String>) -> bool {
    format
        .as_deref()
        .is_none_or(|f| s.get("format").and_then(Value::as_str) == Some(f))
}

fn is_string(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("string") && s.get("enum").is_none()
}

/// An object of arbitrary keys: `additionalProperties` and no declared `properties`.
fn is_free_form_object(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("object")
        && s.get("properties").is_none()
        && s.get("additionalProperties")
            .is_some_and(|a| *a != Value::Bool(false))
}

fn is_string_array(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("array") && s.get("items").is_some_and(is_string)
}

/// `{$ref}` for a plain field; `{allOf: [{$ref}], nullable: true}` keeps a nullable field nullable.
fn reference(original: &Value, ty: &str) -> Value {
    let target = json!({"$ref": format!("#/components/schemas/{ty}")});
    let nullable = original.get("nullable") == Some(&Value::Bool(true));
    let description = original.get("description").cloned();
    if !nullable && description.is_none() {
        return target;
    }
    let mut wrapper = Map::new();
    wrapper.insert("allOf".into(), json!([target]));
    if nullable {
        wrapper.insert("nullable".into(), json!(true));
    }
    if let Some(d) = description {
        wrapper.insert("description".into(), d);
    }
    Value::Object(wrapper)
}

/// String lengths and patterns become `Validate` checks instead of typify's checked newtypes.
fn strip_string_constraints(doc: &mut Value) {
    for_each_schema_mut(doc, &mut |s, _| {
        if s.get("type").and_then(Value::as_str) == Some("string") {
            for k in ["minLength", "maxLength", "pattern"] {
                s.shift_remove(k);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_named_and_ids_and_secrets_typed() {
        let merged = json!({
            "paths": {"/keys": {"post": {
                "operationId": "createKeys",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object",
                    "properties": {"name": {"type": "string", "minLength": 1}}}}}},
                "responses": {"201": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "key": {"type": "string"},
                        "data": {"type": "object", "properties": {"hash": {"type": "string", "nullable": true}}}
                    }}}}}}
            }}}
        });
        let overlay: Overlay = serde_yaml::from_str(
            "secrets: [{field: CreateKeysResponse.key, reason: r}]\nids: {KeyHash: {fields: ['*.hash'], reason: r}}",
        )
        .unwrap();
        let (view, replacements) = build(&merged, &overlay).unwrap();
        let s = &view["components"]["schemas"];
        assert_eq!(
            s["CreateKeysBody"]["properties"]["name"],
            json!({"type": "string"})
        );
        assert_eq!(
            s["CreateKeysResponse"]["properties"]["key"],
            json!({"$ref": "#/components/schemas/SecretString"})
        );
        assert_eq!(
            s["CreateKeysResponse"]["properties"]["data"]["properties"]["hash"],
            json!({"allOf": [{"$ref": "#/components/schemas/KeyHash"}], "nullable": true})
        );
        assert_eq!(
            replacements,
            [
                ("KeyHash".to_owned(), "crate::ids::KeyHash".to_owned()),
                ("SecretString".to_owned(), "crate::SecretString".to_owned())
            ]
        );
        assert_eq!(
            view.pointer("/paths/~1keys/post/requestBody/content/application~1json/schema"),
            Some(&json!({"$ref": "#/components/schemas/CreateKeysBody"}))
        );
    }

    #[test]
    fn an_id_with_a_format_goes_only_where_the_spec_gives_that_format() {
        let merged = json!({
            "paths": {"/budgets": {"get": {
                "operationId": "getBudgets",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {
                        "typed": {"type": "object", "properties": {
                            "guardrail_id": {"type": "string", "format": "uuid"}}},
                        "plain": {"type": "object", "properties": {
                            "guardrail_id": {"type": "string"}}}
                    }}}}}}
            }}}
        });
        let overlay: Overlay = serde_yaml::from_str(
            "ids: {GuardrailId: {format: uuid, fields: ['*.guardrail_id'], reason: r}}",
        )
        .unwrap();
        let (view, _) = build(&merged, &overlay).unwrap();
        let answer = &view["components"]["schemas"]["GetBudgetsResponse"]["properties"];
        assert_eq!(
            answer["typed"]["properties"]["guardrail_id"],
            json!({"$ref": "#/components/schemas/GuardrailId"})
        );
        assert_eq!(
            answer["plain"]["properties"]["guardrail_id"],
            json!({"type": "string"})
        );
    }

    #[test]
    fn a_secret_free_form_object_becomes_a_secret_map() {
        let merged = json!({
            "paths": {"/destinations": {"post": {
                "operationId": "createDestination",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                    "config": {"type": "object", "additionalProperties": {}, "description": "d"},
                    "plain": {"type": "object", "additionalProperties": {}},
                    "nested": {"type": "object", "properties": {
                        "headers": {"type": "object", "additionalProperties": {"type": "string"}}}}
                }}}}}
            }}}
        });
        let overlay: Overlay = serde_yaml::from_str(
            "secrets: [{field: CreateDestinationBody.config, reason: r}, \
             {field: CreateDestinationBodyNested.headers, reason: r}]",
        )
        .unwrap();
        let (view, replacements) = build(&merged, &overlay).unwrap();
        let s = &view["components"]["schemas"];
        let body = &s["CreateDestinationBody"]["properties"];
        assert_eq!(
            body["config"],
            json!({"allOf": [{"$ref": "#/components/schemas/SecretMap"}], "description": "d"})
        );
        assert_eq!(
            body["plain"],
            json!({"type": "object", "additionalProperties": {}})
        );
        assert_eq!(
            body["nested"]["properties"]["headers"],
            json!({"$ref": "#/components/schemas/SecretMap"})
        );
        assert_eq!(
            s["SecretMap"],
            json!({"type": "object", "additionalProperties": {}})
        );
        assert_eq!(
            replacements,
            [("SecretMap".to_owned(), "crate::SecretMap".to_owned())]
        );
    }
}
