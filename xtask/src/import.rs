//! `cargo xtask import`: splits endpoint pages or whole OpenAPI documents into one self-contained document per
//! operation under `openapi/<tag>/<operation>.yaml`, matching existing files by method and path.

use crate::components::{reachable, security_scheme_names, subset};
use crate::error::{Result, SpecError};
use crate::json_pointer::push;
use crate::output::Planned;
use heck::ToKebabCase;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The overlay's file name inside `openapi/`: the one file there that is not an operation document (read by
/// `crate::overlay`).
pub const OVERLAY_FILE: &str = "overlay.yaml";

/// HTTP methods an OpenAPI path item may hold, in the order they are listed.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation cut out of a source document, as its own standalone document.
#[derive(Debug, Clone)]
pub struct OperationDoc {
    /// Lower-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/keys/{hash}`.
    pub path: String,
    /// The operationId as the source spells it.
    pub operation_id: String,
    /// Folder name derived from the first tag (`api-keys`, `guardrails`).
    pub tag_dir: String,
    /// The standalone document.
    pub doc: Value,
}

impl OperationDoc {
    /// `METHOD /path (operationId)`, the way operations are named in messages.
    pub fn label(&self) -> String {
        format!(
            "{} {} ({})",
            self.method.to_uppercase(),
            self.path,
            self.operation_id
        )
    }

    /// The file this operation gets when it is new: `<tag>/<operation-id>.yaml`.
    pub fn default_file(&self) -> PathBuf {
        Path::new(&self.tag_dir).join(format!("{}.yaml", self.operation_id.to_kebab_case()))
    }
}

/// What importing did to one operation's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new file was written.
    Added,
    /// An existing file (matched by method + path) was rewritten.
    Updated,
    /// The existing file already held exactly this.
    Unchanged,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Self::Added => "added",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
        })
    }
}

/// One line of the import report.
#[derive(Debug, Clone)]
pub struct Report {
    /// What happened.
    pub outcome: Outcome,
    /// The file, relative to the openapi folder.
    pub file: PathBuf,
    /// `METHOD /path (operationId)`.
    pub operation: String,
}

/// The folder name for a tag: `subpackage_apiKeys`, `apiKeys` and `API Keys` all give `api-keys`.
pub fn tag_dir(tag: &str) -> String {
    let tag = tag.strip_prefix("subpackage_").unwrap_or(tag);
    let slug = tag.to_kebab_case();
    if slug.is_empty() {
        "untagged".into()
    } else {
        slug
    }
}

/// The first tag of an operation, looking through nested tag lists (`- - subpackage_guardrails`).
pub fn first_tag(op: &Value) -> Option<String> {
    fn first(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Array(items) => items.iter().find_map(first),
            _ => None,
        }
    }
    op.get("tags").and_then(first)
}

/// Cuts `doc` into one standalone document per operation, keeping those whose first tag matches one of `tags`
/// (compared as folder names) or all of them when `tags` is empty.
pub fn split(doc: &Value, tags: &[String]) -> Result<Vec<OperationDoc>> {
    let wanted: Vec<String> = tags.iter().map(|t| tag_dir(t)).collect();
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| SpecError::new("document has no `paths` object").at("/paths"))?;
    let mut out = Vec::new();
    for (path, item) in paths {
        let item_ptr = push("/paths", path);
        let Some(item) = item.as_object() else {
            return Err(SpecError::new("path item is not an object").at(item_ptr));
        };
        if item.contains_key("$ref") {
            return Err(SpecError::new("path item `$ref` is not supported").at(item_ptr));
        }
        let shared: Map<String, Value> = item
            .iter()
            .filter(|(k, _)| !METHODS.contains(&k.as_str()) && !k.starts_with("x-"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let op_ptr = push(&item_ptr, method);
            let operation_id = op
                .get("operationId")
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| {
                    SpecError::new("operation has no operationId")
                        .at(&op_ptr)
                        .in_operation(format!("{} {path}", method.to_uppercase()))
                })?
                .to_string();
            let tag = first_tag(op)
                .map(|t| tag_dir(&t))
                .unwrap_or_else(|| "untagged".into());
            if !wanted.is_empty() && !wanted.contains(&tag) {
                continue;
            }
            let standalone = standalone(doc, path, method, op, &shared)
                .map_err(|e| e.in_operation(operation_id.clone()))?;
            out.push(OperationDoc {
                method: (*method).to_string(),
                path: path.clone(),
                operation_id,
                tag_dir: tag,
                doc: standalone,
            });
        }
    }
    Ok(out)
}

