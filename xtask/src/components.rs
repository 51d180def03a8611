//! Which components a part of a document needs, transitively: used to make per-operation files self-contained
//! and to drop components that normalization left unused.

use crate::error::{Result, SpecError};
use crate::json_pointer::parse_component_ref;
use crate::schema_walk::refs;
use serde_json::{Map, Value};

/// The component kinds in the order they are written.
pub const KINDS: &[&str] = &[
    "schemas",
    "parameters",
    "headers",
    "requestBodies",
    "responses",
    "examples",
    "links",
    "callbacks",
    "securitySchemes",
];

/// `components/schemas` of a document, made if it is missing.
pub fn schemas_mut(doc: &mut Value) -> Result<&mut Map<String, Value>> {
    doc.as_object_mut()
        .ok_or_else(|| SpecError::new("the document is not an object"))?
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| SpecError::new("`components` is not an object"))?
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()))
        .as_object_mut()
        .ok_or_else(|| SpecError::new("`components/schemas` is not an object"))
}

/// The `(kind, name)` pairs of every component reachable from `roots` (each given with its JSON pointer),
/// following `$ref`s through `doc`'s components. A `$ref` to a missing component or outside the document is an
/// error naming the pointer of the `$ref`.
pub fn reachable(doc: &Value, roots: &[(&str, &Value)]) -> Result<Vec<(String, String)>> {
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut queue: Vec<(String, String)> = roots.iter().flat_map(|(p, r)| refs(r, p)).collect();
    queue.reverse();
    while let Some((at, reference)) = queue.pop() {
        let Some((kind, name)) = parse_component_ref(&reference) else {
            return Err(SpecError::new(format!(
                "unsupported $ref `{reference}`: only local `#/components/<kind>/<name>` references are allowed"
            ))
            .at(at));
        };
        if seen.iter().any(|(k, n)| *k == kind && *n == name) {
            continue;
        }
        let target_ptr = crate::json_pointer::component(&kind, &name);
        let target = doc.pointer(&target_ptr).ok_or_else(|| {
            SpecError::new(format!("dangling $ref `{reference}`: no such component")).at(&at)
        })?;
        let mut more = refs(target, &target_ptr);
        more.reverse();
        queue.extend(more);
        seen.push((kind, name));
    }
    Ok(seen)
}

/// A `components` object holding exactly `wanted` (taken from `doc`), kinds in [`KINDS`] order and names in
/// the order `doc` lists them.
pub fn subset(doc: &Value, wanted: &[(String, String)]) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(components) = doc.get("components").and_then(Value::as_object) else {
        return out;
    };
    let mut kinds: Vec<&String> = components.keys().collect();
    kinds.sort_by_key(|k| KINDS.iter().position(|x| x == k).unwrap_or(KINDS.len()));
    for kind in kinds {
        let Some(entries) = components[kind].as_object() else {
            continue;
        };
        let mut picked = Map::new();
        for (name, def) in entries {
            if wanted.iter().any(|(k, n)| k == kind && n == name) {
                picked.insert(name.clone(), def.clone());
            }
        }
        if !picked.is_empty() {
            out.insert(kind.clone(), Value::Object(picked));
        }
    }
    out
}

/// Removes every component not reachable from the document's paths (and security requirements).
pub fn prune(doc: &mut Value) -> Result<()> {
    let paths = doc.get("paths").cloned().unwrap_or(Value::Null);
    let mut wanted = reachable(doc, &[("/paths", &paths)])?;
    for name in security_scheme_names(doc) {
        wanted.push(("securitySchemes".into(), name));
    }
    let kept = subset(doc, &wanted);
    if let Some(root) = doc.as_object_mut() {
        if kept.is_empty() {
            root.shift_remove("components");
        } else {
            root.insert("components".into(), Value::Object(kept));
        }
    }
    Ok(())
}

/// Names of the security schemes used by top-level or operation-level `security` requirements.
pub fn security_scheme_names(doc: &Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut add = |security: Option<&Value>| {
        for req in security.and_then(Value::as_array).into_iter().flatten() {
            for name in req.as_object().into_iter().flat_map(|m| m.keys()) {
                if !names.contains(name) {
                    names.push(name.clone());
                }
            }
        }
    };
    add(doc.get("security"));
    for item in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            add(op.get("security"));
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_refs_transitively_and_reports_dangling() {
        let doc = json!({
            "components": {"schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "string"},
                "C": {"type": "string"}
            }}
        });
        let root = json!({"$ref": "#/components/schemas/A"});
        let got = reachable(&doc, &[("/x", &root)]).unwrap();
        assert_eq!(
            got,
            [
                ("schemas".into(), "A".into()),
                ("schemas".into(), "B".into())
            ]
        );
        let sub = subset(&doc, &got);
        assert_eq!(sub["schemas"].as_object().unwrap().len(), 2);

        let bad = json!({"$ref": "#/components/schemas/Missing"});
        let err = reachable(&doc, &[("/paths/~1a/get", &bad)]).unwrap_err();
        assert!(err.message.contains("dangling"), "{err}");
        assert_eq!(err.pointer.as_deref(), Some("/paths/~1a/get"));
    }
}
