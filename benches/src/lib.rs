//! Deterministic, realistic payloads for the benchmarks, so every run measures the same bytes.

use serde_json::{Value, json};

/// A page of `n` guardrails with every field populated, as `GET /guardrails` returns it.
pub fn guardrail_page(n: usize) -> String {
    let data: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "id": format!("550e8400-e29b-41d4-a716-{:012x}", i),
                "name": format!("Guardrail {i}"),
                "description": format!("Budget and routing policy number {i} for the production fleet"),
                "limit_usd": 100.0 + i as f64,
                "reset_interval": (["daily", "weekly", "monthly"][i % 3]),
                "allowed_providers": ["openai", "anthropic", "google"],
                "allowed_models": ["openai/gpt-5.2-20251211", "anthropic/claude-4.5-opus-20251124"],
                "ignored_providers": ["azure"],
                "ignored_models": ["openai/gpt-4o-mini-2024-07-18"],
                "enforce_zdr": null,
                "enforce_zdr_anthropic": true,
                "enforce_zdr_openai": i % 2 == 0,
                "enforce_zdr_google": false,
                "enforce_zdr_xai": false,
                "enforce_zdr_other": false,
                "content_filters": [{"action": "redact", "label": "[API_KEY]", "pattern": "\\b(sk-[a-zA-Z0-9]{48})\\b"}],
                "content_filter_builtins": [{"action": "redact", "label": "[EMAIL]", "slug": "email"}],
                "include_byok_in_budgets": false,
                "enable_free_model_publication": false,
                "enable_free_model_training": true,
                "enable_paid_model_training": true,
                "workspace_id": "0df9e665-d932-5740-b2c7-b52af166bc11",
                "created_at": "2025-08-24T10:30:00Z",
                "updated_at": "2025-08-24T15:45:00Z"
            })
        })
        .collect();
    json!({ "data": data, "total_count": n }).to_string()
}
