//! Walking offset-paginated lists as streams (items, pages, or everything collected), with one guarantee that
//! holds however the list changes during the walk and whatever the server's rhythm, with bounded prefetch and
//! bounded concurrent fetching.
//!
//! **The guarantee.** For a list whose order is stable for the items in it (sorted by a key that does not
//! change), a walk yields every item present from its first request to its last exactly once; it yields no item
//! twice and none that never existed. This holds whatever is inserted or deleted anywhere in the list, before
//! every request or between the requests of one page's re-reads, with answers arriving late or out of order, at
//! every [`Paginator::concurrency`], [`Paginator::prefetch`] and [`Paginator::page_size`]. Where continuity
//! cannot be proven (a server that ignores `offset`, or serves pages too small to overlap; a list that changes
//! faster than it can be read) the stream ends with [`Error::Pagination`], saying what was seen; it never skips
//! silently. Items inserted or deleted during the walk may or may not be yielded. A list that *reorders* (an
//! item moves) is outside the guarantee: nothing is yielded twice or invented, but an item that moved behind
//! the walk can be missed.
//! The proof is in `pagination/walker.rs`; `tests/it/e2e_pagination.rs` checks it against a mock whose list
//! changes before every request, with ground truth.
//!
//! How a walk goes:
//! - a page counts only if it holds an item already yielded (its *anchor*), or starts the list: its items after
//!   the anchor are the new ones, the items before it are skipped. So every page after the first is requested at
//!   the last item of the page before (the *boundary item*): an unchanging list costs one request more than it has
//!   pages (101 for 10,000 items with a `total_count`, 102 for `GET /keys`, which has none), at any concurrency;
//! - the overlap adapts: a page where the boundary item moved left by `s` makes the next pages re-read `2s + 1`
//!   items (at most half a page), halving back towards the boundary item after 16 pages in a row that needed less;
//! - a page that holds no item already yielded (the list moved further than the overlap) is never used: the walk
//!   searches back, twice as far each time, until a page does; the eighth try is the head of the list;
//! - the walk remembers a 128-bit fingerprint of every item it yielded (about 36 bytes each, whatever the id's
//!   length): with answers that may be old or out of order, nothing less proves an item was not yielded before;
//! - the list ends at an empty page at its head, at a page reaching `total_count`, or without one at a short page;
//!   `total_count` is a bound, not a promise: it is read in any integral spelling (`3`, `3.0`, `1e2`, `"3"`),
//!   negative values are ignored, an unusable one is dropped with a `tracing` warning naming the operation;
//! - a server that answers fewer items than asked while its `total_count` says more is walked to the end: its
//!   page size is learned from the first such page;
//! - a malformed item costs only itself: the page's other items are delivered, then one [`Error::ItemDecode`]
//!   per bad item (its index in the page, the page's offset, the JSON path and serde's message), and the stream
//!   goes on if polled again; the bad item counts toward the page's length and is recognised by a hash of its
//!   JSON, so it is reported once and can anchor a page like any other item;
//! - with [`Paginator::concurrency`] `n`, the first `n` pages are requested at once (as if each were full), and
//!   from then on `n` stay in flight, each starting at the predicted boundary item of the one before; answers are
//!   decoded in parallel and used in offset order, each by the same rule, so an answer that is old or arrives
//!   out of order is as safe as any; a page requested ahead that a short page or a shift made wrong is dropped;
//!   a search back discards every page in flight, so each one halves the window, which doubles back towards `n`
//!   after 16 pages used without one;
//! - three full pages in a row that reach further than any before and bring nothing new (a server ignoring
//!   `offset`) end the stream with
//!   [`Error::Pagination`]; so do more requests than the hard cap, eight times what the first page's
//!   `total_count` needs at half a page per request (64 + 8 × ⌈total ÷ half a page⌉, a list growing faster than
//!   it is read), and `max_pages` requests (default 100 000, re-reads included; the only cap for `GET /keys`,
//!   which has no `total_count`).

mod overlap;
mod seen;
#[cfg(test)]
mod walk_properties;
mod walker;

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::channel::mpsc;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt, TryStreamExt};

use self::overlap::OverlapPolicy;
use self::walker::{Settings, walk};
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
    /// A hash of the item's whole JSON: its identity for the walk, since it has no decoded id.
    pub(crate) fingerprint: u64,
}

/// A stream of pages, boxed.
type PageStream<T> = BoxStream<'static, Result<Page<T>, Error>>;

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
    overlap: OverlapPolicy,
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
            overlap: OverlapPolicy::Adaptive,
        }
    }

    /// Items per request, 1..=100 (default 100). Lists without a `limit` parameter (`GET /keys`) take only 100.
    /// A page must hold an item already yielded and a new one, so `page_size(1)` requests pages of two items.
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

    /// How many page requests may be in flight at once: 1..=16 (default 1). Pages are still delivered in order.
    /// The first `requests` pages are requested together, before the first answer tells how long the list is, so
    /// a list shorter than that costs up to `requests - 1` requests answered with nothing new; after that no page
    /// is requested past `total_count` (lists without one, `GET /keys`, keep requesting ahead until a short page).
    /// Anything else is rejected here with [`Error::InvalidInput`].
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

    /// Makes every page after the first re-read exactly `items` items of the page before (at most page size - 1),
    /// instead of the adaptive default (the boundary item, and more while the list is seen to move left).
    ///
    /// A page counts only if it holds an item already yielded, so at least one item is re-read: `overlap(0)` is
    /// rejected with [`Error::InvalidInput`]. A larger fixed overlap costs more requests on a still list and
    /// saves the searches back that a list moving left by more than the overlap between two requests causes.
    pub fn overlap(mut self, items: u64) -> Result<Self, Error> {
        if items == 0 {
            return Err(Error::invalid_input(
                "overlap",
                "must be at least 1: a page counts only if it holds an item already yielded, which is what proves \
                 nothing between the two pages was skipped",
            ));
        }
        self.overlap = OverlapPolicy::Fixed(items);
        Ok(self)
    }

    /// The pages, in order. A page with items that did not decode is followed by one [`Error::ItemDecode`] per
    /// such item; the stream goes on after them (any other error ends it).
    pub fn pages(self) -> Pages<T> {
        let prefetch = self.prefetch;
        let stream = walk(Settings {
            operation: self.operation,
            fetch: self.fetch,
            item_id: self.item_id,
            limit: self.page_size,
            overlap: self.overlap,
            concurrency: self.concurrency,
            max_pages: self.max_pages,
        });
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
