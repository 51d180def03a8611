//! The walk behind a paginator: which offsets to request and how many at once, which answers count, what to
//! yield, when to search back for an anchor and when to give up (the rules are listed at the top of
//! `pagination.rs`).
//!
//! # Why nothing present throughout is skipped or yielded twice
//!
//! Model: the list is ordered by a key that never changes; each answer is the slice `[offset, offset + n)` of the
//! list as it stood at some instant (any instant: answers may be old, or arrive out of order). `H` is the highest
//! item yielded so far, in the list's order.
//!
//! Invariant, true before and after every page the walk uses: every item present throughout the walk that sits
//! at or below `H` has been yielded.
//!
//! A page counts only if it holds an item already yielded (its *anchor*: the first such item), or it starts the
//! list (offset 0). The page is a contiguous run of the list at its instant, so every item present throughout
//! between the anchor `x` and the page's last item is in the page after `x`; each is yielded now unless it was
//! yielded before (every item yielded is remembered, see `seen.rs`). Since `x <= H`, the invariant then holds up
//! to the higher of `H` and the page's last item. Items before the anchor sit below `x <= H`: by the invariant,
//! the present-throughout ones among them were yielded already. A page at offset 0 holds every item up to its
//! last, so it needs no anchor. Nothing is yielded twice (the remembered fingerprints), and nothing is yielded
//! that no answer held.
//!
//! The list ends when a used page reaches its end (a short page, or `total_count`) at its instant: everything
//! present throughout is then yielded. A page that holds no item already yielded is never used: the walk searches
//! back for one (at most [`MAX_SEARCH`] requests in a row; offset 0 always serves), and fails with
//! [`Error::Pagination`] when it finds none. The order of the walk's answers in time plays no part, so pages in
//! flight, old answers and answers out of order are as safe as one request at a time.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::{BoxStream, FuturesOrdered};

use super::overlap::{Overlap, OverlapPolicy, QUIET_PAGES};
use super::seen::{Fingerprint, Seen, fingerprint};
use super::{BadItem, Fetch, ItemId, Page, RawPage};
use crate::error::Error;

/// The most requests in a row that may hold no item already yielded while the walk searches back for one.
pub(super) const MAX_SEARCH: u32 = 8;

/// The most pages in a row that may bring nothing new (a server that ignores `offset`, or a list growing behind
/// the walk faster than it reads).
const MAX_STALLS: u32 = 3;

/// A page request in flight, tagged with its offset.
type InFlight<T> = BoxFuture<'static, (u64, Result<RawPage<T>, Error>)>;

/// What the walk needs to know, fixed for its whole length.
pub(super) struct Settings<T> {
    pub(super) operation: &'static str,
    pub(super) fetch: Fetch<T>,
    pub(super) item_id: ItemId<T>,
    pub(super) limit: u64,
    pub(super) overlap: OverlapPolicy,
    pub(super) concurrency: usize,
    pub(super) max_pages: u64,
}

/// The pages of one walk, as a stream.
pub(super) fn walk<T: Send + 'static>(
    settings: Settings<T>,
) -> BoxStream<'static, Result<Page<T>, Error>> {
    futures::stream::unfold(Walker::new(settings), |mut w| async move {
        let item = w.next_page().await?;
        Some((item, w))
    })
    .boxed()
}

/// One item of a page, as the server sent it.
enum Entry<T> {
    Good(T),
    Bad(BadItem),
}

