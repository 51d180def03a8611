//! Integers as servers actually spell them: the deserializers `cargo xtask regen` puts on every integer field of
//! every type an answer can hold, so that a count sent as `3.0`, `1e2` or `"3"` decodes like `3`.
//!
//! OpenRouter's spec typed its counts as `number` before February 2026, and its servers are not always on the
//! spec; the official Python SDK's lax decoding accepts these spellings too. Accepted, for an integer type `T`:
//! a JSON integer, a JSON number with no fractional part (`3.0`, `1e2`), and a string holding either (`"3"`,
//! `"3.0"`, `"1e2"`), as long as the value fits `T`. Unusable: a fractional number (`2.5`), a value out of `T`'s
//! range (`1e300`, `-1` for an unsigned type), or a string that is not a number (`"many"`, `""`, `" 3"`, `"NaN"`).
//! Anything else (a boolean, list or object) is a type error for both functions.
//!
//! The plain integer case costs what `i64::deserialize` costs: the visitor takes the number serde_json has already
//! parsed, and a string is read borrowed where the JSON has no escapes. Request bodies do not use these: what the
//! SDK sends keeps the spec's exact types, and serialization is unchanged.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Unexpected, Visitor};

/// A required integer in any integral spelling (see the module docs); an unusable value is an error.
///
/// For `#[serde(deserialize_with = "...")]` on a field of an integer type.
pub fn integer<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64>,
{
    deserializer
        .deserialize_any(IntegerVisitor::<T> {
            unusable_is_none: false,
            target: PhantomData,
        })?
        .ok_or_else(|| de::Error::custom("an unusable integer was accepted"))
}

/// An optional integer in any integral spelling (see the module docs): `null` and an unusable value (fractional,
/// out of range, or a string that is not a number) decode as `None`.
///
/// For `#[serde(default, deserialize_with = "...")]` on a field of type `Option` of an integer type (`default`
/// keeps a missing field `None`).
pub fn option_integer<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64>,
{
    deserializer.deserialize_option(OptionVisitor::<T>(PhantomData))
}

/// Reads one integer; `Ok(None)` means unusable (only when `unusable_is_none`).
struct IntegerVisitor<T> {
    unusable_is_none: bool,
    target: PhantomData<T>,
}

impl<T> IntegerVisitor<T> {
    fn unusable<E: de::Error>(&self, unexpected: Unexpected<'_>) -> Result<Option<T>, E> {
        if self.unusable_is_none {
            Ok(None)
        } else {
            Err(E::invalid_value(
                unexpected,
                &"an integer in range (e.g. 3, 3.0, 1e2 or \"3\")",
            ))
        }
    }
}

impl<'de, T: TryFrom<i64> + TryFrom<u64>> Visitor<'de> for IntegerVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, an integral number or a string holding one")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match T::try_from(v) {
            Ok(n) => Ok(Some(n)),
            Err(_) => self.unusable(Unexpected::Signed(v)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        match T::try_from(v) {
            Ok(n) => Ok(Some(n)),
            Err(_) => self.unusable(Unexpected::Unsigned(v)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        match from_f64(v) {
            Some(n) => Ok(Some(n)),
            None => self.unusable(Unexpected::Float(v)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let parsed = if let Ok(n) = v.parse::<i64>() {
            T::try_from(n).ok()
        } else if let Ok(n) = v.parse::<u64>() {
            T::try_from(n).ok()
        } else {
            v.parse::<f64>().ok().and_then(from_f64)
        };
        match parsed {
            Some(n) => Ok(Some(n)),
            None => self.unusable(Unexpected::Str(v)),
        }
    }
}

/// `null` as `None`, anything else through [`IntegerVisitor`] with unusable values as `None`.
struct OptionVisitor<T>(PhantomData<T>);

impl<'de, T: TryFrom<i64> + TryFrom<u64>> Visitor<'de> for OptionVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null, an integer, an integral number or a string holding one")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(IntegerVisitor::<T> {
            unusable_is_none: true,
            target: PhantomData,
        })
    }
}

