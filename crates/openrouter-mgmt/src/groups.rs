//! The accessors for each API group (`client.keys()`, `client.guardrails()`, and the same on the per-call view
//! `client.with_options(..)`), declared once in one list. They stand here, above both the client and the groups,
//! so that the groups build on the client without the client depending on them.
//!
//! A group is a struct holding a [`WithOptions`] (the client and the call's options) and a `pub(crate) fn
//! new(WithOptions) -> Self`; adding one is its file plus one line in the list below.

use crate::account::{Credits, Generations, Organization};
use crate::analytics::Analytics;
use crate::byok::Byok;
use crate::client::{Client, WithOptions};
use crate::external_users::ExternalUsers;
use crate::guardrails::Guardrails;
use crate::keys::Keys;
use crate::observability::Observability;
use crate::private_endpoints::PrivateEndpoints;
use crate::private_providers::PrivateProviders;
use crate::scim::Scim;
use crate::workspaces::Workspaces;

/// Declares each group accessor on [`Client`] (default options) and on [`WithOptions`] (its options).
macro_rules! group_accessors {
    ($($(#[$doc:meta])* $name:ident => $group:ident;)*) => {
        impl Client {
            $(
                $(#[$doc])*
                pub fn $name(&self) -> $group<'_> {
                    $group::new(WithOptions::defaults(self))
                }
            )*
        }

        impl<'a> WithOptions<'a> {
            $(
                $(#[$doc])*
                ///
                /// Every call made through it uses this view's options.
                pub fn $name(&self) -> $group<'a> {
                    $group::new(self.clone())
                }
            )*
        }
    };
}

group_accessors! {
    /// API keys: the current key, and listing, creating, reading, updating and deleting keys.
    keys => Keys;
    /// Guardrails and their key and member assignments.
    guardrails => Guardrails;
    /// Workspaces, their members and their budgets.
    workspaces => Workspaces;
    /// The account's credits.
    credits => Credits;
    /// The organization's members and settings.
    organization => Organization;
    /// Feedback on generations.
    generations => Generations;
    /// Bring-your-own-key provider keys.
    byok => Byok;
    /// External (partner-defined) users.
    external_users => ExternalUsers;
    /// The account's own inference providers.
    private_providers => PrivateProviders;
    /// Usage activity and analytics queries.
    analytics => Analytics;
    /// SCIM groups, their workspace mappings and directory syncs.
    scim => Scim;
    /// Private endpoints: your own deployments, from draft to validated to active.
    private_endpoints => PrivateEndpoints;
    /// Observability destinations (where traces of generations are broadcast).
    observability => Observability;
}
