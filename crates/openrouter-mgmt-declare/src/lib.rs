//! openrouter-mgmt-declare: an OpenRouter account managed as a TOML file, with no state file and no secret at
//! rest. The API is the state: every plan reads it afresh.
#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod apply;
mod assign;
mod attributes;
mod call;
mod compare;
mod error;
mod export;
mod file;
mod fmt;
mod generated;
mod live;
mod organization;
mod plan;
mod rehearse;
mod render;
mod safety;
mod saved;
mod schema;
mod secrets;
mod sink;
mod table;
mod validate;

pub use apply::{ApplyOptions, ApplyReport, Outcome, apply};
pub use attributes::{ATTRIBUTES, AttributeSpec};
pub use compare::same;
pub use error::DeclareError;
pub use export::export;
pub use file::{
    Desired, DesiredObject, NONE, Scope, SecretEnv, SinkSpec, Stack, VERSION, load, parse,
};
pub use fmt::{format, write_ids};
pub use live::{DEFAULT_WORKSPACE_SLUG, Live, LiveObject};
pub use plan::{
    Action, AssignmentChange, AttributeChange, Change, Op, Plan, PlanOptions, fingerprint, plan,
    plan_with,
};
pub use rehearse::{Rehearsal, rehearse};
pub use render::{FORMAT_VERSION, json, text};
pub use safety::{Allow, check};
pub use saved::{check_saved, target};
pub use schema::json_schema;
pub use secrets::matches_mask;
pub use table::{Assignment, Compare, FieldSpec, KindSpec, Reference, Verb, kind, kinds};

use std::collections::BTreeSet;

use openrouter_mgmt::Client;

/// Reads the live state `desired` needs: every workspace, and in the workspaces it owns or names each kind it
/// declares or could delete from, and the attributes it declares.
pub async fn read_live(client: &Client, desired: &Desired) -> Result<Live, DeclareError> {
    live::read(
        client,
        &live::workspace_slugs(desired),
        &live::Needs::of(desired),
    )
    .await
}

/// Reads the live state of the workspaces with these slugs (for `export`).
pub async fn read_workspaces(
    client: &Client,
    slugs: &BTreeSet<String>,
) -> Result<Live, DeclareError> {
    live::read(client, slugs, &live::Needs::everything()).await
}

/// Checks a file offline, as if the account were empty: every object's create body against the spec's
/// constraints, every reference, and a secret sink for objects whose creation issues a secret.
pub fn validate_offline(desired: &Desired) -> Result<(), DeclareError> {
    plan(desired, &Live::default()).map(|_| ())
}

/// Every secret the file's sources hold that can be read now, for an output scrubber (a caller that prints
/// anything registers them, so no output can carry one).
pub fn readable_secrets(desired: &Desired) -> Vec<openrouter_mgmt::SecretString> {
    secrets::readable(desired)
}

/// How many live objects the desired state's owned scopes hold (the "empties a whole scope" rule).
pub fn live_in_owned_scopes(desired: &Desired, live: &Live) -> usize {
    let slugs: BTreeSet<&str> = desired.stack.owned_workspaces().collect();
    let ids: BTreeSet<&str> = slugs.iter().filter_map(|s| live.workspace_id(s)).collect();
    live.objects
        .values()
        .flatten()
        .filter(|o| match o.kind.name {
            "workspace" => o.get("slug").as_str().is_some_and(|s| slugs.contains(s)),
            kind if desired.stack.owns_kind(kind) => true,
            _ => {
                o.get("workspace_id")
                    .as_str()
                    .is_some_and(|w| ids.contains(w))
                    && !live.is_default_guardrail(&o.id)
            }
        })
        .count()
}
