//! YAML in and out: documents are handled as ordered `serde_json::Value`s and written in one stable format.

use crate::error::{Result, SpecError};
use serde_json::{Map, Number, Value};

/// Parses YAML text into an ordered JSON value. Scalar mapping keys (like unquoted `200:`) become strings,
/// which is what OpenAPI means by them; anything else a JSON document cannot hold is an error.
pub fn parse(text: &str) -> Result<Value> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let mut err = SpecError::new(format!("malformed YAML: {e}"));
        if let Some(loc) = e.location() {
            err.message = format!(
                "malformed YAML at line {}, column {}: {e}",
                loc.line(),
                loc.column()
            );
        }
        err
    })?;
    to_json(yaml, "")
}

fn to_json(yaml: serde_yaml::Value, pointer: &str) -> Result<Value> {
    use serde_yaml::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Value::Number(Number::from_f64(f).ok_or_else(|| {
                    SpecError::new(format!("number {f} cannot be represented in JSON")).at(pointer)
                })?)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| to_json(v, &format!("{pointer}/{i}")))
                .collect::<Result<_>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_string(),
                    other => {
                        return Err(SpecError::new(format!(
                            "mapping key {other:?} is not a scalar"
                        ))
                        .at(pointer));
                    }
                };
                let child = crate::json_pointer::push(pointer, &key);
                out.insert(key, to_json(v, &child)?);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => to_json(tagged.value, pointer)?,
    })
}

/// Serializes a value as YAML. The output depends only on the value (key order is the map's order).
pub fn dump(value: &Value) -> String {
    // serde_yaml cannot fail on a serde_json::Value: every key is a string and every number is finite.
    serde_yaml::to_string(value).expect("a JSON value always serializes as YAML")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_keys_become_strings_and_order_is_kept() {
        let v =
            parse("responses:\n  200: {description: ok}\n  '404': {description: no}\nb: 1\na: 2\n")
                .unwrap();
        let keys: Vec<_> = v["responses"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["200", "404"]);
        let top: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(top, ["responses", "b", "a"]);
    }

    #[test]
    fn malformed_yaml_reports_line() {
        let err = parse("a: [1, 2\nb: c").unwrap_err();
        assert!(err.message.contains("malformed YAML"), "{err}");
    }

    #[test]
    fn round_trip_is_stable() {
        let v = parse("x:\n  - 'null'\n  - string\ny: \"multi\\nline\"\n").unwrap();
        let once = dump(&v);
        assert_eq!(dump(&parse(&once).unwrap()), once);
    }
}
