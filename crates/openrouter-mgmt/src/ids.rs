//! Typed identifiers, validated before anything is sent: guardrail ids are UUIDs, key hashes and user ids are
//! non-empty and always percent-encoded as a single path segment, so no value can change the request path.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use uuid::Uuid;

use crate::error::Error;

/// Everything except RFC 3986 unreserved characters is encoded. This is stricter than the generated client's
/// `encode_path`, which leaves `.` alone (harmless inside a segment) but is itself not enough: a segment that is
/// exactly `.` or `..` is resolved by URL parsing, which is why [`KeyHash`] rejects those outright.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

pub(crate) fn encode_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// A guardrail's id (a UUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GuardrailId(Uuid);

impl GuardrailId {
    /// Wraps a UUID.
    pub fn new(id: Uuid) -> Self {
        Self(id)
    }

    /// The UUID.
    pub fn as_uuid(&self) -> &Uuid {
        &self.0
    }
}

impl From<Uuid> for GuardrailId {
    fn from(id: Uuid) -> Self {
        Self(id)
    }
}

impl FromStr for GuardrailId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Uuid::parse_str(s)
            .map(Self)
            .map_err(|e| Error::invalid_input("guardrail_id", format!("not a UUID: {e}")))
    }
}

impl fmt::Display for GuardrailId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $argument:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Checks and wraps the value: non-empty, not `.` or `..`, no control characters.
            pub fn new(value: impl Into<String>) -> Result<Self, Error> {
                let value = value.into();
                if value.is_empty() {
                    return Err(Error::invalid_input($argument, "must not be empty"));
                }
                if value == "." || value == ".." {
                    return Err(Error::invalid_input($argument, "must not be `.` or `..`"));
                }
                if value.chars().any(char::is_control) {
                    return Err(Error::invalid_input($argument, "must not contain control characters"));
                }
                Ok(Self(value))
            }

            /// The value as given.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The value percent-encoded as one path segment.
            // Used for `KeyHash`; no path holds a `UserId` today.
            #[allow(dead_code)]
            pub(crate) fn path_segment(&self) -> String {
                encode_segment(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            fn try_from(s: String) -> Result<Self, Error> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = Error;
            fn try_from(s: &str) -> Result<Self, Error> {
                Self::new(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// An API key's hash (its id in the management API; not the secret).
    KeyHash,
    "key_hash"
);
string_id!(
    /// An organization member's user id.
    UserId,
    "user_id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_one_segment_whatever_they_contain() {
        let cases = [
            ("abc123", "abc123"),
            ("../x", "..%2Fx"),
            ("a/b?c", "a%2Fb%3Fc"),
            ("a#b", "a%23b"),
            ("%2e%2e", "%252e%252e"),
            ("a b", "a%20b"),
            ("é", "%C3%A9"),
        ];
        for (raw, encoded) in cases {
            assert_eq!(KeyHash::new(raw).unwrap().path_segment(), encoded, "{raw}");
        }
        for bad in ["", ".", "..", "a\nb"] {
            assert!(KeyHash::new(bad).is_err(), "{bad:?}");
            assert!(UserId::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn guardrail_ids_are_uuids() {
        let id: GuardrailId = "550e8400-e29b-41d4-a716-446655440000".parse().unwrap();
        assert_eq!(id.to_string(), "550e8400-e29b-41d4-a716-446655440000");
        let e = "../keys".parse::<GuardrailId>().unwrap_err();
        assert!(matches!(
            e,
            Error::InvalidInput {
                argument: "guardrail_id",
                ..
            }
        ));
    }

    /// The generated client's encoder leaves a lone `..` intact, which URL parsing then resolves away; this is
    /// why the facade rejects `.`/`..` instead of relying on encoding.
    #[test]
    fn dot_segments_would_escape_the_path_if_not_rejected() {
        let url = reqwest::Url::parse(&format!("https://h/api/v1/keys/{}", encode_segment("..")))
            .unwrap();
        assert_eq!(url.path(), "/api/v1/");
        let url = reqwest::Url::parse(&format!("https://h/api/v1/keys/{}", encode_segment("../x")))
            .unwrap();
        assert_eq!(url.path(), "/api/v1/keys/..%2Fx");
    }
}
