//! `client.analytics()`: usage activity by day (`GET /activity`), what the analytics query language offers
//! (`GET /analytics/meta`) and analytics queries (`POST /analytics/query`, a read sent as POST, so retried like a
//! read). Each method is a few lines around a generated operation (`ops`).

use openrouter_mgmt_gen::ops;

use crate::client::WithOptions;
use crate::error::Error;
use crate::types;

/// Filters for [`Analytics::activity`]: the `GET /activity` operation itself (`date`, `api_key_hash`, `user_id`,
/// `workspace_id`, `group_by`).
pub type ActivityFilter = ops::GetUserActivity;

/// An analytics query: `AnalyticsQuery::new(metrics)`, with dimensions, filters, granularity, order and time range
/// by setter.
pub type AnalyticsQuery = types::QueryAnalyticsBody;

/// Analytics operations; see [`Client::analytics`](crate::Client::analytics).
#[derive(Debug, Clone)]
pub struct Analytics<'a> {
    scope: WithOptions<'a>,
}

impl<'a> Analytics<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// Usage per day, model and provider (the last 30 days unless the filter names a `date`).
    pub async fn activity(
        &self,
        filter: ActivityFilter,
    ) -> Result<Vec<types::ActivityItem>, Error> {
        Ok(self.scope.send(&filter).await?.data)
    }

    /// The dimensions, metrics, granularities and filter operators queries may use.
    pub async fn meta(&self) -> Result<types::GetAnalyticsMetaResponseData, Error> {
        Ok(self.scope.send(&ops::GetAnalyticsMeta::new()).await?.data)
    }

    /// Runs an analytics query.
    pub async fn query(
        &self,
        query: AnalyticsQuery,
    ) -> Result<types::QueryAnalyticsResponseData, Error> {
        Ok(self
            .scope
            .send(&ops::QueryAnalytics::new(query))
            .await?
            .data)
    }
}
