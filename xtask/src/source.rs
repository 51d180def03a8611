//! Reading an input file for `import`: an endpoint page with a ```yaml block, or a bare OpenAPI YAML/JSON document.

use crate::error::{Result, SpecError};
use serde_json::Value;
use std::path::Path;

/// Reads `path` and returns the OpenAPI document it carries.
pub fn load(path: &Path) -> Result<Value> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SpecError::new(format!("cannot read: {e}")).in_file(path))?;
    parse_source(&text).map_err(|e| e.in_file(path))
}

/// Extracts the OpenAPI document from page text or takes the text as the document itself.
pub fn parse_source(text: &str) -> Result<Value> {
    let yaml = match extract_yaml_block(text) {
        Some(block) => block,
        None if looks_like_openapi(text) => text.to_string(),
        None => {
            return Err(SpecError::new(
                "no OpenAPI document found: expected a ```yaml block (an endpoint page) \
                 or a YAML/JSON document with a top-level `openapi:` key",
            ));
        }
    };
    let doc = crate::yaml::parse(&yaml)?;
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.") => Ok(doc),
        Some(v) => Err(SpecError::new(format!("unsupported OpenAPI version `{v}`")).at("/openapi")),
        None => Err(SpecError::new("document has no `openapi` version").at("/openapi")),
    }
}

/// The body of the first fenced ```yaml (or ```yml) block whose content is an OpenAPI document.
fn extract_yaml_block(text: &str) -> Option<String> {
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let fence = line.trim_start();
        let Some(info) = fence.strip_prefix("```") else {
            continue;
        };
        let lang = info.trim().to_ascii_lowercase();
        let mut body = String::new();
        for inner in lines.by_ref() {
            if inner.trim_start().starts_with("```") {
                break;
            }
            body.push_str(inner);
            body.push('\n');
        }
        if (lang == "yaml" || lang == "yml") && looks_like_openapi(&body) {
            return Some(body);
        }
    }
    None
}

fn looks_like_openapi(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("openapi:") || l.trim_start().starts_with("\"openapi\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_yaml_block_of_a_page() {
        let page = "# Title\n```python\nprint(1)\n```\n## OpenAPI Specification\n\n```yaml\nopenapi: 3.1.1\ninfo: {title: t, version: v}\npaths: {}\n```\n";
        let doc = parse_source(page).unwrap();
        assert_eq!(doc["openapi"], "3.1.1");
    }

    #[test]
    fn takes_a_bare_document() {
        let doc =
            parse_source("openapi: 3.0.3\ninfo: {title: t, version: v}\npaths: {}\n").unwrap();
        assert_eq!(doc["info"]["title"], "t");
    }

    #[test]
    fn rejects_a_page_without_spec() {
        let err = parse_source("# SDK docs\n```python\nx = 1\n```\n").unwrap_err();
        assert!(err.message.contains("no OpenAPI document"), "{err}");
    }
}
