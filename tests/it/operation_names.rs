//! Every operationId under `openapi/`, spelled as the spec publishes it (`listBYOKKeys`), names its operation in
//! the mock's fault and churn rules, as do its snake_case name and its camelCase identifier form.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use openrouter_mgmt_mock::{FaultRule, OperationId, Route};

/// Every `.yaml` file under `dir`, recursively.
fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("openapi/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") && !path.ends_with("overlay.yaml") {
            out.push(path);
        }
    }
}

/// (method, path, operationId) of every operation in the spec files, as published.
fn published_operations() -> Vec<(String, String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi");
    let mut files = Vec::new();
    yaml_files(&root, &mut files);
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a spec file");
        let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
        let Some(paths) = doc.get("paths").and_then(serde_yaml::Value::as_mapping) else {
            continue;
        };
        for (path, item) in paths {
            let Some(item) = item.as_mapping() else {
                continue;
            };
            for (method, op) in item {
                if let Some(id) = op.get("operationId").and_then(serde_yaml::Value::as_str) {
                    found.push((
                        method.as_str().expect("a method").to_uppercase(),
                        path.as_str().expect("a path").to_owned(),
                        id.to_owned(),
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn every_published_operation_id_names_its_operation_in_fault_rules() {
    let published = published_operations();
    assert_eq!(
        published.len(),
        OperationId::ALL.len(),
        "one operationId per operation"
    );
    for (method, path, id) in published {
        let route = Route::from_str(&id).unwrap_or_else(|e| panic!("{id}: {}", e.0));
        let Route::Operation(op) = route else {
            panic!("{id} parsed as {route:?}");
        };
        let info = op.info();
        assert_eq!(
            (info.method, info.path_template),
            (method.as_str(), path.as_str()),
            "{id} named another operation"
        );
        assert_eq!(
            info.published_operation_id, id,
            "the generated table holds the operationId as published"
        );
        assert_eq!(OperationId::from_name(&id), Some(op), "{id}");
        for spelling in [id.as_str(), info.name, info.operation_id] {
            let route = Route::from_str(spelling).unwrap_or_else(|e| panic!("{spelling}: {}", e.0));
            assert_eq!(route, Route::Operation(op), "{spelling}");
            let rule = FaultRule::from_str(&format!("{spelling}=500"))
                .unwrap_or_else(|e| panic!("{spelling}=500: {}", e.0));
            assert_eq!(rule.route(), &Route::Operation(op), "{spelling}");
        }
    }
    assert_eq!(
        Route::from_str("listBYOKKeys").ok(),
        Some(Route::Operation(OperationId::ListByokKeys))
    );
}
