//! Walking offset-paginated lists as streams (items, pages, or everything collected), robust against a
//! misbehaving or changing server, with bounded prefetch and bounded concurrent fetching.
//!
//! Rules, in the order they are applied to each page:
//! - the cursor advances by the number of items actually received (not by the page size asked for), and every
//!   page after the first is requested `overlap` items *before* the cursor (default: a tenth of the page size,
//!   10 for pages of 100; see [`Paginator::overlap`]): deleting an item already yielded shifts the list left, and
//!   without the overlap the item at the page boundary would be skipped;
//! - the overlap check: a page whose first item was not seen before may start past unseen items (at least
//!   `overlap` items were deleted behind the cursor); it is set aside, the page before it is re-read (one extra
//!   request), then it is used. Up to page size - 1 deletions behind the cursor between two page requests lose
//!   nothing; more than that sets [`Page::may_have_skipped`] (and logs a warning) instead of failing;
//! - an empty page, or one that reaches no further than the cursor (only re-read items), ends the list;
//! - a page whose items were all seen before, more of them than were re-read (a server ignoring `offset`), ends
//!   the stream with [`Error::Pagination`] instead of looping;
//! - items whose id is among the last `2 × page size + overlap` ids received are not yielded again (re-read items,
//!   and a list that shifts right under the caller by less than a page); memory for this is that many ids;
//! - `total_count` is a bound, not a promise: it is read in any integral spelling (`3`, `3.0`, `1e2`, `"3"`);
//!   negative values are ignored, an unusable one (`null`, missing, fractional, out of range like `1e300`, not a
//!   number) is dropped with a `tracing` warning naming the operation, and the list ends when the cursor
//!   reaches the latest plausible value; without one, a short page ends the list (`GET /keys`: pages of 100
//!   with no `limit`; a page at `cursor - overlap` is still at most 100 items, short only at the end);
//! - a malformed item costs only itself: the page's other items are delivered, then one [`Error::ItemDecode`]
//!   per bad item (its index in the page, the page's offset, the JSON path and serde's message), and the stream
//!   goes on if polled again; the bad item counts toward the page's length (a page of 100 with one bad item is
//!   still full) and is reported once even when the overlap re-reads it;
//! - with [`Paginator::concurrency`], pages are requested at `cursor - overlap + k × (page size - overlap)`, each
//!   overlapping the one before, so the same rules hold between consecutive pages; the guarantee is about
//!   deletions between the requests of two consecutive pages, which in this mode are in flight at once;
//! - after `max_pages` requests (default 100 000, re-reads included) the stream ends with [`Error::Pagination`]:
//!   the last line of defence against a server that keeps inventing new items.

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::channel::mpsc;
use futures::future::BoxFuture;
use futures::stream::{BoxStream, FuturesOrdered};
use futures::{Stream, StreamExt, TryStreamExt};

use crate::error::Error;

/// The largest page the API serves, and the default page size.
pub const MAX_PAGE_SIZE: u64 = 100;

/// The most page requests [`Paginator::concurrency`] allows in flight.
pub const MAX_CONCURRENCY: usize = 16;

/// One page of a list, after duplicate removal.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items not yielded before, in the server's order.
    pub items: Vec<T>,
    /// The offset this page was requested at.
    pub offset: u64,
    /// How many items the server returned (before duplicates were removed), those that did not decode included.
    pub received: usize,
    /// The server's `total_count`, if it sent a usable, non-negative one (any integral spelling). A hint, not a
    /// promise.
    pub total_count: Option<u64>,
    /// `true` when, just before this page, more items were removed behind the cursor than the walker can re-read
    /// (a page's worth between two page requests): items that were in the list throughout may have been skipped.
    /// Nothing is ever yielded twice either way. Also logged as a `tracing` warning.
    pub may_have_skipped: bool,
}

/// A page as the server sent it.
pub(crate) struct RawPage<T> {
    /// The items that decoded, in the server's order.
    pub(crate) items: Vec<T>,
    /// The server's `total_count`, when it sent a usable integer.
    pub(crate) total_count: Option<i64>,
    /// The items that did not decode (each yields an [`Error::ItemDecode`]).
    pub(crate) bad: Vec<BadItem>,
}

