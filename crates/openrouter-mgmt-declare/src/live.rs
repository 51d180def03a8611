//! Reading the live state a file needs, list-based: every workspace once, then per workspace in scope (owned or
//! named by the file) one walk per scoped kind, and the key assignments once. The API is the state: nothing is
//! cached between runs.

use std::collections::{BTreeMap, BTreeSet};

use openrouter_mgmt::Client;
use serde_json::{Map, Value};

use crate::call::Input;
use crate::error::DeclareError;
use crate::file::Desired;
use crate::generated::resources::call;
use crate::table::{self, KindSpec, Verb};

/// The slug of the workspace that objects without a `workspace` live in.
pub const DEFAULT_WORKSPACE_SLUG: &str = "default";

/// One live object.
#[derive(Debug, Clone)]
pub struct LiveObject {
    /// Its kind.
    pub kind: &'static KindSpec,
    /// Its id.
    pub id: String,
    /// The object as the list returned it.
    pub value: Map<String, Value>,
}

impl LiveObject {
    /// A field's live value (`null` when absent).
    pub fn get(&self, field: &str) -> &Value {
        self.value.get(field).unwrap_or(&Value::Null)
    }
}

/// The live state in scope.
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// Every object read, by kind name.
    pub objects: BTreeMap<&'static str, Vec<LiveObject>>,
    /// Workspace ids whose scoped kinds were read.
    pub read_workspaces: BTreeSet<String>,
    /// The assignment of each assigned object, by the object's id (a key's hash → its guardrail's id).
    pub assignments: BTreeMap<String, String>,
    /// Attributes kept as sub-resources (`budgets`, `members`), by object id.
    pub attributes: BTreeMap<String, Map<String, Value>>,
    /// The organization's settings, when the file declares them.
    pub organization: Option<Map<String, Value>>,
}

impl Live {
    /// Live objects of a kind.
    pub fn of(&self, kind: &str) -> &[LiveObject] {
        self.objects.get(kind).map_or(&[], Vec::as_slice)
    }

    /// The id of the workspace with this slug.
    pub fn workspace_id(&self, slug: &str) -> Option<&str> {
        self.of("workspace")
            .iter()
            .find(|w| w.get("slug").as_str() == Some(slug))
            .map(|w| w.id.as_str())
    }

    /// Whether an id is a workspace's default guardrail (never deleted).
    pub fn is_default_guardrail(&self, id: &str) -> bool {
        self.of("workspace")
            .iter()
            .any(|w| w.get("default_guardrail_id").as_str() == Some(id))
    }
}

/// The workspace slugs the file's objects live in or owns.
pub(crate) fn workspace_slugs(desired: &Desired) -> BTreeSet<String> {
    let mut slugs: BTreeSet<String> = desired
        .stack
        .owned_workspaces()
        .map(str::to_owned)
        .collect();
    for object in &desired.objects {
        if object.kind.reference("workspace").is_some() {
            let named = object.references.get("workspace").cloned();
            let slug = match named {
                Some(name) => workspace_slug(desired, &name),
                None => DEFAULT_WORKSPACE_SLUG.to_owned(),
            };
            slugs.insert(slug);
        }
    }
    slugs
}

