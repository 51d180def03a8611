//! Churn on every list it can change, at every position: the ids before and after one churned request, the
//! answer that request got, and the lifetimes the mock reports for them.

use openrouter_mgmt_mock::{Churn, ChurnPosition, ItemLifetime, MockServer, OperationId, Route};
use serde_json::Value;

use crate::common::Api;

/// One list to churn: its path, its operation, the field its items are identified by, and how long to make it at
/// least.
struct Listed {
    path: String,
    operation: OperationId,
    id_field: &'static str,
    len: usize,
}

impl Listed {
    /// Whether the list takes `offset` and `limit` (private providers answer everything at once; keys have a
    /// fixed page of 100).
    fn paged(&self) -> bool {
        self.operation != OperationId::ListPrivateProviders
    }

    fn route(&self) -> Route {
        format!("GET {}", self.path).parse().expect("a route")
    }

    /// The item at the head the mock never deletes (the default workspace, the organization's owner).
    fn protected_head(&self) -> bool {
        matches!(
            self.operation,
            OperationId::ListWorkspaces | OperationId::ListOrganizationMembers
        )
    }
}

fn with_query(path: &str, query: &str) -> String {
    let join = if path.contains('?') { '&' } else { '?' };
    format!("{path}{join}{query}")
}

/// The ids of one answer.
fn ids(body: &Value, field: &str) -> Vec<String> {
    body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("a list: {body}"))
        .iter()
        .map(|item| item[field].as_str().expect("an id").to_owned())
        .collect()
}

/// The whole list, read page by page with no churn in force.
async fn whole(api: &Api, list: &Listed) -> Vec<String> {
    api.mock.set_churn(list.operation, None);
    if !list.paged() {
        let (_, body) = api.get(&list.path).await;
        return ids(&body, list.id_field);
    }
    let limit = if list.operation == OperationId::List {
        String::new()
    } else {
        "&limit=100".to_owned()
    };
    let mut all = Vec::new();
    // Bounded: no list here is longer than a few hundred items.
    for _ in 0..20 {
        let (status, body) = api
            .get(&with_query(
                &list.path,
                &format!("offset={}{limit}", all.len()),
            ))
            .await;
        assert!(status.is_success(), "{}: {body}", list.path);
        let page = ids(&body, list.id_field);
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
    panic!("{} did not end", list.path);
}

/// Makes the list at least `list.len` long with churn at its end.
async fn grow(api: &Api, list: &Listed) {
    let have = whole(api, list).await.len();
    if have < list.len {
        api.mock.set_churn(
            list.operation,
            Some(Churn::new(list.len - have, 0, ChurnPosition::Ahead)),
        );
        api.get(&with_query(&list.path, "offset=1000")).await;
    }
    assert!(whole(api, list).await.len() >= list.len, "{}", list.path);
}

/// Every list the churn can change, in one seeded mock, in an order where no list's churn deletes what a later
/// one needs (the guardrail whose assignments are listed).
async fn every_list() -> (Api, Vec<Listed>) {
    let api = Api::with(
        MockServer::builder()
            .seed(11)
            .keys(170)
            .guardrails(3)
            .members(20)
            .assigned_keys(12)
            .assigned_members(12)
            .workspaces(11)
            .byok_keys(12)
            .external_users(12)
            .private_providers(12)
            .destinations(4),
    )
    .await;
    let (_, body) = api.get("/guardrails").await;
    let guardrail = ids(&body, "id")[0].clone();
    let workspace = api.mock.default_workspace_id();
    let list = |path: String, operation, id_field, len| Listed {
        path,
        operation,
        id_field,
        len,
    };
    let lists = vec![
        list("/keys".into(), OperationId::List, "hash", 0),
        list(
            format!("/guardrails/{guardrail}/assignments/keys"),
            OperationId::ListGuardrailKeyAssignments,
            "id",
            12,
        ),
        list(
            format!("/guardrails/{guardrail}/assignments/members"),
            OperationId::ListGuardrailMemberAssignments,
            "id",
            12,
        ),
        list(
            "/guardrails/assignments/keys".into(),
            OperationId::ListKeyAssignments,
            "id",
            12,
        ),
        list(
            "/guardrails/assignments/members".into(),
            OperationId::ListMemberAssignments,
            "id",
            12,
        ),
        list("/guardrails".into(), OperationId::ListGuardrails, "id", 12),
        list("/workspaces".into(), OperationId::ListWorkspaces, "id", 12),
        list(
            format!("/workspaces/{workspace}/members"),
            OperationId::ListWorkspaceMembers,
            "id",
            12,
        ),
        list(
            "/organization/members".into(),
            OperationId::ListOrganizationMembers,
            "id",
            21,
        ),
        list("/byok".into(), OperationId::ListByokKeys, "id", 12),
        list(
            "/external-users".into(),
            OperationId::ListExternalUsers,
            "user",
            12,
        ),
        list(
            "/private-providers".into(),
            OperationId::ListPrivateProviders,
            "slug",
            12,
        ),
        list(
            "/observability/destinations".into(),
            OperationId::ListObservabilityDestinations,
            "id",
            4,
        ),
        list("/scim/groups".into(), OperationId::ListScimGroups, "id", 12),
        list(
            "/scim/group-mappings".into(),
            OperationId::ListScimGroupMappings,
            "id",
            12,
        ),
    ];
    assert_eq!(
        lists.len(),
        Churn::OPERATIONS.len(),
        "every list churn can change"
    );
    (api, lists)
}

/// One churned request: the list before, the answer, the list after, the request's tick and the lifetimes.
struct Churned {
    before: Vec<String>,
    answer: Vec<String>,
    after: Vec<String>,
    tick: u64,
    lifetimes: Vec<ItemLifetime>,
}

async fn churn_once(
    api: &Api,
    list: &Listed,
    churn: Churn,
    offset: usize,
    limit: usize,
) -> Churned {
    let before = whole(api, list).await;
    api.mock.set_churn(list.route(), Some(churn));
    let query = if list.operation == OperationId::List {
        format!("offset={offset}")
    } else {
        format!("offset={offset}&limit={limit}")
    };
    let (status, body) = api.get(&with_query(&list.path, &query)).await;
    assert!(status.is_success(), "{}: {body}", list.path);
    let tick = api.mock.requests().last().expect("a request").tick;
    api.mock.set_churn(list.route(), None);
    let after = whole(api, list).await;
    Churned {
        before,
        answer: ids(&body, list.id_field),
        after,
        tick,
        lifetimes: api.mock.lifetimes(list.route()),
    }
}

fn lifetime<'a>(lifetimes: &'a [ItemLifetime], id: &str) -> &'a ItemLifetime {
    lifetimes
        .iter()
        .rev()
        .find(|l| l.id == id)
        .unwrap_or_else(|| panic!("no lifetime for {id}"))
}

