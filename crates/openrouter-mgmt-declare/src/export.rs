//! Export: the live state of the named workspaces as a desired-state file, with every object pinned by its id,
//! references and assignments written as names, and only fields that hold a value (null and empty lists are
//! left out, so they stay unmanaged). Planning the exported file against the same account is empty.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::file::{NONE, VERSION};
use crate::live::{DEFAULT_WORKSPACE_SLUG, Live};
use crate::table;

/// Writes `live` (read for `slugs`) as a file for stack `name` that owns `slugs`.
pub fn export(live: &Live, name: &str, slugs: &BTreeSet<String>) -> String {
    let mut doc = toml::Table::new();
    doc.insert("version".into(), toml::Value::Integer(VERSION));
    let mut stack = toml::Table::new();
    stack.insert("name".into(), toml::Value::String(name.to_owned()));
    let owns: Vec<toml::Value> = slugs
        .iter()
        .filter(|s| s.as_str() != DEFAULT_WORKSPACE_SLUG)
        .map(|s| toml::Value::String(format!("workspace:{s}")))
        .collect();
    stack.insert("owns".into(), toml::Value::Array(owns));
    doc.insert("stack".into(), toml::Value::Table(stack));
    // Names given to objects, by (kind, id), for references and assignments.
    let mut names: BTreeMap<(&str, String), String> = BTreeMap::new();
    let mut tables: BTreeMap<&str, toml::Table> = BTreeMap::new();
    for kind in table::in_creation_order() {
        let mut used = BTreeSet::new();
        for object in live.of(kind.name) {
            if kind.name == "workspace" {
                let slug = object.get("slug").as_str().unwrap_or_default();
                if !slugs.contains(slug) {
                    continue;
                }
            }
            if live.is_default_guardrail(&object.id) {
                continue;
            }
            let base = slugify(
                object
                    .get(kind.address_field)
                    .as_str()
                    .unwrap_or(&object.id),
            );
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            names.insert((kind.name, object.id.clone()), name.clone());
            let mut entry = toml::Table::new();
            entry.insert(kind.id.into(), toml::Value::String(object.id.clone()));
            for field in kind.fields {
                if let Some(r) = kind.reference_for_field(field.name).filter(|r| r.many) {
                    let ids = object
                        .get(field.name)
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    let named: Option<Vec<toml::Value>> = ids
                        .iter()
                        .map(|id| {
                            let id = id.as_str()?.to_owned();
                            names
                                .get(&(r.kind, id))
                                .map(|n| toml::Value::String(n.clone()))
                        })
                        .collect();
                    if let Some(named) = named.filter(|n| !n.is_empty()) {
                        entry.insert(r.attribute.into(), toml::Value::Array(named));
                    }
                    continue;
                }
                if let Some(r) = kind.reference_for_field(field.name) {
                    let id = object
                        .get(field.name)
                        .as_str()
                        .unwrap_or_default()
                        .to_owned();
                    if let Some(target) = names.get(&(r.kind, id.clone())) {
                        entry.insert(r.attribute.into(), toml::Value::String(target.clone()));
                    } else if let Some(slug) = workspace_slug_of(live, &id) {
                        entry.insert(r.attribute.into(), toml::Value::String(slug));
                    }
                    continue;
                }
                if field.masked_by.is_some() {
                    // Never returned: a file that manages it names its source; reads only show it masked.
                    continue;
                }
                let value = if field.secret {
                    sources_for_secrets(
                        object.get(field.name),
                        kind.secret_keys,
                        &env_prefix(kind.name, &name),
                        false,
                    )
                } else {
                    object.get(field.name).clone()
                };
                if let Some(v) = to_toml(&value) {
                    entry.insert(field.name.into(), v);
                }
            }
            for spec in crate::attributes::ATTRIBUTES
                .iter()
                .filter(|a| a.kind == kind.name)
            {
                let value = live
                    .attributes
                    .get(&object.id)
                    .and_then(|a| a.get(spec.name));
                if let Some(v) = value
                    .and_then(|v| crate::attributes::exported(spec, v))
                    .and_then(|v| to_toml(&v))
                {
                    entry.insert(spec.name.into(), v);
                }
            }
            if let Some(a) = &kind.assignment {
                let target = live
                    .assignments
                    .get(&object.id)
                    .and_then(|g| names.get(&(a.kind, g.clone())).cloned());
                entry.insert(
                    a.attribute.into(),
                    toml::Value::String(target.unwrap_or_else(|| NONE.to_owned())),
                );
            }
            tables
                .entry(kind.table)
                .or_default()
                .insert(name, toml::Value::Table(entry));
        }
    }
    if let Some(settings) = &live.organization {
        let declared: toml::Table = settings
            .iter()
            .filter(|(k, v)| {
                let one: serde_json::Map<String, Value> =
                    [((*k).clone(), (*v).clone())].into_iter().collect();
                crate::organization::check(&one).is_ok()
            })
            .filter_map(|(k, v)| to_toml(v).map(|v| (k.clone(), v)))
            .collect();
        if !declared.is_empty() {
            doc.insert("organization".into(), toml::Value::Table(declared));
        }
    }
    for (t, entries) in tables {
        doc.insert(t.into(), toml::Value::Table(entries));
    }
    let mut out = String::from(
        "# Exported by openrouter-mgmt: the live state, every object pinned by its id.\n",
    );
    out.push_str(&toml::to_string_pretty(&doc).unwrap_or_default());
    out
}

/// `KIND_NAME`, upper case, for the env variables of exported secret sources.
fn env_prefix(kind: &str, name: &str) -> String {
    format!("{kind}_{name}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// A live value whose secrets (shown masked) become `{ env = "PREFIX_KEY" }` sources: the export holds no
/// secret, and a plan compares the variable's value, once set, with the masked form.
fn sources_for_secrets(value: &Value, secret_keys: &[&str], prefix: &str, secret: bool) -> Value {
    match value {
        Value::String(_) if secret => {
            let mut source = serde_json::Map::new();
            source.insert("env".into(), Value::String(prefix.to_owned()));
            Value::Object(source)
        }
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let key_prefix =
                        format!("{prefix}_{}", env_prefix("", k).trim_start_matches('_'));
                    (
                        k.clone(),
                        sources_for_secrets(
                            v,
                            secret_keys,
                            &key_prefix,
                            secret || secret_keys.contains(&k.as_str()),
                        ),
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

fn workspace_slug_of(live: &Live, id: &str) -> Option<String> {
    live.of("workspace")
        .iter()
        .find(|w| w.id == id)
        .and_then(|w| w.get("slug").as_str().map(str::to_owned))
}

fn to_toml(v: &Value) -> Option<toml::Value> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(toml::Value::Boolean(*b)),
        Value::Number(n) => n
            .as_i64()
            .map(toml::Value::Integer)
            .or_else(|| n.as_f64().map(toml::Value::Float)),
        Value::String(s) => Some(toml::Value::String(s.clone())),
        Value::Array(a) if a.is_empty() => None,
        Value::Array(a) => Some(toml::Value::Array(a.iter().filter_map(to_toml).collect())),
        Value::Object(m) => Some(toml::Value::Table(
            m.iter()
                .filter_map(|(k, v)| to_toml(v).map(|v| (k.clone(), v)))
                .collect(),
        )),
    }
}

/// A table key from a name: lowercase letters, digits and dashes.
fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() { "object".into() } else { out }
}
