//! What list churn is, so that code that walks lists can be rehearsed against a list that changes under it: the
//! [`Churn`] of a list route (inserts and deletes at a position before every n-th request, optional swaps), its
//! text forms for the command line, and the book of the rules in force (`churning.rs` applies them).

use std::str::FromStr;

use openrouter_mgmt_gen::OperationId;

use crate::faults::{FaultParseError, Route};
use crate::list_kind::ListKind;

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
    /// Churn before every n-th request to the route (1: every request). 0 is refused by [`Churn::every`], the
    /// parser, [`crate::MockServerBuilder::churn`] and [`crate::MockServer::set_churn`].
    pub every: u64,
    /// Also swap two items of the list each time (drawn from the mock's seeded RNG).
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

    /// Only before every `n`-th request to the route: the n-th, the 2n-th, and so on.
    ///
    /// # Panics
    /// If `n` is 0.
    pub fn every(mut self, n: u64) -> Self {
        assert!(
            n >= 1,
            "Churn::every: n must be at least 1 (1 = every request)"
        );
        self.every = n;
        self
    }

    /// Also swaps two items each time.
    pub fn reorder(mut self) -> Self {
        self.reorder = true;
        self
    }

    /// The list operations churn can act on: every paged list operation of the spec, and the unpaged
    /// `GET /private-providers` (read as one page).
    pub const OPERATIONS: [OperationId; ListKind::OPERATION_COUNT] = ListKind::OPERATIONS;
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
                ("reorder", v) => {
                    return Err(FaultParseError(format!(
                        "churn `reorder` takes no value, not {v:?}"
                    )));
                }
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

/// A churn rule for the binary's `--churn ROUTE@SPEC` (`listGuardrails@ins=5,del=5,at=behind`), split at the last
/// `@` (no route has one), so `GET /keys@ins=1` and `GET /workspaces/{id}/members@del=1` work too. ROUTE must name
/// a list churn can change ([`Churn::OPERATIONS`]).
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
        let route: Route = route.parse()?;
        if ListKind::served_by(&route).is_empty() {
            return Err(FaultParseError(format!(
                "churn needs a list route (e.g. listGuardrails, GET /keys), not {route:?}"
            )));
        }
        Ok(Self {
            route,
            churn: spec.parse()?,
        })
    }
}

/// The churn rules in force, each with how many requests to its route it has counted (for [`Churn::every`]).
#[derive(Debug, Default)]
pub(crate) struct ChurnBook {
    rules: Vec<(Route, Churn, u64)>,
}

impl ChurnBook {
    /// Sets (or with `None` removes) the churn of `route`, replacing any it had, and restarts its count.
    ///
    /// # Panics
    /// If the churn's `every` is 0.
    pub(crate) fn set(&mut self, route: Route, churn: Option<Churn>) {
        self.rules.retain(|(r, _, _)| *r != route);
        if let Some(churn) = churn {
            assert!(
                churn.every >= 1,
                "a churn's `every` must be at least 1 (1 = every request)"
            );
            self.rules.push((route, churn, 0));
        }
    }

    /// The churn due before this request to a list: the first rule whose route matches counts the request, and
    /// answers its churn when the request is its n-th, 2n-th, ….
    pub(crate) fn due(
        &mut self,
        method: &str,
        relative_path: &str,
        operation: OperationId,
    ) -> Option<Churn> {
        let (_, churn, seen) = self
            .rules
            .iter_mut()
            .find(|(route, _, _)| route.matches(method, relative_path, Some(operation)))?;
        *seen += 1;
        (*seen % churn.every == 0).then(|| churn.clone())
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
    #[should_panic(expected = "at least 1")]
    fn every_zero_is_refused() {
        let _ = Churn::new(1, 0, ChurnPosition::Head).every(0);
    }

    #[test]
    fn rules_name_lists_only() {
        for (bad, says) in [
            ("createKeys@ins=1", "needs a list route"),
            ("POST /keys@ins=1", "needs a list route"),
            ("nope@ins=1", "no operation"),
            ("listGuardrails@ins=1,reorder=yes", "takes no value"),
        ] {
            let err = bad.parse::<ChurnRule>().unwrap_err();
            assert!(err.0.contains(says), "{bad}: {}", err.0);
        }
        for good in [
            "GET /workspaces/{id}/members@del=1",
            "GET /guardrails/*/assignments/keys@ins=1",
            "listPrivateProviders@ins=1",
            "list_organization_members@ins=1,at=ahead",
        ] {
            assert!(good.parse::<ChurnRule>().is_ok(), "{good}");
        }
    }

    #[test]
    fn every_nth_request_is_due() {
        let mut book = ChurnBook::default();
        let route = Route::Operation(OperationId::ListGuardrails);
        book.set(
            route.clone(),
            Some(Churn::new(1, 0, ChurnPosition::Head).every(3)),
        );
        let mut due = || {
            book.due("GET", "/guardrails", OperationId::ListGuardrails)
                .is_some()
        };
        let seen: Vec<bool> = (0..7).map(|_| due()).collect();
        assert_eq!(seen, [false, false, true, false, false, true, false]);
        assert!(book.due("GET", "/keys", OperationId::List).is_none());
        book.set(route, None);
        assert!((0..3).all(|_| {
            book.due("GET", "/guardrails", OperationId::ListGuardrails)
                .is_none()
        }));
    }
}
