//! The organization's settings, the one singleton a file can declare (`[organization]`): never created or
//! deleted, read only when declared, and updated with the declared settings that differ. Which settings exist is
//! the spec's update body (a setting it does not have is an error naming it).

use openrouter_mgmt::{Client, Error, ops, types};
use serde_json::{Map, Value};

use crate::compare::same;
use crate::error::DeclareError;
use crate::table::Compare;

/// The address of the organization's settings in plans.
pub(crate) const ADDRESS: &str = "organization";

/// Checks declared settings against the update body: each must be one of its fields.
pub(crate) fn check(settings: &Map<String, Value>) -> Result<(), String> {
    let typed: types::UpdateOrganizationSettingsRequest =
        serde_json::from_value(Value::Object(settings.clone()))
            .map_err(|e| format!("`organization`: {e}"))?;
    let known = serde_json::to_value(&typed).map_err(|e| e.to_string())?;
    for key in settings.keys() {
        if known.get(key).is_none() {
            return Err(format!(
                "`organization.{key}` is not an organization setting"
            ));
        }
    }
    Ok(())
}

/// The live settings.
pub(crate) async fn read(client: &Client) -> Result<Map<String, Value>, DeclareError> {
    let settings = client
        .organization()
        .settings()
        .await
        .map_err(|e| DeclareError::Read(format!("organization settings: {e}")))?;
    match serde_json::to_value(settings) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Ok(Map::new()),
    }
}

/// The declared settings that differ from the live ones.
pub(crate) fn changed(
    declared: &Map<String, Value>,
    live: &Map<String, Value>,
) -> Map<String, Value> {
    declared
        .iter()
        .filter(|(k, v)| !same(Compare::Json, v, live.get(*k).unwrap_or(&Value::Null)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Sends the changed settings.
pub(crate) async fn apply(client: &Client, changed: &Map<String, Value>) -> Result<(), Error> {
    let body: types::UpdateOrganizationSettingsRequest =
        serde_json::from_value(Value::Object(changed.clone())).map_err(|e| {
            Error::from(openrouter_mgmt::Invalid::new("organization", e.to_string()))
        })?;
    client
        .send(&ops::UpdateOrganizationSettings::new(body))
        .await?;
    Ok(())
}
