//! The management key as a type that never prints itself, so a stray `{:?}` in a log line cannot leak a
//! credential for the whole account (secrets in bodies are the generated crate's `SecretString`).

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderValue;

use crate::error::Error;

/// An OpenRouter API key (normally a management key), held as a secret.
///
/// `Debug` and `Display` print `ApiKey(<redacted>)` / `<redacted>`; the only way to see the value is
/// [`ApiKey::expose_secret`]. Construction rejects values that cannot be sent in an HTTP header (a newline,
/// a control character, non-ASCII) so a bad key fails when the client is built, not on the first request.
#[derive(Clone)]
pub struct ApiKey {
    value: Arc<str>,
}

impl ApiKey {
    /// Checks and wraps a key. Surrounding whitespace is an error rather than silently trimmed: a key read from
    /// a file with a trailing newline is the classic way to get a confusing 401.
    pub fn new(value: impl Into<String>) -> Result<Self, Error> {
        let value: String = value.into();
        if value.is_empty() {
            return Err(Error::invalid_input("api_key", "the API key is empty"));
        }
        if let Some(position) = value.bytes().position(|b| !(0x21..=0x7e).contains(&b)) {
            // Say where, never what: the value itself is the secret.
            return Err(Error::invalid_input(
                "api_key",
                format!(
                    "the API key contains a byte that is not allowed in an HTTP header \
                     (whitespace, a control character or non-ASCII) at position {position}"
                ),
            ));
        }
        Ok(Self {
            value: value.into(),
        })
    }

    /// The key itself. Call this only to hand the key to something that needs it.
    pub fn expose_secret(&self) -> &str {
        &self.value
    }

    /// `Bearer <key>`, marked sensitive so HTTP libraries leave it out of their own debug output.
    pub(crate) fn bearer_header(&self) -> HeaderValue {
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.value))
            .expect("checked in ApiKey::new: visible ASCII only");
        value.set_sensitive(true);
        value
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let key = ApiKey::new("sk-or-v1-supersecret").unwrap();
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.to_string(), "<redacted>");
        assert_eq!(key.expose_secret(), "sk-or-v1-supersecret");
        assert!(key.bearer_header().is_sensitive());
    }

    #[test]
    fn header_illegal_keys_are_rejected_without_echoing_them() {
        for bad in ["sk-or\nZQX", "sk ZQX", "sk-\u{e9}ZQX", "ZQX\r", "\tZQX"] {
            let err = ApiKey::new(bad).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidInput {
                        argument: "api_key",
                        ..
                    }
                ),
                "{bad:?}"
            );
            assert!(!err.to_string().contains("ZQX"), "{err}");
            assert!(!format!("{err:?}").contains("ZQX"), "{err:?}");
        }
        assert!(ApiKey::new("").is_err());
    }
}
