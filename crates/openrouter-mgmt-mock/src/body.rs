//! Request bodies: JSON that must be an object, decoded into the generated body type (the failing path named in
//! the 400's message), checked with the generated `Validate`, plus the few checks the spec cannot express.

use openrouter_mgmt_gen::Validate;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::errors::ApiError;
use crate::fields;

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

/// Decodes a JSON object into the generated body type `T` and checks the spec's constraints, or a 400 that says
/// what is wrong and where.
///
/// `update`: the body of a PATCH or PUT, where the generated type is a `Patch` for every field that may be `null`;
/// a field that is a plain `Option` there may not be, so `null` for it is a 400 rather than "unchanged".
pub(crate) fn decode<T: DeserializeOwned + Serialize + Validate>(
    value: Value,
    update: bool,
) -> Result<T, ApiError> {
    let raw = update.then(|| value.clone());
    let decoded: T = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        ApiError::bad_request(format!("Invalid request body at `{path}`: {}", e.inner()))
    })?;
    if let Some(Value::Object(raw)) = raw {
        let kept = serde_json::to_value(&decoded).unwrap_or(Value::Null);
        let known = fields::names::<T>();
        if let Some(name) = raw.iter().find_map(|(name, v)| {
            (v.is_null() && known.contains(&name.as_str()) && kept.get(name).is_none())
                .then_some(name)
        }) {
            return Err(ApiError::bad_request(format!("`{name}` may not be null")));
        }
    }
    decoded.validate().map_err(|invalid| {
        ApiError::bad_request(format!(
            "Invalid `{}`: {}",
            invalid.argument, invalid.reason
        ))
    })?;
    Ok(decoded)
}

/// A 400 unless `value` is absent or a finite number ≥ 0 (spending limits; the spec sets no minimum).
pub(crate) fn check_non_negative(field: &str, value: Option<f64>) -> Result<(), ApiError> {
    match value {
        Some(v) if !(v.is_finite() && v >= 0.0) => Err(ApiError::bad_request(format!(
            "`{field}` must be a number >= 0"
        ))),
        _ => Ok(()),
    }
}

/// A 400 unless an open enum value is one the spec lists (the generated enums keep unknown values).
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
    use openrouter_mgmt_gen::{Patch, types};

    fn update(body: &[u8]) -> Result<types::UpdateKeysBody, ApiError> {
        decode(object(body)?, true)
    }

    #[test]
    fn absent_null_and_value_are_distinct_in_generated_patch_bodies() {
        assert_eq!(update(b"{}").unwrap().limit, Patch::Unchanged);
        assert_eq!(update(br#"{"limit":null}"#).unwrap().limit, Patch::Clear);
        assert_eq!(update(br#"{"limit":5}"#).unwrap().limit, Patch::Set(5.0));
        assert_eq!(
            update(br#"{"unknown":null}"#).unwrap(),
            types::UpdateKeysBody::default()
        );
    }

    #[test]
    fn null_for_a_field_that_cannot_be_null_is_a_400_in_updates_only() {
        let err = update(br#"{"limit":1,"name":null}"#).unwrap_err();
        assert_eq!(
            (err.status.as_u16(), err.message.as_str()),
            (400, "`name` may not be null")
        );
        let created: types::CreateKeysBody =
            decode(object(br#"{"name":"k","limit":null}"#).unwrap(), false).unwrap();
        assert_eq!(created.limit, None);
    }

    #[test]
    fn bad_bodies_are_400s_that_say_where() {
        for bad in [&b""[..], b"{", b"[1]", b"3", br#"{"limit":"x"}"#] {
            let err = update(bad).expect_err("rejected");
            assert_eq!(err.status.as_u16(), 400);
        }
        let err = update(br#"{"limit":"x"}"#).unwrap_err();
        assert!(err.message.contains("limit"), "{}", err.message);
        let err = decode::<types::CreateGuardrailRequest>(
            object(br#"{"name":"g","allowed_models":[]}"#).unwrap(),
            false,
        )
        .unwrap_err();
        assert_eq!(err.status.as_u16(), 400);
        assert!(err.message.contains("`allowed_models`"), "{}", err.message);
        let err = decode::<types::BulkAssignKeysRequest>(
            object(br#"{"key_hashes":["a",""]}"#).unwrap(),
            false,
        )
        .unwrap_err();
        assert!(err.message.contains("`key_hashes`"), "{}", err.message);
    }
}
