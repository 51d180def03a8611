//! Walking offset-paginated lists as streams (items, pages, or everything collected), robust against a
//! misbehaving or changing server, with bounded prefetch and bounded concurrent fetching.
//!
//! Rules, in the order they are applied to each page:
//! - the next offset advances by the number of items actually received (not by the page size asked for);
//! - an empty page ends the list;
//! - a page whose items were all on the previous page (a server ignoring `offset`) ends the stream with
//!   [`Error::Pagination`] instead of looping;
//! - items whose id was on one of the two previous pages are not yielded again (a list that shifts under the
//!   caller by less than a page repeats items at page boundaries); memory for this is two pages of ids;
//! - `total_count` is a bound, not a promise: negative values are ignored, and the list ends when the offset
//!   reaches the latest plausible value; without one, a short page ends the list;
//! - after `max_pages` pages (default 100 000) the stream ends with [`Error::Pagination`]: the last line of
//!   defence against a server that keeps inventing new items.

use std::collections::{HashSet, VecDeque};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::channel::mpsc;
use futures::future::BoxFuture;
use futures::stream::{BoxStream, FuturesOrdered};
use futures::{Stream, StreamExt, TryStreamExt};

use crate::error::Error;
use crate::types;

/// The largest page the API serves, and the default page size.
pub const MAX_PAGE_SIZE: u64 = 100;

/// A list item with a stable id, used to avoid yielding the same item twice.
pub trait ListItem {
    /// The item's id.
    fn item_id(&self) -> String;
}

impl ListItem for types::Guardrail {
    fn item_id(&self) -> String {
        self.id.to_string()
    }
}

impl ListItem for types::KeyAssignment {
    fn item_id(&self) -> String {
        self.id.to_string()
    }
}

impl ListItem for types::MemberAssignment {
    fn item_id(&self) -> String {
        self.id.to_string()
    }
}

impl ListItem for types::ListResponseDataItem {
    fn item_id(&self) -> String {
        self.hash.clone()
    }
}

/// One page of a list, after duplicate removal.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items not yielded before, in the server's order.
    pub items: Vec<T>,
    /// The offset this page was requested at.
    pub offset: u64,
    /// How many items the server returned (before duplicates were removed).
    pub received: usize,
    /// The server's `total_count`, if it sent a non-negative one. A hint, not a promise.
    pub total_count: Option<u64>,
}

/// A page as the server sent it.
pub(crate) struct RawPage<T> {
    pub(crate) items: Vec<T>,
    pub(crate) total_count: Option<i64>,
}

/// A stream of pages, boxed.
type PageStream<T> = BoxStream<'static, Result<Page<T>, Error>>;

/// A page request in flight, tagged with its offset.
type InFlight<T> = BoxFuture<'static, (u64, Result<RawPage<T>, Error>)>;

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
    page_size: u64,
    /// `GET /keys` takes no `limit`; pages are always 100 there.
    fixed_page_size: bool,
    prefetch: usize,
    concurrency: usize,
    max_pages: u64,
    error: Option<Error>,
}

impl<T> std::fmt::Debug for Paginator<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Paginator")
            .field("operation", &self.operation)
            .field("page_size", &self.page_size)
            .field("prefetch", &self.prefetch)
            .field("concurrency", &self.concurrency)
            .field("max_pages", &self.max_pages)
            .finish_non_exhaustive()
    }
}

impl<T: ListItem + Send + 'static> Paginator<T> {
    pub(crate) fn new(operation: &'static str, fixed_page_size: bool, fetch: Fetch<T>) -> Self {
        Self {
            operation,
            fetch,
            page_size: MAX_PAGE_SIZE,
            fixed_page_size,
            prefetch: 1,
            concurrency: 1,
            max_pages: 100_000,
            error: None,
        }
    }

    /// Items per request, 1..=100 (default 100). Out of range is reported as [`Error::InvalidInput`] by the
    /// stream, before any request. Lists without a `limit` parameter (`GET /keys`) reject anything but 100.
    pub fn page_size(mut self, size: u64) -> Self {
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            self.error = Some(Error::invalid_input(
                "page_size",
                format!("{size} is not in 1..=100"),
            ));
        } else if self.fixed_page_size && size != MAX_PAGE_SIZE {
            self.error = Some(Error::invalid_input(
                "page_size",
                "this list has no `limit` parameter; the server always serves pages of 100",
            ));
        } else {
            self.page_size = size;
        }
        self
    }

    /// How many pages may be fetched ahead of the consumer (default 1: page N+1 is in flight while page N is
    /// consumed; 0 turns prefetch off and fetches only on demand). Prefetch runs on a spawned tokio task, which
    /// is stopped when the stream is dropped.
    pub fn prefetch(mut self, pages: usize) -> Self {
        self.prefetch = pages;
        self
    }

    /// How many page requests may be in flight at once once `total_count` makes the next offsets known
    /// (default 1; at most 16). Pages are still delivered in order.
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.clamp(1, 16);
        self
    }

    /// The most pages the stream will fetch before failing with [`Error::Pagination`] (default 100 000).
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = pages.max(1);
        self
    }

    /// The pages, in order.
    pub fn pages(self) -> Pages<T> {
        let prefetch = self.prefetch;
        let stream = match self.error {
            Some(error) => futures::stream::once(async move { Err(error) }).boxed(),
            None => walk(Walker {
                operation: self.operation,
                fetch: self.fetch,
                limit: self.page_size,
                concurrency: self.concurrency,
                max_pages: self.max_pages,
                next_offset: 0,
                pages: 0,
                done: false,
                in_flight: FuturesOrdered::new(),
                last_queued: None,
                previous: HashSet::new(),
                recent: VecDeque::new(),
            }),
        };
        Pages {
            state: if prefetch == 0 {
                State::Inline(stream)
            } else {
                State::Lazy(Some((stream, prefetch)))
            },
        }
    }

    /// The items, in order, each at most once.
    pub fn items(self) -> impl Stream<Item = Result<T, Error>> + Send + 'static {
        self.pages()
            .map_ok(|page| futures::stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
    }

    /// Every item, collected. Prefer [`items`](Self::items) for long lists.
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