/// An integral, finite `f64` that fits `T`.
fn from_f64<T: TryFrom<i64> + TryFrom<u64>>(v: f64) -> Option<T> {
    // 2^63 and 2^64 are exact in f64; every integral f64 below them converts exactly.
    const I64_END: f64 = 9_223_372_036_854_775_808.0;
    const U64_END: f64 = 18_446_744_073_709_551_616.0;
    if !v.is_finite() || v.fract() != 0.0 {
        return None;
    }
    if (-I64_END..I64_END).contains(&v) {
        T::try_from(v as i64).ok()
    } else if (0.0..U64_END).contains(&v) {
        T::try_from(v as u64).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Counts {
        #[serde(deserialize_with = "super::integer")]
        required: i64,
        #[serde(default, deserialize_with = "super::option_integer")]
        optional: Option<i64>,
        #[serde(default, deserialize_with = "super::option_integer")]
        small: Option<u8>,
    }

    fn required(json: &str) -> Result<i64, String> {
        serde_json::from_str::<Counts>(&format!(r#"{{"required": {json}}}"#))
            .map(|c| c.required)
            .map_err(|e| e.to_string())
    }

    fn optional(json: &str) -> Option<i64> {
        serde_json::from_str::<Counts>(&format!(r#"{{"required": 0, "optional": {json}}}"#))
            .unwrap_or_else(|e| panic!("{json}: {e}"))
            .optional
    }

    #[test]
    fn every_integral_spelling_decodes() {
        for (json, expected) in [
            ("3", 3),
            ("-3", -3),
            ("3.0", 3),
            ("-0.0", 0),
            ("1e2", 100),
            ("1E2", 100),
            ("\"3\"", 3),
            ("\"+3\"", 3),
            ("\"3.0\"", 3),
            ("\"1e2\"", 100),
            ("9223372036854775807", i64::MAX),
            ("\"-9223372036854775808\"", i64::MIN),
        ] {
            assert_eq!(required(json), Ok(expected), "{json}");
            assert_eq!(optional(json), Some(expected), "{json}");
        }
    }

    #[test]
    fn an_unusable_value_fails_a_required_field_and_is_none_in_an_optional_one() {
        for json in [
            "2.5",
            "1e300",
            "-1e300",
            "9223372036854775808",
            "\"many\"",
            "\"\"",
            "\" 3\"",
            "\"NaN\"",
            "\"inf\"",
            "\"2.5\"",
        ] {
            let error = required(json).expect_err(json);
            assert!(error.contains("invalid value"), "{json}: {error}");
            assert_eq!(optional(json), None, "{json}");
        }
    }

    #[test]
    fn null_and_absence_are_none_and_other_types_are_errors() {
        assert_eq!(optional("null"), None);
        let absent: Counts = serde_json::from_str(r#"{"required": 1}"#).unwrap();
        assert_eq!(
            absent,
            Counts {
                required: 1,
                optional: None,
                small: None
            }
        );
        assert!(required("null").is_err());
        assert!(required("true").is_err());
        assert!(serde_json::from_str::<Counts>(r#"{"required": 0, "optional": [1]}"#).is_err());
    }

    #[test]
    fn the_target_type_bounds_the_range() {
        let small = |json: &str| {
            serde_json::from_str::<Counts>(&format!(r#"{{"required": 0, "small": {json}}}"#))
                .unwrap()
                .small
        };
        assert_eq!(small("255"), Some(255));
        assert_eq!(small("255.0"), Some(255));
        assert_eq!(small("256"), None);
        assert_eq!(small("-1"), None);
        assert_eq!(small("\"-1\""), None);
    }

    #[test]
    fn a_serde_json_value_decodes_the_same() {
        let value = serde_json::json!({"required": "7", "optional": 8.0});
        let counts = Counts::deserialize(&value).unwrap();
        assert_eq!((counts.required, counts.optional), (7, Some(8)));
    }
}
