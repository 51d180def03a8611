//! The wire names of a generated struct's fields, asked of its `Deserialize` impl, so the mock can reason about a
//! body's or response's fields without a hand-typed list of them.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// The JSON field names of `T`, a struct deriving `Deserialize` (empty for anything else).
pub(crate) fn names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    // The derive hands its field list to `deserialize_struct` and then fails on our error, as intended.
    let _ = T::deserialize(Introspect(&mut fields));
    fields
}

/// A deserializer that only records what `deserialize_struct` is told.
struct Introspect<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for Introspect<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(de::Error::custom("field names recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use openrouter_mgmt_gen::types;

    #[test]
    fn generated_structs_tell_their_wire_names() {
        let fields = super::names::<types::UpdateKeysBody>();
        for field in [
            "disabled",
            "include_byok_in_limit",
            "limit",
            "limit_reset",
            "name",
        ] {
            assert!(fields.contains(&field), "{field} in {fields:?}");
        }
        assert!(super::names::<types::Guardrail>().contains(&"reset_interval"));
        assert!(super::names::<String>().is_empty());
    }
}
