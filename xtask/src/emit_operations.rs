//! Generates `operations.rs`: the `OperationId` enum and `OPERATIONS` table, and for every operation a struct
//! holding its typed path and query parameters and body, with its `Operation` impl (path with percent-encoded
//! segments, query, body, validation, replay class, secrets) and, for lists, its `ListOperation` impl.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Type;

use crate::emit_builders::qualify;
use crate::emit_validation::Validation;
use crate::error::{Result, SpecError};
use crate::operation_model::{OperationModel, Param};
use crate::overlay::ReplayClass;
use crate::rust_types::{Structs, last_ident, option_inner, vec_inner};

/// The whole `operations.rs` body.
pub fn operations(
    ops: &[OperationModel],
    structs: &Structs,
    validation: &mut Validation<'_>,
) -> Result<TokenStream> {
    let variants: Vec<_> = ops
        .iter()
        .map(|o| format_ident!("{}", o.type_name))
        .collect();
    let info_consts: Vec<_> = ops
        .iter()
        .map(|o| format_ident!("INFO_{}", o.name.to_uppercase()))
        .collect();
    // Accepted spellings: the snake_case name, the camelCase operationId, and the operationId as the spec
    // publishes it (`listBYOKKeys`), each once.
    let spellings: Vec<TokenStream> = ops
        .iter()
        .map(|o| {
            let mut names: Vec<&str> = vec![o.name.as_str()];
            for other in [
                Some(o.operation_id.as_str()),
                o.published_operation_id.as_deref(),
            ]
            .into_iter()
            .flatten()
            {
                if !names.contains(&other) {
                    names.push(other);
                }
            }
            quote!(#(#names)|*)
        })
        .collect();
    let variant_docs: Vec<String> = ops
        .iter()
        .map(|o| {
            format!(
                "`{} {}` (`{}`): {}",
                o.method,
                o.path,
                o.published_operation_id
                    .as_deref()
                    .unwrap_or(&o.operation_id),
                o.summary
            )
        })
        .collect();
    let count = ops.len();

    let mut infos = Vec::new();
    let mut items = Vec::new();
    for (op, info_const) in ops.iter().zip(&info_consts) {
        let (info, done_on_404) = info(op, structs)?;
        infos.push(quote!(const #info_const: OperationInfo = #info;));
        items.push(operation(op, info_const, done_on_404, structs, validation)?);
    }

    Ok(quote! {
        use crate::operation::{OperationInfo, Paging, Replay};
        use crate::path::ParamValue;

        /// Every operation under `openapi/`, named by its operationId.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum OperationId {
            #( #[doc = #variant_docs] #variants, )*
        }

        impl OperationId {
            /// Every operation, in the order of the merged spec (by path, then method).
            pub const ALL: [OperationId; #count] = [#(OperationId::#variants),*];

            /// What the spec and the overlay say about the operation.
            pub fn info(self) -> &'static OperationInfo {
                match self {
                    #( OperationId::#variants => &#info_consts, )*
                }
            }

            /// The operation's name: the spec's operationId in snake_case.
            pub fn name(self) -> &'static str {
                self.info().name
            }

            /// The operation with this name (snake_case) or operationId (as published).
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    #( #spellings => Some(OperationId::#variants), )*
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for OperationId {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        /// What the spec and the overlay say about every operation, in [`OperationId::ALL`] order.
        pub const OPERATIONS: [OperationInfo; #count] = [#(#info_consts),*];

        #(#infos)*

        #(#items)*
    })
}

fn info(op: &OperationModel, structs: &Structs) -> Result<(TokenStream, bool)> {
    let OperationModel {
        name,
        operation_id,
        tag,
        summary,
        method,
        path,
        success_status,
        replay_reason,
        secret_in_request,
        secret_in_response,
        ..
    } = op;
    let published_operation_id = op
        .published_operation_id
        .as_deref()
        .unwrap_or(operation_id.as_str());
    let path_params: Vec<&str> = op.path_params.iter().map(|p| p.wire.as_str()).collect();
    let query_params: Vec<&str> = op.query_params.iter().map(|p| p.wire.as_str()).collect();
    let header_params: Vec<&str> = op.header_params.iter().map(|p| p.wire.as_str()).collect();
    let opt = |s: &Option<String>| match s {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    };
    let request_body = opt(&op.body);
    let response = opt(&op.response);
    let idempotency_key = opt(&op.idempotency_key);
    let replay = match op.replay {
        ReplayClass::Safe => quote!(Replay::Safe),
        ReplayClass::OnlyIfNotReceived => quote!(Replay::OnlyIfNotReceived),
    };
    let paging = match &op.paging {
        Some(p) => {
            let limit_param = p.limit_param;
            let fixed = match p.fixed_page_size {
                Some(n) => quote!(Some(#n)),
                None => quote!(None),
            };
            let total_count = op
                .response
                .as_ref()
                .and_then(|r| structs.get(r))
                .is_some_and(|f| f.iter().any(|f| f.json == "total_count"));
            quote!(Some(Paging { limit_param: #limit_param, fixed_page_size: #fixed, total_count: #total_count }))
        }
        None => quote!(None),
    };
    let done_on_404 = op.done_on_404 && assumed_done(op, structs).is_some();
    Ok((
        quote! {
            OperationInfo {
                name: #name,
                operation_id: #operation_id,
                published_operation_id: #published_operation_id,
                tag: #tag,
                summary: #summary,
                method: #method,
                path_template: #path,
                path_params: &[#(#path_params),*],
                query_params: &[#(#query_params),*],
                header_params: &[#(#header_params),*],
                request_body: #request_body,
                response: #response,
                success_status: #success_status,
                replay: #replay,
                replay_reason: #replay_reason,
                idempotency_key: #idempotency_key,
                paging: #paging,
                secret_in_request: #secret_in_request,
                secret_in_response: #secret_in_response,
                done_on_404_after_ambiguous_attempt: #done_on_404,
            }
        },
        done_on_404,
    ))
}

/// The response a delete's "already gone" answer stands for: nothing, or `{deleted: true}`.
fn assumed_done(op: &OperationModel, structs: &Structs) -> Option<TokenStream> {
    match &op.response {
        None => Some(quote!(())),
        Some(r) => {
            let fields = structs.get(r)?;
            let ident = format_ident!("{}", r);
            match fields.as_slice() {
                [f] if f.json == "deleted" && last_ident(&f.ty).as_deref() == Some("bool") => {
                    Some(quote!(crate::types::#ident { deleted: true }))
                }
                _ => None,
            }
        }
    }
}

fn param_field(p: &Param) -> TokenStream {
    let ident = &p.ident;
    let ty = &p.ty;
    let doc = if p.doc.is_empty() {
        format!("The `{}` parameter.", p.wire)
    } else {
        p.doc.clone()
    };
    if p.required {
        quote!(#[doc = #doc] pub #ident: #ty,)
    } else {
        quote!(#[doc = #doc] pub #ident: Option<#ty>,)
    }
}

/// A block that collects the parameters of `params` that are set, as (wire name, value) pairs.
fn set_params(params: &[Param]) -> TokenStream {
    let pushes = params.iter().map(|p| {
        let (i, wire) = (&p.ident, &p.wire);
        if p.required {
            quote!(set.push((#wire, ParamValue::param_value(&self.#i)));)
        } else {
            quote!(if let Some(v) = &self.#i { set.push((#wire, ParamValue::param_value(v))); })
        }
    });
    quote! {
        let mut set = Vec::new();
        #(#pushes)*
        set
    }
}

fn operation(
    op: &OperationModel,
    info_const: &syn::Ident,
    done_on_404: bool,
    structs: &Structs,
    validation: &mut Validation<'_>,
) -> Result<TokenStream> {
    let ident = format_ident!("{}", op.type_name);
    let doc = format!(
        "`{} {}` (`{}`): {}\n\n{}",
        op.method,
        op.path,
        op.published_operation_id
            .as_deref()
            .unwrap_or(&op.operation_id),
        op.summary,
        op.description
    );
    let params: Vec<&Param> = op
        .path_params
        .iter()
        .chain(&op.query_params)
        .chain(&op.header_params)
        .collect();
    let fields = params.iter().map(|p| param_field(p));
    let body_ty = op.body.as_ref().map(|b| {
        let b = format_ident!("{}", b);
        quote!(crate::types::#b)
    });
    let body_field = body_ty
        .as_ref()
        .map(|ty| quote!(#[doc = "The request body."] pub body: #ty,));
    let response_ty = match &op.response {
        Some(r) => {
            let r = format_ident!("{}", r);
            quote!(crate::types::#r)
        }
        None => quote!(()),
    };

    // Constructor: required parameters, then the body.
    let required: Vec<&Param> = params.iter().copied().filter(|p| p.required).collect();
    let mut args: Vec<TokenStream> = required
        .iter()
        .map(|p| {
            let (i, t) = (&p.ident, &p.ty);
            quote!(#i: impl Into<#t>)
        })
        .collect();
    let mut inits: Vec<TokenStream> = params
        .iter()
        .map(|p| {
            let i = &p.ident;
            if p.required {
                quote!(#i: #i.into())
            } else {
                quote!(#i: None)
            }
        })
        .collect();
    if let Some(ty) = &body_ty {
        args.push(quote!(body: #ty));
        inits.push(quote!(body));
    }
    let query_setters = op.query_params.iter().map(|p| (p, "query parameter"));
    let header_setters = op.header_params.iter().map(|p| (p, "header"));
    let setters = query_setters
        .chain(header_setters)
        .filter(|(p, _)| !p.required)
        .map(|(p, kind)| {
            let (i, t) = (&p.ident, &p.ty);
            let doc = format!("Sets the `{}` {kind}.", p.wire);
            quote! {
                #[doc = #doc]
                pub fn #i(mut self, value: impl Into<#t>) -> Self {
                    self.#i = Some(value.into());
                    self
                }
            }
        });

    // Path.
    let mut format_string = op.path.clone();
    let mut segments = Vec::new();
    for p in &op.path_params {
        format_string = format_string.replace(&format!("{{{}}}", p.wire), "{}");
        let (i, wire) = (&p.ident, &p.wire);
        segments.push(quote!(crate::path::segment(#wire, &ParamValue::param_value(&self.#i))?));
    }
    let path_body = if segments.is_empty() {
        quote!(Ok(#format_string.to_owned()))
    } else {
        quote!(Ok(format!(#format_string, #(#segments),*)))
    };

    // Query and headers: the parameters that are set, as (wire name, value).
    let query_fn = if op.query_params.is_empty() {
        quote!(Vec::new())
    } else {
        let collect = set_params(&op.query_params);
        quote!(#collect)
    };
    let header_fn = if op.header_params.is_empty() {
        TokenStream::new()
    } else {
        let collect = set_params(&op.header_params);
        quote! {
            fn headers(&self) -> Vec<(&'static str, String)> {
                #collect
            }
        }
    };

    // Validation.
    let mut param_checks = Vec::new();
    for p in &params {
        let i = &p.ident;
        let ty: Type = if p.required {
            syn::parse2(p.ty.clone())
        } else {
            let t = &p.ty;
            syn::parse2(quote!(Option<#t>))
        }
        .map_err(|e| SpecError::new(format!("parameter type does not parse: {e}")))?;
        let checks = validation.param(quote!(&self.#i), &ty, &p.schema)?;
        if !checks.is_empty() {
            let wire = &p.wire;
            param_checks.push(quote! {{
                let argument: &'static str = #wire;
                let at = "";
                #checks
            }});
        }
    }
    let (body_type, body_fn, body_check) = match &body_ty {
        Some(ty) => (
            ty.clone(),
            quote!(Some(&self.body)),
            quote!(crate::Validate::validate(&self.body)?;),
        ),
        None => (quote!(()), quote!(None), TokenStream::new()),
    };
    if let Some(b) = &op.body {
        validation.body(b)?;
    }
    let assumed = if done_on_404 {
        let value = assumed_done(op, structs).expect("checked when the info was made");
        quote! {
            fn assumed_done() -> Option<Self::Response> {
                Some(#value)
            }
        }
    } else {
        TokenStream::new()
    };

    let list_impl = match &op.paging {
        Some(paging) => list_impl(op, &ident, paging, structs)?,
        None => TokenStream::new(),
    };

    Ok(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        pub struct #ident {
            #(#fields)*
            #body_field
        }

        impl #ident {
            /// The operation with its required arguments; optional query and header parameters have setters.
            pub fn new(#(#args),*) -> Self {
                Self { #(#inits),* }
            }

            #(#setters)*
        }

        impl crate::Operation for #ident {
            type Body = #body_type;
            type Response = #response_ty;
            const INFO: &'static OperationInfo = &#info_const;

            fn path(&self) -> Result<String, crate::Invalid> {
                #path_body
            }

            fn query(&self) -> Vec<(&'static str, String)> {
                #query_fn
            }

            fn body(&self) -> Option<&Self::Body> {
                #body_fn
            }

            #header_fn

            fn validate(&self) -> Result<(), crate::Invalid> {
                #(#param_checks)*
                #body_check
                Ok(())
            }

            #assumed
        }

        #list_impl
    })
}

fn list_impl(
    op: &OperationModel,
    ident: &syn::Ident,
    paging: &crate::operation_model::PagingModel,
    structs: &Structs,
) -> Result<TokenStream> {
    let fail = |m: String| {
        SpecError::new(m).in_operation(format!("{} {} ({})", op.method, op.path, op.operation_id))
    };
    let response = op
        .response
        .as_ref()
        .ok_or_else(|| fail("a list without a response body".into()))?;
    let fields = structs
        .get(response)
        .ok_or_else(|| fail(format!("the list's response `{response}` is not a struct")))?;
    let data = fields
        .iter()
        .find(|f| f.json == "data")
        .ok_or_else(|| fail("the list's response has no `data`".into()))?;
    let item_raw =
        vec_inner(&data.ty).ok_or_else(|| fail("the list's `data` is not an array".into()))?;
    let item = qualify(item_raw);
    let data_ident = &data.ident;
    let items_field = &data.json;
    let total_field = match fields.iter().find(|f| f.json == "total_count") {
        Some(f) => {
            let json = &f.json;
            quote!(Some(#json))
        }
        None => quote!(None),
    };
    let total = match fields.iter().find(|f| f.json == "total_count") {
        Some(f) => {
            let fi = &f.ident;
            match (option_inner(&f.ty), last_ident(&f.ty).as_deref()) {
                (Some(_), _) => quote!(response.#fi.map(|n| n as i64)),
                (None, Some("i64")) => quote!(Some(response.#fi)),
                (None, _) => quote!(Some(response.#fi as i64)),
            }
        }
        None => quote!(None),
    };
    let item_name = last_ident(item_raw).unwrap_or_default();
    let item_id = match structs.get(&item_name) {
        Some(item_fields) => {
            let id_field = item_fields
                .iter()
                .find(|f| f.json == paging.item_id)
                .ok_or_else(|| {
                    fail(format!(
                        "list items have no `{}` field; name the field that identifies an item in openapi/overlay.yaml \
                         (`paging: {}: {{item_id: ..., reason: ...}}`)",
                        paging.item_id, op.operation_id
                    ))
                })?;
            let id_ident = &id_field.ident;
            if option_inner(&id_field.ty).is_some() {
                quote!(item.#id_ident.as_ref().map(ToString::to_string).unwrap_or_default())
            } else {
                quote!(item.#id_ident.to_string())
            }
        }
        // Items that are not one struct (a discriminated union such as `ObservabilityDestination`, whose
        // variants each carry the id, and whose unknown variant is raw JSON) are read through their JSON form:
        // the id is the same field in every variant, and paging only uses it to drop duplicates between pages.
        None => {
            let field = &paging.item_id;
            quote! {
                match serde_json::to_value(item).ok().as_ref().and_then(|v| v.get(#field)) {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                }
            }
        }
    };
    let offset = op
        .query_params
        .iter()
        .find(|p| p.wire == "offset")
        .expect("a list has offset");
    let set_offset = page_param(offset, quote!(offset));
    let set_limit = match op.query_params.iter().find(|p| p.wire == "limit") {
        Some(limit) => page_param(limit, quote!(limit)),
        None => quote!(let _ = limit;),
    };
    Ok(quote! {
        impl crate::ListOperation for #ident {
            type Item = #item;
            const ITEMS_FIELD: &'static str = #items_field;
            const TOTAL_COUNT_FIELD: Option<&'static str> = #total_field;

            fn set_page(&mut self, offset: u64, limit: u64) {
                #set_offset
                #set_limit
            }

            fn into_page(response: Self::Response) -> (Vec<Self::Item>, Option<i64>) {
                let total = #total;
                (response.#data_ident, total)
            }

            fn item_id(item: &Self::Item) -> String {
                #item_id
            }
        }
    })
}

fn page_param(p: &Param, value: TokenStream) -> TokenStream {
    let i = &p.ident;
    let converted = quote!(i64::try_from(#value).unwrap_or(i64::MAX));
    if p.required {
        quote!(self.#i = #converted;)
    } else {
        quote!(self.#i = Some(#converted);)
    }
}
