//! `SecretString`: a string that never prints itself, the type the xtask gives every field the overlay marks as
//! a secret (a created key's plaintext, a provider key, a destination credential).

use std::cell::RefCell;
use std::fmt;

/// A string that must not be printed. `Debug` and `Display` print `<redacted>`; the only way to see the value is
/// [`SecretString::expose_secret`]. It serializes as the plain string, since requests must carry it (and, inside
/// [`collect_secrets`], is noted on the way, so that the caller can keep it out of what the server answers).
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

thread_local! {
    /// The secrets serialized on this thread inside [`collect_secrets`], if a collection is running.
    static COLLECTED: RefCell<Option<Vec<SecretString>>> = const { RefCell::new(None) };
}

/// Runs `serialize` (a synchronous serialization) and returns its result with every [`SecretString`] it wrote: the
/// engine learns which values of a request body are secrets without knowing the body's type, and redacts them from
/// whatever the server answers.
pub fn collect_secrets<R>(serialize: impl FnOnce() -> R) -> (R, Vec<SecretString>) {
    let outer = COLLECTED.with(|c| c.replace(Some(Vec::new())));
    let result = serialize();
    let collected = COLLECTED.with(|c| c.replace(outer)).unwrap_or_default();
    (result, collected)
}

/// Notes `secret` as written, if a [`collect_secrets`] is running on this thread (for secret types other than
/// [`SecretString`], such as [`SecretMap`](crate::SecretMap)'s values).
pub(crate) fn note(secret: &str) {
    COLLECTED.with(|c| {
        if let Some(collected) = c.borrow_mut().as_mut() {
            collected.push(SecretString::new(secret));
        }
    });
}

impl serde::Serialize for SecretString {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        note(&self.0);
        serializer.serialize_str(&self.0)
    }
}

impl SecretString {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself. Store it somewhere safe right away: the API will not show a created key again.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString(<redacted>)")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::SecretString;

    #[test]
    fn serialization_notes_the_secrets_it_writes_only_when_asked() {
        #[derive(serde::Serialize)]
        struct Body {
            name: &'static str,
            key: SecretString,
            more: Vec<SecretString>,
        }
        let body = Body {
            name: "n",
            key: SecretString::new("one"),
            more: vec![SecretString::new("two")],
        };
        let (json, secrets) = super::collect_secrets(|| serde_json::to_string(&body).unwrap());
        assert_eq!(json, r#"{"name":"n","key":"one","more":["two"]}"#);
        let exposed: Vec<&str> = secrets.iter().map(SecretString::expose_secret).collect();
        assert_eq!(exposed, ["one", "two"]);
        let (_, none) = super::collect_secrets(|| serde_json::to_string("plain").unwrap());
        assert!(none.is_empty());
        // Outside a collection nothing is kept.
        serde_json::to_string(&body).unwrap();
        let (_, after) = super::collect_secrets(|| ());
        assert!(after.is_empty());
    }

    #[test]
    fn never_printed_but_sent() {
        let s = SecretString::new("sk-or-v1-created");
        assert!(!format!("{s:?}{s}{s:#?}").contains("created"));
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""sk-or-v1-created""#);
    }
}
