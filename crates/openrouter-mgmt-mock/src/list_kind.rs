//! The lists the mock serves that churn changes and lifetimes track: which list operations serve each list, in
//! which scope (a workspace, a guardrail, the organization), and which list a route names.

use openrouter_mgmt_gen::OperationId;

use crate::faults::Route;

/// One kind of list item, whatever operation serves it (the key assignments of one guardrail are a part of all
/// key assignments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ListKind {
    /// API keys, by `hash`, per workspace.
    Keys,
    /// Guardrails, by `id`, per workspace.
    Guardrails,
    /// Key assignments, by `id`, per guardrail.
    KeyAssignments,
    /// Member assignments, by `id`, per guardrail.
    MemberAssignments,
    /// Workspaces, by `id`.
    Workspaces,
    /// Workspace memberships, by `id`, per workspace.
    WorkspaceMembers,
    /// Organization members, by `id` (the user id).
    OrganizationMembers,
    /// BYOK keys, by `id`, per workspace.
    ByokKeys,
    /// External users, by `user`.
    ExternalUsers,
    /// Private providers, by `slug`.
    PrivateProviders,
    /// Observability destinations, by `id`, per workspace.
    Destinations,
    /// SCIM directory groups, by `id`.
    ScimGroups,
    /// SCIM group mappings, by `id`.
    ScimGroupMappings,
}

/// Which part of a list kind a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every item of the kind.
    All,
    /// One workspace's items: the one a reference (id or slug) names, or the default one (`None`).
    Workspace(Option<String>),
    /// One guardrail's items (its id as the path gives it).
    Guardrail(String),
}

impl ListKind {
    /// Every kind.
    pub(crate) const ALL: [ListKind; 13] = [
        ListKind::Keys,
        ListKind::Guardrails,
        ListKind::KeyAssignments,
        ListKind::MemberAssignments,
        ListKind::Workspaces,
        ListKind::WorkspaceMembers,
        ListKind::OrganizationMembers,
        ListKind::ByokKeys,
        ListKind::ExternalUsers,
        ListKind::PrivateProviders,
        ListKind::Destinations,
        ListKind::ScimGroups,
        ListKind::ScimGroupMappings,
    ];

    /// How many list operations serve a kind.
    pub(crate) const OPERATION_COUNT: usize = 15;

    /// Every list operation that serves a kind: every paged list of the spec, and `GET /private-providers`.
    pub(crate) const OPERATIONS: [OperationId; Self::OPERATION_COUNT] = [
        OperationId::List,
        OperationId::ListGuardrails,
        OperationId::ListKeyAssignments,
        OperationId::ListGuardrailKeyAssignments,
        OperationId::ListMemberAssignments,
        OperationId::ListGuardrailMemberAssignments,
        OperationId::ListWorkspaces,
        OperationId::ListWorkspaceMembers,
        OperationId::ListOrganizationMembers,
        OperationId::ListByokKeys,
        OperationId::ListExternalUsers,
        OperationId::ListPrivateProviders,
        OperationId::ListObservabilityDestinations,
        OperationId::ListScimGroups,
        OperationId::ListScimGroupMappings,
    ];

    /// The kind a list operation serves.
    pub(crate) fn of(operation: OperationId) -> Option<Self> {
        use OperationId as Op;
        Some(match operation {
            Op::List => Self::Keys,
            Op::ListGuardrails => Self::Guardrails,
            Op::ListKeyAssignments | Op::ListGuardrailKeyAssignments => Self::KeyAssignments,
            Op::ListMemberAssignments | Op::ListGuardrailMemberAssignments => {
                Self::MemberAssignments
            }
            Op::ListWorkspaces => Self::Workspaces,
            Op::ListWorkspaceMembers => Self::WorkspaceMembers,
            Op::ListOrganizationMembers => Self::OrganizationMembers,
            Op::ListByokKeys => Self::ByokKeys,
            Op::ListExternalUsers => Self::ExternalUsers,
            Op::ListPrivateProviders => Self::PrivateProviders,
            Op::ListObservabilityDestinations => Self::Destinations,
            Op::ListScimGroups => Self::ScimGroups,
            Op::ListScimGroupMappings => Self::ScimGroupMappings,
            _ => return None,
        })
    }

