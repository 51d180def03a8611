//! Decoding one page of a list so that a page the server got partly wrong still yields what it got right: one
//! malformed item costs only itself, and an unusable `total_count` only the bound it would have given.
//!
//! The fast path is the plain decode of the whole response, so a well-formed page costs nothing extra. Only when
//! that fails is the body read again as JSON and its items decoded one by one: the good ones are kept, each bad
//! one becomes a [`BadItem`] (its index, the JSON path that failed, serde's message, a redacted excerpt), and
//! `total_count` is read in any integral spelling or dropped, with a `tracing` warning.

use openrouter_mgmt_gen::ListOperation;
use openrouter_mgmt_gen::lenient::option_integer;
use serde_json::{Map, Value};

use super::attempt::RawResponse;
use super::decode::{decode_tracked, serde_message, snippet};
use super::request::Request;
use crate::error::Error;
use crate::pagination::{BadItem, RawPage};
use crate::redact::Redactor;

/// Decodes a page of list operation `L`; fails only when the body is not a page at all (not a JSON object, or
/// without an items field that is a list), with the [`Error::Decode`] the whole body gives.
pub(crate) fn decode_page<L: ListOperation>(
    request: &Request,
    raw: &RawResponse,
    attempts: u32,
    redactor: &Redactor<'_>,
) -> Result<RawPage<L::Item>, Error> {
    if let Ok(response) = serde_json::from_slice::<L::Response>(&raw.body) {
        let (items, total_count) = L::into_page(response);
        return Ok(RawPage {
            items,
            total_count,
            bad: Vec::new(),
        });
    }
    match item_by_item::<L>(request, raw, redactor) {
        Some(page) => Ok(page),
        None => decode_tracked::<L::Response>(request, raw, attempts, redactor).map(|response| {
            let (items, total_count) = L::into_page(response);
            RawPage {
                items,
                total_count,
                bad: Vec::new(),
            }
        }),
    }
}

/// A stable fingerprint of an item's JSON, so that an item that does not decode can still be recognised when a
/// later page holds it again (the walk anchors on items already seen; see `pagination/walker.rs`). `DefaultHasher`
/// with its fixed keys is deterministic within a process, which is all a walk needs.
fn fingerprint(json: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    json.hash(&mut hasher);
    hasher.finish()
}

/// The page's items decoded one by one, the bad ones apart, and its usable `total_count`; `None` when the body is
/// not a page at all: not a JSON object, or without an items field that is a list (or `null`).
fn item_by_item<L: ListOperation>(
    request: &Request,
    raw: &RawResponse,
    redactor: &Redactor<'_>,
) -> Option<RawPage<L::Item>> {
    let mut document: Map<String, Value> = serde_json::from_slice(&raw.body).ok()?;
    let values = match document.remove(L::ITEMS_FIELD) {
        Some(Value::Null) => Vec::new(),
        Some(Value::Array(values)) => values,
        None | Some(_) => return None,
    };
    let mut items = Vec::with_capacity(values.len());
    let mut bad = Vec::new();
    for (index, value) in values.iter().enumerate() {
        match serde_path_to_error::deserialize::<_, L::Item>(value) {
            Ok(item) => items.push(item),
            Err(e) => {
                let inner_path = e.path().to_string();
                let path = if inner_path == "." {
                    format!("{}[{index}]", L::ITEMS_FIELD)
                } else {
                    format!("{}[{index}].{inner_path}", L::ITEMS_FIELD)
                };
                let excerpt = serde_json::to_vec(value).unwrap_or_default();
                bad.push(BadItem {
                    fingerprint: fingerprint(&excerpt),
                    status: raw.status.as_u16(),
                    index,
                    path,
                    message: serde_message(request, e.inner(), redactor),
                    item_snippet: snippet(request, &excerpt, redactor),
                });
            }
        }
    }
    let total_count = L::TOTAL_COUNT_FIELD.and_then(|field| {
        let value = document.get(field);
        let total = value.and_then(|v| option_integer::<_, i64>(v).ok().flatten());
        if total.is_none() {
            tracing::warn!(
                operation = request.operation,
                path = %request.path,
                field,
                value = %value.map_or_else(
                    || "absent".to_owned(),
                    |v| snippet(request, v.to_string().as_bytes(), redactor)
                ),
                "the page's total count is not a usable integer; ignoring it (the list ends at a short or empty page)"
            );
        }
        total
    });
    Some(RawPage {
        items,
        total_count,
        bad,
    })
}
