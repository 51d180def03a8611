//! The file format as a JSON Schema (draft 2020-12) for editors (taplo, Even Better TOML), derived from the
//! generated resource table: one object schema per kind with its managed fields, references, assignment, pin and
//! `protect`, and no other property.

use serde_json::{Map, Value, json};

use crate::file::{NONE, VERSION};
use crate::table::{Compare, FieldSpec, kinds};

/// The schema.
pub fn json_schema() -> Value {
    let mut properties = Map::new();
    properties.insert("version".into(), json!({"const": VERSION}));
    properties.insert(
        "stack".into(),
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "owns": {"type": "array", "items": {"type": "string", "pattern": "^workspace:.+$"}},
                "secrets": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {"sink": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["dir"],
                        "properties": {"dir": {"type": "string"}}
                    }}
                }
            }
        }),
    );
    for kind in kinds() {
        let mut fields = Map::new();
        for field in kind.fields {
            if kind.reference_for_field(field.name).is_some() {
                continue;
            }
            fields.insert(field.name.into(), field_schema(field));
        }
        for r in kind.references {
            fields.insert(
                r.attribute.into(),
                json!({"type": "string", "description": format!("the {} (its name in this file, or its slug)", r.kind)}),
            );
        }
        if let Some(a) = &kind.assignment {
            fields.insert(
                a.attribute.into(),
                json!({"type": "string", "description": format!("the {} this object is assigned to (its name in this file), or \"{NONE}\"", a.kind)}),
            );
        }
        for spec in crate::attributes::ATTRIBUTES
            .iter()
            .filter(|a| a.kind == kind.name)
        {
            let schema = match spec.name {
                "budgets" => json!({
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "daily": {"type": "number", "exclusiveMinimum": 0},
                        "weekly": {"type": "number", "exclusiveMinimum": 0},
                        "monthly": {"type": "number", "exclusiveMinimum": 0},
                        "lifetime": {"type": "number", "exclusiveMinimum": 0}
                    },
                    "description": spec.about,
                }),
                "default_guardrail" => json!({"type": "object", "description": spec.about}),
                "status" => {
                    json!({"enum": ["draft", "active", "disabled"], "description": spec.about})
                }
                _ => {
                    json!({"type": "array", "items": {"type": "string"}, "description": spec.about})
                }
            };
            fields.insert(spec.name.into(), schema);
        }
        fields.insert(
            kind.id.into(),
            json!({"type": "string", "description": "the id pin (written by export)"}),
        );
        fields.insert(
            "protect".into(),
            json!({"type": "boolean", "description": "never deleted or replaced"}),
        );
        properties.insert(
            kind.table.into(),
            json!({
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": fields,
                }
            }),
        );
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "openrouter-mgmt desired state",
        "type": "object",
        "additionalProperties": false,
        "required": ["version", "stack"],
        "properties": properties,
    })
}

fn field_schema(field: &FieldSpec) -> Value {
    let base = match field.compare {
        Compare::Set | Compare::List => json!({"type": "array"}),
        Compare::Number => json!({"type": "number"}),
        Compare::Bool => json!({"type": "boolean"}),
        Compare::Text | Compare::Url => json!({"type": "string"}),
        Compare::Instant => json!({"type": "string", "format": "date-time"}),
        Compare::Json | Compare::Subset => json!({}),
    };
    let mut schema = if field.nullable {
        json!({"anyOf": [base, {"const": NONE}]})
    } else {
        base
    };
    let mut notes = Vec::new();
    if field.create_only() {
        notes.push("create-only: a change replaces the object");
    }
    if !field.create {
        notes.push("set by an update right after the create");
    }
    if !notes.is_empty()
        && let Some(o) = schema.as_object_mut()
    {
        o.insert("description".into(), Value::String(notes.join("; ")));
    }
    schema
}
