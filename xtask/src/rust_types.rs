//! Reading (and in one place rewriting) the types typify generated: which fields each struct has, under which
//! JSON names and Rust types, so the operation layer, validation and builders are written against the real
//! types; and the rewrite of an update body's optional nullable fields from `Option<T>` to `Patch<T>`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use syn::{Attribute, Fields, GenericArgument, Item, LitStr, PathArguments, Type};

use crate::error::{Result, SpecError};

/// One field of a generated struct.
#[derive(Clone)]
pub struct FieldInfo {
    /// The Rust name.
    pub ident: syn::Ident,
    /// The JSON name.
    pub json: String,
    /// The Rust type.
    pub ty: Type,
    /// The path of its `#[serde(default = "...")]` function, if any.
    pub default_fn: Option<String>,
    /// It has `#[serde(default)]` without a function.
    pub default_plain: bool,
}

/// The structs of the `types` module, by name.
pub type Structs = BTreeMap<String, Vec<FieldInfo>>;

/// The items of the generated `types` module.
pub fn parse_types(tokens: proc_macro2::TokenStream) -> Result<Vec<Item>> {
    let file: syn::File = syn::parse2(tokens)
        .map_err(|e| SpecError::new(format!("typify's output does not parse: {e}")))?;
    Ok(file.items)
}

/// Every struct with named fields.
pub fn structs(items: &[Item]) -> Structs {
    let mut out = BTreeMap::new();
    for item in items {
        if let Item::Struct(s) = item
            && let Fields::Named(named) = &s.fields
        {
            let fields = named
                .named
                .iter()
                .filter_map(|f| {
                    let ident = f.ident.clone()?;
                    let serde = serde_args(&f.attrs);
                    Some(FieldInfo {
                        json: serde.rename.unwrap_or_else(|| ident.to_string()),
                        ident,
                        ty: f.ty.clone(),
                        default_fn: serde.default_fn,
                        default_plain: serde.default_plain,
                    })
                })
                .collect();
            out.insert(s.ident.to_string(), fields);
        }
    }
    out
}

#[derive(Default)]
struct SerdeArgs {
    rename: Option<String>,
    default_fn: Option<String>,
    default_plain: bool,
}

fn serde_args(attrs: &[Attribute]) -> SerdeArgs {
    let mut out = SerdeArgs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                out.rename = Some(meta.value()?.parse::<LitStr>()?.value());
            } else if meta.path.is_ident("default") {
                match meta.value() {
                    Ok(v) => out.default_fn = Some(v.parse::<LitStr>()?.value()),
                    Err(_) => out.default_plain = true,
                }
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    out
}

/// `Some(T)` when `ty` is `Option<T>` (in any spelling of its path).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    wrapper_inner(ty, "Option")
}

/// `Some(T)` when `ty` is `Patch<T>`.
pub fn patch_inner(ty: &Type) -> Option<&Type> {
    wrapper_inner(ty, "Patch")
}

/// `Some(T)` when `ty` is `Vec<T>`.
pub fn vec_inner(ty: &Type) -> Option<&Type> {
    wrapper_inner(ty, "Vec")
}

/// `Some(T)` when `ty` is `Box<T>`.
pub fn box_inner(ty: &Type) -> Option<&Type> {
    wrapper_inner(ty, "Box")
}

fn wrapper_inner<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// The last segment of a type's path (`::std::string::String` → `String`).
pub fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Rewrites the named fields of struct `name` from `Option<T>` to `crate::Patch<T>` with the serde attributes
/// that keep absent, `null` and a value apart.
pub fn patch_fields(items: &mut [Item], name: &str, fields: &[String]) {
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        if s.ident != name {
            continue;
        }
        let Fields::Named(named) = &mut s.fields else {
            continue;
        };
        for f in named.named.iter_mut() {
            let Some(ident) = f.ident.as_ref() else {
                continue;
            };
            let serde = serde_args(&f.attrs);
            let json = serde.rename.clone().unwrap_or_else(|| ident.to_string());
            if !fields.contains(&json) {
                continue;
            }
            let Some(inner) = option_inner(&f.ty).cloned() else {
                continue;
            };
            f.ty = syn::parse_quote!(crate::Patch<#inner>);
            f.attrs.retain(|a| !a.path().is_ident("serde"));
            let attr: Attribute = match serde.rename {
                Some(rename) => syn::parse_quote!(
                    #[serde(rename = #rename, default, skip_serializing_if = "crate::Patch::is_unchanged")]
                ),
                None => syn::parse_quote!(
                    #[serde(default, skip_serializing_if = "crate::Patch::is_unchanged")]
                ),
            };
            f.attrs.push(attr);
        }
    }
}

/// The structs reachable from `roots` through field types (the roots included).
pub fn reachable(items: &[Item], roots: &[String]) -> BTreeSet<String> {
    let mut fields: HashMap<String, Vec<&Type>> = HashMap::new();
    for item in items {
        if let Item::Struct(s) = item {
            fields.insert(
                s.ident.to_string(),
                s.fields.iter().map(|f| &f.ty).collect(),
            );
        }
    }
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.to_vec();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        for ty in fields.get(&name).into_iter().flatten() {
            let mut names = Vec::new();
            type_names(ty, &mut names);
            todo.extend(names.into_iter().filter(|n| fields.contains_key(n)));
        }
    }
    seen
}

/// Every identifier a type names (its path segments and their generic arguments).
fn type_names(ty: &Type, out: &mut Vec<String>) {
    if let Type::Path(p) = ty {
        for segment in &p.path.segments {
            out.push(segment.ident.to_string());
            if let syn::PathArguments::AngleBracketed(args) = &segment.arguments {
                for arg in &args.args {
                    if let syn::GenericArgument::Type(t) = arg {
                        type_names(t, out);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_nullable_fields_become_patches() {
        let mut items = parse_types(quote::quote! {
            pub struct Update {
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub limit: ::std::option::Option<f64>,
                #[serde(rename = "type", default, skip_serializing_if = "::std::option::Option::is_none")]
                pub type_: ::std::option::Option<::std::string::String>,
                pub name: ::std::string::String,
            }
        })
        .unwrap();
        patch_fields(
            &mut items,
            "Update",
            &["limit".into(), "type".into(), "name".into()],
        );
        let s = structs(&items);
        let f = &s["Update"];
        assert_eq!(f[1].json, "type");
        assert!(patch_inner(&f[0].ty).is_some());
        assert!(patch_inner(&f[1].ty).is_some());
        assert_eq!(last_ident(&f[2].ty).as_deref(), Some("String"));
        let text = quote::quote!(#(#items)*).to_string();
        assert!(text.contains("\"crate::Patch::is_unchanged\""), "{text}");
        assert!(!text.contains("Option :: is_none"), "{text}");
    }
}
