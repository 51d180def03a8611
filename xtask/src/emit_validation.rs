//! Generates `validation.rs`: a `Validate` impl for every type a request body can carry, checking the spec's
//! constraints (`minLength`, `maxLength`, `pattern`, `minItems`, `maxItems`, `minimum`, `maximum`, finiteness)
//! against the fields typify generated, and the same checks for path and query parameters.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use syn::Type;

use crate::error::{Result, SpecError};
use crate::rust_types::{Structs, box_inner, last_ident, option_inner, patch_inner, vec_inner};
use crate::spec_query::referenced_component;

/// Checks generated so far, and the nested structs still to do.
pub struct Validation<'a> {
    merged: &'a Value,
    structs: &'a Structs,
    /// The overlay's string-backed id types (`KeyHash`, `UserId`): checked like strings, through `as_str()`.
    string_ids: BTreeSet<String>,
    done: BTreeSet<String>,
    queue: Vec<(String, Value)>,
    impls: BTreeMap<String, TokenStream>,
    patterns: Vec<String>,
}

impl<'a> Validation<'a> {
    /// Starts with nothing generated.
    pub fn new(merged: &'a Value, structs: &'a Structs, string_ids: BTreeSet<String>) -> Self {
        Self {
            merged,
            structs,
            string_ids,
            done: BTreeSet::new(),
            queue: Vec::new(),
            impls: BTreeMap::new(),
            patterns: Vec::new(),
        }
    }

    /// Generates the impl for a request body type and everything it contains.
    pub fn body(&mut self, name: &str) -> Result<()> {
        let schema = crate::spec_query::schema_after_hoisting(self.merged, name)
            .cloned()
            .ok_or_else(|| SpecError::new(format!("no schema for request body `{name}`")))?;
        self.queue.push((name.to_owned(), schema));
        while let Some((name, schema)) = self.queue.pop() {
            if self.done.insert(name.clone()) {
                let tokens = self.struct_impl(&name, &schema)?;
                self.impls.insert(name, tokens);
            }
        }
        Ok(())
    }

    /// Checks of one parameter (`value` is an expression of type `&T` or `&Option<T>` as `ty` says).
    pub fn param(&mut self, value: TokenStream, ty: &Type, schema: &Value) -> Result<TokenStream> {
        self.checks(value, ty, schema)
    }

