//! List churn, so that code that walks lists can be rehearsed against a list that changes under it: before every
//! (or every n-th) request to a list route, the mock inserts and deletes items at a chosen position, optionally
//! swaps two, and records every item's lifetime in request ticks, the ground truth a test checks a walk against.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use openrouter_mgmt_gen::OperationId;

use crate::churn_targets::Target;
use crate::faults::{FaultParseError, Route};
use crate::request::Request;
use crate::state::State;

/// Where churn inserts and deletes, relative to the page the request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChurnPosition {
    /// Anywhere in the list.
    Anywhere,
    /// Before the requested `offset` (items the walk has passed); nothing happens at offset 0.
    Behind,
    /// At the head of the list (a newest-first list growing, or its newest items going).
    Head,
    /// At or after the end of the requested page (inserts may also go at the very end).
    Ahead,
}

/// How a list changes before the requests to its route.
///
/// `Churn::new(5, 5, ChurnPosition::Anywhere)`: before every request, delete 5 items and insert 5, anywhere;
/// `.every(3)` only before every third request; `.reorder()` also swaps two items (out of a stable order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Churn {
    /// Items inserted each time.
    pub inserts: usize,
    /// Items deleted each time.
    pub deletes: usize,
    /// Where.
    pub position: ChurnPosition,
    /// Churn before every n-th request to the route (1: every request; at least 1).
    pub every: u64,
    /// Also swap two random items of the list each time.
    pub reorder: bool,
}

impl Churn {
    /// `inserts` inserts and `deletes` deletes at `position` before every request.
    pub fn new(inserts: usize, deletes: usize, position: ChurnPosition) -> Self {
        Self {
            inserts,
            deletes,
            position,
            every: 1,
            reorder: false,
        }
    }

    /// Only before every `n`-th request (0 counts as 1).
    pub fn every(mut self, n: u64) -> Self {
        self.every = n.max(1);
        self
    }

    /// Also swaps two items each time.
    pub fn reorder(mut self) -> Self {
        self.reorder = true;
        self
    }

    /// The list operations churn can act on.
    pub const OPERATIONS: [OperationId; 6] = [
        OperationId::List,
        OperationId::ListGuardrails,
        OperationId::ListKeyAssignments,
        OperationId::ListByokKeys,
        OperationId::ListExternalUsers,
        OperationId::ListObservabilityDestinations,
    ];
}

impl FromStr for Churn {
    type Err = FaultParseError;

    /// `ins=N,del=N,at=anywhere|behind|head|ahead[,every=N][,reorder]`, in any order; omitted counts are 0 and
    /// the position defaults to `anywhere`. Example: `ins=5,del=5,at=behind,every=2`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut churn = Churn::new(0, 0, ChurnPosition::Anywhere);
        let number = |key: &str, value: &str| {
            value.parse::<u64>().map_err(|_| {
                FaultParseError(format!(
                    "churn `{key}` must be a whole number, not {value:?}"
                ))
            })
        };
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = part.split_once('=').unwrap_or((part, ""));
            match (key.trim(), value.trim()) {
                ("reorder", "") => churn.reorder = true,
                ("ins" | "inserts", v) => churn.inserts = number(key, v)? as usize,
                ("del" | "deletes", v) => churn.deletes = number(key, v)? as usize,
                ("every", v) => {
                    churn.every = number(key, v)?;
                    if churn.every == 0 {
                        return Err(FaultParseError("churn `every` must be at least 1".into()));
                    }
                }
                ("at", v) => {
                    churn.position = match v {
                        "anywhere" => ChurnPosition::Anywhere,
                        "behind" => ChurnPosition::Behind,
                        "head" => ChurnPosition::Head,
                        "ahead" => ChurnPosition::Ahead,
                        other => {
                            return Err(FaultParseError(format!(
                                "churn position must be anywhere, behind, head or ahead, not {other:?}"
                            )));
                        }
                    }
                }
                (other, _) => {
                    return Err(FaultParseError(format!(
                        "unknown churn setting {other:?}: use ins=N, del=N, at=POSITION, every=N, reorder"
                    )));
                }
            }
        }
        Ok(churn)
    }
}

