//! Arguments as the typed operation needs them: each parsed command-line value made JSON by its kind and
//! decoded into the operation's own field type, and the request body merged from `--json-body FILE|-`, the body
//! field flags, `--set a.b=value` and `--clear a.b` (explicit `null`), then decoded into the generated body
//! type with the JSON path of any mistake. Secret body fields come only from files, stdin or the environment.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

use clap::ArgMatches;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::CliError;
use crate::output::Out;
use crate::table::{ArgSpec, CommandSpec, Kind, Location};

/// Where input files, stdin and environment variables come from.
pub(crate) struct Sources<'a> {
    /// Standard input (read at most once).
    pub(crate) stdin: &'a Mutex<Box<dyn Read + Send>>,
    /// The environment.
    pub(crate) env: &'a BTreeMap<String, String>,
    /// The working directory relative paths are read from.
    pub(crate) cwd: &'a Path,
    /// Secrets read are registered here.
    pub(crate) out: &'a Out,
}

impl Sources<'_> {
    /// The contents of `path` (`-`: stdin).
    pub(crate) fn read(&self, path: &str, what: &str) -> Result<String, CliError> {
        if path == "-" {
            let mut text = String::new();
            self.stdin
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .read_to_string(&mut text)
                .map_err(|e| CliError::Invalid(format!("cannot read {what} from stdin: {e}")))?;
            return Ok(text);
        }
        std::fs::read_to_string(self.cwd.join(path))
            .map_err(|e| CliError::Invalid(format!("cannot read {what} from {path}: {e}")))
    }
}

/// A command's arguments, ready to be decoded into its operation's fields.
#[derive(Debug, Default)]
pub(crate) struct Input {
    values: BTreeMap<&'static str, Value>,
    labels: BTreeMap<&'static str, String>,
    body: Option<Value>,
}

impl Input {
    /// Reads `spec`'s arguments from `matches`.
    pub(crate) fn from_matches(
        spec: &CommandSpec,
        matches: &ArgMatches,
        sources: &Sources<'_>,
    ) -> Result<Self, CliError> {
        let mut input = Input::default();
        let mut fields = Map::new();
        for arg in spec.args {
            let label = label(arg);
            if arg.secret {
                let file = matches.get_one::<String>(&format!("{}-file", arg.wire));
                let var = matches.get_one::<String>(&format!("{}-env", arg.wire));
                let value = match (file, var) {
                    (Some(path), _) => Some(
                        sources
                            .read(path, &format!("--{}-file", arg.flag))?
                            .trim_end_matches(['\r', '\n'])
                            .to_owned(),
                    ),
                    (None, Some(var)) => {
                        Some(sources.env.get(var.as_str()).cloned().ok_or_else(|| {
                            CliError::Invalid(format!("--{}-env: `{var}` is not set", arg.flag))
                        })?)
                    }
                    (None, None) => None,
                };
                if let Some(value) = value {
                    sources.out.secret(&value);
                    fields.insert(arg.wire.to_owned(), Value::String(value));
                }
                continue;
            }
            let raw: Vec<String> = matches
                .get_many::<String>(arg.wire)
                .map(|v| v.cloned().collect())
                .unwrap_or_default();
            if raw.is_empty() {
                continue;
            }
            if raw.iter().any(|v| looks_like_a_key(v)) {
                return Err(key_in_argv(&label));
            }
            let value = parse(arg.kind, &raw, &label)?;
            match arg.location {
                Location::Body => {
                    fields.insert(arg.wire.to_owned(), value);
                }
                _ => {
                    input.values.insert(arg.wire, value);
                    input.labels.insert(arg.wire, label);
                }
            }
        }
        if spec.body.is_some() {
            input.body = Some(body(spec, matches, fields, sources)?);
        }
        Ok(input)
    }

    /// Input from already-parsed values (the `api` command: path parameters taken from the path).
    pub(crate) fn from_values(values: BTreeMap<&'static str, Value>, body: Option<Value>) -> Self {
        let labels = values.keys().map(|k| (*k, format!("`{k}`"))).collect();
        Self {
            values,
            labels,
            body,
        }
    }

