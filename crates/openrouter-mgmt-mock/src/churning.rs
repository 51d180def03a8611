//! What happens around serving a request, under the lock that serves it: the list churn due before a list
//! request, and afterwards the lifetimes of whatever the request (or the churn) created or deleted.

use openrouter_mgmt_gen::OperationId;
use uuid::Uuid;

use crate::churn::{Churn, ChurnPosition};
use crate::churn_targets::below;
use crate::faults::Route;
use crate::lifetimes::ItemLifetime;
use crate::list_kind::{ListKind, Scope};
use crate::request::Request;
use crate::state::State;

/// Before serving a list request (at `state.tick`): applies its route's churn when its turn has come, and
/// records the lifetimes the churn changed.
pub(crate) fn before_serving(
    state: &mut State,
    request: &Request<'_>,
    method: &str,
    relative_path: &str,
) {
    let Some(kind) = ListKind::of(request.operation) else {
        return;
    };
    if let Some(churn) = state.churn.due(method, relative_path, request.operation) {
        apply(state, kind, request, &churn);
        observe(state, kind.touched_by_churn());
    }
}

/// After serving a request: records the lifetimes it changed. Only a request that can change a list is looked
/// at (see [`ListKind::may_change_lists`]), so reading a long list costs nothing more.
pub(crate) fn after_serving(state: &mut State, operation: OperationId) {
    if ListKind::may_change_lists(operation) {
        observe_all(state);
    }
}

/// Records what every list kind holds at the current tick.
pub(crate) fn observe_all(state: &mut State) {
    observe(state, &ListKind::ALL);
}

/// Records what these list kinds hold at the current tick.
fn observe(state: &mut State, kinds: &[ListKind]) {
    let tick = state.tick;
    for kind in kinds {
        let items = kind.everything(state);
        state.lifetimes.observe(*kind, tick, items);
    }
}

/// The lifetimes of the items of the lists a route names, each in its scope.
pub(crate) fn lifetimes(state: &State, route: &Route) -> Vec<ItemLifetime> {
    let mut out = Vec::new();
    let mut done = Vec::new();
    for (_, kind, scope) in ListKind::served_by(route) {
        let scope = match scope {
            Scope::All => None,
            Scope::Workspace(None) => Some(state.default_workspace_id.to_string()),
            Scope::Workspace(Some(reference)) => Some(
                state
                    .workspaces
                    .get(&reference)
                    .map_or(reference, |r| r.workspace.id.to_string()),
            ),
            Scope::Guardrail(id) => Some(id.parse::<Uuid>().map_or(id, |id| id.to_string())),
        };
        if done.contains(&(kind, scope.clone())) {
            continue;
        }
        out.extend(state.lifetimes.lifetimes(kind, scope.as_deref()));
        done.push((kind, scope));
    }
    out
}

/// One round of churn on the list the request reads.
fn apply(state: &mut State, kind: ListKind, request: &Request<'_>, churn: &Churn) {
    // An unpaged list (private providers) is served whole: one page from 0.
    let paged = request.operation.info().paging.is_some();
    let (mut offset, limit) = if paged {
        request.page().unwrap_or((0, 100))
    } else {
        (0, usize::MAX)
    };
    // `offset` follows the item the request starts at, so "behind" stays the items the walk has passed. The list
    // is read once; `ids` is kept in step with each change instead of being read again (O(n) each time).
    let mut ids = kind.ids(state, request);
    // The one item churn leaves alone (if the list holds one), found once and kept in step through the deletes.
    let mut protected = ids.iter().position(|id| kind.protected(state, id));
    for _ in 0..churn.deletes {
        let Some((from, to)) = span(churn.position, offset, limit, ids.len(), false) else {
            break;
        };
        let skip = protected.filter(|p| (from..to).contains(p));
        let candidates = to - from - usize::from(skip.is_some());
        if candidates == 0 {
            break;
        }
        let mut pick = from + below(state, candidates);
        if skip.is_some_and(|p| pick >= p) {
            pick += 1;
        }
        kind.remove(state, &ids.remove(pick));
        if let Some(p) = protected.as_mut().filter(|p| pick < **p) {
            *p -= 1;
        }
        if pick < offset {
            offset -= 1;
        }
    }
    for _ in 0..churn.inserts {
        let Some((from, to)) = span(churn.position, offset, limit, ids.len(), true) else {
            break;
        };
        let at = from + below(state, to - from);
        let Some(new) = kind.create(state, request) else {
            break;
        };
        kind.place(state, &new, ids.get(at).map(String::as_str));
        ids.insert(at, new);
        if at < offset {
            offset += 1;
        }
    }
    if churn.reorder && ids.len() >= 2 {
        let a = below(state, ids.len());
        // A different item, so that the order changes.
        let b = (a + 1 + below(state, ids.len() - 1)) % ids.len();
        kind.swap(state, &ids[a], &ids[b]);
    }
}

/// The indices `[from, to)` churn may touch: for an insert, the index of the item it goes before (`len`: the
/// end). `None` when there is no such index.
fn span(
    position: ChurnPosition,
    offset: usize,
    limit: usize,
    len: usize,
    insert: bool,
) -> Option<(usize, usize)> {
    let end = if insert { len + 1 } else { len };
    let (from, to) = match position {
        ChurnPosition::Anywhere => (0, end),
        ChurnPosition::Behind => (0, offset.min(len)),
        ChurnPosition::Head => (0, 1.min(end)),
        ChurnPosition::Ahead => (offset.saturating_add(limit).min(len), end),
    };
    (from < to).then_some((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_follow_the_position() {
        use ChurnPosition::*;
        assert_eq!(span(Anywhere, 10, 5, 20, false), Some((0, 20)));
        assert_eq!(span(Anywhere, 10, 5, 20, true), Some((0, 21)));
        assert_eq!(span(Behind, 10, 5, 20, false), Some((0, 10)));
        assert_eq!(span(Behind, 0, 5, 20, true), None);
        assert_eq!(span(Head, 10, 5, 20, false), Some((0, 1)));
        assert_eq!(span(Head, 0, 5, 0, false), None);
        assert_eq!(span(Head, 0, 5, 0, true), Some((0, 1)));
        assert_eq!(span(Ahead, 10, 5, 20, false), Some((15, 20)));
        assert_eq!(span(Ahead, 10, 5, 20, true), Some((15, 21)));
        assert_eq!(span(Ahead, 30, 5, 20, true), Some((20, 21)));
        assert_eq!(span(Ahead, 30, 5, 20, false), None);
        assert_eq!(span(Ahead, 0, usize::MAX, 20, true), Some((20, 21)));
    }
}
