//! Offline validation of planned bodies: every create and update body a plan would send is built into its typed
//! operation and checked against the spec's constraints before anything is sent, so a bad value in the file is an
//! error naming its address (exit 65) instead of a failure half-way through an apply.

use serde_json::{Map, Value};

use crate::call::Input;
use crate::error::DeclareError;
use crate::file::Desired;
use crate::generated::resources;
use crate::plan::{Action, Op};
use crate::table::Verb;

/// Stands in for ids that do not exist yet (an object the same apply creates): a well-formed UUID.
const PLACEHOLDER_ID: &str = "00000000-0000-4000-8000-000000000000";

/// Stands in for a key's hash (64 lower-case hex digits, the form the spec's pattern requires).
const PLACEHOLDER_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// A well-formed id of `kind` for an object that does not exist yet: keys are named by their hash, everything else
/// by a UUID.
fn placeholder_id(kind: &str) -> &'static str {
    match crate::table::kind(kind) {
        Some(k) if k.id == "hash" => PLACEHOLDER_HASH,
        _ => PLACEHOLDER_ID,
    }
}

/// Checks every body `actions` would send.
pub(crate) fn check_actions(desired: &Desired, actions: &[Action]) -> Result<(), DeclareError> {
    for action in actions {
        let mut body = match crate::secrets::with_placeholders(&Value::Object(action.body.clone()))
        {
            Value::Object(body) => body,
            _ => Map::new(),
        };
        for (field, (kind, _)) in &action.references {
            body.insert(
                (*field).to_owned(),
                Value::String(placeholder_id(kind).to_owned()),
            );
        }
        for (field, (kind, names)) in &action.list_references {
            let ids = names
                .iter()
                .map(|_| Value::String(placeholder_id(kind).to_owned()))
                .collect();
            body.insert((*field).to_owned(), Value::Array(ids));
        }
        let (create, update): (Map<String, Value>, Map<String, Value>) = match action.op {
            Op::Create | Op::Replace => body
                .into_iter()
                .partition(|(f, _)| action.kind.field(f).is_none_or(|s| s.create)),
            Op::Update => (Map::new(), body),
            Op::Delete => continue,
        };
        let fail = |e: crate::call::CallError| {
            DeclareError::invalid(&desired.file, format!("{}: {e}", action.address))
        };
        if matches!(action.op, Op::Create | Op::Replace) {
            resources::validate(
                action.kind.name,
                Verb::Create,
                &Input::with(Map::new(), Some(Value::Object(create))),
            )
            .map_err(fail)?;
        }
        if !update.is_empty() {
            let mut params = Map::new();
            params.insert(
                action.kind.id_param.to_owned(),
                Value::String(
                    action
                        .id
                        .clone()
                        .unwrap_or_else(|| PLACEHOLDER_ID.to_owned()),
                ),
            );
            resources::validate(
                action.kind.name,
                Verb::Update,
                &Input::with(params, Some(Value::Object(update))),
            )
            .map_err(fail)?;
        }
    }
    Ok(())
}
