//! Error responses whose body is a choice (`anyOf`/`oneOf`) between OpenRouter's error envelope and a richer body
//! are reduced to the envelope, so that every operation still has one error type.
//!
//! `POST /private-endpoints` answers 404, 409, 422, 500 and 502 with `anyOf: [CreatePrivateEndpointValidationFailedResponse,
//! <the envelope>]`: when `activate` was passed and the draft was created, the error also carries the draft under
//! `data`. progenitor (0.15) needs one error type per operation, and the facade reads every error body as the
//! envelope (`error.code`, `error.message`, `error.metadata`, `user_id`), so the alternative that has the shape of
//! the operation's other error bodies is kept and the rest are dropped from the generated types. The richer body
//! still arrives on the wire; only its extra fields (`data`) go untyped.

use serde_json::Value;

use super::operations::{is_error_status, shape};
use crate::error::{Result, SpecError};
use crate::import::METHODS;
use crate::json_pointer::{component, parse_component_ref, push};

/// Replaces each error body that is an `anyOf`/`oneOf` by its alternative that has the same shape as the
/// operation's plain (not a choice) error bodies. A choice with no such alternative is left for
/// `unify_errors` to report.
pub(super) fn keep_envelope_alternative(doc: &mut Value) -> Result<()> {
    let snapshot = doc.clone();
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return Ok(());
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            let Some(Value::Object(responses)) =
                item.get_mut(*method).and_then(|op| op.get_mut("responses"))
            else {
                continue;
            };
            let op_ptr = push(&push("/paths", path), method);
            let envelope = plain_error_shape(responses, &snapshot, &op_ptr)?;
            let Some(envelope) = envelope else { continue };
            for (code, response) in responses.iter_mut() {
                if !is_error_status(code) {
                    continue;
                }
                let Some(Value::Object(content)) = response.get_mut("content") else {
                    continue;
                };
                for media in content.values_mut() {
                    let Some(schema) = media.get_mut("schema") else {
                        continue;
                    };
                    let Some(alternatives) = choice(schema) else {
                        continue;
                    };
                    let mut kept = None;
                    for alternative in alternatives {
                        if shape(alternative, &snapshot, 0)? == envelope {
                            kept = Some(alternative.clone());
                            break;
                        }
                    }
                    if let Some(kept) = kept {
                        *schema = kept;
                    }
                }
            }
        }
    }
    Ok(())
}

/// The alternatives of an `anyOf`/`oneOf` schema with more than one member.
fn choice(schema: &Value) -> Option<&Vec<Value>> {
    ["anyOf", "oneOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_array))
        .filter(|members| members.len() > 1)
}

/// The shape of the first error body of an operation that is not a choice (following a `$ref` to
/// `components/responses`), or `None` when every error body is a choice or there is none.
fn plain_error_shape(
    responses: &serde_json::Map<String, Value>,
    doc: &Value,
    op_ptr: &str,
) -> Result<Option<Value>> {
    for (code, response) in responses {
        if !is_error_status(code) {
            continue;
        }
        let response = match response.get("$ref").and_then(Value::as_str) {
            Some(r) => parse_component_ref(r)
                .and_then(|(k, n)| doc.pointer(&component(&k, &n)))
                .ok_or_else(|| {
                    SpecError::new(format!("dangling $ref `{r}`"))
                        .at(push(&push(op_ptr, "responses"), code))
                })?,
            None => response,
        };
        let schemas = response
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter_map(|(_, media)| media.get("schema"));
        for schema in schemas {
            if choice(schema).is_none() {
                return shape(schema, doc, 0).map(Some);
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn envelope() -> Value {
        json!({"type": "object", "required": ["error"], "properties": {
            "error": {"type": "object", "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}}})
    }

    fn doc_with_404(schema_404: Value) -> Value {
        json!({
            "paths": {"/x": {"post": {"operationId": "createX", "responses": {
                "201": {"description": "ok"},
                "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BadRequest"}}}},
                "404": {"description": "nf", "content": {"application/json": {"schema": schema_404}}}}}}},
            "components": {"schemas": {
                "BadRequest": envelope(),
                "NotFound": {"description": "other words, same shape", "type": "object", "required": ["error"], "properties": {
                    "error": {"type": "object", "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}}},
                "Richer": {"type": "object", "required": ["error", "data"], "properties": {
                    "error": {"type": "object"}, "data": {"type": "object"}}}}}
        })
    }

    #[test]
    fn a_choice_between_a_richer_body_and_the_envelope_becomes_the_envelope() {
        let mut doc = doc_with_404(json!({"anyOf": [
            {"$ref": "#/components/schemas/Richer"}, {"$ref": "#/components/schemas/NotFound"}]}));
        keep_envelope_alternative(&mut doc).unwrap();
        assert_eq!(
            doc.pointer("/paths/~1x/post/responses/404/content/application~1json/schema")
                .unwrap(),
            &json!({"$ref": "#/components/schemas/NotFound"})
        );
        // The unified error type can now be made: the operation has one error shape.
        super::super::operations::unify_errors(&mut doc).unwrap();
    }

    #[test]
    fn a_choice_without_the_envelope_is_left_for_the_error_check() {
        let original = json!({"oneOf": [
            {"$ref": "#/components/schemas/Richer"}, {"type": "string"}]});
        let mut doc = doc_with_404(original.clone());
        keep_envelope_alternative(&mut doc).unwrap();
        assert_eq!(
            doc.pointer("/paths/~1x/post/responses/404/content/application~1json/schema")
                .unwrap(),
            &original
        );
        assert!(super::super::operations::unify_errors(&mut doc).is_err());
    }
}
