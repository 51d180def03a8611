//! The output choke point: every byte the tool writes to stdout or stderr (answers, errors, `--dry-run`, `-v`
//! logs, prompts) goes through [`Out`], which replaces every secret the process has seen (the management key,
//! secrets read from files or the environment for a body, secrets in bodies, created keys' plaintexts) with
//! `<redacted>`. A created key's plaintext may reach stdout only when the user asked for it there.

use std::io::Write;
use std::sync::Mutex;

use crate::error::CliError;

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";
/// Shorter values are not treated as secrets (they would match ordinary text).
const MIN_SECRET_LEN: usize = 8;

/// The scrubbing writer of stdout and stderr.
pub(crate) struct Out {
    stdout: Mutex<Box<dyn Write + Send>>,
    stderr: Mutex<Box<dyn Write + Send>>,
    secrets: Mutex<Vec<String>>,
    allowed_on_stdout: Mutex<Vec<String>>,
    /// The progress bar on stderr, if one is shown: stdout writes suspend it (when both streams are one
    /// terminal, an answer is never drawn into the bar's line).
    bar: Mutex<Option<indicatif::ProgressBar>>,
}

impl Out {
    /// The choke point over these two streams.
    pub(crate) fn new(stdout: Box<dyn Write + Send>, stderr: Box<dyn Write + Send>) -> Self {
        Self {
            stdout: Mutex::new(stdout),
            stderr: Mutex::new(stderr),
            secrets: Mutex::new(Vec::new()),
            allowed_on_stdout: Mutex::new(Vec::new()),
            bar: Mutex::new(None),
        }
    }

    /// Remembers a secret: from now on it is scrubbed from everything written.
    pub(crate) fn secret(&self, value: &str) {
        let value = value.trim();
        if value.len() < MIN_SECRET_LEN {
            return;
        }
        let mut secrets = self.secrets.lock().unwrap_or_else(|e| e.into_inner());
        if !secrets.iter().any(|s| s == value) {
            secrets.push(value.to_owned());
            // Longest first, so a secret containing another is replaced whole.
            secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Lets a secret through on stdout (a created key's plaintext the user asked to see); still scrubbed on
    /// stderr.
    pub(crate) fn allow_on_stdout(&self, value: &str) {
        self.secret(value);
        self.allowed_on_stdout
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(value.trim().to_owned());
    }

    /// `text` with every known secret (but those in `allowed`) replaced.
    fn scrub(&self, text: &str, allowed: &[String]) -> String {
        let secrets = self.secrets.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = text.to_owned();
        for secret in secrets.iter().filter(|s| !allowed.contains(s)) {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    /// Shows (`Some`) or forgets (`None`) the progress bar that stdout writes suspend.
    pub(crate) fn set_bar(&self, bar: Option<indicatif::ProgressBar>) {
        *self.bar.lock().unwrap_or_else(|e| e.into_inner()) = bar;
    }

    /// Writes to stdout. A closed pipe is [`CliError::BrokenPipe`]: the command ends quietly.
    pub(crate) fn stdout(&self, text: &str) -> Result<(), CliError> {
        let bar = self.bar.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match bar {
            Some(bar) => bar.suspend(|| self.write_stdout(text)),
            None => self.write_stdout(text),
        }
    }

    fn write_stdout(&self, text: &str) -> Result<(), CliError> {
        let allowed = self
            .allowed_on_stdout
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let text = self.scrub(text, &allowed);
        let mut stdout = self.stdout.lock().unwrap_or_else(|e| e.into_inner());
        match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(CliError::BrokenPipe),
            Err(e) => Err(CliError::Failed(format!("cannot write to stdout: {e}"))),
        }
    }

    /// Writes to stderr (failures to write there are ignored: there is nowhere left to report them).
    pub(crate) fn stderr(&self, text: &str) {
        let text = self.scrub(text, &[]);
        let mut stderr = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        let _ = stderr
            .write_all(text.as_bytes())
            .and_then(|()| stderr.flush());
    }
}

/// The `-v` log writer: each formatted event goes to stderr through [`Out`].
pub(crate) struct LogWriter(pub std::sync::Arc<Out>);

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.stderr(&String::from_utf8_lossy(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex as StdMutex};

    #[derive(Clone, Default)]
    struct Buf(Arc<StdMutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn secrets_are_scrubbed_everywhere_and_allowed_ones_only_on_stdout() {
        let (o, e) = (Buf::default(), Buf::default());
        let out = Out::new(Box::new(o.clone()), Box::new(e.clone()));
        out.secret("sk-or-v1-management");
        out.allow_on_stdout("sk-or-v1-created-plaintext");
        out.stdout("a sk-or-v1-management b sk-or-v1-created-plaintext\n")
            .unwrap();
        out.stderr("a sk-or-v1-management b sk-or-v1-created-plaintext\n");
        out.secret("short");
        out.stdout("short\n").unwrap();
        let stdout = String::from_utf8(o.0.lock().unwrap().clone()).unwrap();
        let stderr = String::from_utf8(e.0.lock().unwrap().clone()).unwrap();
        assert_eq!(stdout, "a <redacted> b sk-or-v1-created-plaintext\nshort\n");
        assert_eq!(stderr, "a <redacted> b <redacted>\n");
    }

    #[test]
    fn a_closed_pipe_is_a_quiet_end() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let out = Out::new(Box::new(Closed), Box::new(Buf::default()));
        assert!(matches!(out.stdout("x\n"), Err(CliError::BrokenPipe)));
    }
}