/// The checks every churned request passes: the answer is the churned list's page, and the lifetimes say what
/// was born and died at its tick.
fn check_common(list: &Listed, c: &Churned, offset: usize, limit: usize) {
    let page: Vec<String> = c.after.iter().skip(offset).take(limit).cloned().collect();
    assert_eq!(
        c.answer, page,
        "{}: the answer shows the churned list",
        list.path
    );
    let new: Vec<&String> = c.after.iter().filter(|id| !c.before.contains(id)).collect();
    let gone: Vec<&String> = c.before.iter().filter(|id| !c.after.contains(id)).collect();
    for id in &new {
        assert_eq!(
            lifetime(&c.lifetimes, id).born,
            c.tick,
            "{}: {id} born",
            list.path
        );
    }
    for id in &gone {
        let l = lifetime(&c.lifetimes, id);
        assert_eq!(l.died, Some(c.tick), "{}: {id} died", list.path);
        assert!(
            !c.answer.contains(id),
            "{}: {id} deleted but answered",
            list.path
        );
    }
    let mut alive: Vec<&str> = c
        .lifetimes
        .iter()
        .filter(|l| l.present_at(c.tick))
        .map(|l| l.id.as_str())
        .collect();
    let mut after: Vec<&str> = c.after.iter().map(String::as_str).collect();
    alive.sort_unstable();
    after.sort_unstable();
    assert_eq!(
        alive, after,
        "{}: the lifetimes at the tick are the list",
        list.path
    );
}

fn new_positions(c: &Churned) -> Vec<usize> {
    (0..c.after.len())
        .filter(|i| !c.before.contains(&c.after[*i]))
        .collect()
}

