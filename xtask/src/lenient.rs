//! The rewrite that keeps an answer's good data when a server leaves a field out: in every type a response can
//! hold (but no request body, which the mock validates strictly), a missing nullable field decodes as `None` and a
//! missing list as empty, instead of failing the whole response.
//!
//! typify marks a required nullable field `#[serde(deserialize_with = "Option::deserialize")]` so that its absence
//! is an error, and leaves a required array without a default. OpenRouter's servers are not always on the spec
//! (older deployments lack fields added since), and absence there means what `null` or `[]` means. Required
//! scalars and objects stay strict: without them the value is not what the spec describes.

use syn::punctuated::Punctuated;
use syn::{Attribute, Field, Fields, Item, Meta, Token};

use crate::rust_types::{option_inner, vec_inner};

/// The attribute typify puts on a required nullable field.
const STRICT_OPTION: &str = ":: std :: option :: Option :: deserialize";

/// Rewrites every struct not reachable from one of `request_bodies` (struct names) as the module docs say.
pub fn missing_fields_default(items: &mut [Item], request_bodies: &[String]) {
    for_each_answer_field(items, request_bodies, |field| {
        let is_vec = vec_inner(&field.ty).is_some();
        if option_inner(&field.ty).is_none() && !is_vec {
            return;
        }
        let mut metas = serde_metas(&field.attrs);
        let before = metas.len();
        metas.retain(|m| !is_strict_option(m));
        let has_default = metas.iter().any(|m| m.path().is_ident("default"));
        if has_default || (metas.len() == before && !is_vec) {
            return;
        }
        metas.push(syn::parse_quote!(default));
        set_serde(field, &metas);
    });
}

/// Calls `rewrite` on every named field of every struct an answer can hold: every struct not reachable from one
/// of `request_bodies` (struct names), which stay as typify made them.
pub fn for_each_answer_field(
    items: &mut [Item],
    request_bodies: &[String],
    mut rewrite: impl FnMut(&mut Field),
) {
    let strict = crate::rust_types::reachable(items, request_bodies);
    for item in items.iter_mut() {
        let Item::Struct(s) = item else { continue };
        if strict.contains(&s.ident.to_string()) {
            continue;
        }
        if let Fields::Named(named) = &mut s.fields {
            named.named.iter_mut().for_each(&mut rewrite);
        }
    }
}

/// Replaces a field's `#[serde(...)]` attributes with one holding `metas`.
pub fn set_serde(field: &mut Field, metas: &[Meta]) {
    field.attrs.retain(|a| !a.path().is_ident("serde"));
    field.attrs.push(syn::parse_quote!(#[serde(#(#metas),*)]));
}

/// The `#[serde(...)]` arguments of a field, in order.
pub fn serde_metas(attrs: &[Attribute]) -> Vec<Meta> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .filter_map(|a| {
            a.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .collect()
}

/// Whether `meta` is typify's `deserialize_with` that makes a required nullable field's absence an error.
pub fn is_strict_option(meta: &Meta) -> bool {
    let Meta::NameValue(nv) = meta else {
        return false;
    };
    if !nv.path.is_ident("deserialize_with") {
        return false;
    }
    let value = &nv.value;
    let text = quote::quote!(#value).to_string();
    text.trim_matches('"').replace(' ', "") == STRICT_OPTION.replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(tokens: proc_macro2::TokenStream, bodies: &[&str]) -> String {
        let mut items = crate::rust_types::parse_types(tokens).unwrap();
        let bodies: Vec<String> = bodies.iter().map(|s| s.to_string()).collect();
        missing_fields_default(&mut items, &bodies);
        quote::quote!(#(#items)*).to_string()
    }

    #[test]
    fn absent_nullable_and_list_fields_default_in_responses_only() {
        let text = rewritten(
            quote::quote! {
                pub struct Answer {
                    #[serde(deserialize_with = "::std::option::Option::deserialize")]
                    pub external_user: ::std::option::Option<::std::string::String>,
                    #[serde(rename = "type", deserialize_with = "::std::option::Option::deserialize")]
                    pub type_: ::std::option::Option<::std::string::String>,
                    pub regions: ::std::vec::Vec<::std::string::String>,
                    pub name: ::std::string::String,
                    pub inner: Inner,
                }
                pub struct Inner {
                    pub tags: ::std::vec::Vec<::std::string::String>,
                }
                pub struct Body {
                    #[serde(deserialize_with = "::std::option::Option::deserialize")]
                    pub note: ::std::option::Option<::std::string::String>,
                    pub shared: Shared,
                }
                pub struct Shared {
                    pub ids: ::std::vec::Vec<::std::string::String>,
                }
            },
            &["Body"],
        );
        let expect = |s: &str| assert!(text.contains(s), "{s} in {text}");
        expect("# [serde (default)] pub external_user");
        expect("# [serde (rename = \"type\" , default)] pub type_");
        expect("# [serde (default)] pub regions");
        expect("pub name : :: std :: string :: String");
        expect("# [serde (default)] pub tags");
        expect("# [serde (deserialize_with = \"::std::option::Option::deserialize\")] pub note");
        expect("pub struct Shared { pub ids");
        assert!(!text.contains("default)] pub name"));
    }
}