/// A churn rule for the binary's `--churn ROUTE@SPEC` (`listGuardrails@ins=5,del=5,at=behind`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChurnRule {
    /// The list route.
    pub route: Route,
    /// What happens before its requests.
    pub churn: Churn,
}

impl FromStr for ChurnRule {
    type Err = FaultParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (route, spec) = s.rsplit_once('@').ok_or_else(|| {
            FaultParseError(format!(
                "a churn rule is ROUTE@SPEC (`listGuardrails@ins=5,del=5`), not {s:?}"
            ))
        })?;
        Ok(Self {
            route: route.parse()?,
            churn: spec.parse()?,
        })
    }
}

/// One item of a list and the ticks it lived between: present at tick `t` when `born <= t` and it had not died
/// by `t`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemLifetime {
    /// The item's id as the list spells it (`hash` for keys, `user` for external users, `id` otherwise).
    pub id: String,
    /// The tick of the first request that saw it (0: it was there before the list was first watched).
    pub born: u64,
    /// The tick of the first request that no longer saw it.
    pub died: Option<u64>,
}

impl ItemLifetime {
    /// Whether the item was in the list at this tick.
    pub fn present_at(&self, tick: u64) -> bool {
        self.born <= tick && self.died.is_none_or(|died| died > tick)
    }

    /// Whether the item was in the list at every tick from `first` to `last`.
    pub fn present_throughout(&self, first: u64, last: u64) -> bool {
        self.born <= first && self.died.is_none_or(|died| died > last)
    }
}

impl fmt::Display for ItemLifetime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.died {
            Some(died) => write!(f, "{} [{}, {died})", self.id, self.born),
            None => write!(f, "{} [{}, …)", self.id, self.born),
        }
    }
}

/// The lifetimes of one watched list: every item it ever held, and the ones it holds now.
#[derive(Debug, Default)]
struct Watched {
    items: HashMap<String, ItemLifetime>,
    started: bool,
}

/// The churn rules and the watched lists' lifetimes, kept in the state (applied under its lock).
#[derive(Debug, Default)]
pub(crate) struct ChurnBook {
    rules: Vec<(Route, Churn, u64)>,
    watched: HashMap<OperationId, Watched>,
}

impl ChurnBook {
    /// Sets (or with `None` removes) the churn of `route`. The lists it names are watched from now on.
    pub(crate) fn set(&mut self, route: Route, churn: Option<Churn>) {
        self.rules.retain(|(r, _, _)| *r != route);
        for op in Churn::OPERATIONS {
            let info = op.info();
            if route.matches(info.method, info.path_template, Some(op)) {
                self.watched.entry(op).or_default();
            }
        }
        if let Some(churn) = churn {
            self.rules.push((route, churn, 0));
        }
    }

    /// The lifetimes of every item the lists behind `route` held while watched.
    pub(crate) fn lifetimes(&self, route: &Route) -> Vec<ItemLifetime> {
        let mut out: Vec<ItemLifetime> = self
            .watched
            .iter()
            .filter(|(op, _)| {
                let info = op.info();
                route.matches(info.method, info.path_template, Some(**op))
            })
            .flat_map(|(_, w)| w.items.values().cloned())
            .collect();
        out.sort_by(|a, b| (a.born, &a.id).cmp(&(b.born, &b.id)));
        out
    }
}

/// Before serving a list request: applies its route's churn (when its turn has come), then records which items
/// the list holds at this tick.
pub(crate) fn before_serving(
    state: &mut State,
    request: &Request<'_>,
    method: &str,
    relative_path: &str,
) {
    let Some(target) = Target::of(request.operation) else {
        return;
    };
    let churn = state
        .churn
        .rules
        .iter_mut()
        .find(|(route, _, _)| route.matches(method, relative_path, Some(request.operation)))
        .and_then(|(_, churn, seen)| {
            *seen += 1;
            (*seen % churn.every == 0).then(|| churn.clone())
        });
    if let Some(churn) = churn {
        apply(state, target, request, &churn);
    }
    if state.churn.watched.contains_key(&request.operation) {
        watch(state, target, request);
    }
}

