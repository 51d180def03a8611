//! The route table: the 19 operations the mock serves, how a method and path resolve to one, and their names.

use std::fmt;
use std::str::FromStr;

use axum::http::Method;

/// The prefix every operation is served under, as on `https://openrouter.ai/api/v1`.
pub const BASE_PATH: &str = "/api/v1";

/// One of the 19 management operations, named by the spec's `operationId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// `GET /key` (`getCurrentKey`).
    GetCurrentKey,
    /// `GET /keys` (`list`).
    ListKeys,
    /// `POST /keys` (`createKeys`).
    CreateKeys,
    /// `GET /keys/{hash}` (`getKey`).
    GetKey,
    /// `PATCH /keys/{hash}` (`updateKeys`).
    UpdateKeys,
    /// `DELETE /keys/{hash}` (`deleteKeys`).
    DeleteKeys,
    /// `GET /guardrails` (`listGuardrails`).
    ListGuardrails,
    /// `POST /guardrails` (`createGuardrail`).
    CreateGuardrail,
    /// `GET /guardrails/{id}` (`getGuardrail`).
    GetGuardrail,
    /// `PATCH /guardrails/{id}` (`updateGuardrail`).
    UpdateGuardrail,
    /// `DELETE /guardrails/{id}` (`deleteGuardrail`).
    DeleteGuardrail,
    /// `GET /guardrails/assignments/keys` (`listKeyAssignments`).
    ListKeyAssignments,
    /// `GET /guardrails/assignments/members` (`listMemberAssignments`).
    ListMemberAssignments,
    /// `GET /guardrails/{id}/assignments/keys` (`listGuardrailKeyAssignments`).
    ListGuardrailKeyAssignments,
    /// `POST /guardrails/{id}/assignments/keys` (`bulkAssignKeysToGuardrail`).
    BulkAssignKeysToGuardrail,
    /// `POST /guardrails/{id}/assignments/keys/remove` (`bulkUnassignKeysFromGuardrail`).
    BulkUnassignKeysFromGuardrail,
    /// `GET /guardrails/{id}/assignments/members` (`listGuardrailMemberAssignments`).
    ListGuardrailMemberAssignments,
    /// `POST /guardrails/{id}/assignments/members` (`bulkAssignMembersToGuardrail`).
    BulkAssignMembersToGuardrail,
    /// `POST /guardrails/{id}/assignments/members/remove` (`bulkUnassignMembersFromGuardrail`).
    BulkUnassignMembersFromGuardrail,
}

/// Method, path template (relative to [`BASE_PATH`]) and `operationId` of every operation.
const TABLE: [(Operation, &str, &str, &str); 19] = [
    (Operation::GetCurrentKey, "GET", "/key", "getCurrentKey"),
    (Operation::ListKeys, "GET", "/keys", "list"),
    (Operation::CreateKeys, "POST", "/keys", "createKeys"),
    (Operation::GetKey, "GET", "/keys/{hash}", "getKey"),
    (Operation::UpdateKeys, "PATCH", "/keys/{hash}", "updateKeys"),
    (
        Operation::DeleteKeys,
        "DELETE",
        "/keys/{hash}",
        "deleteKeys",
    ),
    (
        Operation::ListGuardrails,
        "GET",
        "/guardrails",
        "listGuardrails",
    ),
    (
        Operation::CreateGuardrail,
        "POST",
        "/guardrails",
        "createGuardrail",
    ),
    (
        Operation::GetGuardrail,
        "GET",
        "/guardrails/{id}",
        "getGuardrail",
    ),
    (
        Operation::UpdateGuardrail,
        "PATCH",
        "/guardrails/{id}",
        "updateGuardrail",
    ),
    (
        Operation::DeleteGuardrail,
        "DELETE",
        "/guardrails/{id}",
        "deleteGuardrail",
    ),
    (
        Operation::ListKeyAssignments,
        "GET",
        "/guardrails/assignments/keys",
        "listKeyAssignments",
    ),
    (
        Operation::ListMemberAssignments,
        "GET",
        "/guardrails/assignments/members",
        "listMemberAssignments",
    ),
    (
        Operation::ListGuardrailKeyAssignments,
        "GET",
        "/guardrails/{id}/assignments/keys",
        "listGuardrailKeyAssignments",
    ),
    (
        Operation::BulkAssignKeysToGuardrail,
        "POST",
        "/guardrails/{id}/assignments/keys",
        "bulkAssignKeysToGuardrail",
    ),
    (
        Operation::BulkUnassignKeysFromGuardrail,
        "POST",
        "/guardrails/{id}/assignments/keys/remove",
        "bulkUnassignKeysFromGuardrail",
    ),
    (
        Operation::ListGuardrailMemberAssignments,
        "GET",
        "/guardrails/{id}/assignments/members",
        "listGuardrailMemberAssignments",
    ),
    (
        Operation::BulkAssignMembersToGuardrail,
        "POST",
        "/guardrails/{id}/assignments/members",
        "bulkAssignMembersToGuardrail",
    ),
    (
        Operation::BulkUnassignMembersFromGuardrail,
        "POST",
        "/guardrails/{id}/assignments/members/remove",
        "bulkUnassignMembersFromGuardrail",
    ),
];

