//! The walk behind a paginator: which offsets to request and how many at once, which answers to use, what to
//! yield, when to re-read and when to stop (the rules are listed at the top of `pagination.rs`).

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::StreamExt;
use futures::future::BoxFuture;
use futures::stream::{BoxStream, FuturesOrdered};

use super::overlap::{Overlap, OverlapPolicy};
use super::{Fetch, ItemId, Page, RawPage};
use crate::error::Error;

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

struct Walker<T> {
    operation: &'static str,
    fetch: Fetch<T>,
    item_id: ItemId<T>,
    limit: u64,
    overlap: Overlap,
    concurrency: usize,
    max_pages: u64,
    /// Where the walk has got to: the position just past the last item covered, in the list as last fetched.
    cursor: u64,
    /// A page has been used: the next one must overlap the cursor, not start the list.
    started: bool,
    /// The offset of the re-read being awaited, if one is (see `held`).
    reread_at: Option<u64>,
    /// Requests whose answers were used (re-reads included); bounded by `max_pages`.
    pages: u64,
    /// Pages handed to the consumer.
    delivered: u64,
    done: bool,
    in_flight: FuturesOrdered<InFlight<T>>,
    last_queued: Option<u64>,
    /// Ids of the most recently received items, oldest first, and the same ids as a set: duplicate suppression,
    /// repeat detection and the overlap check. At most `window_cap` ids.
    window: VecDeque<String>,
    seen: HashSet<String>,
    window_cap: usize,
    /// A page set aside while the stretch before it is re-read (the list moved left behind the cursor).
    held: Option<(u64, RawPage<T>)>,
    /// How many new items the last re-read found: how far past the overlap the list had moved.
    reread_found: u64,
    /// The `total_count` of the last page used, if it had one.
    last_total: Option<u64>,
    /// The last page used held only items already seen, more than it re-read.
    repeated: bool,
    /// Where the last page used had items that did not decode (positions in the list).
    bad_positions: Vec<u64>,
    /// Errors of the last page's items that did not decode, yielded after the page.
    item_errors: VecDeque<Error>,
}

/// What to do with a fetched page.
enum Kind {
    /// The next page in order: overlap-checked, may end the list, may queue further requests. `shift`: how far
    /// it shows the list moved left behind the cursor (`None` for the first page, which has nothing to compare).
    Next { shift: Option<u64> },
    /// The re-read of the page before a set-aside page: only adds items.
    Reread,
    /// The set-aside page, after its re-read; `gap` when the re-read could not close the gap either.
    Held { gap: bool },
}

