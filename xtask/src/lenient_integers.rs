//! The rewrite that lets an answer's integers come in any integral JSON spelling: in every type a response can
//! hold (but no request body, which the mock validates strictly), an integer field decodes through
//! `openrouter_mgmt_gen::lenient` (`3`, `3.0`, `1e2` and `"3"` all read as 3).
//!
//! The spec typed counts as `number` before February 2026 and servers are not always on the spec. A required
//! integer gets `lenient::integer` (an unusable value, e.g. `2.5` or `"many"`, is still an error); an optional one
//! gets `lenient::option_integer` with `default` (`null`, absence and an unusable value are `None`).
//! Serialization is untouched.

use syn::{Item, Meta, Type};

use crate::lenient::{for_each_answer_field, is_strict_option, serde_metas, set_serde};
use crate::rust_types::option_inner;

/// The deserializer of a required integer field.
const INTEGER: &str = "crate::lenient::integer";
/// The deserializer of an optional integer field.
const OPTION_INTEGER: &str = "crate::lenient::option_integer";

/// Rewrites every integer and `Option`-of-integer field of every struct not reachable from one of
/// `request_bodies` (struct names), as the module docs say. A field that already has a `deserialize_with` of its
/// own (other than typify's strict `Option::deserialize`) is left as it is.
pub fn integers_lenient(items: &mut [Item], request_bodies: &[String]) {
    for_each_answer_field(items, request_bodies, |field| {
        let (function, optional) = if is_integer(&field.ty) {
            (INTEGER, false)
        } else if option_inner(&field.ty).is_some_and(is_integer) {
            (OPTION_INTEGER, true)
        } else {
            return;
        };
        let mut metas = serde_metas(&field.attrs);
        metas.retain(|m| !is_strict_option(m));
        if metas.iter().any(|m| m.path().is_ident("deserialize_with")) {
            return;
        }
        if optional && !metas.iter().any(|m| m.path().is_ident("default")) {
            metas.push(syn::parse_quote!(default));
        }
        let with: Meta = syn::parse_quote!(deserialize_with = #function);
        metas.push(with);
        set_serde(field, &metas);
    });
}

/// A primitive integer type, in any spelling of its path (`i64`, `::std::primitive::u32`).
fn is_integer(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| {
            s.arguments.is_none()
                && matches!(
                    s.ident.to_string().as_str(),
                    "i8" | "i16"
                        | "i32"
                        | "i64"
                        | "i128"
                        | "isize"
                        | "u8"
                        | "u16"
                        | "u32"
                        | "u64"
                        | "u128"
                        | "usize"
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(tokens: proc_macro2::TokenStream, bodies: &[&str]) -> String {
        let mut items = crate::rust_types::parse_types(tokens).unwrap();
        let bodies: Vec<String> = bodies.iter().map(|s| s.to_string()).collect();
        crate::lenient::missing_fields_default(&mut items, &bodies);
        integers_lenient(&mut items, &bodies);
        quote::quote!(#(#items)*).to_string()
    }

    #[test]
    fn answer_integers_take_the_lenient_deserializers_and_bodies_stay_strict() {
        let text = rewritten(
            quote::quote! {
                pub struct Page {
                    pub data: ::std::vec::Vec<Item>,
                    pub total_count: i64,
                }
                pub struct Item {
                    #[serde(rename = "n")]
                    pub count: u32,
                    #[serde(default, skip_serializing_if = "::std::option::Option::is_none")]
                    pub optional: ::std::option::Option<i64>,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub bare: ::std::option::Option<i64>,
                    #[serde(deserialize_with = "::std::option::Option::deserialize")]
                    pub nullable: ::std::option::Option<i64>,
                    #[serde(deserialize_with = "my::own")]
                    pub custom: i64,
                    pub ratio: f64,
                    pub counts: ::std::vec::Vec<i64>,
                }
                pub struct Body {
                    pub limit: i64,
                    pub shared: Shared,
                }
                pub struct Shared {
                    pub count: ::std::option::Option<i64>,
                }
            },
            &["Body"],
        );
        let expect = |s: &str| assert!(text.contains(s), "{s} in {text}");
        expect("# [serde (deserialize_with = \"crate::lenient::integer\")] pub total_count : i64");
        expect(
            "# [serde (rename = \"n\" , deserialize_with = \"crate::lenient::integer\")] pub count : u32",
        );
        expect(
            "# [serde (default , skip_serializing_if = \"::std::option::Option::is_none\" , deserialize_with = \
             \"crate::lenient::option_integer\")] pub optional",
        );
        expect(
            "# [serde (skip_serializing_if = \"::std::option::Option::is_none\" , default , deserialize_with = \
             \"crate::lenient::option_integer\")] pub bare",
        );
        expect(
            "# [serde (default , deserialize_with = \"crate::lenient::option_integer\")] pub nullable",
        );
        expect("# [serde (deserialize_with = \"my::own\")] pub custom");
        expect("pub ratio : f64");
        expect("# [serde (default)] pub counts");
        expect("pub struct Body { pub limit : i64");
        expect("pub struct Shared { pub count : :: std :: option :: Option < i64 >");
    }
}
