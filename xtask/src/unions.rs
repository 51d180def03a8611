//! Discriminated unions: a `oneOf` with a `discriminator` is decoded by its discriminator, not by trying each
//! variant in turn, and a discriminator value this version does not know still decodes (kept as raw JSON).
//!
//! typify generates such a `oneOf` as a `#[serde(untagged)]` enum with one tuple variant per member, and serde
//! takes the first variant that decodes. Every member's discriminator property is an open enum (it accepts any
//! string, see `crate::normalize::string_enums`), so the discriminator decides nothing, and a member whose required
//! fields are a subset of another's wins: four of the seventeen examples of `ObservabilityDestination` decoded as
//! the wrong kind of destination. This step replaces the derived `Serialize`/`Deserialize` of such an enum:
//! decoding reads the discriminator property and decodes the member its `mapping` names (or the member whose
//! component name is the value, OpenAPI's implicit mapping); any other value, or none, gives the added
//! `Unknown(serde_json::Value)` variant. A known value whose body does not fit its member is an error, as for any
//! other type. Encoding writes the member (or the raw value) as is. `Debug` is written here too, so that an
//! unknown member, whose fields nobody has marked as secrets, prints only its discriminator.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::{Fields, Item, ItemEnum};

use crate::error::{Result, SpecError};
use crate::json_pointer::{component, parse_component_ref};

/// The name of the variant added for discriminator values the spec does not list.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// A discriminated union of the spec: its component name, the discriminator property, and (value, member
/// component) pairs in the spec's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Union {
    /// The component, e.g. `ObservabilityDestination`.
    pub name: String,
    /// The discriminator property, e.g. `type`.
    pub property: String,
    /// Discriminator value → member component.
    pub members: Vec<(String, String)>,
}

/// Every component of `merged` that is a `oneOf`/`anyOf` of references with a `discriminator`.
pub fn find(merged: &Value) -> Result<Vec<Union>> {
    let mut out = Vec::new();
    let Some(Value::Object(schemas)) = merged.pointer("/components/schemas") else {
        return Ok(out);
    };
    for (name, schema) in schemas {
        let Some(discriminator) = schema.get("discriminator") else {
            continue;
        };
        let at = || component("schemas", name);
        let property = discriminator
            .get("propertyName")
            .and_then(Value::as_str)
            .ok_or_else(|| SpecError::new("a discriminator without `propertyName`").at(at()))?;
        let refs: Vec<String> = ["oneOf", "anyOf"]
            .iter()
            .find_map(|k| schema.get(*k).and_then(Value::as_array))
            .ok_or_else(|| SpecError::new("a discriminator without `oneOf` or `anyOf`").at(at()))?
            .iter()
            .map(|m| {
                m.get("$ref")
                    .and_then(Value::as_str)
                    .and_then(parse_component_ref)
                    .map(|(_, n)| n)
                    .ok_or_else(|| {
                        SpecError::new("a discriminated union whose members are not all `$ref`s")
                            .at(at())
                    })
            })
            .collect::<Result<_>>()?;
        let mut by_component: BTreeMap<&str, String> = BTreeMap::new();
        for (value, target) in discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let member = target
                .as_str()
                .and_then(parse_component_ref)
                .map(|(_, n)| n)
                .filter(|n| refs.contains(n))
                .ok_or_else(|| {
                    SpecError::new(format!(
                        "the discriminator maps `{value}` to {target}, which is not a member of the union"
                    ))
                    .at(at())
                })?;
            let member = refs.iter().find(|r| **r == member).expect("checked");
            by_component.entry(member).or_insert_with(|| value.clone());
        }
        let members = refs
            .iter()
            .map(|r| {
                let value = by_component.get(r.as_str()).cloned().unwrap_or(r.clone());
                (value, r.clone())
            })
            .collect();
        out.push(Union {
            name: name.clone(),
            property: property.to_owned(),
            members,
        });
    }
    Ok(out)
}

/// Replaces typify's untagged enum of every discriminated union in `items` by one decoded by its discriminator.
pub fn rewrite(merged: &Value, items: &mut Vec<Item>) -> Result<()> {
    for union in find(merged)? {
        let position = items
            .iter()
            .position(|i| matches!(i, Item::Enum(e) if e.ident == union.name))
            .ok_or_else(|| {
                SpecError::new(format!(
                    "typify generated no enum for the discriminated union `{}`",
                    union.name
                ))
                .at(component("schemas", &union.name))
            })?;
        let Item::Enum(generated) = &items[position] else {
            unreachable!("found as an enum")
        };
        let (replacement, impls) = discriminated(generated, &union)?;
        items[position] = Item::Enum(replacement);
        items.splice(position + 1..position + 1, impls);
    }
    Ok(())
}

