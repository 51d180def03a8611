//! Operation-level rewrites: nested tag lists flattened, headers the client sets itself dropped, and all error
//! responses of an operation given one error type.

use crate::error::{Result, SpecError};
use crate::import::METHODS;
use crate::json_pointer::{component, first_difference, parse_component_ref, push};
use serde_json::{Map, Value, json};

/// Header parameters that are the client's job, not each call's: the bearer token, and OpenRouter's attribution
/// headers (configured once on the facade's client builder). Compared case-insensitively.
const CLIENT_HEADERS: &[&str] = &[
    "authorization",
    "http-referer",
    "x-openrouter-title",
    "x-openrouter-categories",
];

/// Name of the one error schema every operation's error responses share.
pub const ERROR_SCHEMA: &str = "ErrorResponse";

/// Keywords that describe a schema without changing what it accepts; ignored when comparing error bodies.
const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// A visitor of operations: `(pointer of the operation, the operation)`.
type OperationVisitor<'a> = dyn FnMut(&str, &mut Map<String, Value>) -> Result<()> + 'a;

/// Calls `f(pointer, operation)` for every operation.
fn for_each_operation(doc: &mut Value, f: &mut OperationVisitor<'_>) -> Result<()> {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            if let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) {
                f(&push(&push("/paths", path), method), op)?;
            }
        }
    }
    Ok(())
}

/// `tags: [[a], b]` → `tags: [a, b]`.
pub(super) fn flatten_tags(doc: &mut Value) -> Result<()> {
    fn flatten(v: &Value, out: &mut Vec<Value>) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| flatten(i, out)),
            Value::String(_) if !out.contains(v) => out.push(v.clone()),
            _ => {}
        }
    }
    for_each_operation(doc, &mut |_, op| {
        if let Some(tags) = op.get("tags") {
            let mut flat = Vec::new();
            flatten(tags, &mut flat);
            op.insert("tags".into(), Value::Array(flat));
        }
        Ok(())
    })
}

/// Removes `Authorization` and the attribution header parameters from operations and path items.
pub(super) fn drop_client_headers(doc: &mut Value) -> Result<()> {
    let components = doc.get("components").cloned().unwrap_or(Value::Null);
    let is_client_header = |p: &Value| -> bool {
        let resolved = match p
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(parse_component_ref)
        {
            Some((kind, name)) => components
                .pointer(&component(&kind, &name).replacen("/components", "", 1))
                .unwrap_or(p),
            None => p,
        };
        resolved.get("in").and_then(Value::as_str) == Some("header")
            && resolved
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| CLIENT_HEADERS.contains(&n.to_ascii_lowercase().as_str()))
    };
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return Ok(());
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (key, value) in item.iter_mut() {
            let params = if key == "parameters" {
                value.as_array_mut()
            } else if METHODS.contains(&key.as_str()) {
                value.get_mut("parameters").and_then(Value::as_array_mut)
            } else {
                None
            };
            if let Some(params) = params {
                params.retain(|p| !is_client_header(p));
            }
        }
        item.retain(|k, v| k != "parameters" || v.as_array().is_some_and(|a| !a.is_empty()));
        for method in METHODS {
            if let Some(op) = item.get_mut(*method).and_then(Value::as_object_mut) {
                op.retain(|k, v| k != "parameters" || v.as_array().is_some_and(|a| !a.is_empty()));
            }
        }
    }
    Ok(())
}

pub(super) fn is_error_status(code: &str) -> bool {
    code == "default" || code.starts_with('4') || code.starts_with('5')
}

