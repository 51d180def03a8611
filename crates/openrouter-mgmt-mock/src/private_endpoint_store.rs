//! A private endpoint as the mock stores it, and the shapes the API shows it in: in lists, and after a create or a
//! lifecycle action (the whole endpoint is stored as `GET /private-endpoints/{id}` shows it).

use serde_json::{Value, json};

/// A private endpoint as the mock stores it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PrivateEndpointRecord {
    /// The endpoint as `GET /private-endpoints/{id}` shows it (a `PrivateEndpoint`).
    pub(crate) endpoint: Value,
    /// When it was created (lists and the lifecycle operations show it).
    pub(crate) created_at: String,
    /// Whether a passing validation is on record for the current upstream.
    pub(crate) validated: bool,
}

impl PrivateEndpointRecord {
    /// Its lifecycle status (`draft` when unset).
    pub(crate) fn status(&self) -> &str {
        self.endpoint["status"].as_str().unwrap_or("draft")
    }

    /// How lists show it (`PrivateEndpointSummary`).
    pub(crate) fn summary(&self) -> Value {
        let e = &self.endpoint;
        json!({
            "created_at": self.created_at,
            "id": e["id"],
            "model_name": e["model_name"],
            "model_permaslug": e["model_permaslug"],
            "model_slug": e["model_slug"],
            "provider_name": e["provider_name"],
            "status": e["status"],
        })
    }

    /// How creates and the lifecycle operations show it (`ManagedPrivateEndpoint`).
    pub(crate) fn managed(&self) -> Value {
        let mut managed = self.summary();
        for field in ["declared_region", "declared_zdr", "max_completion_tokens"] {
            managed[field] = self.endpoint[field].clone();
        }
        managed
    }
}
