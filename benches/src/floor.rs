//! The floor of the serialization benches: the same fields as the generated types, as plain `String`s, `f64`s
//! and `bool`s, which is the least work serde_json can do to produce owned values (no validation, no parsing of
//! uuids or timestamps). The gap between the generated types and these is the cost of code generation.
#![allow(dead_code)] // Fields exist to be decoded and encoded, not read.

use serde::{Deserialize, Serialize};

#[derive(Deserialize, Serialize)]
/// A page of guardrails (`GET /guardrails`).
pub struct GuardrailPage {
    data: Vec<Guardrail>,
    total_count: i64,
}

#[derive(Deserialize, Serialize)]
struct Guardrail {
    id: String,
    name: String,
    description: Option<String>,
    limit_usd: Option<f64>,
    reset_interval: Option<String>,
    allowed_providers: Option<Vec<String>>,
    allowed_models: Option<Vec<String>>,
    ignored_providers: Option<Vec<String>>,
    ignored_models: Option<Vec<String>>,
    enforce_zdr: Option<bool>,
    enforce_zdr_anthropic: Option<bool>,
    enforce_zdr_openai: Option<bool>,
    enforce_zdr_google: Option<bool>,
    enforce_zdr_xai: Option<bool>,
    enforce_zdr_other: Option<bool>,
    content_filters: Option<Vec<Filter>>,
    content_filter_builtins: Option<Vec<Builtin>>,
    include_byok_in_budgets: bool,
    enable_free_model_publication: Option<bool>,
    enable_free_model_training: Option<bool>,
    enable_paid_model_training: Option<bool>,
    workspace_id: Option<String>,
    created_at: String,
    updated_at: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct Filter {
    action: String,
    label: Option<String>,
    pattern: String,
}

#[derive(Deserialize, Serialize)]
struct Builtin {
    action: String,
    label: Option<String>,
    slug: String,
}

#[derive(Deserialize, Serialize)]
/// A page of key assignments (`GET /guardrails/assignments/keys`).
pub struct KeyAssignmentPage {
    data: Vec<KeyAssignment>,
    total_count: i64,
}

#[derive(Deserialize, Serialize)]
struct KeyAssignment {
    id: String,
    key_hash: String,
    guardrail_id: String,
    key_name: String,
    key_label: String,
    assigned_by: Option<String>,
    created_at: String,
}

#[derive(Deserialize, Serialize)]
/// A page of API keys (`GET /keys`).
pub struct KeyPage<Expiry = String> {
    data: Vec<Key<Expiry>>,
}

/// [`KeyPage`] with `expires_at` as a `chrono::DateTime<Utc>`, as the generated type has it: the difference to
/// [`KeyPage`] is what typing that one timestamp costs.
pub type KeyPageTypedExpiry = KeyPage<chrono::DateTime<chrono::Utc>>;

#[derive(Deserialize, Serialize)]
struct Key<Expiry> {
    hash: String,
    name: String,
    label: String,
    disabled: bool,
    limit: Option<f64>,
    limit_remaining: Option<f64>,
    limit_reset: Option<String>,
    include_byok_in_limit: bool,
    usage: f64,
    usage_daily: f64,
    usage_weekly: f64,
    usage_monthly: f64,
    byok_usage: f64,
    byok_usage_daily: f64,
    byok_usage_weekly: f64,
    byok_usage_monthly: f64,
    created_at: String,
    updated_at: Option<String>,
    expires_at: Option<Expiry>,
    creator_user_id: Option<String>,
    workspace_id: String,
}

#[derive(Deserialize, Serialize)]
/// A bulk-assign body (`POST /guardrails/{id}/assignments/keys`).
pub struct BulkAssign {
    key_hashes: Vec<String>,
}