/// The slug a `workspace = "…"` attribute stands for: a declared workspace's slug, or the name itself.
pub(crate) fn workspace_slug(desired: &Desired, name: &str) -> String {
    desired
        .objects
        .iter()
        .find(|o| o.kind.name == "workspace" && o.name == name)
        .and_then(|o| {
            o.fields
                .get("slug")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| name.to_owned())
}

/// What a read must cover: which kinds and attributes, and whether the organization's settings. Only what the file
/// declares, or what it owns (a kind it could delete from), is read; `export` reads everything.
#[derive(Debug, Clone, Default)]
pub(crate) struct Needs {
    /// Everything (for `export`).
    pub(crate) everything: bool,
    /// Kinds to list.
    pub(crate) kinds: BTreeSet<&'static str>,
    /// Attributes to read, as (kind, attribute).
    pub(crate) attributes: BTreeSet<(&'static str, &'static str)>,
    /// The organization's settings.
    pub(crate) organization: bool,
}

impl Needs {
    /// What planning `desired` needs: the kinds it declares or owns (scoped kinds when it owns a workspace, a kind
    /// it owns by name), the kinds its references and assignments name, the attributes it declares, and always the
    /// workspaces (references resolve through them).
    pub(crate) fn of(desired: &Desired) -> Self {
        let mut needs = Self {
            organization: desired.organization.is_some(),
            ..Self::default()
        };
        needs.kinds.insert("workspace");
        let owns_workspace = desired.stack.owned_workspaces().next().is_some();
        for kind in table::kinds() {
            let workspace_scoped = kind.references.iter().any(|r| r.kind == "workspace");
            if (owns_workspace && workspace_scoped) || desired.stack.owns_kind(kind.name) {
                needs.kinds.insert(kind.name);
            }
        }
        for object in &desired.objects {
            needs.kinds.insert(object.kind.name);
            for r in object.kind.references {
                needs.kinds.insert(r.kind);
            }
            if let Some(a) = &object.kind.assignment {
                needs.kinds.insert(a.kind);
            }
            for name in object.attributes.keys() {
                needs.attributes.insert((object.kind.name, *name));
            }
        }
        if needs
            .attributes
            .contains(&("workspace", "default_guardrail"))
        {
            needs.kinds.insert("guardrail");
        }
        needs
    }

    /// Everything there is (for `export`).
    pub(crate) fn everything() -> Self {
        Self {
            everything: true,
            organization: true,
            ..Self::default()
        }
    }

    fn kind(&self, kind: &str) -> bool {
        self.everything || self.kinds.contains(kind)
    }

    /// Whether `attribute` of `kind` is read.
    pub(crate) fn attribute(&self, kind: &str, attribute: &str) -> bool {
        self.everything || self.attributes.contains(&(kind, attribute))
    }
}

/// Reads the live state for the workspaces with these slugs, as far as `needs` says.
pub(crate) async fn read(
    client: &Client,
    slugs: &BTreeSet<String>,
    needs: &Needs,
) -> Result<Live, DeclareError> {
    let mut live = Live::default();
    if needs.organization {
        live.organization = Some(crate::organization::read(client).await?);
    }
    let kinds: Vec<&'static KindSpec> = table::in_creation_order()
        .into_iter()
        .filter(|k| needs.kind(k.name))
        .collect();
    for kind in kinds.iter().filter(|k| k.scope_param.is_none()) {
        let items = list(client, kind, None).await?;
        live.objects.insert(kind.name, items);
    }
    let ids: Vec<String> = slugs
        .iter()
        .filter_map(|s| live.workspace_id(s).map(str::to_owned))
        .collect();
    for kind in kinds.iter().filter(|k| k.scope_param.is_some()) {
        let mut all = Vec::new();
        for id in &ids {
            all.extend(list(client, kind, Some(id)).await?);
        }
        live.objects.insert(kind.name, all);
    }
    live.read_workspaces = ids.into_iter().collect();
    if kinds.iter().any(|k| k.assignment.is_some()) {
        live.assignments = crate::assign::read(client).await?;
    }
    let guardrail_members = if needs.attribute("guardrail", "members") {
        crate::attributes::read_member_assignments(client).await?
    } else {
        BTreeMap::new()
    };
    let mut owners: Vec<(&'static str, String)> = Vec::new();
    for kind in ["workspace", "guardrail", "private_endpoint"] {
        for object in live.of(kind) {
            let in_scope = match kind {
                "workspace" => live.read_workspaces.contains(&object.id),
                _ => true,
            };
            if in_scope {
                owners.push((object.kind.name, object.id.clone()));
            }
        }
    }
    for (kind, id) in owners {
        let values =
            crate::attributes::read(client, &live, kind, &id, needs, &guardrail_members).await?;
        live.attributes.insert(id, values);
    }
    Ok(live)
}

/// Every live object of a kind (in one workspace for a scoped kind).
pub(crate) async fn list(
    client: &Client,
    kind: &'static KindSpec,
    workspace_id: Option<&str>,
) -> Result<Vec<LiveObject>, DeclareError> {
    let mut values = Map::new();
    for (wire, json) in kind.list_query {
        values.insert(
            (*wire).to_owned(),
            serde_json::from_str(json).unwrap_or(Value::Null),
        );
    }
    if let (Some(param), Some(id)) = (kind.scope_param, workspace_id) {
        values.insert(param.to_owned(), Value::String(id.to_owned()));
    }
    let answer = call(client, kind.name, Verb::List, &Input::with(values, None))
        .await
        .map_err(|e| DeclareError::Read(format!("listing {}s: {e}", kind.name)))?;
    let Value::Array(mut items) = answer.value else {
        return Ok(Vec::new());
    };
    if kind.detailed {
        // The list shows summaries: read each object whole (its id is the get operation's path parameter).
        for item in &mut items {
            let Some(id) = item.get(kind.id).and_then(Value::as_str).map(str::to_owned) else {
                continue;
            };
            let mut params = Map::new();
            params.insert(kind.id_param.to_owned(), Value::String(id));
            let whole = call(client, kind.name, Verb::Get, &Input::with(params, None))
                .await
                .map_err(|e| DeclareError::Read(format!("reading a {}: {e}", kind.name)))?;
            *item = match whole.value {
                Value::Object(mut m) if m.contains_key("data") => {
                    m.remove("data").unwrap_or(Value::Null)
                }
                other => other,
            };
        }
    }
    Ok(items
        .into_iter()
        .filter_map(|item| match item {
            Value::Object(value) => {
                let id = value.get(kind.id).and_then(Value::as_str)?.to_owned();
                Some(LiveObject { kind, id, value })
            }
            _ => None,
        })
        .collect())
}