fn gone_positions(c: &Churned) -> Vec<usize> {
    (0..c.before.len())
        .filter(|i| !c.after.contains(&c.before[*i]))
        .collect()
}

/// Asserts that every list holds exactly the items its lifetimes say were present at `tick` (a later change
/// would be a request, and only reads came after it): the churn's cascades (a deleted guardrail's assignments, a
/// deleted member's memberships) were recorded at the tick they happened.
async fn check_every_list(api: &Api, lists: &[Listed], tick: u64, after: &str) {
    for list in lists {
        let (status, _) = api.get(&list.path).await;
        let mut holds = if status.is_success() {
            whole(api, list).await
        } else {
            Vec::new() // the guardrail whose assignments these were is gone
        };
        let mut alive: Vec<String> = api
            .mock
            .lifetimes(list.route())
            .into_iter()
            .filter(|l| l.present_at(tick))
            .map(|l| l.id)
            .collect();
        alive.sort_unstable();
        holds.sort_unstable();
        assert_eq!(alive, holds, "{} after churn on {after}", list.path);
    }
}

#[tokio::test]
async fn every_list_churns_at_every_position() {
    let (api, lists) = every_list().await;
    for list in &lists {
        if list.len > 0 {
            grow(&api, list).await;
        }
        let len = whole(&api, list).await.len();
        let (offset, limit) = match list.operation {
            OperationId::List => (20, 100),
            _ if !list.paged() => (0, usize::MAX),
            _ => (len / 2, 1),
        };
        let at = |position| Churn::new(1, 1, position);

        // Anywhere: one new, one gone.
        let c = churn_once(&api, list, at(ChurnPosition::Anywhere), offset, limit).await;
        check_common(list, &c, offset, limit);
        check_every_list(&api, &lists, c.tick, &list.path).await;
        assert_eq!(
            (new_positions(&c).len(), gone_positions(&c).len()),
            (1, 1),
            "{}",
            list.path
        );

        // Head: the new item first, the first item gone unless the mock needs it.
        let c = churn_once(&api, list, at(ChurnPosition::Head), offset, limit).await;
        check_common(list, &c, offset, limit);
        check_every_list(&api, &lists, c.tick, &list.path).await;
        assert_eq!(new_positions(&c), [0], "{}", list.path);
        if list.protected_head() {
            assert_eq!(c.after[1..], c.before[..], "{}", list.path);
        } else {
            assert_eq!(gone_positions(&c), [0], "{}", list.path);
            assert_eq!(c.after[1..], c.before[1..], "{}", list.path);
        }

        // Behind: only before the offset; nothing at all at offset 0 (a list served whole).
        let c = churn_once(&api, list, at(ChurnPosition::Behind), offset, limit).await;
        check_common(list, &c, offset, limit);
        check_every_list(&api, &lists, c.tick, &list.path).await;
        if offset == 0 {
            assert_eq!(c.after, c.before, "{}", list.path);
        } else {
            assert_eq!(gone_positions(&c).len(), 1, "{}", list.path);
            assert!(gone_positions(&c)[0] < offset, "{}", list.path);
            assert_eq!(new_positions(&c).len(), 1, "{}", list.path);
            assert!(new_positions(&c)[0] < offset, "{}", list.path);
            assert_eq!(c.after[offset..], c.before[offset..], "{}", list.path);
        }

        // Ahead: the items up to the end of the page stay; the changes come after it (at the end of a list served
        // whole, where there is nothing after the page to delete).
        let c = churn_once(&api, list, at(ChurnPosition::Ahead), offset, limit).await;
        check_common(list, &c, offset, limit);
        check_every_list(&api, &lists, c.tick, &list.path).await;
        let end = offset.saturating_add(limit).min(c.before.len());
        assert_eq!(c.after[..end], c.before[..end], "{}", list.path);
        assert_eq!(new_positions(&c).len(), 1, "{}", list.path);
        assert!(new_positions(&c)[0] >= end, "{}", list.path);
        let deleted = usize::from(list.paged());
        assert_eq!(gone_positions(&c).len(), deleted, "{}", list.path);
        assert!(
            gone_positions(&c).iter().all(|&i| i >= end),
            "{}",
            list.path
        );
    }
}
