//! Typed identifiers: the same type in the responses that carry an id and in the operations that take one, so a
//! created guardrail's `id` goes straight into `get`, `update` or `delete`. The overlay (`openapi/overlay.yaml`)
//! says which fields and path parameters are which id; the xtask puts these types there.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::checks::Invalid;
use crate::path::ParamValue;

/// A guardrail's id (a UUID).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct GuardrailId(Uuid);

impl GuardrailId {
    /// Wraps a UUID (or takes a `GuardrailId` as it is).
    pub fn new(id: impl Into<Uuid>) -> Self {
        Self(id.into())
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

impl From<GuardrailId> for Uuid {
    fn from(id: GuardrailId) -> Self {
        id.0
    }
}

impl PartialEq<Uuid> for GuardrailId {
    fn eq(&self, other: &Uuid) -> bool {
        self.0 == *other
    }
}

impl FromStr for GuardrailId {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Uuid::parse_str(s)
            .map(Self)
            .map_err(|e| Invalid::new("guardrail_id", format!("not a UUID: {e}")))
    }
}

impl fmt::Display for GuardrailId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ParamValue for GuardrailId {
    fn param_value(&self) -> String {
        self.0.to_string()
    }
}

/// A key's hash is never the key itself: a value shaped like an OpenRouter key (`sk-or-…`) is refused, so that a
/// key and its hash mixed up cannot put the secret in a URL (and in every log line that names the path). The
/// message says which is which and never repeats the value.
fn not_a_secret_key(value: &str) -> Result<(), Invalid> {
    if value.trim_start().starts_with("sk-or-") {
        return Err(Invalid::new(
            "key_hash",
            "this is an API key (it starts with `sk-or-`), not a key's hash: the hash is the `hash` field that \
             `keys().list()`, `keys().get()` and `keys().create()` return (the id of the key in the management \
             API); the key itself is a secret and is never sent in a URL",
        ));
    }
    Ok(())
}

/// No extra rule.
fn any(_: &str) -> Result<(), Invalid> {
    Ok(())
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $argument:literal, $check:path) => {
        $(#[$doc])*
        ///
        /// [`new`](Self::new) checks a value you type in (non-empty, not `.` or `..`, no control characters);
        /// decoding a response accepts whatever the server sent, and the path encoder refuses what cannot be a
        /// path segment when the value is used.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Checks and wraps the value: non-empty, not `.` or `..`, no control characters.
            pub fn new(value: impl Into<String>) -> Result<Self, Invalid> {
                let value = value.into();
                if value.is_empty() {
                    return Err(Invalid::new($argument, "must not be empty"));
                }
                if value == "." || value == ".." {
                    return Err(Invalid::new($argument, "must not be `.` or `..`"));
                }
                if value.chars().any(char::is_control) {
                    return Err(Invalid::new($argument, "must not contain control characters"));
                }
                $check(&value)?;
                Ok(Self(value))
            }

            /// The value as given.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(s: &str) -> Result<Self, Invalid> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = Invalid;
            fn try_from(s: String) -> Result<Self, Invalid> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = Invalid;
            fn try_from(s: &str) -> Result<Self, Invalid> {
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

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl ParamValue for $name {
            fn param_value(&self) -> String {
                self.0.clone()
            }
        }
    };
}

string_id!(
    /// An API key's hash (its id in the management API; not the secret, which [`KeyHash::new`] refuses).
    KeyHash,
    "key_hash",
    not_a_secret_key
);
string_id!(
    /// An organization member's user id.
    UserId,
    "user_id",
    any
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_input_is_checked_and_decoding_is_lenient() {
        for bad in ["", ".", "..", "a\nb"] {
            assert!(KeyHash::new(bad).is_err(), "{bad:?}");
            assert!(UserId::new(bad).is_err(), "{bad:?}");
        }
        let decoded: KeyHash = serde_json::from_str(r#"".""#).unwrap();
        assert_eq!(decoded.as_str(), ".");
        assert_eq!(serde_json::to_string(&decoded).unwrap(), r#"".""#);
    }

    #[test]
    fn a_secret_key_is_not_a_hash_and_is_not_repeated() {
        let key = "sk-or-v1-0123456789abcdefSECRET";
        let e = KeyHash::new(key).unwrap_err();
        assert_eq!(e.argument, "key_hash");
        assert!(e.reason.contains("not a key's hash"), "{}", e.reason);
        assert!(!format!("{e} {e:?}").contains("SECRET"));
        assert!(" sk-or-v1-x".parse::<KeyHash>().is_err());
        KeyHash::new("f01d52606dc8f0a8303a7b5cc3fa07109c2e346cec7c0a16b40de462992ce943").unwrap();
        UserId::new("sk-or-not-a-key-but-a-user").unwrap();
    }

    #[test]
    fn guardrail_ids_are_uuids() {
        let id: GuardrailId = "550e8400-e29b-41d4-a716-446655440000".parse().unwrap();
        assert_eq!(id.to_string(), "550e8400-e29b-41d4-a716-446655440000");
        assert_eq!(
            "../keys".parse::<GuardrailId>().unwrap_err().argument,
            "guardrail_id"
        );
        assert!(serde_json::from_str::<GuardrailId>(r#""nope""#).is_err());
    }
}
