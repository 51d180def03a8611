//! Generates `builders.rs`: for every request body, a constructor taking the required fields and one setter per
//! optional field (plus `clear_*` for the fields an update can clear), written against the fields typify
//! generated, so no hand-written file lists a body's fields.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::Type;

use crate::rust_types::{FieldInfo, Structs, option_inner, patch_inner, vec_inner};

/// The builder impl of one request body type.
pub fn builder(name: &str, schema: &Value, structs: &Structs) -> TokenStream {
    let Some(fields) = structs.get(name) else {
        return TokenStream::new();
    };
    let ident = format_ident!("{}", name);
    let required = crate::spec_query::required(schema);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    let mut required_names = Vec::new();
    for field in fields {
        let f = &field.ident;
        let doc = description(schema, &field.json);
        if required.contains(&field.json.as_str()) {
            let ty = qualify(&field.ty);
            let (arg, init) = into_arg(f, &field.ty, &ty);
            args.push(arg);
            inits.push(quote!(#f: #init));
            required_names.push(format!("`{}`", field.json));
            continue;
        }
        let default = default_of(field);
        inits.push(quote!(#f: #default));
        if field.ident == "new" {
            continue;
        }
        if let Some(inner) = patch_inner(&field.ty) {
            let ty = qualify(inner);
            let (arg, init) = into_arg(f, inner, &ty);
            let clear = format_ident!("clear_{}", f.to_string().trim_end_matches('_'));
            let clear_doc = format!("Clears `{}` (sends `null`).", field.json);
            setters.push(quote! {
                #[doc = #doc]
                pub fn #f(mut self, #arg) -> Self {
                    self.#f = crate::Patch::Set(#init);
                    self
                }

                #[doc = #clear_doc]
                pub fn #clear(mut self) -> Self {
                    self.#f = crate::Patch::Clear;
                    self
                }
            });
        } else if let Some(inner) = option_inner(&field.ty) {
            let ty = qualify(inner);
            let (arg, init) = into_arg(f, inner, &ty);
            setters.push(quote! {
                #[doc = #doc]
                pub fn #f(mut self, #arg) -> Self {
                    self.#f = Some(#init);
                    self
                }
            });
        } else {
            let ty = qualify(&field.ty);
            let (arg, init) = into_arg(f, &field.ty, &ty);
            setters.push(quote! {
                #[doc = #doc]
                pub fn #f(mut self, #arg) -> Self {
                    self.#f = #init;
                    self
                }
            });
        }
    }
    let new_doc = if required_names.is_empty() {
        "A body that changes nothing: every field is left out until a setter puts it in.".to_owned()
    } else {
        format!(
            "A body with its required fields ({}); every optional field is left out until a setter puts it in.",
            required_names.join(", ")
        )
    };
    quote! {
        impl crate::types::#ident {
            #[doc = #new_doc]
            #[allow(clippy::new_without_default, clippy::too_many_arguments)]
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*
        }
    }
}

/// The argument and the expression that turns it into the field's value: lists take any iterable of values
/// convertible into the item type, everything else anything convertible into the type.
fn into_arg(f: &syn::Ident, raw: &Type, qualified: &TokenStream) -> (TokenStream, TokenStream) {
    match vec_inner(raw) {
        Some(item) => {
            let item = qualify(item);
            (
                quote!(#f: impl IntoIterator<Item = impl Into<#item>>),
                quote!(#f.into_iter().map(Into::into).collect()),
            )
        }
        None => (quote!(#f: impl Into<#qualified>), quote!(#f.into())),
    }
}

fn default_of(field: &FieldInfo) -> TokenStream {
    if patch_inner(&field.ty).is_some() {
        quote!(crate::Patch::Unchanged)
    } else if option_inner(&field.ty).is_some() {
        quote!(None)
    } else if let Some(path) = &field.default_fn {
        let path: syn::Path = syn::parse_str(path).expect("typify writes a path");
        quote!(crate::types::#path())
    } else {
        quote!(::std::default::Default::default())
    }
}

fn description(schema: &Value, property: &str) -> String {
    let d = schema
        .pointer(&format!(
            "/properties/{}/description",
            crate::json_pointer::escape(property)
        ))
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default();
    if d.is_empty() {
        format!("Sets `{property}`.")
    } else {
        format!("Sets `{property}`: {d}")
    }
}

/// A type from typify's `types` module, usable from elsewhere in the crate: bare names (other generated types)
/// get `crate::types::`.
pub fn qualify(ty: &Type) -> TokenStream {
    let mut ty = ty.clone();
    qualify_in_place(&mut ty);
    quote!(#ty)
}

const PRELUDE: &[&str] = &[
    "bool", "f32", "f64", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "usize", "isize",
    "String", "Vec", "Option", "Box",
];

fn qualify_in_place(ty: &mut Type) {
    let Type::Path(p) = ty else { return };
    for seg in p.path.segments.iter_mut() {
        if let syn::PathArguments::AngleBracketed(args) = &mut seg.arguments {
            for arg in args.args.iter_mut() {
                if let syn::GenericArgument::Type(t) = arg {
                    qualify_in_place(t);
                }
            }
        }
    }
    if p.qself.is_none()
        && p.path.leading_colon.is_none()
        && p.path.segments.len() == 1
        && !PRELUDE.contains(&p.path.segments[0].ident.to_string().as_str())
    {
        let name = p.path.segments[0].clone();
        *ty = syn::parse_quote!(crate::types::#name);
    }
}
