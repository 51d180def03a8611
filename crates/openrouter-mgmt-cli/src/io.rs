//! What a run of the tool reads and writes, passed in so that tests run it in-process: stdout, stderr, stdin,
//! whether each is a terminal, the environment and the working directory.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The process's streams and surroundings, for [`crate::run`].
pub struct Io {
    /// Standard output.
    pub stdout: Box<dyn Write + Send>,
    /// Standard error.
    pub stderr: Box<dyn Write + Send>,
    /// Standard input (bodies with `--json-body -`, keys with `--management-key-stdin`, confirmations).
    pub stdin: Box<dyn Read + Send>,
    /// stdout is a terminal (the default output is then a table).
    pub stdout_is_terminal: bool,
    /// stdin is a terminal (destructive commands then ask instead of requiring `--yes`).
    pub stdin_is_terminal: bool,
    /// stderr is a terminal (progress is then a bar, otherwise one line per finished step).
    pub stderr_is_terminal: bool,
    /// The environment variables the tool reads.
    pub env: BTreeMap<String, String>,
    /// The working directory (where a created key's plaintext file goes by default).
    pub cwd: PathBuf,
}

impl Io {
    /// The real process: its streams, environment and working directory.
    pub fn process() -> Self {
        Self {
            stdout: Box::new(std::io::stdout()),
            stderr: Box::new(std::io::stderr()),
            stdin: Box::new(std::io::stdin()),
            stdout_is_terminal: std::io::stdout().is_terminal(),
            stdin_is_terminal: std::io::stdin().is_terminal(),
            stderr_is_terminal: std::io::stderr().is_terminal(),
            env: std::env::vars().collect(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    }

    /// In-memory streams (no terminal), the given environment and working directory, and the handle that reads
    /// what was written.
    pub fn captured(
        env: BTreeMap<String, String>,
        cwd: PathBuf,
        stdin: impl Into<Vec<u8>>,
    ) -> (Self, Captured) {
        let captured = Captured::default();
        let io = Self {
            stdout: Box::new(Shared(Arc::clone(&captured.stdout))),
            stderr: Box::new(Shared(Arc::clone(&captured.stderr))),
            stdin: Box::new(std::io::Cursor::new(stdin.into())),
            stdout_is_terminal: false,
            stdin_is_terminal: false,
            stderr_is_terminal: false,
            env,
            cwd,
        };
        (io, captured)
    }
}

/// What an in-process run wrote (see [`Io::captured`]).
#[derive(Debug, Clone, Default)]
pub struct Captured {
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Captured {
    /// Everything written to stdout so far.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