impl Operation {
    /// All 19 operations, in the order of the API reference.
    pub const ALL: [Operation; 19] = {
        let mut all = [Operation::GetCurrentKey; 19];
        let mut i = 0;
        while i < 19 {
            all[i] = TABLE[i].0;
            i += 1;
        }
        all
    };

    fn row(self) -> &'static (Operation, &'static str, &'static str, &'static str) {
        TABLE
            .iter()
            .find(|row| row.0 == self)
            .expect("every operation has a row")
    }

    /// The HTTP method, e.g. `"POST"`.
    pub fn method(self) -> &'static str {
        self.row().1
    }

    /// The path template relative to [`BASE_PATH`], e.g. `"/guardrails/{id}"`.
    pub fn path_template(self) -> &'static str {
        self.row().2
    }

    /// The spec's `operationId`, e.g. `"createKeys"`.
    pub fn operation_id(self) -> &'static str {
        self.row().3
    }

    /// Whether a request to this operation changes state (creates, updates, deletes, assignments).
    pub fn is_write(self) -> bool {
        self.method() != "GET"
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation_id())
    }
}

/// The error for a string that names no operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOperation(pub String);

impl fmt::Display for UnknownOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no operation is named {:?}", self.0)
    }
}

impl std::error::Error for UnknownOperation {}

impl FromStr for Operation {
    type Err = UnknownOperation;

    /// Accepts the spec's `operationId` (`createKeys`, and `list` or `listKeys` for `GET /keys`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "listKeys" {
            return Ok(Operation::ListKeys);
        }
        TABLE
            .iter()
            .find(|row| row.3 == s)
            .map(|row| row.0)
            .ok_or_else(|| UnknownOperation(s.to_owned()))
    }
}

/// A request resolved to an operation, with its path parameter (a key hash or guardrail id) if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    pub(crate) operation: Operation,
    pub(crate) param: Option<String>,
}

/// Why a request resolves to no operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unresolved {
    /// No operation has this path.
    NotFound,
    /// The path exists, but not with this method.
    MethodNotAllowed,
}

/// Resolves `method` and a path relative to [`BASE_PATH`] (already percent-decoded per segment).
pub(crate) fn resolve(method: &Method, segments: &[String]) -> Result<Resolved, Unresolved> {
    let mut path_exists = false;
    for (operation, row_method, template, _) in &TABLE {
        let Some(param) = match_template(template, segments) else {
            continue;
        };
        path_exists = true;
        if method.as_str() == *row_method {
            return Ok(Resolved {
                operation: *operation,
                param,
            });
        }
    }
    Err(if path_exists {
        Unresolved::MethodNotAllowed
    } else {
        Unresolved::NotFound
    })
}

/// Matches a template's segments; `Some(param)` on a match (the `{...}` segment's value, if the template has one).
fn match_template(template: &str, segments: &[String]) -> Option<Option<String>> {
    let parts: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut param = None;
    for (part, segment) in parts.iter().zip(segments) {
        if part.starts_with('{') {
            // A literal segment of another route (e.g. `assignments`) is not an id of this one.
            if segment.is_empty() || (*part == "{id}" && segment == "assignments") {
                return None;
            }
            param = Some(segment.clone());
        } else if part != segment {
            return None;
        }
    }
    Some(param)
}

/// Splits a relative path into percent-decoded segments (`"/keys/a%20b"` → `["keys", "a b"]`).
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

    #[test]
    fn every_operation_resolves_from_its_own_template() {
        for op in Operation::ALL {
            let path = op
                .path_template()
                .replace("{hash}", "abc")
                .replace("{id}", "g1");
            let got = r(op.method(), &path).unwrap();
            assert_eq!(got.operation, op, "{path}");
            assert_eq!(op.operation_id().parse::<Operation>().unwrap(), op);
        }
    }

    #[test]
    fn literal_routes_win_and_unknowns_are_told_apart() {
        assert_eq!(
            r("GET", "/guardrails/assignments/keys").unwrap().operation,
            Operation::ListKeyAssignments
        );
        assert_eq!(r("PUT", "/keys"), Err(Unresolved::MethodNotAllowed));
        assert_eq!(r("GET", "/nope"), Err(Unresolved::NotFound));
        assert_eq!(r("GET", "/keys/"), Err(Unresolved::NotFound));
        assert_eq!(
            r("GET", "/keys/a%20b").unwrap().param.as_deref(),
            Some("a b")
        );
        assert!("nope".parse::<Operation>().is_err());
    }
}
