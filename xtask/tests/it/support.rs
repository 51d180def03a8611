//! Paths of the repository and its fixtures, and a recursive copy for working in temporary directories.

use std::path::{Path, PathBuf};

/// The workspace root.
pub(crate) fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `xtask/tests/fixtures/<rel>`.
pub(crate) fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Copies a directory tree.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every file under `dir` as (relative path, contents), sorted.
pub(crate) fn snapshot_dir(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().to_path_buf();
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The tags the SDK covers.
pub(crate) fn sdk_tags() -> Vec<String> {
    [
        "API Keys",
        "Analytics",
        "BYOK",
        "Credits",
        "External Users",
        "Generations",
        "Guardrails",
        "Organization",
        "Private Providers",
        "SCIM",
        "Private Endpoints",
        "Workspaces",
        "Observability",
    ]
    .map(str::to_owned)
    .to_vec()
}
