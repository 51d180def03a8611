//! The behaviour of the analytics operations: activity rows per key that has usage (one row per key, dated by the
//! logical clock's day, filtered by key, user, workspace and date), the query language's vocabulary, and queries
//! checked against it (unknown metrics and dimensions are a 400) answering one row of zeros.

use openrouter_mgmt_gen::types;
use serde_json::{Map, Value, json};

use crate::errors::ApiError;
use crate::render;
use crate::request::Request;
use crate::state::State;

/// The day every activity row falls on: the logical clock's origin.
const ACTIVITY_DATE: &str = "2025-01-01";
/// The metrics queries may ask for.
const METRICS: [&str; 3] = ["requests", "usage", "tokens"];
/// The dimensions queries may group by.
const DIMENSIONS: [&str; 3] = ["model", "provider", "api_key"];

/// `get_user_activity`.
pub(crate) fn activity(state: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let query = request.query;
    if let Some(date) = query.text("date")
        && chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err()
    {
        return Err(ApiError::bad_request(format!(
            "`date` must be YYYY-MM-DD, not {date:?}"
        )));
    }
    let (date, key, user, workspace) = (
        query.text("date"),
        query.text("api_key_hash"),
        query.text("user_id"),
        query.text("workspace_id"),
    );
    let rows: Vec<Value> = state
        .keys()
        .filter(|k| k.usage > 0.0 || k.byok_usage > 0.0)
        .filter(|_| date.is_none_or(|d| d == ACTIVITY_DATE))
        .filter(|k| key.is_none_or(|h| k.hash.as_str() == h))
        .filter(|k| {
            user.is_none_or(|u| k.creator_user_id.as_ref().is_some_and(|c| c.as_str() == u))
        })
        .filter(|k| workspace.is_none_or(|w| k.workspace_id == w))
        .map(|k| {
            json!({
                "byok_usage_inference": k.byok_usage,
                "cached_tokens": 0,
                "completion_tokens": 0,
                "date": ACTIVITY_DATE,
                "endpoint_id": "mock-endpoint",
                "model": "openai/gpt-5",
                "model_permaslug": "openai/gpt-5-2025-08-07",
                "prompt_tokens": 0,
                "provider_name": "OpenAI",
                "reasoning_tokens": 0,
                "requests": 1,
                "usage": k.usage,
                "workspace_id": k.workspace_id,
            })
        })
        .collect();
    render::small::<types::ActivityResponse>(json!({ "data": rows }))
}

/// `get_analytics_meta`.
pub(crate) fn meta(_: &mut State, _: &Request<'_>) -> Result<Value, ApiError> {
    let labelled = |names: &[&str]| -> Vec<Value> {
        names
            .iter()
            .map(|n| json!({"name": n, "display_label": n.replace('_', " ")}))
            .collect()
    };
    let metrics: Vec<Value> = METRICS
        .iter()
        .map(|m| {
            let format = if *m == "usage" { "currency" } else { "number" };
            json!({"name": m, "display_label": m, "display_format": format, "is_rate": false})
        })
        .collect();
    render::small::<types::GetAnalyticsMetaResponse>(json!({"data": {
        "dimensions": labelled(&DIMENSIONS),
        "granularities": labelled(&["hour", "day", "week", "month"]),
        "metrics": metrics,
        "operators": [
            {"name": "eq", "value_type": "scalar"},
            {"name": "neq", "value_type": "scalar"},
            {"name": "in", "value_type": "array"},
            {"name": "not_in", "value_type": "array"},
        ],
    }}))
}

/// `query_analytics`: the metrics and dimensions must be ones [`meta`] lists.
pub(crate) fn query(_: &mut State, request: &Request<'_>) -> Result<Value, ApiError> {
    let body: types::QueryAnalyticsBody = request.body()?;
    if body.metrics.is_empty() {
        return Err(ApiError::bad_request(
            "`metrics` must name at least one metric",
        ));
    }
    for (field, names, known) in [
        ("metrics", &body.metrics, &METRICS[..]),
        ("dimensions", &body.dimensions, &DIMENSIONS[..]),
    ] {
        if let Some(unknown) = names.iter().find(|n| !known.contains(&n.as_str())) {
            return Err(ApiError::bad_request(format!(
                "Unknown {field} entry {unknown:?}"
            )));
        }
    }
    let mut row = Map::new();
    for dimension in &body.dimensions {
        row.insert(dimension.clone(), json!("all"));
    }
    for metric in &body.metrics {
        row.insert(metric.clone(), json!(0));
    }
    render::small::<types::QueryAnalyticsResponse>(json!({"data": {
        "data": [row],
        "metadata": {"query_time_ms": 1.0, "row_count": 1, "truncated": false},
        "warnings": [],
    }}))
}
