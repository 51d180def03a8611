//! Request bodies: JSON that must be an object, decoded with the failing path named in the 400's message, and
//! the three states of a PATCH field (absent = unchanged, `null` = clear, value = set).

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::errors::ApiError;

/// Decodes a JSON object body into `T`, or a 400 that says what is wrong and where.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    from_object(object(body)?)
}

/// Decodes a body that must be a JSON object, or a 400.
pub(crate) fn object(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("Request body is required"));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("Malformed JSON in request body: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::bad_request("Request body must be a JSON object"));
    }
    Ok(value)
}

/// Decodes a JSON object into `T`, or a 400 that names the failing path.
pub(crate) fn from_object<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        ApiError::bad_request(format!("Invalid request body at `{path}`: {}", e.inner()))
    })
}

/// A PATCH field: left out, sent as `null`, or sent with a value. Use with `#[serde(default)]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Patch<T> {
    /// Not in the body: leave the field unchanged.
    #[default]
    Absent,
    /// `null`: clear the field.
    Null,
    /// A new value.
    Value(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(|v| v.map_or(Patch::Null, Patch::Value))
    }
}

impl<T> Patch<T> {
    /// Applies the patch to a nullable field.
    pub(crate) fn apply_to(self, field: &mut Option<T>) {
        match self {
            Patch::Absent => {}
            Patch::Null => *field = None,
            Patch::Value(v) => *field = Some(v),
        }
    }

    /// The value for a field that may not be `null`; a 400 naming `field` if the body sent `null`.
    pub(crate) fn non_null(self, field: &str) -> Result<Option<T>, ApiError> {
        match self {
            Patch::Absent => Ok(None),
            Patch::Null => Err(ApiError::bad_request(format!("`{field}` may not be null"))),
            Patch::Value(v) => Ok(Some(v)),
        }
    }

    /// The value, if one was sent.
    pub(crate) fn as_value(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the field was in the body at all.
    pub(crate) fn is_present(&self) -> bool {
        !matches!(self, Patch::Absent)
    }
}

/// A 400 unless `value` is absent or a finite number ≥ 0 (spending limits).
pub(crate) fn check_non_negative(field: &str, value: Option<f64>) -> Result<(), ApiError> {
    match value {
        Some(v) if !(v.is_finite() && v >= 0.0) => Err(ApiError::bad_request(format!(
            "`{field}` must be a number >= 0"
        ))),
        _ => Ok(()),
    }
}

/// A 400 unless an open enum value is one the spec lists.
pub(crate) fn check_known(
    field: &str,
    known: bool,
    value: &str,
    allowed: &[&str],
) -> Result<(), ApiError> {
    if known {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!(
            "`{field}` must be one of {allowed:?}, not {value:?}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        limit: Patch<f64>,
    }

    #[test]
    fn absent_null_and_value_are_distinct() {
        assert_eq!(parse::<Body>(b"{}").unwrap().limit, Patch::Absent);
        assert_eq!(
            parse::<Body>(br#"{"limit":null}"#).unwrap().limit,
            Patch::Null
        );
        assert_eq!(
            parse::<Body>(br#"{"limit":5}"#).unwrap().limit,
            Patch::Value(5.0)
        );
    }

    #[test]
    fn bad_bodies_are_400s_that_say_where() {
        for bad in [&b""[..], b"{", b"[1]", b"3", br#"{"limit":"x"}"#] {
            let err = parse::<Body>(bad).err().expect("rejected");
            assert_eq!(err.status.as_u16(), 400);
        }
        let err = parse::<Body>(br#"{"limit":"x"}"#).err().unwrap();
        assert!(err.message.contains("limit"), "{}", err.message);
    }
}
