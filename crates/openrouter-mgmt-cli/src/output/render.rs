//! The renderings of answers: `json` (the object, or a list as one array written item by item), `jsonl` (one
//! item per line, written as each arrives), `table` (aligned columns), `id` (identifiers, one per line) and
//! `none`. Everything is written through the scrubbing [`Out`].

use serde_json::{Map, Value};

use crate::error::CliError;
use crate::output::Out;

/// The output format (`-o`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Aligned columns for people (the default on a terminal).
    Table,
    /// JSON (the default otherwise): an object, or an array for a list.
    Json,
    /// One compact JSON value per line; list items are written as they arrive.
    Jsonl,
    /// Identifiers only, one per line.
    Id,
    /// Nothing (the exit code says how it went).
    None,
}

impl Format {
    /// The names `-o` accepts.
    pub(crate) const NAMES: [&'static str; 5] = ["table", "json", "jsonl", "id", "none"];

    /// The format named `name`.
    pub(crate) fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "table" => Self::Table,
            "json" => Self::Json,
            "jsonl" => Self::Jsonl,
            "id" => Self::Id,
            "none" => Self::None,
            _ => return None,
        })
    }
}

/// Renders one command's answer.
pub(crate) struct Renderer<'a> {
    out: &'a Out,
    format: Format,
    fields: Option<Vec<String>>,
    columns: Vec<String>,
    id_field: &'a str,
    rows: Vec<Value>,
    items: usize,
    /// Rendered items not yet written: [`Renderer::flush`] writes them in one go (once per page of a list), so a
    /// long walk costs one scrub and one write per page, not per item.
    pending: String,
}

impl<'a> Renderer<'a> {
    /// A renderer; `fields` (from `--fields`) picks columns and JSON fields, `columns` are a list's defaults.
    pub(crate) fn new(
        out: &'a Out,
        format: Format,
        fields: Option<Vec<String>>,
        columns: &[&str],
        id_field: &'a str,
    ) -> Self {
        Self {
            out,
            format,
            fields,
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            id_field,
            rows: Vec::new(),
            items: 0,
            pending: String::new(),
        }
    }

    /// Renders a single answer. An answer that is only `{"data": ...}` is shown as its `data`; no answer (an
    /// operation without a response body) prints nothing.
    pub(crate) fn single(&self, value: Value) -> Result<(), CliError> {
        if value.is_null() {
            return Ok(());
        }
        let value = match value {
            Value::Object(mut map) if map.len() == 1 && map.contains_key("data") => {
                map.remove("data").unwrap_or(Value::Null)
            }
            other => other,
        };
        let value = match &self.fields {
            Some(fields) => project(&value, fields),
            None => value,
        };
        match self.format {
            Format::None => Ok(()),
            Format::Json => self.out.stdout(&format!("{}\n", pretty(&value))),
            Format::Jsonl => self.out.stdout(&format!("{value}\n")),
            Format::Id => match id_of(&value, self.id_field) {
                Some(id) => self.out.stdout(&format!("{id}\n")),
                None => Ok(()),
            },
            Format::Table => self.out.stdout(&single_table(&value)),
        }
    }

    /// Renders one item of a list (`id` is the item's identifier). `json`, `jsonl` and `id` keep it for the next
    /// [`Renderer::flush`]; a table waits for the end.
    pub(crate) fn item(&mut self, item: Value, id: &str) -> Result<(), CliError> {
        let item = match &self.fields {
            Some(fields) => project(&item, fields),
            None => item,
        };
        self.items += 1;
        match self.format {
            Format::None => Ok(()),
            Format::Jsonl => {
                self.pending.push_str(&item.to_string());
                self.pending.push('\n');
                Ok(())
            }
            Format::Id => {
                self.pending.push_str(id);
                self.pending.push('\n');
                Ok(())
            }
            Format::Json => {
                let lead = if self.items == 1 { "[\n" } else { ",\n" };
                self.pending.push_str(lead);
                self.pending.push_str(&indent(&pretty(&item)));
                Ok(())
            }
            Format::Table => {
                self.rows.push(item);
                Ok(())
            }
        }
    }

