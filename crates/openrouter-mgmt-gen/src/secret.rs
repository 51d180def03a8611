//! `SecretString`: a string that never prints itself, the type the xtask gives every field the overlay marks as
//! a secret (a created key's plaintext, a provider key, a destination credential).

use std::fmt;

/// A string that must not be printed. `Debug` and `Display` print `<redacted>`; the only way to see the value is
/// [`SecretString::expose_secret`]. It serializes as the plain string, since requests must carry it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Store it somewhere safe right away: the API will not show a created key again.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::SecretString;

    #[test]
    fn never_printed_but_sent() {
        let s = SecretString::new("sk-or-v1-created");
        assert!(!format!("{s:?}{s}{s:#?}").contains("created"));
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""sk-or-v1-created""#);
    }
}