    /// The kinds churn on this kind can change: itself, the kinds its deletes cascade to, and the kinds its
    /// inserts make items of (a key assignment churns in a new key).
    pub(crate) fn touched_by_churn(self) -> &'static [ListKind] {
        use ListKind as K;
        match self {
            K::Keys => &[K::Keys, K::KeyAssignments],
            K::Guardrails => &[K::Guardrails, K::KeyAssignments, K::MemberAssignments],
            K::KeyAssignments => &[K::KeyAssignments, K::Keys],
            K::MemberAssignments => &[K::MemberAssignments, K::OrganizationMembers],
            K::Workspaces => &[
                K::Workspaces,
                K::WorkspaceMembers,
                K::Guardrails,
                K::KeyAssignments,
                K::MemberAssignments,
            ],
            K::WorkspaceMembers => &[K::WorkspaceMembers, K::OrganizationMembers],
            K::OrganizationMembers => &[
                K::OrganizationMembers,
                K::MemberAssignments,
                K::WorkspaceMembers,
            ],
            K::ByokKeys => &[K::ByokKeys],
            K::ExternalUsers => &[K::ExternalUsers],
            K::PrivateProviders => &[K::PrivateProviders],
            K::Destinations => &[K::Destinations],
            K::ScimGroups => &[K::ScimGroups, K::ScimGroupMappings],
            K::ScimGroupMappings => &[K::ScimGroupMappings, K::Workspaces],
        }
    }

    /// Whether a request to this operation can change a list: not the reads, and not the writes that touch no
    /// list (analytics queries, feedback, organization settings, SCIM sync jobs, private endpoints, which no
    /// churnable list shows).
    pub(crate) fn may_change_lists(operation: OperationId) -> bool {
        let info = operation.info();
        let untouched = [
            "/analytics",
            "/generation",
            "/organization/settings",
            "/scim/sync-jobs",
            "/private-endpoints",
        ];
        info.method != "GET" && !untouched.iter().any(|p| info.path_template.starts_with(p))
    }

    /// The part of its kind a list operation shows, given the value of its path's `{id}` (`None`: not given).
    fn scope(operation: OperationId, id: Option<&str>) -> Scope {
        use OperationId as Op;
        match operation {
            Op::List
            | Op::ListGuardrails
            | Op::ListByokKeys
            | Op::ListObservabilityDestinations => Scope::Workspace(None),
            Op::ListWorkspaceMembers => Scope::Workspace(id.map(str::to_owned)),
            Op::ListGuardrailKeyAssignments | Op::ListGuardrailMemberAssignments => {
                id.map_or(Scope::All, |id| Scope::Guardrail(id.to_owned()))
            }
            _ => Scope::All,
        }
    }

    /// The lists a route names: each list operation it matches, with its kind and scope. A concrete path names
    /// the scope its `{id}` gives (`GET /workspaces/prod/members`); a wildcard (`*` or `{id}`) or an operation
    /// name leaves it at the default (see [`crate::MockServer::lifetimes`]).
    pub(crate) fn served_by(route: &Route) -> Vec<(OperationId, ListKind, Scope)> {
        let named = |op: OperationId, id: Option<&str>| {
            Self::of(op).map(|kind| (op, kind, Self::scope(op, id)))
        };
        match route {
            Route::Any => Self::OPERATIONS
                .iter()
                .filter_map(|op| named(*op, None))
                .collect(),
            Route::Operation(op) => named(*op, None).into_iter().collect(),
            Route::Pattern { method, segments } => {
                if method.as_deref().is_some_and(|m| m != "GET") {
                    return Vec::new();
                }
                let mut found: Vec<(usize, OperationId, Option<String>)> = Self::OPERATIONS
                    .iter()
                    .filter_map(|op| {
                        let (literals, id) = match_template(op.info().path_template, segments)?;
                        Some((literals, *op, id))
                    })
                    .collect();
                // As in routing, a concrete path goes to the template with the most literal segments.
                if segments.iter().all(|s| !is_wildcard(s))
                    && let Some(best) = found.iter().map(|(literals, _, _)| *literals).max()
                {
                    found.retain(|(literals, _, _)| *literals == best);
                }
                found
                    .into_iter()
                    .filter_map(|(_, op, id)| named(op, id.as_deref()))
                    .collect()
            }
        }
    }
}

