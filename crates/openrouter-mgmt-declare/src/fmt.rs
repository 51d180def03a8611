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