    /// A required parameter, decoded into its field's type.
    pub(crate) fn required<T: DeserializeOwned>(&self, wire: &'static str) -> Result<T, CliError> {
        self.optional(wire)?
            .ok_or_else(|| CliError::Usage(format!("the argument `{wire}` is required")))
    }

    /// An optional parameter, decoded into its field's type.
    pub(crate) fn optional<T: DeserializeOwned>(
        &self,
        wire: &'static str,
    ) -> Result<Option<T>, CliError> {
        let Some(value) = self.values.get(wire) else {
            return Ok(None);
        };
        serde_json::from_value(value.clone())
            .map(Some)
            .map_err(|e| {
                let label = self
                    .labels
                    .get(wire)
                    .cloned()
                    .unwrap_or_else(|| wire.to_owned());
                CliError::Invalid(format!("{label}: {e}"))
            })
    }

    /// The request body, decoded into the generated body type.
    pub(crate) fn body<T: DeserializeOwned>(&self) -> Result<T, CliError> {
        let value = self
            .body
            .clone()
            .unwrap_or_else(|| Value::Object(Map::new()));
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            if path == "." {
                CliError::Invalid(format!("request body: {}", e.inner()))
            } else {
                CliError::Invalid(format!("request body at `{path}`: {}", e.inner()))
            }
        })
    }
}

/// A value shaped like an OpenRouter API key (`sk-or-…`).
pub(crate) fn looks_like_a_key(value: &str) -> bool {
    value
        .trim_start()
        .trim_start_matches('"')
        .starts_with("sk-or-")
}

/// The refusal of a key on the command line (the message never repeats the value).
pub(crate) fn key_in_argv(label: &str) -> CliError {
    CliError::Invalid(format!(
        "{label}: this value is an API key (it starts with `sk-or-`); keys are never taken from the command line,          where shell history and `ps` keep them (a key's id is its `hash`, from `keys list`)"
    ))
}

fn label(arg: &ArgSpec) -> String {
    match arg.location {
        Location::Path => format!("<{}>", arg.flag.to_uppercase()),
        _ => format!("--{}", arg.flag),
    }
}

/// The JSON value of a command-line value of this kind.
pub(crate) fn parse(kind: Kind, raw: &[String], label: &str) -> Result<Value, CliError> {
    let one = raw.last().map(String::as_str).unwrap_or_default();
    let bad = |what: &str| CliError::Invalid(format!("{label}: `{one}` is not {what}"));
    Ok(match kind {
        Kind::Str => Value::String(one.to_owned()),
        Kind::Int => Value::from(one.trim().parse::<i64>().map_err(|_| bad("an integer"))?),
        Kind::Num => {
            let n = one.trim().parse::<f64>().map_err(|_| bad("a number"))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| bad("a finite number"))?
        }
        Kind::Bool => Value::Bool(match one.trim() {
            "true" => true,
            "false" => false,
            _ => return Err(bad("`true` or `false`")),
        }),
        Kind::StrList => Value::Array(raw.iter().map(|s| Value::String(s.clone())).collect()),
        Kind::Json => serde_json::from_str(one).map_err(|_| bad("JSON"))?,
    })
}