/// Builds the per-operation document: `openapi`, `info`, `servers`, `security`, one path with one method (plus the
/// path-level fields), and exactly the components it needs.
fn standalone(
    doc: &Value,
    path: &str,
    method: &str,
    op: &Value,
    shared: &Map<String, Value>,
) -> Result<Value> {
    let mut item = Map::new();
    item.insert(method.to_string(), op.clone());
    for (k, v) in shared {
        item.insert(k.clone(), v.clone());
    }
    let item = Value::Object(item);
    let item_ptr = push("/paths", path);
    let mut wanted = reachable(doc, &[(item_ptr.as_str(), &item)])?;

    let title = op
        .get("summary")
        .and_then(Value::as_str)
        .or_else(|| doc.pointer("/info/title").and_then(Value::as_str))
        .unwrap_or("OpenRouter API");
    let version = doc
        .pointer("/info/version")
        .and_then(Value::as_str)
        .unwrap_or("1.0.0");
    let mut out = Map::new();
    out.insert("openapi".into(), doc["openapi"].clone());
    out.insert("info".into(), json!({ "title": title, "version": version }));
    if let Some(servers) = doc.get("servers") {
        out.insert("servers".into(), servers.clone());
    }
    let mut paths = Map::new();
    paths.insert(path.to_string(), item);
    out.insert("paths".into(), Value::Object(paths));
    if let Some(security) = doc.get("security") {
        out.insert("security".into(), security.clone());
    }
    let mut out = Value::Object(out);
    for name in security_scheme_names(&out) {
        if doc
            .pointer(&crate::json_pointer::component("securitySchemes", &name))
            .is_some()
        {
            wanted.push(("securitySchemes".into(), name));
        }
    }
    let components = subset(doc, &wanted);
    if !components.is_empty() {
        out.as_object_mut()
            .expect("built as an object")
            .insert("components".into(), Value::Object(components));
    }
    Ok(out)
}

/// The single `(method, path)` a per-operation file describes.
pub fn operation_key(doc: &Value) -> Result<(String, String)> {
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| SpecError::new("document has no `paths` object").at("/paths"))?;
    let mut found = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            if item.get(*method).is_some() {
                found.push(((*method).to_string(), path.clone()));
            }
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        n => Err(SpecError::new(format!(
            "expected exactly one operation per file, found {n}"
        ))
        .at("/paths")),
    }
}

