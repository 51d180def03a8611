//! Where a created object's secret goes: a new file per object, created exclusively with mode 0600 in the
//! stack's sink folder, written and flushed before the action counts as done. A secret is never printed, never
//! put in a plan, and an existing file is never overwritten.

use std::io::Write;
use std::path::{Path, PathBuf};

use openrouter_mgmt::SecretString;

use crate::error::DeclareError;
use crate::file::SinkSpec;

/// The file the secret of the object `id` at `address` goes to (one per object ever created, so a replacement
/// never meets its predecessor's file).
pub(crate) fn path_for(sink: &SinkSpec, base: &Path, address: &str, id: &str) -> PathBuf {
    match sink {
        SinkSpec::Dir(dir) => {
            let dir = if dir.is_absolute() {
                dir.clone()
            } else {
                base.join(dir)
            };
            let safe: String = address
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let short: String = id
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(12)
                .collect();
            dir.join(format!("{safe}.{short}.secret"))
        }
    }
}

/// Writes `secret` to a new 0600 file; refuses to overwrite one.
pub(crate) fn deliver(path: &Path, secret: &SecretString) -> Result<(), DeclareError> {
    let fail = |e: std::io::Error| {
        DeclareError::Secret(format!(
            "cannot write the new secret to {}: {e} (the object exists; delete it or re-run to replace it)",
            path.display()
        ))
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(secret.expose_secret().as_bytes())
        .and_then(|()| file.write_all(b"\n"))
        .and_then(|()| file.sync_all())
        .map_err(fail)
}
