//! How a request body changes a stored object, for every create and update the mock implements: the body's fields
//! are laid over the object's JSON (a present field replaces the value, `null` clears it, a nested object is merged
//! field by field) and the result must decode as the object's generated type again. No handler lists fields: a field
//! the spec gives both the body and the object is carried over with no hand-written line.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::errors::ApiError;

/// `object` with `changes` (a request body, or any JSON object) laid over it; a 400 naming `what` when the result
/// is no longer a valid object (a required field cleared, a wrong type).
pub(crate) fn merged<T: Serialize + DeserializeOwned>(
    object: &T,
    changes: &impl Serialize,
    what: &str,
) -> Result<T, ApiError> {
    let mut target = serde_json::to_value(object).expect("a stored object always serializes");
    let changes = serde_json::to_value(changes).expect("a request body always serializes");
    if let (Value::Object(target), Value::Object(changes)) = (&mut target, changes) {
        lay_over(target, changes);
    }
    serde_json::from_value(target)
        .map_err(|e| ApiError::bad_request(format!("Invalid {what} after the change: {e}")))
}

fn lay_over(target: &mut Map<String, Value>, changes: Map<String, Value>) {
    for (field, change) in changes {
        match (target.get_mut(&field), change) {
            (Some(Value::Object(inner)), Value::Object(change)) => lay_over(inner, change),
            (_, change) => {
                target.insert(field, change);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::merged;

    #[test]
    fn fields_replace_null_clears_and_objects_merge() {
        let stored = json!({"a": 1, "b": "x", "policy": {"p": true, "q": 3}});
        let out: serde_json::Value =
            merged(&stored, &json!({"b": null, "policy": {"q": 4}}), "thing").unwrap();
        assert_eq!(
            out,
            json!({"a": 1, "b": null, "policy": {"p": true, "q": 4}})
        );
    }
}
