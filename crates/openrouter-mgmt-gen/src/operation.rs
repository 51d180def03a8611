//! What the generated operation layer says about each operation, and the traits through which the facade's
//! engine (and the mock, and the contract tests) use it. The generated `operations.rs` implements these for
//! every operation under `openapi/`; nothing here names an operation.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::checks::Invalid;

/// Whether an operation may be replayed after an attempt that may have reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Replay {
    /// Replaying changes nothing further: reads, deletes, updates, set operations.
    Safe,
    /// Only replayed when the first attempt provably never reached the server (refused connection, 429): a
    /// replay could make a second object, or repeat an action.
    OnlyIfNotReceived,
}

/// How a list operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Paging {
    /// The operation takes a `limit` query parameter.
    pub limit_param: bool,
    /// The page size the server always serves when there is no `limit` parameter.
    pub fixed_page_size: Option<u64>,
    /// The response carries `total_count`.
    pub total_count: bool,
}

/// Everything the spec and the overlay say about one operation, as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OperationInfo {
    /// The spec's operationId in snake_case: the operation's name everywhere (errors, logs, tests).
    pub name: &'static str,
    /// The spec's operationId in the camelCase form the generated names come from (`listByokKeys`); the same as
    /// [`OperationInfo::published_operation_id`] unless the published one is not in that form.
    pub operation_id: &'static str,
    /// The operationId exactly as the spec under `openapi/` publishes it (`listBYOKKeys`).
    pub published_operation_id: &'static str,
    /// The operation's first tag.
    pub tag: &'static str,
    /// The spec's one-line summary.
    pub summary: &'static str,
    /// `GET`, `POST`, ...
    pub method: &'static str,
    /// Path below the base URL, with `{param}` placeholders.
    pub path_template: &'static str,
    /// Path parameters, in the order they appear in the path.
    pub path_params: &'static [&'static str],
    /// Query parameters (wire names).
    pub query_params: &'static [&'static str],
    /// Header parameters the operation itself declares (wire names).
    pub header_params: &'static [&'static str],
    /// The request body's type name, when the operation takes one.
    pub request_body: Option<&'static str>,
    /// The success body's type name (`None`: no body).
    pub response: Option<&'static str>,
    /// The success status the spec declares.
    pub success_status: u16,
    /// Replay class, and the overlay's reason when it is not the method's default.
    pub replay: Replay,
    /// Why the replay class is what it is.
    pub replay_reason: &'static str,
    /// The header that makes a replay safe (`Idempotency-Key`), when the operation takes one: the client sends a
    /// fresh value per call, the same on every attempt, unless the caller set one.
    pub idempotency_key: Option<&'static str>,
    /// How the list pages, for list operations.
    pub paging: Option<Paging>,
    /// The request body carries a secret (the overlay's secret fields).
    pub secret_in_request: bool,
    /// The success body carries a secret (e.g. a created key's plaintext).
    pub secret_in_response: bool,
    /// A 404 on a retry after an attempt that may have been applied means that attempt did the work (deletes).
    pub done_on_404_after_ambiguous_attempt: bool,
}

/// One operation with its arguments, ready to send: the generated struct of each operation implements it.
pub trait Operation: Send + Sync {
    /// The request body type (`()` when there is none).
    type Body: Serialize + Send + Sync;
    /// The success body type (`()` when there is none).
    type Response: DeserializeOwned + Send + 'static;
    /// What the spec and overlay say about the operation.
    const INFO: &'static OperationInfo;

    /// The path below the base URL with every parameter percent-encoded; refuses values that cannot be a segment.
    fn path(&self) -> Result<String, Invalid>;
    /// The query parameters that are set, as (wire name, value).
    fn query(&self) -> Vec<(&'static str, String)>;
    /// The request body, if the operation has one.
    fn body(&self) -> Option<&Self::Body>;
    /// The header parameters that are set, as (wire name, value).
    fn headers(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    /// Checks every argument against the spec's constraints, before anything is sent.
    fn validate(&self) -> Result<(), Invalid>;
    /// The answer to assume when a retried delete finds the object gone after an attempt that may have done it
    /// (see [`OperationInfo::done_on_404_after_ambiguous_attempt`]).
    fn assumed_done() -> Option<Self::Response> {
        None
    }
}

/// A list operation that pages by `offset` (and `limit` when it has one).
pub trait ListOperation: Operation + Clone + 'static {
    /// One item of the list (decodable on its own, so that one bad item need not cost its page's others).
    type Item: DeserializeOwned + Send + 'static;
    /// The response field that holds the items (`data`).
    const ITEMS_FIELD: &'static str;
    /// The response field that holds the total count (`total_count`), when the response has one.
    const TOTAL_COUNT_FIELD: Option<&'static str>;
    /// Points the request at one page.
    fn set_page(&mut self, offset: u64, limit: u64);
    /// The page's items and `total_count` (when the response carries one).
    fn into_page(response: Self::Response) -> (Vec<Self::Item>, Option<i64>);
    /// An item's stable id, for never yielding an item twice.
    fn item_id(item: &Self::Item) -> String;
}
