//! `api METHOD PATH`: a request written as method and path (`api GET '/keys/abc?include_disabled=true'`). The
//! path must be one the spec knows: it is sent as that operation's typed struct through the same engine as every
//! command (validation, retries, redaction), never as a raw request.

use std::collections::BTreeMap;

use clap::{Arg, ArgAction, Command};
use serde_json::{Map, Value};

use crate::app::Ctx;
use crate::error::CliError;
use crate::generated::commands::COMMANDS;
use crate::input::{self, Input};
use crate::table::{CommandSpec, Location};

/// The command.
pub(crate) fn command() -> Command {
    Command::new("api")
        .about("Send a request by method and path; a path the spec knows is sent as its typed operation")
        .args([
            Arg::new("method").required(true).value_name("METHOD"),
            Arg::new("path")
                .required(true)
                .value_name("PATH")
                .help("The path below the base URL, with its query (`/guardrails?limit=5`)"),
            Arg::new("json-body")
                .long("json-body")
                .value_name("FILE|-")
                .help("The request body as JSON, from a file or stdin"),
            Arg::new("set")
                .long("set")
                .value_name("PATH=VALUE")
                .action(ArgAction::Append)
                .help("Set a body field"),
            Arg::new("clear")
                .long("clear")
                .value_name("PATH")
                .action(ArgAction::Append)
                .help("Send an explicit null for a body field"),
        ])
        .args(crate::tree::list_flags())
        .args([
            Arg::new("show-secret")
                .long("show-secret")
                .action(ArgAction::SetTrue)
                .help("Print a new secret on stdout"),
            Arg::new("secret-out")
                .long("secret-out")
                .value_name("PATH")
                .help("Write a new secret to this new file (0600)"),
            Arg::new("secret-command")
                .long("secret-command")
                .value_name("CMD")
                .help("Pipe a new secret to this command"),
        ])
}

/// Path parameters by wire name.
type PathParams = Vec<(&'static str, String)>;

/// The operation whose method and path template match, with the path's parameters; the template with more
/// literal segments wins (`/guardrails/assignments/keys` over `/guardrails/{id}`).
pub(crate) fn resolve(
    method: &str,
    path: &str,
) -> Option<(&'static CommandSpec, Vec<(&'static str, String)>)> {
    let path = path.strip_prefix("/api/v1").unwrap_or(path);
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let mut best: Option<(usize, &'static CommandSpec, PathParams)> = None;
    for spec in COMMANDS
        .iter()
        .filter(|s| s.method.eq_ignore_ascii_case(method))
    {
        let template: Vec<&'static str> = spec.path_template.trim_matches('/').split('/').collect();
        if template.len() != segments.len() {
            continue;
        }
        let mut params = Vec::new();
        let mut literal = 0;
        let matched = template.iter().zip(&segments).all(|(t, s)| {
            if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                let wire = spec
                    .args
                    .iter()
                    .find(|a| a.location == Location::Path && a.wire == name)
                    .map(|a| a.wire);
                match wire {
                    Some(wire) if !s.is_empty() => {
                        params.push((wire, percent_decode(s)));
                        true
                    }
                    _ => false,
                }
            } else {
                literal += 1;
                t == s
            }
        });
        if matched && best.as_ref().is_none_or(|(n, _, _)| literal > *n) {
            best = Some((literal, spec, params));
        }
    }
    best.map(|(_, spec, params)| (spec, params))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs it.
pub(crate) async fn run(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let m = ctx.leaf;
    let method = m.get_one::<String>("method").cloned().unwrap_or_default();
    let raw = m.get_one::<String>("path").cloned().unwrap_or_default();
    if raw.split(['/', '?', '&', '=']).any(input::looks_like_a_key) {
        return Err(input::key_in_argv("PATH"));
    }
    let (path, query) = raw.split_once('?').unwrap_or((&raw, ""));
    let (spec, params) = resolve(&method, path).ok_or_else(|| {
        CliError::Usage(format!(
            "{} {path} is not an operation of the spec; `openrouter-mgmt docs --format tree` lists them",
            method.to_uppercase()
        ))
    })?;
    let mut values: BTreeMap<&'static str, Value> = BTreeMap::new();
    for (wire, value) in params {
        values.insert(wire, Value::String(value));
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, "true"));
        let name = percent_decode(name);
        let arg = spec
            .args
            .iter()
            .find(|a| a.location == Location::Query && a.wire == name)
            .ok_or_else(|| {
                CliError::Usage(format!(
                    "`{name}` is not a query parameter of {} {}",
                    spec.method, spec.path_template
                ))
            })?;
        let value = input::parse(arg.kind, &[percent_decode(value)], &format!("`{name}`"))?;
        values.insert(arg.wire, value);
    }
    let body = match spec.body {
        Some(_) => Some(input::body(spec, m, Map::new(), &ctx.sources())?),
        None => None,
    };
    let input = Input::from_values(values, body);
    crate::app::send(ctx, spec, &input).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_literal_template_wins() {
        let (spec, params) = resolve("GET", "/guardrails/assignments/keys").unwrap();
        assert_eq!(spec.path_template, "/guardrails/assignments/keys");
        assert!(params.is_empty());
        let (spec, params) = resolve("get", "/api/v1/guardrails/abc").unwrap();
        assert_eq!(spec.path_template, "/guardrails/{id}");
        assert_eq!(params, vec![("id", "abc".to_owned())]);
        assert!(resolve("GET", "/nope").is_none());
        assert_eq!(percent_decode("a%2Fb"), "a/b");
    }
}
