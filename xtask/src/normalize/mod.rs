//! Turns one per-operation OpenAPI document, as OpenRouter publishes it (3.1 with its quirks), into the 3.0
//! form progenitor accepts. Each step is a small pure rewrite with its own tests.

mod boolean_like;
mod compat;
mod error_alternatives;
mod inline_name_clash;
mod names;
mod operations;
mod schema;

pub use compat::string_enums;
pub use inline_name_clash::reuse_components_for_clashing_inline_objects;
pub use names::{PUBLISHED_OPERATION_ID, component_ident, operation_ident};
pub use operations::ERROR_SCHEMA;

use crate::error::{Result, SpecError};
use crate::json_pointer::{component, parse_component_ref};
use crate::schema_walk::for_each_schema_mut;
use serde_json::{Value, json};

/// The OpenAPI version progenitor reads.
pub const OPENAPI_VERSION: &str = "3.0.3";

/// `info.version` of the merged document. progenitor sends it on every request as the `api-version` header;
/// OpenRouter ignores that header, so we pin it to the version of the public spec instead of letting it take the
/// per-page junk the docs pages carry (`endpoint_guardrails.bulkAssignKeysToGuardrail`).
pub const API_VERSION: &str = "1.0.0";

/// Title of the merged document (progenitor puts it in the client's docs).
pub const API_TITLE: &str = "OpenRouter management API";

/// Normalizes one document. The result has OpenAPI version [`OPENAPI_VERSION`], camelCase operationIds,
/// identifier component names, no client-level header parameters, one error schema, open string enums, and only
/// the components it uses.
pub fn normalize(mut doc: Value) -> Result<Value> {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0") || v.starts_with("3.1") => {}
        Some(v) => {
            return Err(SpecError::new(format!("unsupported OpenAPI version `{v}`")).at("/openapi"));
        }
        None => return Err(SpecError::new("document has no `openapi` version").at("/openapi")),
    }
    if !doc.get("paths").is_some_and(Value::is_object) {
        return Err(SpecError::new("document has no `paths` object").at("/paths"));
    }
    check_refs(&doc)?;

    operations::flatten_tags(&mut doc)?;
    names::camel_case_operation_ids(&mut doc)?;
    operations::drop_client_headers(&mut doc)?;

    let mut errors = Vec::new();
    for_each_schema_mut(&mut doc, &mut |s, ptr| {
        schema::to_openapi_30(s, ptr, &mut errors)
    });
    if let Some(first) = errors.into_iter().next() {
        return Err(first);
    }

    names::identifier_component_names(&mut doc)?;
    error_alternatives::keep_envelope_alternative(&mut doc)?;
    operations::unify_errors(&mut doc)?;
    compat::allow_unknown_fields(&mut doc);
    boolean_like::boolean_like_parameters(&mut doc);
    compat::hoist_inline_enums(&mut doc)?;
    compat::nullable_at_reference_sites(&mut doc);
    crate::components::prune(&mut doc)?;

    let root = doc.as_object_mut().expect("checked: paths exist");
    root.insert("openapi".into(), json!(OPENAPI_VERSION));
    root.insert(
        "info".into(),
        json!({ "title": API_TITLE, "version": API_VERSION }),
    );
    Ok(doc)
}

/// Every `$ref` must point at an existing local component; the error names the pointer of the `$ref`.
fn check_refs(doc: &Value) -> Result<()> {
    for (ptr, r) in crate::schema_walk::refs(doc, "") {
        let ok =
            parse_component_ref(&r).is_some_and(|(k, n)| doc.pointer(&component(&k, &n)).is_some());
        if !ok {
            return Err(SpecError::new(format!("dangling $ref `{r}`")).at(ptr));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_and_info_are_set_on_purpose_and_unused_components_go() {
        let doc = json!({
            "openapi": "3.1.1",
            "info": {"title": "Bulk assign", "version": "endpoint_guardrails.bulkAssignKeysToGuardrail"},
            "paths": {"/x": {"get": {"operationId": "get-x", "responses": {"200": {"description": "ok"}}}}},
            "components": {"schemas": {"Unused": {"type": "string"}}}
        });
        let out = normalize(doc).unwrap();
        assert_eq!(out["openapi"], OPENAPI_VERSION);
        assert_eq!(
            out["info"],
            json!({"title": API_TITLE, "version": API_VERSION})
        );
        assert!(out.get("components").is_none());
        assert_eq!(out.pointer("/paths/~1x/get/operationId").unwrap(), "getX");
    }

    #[test]
    fn rejects_other_openapi_versions() {
        let err = normalize(json!({"openapi": "2.0", "paths": {}})).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/openapi"));
    }
}
