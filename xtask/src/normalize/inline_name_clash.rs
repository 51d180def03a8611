//! An inline object whose generated name would be the name of a component is replaced by a reference to that
//! component when both describe the same object, so typify does not define the type twice.
//!
//! typify names an inline object after where it sits: property `data_policy` of `PrivateProvider` becomes
//! `PrivateProviderDataPolicy`. The spec also has a component called `PrivateProviderDataPolicy` (the same
//! object, used by `CreatePrivateProviderRequest`), and typify emits two structs of that name, which does not
//! compile. When the two have the same shape (annotations such as descriptions and examples aside) the inline copy
//! becomes `allOf: [$ref]` (keeping `nullable` and the description of the property); when they differ, no name
//! would be right, so regen stops and names both.
//!
//! It runs on the merged document, when the type view is built (`crate::type_view`): each per-operation document
//! holds only the components it uses, so `GET /private-providers/{slug}` alone never sees the component, and
//! rewriting there would make the per-operation copies of `PrivateProvider` differ and fail the merge.

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use super::operations::shape;
use crate::error::{Result, SpecError};
use crate::json_pointer::{component, push};

/// Replaces inline objects that typify would name like an existing component by references to it.
pub fn reuse_components_for_clashing_inline_objects(doc: &mut Value) -> Result<()> {
    let snapshot = doc.clone();
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return Ok(());
    };
    let names: Vec<String> = schemas.keys().cloned().collect();
    for name in &names {
        let schema = schemas.get_mut(name).expect("listed above");
        let ptr = component("schemas", name);
        rewrite_properties(schema, name, &ptr, &names, &snapshot)?;
    }
    Ok(())
}

fn rewrite_properties(
    schema: &mut Value,
    name: &str,
    ptr: &str,
    components: &[String],
    doc: &Value,
) -> Result<()> {
    let Some(Value::Object(properties)) = schema.get_mut("properties") else {
        return Ok(());
    };
    for (property, child) in properties.iter_mut() {
        if child.get("$ref").is_some() || child.get("properties").is_none() {
            continue;
        }
        let child_ptr = push(&push(ptr, "properties"), property);
        let generated = format!("{name}{}", property.to_upper_camel_case());
        if components.contains(&generated) {
            let target = doc
                .pointer(&component("schemas", &generated))
                .expect("a listed component");
            let mut inline = child.clone();
            let wrapper = wrapper_for(&mut inline, &generated);
            if shape(&inline, doc, 0)? != shape(target, doc, 0)? {
                return Err(SpecError::new(format!(
                    "the inline object here would be generated as `{generated}`, the name of a different component; \
                     the generator cannot name both"
                ))
                .at(child_ptr));
            }
            *child = wrapper;
        } else {
            rewrite_properties(child, &generated, &child_ptr, components, doc)?;
        }
    }
    Ok(())
}

/// Takes `nullable` and `description` off `inline` (so it can be compared with the component) and returns the
/// reference that replaces it, carrying them.
fn wrapper_for(inline: &mut Value, target: &str) -> Value {
    let mut wrapper = Map::new();
    wrapper.insert(
        "allOf".into(),
        json!([{ "$ref": format!("#{}", component("schemas", target)) }]),
    );
    if let Some(obj) = inline.as_object_mut() {
        for key in ["nullable", "description"] {
            if let Some(v) = obj.shift_remove(key) {
                wrapper.insert(key.into(), v);
            }
        }
    }
    Value::Object(wrapper)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(description: &str) -> Value {
        json!({"type": "object", "description": description, "required": ["training"],
               "properties": {"training": {"type": "boolean"}}})
    }

    #[test]
    fn an_inline_twin_of_a_component_becomes_a_reference() {
        let mut inline = policy("yours, or null");
        inline["nullable"] = json!(true);
        let mut doc = json!({"components": {"schemas": {
            "Provider": {"type": "object", "properties": {"data_policy": inline, "name": {"type": "string"}}},
            "ProviderDataPolicy": policy("the component")}}});
        reuse_components_for_clashing_inline_objects(&mut doc).unwrap();
        assert_eq!(
            doc.pointer("/components/schemas/Provider/properties/data_policy")
                .unwrap(),
            &json!({"allOf": [{"$ref": "#/components/schemas/ProviderDataPolicy"}],
                    "nullable": true, "description": "yours, or null"})
        );
        assert_eq!(
            doc.pointer("/components/schemas/Provider/properties/name")
                .unwrap(),
            &json!({"type": "string"})
        );
    }

    #[test]
    fn a_different_object_under_a_taken_name_is_an_error() {
        let mut other = policy("x");
        other["properties"]["extra"] = json!({"type": "string"});
        let mut doc = json!({"components": {"schemas": {
            "Provider": {"type": "object", "properties": {"data_policy": other}},
            "ProviderDataPolicy": policy("the component")}}});
        let err = reuse_components_for_clashing_inline_objects(&mut doc).unwrap_err();
        assert_eq!(
            err.pointer.as_deref(),
            Some("/components/schemas/Provider/properties/data_policy")
        );
    }

    #[test]
    fn nested_inline_objects_are_named_by_their_whole_path() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"b": {"type": "object", "properties": {"c": policy("inner")}}}},
            "ABC": policy("the component")}}});
        reuse_components_for_clashing_inline_objects(&mut doc).unwrap();
        assert_eq!(
            doc.pointer("/components/schemas/A/properties/b/properties/c/allOf/0/$ref")
                .unwrap(),
            "#/components/schemas/ABC"
        );
    }
}
