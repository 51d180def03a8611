//! Where a created key's plaintext goes: a new 0600 file (`--secret-out PATH`, or by default a new file in the
//! working directory), a command's stdin (`--secret-command CMD`), or stdout only with `--show-secret`. A file
//! sink is created before the request is sent, so a taken path is refused with nothing sent.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::CliError;

/// A prepared destination for a secret answer.
#[derive(Debug)]
pub(crate) enum Sink {
    /// Printed with the answer (the user asked for it with `--show-secret`).
    Stdout,
    /// A new file, created with mode 0600 before the request was sent.
    File {
        /// Where.
        path: PathBuf,
        /// The open file.
        file: File,
        /// The user named it (otherwise it is the default file).
        named: bool,
    },
    /// A shell command (run in the working directory) that reads the secret on its stdin.
    Command(String, PathBuf),
}

impl Sink {
    /// The sink the flags ask for; with none, a new file `openrouter-key-<time>-<pid>.txt` in `cwd`.
    pub(crate) fn prepare(
        show: bool,
        out_file: Option<&str>,
        command: Option<&str>,
        cwd: &Path,
    ) -> Result<Self, CliError> {
        if show {
            return Ok(Self::Stdout);
        }
        if let Some(command) = command {
            return Ok(Self::Command(command.to_owned(), cwd.to_path_buf()));
        }
        let (path, named, file) = match out_file {
            Some(p) => {
                let path = cwd.join(p);
                let file = create_private(&path).map_err(|e| cannot_create(&path, &e))?;
                (path, true, file)
            }
            None => {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or_default();
                let stem = format!("openrouter-key-{secs}-{}", std::process::id());
                // Two runs in one process and second (tests, embedders) get `-1`, `-2`, ...: a bounded search.
                let mut n = 0;
                loop {
                    let path = cwd.join(if n == 0 {
                        format!("{stem}.txt")
                    } else {
                        format!("{stem}-{n}.txt")
                    });
                    match create_private(&path) {
                        Ok(file) => break (path, false, file),
                        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => {
                            n += 1
                        }
                        Err(e) => return Err(cannot_create(&path, &e)),
                    }
                }
            }
        };
        Ok(Self::File { path, file, named })
    }

    /// The file the secret goes to, for a file sink.
    pub(crate) fn path(&self) -> Option<PathBuf> {
        match self {
            Self::File { path, .. } => Some(path.clone()),
            _ => None,
        }
    }

    /// Delivers the secret; returns a notice for stderr (never containing the secret).
    pub(crate) fn deliver(self, secret: &str) -> Result<Option<String>, CliError> {
        match self {
            Self::Stdout => Ok(None),
            Self::File {
                path,
                mut file,
                named,
            } => {
                file.write_all(format!("{secret}\n").as_bytes())
                    .and_then(|()| file.sync_all())
                    .map_err(|e| {
                        CliError::Partial(format!(
                            "the key was created but its plaintext could not be written to {}: {e}",
                            path.display()
                        ))
                    })?;
                Ok(Some(if named {
                    format!(
                        "the new key's plaintext is in {} (mode 0600)",
                        path.display()
                    )
                } else {
                    format!(
                        "the new key's plaintext is in {} (mode 0600); it is shown only once: store it and delete the \
                         file (use --secret-out PATH, --secret-command CMD or --show-secret to choose)",
                        path.display()
                    )
                }))
            }
            Self::Command(command, cwd) => {
                let mut child = shell(&command)
                    .current_dir(cwd)
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .spawn()
                    .map_err(|e| {
                        CliError::Partial(format!(
                            "the key was created but `--secret-command` could not start: {e}"
                        ))
                    })?;
                if let Some(mut stdin) = child.stdin.take() {
                    let _ = stdin.write_all(format!("{secret}\n").as_bytes());
                }
                let status = child.wait().map_err(|e| {
                    CliError::Partial(format!(
                        "the key was created but `--secret-command` failed: {e}"
                    ))
                })?;
                if !status.success() {
                    return Err(CliError::Partial(format!(
                        "the key was created but `--secret-command` exited with {status}; delete the key if its \
                         plaintext is lost"
                    )));
                }
                Ok(Some(
                    "the new key's plaintext was passed to --secret-command".into(),
                ))
            }
        }
    }

    /// Nothing to deliver (the request failed): removes a file made for it.
    pub(crate) fn abandon(self) {
        if let Self::File { path, file, .. } = self {
            drop(file);
            let _ = std::fs::remove_file(path);
        }
    }
}

fn cannot_create(path: &Path, e: &std::io::Error) -> CliError {
    CliError::Invalid(format!(
        "cannot create the secret file {}: {e} (it must not exist yet)",
        path.display()
    ))
}

fn shell(command: &str) -> Command {
    if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.arg("/C").arg(command);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c").arg(command);
        c
    }
}

/// A new file only its owner can read (0600 on Unix); fails if it exists.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}
