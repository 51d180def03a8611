//! The declared `rust-version` stays the true minimum: it must equal the highest of edition 2024's floor (1.85)
//! and every `rust-version` declared in the resolved dependency graph (normal and build dependencies, all
//! platforms) of the four published crates, as `cargo metadata` reports it.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

/// The crates meant for users.
const PUBLISHED: [&str; 4] = [
    "openrouter-mgmt",
    "openrouter-mgmt-gen",
    "openrouter-mgmt-mock",
    "openrouter-mgmt-cli",
];

/// Edition 2024 needs Rust 1.85.
const EDITION_FLOOR: (u64, u64, u64) = (1, 85, 0);

fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().expect(text));
    (
        parts.next().expect(text),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

#[test]
fn the_declared_rust_version_is_the_highest_in_the_published_crates_dependency_graph() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let packages: HashMap<&str, &Value> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p))
        .collect();
    let nodes: HashMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["id"].as_str().unwrap(), n))
        .collect();
    let roots: Vec<&str> = packages
        .iter()
        .filter(|(_, p)| PUBLISHED.contains(&p["name"].as_str().unwrap()))
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(roots.len(), PUBLISHED.len());
    let declared: BTreeSet<&str> = roots
        .iter()
        .map(|id| packages[id]["rust_version"].as_str().expect("declared"))
        .collect();
    assert_eq!(declared.len(), 1, "one rust-version for all: {declared:?}");
    let declared = version(declared.first().unwrap());

    let mut seen = BTreeSet::new();
    let mut stack = roots.clone();
    let mut floor = (EDITION_FLOOR, "edition 2024".to_owned());
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let package = packages[id];
        if !roots.contains(&id)
            && let Some(required) = package["rust_version"].as_str()
            && version(required) > floor.0
        {
            floor = (
                version(required),
                format!("{} {}", package["name"], package["version"]),
            );
        }
        for dep in nodes[id]["deps"].as_array().unwrap() {
            let runtime = dep["dep_kinds"]
                .as_array()
                .unwrap()
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build");
            if runtime {
                stack.push(dep["pkg"].as_str().unwrap());
            }
        }
    }
    assert!(seen.len() > PUBLISHED.len(), "the graph was walked");
    assert_eq!(
        declared,
        floor.0,
        "rust-version should be {:?}, required by {} (of {} packages in the graph)",
        floor.0,
        floor.1,
        seen.len()
    );
}
