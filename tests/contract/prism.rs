//! Stoplight Prism (pinned in `tests/contract/package.json`) as a child process: started on a free loopback port,
//! its log captured line by line, its validation violations counted, and the process killed on drop.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The merged spec of `openapi/` that the generated client was made from (paths without `/api/v1`).
pub(crate) fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/openrouter-mgmt-gen/src/openapi.merged.yaml")
}

/// The Prism binary that `npm ci --prefix tests/contract` installs.
fn prism_binary() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("contract/node_modules/.bin/prism");
    assert!(
        path.exists(),
        "{} is missing: run `npm ci --prefix tests/contract --no-audit --no-fund` from the workspace root \
         (scripts/test.sh does)",
        path.display()
    );
    path
}

/// A port nothing listens on right now (bound, then released for the child to take).
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// How long Prism may take to start: it parses the spec with Node on a machine shared with the build.
const STARTUP_LIMIT: Duration = Duration::from_secs(90);
const STARTUP_POLL: Duration = Duration::from_millis(100);

/// A running Prism process.
pub(crate) struct Prism {
    child: Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Prism {
    /// `prism mock --dynamic`: schema-random responses for every operation of the spec.
    pub(crate) async fn mock_dynamic() -> Self {
        Self::start(|port| {
            vec![
                "mock".into(),
                "--dynamic".into(),
                "-h".into(),
                "127.0.0.1".into(),
                "-p".into(),
                port.to_string(),
                spec_path().display().to_string(),
            ]
        })
        .await
    }

    /// `prism proxy --errors` in front of `upstream`: every request and response is validated against the spec.
    pub(crate) async fn proxy(upstream: &str) -> Self {
        let upstream = upstream.to_owned();
        Self::start(move |port| {
            vec![
                "proxy".into(),
                "--errors".into(),
                "-h".into(),
                "127.0.0.1".into(),
                "-p".into(),
                port.to_string(),
                spec_path().display().to_string(),
                upstream.clone(),
            ]
        })
        .await
    }

    /// Starts Prism; a lost race for the port (another process took it between release and bind) is retried
    /// on a new port, three times at most.
    async fn start(args: impl Fn(u16) -> Vec<String>) -> Self {
        let binary = prism_binary();
        let mut failures = Vec::new();
        for _ in 0..3 {
            let port = free_port();
            let mut child = Command::new(&binary)
                .args(args(port))
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("could not start {}: {e}", binary.display()));
            let log = Arc::new(Mutex::new(Vec::new()));
            capture(child.stdout.take().expect("piped stdout"), Arc::clone(&log));
            capture(child.stderr.take().expect("piped stderr"), Arc::clone(&log));
            let mut prism = Self { child, port, log };
            match prism.wait_ready().await {
                Ok(()) => return prism,
                Err(reason) => {
                    failures.push(format!("port {port}: {reason}\n{}", prism.log().join("\n")))
                }
            }
        }
        panic!("Prism did not start:\n{}", failures.join("\n---\n"));
    }

    /// Waits (bounded in time and in polls) for Prism's "listening" line and an accepted connection.
    async fn wait_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        let polls = STARTUP_LIMIT.as_millis() / STARTUP_POLL.as_millis();
        for _ in 0..polls {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Err(format!("exited with {status}"));
            }
            let listening = self.log().iter().any(|l| l.contains("Prism is listening"));
            if listening
                && tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                    .await
                    .is_ok()
            {
                return Ok(());
            }
            if started.elapsed() > STARTUP_LIMIT {
                break;
            }
            tokio::time::sleep(STARTUP_POLL).await;
        }
        Err(format!("not listening after {:?}", started.elapsed()))
    }

    /// The base URL to give the SDK.
    pub(crate) fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every log line so far.
    pub(crate) fn log(&self) -> Vec<String> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The log lines reporting a request or response that breaks the spec, at any severity: `Violation: <where>
    /// <what>` lines, and, under `--errors`, the `Request terminated with error: ...#VIOLATIONS` line that replaces
    /// them when a response is invalid.
    pub(crate) fn violations(&self) -> Vec<String> {
        self.log()
            .into_iter()
            .filter(|l| {
                l.to_ascii_lowercase().contains("violation")
                    || l.contains("Request terminated with error")
            })
            .collect()
    }

    /// How many requests Prism has received so far (one `Request received` line each).
    pub(crate) fn requests_received(&self) -> usize {
        self.log()
            .iter()
            .filter(|l| l.contains("Request received"))
            .count()
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies a pipe into the shared log on a thread of its own (the thread ends when the child's pipe closes).
fn capture(pipe: impl Read + Send + 'static, log: Arc<Mutex<Vec<String>>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            log.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(strip_ansi(&line));
        }
    });
}

/// Removes terminal colour codes (`ESC [ ... m`), which Prism's logger may add.
fn strip_ansi(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Waits until Prism's log has been quiet for a few polls (bounded: at most 5 s). Prism logs asynchronously, so
/// the violation lines of the last request can arrive a moment after its response.
pub(crate) async fn settle(prism: &Prism) {
    let mut last = usize::MAX;
    let mut quiet = 0;
    for _ in 0..50 {
        let len = prism.log().len();
        if len == last {
            quiet += 1;
            if quiet == 3 {
                return;
            }
        } else {
            quiet = 0;
            last = len;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