    /// The patterns used, for a compile check at regen time.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// The generated impls, sorted by type name.
    pub fn into_tokens(self) -> TokenStream {
        let impls = self.impls.into_values();
        quote!(#(#impls)*)
    }

    fn resolve(&self, schema: &Value) -> Value {
        match referenced_component(schema) {
            Some(name) => crate::spec_query::schema_after_hoisting(self.merged, &name)
                .cloned()
                .unwrap_or(Value::Null),
            None => schema.clone(),
        }
    }

    fn struct_impl(&mut self, name: &str, schema: &Value) -> Result<TokenStream> {
        let ident = format_ident!("{}", name);
        let schema = self.resolve(schema);
        let fields = self.structs.get(name).cloned().unwrap_or_default();
        let required = crate::spec_query::required(&schema);
        let mut blocks = Vec::new();
        for field in &fields {
            let Some(fschema) = schema.pointer(&format!(
                "/properties/{}",
                crate::json_pointer::escape(&field.json)
            )) else {
                continue;
            };
            let fident = &field.ident;
            let mut checks = self.checks(quote!(&self.#fident), &field.ty, fschema)?;
            if checks.is_empty() {
                continue;
            }
            // An optional array is a plain `Vec` left out of the JSON when empty: empty means absent (the server's
            // default or the current value), so its constraints (`minItems`) apply only to a list that is sent.
            if !required.contains(field.json.as_str()) && vec_inner(&field.ty).is_some() {
                checks = quote!(if !self.#fident.is_empty() { #checks });
            }
            let json = &field.json;
            let dotted = format!(".{json}");
            blocks.push(quote! {
                {
                    let (argument, at_owned) = match argument {
                        Some(argument) => (argument, format!("{}{}", at, #dotted)),
                        None => (#json, String::new()),
                    };
                    let at: &str = &at_owned;
                    #checks
                }
            });
        }
        let unused = blocks.is_empty().then(|| quote!(let _ = (argument, at);));
        Ok(quote! {
            impl crate::types::#ident {
                /// Checks every field; `argument` is `None` at the top of a request body, where each field is an
                /// argument of its own.
                fn validate_fields(&self, argument: Option<&'static str>, at: &str) -> Result<(), crate::Invalid> {
                    #unused
                    #(#blocks)*
                    Ok(())
                }
            }

            impl crate::Validate for crate::types::#ident {
                fn validate_at(&self, argument: &'static str, at: &str) -> Result<(), crate::Invalid> {
                    self.validate_fields(Some(argument), at)
                }

                fn validate(&self) -> Result<(), crate::Invalid> {
                    self.validate_fields(None, "")
                }
            }
        })
    }

    /// Checks of `value` (an expression of type `&ty`) against `schema`; `argument` and `at` are in scope.
    fn checks(&mut self, value: TokenStream, ty: &Type, schema: &Value) -> Result<TokenStream> {
        if let Some(inner) = option_inner(ty) {
            let inner_checks = self.checks(quote!(v), inner, schema)?;
            return Ok(if inner_checks.is_empty() {
                inner_checks
            } else {
                quote!(if let Some(v) = (#value).as_ref() { #inner_checks })
            });
        }
        if let Some(inner) = patch_inner(ty) {
            let inner_checks = self.checks(quote!(v), inner, schema)?;
            return Ok(if inner_checks.is_empty() {
                inner_checks
            } else {
                quote!(if let crate::Patch::Set(v) = #value { #inner_checks })
            });
        }
        if let Some(inner) = box_inner(ty) {
            return self.checks(quote!((#value).as_ref()), inner, schema);
        }
        let schema = self.resolve(schema);
        let num = |key: &str| schema.get(key).and_then(Value::as_f64);
        let count = |key: &str| schema.get(key).and_then(Value::as_u64);
        let opt_u64 = |v: Option<u64>| match v {
            Some(n) => quote!(Some(#n)),
            None => quote!(None),
        };
        if let Some(inner) = vec_inner(ty) {
            let mut out = TokenStream::new();
            let (min, max) = (count("minItems"), count("maxItems"));
            if min.is_some() || max.is_some() {
                let (min, max) = (opt_u64(min), opt_u64(max));
                out.extend(
                    quote!(crate::checks::items(argument, at, (#value).len(), #min, #max)?;),
                );
            }
            let item_schema = schema.get("items").cloned().unwrap_or(Value::Null);
            let item_checks = self.checks(quote!(v), inner, &item_schema)?;
            if !item_checks.is_empty() {
                out.extend(quote! {
                    for (i, v) in (#value).iter().enumerate() {
                        let at_owned = format!("{}[{}]", at, i);
                        let at: &str = &at_owned;
                        #item_checks
                    }
                });
            }
            return Ok(out);
        }
        let last = last_ident(ty).unwrap_or_default();
        // Ids and secrets are strings underneath: checked through `as_str()` / `expose_secret()` (the checks'
        // messages name lengths and patterns, never the value).
        let value = if self.string_ids.contains(&last) {
            quote!((#value).as_str())
        } else if last == "SecretString" {
            quote!((#value).expose_secret())
        } else {
            value
        };
        let kind = if self.string_ids.contains(&last) || last == "SecretString" {
            "String"
        } else {
            last.as_str()
        };
        match kind {
            "String" => {
                let mut out = TokenStream::new();
                let (min, max) = (count("minLength"), count("maxLength"));
                if min.is_some() || max.is_some() {
                    let (min, max) = (opt_u64(min), opt_u64(max));
                    out.extend(quote!(crate::checks::length(argument, at, #value, #min, #max)?;));
                }
                if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
                    self.patterns.push(pattern.to_owned());
                    out.extend(quote! {
                        {
                            static PATTERN: std::sync::OnceLock<Option<regress::Regex>> = std::sync::OnceLock::new();
                            crate::checks::pattern(argument, at, #value, #pattern, &PATTERN)?;
                        }
                    });
                }
                Ok(out)
            }
            "f64" | "f32" | "i64" | "i32" | "u64" | "u32" | "NonZeroU64" => {
                let bound = |key: &str, exclusive_key: &str| match num(key) {
                    Some(n) => {
                        let exclusive = schema.get(exclusive_key) == Some(&Value::Bool(true));
                        quote!(Some((#n, #exclusive)))
                    }
                    None => quote!(None),
                };
                let (min, max) = (
                    bound("minimum", "exclusiveMinimum"),
                    bound("maximum", "exclusiveMaximum"),
                );
                let as_f64 = if last == "NonZeroU64" {
                    quote!((#value).get() as f64)
                } else {
                    quote!(*(#value) as f64)
                };
                let is_float = last.starts_with('f');
                if min.to_string() == "None" && max.to_string() == "None" && !is_float {
                    return Ok(TokenStream::new());
                }
                Ok(quote!(crate::checks::range(argument, at, #as_f64, #min, #max)?;))
            }
            _ => {
                let single = matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.leading_colon.is_none() && p.path.segments.len() == 1);
                if single && self.structs.contains_key(&last) && schema.get("properties").is_some()
                {
                    if !self.done.contains(&last) {
                        self.queue.push((last.clone(), schema.clone()));
                    }
                    Ok(quote!(crate::Validate::validate_at(#value, argument, at)?;))
                } else {
                    Ok(TokenStream::new())
                }
            }
        }
    }
}
