//! Writing results safely: every file is written to a temporary sibling and renamed into place, so a failure
//! never leaves a half-written file; `--check` compares instead of writing and shows a short diff.

use crate::error::{Result, SpecError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One file the xtask wants to exist with exactly these contents.
#[derive(Debug, Clone)]
pub struct Planned {
    /// Where the file goes.
    pub path: PathBuf,
    /// Its full contents.
    pub contents: String,
}

/// Files whose on-disk contents differ from the plan (missing files included).
pub fn stale(planned: &[Planned]) -> Vec<&Planned> {
    planned
        .iter()
        .filter(|p| std::fs::read_to_string(&p.path).ok().as_deref() != Some(p.contents.as_str()))
        .collect()
}

/// Writes every planned file that differs from disk. All contents are computed before this is called, so a
/// generation error leaves every file untouched; each write itself is atomic.
pub fn write_all(planned: &[Planned]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for p in stale(planned) {
        write_atomic(&p.path, &p.contents)?;
        written.push(p.path.clone());
    }
    Ok(written)
}

/// Writes `contents` to a temporary file next to `path`, then renames it over `path`.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let fail = |e: std::io::Error| SpecError::new(format!("cannot write: {e}")).in_file(path);
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{file_name}.tmp{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

/// A unified diff of `old` → `new`, cut after `max_lines` lines.
pub fn short_diff(old: &str, new: &str, max_lines: usize) -> String {
    let diff = similar::TextDiff::from_lines(old, new);
    let full = diff
        .unified_diff()
        .context_radius(2)
        .header("on disk", "expected")
        .to_string();
    let mut lines = full.lines();
    let mut out: String = lines
        .by_ref()
        .take(max_lines)
        .map(|l| format!("{l}\n"))
        .collect();
    let rest = lines.count();
    if rest > 0 {
        out.push_str(&format!("... ({rest} more diff lines)\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_reports_staleness() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.txt");
        let plan = vec![Planned {
            path: path.clone(),
            contents: "hello\n".into(),
        }];
        assert_eq!(stale(&plan).len(), 1);
        assert_eq!(write_all(&plan).unwrap(), vec![path.clone()]);
        assert!(stale(&plan).is_empty());
        assert!(write_all(&plan).unwrap().is_empty());
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn diff_is_bounded() {
        let old: String = (0..100).map(|i| format!("{i}\n")).collect();
        let d = short_diff(&old, "x\n", 10);
        assert!(d.contains("more diff lines"), "{d}");
    }
}
