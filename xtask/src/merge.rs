//! Merging normalized per-operation documents into one: identical components are shared, and anything defined
//! twice in different ways is an error that names both files and the JSON pointer where they differ.

use crate::components::KINDS;
use crate::error::{Result, SpecError};
use crate::import::METHODS;
use crate::json_pointer::{component, first_difference, push};
use crate::normalize::{API_TITLE, API_VERSION, OPENAPI_VERSION};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Merges `(file, normalized document)` pairs. The result is independent of the order of `docs`: paths and
/// component names come out sorted.
pub fn merge(docs: &[(PathBuf, Value)]) -> Result<Value> {
    // path -> field -> (value, file)
    let mut paths: BTreeMap<String, BTreeMap<String, (Value, PathBuf)>> = BTreeMap::new();
    let mut operation_ids: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    // kind -> name -> (value, file)
    let mut components: BTreeMap<String, BTreeMap<String, (Value, PathBuf)>> = BTreeMap::new();

    let mut sorted: Vec<&(PathBuf, Value)> = docs.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));

    for (file, doc) in sorted {
        for (path, item) in doc
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let item_ptr = push("/paths", path);
            let fields = paths.entry(path.clone()).or_default();
            for (key, value) in item.as_object().into_iter().flatten() {
                let ptr = push(&item_ptr, key);
                if METHODS.contains(&key.as_str())
                    && let Some(id) = value.get("operationId").and_then(Value::as_str)
                    && let Some((other, other_ptr)) =
                        operation_ids.insert(id.to_string(), (file.clone(), ptr.clone()))
                {
                    return Err(SpecError::new(format!(
                        "operationId `{id}` is defined twice (at {other_ptr} and {ptr})"
                    ))
                    .in_file(other)
                    .and_file(file)
                    .at(&ptr));
                }
                match fields.get(key) {
                    None => {
                        fields.insert(key.clone(), (value.clone(), file.clone()));
                    }
                    Some((_, other)) if METHODS.contains(&key.as_str()) => {
                        return Err(SpecError::new(format!(
                            "{} {path} is defined twice",
                            key.to_uppercase()
                        ))
                        .in_file(other)
                        .and_file(file)
                        .at(ptr));
                    }
                    Some((existing, other)) => {
                        if let Some(diff) = first_difference(existing, value, &ptr) {
                            return Err(SpecError::new(format!(
                                "path-level `{key}` of {path} differs between the files"
                            ))
                            .in_file(other)
                            .and_file(file)
                            .at(diff));
                        }
                    }
                }
            }
        }
        for (kind, entries) in doc
            .get("components")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let merged = components.entry(kind.clone()).or_default();
            for (name, def) in entries.as_object().into_iter().flatten() {
                match merged.get(name) {
                    None => {
                        merged.insert(name.clone(), (def.clone(), file.clone()));
                    }
                    Some((existing, other)) => {
                        if let Some(diff) = first_difference(existing, def, &component(kind, name))
                        {
                            return Err(SpecError::new(format!(
                                "component `{name}` is defined differently"
                            ))
                            .in_file(other)
                            .and_file(file)
                            .at(diff));
                        }
                    }
                }
            }
        }
    }

    let mut out_paths = Map::new();
    for (path, fields) in paths {
        let mut item = Map::new();
        // Path-level fields (non-methods) first, by name, then methods in their canonical order.
        let mut keys: Vec<&String> = fields.keys().collect();
        keys.sort_by_key(|k| {
            (
                METHODS.iter().position(|m| m == k).map_or(0, |p| p + 1),
                k.as_str(),
            )
        });
        for k in keys {
            item.insert(k.clone(), fields[k].0.clone());
        }
        out_paths.insert(path, Value::Object(item));
    }
    let mut out_components = Map::new();
    let mut kinds: Vec<String> = components.keys().cloned().collect();
    kinds.sort_by_key(|k| {
        (
            KINDS.iter().position(|x| x == k).unwrap_or(KINDS.len()),
            k.clone(),
        )
    });
    for kind in kinds {
        let entries: Map<String, Value> = components[&kind]
            .iter()
            .map(|(n, (v, _))| (n.clone(), v.clone()))
            .collect();
        out_components.insert(kind, Value::Object(entries));
    }
    let mut out = Map::new();
    out.insert("openapi".into(), json!(OPENAPI_VERSION));
    out.insert(
        "info".into(),
        json!({ "title": API_TITLE, "version": API_VERSION }),
    );
    out.insert("paths".into(), Value::Object(out_paths));
    if !out_components.is_empty() {
        out.insert("components".into(), Value::Object(out_components));
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, method: &str, id: &str, schema: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": {path: {method: {"operationId": id, "responses": {}}}},
               "components": {"schemas": {"Shared": schema}}})
    }

    #[test]
    fn identical_components_are_shared_and_order_does_not_matter() {
        let a = (
            PathBuf::from("a.yaml"),
            doc("/a", "get", "getA", json!({"type": "string"})),
        );
        let b = (
            PathBuf::from("b.yaml"),
            doc("/b", "get", "getB", json!({"type": "string"})),
        );
        let m1 = merge(&[a.clone(), b.clone()]).unwrap();
        let m2 = merge(&[b, a]).unwrap();
        assert_eq!(m1, m2);
        assert_eq!(m1["components"]["schemas"].as_object().unwrap().len(), 1);
    }

    #[test]
    fn conflicting_component_names_both_files_and_pointer() {
        let a = (
            PathBuf::from("a.yaml"),
            doc("/a", "get", "getA", json!({"type": "string"})),
        );
        let b = (
            PathBuf::from("b.yaml"),
            doc("/b", "get", "getB", json!({"type": "integer"})),
        );
        let err = merge(&[a, b]).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("a.yaml") && text.contains("b.yaml"), "{text}");
        assert_eq!(
            err.pointer.as_deref(),
            Some("/components/schemas/Shared/type")
        );
    }

    #[test]
    fn duplicate_operation_id_and_method_path() {
        let a = (PathBuf::from("a.yaml"), doc("/a", "get", "same", json!({})));
        let b = (PathBuf::from("b.yaml"), doc("/b", "get", "same", json!({})));
        let err = merge(&[a, b]).unwrap_err().to_string();
        assert!(
            err.contains("a.yaml") && err.contains("b.yaml") && err.contains("same"),
            "{err}"
        );

        let a = (PathBuf::from("a.yaml"), doc("/a", "get", "one", json!({})));
        let b = (PathBuf::from("b.yaml"), doc("/a", "get", "two", json!({})));
        let err = merge(&[a, b]).unwrap_err().to_string();
        assert!(
            err.contains("GET /a is defined twice") && err.contains("a.yaml and b.yaml"),
            "{err}"
        );
    }
}
