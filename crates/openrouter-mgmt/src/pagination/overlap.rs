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
    /// The most the adaptive policy grows to: three quarters of a page (beyond that a page brings too little that
    /// is new; a list moving further than that between two requests is found again by searching back).
    cap: u64,
}

impl Overlap {
    /// The starting overlap for pages of `limit` items; never a whole page (a page must bring something new).
    pub(crate) fn new(policy: OverlapPolicy, limit: u64) -> Self {
        let most = limit.saturating_sub(1);
        let (current, cap) = match policy {
            OverlapPolicy::Adaptive => {
                let start = most.min(1);
                (start, (limit * 3 / 4).clamp(start, most.max(start)))
            }
            OverlapPolicy::Fixed(n) => (n.clamp(1, most.max(1)), n.clamp(1, most.max(1))),
        };
        Self {
            policy,
            current,
            cap,
        }
    }

    /// Items the next page re-reads.
    pub(crate) fn current(&self) -> u64 {
        self.current
    }

    /// The most it can become.
    #[cfg(test)]
    pub(crate) fn cap(&self) -> u64 {
        self.cap
    }

    /// Records that the list had moved left by `shift` items behind the cursor between the last two page
    /// requests (0: it had not). The adaptive policy grows at once to twice the shift plus the boundary item, so
    /// that the same churn next time is absorbed without a re-read, and halves back towards one item while the
    /// list is still.
    pub(crate) fn observe(&mut self, shift: u64) {
        if self.policy != OverlapPolicy::Adaptive || self.cap == 0 {
            return;
        }
        let wanted = shift.saturating_mul(2).saturating_add(1).min(self.cap);
        self.current = if wanted >= self.current {
            wanted
        } else {
            (self.current / 2).max(wanted)
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adaptive_starts_at_the_boundary_item_grows_with_shifts_and_decays() {
        let mut overlap = Overlap::new(OverlapPolicy::Adaptive, 100);
        assert_eq!((overlap.current(), overlap.cap()), (1, 75));
        overlap.observe(0);
        assert_eq!(overlap.current(), 1);
        overlap.observe(3);
        assert_eq!(overlap.current(), 7);
        overlap.observe(1);
        assert_eq!(
            overlap.current(),
            3,
            "halved, but still covering the last shift"
        );
        overlap.observe(0);
        overlap.observe(0);
        assert_eq!(overlap.current(), 1);
        overlap.observe(400);
        assert_eq!(overlap.current(), 75, "capped at three quarters of a page");
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
