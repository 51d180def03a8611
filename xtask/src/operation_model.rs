//! Each operation of the merged spec as the generators need it: its snake_case name, method, path template,
//! typed path, query and header parameters, body and response types, success status, replay class (and the
//! idempotency key that makes it safe), paging and secrets, from the spec plus the overlay. A POST without a replay decision is an error that names it.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::{Result, SpecError};
use crate::overlay::{Overlay, ReplayClass};
use crate::spec_query::{
    body_name, operations, referenced_component, request_schema, response_name, success,
};

/// One path, query or header parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// The name on the wire.
    pub wire: String,
    /// The Rust field name.
    pub ident: proc_macro2::Ident,
    /// The Rust type, without the `Option` of an optional parameter.
    pub ty: TokenStream,
    /// Required (path parameters always are).
    pub required: bool,
    /// The parameter's schema (for constraints).
    pub schema: Value,
    /// Its description.
    pub doc: String,
}

/// How a list pages.
#[derive(Debug, Clone)]
pub struct PagingModel {
    /// Has a `limit` parameter.
    pub limit_param: bool,
    /// The fixed page size of a list without `limit`.
    pub fixed_page_size: Option<u64>,
    /// The field that identifies an item.
    pub item_id: String,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct OperationModel {
    /// The spec's operationId (in its identifier form: lowerCamelCase).
    pub operation_id: String,
    /// The operationId as the spec publishes it, when that differs from `operation_id` (`listBYOKKeys`).
    pub published_operation_id: Option<String>,
    /// snake_case operationId.
    pub name: String,
    /// UpperCamelCase operationId: the operation struct's name and the `OperationId` variant.
    pub type_name: String,
    /// Upper-case method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// First tag.
    pub tag: String,
    /// Summary.
    pub summary: String,
    /// Description (for docs).
    pub description: String,
    /// Path parameters in path order.
    pub path_params: Vec<Param>,
    /// Query parameters.
    pub query_params: Vec<Param>,
    /// Header parameters declared by the operation itself (shared ones behind a `$ref`, such as the attribution
    /// headers, are the client's business).
    pub header_params: Vec<Param>,
    /// The header parameter that makes a replay safe, sent by the SDK when the caller did not set it.
    pub idempotency_key: Option<String>,
    /// Request body type name.
    pub body: Option<String>,
    /// Success body type name.
    pub response: Option<String>,
    /// Success status.
    pub success_status: u16,
    /// Replay class.
    pub replay: ReplayClass,
    /// Why.
    pub replay_reason: String,
    /// Paging, for lists.
    pub paging: Option<PagingModel>,
    /// Secret in the request body.
    pub secret_in_request: bool,
    /// Secret in the success body.
    pub secret_in_response: bool,
    /// The delete rule applies.
    pub done_on_404: bool,
}

/// A Rust identifier for a wire name (`keep_members`, `type` → `type_`).
pub fn field_ident(wire: &str) -> proc_macro2::Ident {
    let snake = wire.to_snake_case();
    let snake = if snake.is_empty() {
        "value".to_owned()
    } else {
        snake
    };
    match syn::parse_str::<syn::Ident>(&snake) {
        Ok(_) if snake != "self" && snake != "body" => format_ident!("{}", snake),
        _ => format_ident!("{}_", snake),
    }
}

/// Builds the model of every operation.
pub fn build(
    merged: &Value,
    view: &Value,
    overlay: &Overlay,
    enums: &BTreeSet<String>,
) -> Result<Vec<OperationModel>> {
    let mut out = Vec::new();
    for (path, method, op) in operations(merged) {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                SpecError::new(format!(
                    "{} {path} has no operationId",
                    method.to_uppercase()
                ))
            })?;
        let label = format!("{} {path} ({id})", method.to_uppercase());
        let fail = |m: String| SpecError::new(m).in_operation(label.clone());

        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        let mut header_params = Vec::new();
        for p in op
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(wire), Some(location)) = (
                p.get("name").and_then(Value::as_str),
                p.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            let schema = p.get("schema").cloned().unwrap_or(Value::Null);
            let id_type = (location == "path")
                .then(|| overlay.id_for_path_param(path, wire))
                .flatten();
            let ty = match id_type {
                Some((name, _)) => {
                    let ident = format_ident!("{}", name);
                    quote!(crate::ids::#ident)
                }
                None => param_type(&schema, enums),
            };
            let param = Param {
                wire: wire.to_owned(),
                ident: field_ident(wire),
                ty,
                required: location == "path" || p.get("required") == Some(&Value::Bool(true)),
                schema,
                doc: p
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
            };
            match location {
                "path" => path_params.push(param),
                "query" => query_params.push(param),
                "header" => header_params.push(param),
                _ => {}
            }
        }
        path_params.sort_by_key(|p| path.find(&format!("{{{}}}", p.wire)).unwrap_or(usize::MAX));
        for segment in path.split('/').filter(|s| s.starts_with('{')) {
            let name = segment.trim_matches(|c| c == '{' || c == '}');
            if !path_params.iter().any(|p| p.wire == name) {
                return Err(fail(format!("path parameter `{name}` is not declared")));
            }
        }

        let body =
            request_schema(op).map(|s| referenced_component(s).unwrap_or_else(|| body_name(id)));
        let (success_status, response_schema) = success(op).unwrap_or((200, None));
        let response =
            response_schema.map(|s| referenced_component(s).unwrap_or_else(|| response_name(id)));

        let default_replay = match method {
            "post" => None,
            _ => Some(ReplayClass::Safe),
        };
        let (replay, replay_reason) = match (overlay.replay.get(id), default_replay) {
            (Some(d), _) => (d.class, d.reason.clone()),
            (None, Some(class)) => (
                class,
                format!(
                    "{} is idempotent: repeating it changes nothing further",
                    method.to_uppercase()
                ),
            ),
            (None, None) => {
                return Err(fail(format!(
                    "no replay decision for this POST in openapi/overlay.yaml: add `replay: {id}: {{class: safe | \
                     only_if_not_received, reason: ...}}`"
                )));
            }
        };

        let idempotency_key = match overlay
            .replay
            .get(id)
            .and_then(|d| d.idempotency_key.clone())
        {
            None => None,
            Some(_) if replay != ReplayClass::Safe => {
                return Err(fail(
                    "an `idempotency_key` in openapi/overlay.yaml makes replays safe: its class must be `safe`"
                        .to_owned(),
                ));
            }
            Some(name) => {
                let param = header_params
                    .iter()
                    .find(|p| p.wire.eq_ignore_ascii_case(&name))
                    .ok_or_else(|| {
                        fail(format!(
                            "openapi/overlay.yaml names `{name}` as the idempotency key, but the operation has no \
                             such header parameter"
                        ))
                    })?;
                Some(param.wire.clone())
            }
        };

        let paging = paging(
            merged,
            method,
            &query_params,
            response.as_deref(),
            overlay,
            id,
        )
        .map_err(fail)?;

        let secret_in_request = body.as_deref().is_some_and(|b| {
            reaches(view, b, crate::type_view::SECRET_TYPE)
                || reaches(view, b, crate::type_view::SECRET_MAP_TYPE)
        });
        let secret_in_response = response.as_deref().is_some_and(|r| {
            reaches(view, r, crate::type_view::SECRET_TYPE)
                || reaches(view, r, crate::type_view::SECRET_MAP_TYPE)
        });
        let done_on_404 = method == "delete"
            && overlay
                .deletes
                .as_ref()
                .is_some_and(|d| d.done_on_404_after_ambiguous_attempt);

        out.push(OperationModel {
            operation_id: id.to_owned(),
            published_operation_id: op
                .get(crate::normalize::PUBLISHED_OPERATION_ID)
                .and_then(Value::as_str)
                .map(str::to_owned),
            name: id.to_snake_case(),
            type_name: id.to_upper_camel_case(),
            method: method.to_uppercase(),
            path: path.to_owned(),
            tag: op
                .pointer("/tags/0")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            summary: op
                .get("summary")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            description: op
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            path_params,
            query_params,
            header_params,
            idempotency_key,
            body,
            response,
            success_status,
            replay,
            replay_reason,
            paging,
            secret_in_request,
            secret_in_response,
            done_on_404,
        });
    }
    Ok(out)
}

