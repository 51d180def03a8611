//! Request routing from the generated operation table: a method and path resolve to the `OperationId` whose
//! `info().method` and `info().path_template` match, with every `{name}` segment captured by name.

use axum::http::Method;
use openrouter_mgmt_gen::OperationId;

/// The prefix every operation is served under, as on `https://openrouter.ai/api/v1`.
pub const BASE_PATH: &str = "/api/v1";

/// The path parameters of one request, by the names the path template gives them (percent-decoded).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PathParams(Vec<(&'static str, String)>);

impl PathParams {
    /// The parameters of a template with one `{name}` segment (for a request the mock makes itself).
    pub(crate) fn one(name: &'static str, value: impl Into<String>) -> Self {
        Self(vec![(name, value.into())])
    }

    /// The value of the `{name}` segment, if the template has one.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A request resolved to an operation, with its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub(crate) operation: OperationId,
    pub(crate) params: PathParams,
}

/// Why a request resolves to no operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// No operation has this path.
    NotFound,
    /// The path exists, but not with this method.
    MethodNotAllowed,
}

/// Resolves `method` and a path relative to [`BASE_PATH`] (already split by [`segments`]) against every
/// operation of the generated layer.
pub(crate) fn resolve(method: &Method, segments: &[String]) -> Result<Resolved, Unresolved> {
    let table = OperationId::ALL.map(|op| (op, op.info().method, op.info().path_template));
    resolve_in(&table, method.as_str(), segments)
        .map(|(operation, params)| Resolved { operation, params })
}

/// Resolves against any table of (operation, method, path template). Among the templates that match the path
/// with this method, the one with the most literal segments wins (ties: the first in the table); a path some
/// template matches with another method only is [`Unresolved::MethodNotAllowed`].
fn resolve_in<T: Copy>(
    table: &[(T, &'static str, &'static str)],
    method: &str,
    segments: &[String],
) -> Result<(T, PathParams), Unresolved> {
    let mut path_exists = false;
    let mut best: Option<(usize, T, PathParams)> = None;
    for &(operation, row_method, template) in table {
        let Some(params) = match_template(template, segments) else {
            continue;
        };
        path_exists = true;
        if row_method != method {
            continue;
        }
        let literals = template_parts(template)
            .filter(|part| param_name(part).is_none())
            .count();
        if best.as_ref().is_none_or(|(most, _, _)| literals > *most) {
            best = Some((literals, operation, params));
        }
    }
    match best {
        Some((_, operation, params)) => Ok((operation, params)),
        None if path_exists => Err(Unresolved::MethodNotAllowed),
        None => Err(Unresolved::NotFound),
    }
}

fn template_parts(template: &'static str) -> impl Iterator<Item = &'static str> {
    template.trim_start_matches('/').split('/')
}

/// `Some("id")` for a `{id}` segment.
fn param_name(part: &'static str) -> Option<&'static str> {
    part.strip_prefix('{')?.strip_suffix('}')
}

/// Matches a template's segments: literal segments must be equal, `{name}` segments capture any non-empty one.
fn match_template(template: &'static str, segments: &[String]) -> Option<PathParams> {
    let parts: Vec<&'static str> = template_parts(template).collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut params = Vec::new();
    for (part, segment) in parts.into_iter().zip(segments) {
        match param_name(part) {
            Some(_) if segment.is_empty() => return None,
            Some(name) => params.push((name, segment.clone())),
            None if part != segment => return None,
            None => {}
        }
    }
    Some(PathParams(params))
}

/// Splits a relative path into percent-decoded segments (`"/a/b%20c"` → `["a", "b c"]`).
pub(crate) fn segments(relative_path: &str) -> Vec<String> {
    relative_path
        .trim_start_matches('/')
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(method: &str, path: &str) -> Result<Resolved, Unresolved> {
        resolve(
            &Method::from_bytes(method.as_bytes()).unwrap(),
            &segments(path),
        )
    }

    /// The template with every `{name}` replaced by `<name>-value`.
    fn fill(template: &str) -> String {
        template
            .split('/')
            .map(
                |part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    Some(name) => format!("{name}-value"),
                    None => part.to_owned(),
                },
            )
            .collect::<Vec<_>>()
            .join("/")
    }

    #[test]
    fn every_operation_resolves_from_its_own_template_with_its_params() {
        for op in OperationId::ALL {
            let info = op.info();
            let got = r(info.method, &fill(info.path_template)).unwrap();
            assert_eq!(got.operation, op, "{}", info.path_template);
            for name in info.path_params {
                assert_eq!(got.params.get(name), Some(format!("{name}-value").as_str()));
            }
            assert_eq!(OperationId::from_name(info.name), Some(op));
            assert_eq!(OperationId::from_name(info.operation_id), Some(op));
        }
    }

    #[test]
    fn literal_segments_win_and_unknowns_are_told_apart() {
        let template = |op: OperationId| op.info().path_template;
        assert_eq!(
            r("GET", template(OperationId::ListKeyAssignments))
                .unwrap()
                .operation,
            OperationId::ListKeyAssignments
        );
        assert_eq!(
            r("PUT", template(OperationId::List)),
            Err(Unresolved::MethodNotAllowed)
        );
        assert_eq!(r("GET", "/nope"), Err(Unresolved::NotFound));
        assert_eq!(
            r("GET", &format!("{}/", template(OperationId::List))),
            Err(Unresolved::NotFound)
        );
        let escaped = template(OperationId::GetKey).replace("{hash}", "a%20b");
        let got = r("GET", &escaped).unwrap();
        assert_eq!(got.params.get("hash"), Some("a b"));
        assert_eq!(got.params.get("id"), None);
        assert_eq!(OperationId::from_name("nope"), None);
    }

    #[test]
    fn two_parameters_and_the_most_literal_template() {
        let table = [
            (
                "budget",
                "GET",
                "/workspaces/{workspace_ref}/budgets/{interval}",
            ),
            (
                "default_budget",
                "GET",
                "/workspaces/default/budgets/{interval}",
            ),
            (
                "set_budget",
                "PUT",
                "/workspaces/{workspace_ref}/budgets/{interval}",
            ),
        ];
        let resolve = |method: &str, path: &str| resolve_in(&table, method, &segments(path));
        let (op, params) = resolve("GET", "/workspaces/ws%201/budgets/daily").unwrap();
        assert_eq!(op, "budget");
        assert_eq!(params.get("workspace_ref"), Some("ws 1"));
        assert_eq!(params.get("interval"), Some("daily"));
        let (op, params) = resolve("GET", "/workspaces/default/budgets/weekly").unwrap();
        assert_eq!(
            (op, params.get("interval")),
            ("default_budget", Some("weekly"))
        );
        let (op, params) = resolve("PUT", "/workspaces/default/budgets/weekly").unwrap();
        assert_eq!(
            (op, params.get("workspace_ref")),
            ("set_budget", Some("default"))
        );
        assert_eq!(
            resolve("DELETE", "/workspaces/w/budgets/daily"),
            Err(Unresolved::MethodNotAllowed)
        );
        assert_eq!(
            resolve("GET", "/workspaces//budgets/daily"),
            Err(Unresolved::NotFound)
        );
    }
}