/// Whether a route's path segment matches any one segment.
fn is_wildcard(segment: &str) -> bool {
    segment == "*" || (segment.starts_with('{') && segment.ends_with('}'))
}

/// Whether a route's segments match a path template: how many of the template's segments are literal, and the
/// value the route gives the template's `{id}` (none when the route has a wildcard there).
fn match_template(template: &str, segments: &[String]) -> Option<(usize, Option<String>)> {
    let parts: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
    if parts.len() != segments.len() {
        return None;
    }
    let (mut literals, mut id) = (0, None);
    for (part, segment) in parts.iter().zip(segments) {
        if is_wildcard(part) {
            if !is_wildcard(segment) {
                id = Some(segment.clone());
            }
        } else if is_wildcard(segment) || part == segment {
            literals += 1;
        } else {
            return None;
        }
    }
    Some((literals, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_paged_list_of_the_spec_has_a_kind() {
        for op in OperationId::ALL {
            if op.info().paging.is_some() {
                assert!(ListKind::OPERATIONS.contains(&op), "{op} is paged");
            }
        }
        for op in ListKind::OPERATIONS {
            assert!(ListKind::of(op).is_some(), "{op}");
            assert_eq!(op.info().method, "GET", "{op}");
        }
        let kinds: std::collections::HashSet<ListKind> = ListKind::OPERATIONS
            .iter()
            .filter_map(|op| ListKind::of(*op))
            .collect();
        assert_eq!(kinds.len(), ListKind::ALL.len());
    }

    #[test]
    fn routes_name_lists_and_their_scope() {
        let parse = |s: &str| s.parse::<Route>().unwrap();
        assert_eq!(
            ListKind::served_by(&parse("GET /keys")),
            [(OperationId::List, ListKind::Keys, Scope::Workspace(None))]
        );
        assert_eq!(
            ListKind::served_by(&parse("GET /guardrails/assignments/keys")),
            [(
                OperationId::ListKeyAssignments,
                ListKind::KeyAssignments,
                Scope::All
            )]
        );
        assert_eq!(
            ListKind::served_by(&parse("GET /guardrails/g1/assignments/keys")),
            [(
                OperationId::ListGuardrailKeyAssignments,
                ListKind::KeyAssignments,
                Scope::Guardrail("g1".into())
            )]
        );
        assert_eq!(
            ListKind::served_by(&parse("GET /workspaces/prod/members")),
            [(
                OperationId::ListWorkspaceMembers,
                ListKind::WorkspaceMembers,
                Scope::Workspace(Some("prod".into()))
            )]
        );
        assert_eq!(
            ListKind::served_by(&parse("* /workspaces/{id}/members")),
            [(
                OperationId::ListWorkspaceMembers,
                ListKind::WorkspaceMembers,
                Scope::Workspace(None)
            )]
        );
        assert!(ListKind::served_by(&parse("POST /keys")).is_empty());
        assert!(ListKind::served_by(&parse("GET /keys/abc")).is_empty());
        assert!(ListKind::served_by(&Route::Operation(OperationId::CreateKeys)).is_empty());
        assert_eq!(
            ListKind::served_by(&Route::Any).len(),
            ListKind::OPERATIONS.len()
        );
    }
}