/// One item of a page that did not decode, while the page's other items did.
pub(crate) struct BadItem {
    /// The HTTP status of the page's answer.
    pub(crate) status: u16,
    /// Its index in the page as the server sent it.
    pub(crate) index: usize,
    /// The JSON path that failed, from the top of the body (`data[1].id`).
    pub(crate) path: String,
    /// serde's message, redacted.
    pub(crate) message: String,
    /// The start of the item, redacted.
    pub(crate) item_snippet: String,
}

/// A stream of pages, boxed.
type PageStream<T> = BoxStream<'static, Result<Page<T>, Error>>;

/// A page request in flight, tagged with its offset.
type InFlight<T> = BoxFuture<'static, (u64, Result<RawPage<T>, Error>)>;

/// An item's stable id, for never yielding an item twice.
pub(crate) type ItemId<T> = fn(&T) -> String;

/// Fetches the page at (offset, limit).
pub(crate) type Fetch<T> =
    Arc<dyn Fn(u64, u64) -> BoxFuture<'static, Result<RawPage<T>, Error>> + Send + Sync>;

/// A list request: choose page size, prefetch and concurrency, then take [`items`](Self::items),
/// [`pages`](Self::pages) or [`collect_all`](Self::collect_all).
///
/// Every page request gets the call's retry policy.
#[must_use = "a paginator does nothing until you stream or collect it"]
pub struct Paginator<T> {
    operation: &'static str,
    fetch: Fetch<T>,
    /// An item's stable id (the list operation's `item_id`).
    item_id: ItemId<T>,
    page_size: u64,
    /// `GET /keys` takes no `limit`; pages are always 100 there.
    fixed_page_size: bool,
    prefetch: usize,
    concurrency: usize,
    max_pages: u64,
    /// `None`: [`default_overlap`] of the page size.
    overlap: Option<u64>,
}

