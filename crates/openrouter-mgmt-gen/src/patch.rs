//! `Patch<T>`: the three states of an optional, nullable field of an update body (leave it, set it, clear it),
//! which `Option<T>` cannot express. The xtask gives every such field of a PATCH/PUT body this type.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of an update body: not sent (the server keeps its value), sent with a value, or sent as JSON `null`
/// (the server clears it).
///
/// Serialized with `#[serde(default, skip_serializing_if = "Patch::is_unchanged")]` by the generated types, so
/// [`Patch::Unchanged`] leaves the field out of the body and [`Patch::Clear`] writes `null`. Decoding is the
/// reverse: absent → `Unchanged`, `null` → `Clear`, anything else → `Set`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// Not sent: the server keeps the current value.
    #[default]
    Unchanged,
    /// Sent with this value.
    Set(T),
    /// Sent as `null`: the server clears the field.
    Clear,
}

impl<T> Patch<T> {
    /// Whether the field is left out of the body.
    pub fn is_unchanged(&self) -> bool {
        matches!(self, Self::Unchanged)
    }

    /// The value, when one is set.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Self::Set(value) => Some(value),
            _ => None,
        }
    }

    /// Applies the change to a nullable value: `Unchanged` keeps it, `Clear` empties it, `Set` replaces it.
    pub fn apply_to(self, field: &mut Option<T>) {
        match self {
            Self::Unchanged => {}
            Self::Clear => *field = None,
            Self::Set(value) => *field = Some(value),
        }
    }

    /// Maps the value of a `Set`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Self::Unchanged => Patch::Unchanged,
            Self::Clear => Patch::Clear,
            Self::Set(value) => Patch::Set(f(value)),
        }
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Self::Set(value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Set(value) => value.serialize(serializer),
            // `Unchanged` is skipped by the field attribute; if it is serialized anyway, null is the only choice.
            Self::Clear | Self::Unchanged => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(|v| v.map_or(Self::Clear, Self::Set))
    }
}

#[cfg(test)]
mod tests {
    use super::Patch;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
    struct Body {
        #[serde(default, skip_serializing_if = "Patch::is_unchanged")]
        limit: Patch<f64>,
    }

    #[test]
    fn absent_null_and_value_round_trip() {
        for (body, json) in [
            (
                Body {
                    limit: Patch::Unchanged,
                },
                "{}",
            ),
            (
                Body {
                    limit: Patch::Clear,
                },
                r#"{"limit":null}"#,
            ),
            (
                Body {
                    limit: Patch::Set(5.0),
                },
                r#"{"limit":5.0}"#,
            ),
        ] {
            assert_eq!(serde_json::to_string(&body).unwrap(), json);
            assert_eq!(serde_json::from_str::<Body>(json).unwrap(), body);
        }
    }

    #[test]
    fn apply_to_and_map() {
        let mut v = Some(1);
        Patch::Unchanged.apply_to(&mut v);
        assert_eq!(v, Some(1));
        Patch::Set(2).apply_to(&mut v);
        assert_eq!(v, Some(2));
        Patch::Clear.apply_to(&mut v);
        assert_eq!(v, None);
        assert_eq!(Patch::Set(2).map(|x| x * 2), Patch::Set(4));
        assert_eq!(Patch::Set(3).as_set(), Some(&3));
    }
}