/// The request body from `--json-body`, the body field flags (`fields`), `--set` and `--clear`.
pub(crate) fn body(
    spec: &CommandSpec,
    matches: &ArgMatches,
    fields: Map<String, Value>,
    sources: &Sources<'_>,
) -> Result<Value, CliError> {
    let mut body = match matches.get_one::<String>("json-body") {
        Some(path) => {
            let text = sources.read(path, "--json-body")?;
            serde_json::from_str::<Value>(&text)
                .map_err(|e| CliError::Invalid(format!("--json-body is not JSON: {e}")))?
        }
        None => Value::Object(Map::new()),
    };
    if !body.is_object() {
        return Err(CliError::Invalid(
            "--json-body must hold a JSON object".into(),
        ));
    }
    for (k, v) in fields {
        body[k] = v;
    }
    let secret = |path: &str| {
        spec.args
            .iter()
            .find(|a| a.secret && (path == a.wire || path.starts_with(&format!("{}.", a.wire))))
    };
    for set in matches.get_many::<String>("set").into_iter().flatten() {
        let (path, raw) = set
            .split_once('=')
            .ok_or_else(|| CliError::Usage(format!("--set `{set}`: write PATH=VALUE")))?;
        if let Some(arg) = secret(path) {
            return Err(CliError::Usage(format!(
                "--set {path}: a secret is never taken from the command line; use --{0}-file PATH|- or --{0}-env VAR",
                arg.flag
            )));
        }
        if looks_like_a_key(raw) {
            return Err(key_in_argv(&format!("--set {path}")));
        }
        let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_owned()));
        set_path(&mut body, path, value)
            .map_err(|e| CliError::Usage(format!("--set {path}: {e}")))?;
    }
    for path in matches.get_many::<String>("clear").into_iter().flatten() {
        set_path(&mut body, path, Value::Null)
            .map_err(|e| CliError::Usage(format!("--clear {path}: {e}")))?;
    }
    Ok(body)
}

enum Step {
    Key(String),
    Index(usize),
}

fn steps(path: &str) -> Result<Vec<Step>, String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if name.is_empty() && out.is_empty() {
            return Err("a path starts with a field name".into());
        }
        if !name.is_empty() {
            out.push(Step::Key(name.to_owned()));
        }
        while let Some(stripped) = rest.strip_prefix('[') {
            let end = stripped.find(']').ok_or("an unclosed `[`")?;
            let index = stripped[..end]
                .parse::<usize>()
                .map_err(|_| format!("`{}` is not an index", &stripped[..end]))?;
            out.push(Step::Index(index));
            rest = &stripped[end + 1..];
        }
        if !rest.is_empty() {
            return Err(format!("unexpected `{rest}`"));
        }
    }
    Ok(out)
}

/// Sets `value` at a dotted path with `[n]` indexes, making objects and arrays on the way.
fn set_path(root: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let steps = steps(path)?;
    let mut current = root;
    for step in &steps {
        current = match step {
            Step::Key(k) => {
                if !current.is_object() {
                    *current = Value::Object(Map::new());
                }
                current
                    .as_object_mut()
                    .expect("made an object")
                    .entry(k.clone())
                    .or_insert(Value::Null)
            }
            Step::Index(i) => {
                if !current.is_array() {
                    *current = Value::Array(Vec::new());
                }
                let array = current.as_array_mut().expect("made an array");
                if *i > array.len() {
                    return Err(format!(
                        "index {i} is past the end (the list has {})",
                        array.len()
                    ));
                }
                if *i == array.len() {
                    array.push(Value::Null);
                }
                &mut array[*i]
            }
        };
    }
    *current = value;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_paths_make_objects_and_arrays() {
        let mut v = json!({"a": 1});
        set_path(&mut v, "b.c", json!(2)).unwrap();
        set_path(&mut v, "list[0].x", json!("y")).unwrap();
        set_path(&mut v, "list[1]", json!(3)).unwrap();
        set_path(&mut v, "a", Value::Null).unwrap();
        assert_eq!(
            v,
            json!({"a": null, "b": {"c": 2}, "list": [{"x": "y"}, 3]})
        );
        assert!(set_path(&mut v, "list[5]", json!(1)).is_err());
        assert!(set_path(&mut v, "x[", json!(1)).is_err());
    }

    #[test]
    fn values_are_typed_by_kind() {
        assert_eq!(parse(Kind::Int, &["7".into()], "--n").unwrap(), json!(7));
        assert!(matches!(
            parse(Kind::Int, &["7.5".into()], "--n"),
            Err(CliError::Invalid(_))
        ));
        assert_eq!(
            parse(Kind::StrList, &["a".into(), "b".into()], "--l").unwrap(),
            json!(["a", "b"])
        );
        assert_eq!(
            parse(Kind::Bool, &["false".into()], "--b").unwrap(),
            json!(false)
        );
    }
}
