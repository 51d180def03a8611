//! Secret sources in a desired-state file (`{ env = "VAR" }`, `{ file = "path" }`, `{ command = ["op", "read",
//! "…"] }`): kept in the plan as a marker that names the source, read only when a value must be compared or sent,
//! never written anywhere; and the masked-form comparison that detects a rotated secret without state (a live
//! `sk-...wxyz` matches a local value with that head and tail).

use std::collections::BTreeMap;
use std::path::Path;

use openrouter_mgmt::SecretString;
use serde_json::{Map, Value};

use crate::error::DeclareError;

/// The key of the marker object a source becomes in a plan's values: `{"$secret": {"env": "VAR"}}`.
pub(crate) const MARKER: &str = "$secret";

/// What validation sends in a secret's place (never a real value).
const PLACEHOLDER: &str = "placeholder-secret-0000";

/// The marker for a source written in the file, if `value` is one (a table with exactly one of `env`, `file`,
/// `command`).
pub(crate) fn source(value: &Value) -> Option<Value> {
    let table = value.as_object()?;
    if table.len() != 1 {
        return None;
    }
    let (kind, what) = table.iter().next()?;
    let valid = match kind.as_str() {
        "env" | "file" => what.as_str().is_some_and(|s| !s.is_empty()),
        "command" => what
            .as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_string)),
        _ => false,
    };
    valid.then(|| {
        let mut marker = Map::new();
        marker.insert(MARKER.into(), value.clone());
        Value::Object(marker)
    })
}

/// Whether `value` holds a secret marker anywhere.
pub(crate) fn holds_secret(value: &Value) -> bool {
    match value {
        Value::Object(m) => m.contains_key(MARKER) || m.values().any(holds_secret),
        Value::Array(a) => a.iter().any(holds_secret),
        _ => false,
    }
}

/// A description of the sources in `value` (`env:VAR`), for plans: never the values.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Object(m) => match m.get(MARKER).and_then(Value::as_object) {
            Some(source) => source
                .iter()
                .map(|(k, v)| match v {
                    Value::String(s) => format!("{k}:{s}"),
                    other => format!("{k}:{other}"),
                })
                .collect::<Vec<_>>()
                .join(""),
            None => m
                .values()
                .filter(|v| holds_secret(v))
                .map(describe)
                .collect::<Vec<_>>()
                .join(", "),
        },
        Value::Array(a) => a
            .iter()
            .filter(|v| holds_secret(v))
            .map(describe)
            .collect::<Vec<_>>()
            .join(", "),
        _ => String::new(),
    }
}

/// `value` with every marker replaced by `f(source)`.
fn replace(
    value: &Value,
    f: &mut dyn FnMut(&Value) -> Result<String, DeclareError>,
) -> Result<Value, DeclareError> {
    Ok(match value {
        Value::Object(m) => match m.get(MARKER) {
            Some(source) => Value::String(f(source)?),
            None => Value::Object(
                m.iter()
                    .map(|(k, v)| replace(v, f).map(|v| (k.clone(), v)))
                    .collect::<Result<_, _>>()?,
            ),
        },
        Value::Array(a) => Value::Array(a.iter().map(|v| replace(v, f)).collect::<Result<_, _>>()?),
        other => other.clone(),
    })
}

/// Every secret the file's sources hold that can be read now (for an output scrubber to know them all).
pub(crate) fn readable(desired: &crate::file::Desired) -> Vec<SecretString> {
    let reader = Reader::of(desired);
    let mut out = Vec::new();
    for object in &desired.objects {
        for value in object.fields.values() {
            let _ = replace(value, &mut |source| {
                if let Ok(secret) = reader.read(source) {
                    out.push(secret);
                }
                Ok(String::new())
            });
        }
    }
    out
}

/// `value` with placeholders for its secrets (for validation, which must not read them).
pub(crate) fn with_placeholders(value: &Value) -> Value {
    replace(value, &mut |_| Ok(PLACEHOLDER.to_owned())).unwrap_or(Value::Null)
}

/// Where sources are read from: files relative to the desired-state file's folder, `env` from the given
/// environment (or the process's).
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    /// The folder relative files are read from.
    pub(crate) base: &'a Path,
    /// The environment (`None`: the process's).
    pub(crate) env: Option<&'a BTreeMap<String, String>>,
}

impl<'a> Reader<'a> {
    /// The reader for a desired state.
    pub(crate) fn of(desired: &'a crate::file::Desired) -> Self {
        Self {
            base: desired.file.parent().unwrap_or(Path::new(".")),
            env: desired.env.as_ref().map(|e| &e.0),
        }
    }