struct Walker<T> {
    operation: &'static str,
    fetch: Fetch<T>,
    item_id: ItemId<T>,
    /// The `limit` every request asks for.
    limit: u64,
    /// How many items a full page holds: `limit`, or fewer when the server serves fewer than asked while its
    /// `total_count` says more remain.
    served: u64,
    overlap: Overlap,
    concurrency: usize,
    /// Requests kept in flight now: halved by every search back (each one discards the pages in flight), doubled
    /// back towards `concurrency` after every [`QUIET_PAGES`] pages used in a row without one.
    window: usize,
    /// Pages used in a row since the last search back.
    since_search: u32,
    max_pages: u64,
    seen: Seen,
    /// The offset just past the last page used, in the list as that page saw it.
    cursor: u64,
    /// The last item of the last page used, and where it stood: the measure of how far the list moves.
    boundary: Option<Fingerprint>,
    started: bool,
    /// Requests in a row that held no item already yielded (a search back is under way when > 0).
    misses: u32,
    /// Pages in a row that brought nothing new while reaching further than any page before.
    stalls: u32,
    /// The furthest offset a used page reached.
    furthest: u64,
    /// The last page used was short, brought nothing new, and the total said more: the page at the cursor, with
    /// no overlap, is requested to tell a list that ended (it is empty) from a server that serves too little.
    confirming: bool,
    /// The last page used was short while the total said more: until a full page confirms the server's page
    /// size, only one request is in flight (the short page may as well have been the end of the list).
    probing: bool,
    /// Requests sent, used or not (what `max_pages` and the hard cap count).
    requests: u64,
    /// Items yielded.
    yielded: u64,
    /// The `total_count` of the last page used, if it had one: no page is requested ahead past it.
    total: Option<u64>,
    /// The `total_count` of the walk's first page: the hard cap's measure.
    first_total: Option<u64>,
    delivered: u64,
    done: bool,
    in_flight: FuturesOrdered<InFlight<T>>,
    last_queued: Option<u64>,
    /// Errors of the last page's new items that did not decode, yielded after the page.
    item_errors: VecDeque<Error>,
}