/// The enum with its derives narrowed to `Clone, PartialEq`, the `Unknown` variant added, and its
/// `Deserialize`, `Serialize` and `Debug` impls.
fn discriminated(generated: &ItemEnum, union: &Union) -> Result<(ItemEnum, Vec<Item>)> {
    let fail = |m: String| SpecError::new(m).at(component("schemas", &union.name));
    // Member component → variant, from typify's `Variant(MemberType)` tuple variants.
    let mut variants: BTreeMap<String, syn::Ident> = BTreeMap::new();
    for v in &generated.variants {
        if v.ident == UNKNOWN_VARIANT {
            return Err(fail(format!(
                "the union already has a variant `{UNKNOWN_VARIANT}`"
            )));
        }
        let Fields::Unnamed(fields) = &v.fields else {
            return Err(fail(format!(
                "variant `{}` is not a tuple variant",
                v.ident
            )));
        };
        let member = fields
            .unnamed
            .first()
            .filter(|_| fields.unnamed.len() == 1)
            .and_then(|f| crate::rust_types::last_ident(&f.ty))
            .ok_or_else(|| fail(format!("variant `{}` does not hold one type", v.ident)))?;
        variants.insert(member, v.ident.clone());
    }
    let mut arms = Vec::new();
    for (value, member) in &union.members {
        let variant = variants
            .get(member)
            .ok_or_else(|| fail(format!("typify made no variant for member `{member}`")))?;
        arms.push(quote! {
            ::std::option::Option::Some(#value) => ::serde_json::from_value(value)
                .map(Self::#variant)
                .map_err(::serde::de::Error::custom),
        });
    }
    let all: Vec<&syn::Ident> = generated.variants.iter().map(|v| &v.ident).collect();

    let mut replacement = generated.clone();
    replacement
        .attrs
        .retain(|a| !a.path().is_ident("derive") && !a.path().is_ident("serde"));
    replacement
        .attrs
        .push(syn::parse_quote!(#[derive(Clone, PartialEq)]));
    let property = &union.property;
    let unknown_doc = format!(
        "A `{property}` this version of the SDK does not know (or none): the object as the server sent it."
    );
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    replacement.variants.push(syn::parse_quote! {
        #[doc = #unknown_doc]
        #unknown(::serde_json::Value)
    });
    let ident = &generated.ident;
    let name = ident.to_string();
    let impls: TokenStream = quote! {
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                let tag = value
                    .get(#property)
                    .and_then(::serde_json::Value::as_str)
                    .map(::std::borrow::ToOwned::to_owned);
                match tag.as_deref() {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::#unknown(value)),
                }
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                match self {
                    #( Self::#all(member) => ::serde::Serialize::serialize(member, serializer), )*
                    Self::#unknown(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #( Self::#all(member) => ::std::fmt::Debug::fmt(member, f), )*
                    Self::#unknown(value) => f
                        .debug_struct(#name)
                        .field(#property, &value.get(#property))
                        .finish_non_exhaustive(),
                }
            }
        }
    };
    let impls: syn::File =
        syn::parse2(impls).map_err(|e| fail(format!("the generated impls do not parse: {e}")))?;
    Ok((replacement, impls.items))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({"components": {"schemas": {
            "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}},
            "Cat": {"type": "object"}, "Dog": {"type": "object"}}}})
    }

    #[test]
    fn the_mapping_names_members_and_the_rest_go_by_component_name() {
        assert_eq!(
            find(&spec()).unwrap(),
            [Union {
                name: "Pet".into(),
                property: "kind".into(),
                members: vec![("cat".into(), "Cat".into()), ("Dog".into(), "Dog".into())],
            }]
        );
    }

    #[test]
    fn a_mapping_to_a_stranger_is_an_error() {
        let mut s = spec();
        s["components"]["schemas"]["Pet"]["discriminator"]["mapping"]["fish"] =
            json!("#/components/schemas/Fish");
        let err = find(&s).unwrap_err();
        assert!(err.message.contains("`fish`"), "{err}");
    }

    #[test]
    fn the_untagged_enum_becomes_a_dispatch_on_the_discriminator_with_an_unknown_variant() {
        let mut items = crate::rust_types::parse_types(quote! {
            #[doc = "A pet."]
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
            #[serde(untagged)]
            pub enum Pet {
                Cat(Cat),
                Dog(Dog),
            }
            impl ::std::convert::From<Cat> for Pet {
                fn from(value: Cat) -> Self { Self::Cat(value) }
            }
        })
        .unwrap();
        rewrite(&spec(), &mut items).unwrap();
        let text = quote!(#(#items)*).to_string();
        let Item::Enum(pet) = &items[0] else {
            panic!("{text}")
        };
        let variants: Vec<String> = pet.variants.iter().map(|v| v.ident.to_string()).collect();
        assert_eq!(variants, ["Cat", "Dog", "Unknown"]);
        assert!(!text.contains("untagged"), "{text}");
        assert!(!text.contains(":: serde :: Deserialize ,"), "{text}");
        for expected in [
            "impl < 'de > :: serde :: Deserialize < 'de > for Pet",
            "Some (\"cat\") => :: serde_json :: from_value (value) . map (Self :: Cat)",
            "Some (\"Dog\") => :: serde_json :: from_value (value) . map (Self :: Dog)",
            "_ => :: std :: result :: Result :: Ok (Self :: Unknown (value))",
            "impl :: serde :: Serialize for Pet",
            "impl :: std :: fmt :: Debug for Pet",
            "impl :: std :: convert :: From < Cat > for Pet",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in {text}");
        }
    }

    #[test]
    fn a_union_typify_did_not_generate_is_an_error() {
        let mut items = Vec::new();
        let err = rewrite(&spec(), &mut items).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/components/schemas/Pet"));
    }
}
