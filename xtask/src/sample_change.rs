//! The sample spec change behind the proof that a field or operation added to `openapi/` reaches users with no
//! hand-written line: a nullable optional field on `updateGuardrail`'s body and on the `Guardrail` schema, a new
//! field on `createKeys`' body, `createKeys`' `expires_at` added to `updateKeys`' body, and a new GET operation. `cargo xtask sample-change DIR` applies it to a scratch
//! copy (`scripts/spec-change-proof.sh` compiles and tests the result); the xtask's own test checks what regen makes
//! of it without compiling.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::error::{Result, SpecError};

/// The nullable optional field added to the `Guardrail` schema and to `updateGuardrail`'s body.
pub const GUARDRAIL_FIELD: &str = "data_region_note";
/// The field added to `createKeys`' body.
pub const KEY_FIELD: &str = "project_tag";
/// The create-only field of `createKeys`' body that the change adds to `updateKeys`' body too: the declarative
/// engine's resource table then updates it in place instead of replacing the key.
pub const KEY_UPDATABLE_FIELD: &str = "expires_at";
/// The operation added.
pub const NEW_OPERATION: &str = "getWidgetStats";
/// Its file, relative to `openapi/`.
pub const NEW_OPERATION_FILE: &str = "widgets/get-widget-stats.yaml";

/// Applies the change to the documents under `openapi_dir`; returns the files written.
pub fn apply(openapi_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let guardrail_field = json!({
        "description": "A note on where the guardrail's data may be processed (sample field).",
        "type": ["string", "null"],
        "maxLength": 200
    });
    let files = crate::import::spec_files(openapi_dir)?;
    let mut create_field = None;
    for file in &files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| SpecError::new(format!("cannot read: {e}")).in_file(file))?;
        let doc = crate::yaml::parse(&text).map_err(|e| e.in_file(file))?;
        create_field = create_field.or_else(|| {
            doc.pointer(&format!(
                "/paths/~1keys/post/requestBody/content/application~1json/schema/properties/{KEY_UPDATABLE_FIELD}"
            ))
            .cloned()
        });
    }
    for file in files {
        let text = std::fs::read_to_string(&file)
            .map_err(|e| SpecError::new(format!("cannot read: {e}")).in_file(&file))?;
        let mut doc = crate::yaml::parse(&text).map_err(|e| e.in_file(&file))?;
        let mut changed = false;
        for pointer in [
            "/components/schemas/Guardrail/properties",
            "/components/schemas/UpdateGuardrailRequest/properties",
        ] {
            if let Some(Value::Object(properties)) = doc.pointer_mut(pointer) {
                properties.insert(GUARDRAIL_FIELD.to_owned(), guardrail_field.clone());
                changed = true;
            }
        }
        if let Some(Value::Object(properties)) = doc.pointer_mut(
            "/paths/~1keys/post/requestBody/content/application~1json/schema/properties",
        ) {
            properties.insert(
                KEY_FIELD.to_owned(),
                json!({"description": "A project tag for the key (sample field).", "type": "string", "maxLength": 64}),
            );
            changed = true;
        }
        if let (Some(field), Some(Value::Object(properties))) = (
            create_field.clone(),
            doc.pointer_mut(
                "/paths/~1keys~1{hash}/patch/requestBody/content/application~1json/schema/properties",
            ),
        ) {
            properties.insert(KEY_UPDATABLE_FIELD.to_owned(), field);
            changed = true;
        }
        if changed {
            write(&file, &doc)?;
            written.push(file);
        }
    }
    let new_file = openapi_dir.join(NEW_OPERATION_FILE);
    write(&new_file, &new_operation())?;
    written.push(new_file);
    if let Some(overlay) = add_command(openapi_dir)? {
        written.push(overlay);
    }
    Ok(written)
}

/// The new operation's one overlay line: its command on the command line (`widgets stats`), appended to the
/// overlay's `cli:` section, which must be the file's last section. Nothing when the overlay has no `cli:`.
fn add_command(openapi_dir: &Path) -> Result<Option<PathBuf>> {
    let file = openapi_dir.join(crate::overlay::OVERLAY_FILE);
    let Ok(text) = std::fs::read_to_string(&file) else {
        return Ok(None);
    };
    let Some(start) = text.find("\ncli:\n") else {
        return Ok(None);
    };
    let last_section = text[start + 1..]
        .lines()
        .skip(1)
        .all(|l| l.is_empty() || l.starts_with(' ') || l.starts_with('#'));
    if !last_section {
        return Err(SpecError::new("the overlay's `cli:` section is not its last").in_file(&file));
    }
    let mut text = text;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("  {NEW_OPERATION}: {{command: widgets stats}}\n"));
    crate::output::write_atomic(&file, &text)?;
    Ok(Some(file))
}

fn write(file: &Path, doc: &Value) -> Result<()> {
    crate::output::write_atomic(file, &crate::yaml::dump(doc))
}

/// A new GET operation in OpenRouter's published form.
fn new_operation() -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Get widget statistics", "version": "1.0.0"},
        "servers": [{"url": "https://openrouter.ai/api/v1"}],
        "paths": {"/widgets/{id}/stats": {"get": {
            "operationId": NEW_OPERATION,
            "summary": "Get widget statistics",
            "description": "Statistics of one widget (a sample operation).",
            "tags": ["Widgets"],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The statistics", "content": {"application/json": {"schema": {
                "type": "object",
                "required": ["data"],
                "properties": {"data": {"type": "object", "required": ["count"], "properties": {
                    "count": {"type": "integer"}
                }}}
            }}}}}
        }}}
    })
}