/// Every `*.yaml`/`*.yml` file under `dir`, recursively, sorted by path (so results never depend on the
/// order the file system lists them in).
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && d == dir => return Ok(out),
            Err(e) => return Err(SpecError::new(format!("cannot list: {e}")).in_file(&d)),
        };
        for entry in entries {
            let entry =
                entry.map_err(|e| SpecError::new(format!("cannot list: {e}")).in_file(&d))?;
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if d == dir && path.file_name().and_then(|n| n.to_str()) == Some(OVERLAY_FILE) {
                // The overlay sits next to the operation documents but is not one.
                continue;
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Imports every input into `openapi_dir`. Everything is read and checked first; files are only written when
/// no input failed, each atomically.
pub fn import(inputs: &[PathBuf], tags: &[String], openapi_dir: &Path) -> Result<Vec<Report>> {
    // Existing files, indexed by (method, path).
    let mut existing: BTreeMap<(String, String), PathBuf> = BTreeMap::new();
    for file in spec_files(openapi_dir)? {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| SpecError::new(format!("cannot read: {e}")).in_file(&file))?;
        let doc = crate::yaml::parse(&text).map_err(|e| e.in_file(&file))?;
        let key = operation_key(&doc).map_err(|e| e.in_file(&file))?;
        if let Some(previous) = existing.insert(key.clone(), file.clone()) {
            return Err(SpecError::new(format!(
                "both files describe {} {}",
                key.0.to_uppercase(),
                key.1
            ))
            .in_file(previous)
            .and_file(&file));
        }
    }

    let mut planned: Vec<Planned> = Vec::new();
    let mut reports = Vec::new();
    let mut seen: BTreeMap<(String, String), PathBuf> = BTreeMap::new();
    for input in inputs {
        let doc = crate::source::load(input)?;
        let ops = split(&doc, tags).map_err(|e| e.in_file(input))?;
        if ops.is_empty() {
            return Err(SpecError::new(if tags.is_empty() {
                "no operations found".to_string()
            } else {
                format!("no operations tagged {}", tags.join(", "))
            })
            .in_file(input));
        }
        for op in ops {
            let key = (op.method.clone(), op.path.clone());
            if let Some(other) = seen.insert(key, input.clone()) {
                return Err(SpecError::new(format!(
                    "{} is given more than once in the inputs",
                    op.label()
                ))
                .in_file(other)
                .and_file(input));
            }
            let target = existing
                .get(&(op.method.clone(), op.path.clone()))
                .cloned()
                .unwrap_or_else(|| openapi_dir.join(op.default_file()));
            let contents = crate::yaml::dump(&op.doc);
            let outcome = match std::fs::read_to_string(&target) {
                Ok(old) if old == contents => Outcome::Unchanged,
                Ok(_) => Outcome::Updated,
                Err(_) => Outcome::Added,
            };
            reports.push(Report {
                outcome,
                file: target
                    .strip_prefix(openapi_dir)
                    .unwrap_or(&target)
                    .to_path_buf(),
                operation: op.label(),
            });
            planned.push(Planned {
                path: target,
                contents,
            });
        }
    }
    crate::output::write_all(&planned)?;
    Ok(reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_folders_agree_across_spellings() {
        assert_eq!(tag_dir("subpackage_apiKeys"), "api-keys");
        assert_eq!(tag_dir("API Keys"), "api-keys");
        assert_eq!(tag_dir("subpackage_guardrails"), "guardrails");
        assert_eq!(tag_dir("Guardrails"), "guardrails");
        assert_eq!(
            first_tag(&json!({"tags": [["subpackage_guardrails"]]})).as_deref(),
            Some("subpackage_guardrails")
        );
    }

    #[test]
    fn split_keeps_only_needed_components() {
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": {"get": {"operationId": "getA", "tags": ["A"], "summary": "Get A",
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
                "/b": {"get": {"operationId": "getB", "tags": ["B"],
                    "responses": {"200": {"description": "ok"}}}}
            },
            "components": {"schemas": {"A": {"type": "object", "properties": {"x": {"$ref": "#/components/schemas/X"}}}, "X": {"type": "string"}, "Unused": {"type": "string"}}}
        });
        let ops = split(&doc, &["a".to_string()]).unwrap();
        assert_eq!(ops.len(), 1);
        let names: Vec<_> = ops[0].doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(names, ["A", "X"]);
        assert_eq!(ops[0].doc["info"]["title"], "Get A");
        assert_eq!(ops[0].default_file(), Path::new("a/get-a.yaml"));
    }

    #[test]
    fn missing_operation_id_names_the_pointer() {
        let doc = json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": {}}}}});
        let err = split(&doc, &[]).unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/paths/~1a/get"));
        assert!(err.message.contains("operationId"));
    }
}