    /// Whether [`Renderer::item_json`] can take an item's serialization as it is (JSON lines or ids, no
    /// `--fields`): a long walk then skips building a JSON value per item.
    pub(crate) fn takes_serialized(&self) -> bool {
        self.fields.is_none() && matches!(self.format, Format::Jsonl | Format::Id | Format::None)
    }

    /// Renders one item of a list from its JSON serialization (only when [`Renderer::takes_serialized`]).
    pub(crate) fn item_json(&mut self, json: &str, id: &str) {
        self.items += 1;
        let line = match self.format {
            Format::Jsonl => json,
            Format::Id => id,
            _ => return,
        };
        self.pending.push_str(line);
        self.pending.push('\n');
    }

    /// Writes the items rendered since the last flush (a list calls it after each page, so output streams page
    /// by page).
    pub(crate) fn flush(&mut self) -> Result<(), CliError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let text = std::mem::take(&mut self.pending);
        self.out.stdout(&text)
    }

    /// Ends a list: writes what is pending, closes the JSON array, or prints the table.
    pub(crate) fn finish(mut self) -> Result<(), CliError> {
        self.flush()?;
        match self.format {
            Format::Json if self.items == 0 => self.out.stdout("[]\n"),
            Format::Json => self.out.stdout("\n]\n"),
            Format::Table => {
                let columns = self.fields.clone().unwrap_or_else(|| self.columns.clone());
                self.out.stdout(&list_table(&columns, &self.rows))
            }
            _ => Ok(()),
        }
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("  {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The value at a dotted path (`a.b`).
fn at<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(value, |v, key| v.get(key))
}

/// Only the named fields of an object (each list item of an array).
fn project(value: &Value, fields: &[String]) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|i| project(i, fields)).collect()),
        Value::Object(_) => {
            let mut out = Map::new();
            for f in fields {
                out.insert(f.clone(), at(value, f).cloned().unwrap_or(Value::Null));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn id_of(value: &Value, id_field: &str) -> Option<String> {
    match value {
        Value::Array(items) => {
            let ids: Vec<String> = items.iter().filter_map(|i| id_of(i, id_field)).collect();
            (!ids.is_empty()).then(|| ids.join("\n"))
        }
        _ => at(value, id_field).map(cell),
    }
}

/// A value as a table cell: strings bare, `null` empty, anything else compact JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn single_table(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let width = map.keys().map(String::len).max().unwrap_or(0);
            map.iter()
                .map(|(k, v)| format!("{k:width$}  {}\n", cell(v)).trim_end().to_owned() + "\n")
                .collect()
        }
        Value::Array(items) => {
            let mut columns: Vec<String> = Vec::new();
            for item in items {
                if let Value::Object(map) = item {
                    for k in map.keys() {
                        if !columns.contains(k) {
                            columns.push(k.clone());
                        }
                    }
                }
            }
            list_table(&columns, items)
        }
        other => format!("{}\n", cell(other)),
    }
}

fn list_table(columns: &[String], rows: &[Value]) -> String {
    let mut grid: Vec<Vec<String>> = vec![columns.iter().map(|c| c.to_uppercase()).collect()];
    for row in rows {
        grid.push(
            columns
                .iter()
                .map(|c| at(row, c).map(cell).unwrap_or_default())
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..columns.len())
        .map(|i| grid.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in grid {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tables_align_and_project() {
        let rows = vec![
            json!({"id": "a", "n": 1, "x": null}),
            json!({"id": "bbb", "n": {"k": 2}}),
        ];
        let t = list_table(&["id".into(), "n".into(), "x".into()], &rows);
        assert_eq!(t, "ID   N        X\na    1\nbbb  {\"k\":2}\n");
        assert_eq!(
            project(&json!({"a": {"b": 1}, "c": 2}), &["a.b".into()]),
            json!({"a.b": 1})
        );
    }
}
