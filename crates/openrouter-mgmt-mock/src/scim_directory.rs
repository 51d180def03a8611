//! The SCIM directory every mock organization has: three groups, there from the start and read-only, with ids
//! derived from the default workspace's id.

use openrouter_mgmt_gen::types;
use serde_json::json;
use uuid::Uuid;

/// The directory groups every mock organization has.
pub(crate) const GROUPS: [&str; 3] = ["Engineering", "Sales", "Support"];

/// The directory's groups for an organization whose default workspace is `workspace` (ids derived from it, so
/// no random draw shifts the rest of a seeded state).
pub(crate) fn directory(workspace: Uuid, organization_id: &str) -> Vec<types::ScimGroup> {
    GROUPS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let id = Uuid::from_u128(workspace.as_u128() ^ (0x5c1d_0000 + i as u128));
            serde_json::from_value(json!({
                "created_at": "2025-01-01T00:00:00Z",
                "display_name": name,
                "external_id": format!("okta-{}", name.to_lowercase()),
                "id": id,
                "organization_id": organization_id,
                "updated_at": "2025-01-01T00:00:00Z",
            }))
            .expect("a directory group fits the generated type")
        })
        .collect()
}
