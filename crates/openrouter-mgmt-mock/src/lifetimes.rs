//! The ground truth a list walk is checked against: every list item's lifetime in request ticks (from the tick of
//! the request that created it to the tick of the one that deleted it), kept for every list kind from the start.

use std::collections::HashMap;
use std::fmt;

use crate::list_kind::ListKind;

/// One item of a list and the ticks it lived between: present at tick `t` when `born <= t` and it had not died by
/// `t`. Ticks count served requests ([`crate::RecordedRequest::tick`]); a change made before or while serving
/// request `t` (churn, a create, a delete) happens at tick `t`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemLifetime {
    /// The item's identity as the list's JSON items spell it (see [`crate::MockServer::lifetimes`]).
    pub id: String,
    /// The tick of the request that created it (or before which churn inserted it); 0 for seeded items.
    pub born: u64,
    /// The tick of the request that deleted it (or before which churn deleted it), if it is gone.
    pub died: Option<u64>,
}

impl ItemLifetime {
    /// Whether the item was in the list at this tick: `born <= tick` and it had not died by then.
    pub fn present_at(&self, tick: u64) -> bool {
        self.born <= tick && self.died.is_none_or(|died| died > tick)
    }

    /// Whether the item was in the list at every tick from `first_tick` to `last_tick`:
    /// `born <= first_tick` and it had not died by `last_tick`.
    pub fn present_throughout(&self, first_tick: u64, last_tick: u64) -> bool {
        self.born <= first_tick && self.died.is_none_or(|died| died > last_tick)
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

/// One life of one item, with the scope it lived in (a workspace or guardrail id, or empty).
#[derive(Debug)]
struct Life {
    lifetime: ItemLifetime,
    scope: String,
    /// The last observation that saw it.
    seen: u64,
}

/// The lives of one list kind: all of them in order of birth, and the living ones by scope and id.
#[derive(Debug, Default)]
struct KindBook {
    lives: Vec<Life>,
    alive: HashMap<String, HashMap<String, usize>>,
    observations: u64,
}

/// Every list kind's lives.
#[derive(Debug, Default)]
pub(crate) struct LifetimeBook {
    kinds: HashMap<ListKind, KindBook>,
}

impl LifetimeBook {
    /// Records what a list kind holds at `tick` (`(scope, id)` of every item): an item not alive before is born
    /// at `tick`, a living one missing from `items` dies at `tick`. An id that comes back starts a new life.
    pub(crate) fn observe(
        &mut self,
        kind: ListKind,
        tick: u64,
        items: impl IntoIterator<Item = (String, String)>,
    ) {
        let book = self.kinds.entry(kind).or_default();
        book.observations += 1;
        let now = book.observations;
        for (scope, id) in items {
            let living = book.alive.get(&scope).and_then(|ids| ids.get(&id)).copied();
            match living {
                Some(i) => book.lives[i].seen = now,
                None => {
                    let i = book.lives.len();
                    book.alive
                        .entry(scope.clone())
                        .or_default()
                        .insert(id.clone(), i);
                    book.lives.push(Life {
                        lifetime: ItemLifetime {
                            id,
                            born: tick,
                            died: None,
                        },
                        scope,
                        seen: now,
                    });
                }
            }
        }
        let lives = &mut book.lives;
        for ids in book.alive.values_mut() {
            ids.retain(|_, i| {
                let life = &mut lives[*i];
                let kept = life.seen == now;
                if !kept {
                    life.lifetime.died = Some(tick);
                }
                kept
            });
        }
        book.alive.retain(|_, ids| !ids.is_empty());
    }

    /// Every life of a kind in a scope (`None`: every scope), in order of birth.
    pub(crate) fn lifetimes(&self, kind: ListKind, scope: Option<&str>) -> Vec<ItemLifetime> {
        self.kinds.get(&kind).map_or_else(Vec::new, |book| {
            book.lives
                .iter()
                .filter(|life| scope.is_none_or(|s| life.scope == s))
                .map(|life| life.lifetime.clone())
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let alive = ItemLifetime { died: None, ..item };
        assert!(alive.present_throughout(3, u64::MAX) && alive.to_string() == "a [3, …)");
    }

    #[test]
    fn observations_give_births_deaths_and_new_lives() {
        let item = |scope: &str, id: &str| (scope.to_owned(), id.to_owned());
        let mut book = LifetimeBook::default();
        book.observe(
            ListKind::Keys,
            0,
            [item("w1", "a"), item("w1", "b"), item("w2", "a")],
        );
        book.observe(
            ListKind::Keys,
            4,
            [item("w1", "a"), item("w2", "a"), item("w1", "c")],
        );
        book.observe(ListKind::Keys, 9, [item("w1", "b"), item("w1", "c")]);
        let w1: Vec<String> = book
            .lifetimes(ListKind::Keys, Some("w1"))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(w1, ["a [0, 9)", "b [0, 4)", "c [4, …)", "b [9, …)"]);
        let w2 = book.lifetimes(ListKind::Keys, Some("w2"));
        assert_eq!(w2.len(), 1);
        assert_eq!(w2[0].died, Some(9));
        assert_eq!(book.lifetimes(ListKind::Keys, None).len(), 5);
        assert!(book.lifetimes(ListKind::Guardrails, None).is_empty());
    }
}
