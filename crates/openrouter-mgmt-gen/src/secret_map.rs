//! `SecretMap`: a JSON object whose values never print themselves, the type the xtask gives every free-form map
//! field the overlay marks as a secret (a destination's provider configuration, custom HTTP headers).

use std::fmt;

use serde_json::{Map, Value};

/// A JSON object whose values may hold credentials (an observability destination's `config`, custom `headers`
/// that may carry an `Authorization` token). `Debug` and `Display` show the keys only, every value as
/// `<redacted>`; [`SecretMap::expose_secret`] gives the object itself. It serializes as the plain object, since
/// requests must carry it, and inside [`collect_secrets`](crate::collect_secrets) notes every string it holds
/// (at any depth), so that the engine keeps them out of what the server answers.
#[derive(Clone, Default, PartialEq, serde::Deserialize)]
#[serde(transparent)]
pub struct SecretMap(Map<String, Value>);

impl SecretMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` to `value` (a string, number, object, ...), returning the map for chaining.
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.insert(key, value);
        self
    }

    /// Sets `key` to `value`, returning the value it replaces (a secret itself: do not print it).
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        self.0.insert(key.into(), value.into())
    }

    /// The keys, which are not secret (`apiKey`, `baseUrl`, `Authorization`).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The object itself, credentials included.
    pub fn expose_secret(&self) -> &Map<String, Value> {
        &self.0
    }
}

impl From<Map<String, Value>> for SecretMap {
    fn from(value: Map<String, Value>) -> Self {
        Self(value)
    }
}

impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for SecretMap {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

/// Notes every string under `value` as a secret.
fn note_strings(value: &Value) {
    match value {
        Value::String(s) => crate::secret::note(s),
        Value::Array(items) => items.iter().for_each(note_strings),
        Value::Object(map) => map.values().for_each(note_strings),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

impl serde::Serialize for SecretMap {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.values().for_each(note_strings);
        self.0.serialize(serializer)
    }
}

/// Prints `<redacted>` in place of every value.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Debug for SecretMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretMap")?;
        f.debug_map()
            .entries(self.0.keys().map(|k| (k, Redacted)))
            .finish()
    }
}

impl fmt::Display for SecretMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::SecretMap;
    use crate::SecretString;

    #[test]
    fn prints_keys_but_never_values() {
        let m = SecretMap::new().with("secretKey", "sk-lf-hidden").with(
            "nested",
            serde_json::json!({"Authorization": "Bearer hidden"}),
        );
        for shown in [format!("{m}"), format!("{m:?}"), format!("{m:#?}")] {
            assert!(!shown.contains("hidden"), "{shown}");
            assert!(
                shown.contains("secretKey") && shown.contains("<redacted>"),
                "{shown}"
            );
        }
    }

    #[test]
    fn serializes_as_the_object_and_notes_every_string() {
        let m = SecretMap::new()
            .with("secretKey", "sk-one")
            .with("port", 8123)
            .with(
                "headers",
                serde_json::json!({"Authorization": "Bearer two", "list": ["three"]}),
            );
        let (json, secrets) = crate::collect_secrets(|| serde_json::to_value(&m).unwrap());
        assert_eq!(json, serde_json::Value::Object(m.expose_secret().clone()));
        let mut exposed: Vec<&str> = secrets.iter().map(SecretString::expose_secret).collect();
        exposed.sort_unstable();
        assert_eq!(exposed, ["Bearer two", "sk-one", "three"]);
        let back: SecretMap = serde_json::from_value(json).unwrap();
        assert_eq!(back, m);
    }
}