impl<T: Send + 'static> Walker<T> {
    fn new(settings: Settings<T>) -> Self {
        let overlap = Overlap::new(settings.overlap, settings.limit);
        Self {
            operation: settings.operation,
            fetch: settings.fetch,
            item_id: settings.item_id,
            limit: settings.limit,
            concurrency: settings.concurrency,
            max_pages: settings.max_pages,
            cursor: 0,
            started: false,
            reread_at: None,
            pages: 0,
            delivered: 0,
            done: false,
            in_flight: FuturesOrdered::new(),
            last_queued: None,
            window: VecDeque::new(),
            seen: HashSet::new(),
            // Two pages (duplicate suppression when the list shifts right by up to a page and more) plus the most
            // the overlap can be.
            window_cap: usize::try_from(2 * settings.limit + overlap.cap()).unwrap_or(usize::MAX),
            overlap,
            held: None,
            reread_found: 0,
            last_total: None,
            repeated: false,
            bad_positions: Vec::new(),
            item_errors: VecDeque::new(),
        }
    }

    /// Sends the request for the page at `offset`. With several requests in flight each runs as a task of its
    /// own, so that pages that arrive together are decoded in parallel rather than one after the other in the
    /// consumer's task; dropping the request (a flush, or the stream) aborts the task.
    fn queue(&mut self, offset: u64) {
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

    /// How far apart consecutive pages start: a page, less what each re-reads of the one before.
    fn stride(&self) -> u64 {
        self.limit - self.overlap.current()
    }

    /// Keeps up to `concurrency` requests in flight after the one for the page at `after`, each page overlapping
    /// the one before, never for a page that could only re-read items below `total` (when known). Without a
    /// `total_count` the requests are speculative: a short page ends the list and drops the rest.
    fn fill(&mut self, after: u64, next_if_none: u64, total: Option<u64>) {
        if self.concurrency < 2 {
            return;
        }
        let stride = self.stride();
        let mut next = self
            .last_queued
            .filter(|q| *q > after)
            .map_or(next_if_none, |q| q + stride);
        while self.in_flight.len() < self.concurrency
            && total.is_none_or(|total| next.saturating_add(self.overlap.current()) < total)
        {
            self.queue(next);
            next = next.saturating_add(stride);
        }
    }

    /// The offset to request when nothing usable is in flight.
    fn wanted(&self) -> u64 {
        match self.reread_at {
            Some(offset) => offset,
            None if !self.started => 0,
            None => self.cursor.saturating_sub(self.overlap.current()),
        }
    }

    /// Whether an answer for `offset` can be used now: the awaited re-read; the head of the list before anything
    /// was used; afterwards any page that still makes progress and re-reads at least the overlap's boundary item
    /// (pages queued while the overlap was different are still good).
    fn usable(&self, offset: u64) -> bool {
        match self.reread_at {
            Some(reread) => offset == reread,
            None if !self.started => offset == 0,
            None => {
                let boundary = self.overlap.current().min(1);
                offset.saturating_add(boundary) <= self.cursor
                    && offset.saturating_add(self.limit) > self.cursor
            }
        }
    }

    fn fail(&mut self, offset: u64, reason: String) -> Option<Result<Page<T>, Error>> {
        self.done = true;
        self.flush();
        self.held = None;
        Some(Err(Error::Pagination {
            operation: self.operation,
            offset,
            reason,
        }))
    }

    fn remember(&mut self, id: String) {
        if self.seen.insert(id.clone()) {
            self.window.push_back(id);
            while self.window.len() > self.window_cap {
                if let Some(old) = self.window.pop_front() {
                    self.seen.remove(&old);
                }
            }
        }
    }

    /// Whether a re-read at `offset` starts at or before the first item not yet seen: it starts at the head of
    /// the list, or its first item is one already seen.
    fn reread_anchored(&self, offset: u64, raw: &RawPage<T>) -> bool {
        offset == 0
            || raw
                .items
                .first()
                .is_some_and(|first| self.seen.contains(&(self.item_id)(first)))
    }

    /// Whether the next page may have started past items never seen, so the stretch before it must be re-read
    /// first:
    /// - with an overlap, it does not start with an item already seen (the list moved left behind the cursor by
    ///   at least the overlap), or it is empty although it should hold at least the boundary item;
    /// - without one, the list's `total_count` fell since the page before (something was deleted, maybe behind
    ///   the cursor).
    ///
    /// `known`: its [`leading_known`](Self::leading_known) items.
    fn moved_past_overlap(&self, offset: u64, raw: &RawPage<T>, known: u64) -> bool {
        if offset >= self.cursor {
            let fell = match (self.last_total, non_negative(raw.total_count)) {
                (Some(before), Some(now)) => now < before,
                _ => false,
            };
            return self.overlap.is_off() && fell && self.cursor > 0;
        }
        let received = raw.items.len() + raw.bad.len();
        received == 0 || (known == 0 && !raw.items.is_empty())
    }

    /// How many items at the head of a page at `offset` are where the walk last saw them: items already seen,
    /// and items that did not decode at a position where one did not decode before (a bad boundary item must not
    /// look like a shift).
    fn leading_known(&self, offset: u64, raw: &RawPage<T>) -> u64 {
        let mut good = raw.items.iter();
        let mut known = 0;
        for index in 0..(raw.items.len() + raw.bad.len()) {
            let still = if raw.bad.iter().any(|bad| bad.index == index) {
                self.bad_positions
                    .contains(&offset.saturating_add(index as u64))
            } else {
                good.next()
                    .is_some_and(|item| self.seen.contains(&(self.item_id)(item)))
            };
            if !still {
                break;
            }
            known += 1;
        }
        known
    }

    async fn next_page(&mut self) -> Option<Result<Page<T>, Error>> {
        loop {
            if let Some(error) = self.item_errors.pop_front() {
                return Some(Err(error));
            }
            if self.done {
                return None;
            }
            let (offset, raw, kind) = if self.reread_at.is_none()
                && let Some((offset, raw)) = self.held.take()
            {
                (offset, raw, Kind::Held { gap: false })
            } else {
                if self.pages >= self.max_pages {
                    let reason = format!(
                        "fetched {} pages without reaching the end; stopping (raise max_pages if the list is really \
                         this long)",
                        self.pages
                    );
                    return self.fail(self.wanted(), reason);
                }
                if self.in_flight.is_empty() {
                    let offset = self.wanted();
                    self.queue(offset);
                    if !self.started {
                        // The first page is not waited for: its successors are requested at once, as if it were
                        // full.
                        self.fill(0, self.stride(), None);
                    }
                }
                let (offset, result) = self.in_flight.next().await.expect("queued above");
                if !self.usable(offset) {
                    // Requested for an offset that a short page, a re-read or a shift has since invalidated.
                    self.flush();
                    continue;
                }
                let raw = match result {
                    Ok(raw) => raw,
                    Err(e) => {
                        self.done = true;
                        self.flush();
                        self.held = None;
                        return Some(Err(e));
                    }
                };
                self.pages += 1;
                if self.reread_at.take().is_some() {
                    if self.reread_anchored(offset, &raw) {
                        (offset, raw, Kind::Reread)
                    } else {
                        // Even the re-read starts past unseen items: more than a page was removed behind the
                        // cursor. Go on with the set-aside page and say that items may have been skipped.
                        let (offset, raw) = self.held.take().expect("a re-read has a held page");
                        (offset, raw, Kind::Held { gap: true })
                    }
                } else {
                    let known = self.started.then(|| self.leading_known(offset, &raw));
                    if known.is_some_and(|known| self.moved_past_overlap(offset, &raw, known)) {
                        // Set the page aside and re-read the page before the cursor; the set-aside page follows.
                        self.held = Some((offset, raw));
                        self.reread_at = Some(self.cursor.saturating_sub(self.limit));
                        self.flush();
                        continue;
                    }
                    // The page re-read `cursor - offset` items; fewer of them where they were means the list
                    // moved left by the difference (0 when it did not move, or moved right).
                    let reread = self.cursor.saturating_sub(offset);
                    let shift = known.map(|known| reread.saturating_sub(known));
                    (offset, raw, Kind::Next { shift })
                }
            };
            match kind {
                Kind::Next { shift: Some(shift) } => self.overlap.observe(shift),
                Kind::Held { .. } => {
                    let shift = self.cursor.saturating_sub(offset) + self.reread_found;
                    self.overlap.observe(shift);
                }
                Kind::Next { shift: None } | Kind::Reread => {}
            }
            match self.accept(offset, raw, kind) {
                Some(Ok(page)) if page.items.is_empty() && self.delivered > 0 => {
                    // Nothing new (an overlap or re-read that found everything already yielded): not worth a page.
                    continue;
                }
                Some(Ok(page)) => {
                    self.delivered += 1;
                    return Some(Ok(page));
                }
                // The list ended on a page with nothing new; its item errors, if any, are still due.
                None => continue,
                Some(Err(error)) => return Some(Err(error)),
            }
        }
    }

    /// A page whose items were all seen before, more of them than were re-read: the server ignores `offset`.
    fn repeats(&self, offset: u64, raw: &RawPage<T>) -> bool {
        let reread = self.cursor.saturating_sub(offset);
        !raw.items.is_empty()
            && raw.items.len() as u64 > reread
            && raw
                .items
                .iter()
                .all(|item| self.seen.contains(&(self.item_id)(item)))
    }

    fn accept(
        &mut self,
        offset: u64,
        raw: RawPage<T>,
        kind: Kind,
    ) -> Option<Result<Page<T>, Error>> {
        let total = non_negative(raw.total_count);
        // Items that did not decode count: a page of 100 with one bad item is still a full page.
        let received = raw.items.len() + raw.bad.len();
        let repeats = matches!(kind, Kind::Next { shift: Some(_) }) && self.repeats(offset, &raw);
        // One such page can be the list moving right (insertions behind the cursor) by more than a page less the
        // overlap; the walk goes on past it. Two in a row cannot be, for a shift of less than a page.
        let repeated_before = std::mem::replace(&mut self.repeated, repeats);
        if repeats && repeated_before {
            let reason = format!(
                "the page at offset {offset} repeats items already received ({received} items); the server may be \
                 ignoring `offset`, or the list shifted by more than a page"
            );
            return self.fail(offset, reason);
        }
        let gap = matches!(kind, Kind::Held { gap: true });
        if gap {
            tracing::warn!(
                operation = self.operation,
                offset,
                "more than a page of items was removed behind the pagination cursor between two page requests; \
                 items may have been skipped"
            );
        }
        if !matches!(kind, Kind::Reread) {
            self.bad_positions = raw
                .bad
                .iter()
                .map(|bad| offset.saturating_add(bad.index as u64))
                .collect();
        }
        // A bad item is reported once: one at a position before the cursor was covered by an earlier page (the
        // overlap, or a re-read) and reported then.
        for bad in raw.bad {
            if offset.saturating_add(bad.index as u64) >= self.cursor {
                self.item_errors.push_back(Error::ItemDecode {
                    operation: self.operation,
                    status: bad.status,
                    offset,
                    index: bad.index,
                    path: bad.path,
                    message: bad.message,
                    item_snippet: bad.item_snippet,
                });
            }
        }
        let mut items = Vec::with_capacity(raw.items.len());
        for item in raw.items {
            let id = (self.item_id)(&item);
            if !self.seen.contains(&id) {
                items.push(item);
            }
            self.remember(id);
        }
        let page = Page {
            items,
            offset,
            received,
            total_count: total,
            may_have_skipped: gap,
        };
        if matches!(kind, Kind::Reread) {
            // The set-aside page follows; it decides where the walk goes next.
            self.reread_found = page.items.len() as u64;
            return Some(Ok(page));
        }
        let end = offset.saturating_add(received as u64);
        let progressed = end > self.cursor || !self.started;
        self.started = true;
        self.cursor = end;
        self.reread_found = 0;
        if total.is_some() {
            self.last_total = total;
        }
        let short = (received as u64) < self.limit;
        self.done = received == 0
            || !progressed
            || match total {
                Some(total) => end >= total,
                None => short,
            };
        if self.done {
            self.flush();
            // The first page is delivered even when empty, so `pages()` always yields at least one page.
            return (!page.items.is_empty() || self.delivered == 0).then_some(Ok(page));
        }
        if short && self.last_queued.is_some_and(|q| q > offset) {
            // Requests made ahead assumed full pages; their offsets are wrong now.
            self.flush();
        } else {
            let next = self.wanted();
            self.fill(offset, next, total);
        }
        Some(Ok(page))
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
