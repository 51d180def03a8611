//! The glue between the generated list operations and the paginator: every page is the list operation with its
//! `offset` (and `limit`) set, sent through the engine and decoded as a page (a malformed item costs only itself);
//! the operation says how its list pages and what identifies an item.

use std::sync::Arc;

use futures::FutureExt;
use openrouter_mgmt_gen::ListOperation;

use crate::client::{CallOptions, Client, WithOptions};
use crate::pagination::Paginator;

impl Client {
    /// Streams any generated list operation (see [`ops`](crate::ops)), page after page, with the client's retry
    /// policy on every page request.
    ///
    /// ```no_run
    /// # async fn demo(client: &openrouter_mgmt::Client) -> Result<(), openrouter_mgmt::Error> {
    /// use openrouter_mgmt::ops;
    /// let guardrails = client.paginate(ops::ListGuardrails::new()).collect_all().await?;
    /// # Ok(()) }
    /// ```
    pub fn paginate<L: ListOperation>(&self, operation: L) -> Paginator<L::Item> {
        self.paginate_with(operation, CallOptions::default())
    }

    /// [`paginate`](Self::paginate) with per-call overrides.
    pub fn paginate_with<L: ListOperation>(
        &self,
        operation: L,
        options: CallOptions,
    ) -> Paginator<L::Item> {
        let client = self.clone();
        let fixed_page_size = L::INFO
            .paging
            .is_some_and(|paging| paging.fixed_page_size.is_some());
        Paginator::new(
            L::INFO.name,
            fixed_page_size,
            L::item_id,
            Arc::new(move |offset, limit| {
                let client = client.clone();
                let options = options.clone();
                let mut page = operation.clone();
                page.set_page(offset, limit);
                async move { client.send_page(&page, &options).await }.boxed()
            }),
        )
    }
}

impl WithOptions<'_> {
    /// [`Client::paginate_with`] with these options.
    pub fn paginate<L: ListOperation>(&self, operation: L) -> Paginator<L::Item> {
        self.client()
            .paginate_with(operation, self.options().clone())
    }
}