impl<T> std::fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("operation", &self.operation)
            .field("page_size", &self.page_size)
            .field("prefetch", &self.prefetch)
            .field("concurrency", &self.concurrency)
            .field("max_pages", &self.max_pages)
            .field("overlap", &self.overlap)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Paginator<T> {
    pub(crate) fn new(
        operation: &'static str,
        fixed_page_size: bool,
        item_id: ItemId<T>,
        fetch: Fetch<T>,
    ) -> Self {
        Self {
            operation,
            fetch,
            item_id,
            page_size: MAX_PAGE_SIZE,
            fixed_page_size,
            prefetch: 1,
            concurrency: 1,
            max_pages: 100_000,
            overlap: None,
        }
    }

    /// Items per request, 1..=100 (default 100). Lists without a `limit` parameter (`GET /keys`) take only 100.
    /// Anything else is rejected here, with [`Error::InvalidInput`], before a stream exists:
    ///
    /// ```no_run
    /// # async fn demo(client: &openrouter_mgmt::Client) -> Result<(), openrouter_mgmt::Error> {
    /// let guardrails = client.guardrails().list().page_size(25)?.collect_all().await?;
    /// assert!(client.guardrails().list().page_size(0).is_err());
    /// # Ok(()) }
    /// ```
    pub fn page_size(mut self, size: u64) -> Result<Self, Error> {
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            return Err(Error::invalid_input(
                "page_size",
                format!(
                    "{size} is not in 1..={MAX_PAGE_SIZE} (the largest page `{}` serves)",
                    self.operation
                ),
            ));
        }
        if self.fixed_page_size && size != MAX_PAGE_SIZE {
            return Err(Error::invalid_input(
                "page_size",
                format!(
                    "{size}: `{}` has no `limit` parameter; the server always serves pages of {MAX_PAGE_SIZE}",
                    self.operation
                ),
            ));
        }
        self.page_size = size;
        Ok(self)
    }

    /// How many pages may be fetched ahead of the consumer (default 1: page N+1 is in flight while page N is
    /// consumed; 0 turns prefetch off and fetches only on demand). Prefetch runs on a spawned tokio task, which
    /// is stopped when the stream is dropped.
    pub fn prefetch(mut self, pages: usize) -> Self {
        self.prefetch = pages;
        self
    }

    /// How many page requests may be in flight at once once `total_count` makes the next offsets known: 1..=16
    /// (default 1). Pages are still delivered in order. Anything else is rejected here with
    /// [`Error::InvalidInput`].
    pub fn concurrency(mut self, requests: usize) -> Result<Self, Error> {
        if !(1..=MAX_CONCURRENCY).contains(&requests) {
            return Err(Error::invalid_input(
                "concurrency",
                format!("{requests} is not in 1..={MAX_CONCURRENCY}"),
            ));
        }
        self.concurrency = requests;
        Ok(self)
    }

    /// The most pages the stream will fetch before failing with [`Error::Pagination`] (default 100 000; at least
    /// 1: 0 is rejected here with [`Error::InvalidInput`]).
    pub fn max_pages(mut self, pages: u64) -> Result<Self, Error> {
        if pages == 0 {
            return Err(Error::invalid_input("max_pages", "must be at least 1"));
        }
        self.max_pages = pages;
        Ok(self)
    }

    /// How many items before the cursor each page after the first re-reads (default: a tenth of the page size,
    /// i.e. 10 for pages of 100; none for pages below 10; at most page size - 1; 0 turns it off).
    ///
    /// Deleting an item that was already yielded shifts the rest of the list left, so without an overlap the
    /// next offset would skip the item at the page boundary. With an overlap of `n`, up to `n - 1` items deleted
    /// behind the cursor between two page requests cost nothing; `n` up to page size - 1 are detected (the first
    /// re-read item is not one already seen) and cost one extra request, which re-reads the page before. More
    /// than that between two requests is reported on the next page ([`Page::may_have_skipped`]). Re-read items are
    /// never yielded twice. The price is `page_size / (page_size - n)` times the requests (+11% for the default).
    pub fn overlap(mut self, items: u64) -> Self {
        self.overlap = Some(items);
        self
    }

    /// The pages, in order. A page with items that did not decode is followed by one [`Error::ItemDecode`] per
    /// such item; the stream goes on after them (any other error ends it).
    pub fn pages(self) -> Pages<T> {
        let prefetch = self.prefetch;
        let stream = walk(Walker::new(
            self.operation,
            self.fetch,
            self.item_id,
            self.page_size,
            self.overlap
                .unwrap_or_else(|| default_overlap(self.page_size)),
            self.concurrency,
            self.max_pages,
        ));
        Pages {
            state: if prefetch == 0 {
                State::Inline(stream)
            } else {
                State::Lazy(Some((stream, prefetch)))
            },
        }
    }

    /// The items, in order, each at most once. An item that did not decode surfaces as an
    /// [`Error::ItemDecode`] (after the good items of its page) and costs nothing else: keep polling for the rest
    /// of the list. Any other error ends the stream.
    ///
    /// ```no_run
    /// # async fn demo(client: &openrouter_mgmt::Client) {
    /// use futures::StreamExt;
    /// let mut guardrails = std::pin::pin!(client.guardrails().list().items());
    /// while let Some(item) = guardrails.next().await {
    ///     match item {
    ///         Ok(guardrail) => println!("{}", guardrail.name),
    ///         Err(e @ openrouter_mgmt::Error::ItemDecode { .. }) => eprintln!("skipped: {e}"),
    ///         Err(e) => { eprintln!("{e}"); break; }
    ///     }
    /// }
    /// # }
    /// ```
    pub fn items(self) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        self.pages()
            .map_ok(|page| futures::stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Every item, collected. Prefer [`items`](Self::items) for long lists, and to get past an item that does not
    /// decode: here the first [`Error::ItemDecode`] fails the whole collection.
    pub async fn collect_all(self) -> Result<Vec<T>, Error> {
        self.items().try_collect().await
    }
}

