//! How many items of the page before each page re-reads: one boundary item by default, more while the list is
//! seen to shift, or a fixed number the caller chose.

/// The caller's choice (see [`Paginator::overlap`](super::Paginator::overlap)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OverlapPolicy {
    /// Re-read the boundary item (the last item of the page before), and more while shifts are observed.
    Adaptive,
    /// Re-read exactly this many items (at least one: a page counts only if it holds an item already seen).
    Fixed(u64),
}

/// The overlap in force for the next page request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Overlap {
    policy: OverlapPolicy,
    current: u64,
    /// Pages in a row that needed less than `current`; after [`QUIET_PAGES`] the overlap halves.
    quiet: u32,
    /// The most the adaptive policy grows to: half a page (beyond that a page brings too little that is new, and
    /// a list moving right under the walk could leave it nothing new at all; a list moving further than that
    /// between two requests is found again by searching back).
    cap: u64,
}

impl Overlap {
    /// The starting overlap for pages of `limit` items; never a whole page (a page must bring something new).
    pub(crate) fn new(policy: OverlapPolicy, limit: u64) -> Self {
        let most = limit.saturating_sub(1);
        let (current, cap) = match policy {
            OverlapPolicy::Adaptive => {
                let start = most.min(1);
                (start, (limit / 2).clamp(start, most.max(start)))
            }
            OverlapPolicy::Fixed(n) => (n.clamp(1, most.max(1)), n.clamp(1, most.max(1))),
        };
        Self {
            policy,
            current,
            quiet: 0,
            cap,
        }
    }

    /// Items the next page re-reads.
    pub(crate) fn current(&self) -> u64 {
        self.current
    }

    /// Items the next page re-reads from a server that serves `served` items a page: never the whole page, and
    /// for the adaptive policy never more than half of it.
    pub(crate) fn for_pages_of(&self, served: u64) -> u64 {
        let most = match self.policy {
            OverlapPolicy::Adaptive => served / 2,
            OverlapPolicy::Fixed(_) => served.saturating_sub(1),
        };
        self.current.min(most).max(1)
    }

    /// The most it can become.
    #[cfg(test)]
    pub(crate) fn cap(&self) -> u64 {
        self.cap
    }

    /// Records that the list had moved left by `shift` items behind the cursor between the last two page
    /// requests (0: it had not). The adaptive policy grows at once to twice the shift plus the boundary item, so
    /// that the same churn next time is absorbed without a search back, and halves back towards one item after
    /// [`QUIET_PAGES`] pages in a row that needed less: under steady churn a miss costs a search (and every page
    /// in flight), a wider overlap only a few items per page, so the overlap holds while the churn goes on.
    pub(crate) fn observe(&mut self, shift: u64) {
        if self.policy != OverlapPolicy::Adaptive || self.cap == 0 {
            return;
        }
        let wanted = shift.saturating_mul(2).saturating_add(1).min(self.cap);
        if wanted >= self.current {
            self.current = wanted;
            self.quiet = 0;
            return;
        }
        self.quiet += 1;
        if self.quiet >= QUIET_PAGES {
            self.current = (self.current / 2).max(wanted);
            self.quiet = 0;
        }
    }
}

/// Pages in a row that needed a smaller overlap before the adaptive overlap halves.
pub(crate) const QUIET_PAGES: u32 = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adaptive_starts_at_the_boundary_item_grows_with_shifts_and_decays() {
        let mut overlap = Overlap::new(OverlapPolicy::Adaptive, 100);
        assert_eq!((overlap.current(), overlap.cap()), (1, 50));
        overlap.observe(0);
        assert_eq!(overlap.current(), 1);
        overlap.observe(3);
        assert_eq!(overlap.current(), 7);
        // Fewer than QUIET_PAGES pages needing less keep it; then it halves, still covering the last shift.
        for _ in 1..QUIET_PAGES {
            overlap.observe(1);
        }
        assert_eq!(overlap.current(), 7);
        overlap.observe(1);
        assert_eq!(
            overlap.current(),
            3,
            "halved, but still covering the last shift"
        );
        for _ in 0..2 * QUIET_PAGES {
            overlap.observe(0);
        }
        assert_eq!(overlap.current(), 1);
        overlap.observe(2);
        assert_eq!(overlap.current(), 5, "grows at once");
        overlap.observe(400);
        assert_eq!(overlap.current(), 50, "capped at half a page");
        assert_eq!(
            overlap.for_pages_of(17),
            8,
            "half of what the server serves"
        );
    }

    #[test]
    fn tiny_pages_and_fixed_overlaps() {
        let mut two = Overlap::new(OverlapPolicy::Adaptive, 2);
        two.observe(5);
        assert_eq!(two.current(), 1);
        let mut fixed = Overlap::new(OverlapPolicy::Fixed(10), 100);
        fixed.observe(30);
        assert_eq!(fixed.current(), 10);
        assert_eq!(Overlap::new(OverlapPolicy::Fixed(500), 100).current(), 99);
        assert_eq!(Overlap::new(OverlapPolicy::Fixed(0), 100).current(), 1);
    }
}