impl<T: Send + 'static> Walker<T> {
    fn new(settings: Settings<T>) -> Self {
        // A page must hold an item already seen and a new one: requests ask for at least two items.
        let limit = settings.limit.max(2);
        let overlap = Overlap::new(settings.overlap, limit);
        Self {
            operation: settings.operation,
            fetch: settings.fetch,
            item_id: settings.item_id,
            limit,
            served: limit,
            concurrency: settings.concurrency,
            window: settings.concurrency,
            since_search: 0,
            max_pages: settings.max_pages,
            seen: Seen::default(),
            overlap,
            cursor: 0,
            boundary: None,
            started: false,
            misses: 0,
            stalls: 0,
            furthest: 0,
            probing: false,
            confirming: false,
            requests: 0,
            yielded: 0,
            total: None,
            first_total: None,
            delivered: 0,
            done: false,
            in_flight: FuturesOrdered::new(),
            last_queued: None,
            item_errors: VecDeque::new(),
        }
    }

    /// Sends the request for the page at `offset`. With several requests in flight each runs as a task of its
    /// own, so that pages that arrive together are decoded in parallel rather than one after the other in the
    /// consumer's task; dropping the request (a flush, or the stream) aborts the task.
    fn queue(&mut self, offset: u64) {
        self.requests += 1;
        let request = (self.fetch)(offset, self.limit);
        let request: BoxFuture<'static, Result<RawPage<T>, Error>> = if self.concurrency > 1 {
            Box::pin(Spawned(tokio::spawn(request)))
        } else {
            request
        };
        self.in_flight
            .push_back(Box::pin(async move { (offset, request.await) }));
        self.last_queued = Some(offset);
    }

    /// Drops every request in flight (their offsets are no longer the ones wanted).
    fn flush(&mut self) {
        self.in_flight = FuturesOrdered::new();
        self.last_queued = None;
    }

    /// Items each page re-reads of the one before: the overlap, less than a full page of this server.
    fn reread(&self) -> u64 {
        self.overlap.for_pages_of(self.served)
    }

    /// How far apart consecutive pages start: a full page, less what each re-reads of the one before.
    fn stride(&self) -> u64 {
        self.served.saturating_sub(self.reread()).max(1)
    }

    /// The offset of the next page in order: the head of the list, or the boundary item's page.
    fn next_offset(&self) -> u64 {
        if self.confirming {
            self.cursor
        } else if self.started {
            self.cursor.saturating_sub(self.reread())
        } else {
            0
        }
    }

    /// Keeps up to `concurrency` requests in flight, each page overlapping the one before, never for a page that
    /// could only re-read items below `total` (when known). Without a `total_count` the requests are
    /// speculative: a short page ends the list and drops the rest.
    fn fill(&mut self, total: Option<u64>) {
        let stride = self.stride();
        let mut next = self
            .last_queued
            .map_or_else(|| self.next_offset(), |q| q.saturating_add(stride));
        let window = if self.probing { 1 } else { self.window };
        let cap = self.max_pages.min(self.budget());
        while self.in_flight.len() < window
            && self.requests < cap
            && (self.in_flight.is_empty()
                || total.is_none_or(|total| next.saturating_add(self.reread()) < total))
        {
            self.queue(next);
            next = next.saturating_add(stride);
        }
    }

    /// Whether a page requested ahead at `offset` can still bring the next items: it must overlap the cursor
    /// (a page at or past it would start past the boundary item; one ending before it holds nothing new).
    fn still_wanted(&self, offset: u64) -> bool {
        if !self.started {
            return offset == 0;
        }
        if self.misses > 0 || self.confirming {
            return true;
        }
        offset < self.cursor && offset.saturating_add(self.served) > self.cursor
    }

    /// The most requests this walk may make (the hard cap): eight times what the list needs at half a page per
    /// request, by the `total_count` of its first page, so a list that grows faster than it is read ends the walk
    /// instead of running it forever. Lists without a `total_count` (`GET /keys`) have only `max_pages`.
    fn budget(&self) -> u64 {
        let half = (self.served / 2).max(1);
        self.first_total.map_or(u64::MAX, |total| {
            64u64.saturating_add(total.max(1).div_ceil(half).saturating_mul(8))
        })
    }

    /// The failure of a walk that sent as many requests as it may (`max_pages`, or the hard cap); `None` while it
    /// may send more.
    fn at_cap(&mut self) -> Option<Option<Result<Page<T>, Error>>> {
        let reason = if self.requests >= self.max_pages {
            format!(
                "fetched {} pages without reaching the end; stopping (raise max_pages if the list is really this \
                 long)",
                self.requests
            )
        } else if self.requests >= self.budget() {
            "the walk keeps requesting without reaching the end of the list: it changes faster than it can be read"
                .to_owned()
        } else {
            return None;
        };
        Some(self.fail(self.next_offset(), reason))
    }

    fn fail(&mut self, offset: u64, reason: String) -> Option<Result<Page<T>, Error>> {
        self.done = true;
        self.flush();
        let reason = format!(
            "{reason} ({} requests sent, {} items yielded, the last page used ended at offset {})",
            self.requests, self.yielded, self.cursor
        );
        Some(Err(Error::Pagination {
            operation: self.operation,
            offset,
            reason,
        }))
    }

    async fn next_page(&mut self) -> Option<Result<Page<T>, Error>> {
        loop {
            if let Some(error) = self.item_errors.pop_front() {
                return Some(Err(error));
            }
            if self.done {
                return None;
            }
            if self.in_flight.is_empty() {
                if let Some(failure) = self.at_cap() {
                    return failure;
                }
                self.fill(self.total);
            }
            let (offset, result) = self.in_flight.next().await.expect("queued above");
            if !self.still_wanted(offset) {
                // Requested ahead for an offset that a short page or a shift has since made wrong.
                self.flush();
                continue;
            }
            let raw = match result {
                Ok(raw) => raw,
                Err(e) => {
                    self.done = true;
                    self.flush();
                    return Some(Err(e));
                }
            };
            match self.apply(offset, raw) {
                Some(Ok(page)) if page.items.is_empty() && self.delivered > 0 => continue,
                Some(Ok(page)) => {
                    self.delivered += 1;
                    return Some(Ok(page));
                }
                Some(Err(error)) => return Some(Err(error)),
                None => continue,
            }
        }
    }

    /// The page's entries in the server's order, each with its key (the first of two equal keys only).
    fn entries(&self, raw: RawPage<T>) -> Vec<(Option<Fingerprint>, Entry<T>)> {
        let total = raw.items.len() + raw.bad.len();
        let mut bad = raw.bad.into_iter().peekable();
        let mut good = raw.items.into_iter();
        let mut seen = HashSet::with_capacity(total);
        let mut entries = Vec::with_capacity(total);
        for index in 0..total {
            let entry = if bad.peek().is_some_and(|b| b.index == index) {
                Entry::Bad(bad.next().expect("peeked"))
            } else if let Some(item) = good.next() {
                Entry::Good(item)
            } else if let Some(b) = bad.next() {
                Entry::Bad(b)
            } else {
                break;
            };
            let key = match &entry {
                Entry::Good(item) => fingerprint(&(self.item_id)(item)),
                Entry::Bad(b) => fingerprint(&format!("\u{0}undecodable:{:016x}", b.fingerprint)),
            };
            let key = seen.insert(key).then_some(key);
            entries.push((key, entry));
        }
        entries
    }

    /// Uses the page at `offset` if it is anchored; otherwise searches back. `None`: nothing to deliver.
    fn apply(&mut self, offset: u64, raw: RawPage<T>) -> Option<Result<Page<T>, Error>> {
        let total = non_negative(raw.total_count);
        let entries = self.entries(raw);
        let received = entries.len();
        let end = offset.saturating_add(received as u64);
        if !self.started && self.misses == 0 {
            self.first_total = total;
        }
        if std::mem::take(&mut self.confirming) {
            if received == 0 {
                // The list ended where the last page did; its total_count was stale.
                self.done = true;
                self.flush();
                return None;
            }
            let reason = format!(
                "the server answered a page that brought nothing new and was shorter than asked ({} items) while \
                 its total_count says more remain, and the page after it is not empty: pages this small cannot \
                 hold an item already seen and a new one, so continuity cannot be proven",
                self.served
            );
            return self.fail(offset, reason);
        }

        // The page's anchor: its first item already yielded; a page at the head of the list needs none.
        let anchor = entries
            .iter()
            .position(|(key, _)| key.is_some_and(|key| self.seen.contains(key)));
        if anchor.is_none() && offset != 0 {
            return self.search(offset, received);
        }

        // How far the list moved left behind the cursor since the page before: where the boundary item is now
        // (a re-read after a search finds it far from where the walk expected it).
        if self.started {
            let expected = self.cursor.saturating_sub(1).saturating_sub(offset);
            let found = self.boundary.as_ref().and_then(|b| {
                entries
                    .iter()
                    .position(|(k, _)| k.as_ref() == Some(b))
                    .map(|i| i as u64)
            });
            match found {
                Some(found) => self.overlap.observe(expected.saturating_sub(found)),
                // Deleted, or pushed past the page: the shift is unknown; keep the overlap (a search back has
                // already grown it).
                None => self.overlap.observe(self.overlap.current() / 2),
            }
        }

        let from = anchor.map_or(0, |index| index + 1);
        let boundary = entries.iter().rev().find_map(|(k, _)| *k);
        let mut fresh = 0;
        let mut items = Vec::new();
        for (index, (key, entry)) in entries.into_iter().enumerate().skip(from) {
            if !key.is_some_and(|key| self.seen.insert(key)) {
                continue;
            }
            fresh += 1;
            match entry {
                Entry::Good(item) => items.push(item),
                Entry::Bad(bad) => self.item_errors.push_back(Error::ItemDecode {
                    operation: self.operation,
                    status: bad.status,
                    offset,
                    index,
                    path: bad.path,
                    message: bad.message,
                    item_snippet: bad.item_snippet,
                }),
            }
        }
        self.yielded += items.len() as u64;
        self.started = true;
        self.misses = 0;
        self.total = total;
        self.cursor = end;
        if boundary.is_some() {
            self.boundary = boundary;
        }
        let short = (received as u64) < self.served;
        let full = (received as u64) >= self.served;
        // Nothing new on a full page reaching further than any before (re-reading ground already covered, after a
        // search back, is not a stall).
        let further = end > self.furthest;
        self.furthest = self.furthest.max(end);
        self.stalls = if fresh == 0 && full && further {
            self.stalls + 1
        } else {
            0
        };
        let page = Page {
            items,
            offset,
            received,
            total_count: total,
        };
        self.done = received == 0
            || match total {
                Some(total) => end >= total,
                None => short,
            };
        if !self.done && short && fresh == 0 && total.is_some() {
            // Short, nothing new, and the total says more: a stale total, or a server serving no more than the
            // walk re-reads. The page at the cursor tells.
            self.confirming = true;
            self.flush();
            if let Some(failure) = self.at_cap() {
                return failure;
            }
            self.queue(self.cursor);
            return (!page.items.is_empty() || self.delivered == 0).then_some(Ok(page));
        }
        if self.done {
            self.flush();
            // The first page is delivered even when empty, so `pages()` always yields at least one page.
            return (!page.items.is_empty() || self.delivered == 0).then_some(Ok(page));
        }
        if self.stalls >= MAX_STALLS {
            let reason = format!(
                "{MAX_STALLS} pages in a row brought nothing new: the server may be ignoring `offset`, or the list \
                 grows behind the walk faster than it is read"
            );
            return self.fail(offset, reason);
        }
        self.since_search += 1;
        if self.since_search >= QUIET_PAGES {
            self.since_search = 0;
            self.window = (self.window * 2).min(self.concurrency);
        }
        self.probing = short;
        if short && received as u64 > 1 {
            // The server serves fewer items than asked while its total says more remain: that is a full page
            // from now on, and the pages requested ahead assumed more.
            self.served = received as u64;
            self.flush();
        }
        // Pages requested ahead that no longer overlap the cursor are dropped when they arrive.
        if self.in_flight.is_empty() {
            self.last_queued = None;
        }
        if self.concurrency > 1 {
            self.fill(total);
        }
        Some(Ok(page))
    }

    /// The page at `offset` holds no known item: the list moved by more than the overlap (or the page is past
    /// its end). Re-read further back, twice as far each time; give up after [`MAX_SEARCH`] requests or at the
    /// head of the list.
    fn search(&mut self, offset: u64, received: usize) -> Option<Result<Page<T>, Error>> {
        self.flush();
        self.window = (self.window / 2).max(1);
        self.since_search = 0;
        if self.misses == 0 {
            // The list moved further than the overlap: the pages after this one re-read more.
            self.overlap.observe(self.overlap.current());
        }
        self.misses += 1;
        if self.misses > MAX_SEARCH {
            let reason = format!(
                "{} page(s) in a row held no item already yielded (the last at offset {offset}, {received} items), \
                 not even the head of the list, so continuity with what was yielded cannot be proven",
                self.misses
            );
            return self.fail(offset, reason);
        }
        // Twice as far back each time; the last try is the head of the list, which needs no anchor.
        let first = (self.served / 2).max(self.reread().saturating_mul(2) + 1);
        let back = first.saturating_mul(1u64 << (self.misses - 1).min(40));
        let at = if self.misses == MAX_SEARCH {
            0
        } else {
            offset.saturating_sub(back)
        };
        if let Some(failure) = self.at_cap() {
            return failure;
        }
        self.queue(at);
        None
    }
}

/// A usable `total_count`: negative values are ignored.
fn non_negative(total: Option<i64>) -> Option<u64> {
    total.and_then(|t| u64::try_from(t).ok())
}

/// A page request running as a task of its own; aborted when dropped.
struct Spawned<T>(tokio::task::JoinHandle<Result<RawPage<T>, Error>>);

impl<T> Future for Spawned<T> {
    type Output = Result<RawPage<T>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match Pin::new(&mut self.0).poll(cx) {
            Poll::Ready(Ok(result)) => Poll::Ready(result),
            // A panic in the request is the caller's panic, as it would be without the task.
            Poll::Ready(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Poll::Ready(Err(_)) => unreachable!("only dropping a `Spawned` aborts its task"),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> Drop for Spawned<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
