//! RFC 6901 JSON pointers: building them while walking a document, following local `$ref`s, and naming where two
//! documents differ.

use serde_json::Value;

/// Escapes one reference token (`~` → `~0`, `/` → `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends one token to a pointer.
pub fn push(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// The pointer for `#/components/<kind>/<name>`.
pub fn component(kind: &str, name: &str) -> String {
    format!("/components/{}/{}", escape(kind), escape(name))
}

/// Splits a local `$ref` (`#/components/schemas/Foo`) into `(kind, name)`; `None` for anything else.
pub fn parse_component_ref(reference: &str) -> Option<(String, String)> {
    let rest = reference.trim().strip_prefix("#/components/")?;
    let (kind, name) = rest.split_once('/')?;
    if name.contains('/') {
        return None;
    }
    Some((unescape(kind), unescape(name)))
}

/// Unescapes one reference token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The `$ref` string of a schema/parameter/response object, if it is a reference.
pub fn ref_of(value: &Value) -> Option<&str> {
    value.get("$ref").and_then(Value::as_str)
}

/// The pointer (below `ptr`) of the first place where two values differ; `None` when they are equal.
pub fn first_difference(a: &Value, b: &Value, ptr: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    Some(vb) => {
                        if let Some(d) = first_difference(va, vb, &push(ptr, k)) {
                            return Some(d);
                        }
                    }
                    None => return Some(push(ptr, k)),
                }
            }
            y.keys().find(|k| !x.contains_key(*k)).map(|k| push(ptr, k))
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if let Some(d) = first_difference(va, vb, &format!("{ptr}/{i}")) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| format!("{ptr}/{}", x.len().min(y.len())))
        }
        _ => (a != b).then(|| ptr.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_parses() {
        assert_eq!(push("/paths", "/keys/{hash}"), "/paths/~1keys~1{hash}");
        assert_eq!(
            parse_component_ref("#/components/schemas/A~1B"),
            Some(("schemas".into(), "A/B".into()))
        );
        assert_eq!(parse_component_ref("other.yaml#/x"), None);
        assert_eq!(component("schemas", "X"), "/components/schemas/X");
    }
}