struct Walker<T> {
    operation: &'static str,
    fetch: Fetch<T>,
    limit: u64,
    concurrency: usize,
    max_pages: u64,
    next_offset: u64,
    pages: u64,
    done: bool,
    in_flight: FuturesOrdered<InFlight<T>>,
    last_queued: Option<u64>,
    /// Ids on the previous page (repeat detection).
    previous: HashSet<String>,
    /// Ids on the last two pages (duplicate suppression).
    recent: VecDeque<HashSet<String>>,
}

fn walk<T: ListItem + Send + 'static>(
    walker: Walker<T>,
) -> BoxStream<'static, Result<Page<T>, Error>> {
    futures::stream::unfold(walker, |mut w| async move {
        let item = w.next_page().await?;
        Some((item, w))
    })
    .boxed()
}

impl<T: ListItem + Send + 'static> Walker<T> {
    fn queue(&mut self, offset: u64) {
        let fetch = Arc::clone(&self.fetch);
        let limit = self.limit;
        self.in_flight.push_back(Box::pin(
            async move { (offset, fetch(offset, limit).await) },
        ));
        self.last_queued = Some(offset);
    }

    fn fail(&mut self, offset: u64, reason: String) -> Option<Result<Page<T>, Error>> {
        self.done = true;
        self.in_flight = FuturesOrdered::new();
        Some(Err(Error::Pagination {
            operation: self.operation,
            offset,
            reason,
        }))
    }

    async fn next_page(&mut self) -> Option<Result<Page<T>, Error>> {
        loop {
            if self.done {
                return None;
            }
            if self.pages >= self.max_pages {
                let reason = format!(
                    "fetched {} pages without reaching the end; stopping (raise max_pages if the list is really this long)",
                    self.pages
                );
                return self.fail(self.next_offset, reason);
            }
            if self.in_flight.is_empty() {
                self.queue(self.next_offset);
            }
            let (offset, result) = self.in_flight.next().await.expect("queued above");
            if offset != self.next_offset {
                // Fetched speculatively for an offset that a short page has since invalidated.
                self.in_flight = FuturesOrdered::new();
                continue;
            }
            let raw = match result {
                Ok(raw) => raw,
                Err(e) => {
                    self.done = true;
                    self.in_flight = FuturesOrdered::new();
                    return Some(Err(e));
                }
            };
            return self.accept(offset, raw);
        }
    }

    fn accept(&mut self, offset: u64, raw: RawPage<T>) -> Option<Result<Page<T>, Error>> {
        self.pages += 1;
        let total = raw.total_count.and_then(|t| u64::try_from(t).ok());
        let received = raw.items.len();
        if received == 0 {
            self.done = true;
            self.in_flight = FuturesOrdered::new();
            // The first page is delivered even when empty, so `pages()` always yields at least one page.
            return (self.pages == 1).then(|| {
                Ok(Page {
                    items: Vec::new(),
                    offset,
                    received,
                    total_count: total,
                })
            });
        }
        let ids: Vec<String> = raw.items.iter().map(ListItem::item_id).collect();
        if !self.previous.is_empty() && ids.iter().all(|id| self.previous.contains(id)) {
            let reason = format!(
                "the page at offset {offset} repeats the previous page ({received} items); the server may be ignoring \
                 `offset`, or the list shifted by more than a page"
            );
            return self.fail(offset, reason);
        }
        let mut items = Vec::with_capacity(received);
        let mut this_page = HashSet::with_capacity(received);
        for (item, id) in raw.items.into_iter().zip(ids) {
            let seen = self.recent.iter().any(|page| page.contains(&id)) || this_page.contains(&id);
            if !seen {
                items.push(item);
            }
            this_page.insert(id);
        }
        self.previous = this_page.clone();
        self.recent.push_back(this_page);
        if self.recent.len() > 2 {
            self.recent.pop_front();
        }
        self.next_offset = offset.saturating_add(received as u64);
        let short = (received as u64) < self.limit;
        self.done = match total {
            Some(total) => self.next_offset >= total,
            None => short,
        };
        if self.done {
            self.in_flight = FuturesOrdered::new();
        } else if short && self.last_queued.is_some_and(|q| q > offset) {
            // Speculative requests assumed full pages; their offsets are wrong now.
            self.in_flight = FuturesOrdered::new();
        } else if let Some(total) = total.filter(|_| self.concurrency > 1) {
            // Offsets are known: keep up to `concurrency` requests in flight, never past `total`.
            let mut next = self
                .last_queued
                .filter(|q| *q > offset)
                .map_or(self.next_offset, |q| q + self.limit);
            while self.in_flight.len() < self.concurrency && next < total {
                self.queue(next);
                next = next.saturating_add(self.limit);
            }
        }
        Some(Ok(Page {
            items,
            offset,
            received,
            total_count: total,
        }))
    }
}
