//! Per-field comparators: whether a declared value and the live one mean the same (sets ignore order, numbers
//! compare numerically, instants whatever their notation, an empty list is no list), so that a plan shows a change
//! only where something differs.

use serde_json::Value;

use crate::table::Compare;

/// Whether `desired` and `live` mean the same under `compare`.
pub fn same(compare: Compare, desired: &Value, live: &Value) -> bool {
    match compare {
        Compare::Set => match (list(desired), list(live)) {
            (Some(a), Some(b)) => canonical_sorted(a) == canonical_sorted(b),
            _ => desired == live,
        },
        Compare::List => match (list(desired), list(live)) {
            (Some(a), Some(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| json_same(x, y))
            }
            _ => desired == live,
        },
        Compare::Number => match (desired.as_f64(), live.as_f64()) {
            (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
            _ => desired == live,
        },
        Compare::Instant => match (instant(desired), instant(live)) {
            (Some(a), Some(b)) => a == b,
            _ => desired == live,
        },
        Compare::Text | Compare::Bool => desired == live,
        Compare::Json => json_same(desired, live),
        Compare::Url => match (desired.as_str(), live.as_str()) {
            (Some(a), Some(b)) => normal_url(a) == normal_url(b),
            _ => desired == live,
        },
        Compare::Subset => match (desired, live) {
            (Value::Object(d), Value::Object(l)) => d
                .iter()
                .all(|(k, v)| json_same(v, l.get(k).unwrap_or(&Value::Null))),
            _ => json_same(desired, live),
        },
    }
}

/// Whether a declared value holding secrets (read from their sources) matches the live one, which shows secrets
/// masked and may hold more keys than were declared: objects compare the declared keys only, strings equal or match
/// their masked form, numbers numerically.
pub(crate) fn same_masked(desired: &Value, live: &Value) -> bool {
    match (desired, live) {
        (Value::Object(d), Value::Object(l)) => d
            .iter()
            .all(|(k, v)| same_masked(v, l.get(k).unwrap_or(&Value::Null))),
        (Value::String(d), Value::String(l)) => crate::secrets::matches_mask(d, l),
        (Value::Array(d), Value::Array(l)) => {
            d.len() == l.len() && d.iter().zip(l).all(|(x, y)| same_masked(x, y))
        }
        (Value::Number(_), Value::Number(_)) => same(Compare::Number, desired, live),
        _ => desired == live,
    }
}

/// A URL with its scheme and host in lower case and no trailing `/` (the path keeps its case).
fn normal_url(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            format!(
                "{}://{}{path}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            )
        }
        None => url.to_owned(),
    }
}

/// A list, with `null` read as the empty list.
fn list(value: &Value) -> Option<&[Value]> {
    match value {
        Value::Array(a) => Some(a),
        Value::Null => Some(&[]),
        _ => None,
    }
}

fn canonical_sorted(values: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = values.iter().map(canonical).collect();
    out.sort();
    out.dedup();
    out
}

/// JSON with object keys sorted and numbers in one notation.
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .into_iter()
                .filter(|k| !m[*k].is_null())
                .map(|k| format!("{k:?}:{}", canonical(&m[k])))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |f| format!("{f}")),
        other => other.to_string(),
    }
}

/// Exact JSON equality, except that object keys may come in any order, an absent key equals `null`, and numbers
/// compare numerically.
fn json_same(desired: &Value, live: &Value) -> bool {
    canonical(desired) == canonical(live)
}

fn instant(value: &Value) -> Option<chrono::DateTime<chrono::Utc>> {
    let s = value.as_str()?;
    chrono::DateTime::parse_from_rfc3339(s)
        .or_else(|_| chrono::DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%:z"))
        .or_else(|_| chrono::DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z"))
        .ok()
        .map(|d| d.with_timezone(&chrono::Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sets_ignore_order_and_duplicates_and_lists_do_not() {
        assert!(same(Compare::Set, &json!(["a", "b"]), &json!(["b", "a"])));
        assert!(!same(Compare::Set, &json!(["a", "b"]), &json!(["a"])));
        assert!(same(Compare::Set, &json!([]), &Value::Null));
        assert!(!same(Compare::List, &json!(["a", "b"]), &json!(["b", "a"])));
        assert!(same(
            Compare::List,
            &json!([{"a": 1, "b": null}]),
            &json!([{"a": 1.0}])
        ));
    }

    #[test]
    fn numbers_and_instants_compare_by_value() {
        assert!(same(Compare::Number, &json!(100), &json!(100.0)));
        assert!(!same(Compare::Number, &json!(100), &json!(100.5)));
        assert!(!same(Compare::Number, &json!(100), &Value::Null));
        assert!(same(
            Compare::Instant,
            &json!("2027-12-31T23:59:59Z"),
            &json!("2027-12-31 23:59:59+00:00")
        ));
        assert!(!same(
            Compare::Instant,
            &json!("2027-12-31T23:59:59Z"),
            &json!("2027-12-31T23:59:58Z")
        ));
    }

    #[test]
    fn urls_ignore_the_case_of_scheme_and_host_and_a_trailing_slash() {
        assert!(same(
            Compare::Url,
            &json!("HTTPS://LLM.Acme.example/v1/"),
            &json!("https://llm.acme.example/v1")
        ));
        assert!(!same(
            Compare::Url,
            &json!("https://llm.acme.example/V1"),
            &json!("https://llm.acme.example/v1")
        ));
        assert!(!same(
            Compare::Url,
            &json!("https://a.example"),
            &json!("https://b.example")
        ));
    }
}