/// A stream of [`Page`]s (see [`Paginator::pages`]).
#[must_use = "streams do nothing unless polled"]
pub struct Pages<T> {
    state: State<T>,
}

enum State<T> {
    Lazy(Option<(PageStream<T>, usize)>),
    Inline(PageStream<T>),
    Prefetching {
        receiver: mpsc::Receiver<Result<Page<T>, Error>>,
        task: tokio::task::JoinHandle<()>,
    },
}

impl<T> Drop for Pages<T> {
    fn drop(&mut self) {
        if let State::Prefetching { task, .. } = &self.state {
            task.abort();
        }
    }
}

impl<T> std::fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let State::Lazy(slot) = &mut this.state {
            let (mut stream, prefetch) = slot
                .take()
                .expect("Lazy is replaced as soon as it is taken");
            // The channel has room for `prefetch` pages (futures' mpsc adds one slot per sender to the buffer
            // size). The task reserves a slot *before* fetching, so at most `prefetch` pages are fetched ahead
            // of the consumer and memory stays bounded by page size x (prefetch + 1).
            let (mut sender, receiver) = mpsc::channel(prefetch - 1);
            let task = tokio::spawn(async move {
                loop {
                    if futures::future::poll_fn(|cx| sender.poll_ready(cx))
                        .await
                        .is_err()
                    {
                        break;
                    }
                    let Some(item) = stream.next().await else {
                        break;
                    };
                    if sender.start_send(item).is_err() {
                        break;
                    }
                }
            });
            this.state = State::Prefetching { receiver, task };
        }
        match &mut this.state {
            State::Inline(stream) => stream.poll_next_unpin(cx),
            State::Prefetching { receiver, .. } => receiver.poll_next_unpin(cx),
            State::Lazy(_) => unreachable!("started above"),
        }
    }
}

/// The default overlap for a page size: a tenth of the page (10 for pages of 100), none below 10.
pub(crate) fn default_overlap(page_size: u64) -> u64 {
    page_size / 10
}

struct Walker<T> {
    operation: &'static str,
    fetch: Fetch<T>,
    item_id: ItemId<T>,
    limit: u64,
    /// Items re-read before the cursor on every page after the first (always `< limit`).
    overlap: u64,
    concurrency: usize,
    max_pages: u64,
    /// Where the walk has got to: the position just past the last item covered, in the list as last fetched.
    cursor: u64,
    /// The offset the next page must have; responses for any other offset are stale speculation.
    next_offset: u64,
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
    /// A page set aside while the stretch before it is re-read (its first item was not one already seen).
    held: Option<(u64, RawPage<T>)>,
    /// The page being awaited is such a re-read.
    rereading: bool,
    /// Errors of the last page's items that did not decode, yielded after the page.
    item_errors: VecDeque<Error>,
}

/// What to do with a fetched page.
enum Kind {
    /// The next page in order: overlap-checked, may end the list, may queue speculative requests.
    Next,
    /// The re-read of the page before a set-aside page: only adds items.
    Reread,
    /// The set-aside page, after its re-read; `gap` when the re-read could not close the gap either.
    Held { gap: bool },
}

fn walk<T: Send + 'static>(walker: Walker<T>) -> BoxStream<'static, Result<Page<T>, Error>> {
    futures::stream::unfold(walker, |mut w| async move {
        let item = w.next_page().await?;
        Some((item, w))
    })
    .boxed()
}

