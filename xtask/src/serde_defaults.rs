//! typify's default-value functions are made visible to the whole generated crate, so that the body builders can
//! start a required field that has a spec `default` from the same function serde uses.
//!
//! typify puts them in `types::defaults` as `pub(super) fn`, visible only inside `types`. A request body with a
//! defaulted field that is not optional (`CreateObservabilityDestinationRequest.enabled`, default `true`, and
//! `.regions`, default `["global"]`) makes `builders.rs` call `crate::types::defaults::...`, which does not compile
//! with that visibility. `pub(crate)` keeps them out of the public API.

use syn::Item;

/// The name of typify's module of default-value functions.
const DEFAULTS_MODULE: &str = "defaults";

/// Makes every function of the `defaults` module in `items` `pub(crate)`.
pub fn crate_visible_defaults(items: &mut [Item]) {
    for item in items.iter_mut() {
        let Item::Mod(module) = item else { continue };
        if module.ident != DEFAULTS_MODULE {
            continue;
        }
        for inner in module
            .content
            .iter_mut()
            .flat_map(|(_, items)| items.iter_mut())
        {
            if let Item::Fn(f) = inner {
                f.vis = syn::parse_quote!(pub(crate));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_functions_become_crate_visible() {
        let mut items = crate::rust_types::parse_types(quote::quote! {
            pub mod defaults {
                pub(super) fn default_bool<const V: bool>() -> bool { V }
            }
            pub mod other {
                pub(super) fn untouched() {}
            }
        })
        .unwrap();
        crate_visible_defaults(&mut items);
        let text = quote::quote!(#(#items)*).to_string();
        assert!(text.contains("pub (crate) fn default_bool"), "{text}");
        assert!(text.contains("pub (super) fn untouched"), "{text}");
    }
}