/// One round of churn on the list the request reads.
fn apply(state: &mut State, target: Target, request: &Request<'_>, churn: &Churn) {
    // `offset` follows the item the request starts at, so "behind" stays the items the walk has passed. The list
    // is read once; `ids` is kept in step with each change instead of being read again (O(n) each time).
    let (mut offset, limit) = request.page().unwrap_or((0, 100));
    let mut ids = target.ids(state, request);
    for _ in 0..churn.deletes {
        let Some(range) = span(churn.position, offset, limit, ids.len(), false) else {
            break;
        };
        let pick = range.0 + below(state, range.1 - range.0);
        target.remove(state, &ids.remove(pick));
        if pick < offset {
            offset -= 1;
        }
    }
    for _ in 0..churn.inserts {
        let Some(range) = span(churn.position, offset, limit, ids.len(), true) else {
            break;
        };
        let at = range.0 + below(state, range.1 - range.0);
        let Some(new) = target.create(state, request) else {
            break;
        };
        target.place(state, &new, ids.get(at).map(String::as_str));
        ids.insert(at, new);
        if at < offset {
            offset += 1;
        }
    }
    if churn.reorder && ids.len() >= 2 {
        let (a, b) = (below(state, ids.len()), below(state, ids.len()));
        target.swap(state, &ids[a], &ids[b]);
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

fn below(state: &mut State, n: usize) -> usize {
    usize::try_from(state.rng.below(n as u64)).expect("below n")
}

/// Records the items the list holds at this tick: new ones are born now (at the first look, at 0), missing ones
/// died now.
fn watch(state: &mut State, target: Target, request: &Request<'_>) {
    let tick = state.tick;
    let ids = target.ids(state, request);
    let Some(watched) = state.churn.watched.get_mut(&request.operation) else {
        return;
    };
    let born = if watched.started { tick } else { 0 };
    watched.started = true;
    let now: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
    for item in watched.items.values_mut() {
        if item.died.is_none() && !now.contains(item.id.as_str()) {
            item.died = Some(tick);
        }
    }
    for id in ids {
        let alive = watched.items.get(&id).is_some_and(|i| i.died.is_none());
        if !alive {
            // A returning id (deleted, then created again) starts a new life under the same id.
            watched.items.insert(
                id.clone(),
                ItemLifetime {
                    id,
                    born,
                    died: None,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_say_why() {
        let churn: Churn = "ins=5, del=3, at=behind, every=2, reorder".parse().unwrap();
        assert_eq!(
            churn,
            Churn::new(5, 3, ChurnPosition::Behind).every(2).reorder()
        );
        assert_eq!(
            "".parse::<Churn>().unwrap(),
            Churn::new(0, 0, ChurnPosition::Anywhere)
        );
        for (bad, says) in [
            ("ins=x", "whole number"),
            ("every=0", "at least 1"),
            ("at=middle", "anywhere, behind, head or ahead"),
            ("shuffle", "unknown churn setting"),
        ] {
            let err = bad.parse::<Churn>().unwrap_err();
            assert!(err.0.contains(says), "{bad}: {}", err.0);
        }
        let rule: ChurnRule = "GET /keys@ins=1,at=head".parse().unwrap();
        assert_eq!(rule.churn, Churn::new(1, 0, ChurnPosition::Head));
        assert!(matches!(rule.route, Route::Pattern { .. }));
        let rule: ChurnRule = "listBYOKKeys@del=2".parse().unwrap();
        assert_eq!(rule.route, Route::Operation(OperationId::ListByokKeys));
        assert!("listGuardrails".parse::<ChurnRule>().is_err());
    }

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
    }

    #[test]
    fn lifetimes_say_when_an_item_was_present() {
        let item = ItemLifetime {
            id: "a".into(),
            born: 3,
            died: Some(7),
        };
        assert!(
            !item.present_at(2) && item.present_at(3) && item.present_at(6) && !item.present_at(7)
        );
        assert!(
            item.present_throughout(3, 6)
                && !item.present_throughout(2, 6)
                && !item.present_throughout(3, 7)
        );
    }
}
