//! Sending one kind's operation from untyped arguments: the generated dispatch deserializes them into the
//! operation's typed struct (so the spec's validation runs before anything is sent) and hands it to the facade's
//! engine (retries, replay classes, redaction); the answer comes back as JSON with its secret taken out.

use futures::StreamExt;
use openrouter_mgmt::{Client, ListOperation, Operation, SecretString};
use openrouter_mgmt_gen::collect_secrets;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::table::Verb;

/// An operation's arguments: parameters by wire name, and the body.
#[derive(Debug, Default, Clone)]
pub(crate) struct Input {
    values: Map<String, Value>,
    body: Option<Value>,
}

impl Input {
    /// Arguments with these parameters.
    pub(crate) fn with(values: Map<String, Value>, body: Option<Value>) -> Self {
        Self { values, body }
    }

    /// A required parameter.
    pub(crate) fn required<T: DeserializeOwned>(&self, wire: &'static str) -> Result<T, CallError> {
        let value = self
            .values
            .get(wire)
            .cloned()
            .ok_or(CallError::Missing(wire))?;
        serde_json::from_value(value).map_err(|e| CallError::Invalid(format!("{wire}: {e}")))
    }

    /// An optional parameter.
    pub(crate) fn optional<T: DeserializeOwned>(
        &self,
        wire: &'static str,
    ) -> Result<Option<T>, CallError> {
        match self.values.get(wire) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v.clone())
                .map(Some)
                .map_err(|e| CallError::Invalid(format!("{wire}: {e}"))),
        }
    }

    /// The body, as the operation's typed body.
    pub(crate) fn body<T: DeserializeOwned>(&self) -> Result<T, CallError> {
        let body = self
            .body
            .clone()
            .unwrap_or_else(|| Value::Object(Map::new()));
        serde_json::from_value(body).map_err(|e| CallError::Invalid(format!("body: {e}")))
    }
}

/// What an operation answered.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    /// The answer as JSON (a list: its items), without its secret.
    pub(crate) value: Value,
    /// The secret the answer carried (a created key's plaintext).
    pub(crate) secrets: Vec<SecretString>,
}

/// Why an operation could not be sent or did not succeed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CallError {
    /// A required argument is missing.
    #[error("missing argument `{0}`")]
    Missing(&'static str),
    /// An argument or the body does not fit the operation (nothing was sent).
    #[error("invalid arguments: {0}")]
    Invalid(String),
    /// The kind has no such operation.
    #[error("kind `{0}` has no {1:?} operation")]
    NoOperation(String, Verb),
    /// The engine's error.
    #[error(transparent)]
    Api(#[from] openrouter_mgmt::Error),
}

/// Checks one operation against the spec's constraints (its path too), sending nothing.
pub(crate) fn check<O: Operation>(operation: &O) -> Result<(), CallError> {
    operation
        .validate()
        .and_then(|()| operation.path().map(|_| ()))
        .map_err(|e| CallError::Invalid(e.to_string()))
}

/// Sends one operation.
pub(crate) async fn send<O: Operation>(client: &Client, operation: O) -> Result<Answer, CallError>
where
    O::Response: Serialize,
{
    check(&operation)?;
    let response = client.send(&operation).await?;
    let (value, secrets) = collect_secrets(|| serde_json::to_value(&response));
    let value = value.map_err(|e| CallError::Invalid(format!("cannot read the answer: {e}")))?;
    Ok(Answer { value, secrets })
}

/// Sends a list that does not page (it answers every item at once, under `data`).
pub(crate) async fn send_list<O: Operation>(
    client: &Client,
    operation: O,
) -> Result<Answer, CallError>
where
    O::Response: Serialize,
{
    let mut answer = send(client, operation).await?;
    answer.value = match answer.value {
        Value::Object(mut m) => m.remove("data").unwrap_or(Value::Array(Vec::new())),
        other => other,
    };
    Ok(answer)
}

/// Walks a list to its end (the walker's guarantee: every item present throughout, once).
pub(crate) async fn walk<L: ListOperation>(
    client: &Client,
    operation: L,
) -> Result<Answer, CallError>
where
    L::Item: Serialize,
{
    check(&operation)?;
    let items = client.paginate(operation).items();
    futures::pin_mut!(items);
    let mut out = Vec::new();
    while let Some(item) = items.next().await {
        let item = item?;
        out.push(
            serde_json::to_value(&item)
                .map_err(|e| CallError::Invalid(format!("cannot read an item: {e}")))?,
        );
    }
    Ok(Answer {
        value: Value::Array(out),
        secrets: Vec::new(),
    })
}
