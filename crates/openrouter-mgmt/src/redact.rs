//! Redaction: whatever an error or a log line quotes from a server's answer never carries a secret, in any
//! encoding a JSON body can use (`\u002d` escapes included): anything shaped like an OpenRouter key (`sk-or-…`),
//! the client's own management key whatever its shape, and the secrets the request itself carried (a provider key).

use openrouter_mgmt_gen::SecretString;
use serde_json::Value;

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// The longest body excerpt an error carries.
pub(crate) const SNIPPET_CHARS: usize = 256;

/// Redacts key-shaped text always, and the client's own key and the request's secrets when they are known.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Redactor<'a> {
    own_key: Option<&'a str>,
    request_secrets: &'a [SecretString],
}

impl<'a> Redactor<'a> {
    /// A redactor that also removes `own_key` (the management key the client sends) wherever it appears.
    pub(crate) fn with_own_key(own_key: &'a str) -> Self {
        Self {
            // A key this short would redact ordinary words; real keys are far longer.
            own_key: (own_key.len() >= 8).then_some(own_key),
            request_secrets: &[],
        }
    }

    /// The same redactor, also removing the secrets the request carried (those of 8 characters or more, as for the
    /// own key).
    pub(crate) fn and_request_secrets(self, secrets: &'a [SecretString]) -> Self {
        Self {
            request_secrets: secrets,
            ..self
        }
    }

    /// `text` with JSON escapes decoded (so an escaped key is seen) and every secret replaced.
    pub(crate) fn text(&self, text: &str) -> String {
        let mut out = unescape_json(text);
        if let Some(key) = self.own_key {
            out = out.replace(key, REDACTED);
        }
        for secret in self.request_secrets {
            let secret = secret.expose_secret();
            if secret.len() >= 8 {
                out = out.replace(secret, REDACTED);
            }
        }
        redact_key_shapes(&out)
    }

    /// Every string (and object key) of a JSON value, redacted in place.
    pub(crate) fn json(&self, value: &mut Value) {
        match value {
            Value::String(s) => *s = self.text(s),
            Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (k, mut v) in entries {
                    self.json(&mut v);
                    map.insert(self.text(&k), v);
                }
            }
            _ => {}
        }
    }

    /// A bounded, printable excerpt of a response body, redacted.
    pub(crate) fn snippet(&self, body: &[u8]) -> String {
        let redacted = self.text(&String::from_utf8_lossy(body));
        let mut out: String = redacted.chars().take(SNIPPET_CHARS).collect();
        if redacted.chars().count() > SNIPPET_CHARS {
            out.push('…');
        }
        out
    }
}

/// Decodes the JSON string escapes that can hide a key from a plain search: `\uXXXX` (outside surrogates) and
/// `\/`. Everything else is left as it is.
fn unescape_json(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(hex) = tail.strip_prefix("\\u").and_then(|t| t.get(..4))
            && let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        {
            out.push(c);
            rest = &tail[6..];
        } else if let Some(after) = tail.strip_prefix("\\/") {
            out.push('/');
            rest = after;
        } else {
            out.push('\\');
            rest = &tail[1..];
        }
    }
    out.push_str(rest);
    out
}

/// Replaces anything shaped like an OpenRouter key (`sk-or-…`) with [`REDACTED`].
fn redact_key_shapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("sk-or-") {
        out.push_str(&rest[..i]);
        out.push_str(REDACTED);
        let tail = &rest[i..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn snippets_are_bounded_and_redact_keys() {
        let body = format!(
            r#"{{"key":"sk-or-v1-abc123DEF","x":"{}"}}"#,
            "y".repeat(10_000)
        );
        let s = Redactor::default().snippet(body.as_bytes());
        assert!(!s.contains("abc123DEF"), "{s}");
        assert!(s.contains(REDACTED));
        assert!(s.chars().count() <= SNIPPET_CHARS + 1);
    }

    #[test]
    fn escaped_keys_and_the_own_key_are_redacted() {
        let r = Redactor::with_own_key("mgmt-custom-key-0042");
        let escaped =
            r#"{"k":"sk\u002dor\u002dv1\u002dabcSECRET","own":"mgmt\u002dcustom-key-0042"}"#;
        let out = r.text(escaped);
        assert!(!out.contains("SECRET") && !out.contains("0042"), "{out}");
        let mut v =
            json!({"provided_key": "sk-or-v1-xyzSECRET", "nested": [{"mgmt-custom-key-0042": 1}]});
        r.json(&mut v);
        let text = v.to_string();
        assert!(!text.contains("SECRET") && !text.contains("0042"), "{text}");
        assert_eq!(r.text("plain \\n text"), "plain \\n text");
        assert_eq!(Redactor::with_own_key("short").text("short"), "short");
    }

    #[test]
    fn the_request_secrets_are_redacted_escaped_or_not() {
        let secrets = [
            SecretString::new("anthropic-PROVIDERSECRET"),
            SecretString::new("tiny"),
        ];
        let r = Redactor::with_own_key("mgmt-custom-key-0042").and_request_secrets(&secrets);
        let text = r.text(r#"bad key anthropic\u002dPROVIDERSECRET and tiny"#);
        assert_eq!(text, "bad key <redacted> and tiny");
    }
}
