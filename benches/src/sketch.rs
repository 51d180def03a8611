//! What the generated constrained-string newtypes (e.g. `BulkAssignKeysRequestKeyHashesItem`, `minLength: 1`)
//! would cost if their `Deserialize` validated the decoded `String` in place and moved it into the newtype. The
//! generated code instead calls `FromStr`, which counts the characters and then copies the string (`to_string`)
//! into a second allocation before dropping the first.

use serde::{Deserialize, Deserializer};

/// A key hash validated in place: the decoded `String` is checked and moved, never copied.
#[derive(Debug)]
pub struct KeyHash(String);

impl KeyHash {
    /// The hash.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for KeyHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = String::deserialize(deserializer)?;
        // `chars().count() < 1` is `is_empty()`; a `maxLength` check can skip counting when `len()` fits.
        if value.is_empty() {
            return Err(serde::de::Error::custom("shorter than 1 characters"));
        }
        Ok(Self(value))
    }
}

/// [`crate::floor::BulkAssign`] with validated key hashes, as the fixed generated code would decode it.
#[derive(Debug, Deserialize)]
pub struct BulkAssign {
    /// The key hashes.
    pub key_hashes: Vec<KeyHash>,
}