    /// `value` with its secrets read from their sources.
    pub(crate) fn resolve(&self, value: &Value) -> Result<Value, DeclareError> {
        replace(value, &mut |source| {
            self.read(source).map(|s| s.expose_secret().to_owned())
        })
    }

    fn var(&self, name: &str) -> Option<String> {
        match self.env {
            Some(env) => env.get(name).cloned(),
            None => std::env::var(name).ok(),
        }
    }

    /// Reads one source.
    pub(crate) fn read(&self, source: &Value) -> Result<SecretString, DeclareError> {
        let base = self.base;
        let fail = |m: String| DeclareError::Secret(m);
        let table = source
            .as_object()
            .ok_or_else(|| fail("not a secret source".into()))?;
        let value = if let Some(var) = table.get("env").and_then(Value::as_str) {
            self.var(var)
                .ok_or_else(|| fail(format!("secret source env:{var} is not set")))?
        } else if let Some(file) = table.get("file").and_then(Value::as_str) {
            let path = base.join(file);
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&path)
                    .map_err(|e| fail(format!("secret source file:{file}: {e}")))?
                    .permissions()
                    .mode();
                if mode & 0o077 != 0 {
                    return Err(fail(format!(
                        "secret source file:{file} is readable by group or others (mode {:o}); chmod 600 it",
                        mode & 0o777
                    )));
                }
            }
            std::fs::read_to_string(&path)
                .map_err(|e| fail(format!("secret source file:{file}: {e}")))?
        } else if let Some(command) = table.get("command").and_then(Value::as_array) {
            let argv: Vec<&str> = command.iter().filter_map(Value::as_str).collect();
            let (program, args) = argv
                .split_first()
                .ok_or_else(|| fail("an empty command".into()))?;
            let output = std::process::Command::new(program)
                .args(args)
                .current_dir(base)
                .stdin(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .output()
                .map_err(|e| fail(format!("secret source command `{program}`: {e}")))?;
            if !output.status.success() {
                return Err(fail(format!(
                    "secret source command `{program}` failed: {}",
                    output.status
                )));
            }
            String::from_utf8(output.stdout).map_err(|_| {
                fail(format!(
                    "secret source command `{program}` printed non-UTF-8"
                ))
            })?
        } else {
            return Err(fail(
                "a secret source is `{ env = … }`, `{ file = … }` or `{ command = [...] }`".into(),
            ));
        };
        let value = value.trim_end_matches(['\n', '\r']).to_owned();
        if value.is_empty() {
            return Err(fail(format!(
                "secret source {} is empty",
                describe_source(source)
            )));
        }
        Ok(SecretString::new(value))
    }
}

fn describe_source(source: &Value) -> String {
    let mut marker = Map::new();
    marker.insert(MARKER.into(), source.clone());
    describe(&Value::Object(marker))
}

/// Whether a live value shown masked (`sk-...wxyz`, `***`) can be the masked form of `local`. A short mask (`***`)
/// says nothing, so it matches (use a forced rotation to replace such a secret).
pub fn matches_mask(local: &str, live: &str) -> bool {
    if live == local {
        return true;
    }
    if live.chars().all(|c| c == '*') && !live.is_empty() {
        return true;
    }
    match live.split_once("...") {
        Some((head, tail)) if !head.is_empty() || !tail.is_empty() => {
            local.len() >= head.len() + tail.len()
                && local.starts_with(head)
                && local.ends_with(tail)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_match_by_head_and_tail_only() {
        assert!(matches_mask("sk-abcdefghijkl", "sk-...ijkl"));
        assert!(matches_mask("sk-labcdefghAbCd", "sk-l...AbCd"));
        assert!(!matches_mask("sk-abcdefghijkX", "sk-...ijkl"));
        assert!(!matches_mask("xx-abcdefghijkl", "sk-...ijkl"));
        assert!(matches_mask("short", "***"));
        assert!(!matches_mask("plain", "other"));
    }

    #[test]
    fn only_well_formed_sources_are_markers_and_never_print_their_values() {
        assert!(source(&serde_json::json!({"env": "X"})).is_some());
        assert!(source(&serde_json::json!({"command": ["op", "read"]})).is_some());
        assert!(source(&serde_json::json!({"env": "X", "file": "y"})).is_none());
        assert!(source(&serde_json::json!({"command": []})).is_none());
        let marker = source(&serde_json::json!({"env": "X"})).unwrap();
        assert_eq!(describe(&serde_json::json!({"a": marker})), "env:X");
    }
}
