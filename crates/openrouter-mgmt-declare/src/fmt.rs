//! `fmt`: a desired-state file in canonical order (`version`, `[stack]`, then the kinds' tables in creation order,
//! each kind's objects in the order written), edited with toml_edit so comments and formatting inside tables are
//! kept as written.

use std::path::Path;

use toml_edit::{DocumentMut, Item};

use crate::error::DeclareError;
use crate::table::in_creation_order;

/// The file's text in canonical order; refuses a file that does not load.
pub fn format(path: &Path, text: &str) -> Result<String, DeclareError> {
    crate::file::parse(path, text)?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| DeclareError::invalid(path, e.to_string()))?;
    let mut position: isize = 1;
    let mut next = || {
        position += 1;
        Some(position)
    };
    let tables = std::iter::once("stack").chain(in_creation_order().into_iter().map(|k| k.table));
    for name in tables {
        let Some(Item::Table(table)) = doc.get_mut(name) else {
            continue;
        };
        table.set_position(next());
        for (_, item) in table.iter_mut() {
            if let Item::Table(object) = item {
                object.set_position(next());
            }
        }
    }
    Ok(doc.to_string())
}

/// The file's text with id pins added for `created` objects (address → id), comments and layout kept: what
/// `apply --write-ids` writes after an apply, so the next plan matches them by id.
pub fn write_ids(
    path: &Path,
    text: &str,
    created: &std::collections::BTreeMap<String, String>,
) -> Result<String, DeclareError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| DeclareError::invalid(path, e.to_string()))?;
    for (address, id) in created {
        let Some((kind, name)) = address.split_once('.') else {
            continue;
        };
        let Some(kind) = crate::table::kind(kind) else {
            continue;
        };
        if let Some(Item::Table(object)) = doc.get_mut(kind.table).and_then(|t| t.get_mut(name))
            && !object.contains_key(kind.id)
        {
            object.insert(kind.id, toml_edit::value(id.as_str()));
        }
    }
    Ok(doc.to_string())
}
