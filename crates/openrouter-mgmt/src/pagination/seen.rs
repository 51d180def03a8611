//! The items a walk has yielded, as 128-bit fingerprints of their ids: what anchors a page, and what is never
//! yielded again.
//!
//! Every item yielded is remembered, for the whole walk: with answers that may be old or arrive out of order, no
//! smaller window can prove that an item about to be yielded was not yielded before. A fingerprint takes 16
//! bytes (about 36 in the set), not the id's length; two ids would have to collide in 128 bits to be confused.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

/// An item's identity for the walk.
pub(super) type Fingerprint = u128;

/// The fingerprint of an item's id (or, for an item that did not decode, of its JSON).
pub(super) fn fingerprint(id: &str) -> Fingerprint {
    // Two SipHash-1-3 digests with the standard library's fixed keys, told apart by a leading byte: stable within
    // a process, which is all a walk needs.
    let half = |salt: u8| {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut hasher);
        id.hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// The fingerprints of every item yielded so far.
#[derive(Debug, Default)]
pub(super) struct Seen(HashSet<Fingerprint>);

impl Seen {
    /// Whether this item was yielded.
    pub(super) fn contains(&self, item: Fingerprint) -> bool {
        self.0.contains(&item)
    }

    /// Records an item as yielded; false if it already was.
    pub(super) fn insert(&mut self, item: Fingerprint) -> bool {
        self.0.insert(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_tell_ids_apart() {
        assert_eq!(fingerprint("a"), fingerprint("a"));
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert_ne!(fingerprint(""), fingerprint("\u{0}"));
        let mut seen = Seen::default();
        assert!(seen.insert(fingerprint("x")));
        assert!(!seen.insert(fingerprint("x")));
        assert!(seen.contains(fingerprint("x")) && !seen.contains(fingerprint("y")));
    }
}