/// The Rust type of a parameter's schema.
fn param_type(schema: &Value, enums: &BTreeSet<String>) -> TokenStream {
    if let Some(name) = referenced_component(schema)
        && enums.contains(&name)
    {
        let ident = format_ident!("{}", name);
        return quote!(crate::open_enums::#ident);
    }
    match (
        schema.get("type").and_then(Value::as_str),
        schema.get("format").and_then(Value::as_str),
    ) {
        (Some("string"), Some("uuid")) => quote!(::uuid::Uuid),
        (Some("string"), _) => quote!(::std::string::String),
        (Some("integer"), _) => quote!(i64),
        (Some("number"), _) => quote!(f64),
        (Some("boolean"), _) => quote!(bool),
        _ => quote!(::serde_json::Value),
    }
}

/// Whether `name`'s schema reaches component `target` through `$ref`s.
fn reaches(doc: &Value, name: &str, target: &str) -> bool {
    let ptr = crate::json_pointer::component("schemas", name);
    let Some(schema) = doc.pointer(&ptr) else {
        return false;
    };
    crate::components::reachable(doc, &[(&ptr, schema)])
        .map(|found| found.iter().any(|(_, n)| n == target))
        .unwrap_or(false)
}

/// Paging of a GET with an `offset` parameter and a `data` array in its response.
fn paging(
    merged: &Value,
    method: &str,
    query: &[Param],
    response: Option<&str>,
    overlay: &Overlay,
    id: &str,
) -> Result<Option<PagingModel>, String> {
    let over = overlay.paging.get(id);
    if method != "get" || !query.iter().any(|p| p.wire == "offset") {
        if over.is_some() {
            return Err(
                "the overlay gives paging for an operation that is not a list with `offset`".into(),
            );
        }
        return Ok(None);
    }
    let schema = response.and_then(|r| crate::spec_query::schema_after_hoisting(merged, r));
    let has =
        |field: &str| schema.is_some_and(|s| s.pointer(&format!("/properties/{field}")).is_some());
    if !has("data") {
        return Err("a list with `offset` whose response has no `data` array".into());
    }
    let limit_param = query.iter().any(|p| p.wire == "limit");
    let fixed_page_size = over.and_then(|o| o.page_size);
    if !limit_param && fixed_page_size.is_none() {
        return Err(format!(
            "a list without `limit`: say its page size in openapi/overlay.yaml (`paging: {id}: {{page_size: N, reason: ...}}`)"
        ));
    }
    if !has("total_count") && fixed_page_size.is_none() && !limit_param {
        return Err(
            "a list without `total_count` or `limit` needs a page size in the overlay".into(),
        );
    }
    let item_id = over
        .and_then(|o| o.item_id.clone())
        .unwrap_or_else(|| "id".to_owned());
    Ok(Some(PagingModel {
        limit_param,
        fixed_page_size,
        item_id,
    }))
}