/// Resolves `$ref`s recursively and strips annotations, giving the shape two error bodies are compared by.
/// `depth` guards against recursive schemas.
pub(super) fn shape(value: &Value, doc: &Value, depth: usize) -> Result<Value> {
    if depth > 32 {
        return Err(SpecError::new("error schema is recursive"));
    }
    Ok(match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                let target = parse_component_ref(r)
                    .and_then(|(k, n)| doc.pointer(&component(&k, &n)))
                    .ok_or_else(|| SpecError::new(format!("dangling $ref `{r}`")))?;
                return shape(target, doc, depth + 1);
            }
            let mut out = Map::new();
            for (k, v) in map {
                if ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-") {
                    continue;
                }
                // Inside `properties` the keys are names, not keywords: keep them all.
                let child = if k == "properties" {
                    let mut props = Map::new();
                    for (name, s) in v.as_object().into_iter().flatten() {
                        props.insert(name.clone(), shape(s, doc, depth + 1)?);
                    }
                    Value::Object(props)
                } else {
                    shape(v, doc, depth + 1)?
                };
                out.insert(k.clone(), child);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| shape(i, doc, depth + 1))
                .collect::<Result<_>>()?,
        ),
        other => other.clone(),
    })
}

/// Gives every error response (4xx, 5xx, `default`) of each operation the same body schema, `ErrorResponse`,
/// because progenitor 0.15 panics when an operation has more than one error type. The bodies must have the same
/// shape (annotations aside): OpenRouter sends one envelope, `{error: {code, message, metadata}, user_id}`,
/// under many names. Responses without a body get it too when any sibling declares one (the server always sends
/// the envelope). An operation whose error responses declare no body at all is left alone.
pub(super) fn unify_errors(doc: &mut Value) -> Result<()> {
    let snapshot = doc.clone();
    let mut unified: Option<(Value, String)> = None;
    for_each_operation(doc, &mut |op_ptr, op| {
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            return Ok(());
        };
        let mut first: Option<(Value, String)> = None;
        for (code, response) in responses.iter_mut() {
            if !is_error_status(code) {
                continue;
            }
            let rptr = push(&push(op_ptr, "responses"), code);
            // Inline a `$ref` to components/responses so the rewrite below only touches this operation.
            if let Some(r) = response.get("$ref").and_then(Value::as_str) {
                let target = parse_component_ref(r)
                    .and_then(|(k, n)| snapshot.pointer(&component(&k, &n)))
                    .ok_or_else(|| SpecError::new(format!("dangling $ref `{r}`")).at(&rptr))?;
                *response = target.clone();
            }
            let Some(Value::Object(content)) = response.get("content") else {
                continue;
            };
            for (media, mt) in content {
                let Some(schema) = mt.get("schema") else {
                    continue;
                };
                let sptr = push(&push(&push(&rptr, "content"), media), "schema");
                let this = shape(schema, &snapshot, 0).map_err(|e| e.at(&sptr))?;
                match &first {
                    None => first = Some((this, sptr)),
                    Some((shape0, ptr0)) => {
                        if let Some(diff) = first_difference(shape0, &this, "") {
                            return Err(SpecError::new(format!(
                                "error responses have different body schemas ({ptr0} and {sptr} differ at {}); \
                                 progenitor needs one error type per operation",
                                if diff.is_empty() { "/" } else { &diff }
                            ))
                            .at(sptr));
                        }
                    }
                }
            }
        }
        let Some((error_shape, sptr)) = first else {
            return Ok(());
        };
        match &unified {
            None => unified = Some((error_shape, sptr)),
            Some((shape0, ptr0)) => {
                if let Some(diff) = first_difference(shape0, &error_shape, "") {
                    return Err(SpecError::new(format!(
                        "operations declare different error bodies ({ptr0} and {sptr} differ at {diff}); \
                         they cannot share one `{ERROR_SCHEMA}` type"
                    ))
                    .at(sptr));
                }
            }
        }
        for (code, response) in responses.iter_mut() {
            if is_error_status(code)
                && let Some(r) = response.as_object_mut()
            {
                r.insert(
                    "content".into(),
                    json!({"application/json": {"schema": {"$ref": format!("#/components/schemas/{ERROR_SCHEMA}")}}}),
                );
            }
        }
        Ok(())
    })?;
    if let Some((error_shape, ptr)) = unified {
        let root = doc.as_object_mut().expect("a document is an object");
        let schemas = root
            .entry("components")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .ok_or_else(|| SpecError::new("`components` is not an object").at("/components"))?
            .entry("schemas")
            .or_insert_with(|| json!({}));
        let schemas = schemas
            .as_object_mut()
            .ok_or_else(|| SpecError::new("`components/schemas` is not an object"))?;
        if let Some(existing) = schemas.get(ERROR_SCHEMA)
            && shape(existing, &snapshot, 0)? != error_shape
        {
            return Err(SpecError::new(format!(
                "the spec defines its own `{ERROR_SCHEMA}`, which differs from the error body at {ptr}"
            ))
            .at(component("schemas", ERROR_SCHEMA)));
        }
        schemas.insert(ERROR_SCHEMA.into(), error_shape);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op_doc(responses: Value, schemas: Value) -> Value {
        json!({"paths": {"/x": {"get": {"operationId": "getX", "responses": responses}}},
               "components": {"schemas": schemas}})
    }

    fn envelope(desc: &str) -> Value {
        json!({"type": "object", "description": desc, "required": ["error"], "properties": {
            "error": {"type": "object", "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}},
            "user_id": {"type": "string", "nullable": true}}})
    }

    fn body(name: &str) -> Value {
        json!({"description": name, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{name}")}}}})
    }

    #[test]
    fn error_bodies_with_one_shape_are_unified() {
        let mut doc = op_doc(
            json!({"200": {"description": "ok"}, "401": body("Unauthorized"), "500": body("Internal"), "404": {"description": "nf", "content": {}}}),
            json!({"Unauthorized": envelope("a"), "Internal": envelope("b")}),
        );
        unify_errors(&mut doc).unwrap();
        for code in ["401", "404", "500"] {
            assert_eq!(
                doc.pointer(&format!(
                    "/paths/~1x/get/responses/{code}/content/application~1json/schema/$ref"
                ))
                .unwrap(),
                "#/components/schemas/ErrorResponse"
            );
        }
        assert!(
            doc.pointer("/components/schemas/ErrorResponse/properties/error/properties/code")
                .is_some()
        );
        assert!(
            doc.pointer("/components/schemas/ErrorResponse/description")
                .is_none()
        );
    }

    #[test]
    fn different_error_shapes_are_an_error() {
        let mut other = envelope("c");
        other["properties"]["extra"] = json!({"type": "string"});
        let mut doc = op_doc(
            json!({"401": body("Unauthorized"), "500": body("Internal")}),
            json!({"Unauthorized": envelope("a"), "Internal": other}),
        );
        let err = unify_errors(&mut doc).unwrap_err();
        assert!(err.message.contains("/properties/extra"), "{err}");
    }

    #[test]
    fn drops_client_headers_including_referenced_ones() {
        let mut doc = json!({
            "paths": {"/x": {
                "parameters": [{"$ref": "#/components/parameters/AppIdentifier"}],
                "get": {"operationId": "getX", "parameters": [
                    {"name": "Authorization", "in": "header", "schema": {"type": "string"}},
                    {"name": "offset", "in": "query", "schema": {"type": "integer"}}]}}},
            "components": {"parameters": {"AppIdentifier": {"name": "HTTP-Referer", "in": "header"}}}
        });
        drop_client_headers(&mut doc).unwrap();
        assert!(doc.pointer("/paths/~1x/parameters").is_none());
        assert_eq!(
            doc.pointer("/paths/~1x/get/parameters")
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn nested_tags_are_flattened() {
        let mut doc = json!({"paths": {"/x": {"get": {"tags": [["subpackage_guardrails"]]}}}});
        flatten_tags(&mut doc).unwrap();
        assert_eq!(
            doc.pointer("/paths/~1x/get/tags").unwrap(),
            &json!(["subpackage_guardrails"])
        );
    }
}
