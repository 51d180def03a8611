//! Path and query parameter values as they go on the wire: every path segment percent-encoded so no value can
//! change the request path, and `.`/`..`/empty segments refused (URL parsing would resolve them away).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::checks::Invalid;

/// Everything except RFC 3986 unreserved characters is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// One path parameter, percent-encoded as a single segment. Empty, `.` and `..` are refused: the first makes
/// another route's path, the others are resolved away by URL parsing (`/keys/..` would become `/`).
pub fn segment(argument: &'static str, value: &str) -> Result<String, Invalid> {
    match value {
        "" => Err(Invalid::new(argument, "must not be empty")),
        "." | ".." => Err(Invalid::new(
            argument,
            "must not be `.` or `..` (a path segment that URL parsing resolves away)",
        )),
        _ => Ok(utf8_percent_encode(value, SEGMENT).to_string()),
    }
}

/// A value that can be sent as a path or query parameter.
pub trait ParamValue {
    /// The value as the wire carries it (before percent-encoding).
    fn param_value(&self) -> String;
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn param_value(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_param!(
    String,
    str,
    bool,
    i64,
    i32,
    u64,
    u32,
    f64,
    uuid::Uuid,
    std::num::NonZeroU64
);

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn param_value(&self) -> String {
        (**self).param_value()
    }
}

impl ParamValue for serde_json::Value {
    /// A string is sent as itself; anything else as its JSON text (`true`, `3`).
    fn param_value(&self) -> String {
        match self {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_one_segment_whatever_they_contain() {
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
            assert_eq!(segment("hash", raw).unwrap(), encoded, "{raw}");
        }
        for bad in ["", ".", ".."] {
            assert_eq!(segment("hash", bad).unwrap_err().argument, "hash");
        }
    }

    #[test]
    fn json_values_are_sent_bare() {
        assert_eq!(serde_json::json!("true").param_value(), "true");
        assert_eq!(serde_json::json!(false).param_value(), "false");
    }
}