impl<T: Send + 'static> Walker<T> {
    fn new(
        operation: &'static str,
        fetch: Fetch<T>,
        item_id: ItemId<T>,
        limit: u64,
        overlap: u64,
        concurrency: usize,
        max_pages: u64,
    ) -> Self {
        let overlap = overlap.min(limit.saturating_sub(1));
        Self {
            operation,
            fetch,
            item_id,
            limit,
            overlap,
            concurrency,
            max_pages,
            cursor: 0,
            next_offset: 0,
            pages: 0,
            delivered: 0,
            done: false,
            in_flight: FuturesOrdered::new(),
            last_queued: None,
            window: VecDeque::new(),
            seen: HashSet::new(),
            // Two pages (duplicate suppression when the list shifts right by up to a page and more) plus the overlap.
            window_cap: usize::try_from(2 * limit + overlap).unwrap_or(usize::MAX),
            held: None,
            rereading: false,
            item_errors: VecDeque::new(),
        }
    }

    fn queue(&mut self, offset: u64) {
        let fetch = Arc::clone(&self.fetch);
        let limit = self.limit;
        self.in_flight.push_back(Box::pin(
            async move { (offset, fetch(offset, limit).await) },
        ));
        self.last_queued = Some(offset);
    }

    /// Drops every request in flight (their offsets are no longer the ones wanted).
    fn flush(&mut self) {
        self.in_flight = FuturesOrdered::new();
        self.last_queued = None;
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

    /// Whether the page at `offset` starts at or before the first item not yet seen: it starts at the head of the
    /// list, or its first item is one already seen (so every unseen item after the cursor follows it in the page).
    fn anchored(&self, offset: u64, raw: &RawPage<T>) -> bool {
        offset == 0
            || raw
                .items
                .first()
                .is_none_or(|first| self.seen.contains(&(self.item_id)(first)))
    }

    async fn next_page(&mut self) -> Option<Result<Page<T>, Error>> {
        loop {
            if let Some(error) = self.item_errors.pop_front() {
                return Some(Err(error));
            }
            if self.done {
                return None;
            }
            let (offset, raw, kind) = if !self.rereading
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
                    return self.fail(self.next_offset, reason);
                }
                if self.in_flight.is_empty() {
                    self.queue(self.next_offset);
                }
                let (offset, result) = self.in_flight.next().await.expect("queued above");
                if offset != self.next_offset {
                    // Fetched speculatively for an offset that a short page or a re-read has since invalidated.
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
                if self.rereading {
                    self.rereading = false;
                    if self.anchored(offset, &raw) {
                        (offset, raw, Kind::Reread)
                    } else {
                        // Even the re-read starts past unseen items: more than a page was removed behind the
                        // cursor. Go on with the set-aside page and say that items may have been skipped.
                        let (offset, raw) = self.held.take().expect("a re-read has a held page");
                        (offset, raw, Kind::Held { gap: true })
                    }
                } else if self.overlap > 0
                    && offset < self.cursor
                    && !raw.items.is_empty()
                    && !self.anchored(offset, &raw)
                    && !self.repeats(offset, &raw)
                {
                    // The first re-read item is one not seen yet: at least `overlap` items were removed behind the
                    // cursor, so the page may start past unseen items. Set it aside and re-read the page before.
                    self.held = Some((offset, raw));
                    self.rereading = true;
                    self.next_offset = self.cursor.saturating_sub(self.limit);
                    self.flush();
                    continue;
                } else {
                    (offset, raw, Kind::Next)
                }
            };
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
        let total = raw.total_count.and_then(|t| u64::try_from(t).ok());
        // Items that did not decode count: a page of 100 with one bad item is still a full page.
        let received = raw.items.len() + raw.bad.len();
        if matches!(kind, Kind::Next) && self.pages > 1 && self.repeats(offset, &raw) {
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
            return Some(Ok(page));
        }
        let end = offset.saturating_add(received as u64);
        let progressed = end > self.cursor || self.pages == 1;
        self.cursor = end;
        self.next_offset = end.saturating_sub(self.overlap);
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
            // Speculative requests assumed full pages; their offsets are wrong now.
            self.flush();
        } else if let Some(total) = total.filter(|_| self.concurrency > 1) {
            // Offsets are known: keep up to `concurrency` requests in flight, each page overlapping the one before,
            // never for a page that could only re-read items below `total`.
            let stride = self.limit - self.overlap;
            let mut next = self
                .last_queued
                .filter(|q| *q > offset)
                .map_or(self.next_offset, |q| q + stride);
            while self.in_flight.len() < self.concurrency
                && next.saturating_add(self.overlap) < total
            {
                self.queue(next);
                next = next.saturating_add(stride);
            }
        }
        Some(Ok(page))
    }
}
