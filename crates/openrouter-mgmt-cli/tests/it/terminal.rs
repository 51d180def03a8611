//! The real binary on a terminal and under signals (Unix only): SIGINT ends a run with exit 130 (and an
//! interrupted rotation is finished by a re-run), and destructive commands on a pseudo-terminal ask, refusing on
//! "n" with nothing sent and deleting on "y". Every wait is bounded.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use openrouter_mgmt::OperationId;
use openrouter_mgmt_mock::MockServer;

/// The longest any wait here lasts.
const BOUND: Duration = Duration::from_secs(30);

fn bin(mock: &MockServer) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_openrouter-mgmt"));
    c.env_remove("OPENROUTER_API_KEY")
        .env(
            "OPENROUTER_MGMT_CONFIG_DIR",
            "/nonexistent-openrouter-mgmt-config",
        )
        .env("OPENROUTER_BASE_URL", mock.base_url())
        .env("OPENROUTER_MANAGEMENT_KEY", mock.management_key());
    c
}

/// Waits for `child` to exit, at most [`BOUND`] (then kills it and fails).
fn wait(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            panic!("the command did not end within {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads `stream` on a thread into a shared string (until it closes).
fn collect(mut stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        let mut buf = [0u8; 1024];
        while let Ok(n) = stream.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

/// Waits until `text` contains `needle`, at most [`BOUND`].
fn wait_for(text: &Mutex<String>, needle: &str) {
    let start = Instant::now();
    while !text.lock().unwrap().contains(needle) {
        assert!(
            start.elapsed() < BOUND,
            "{needle:?} not seen in {:?}",
            text.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The hash of the mock's first key, as the binary lists it.
async fn first_key(mock: &MockServer) -> String {
    let mut c = bin(mock);
    c.args(["keys", "list", "-o", "id", "--limit", "1"]);
    let out = blocking(move || c.output().unwrap()).await;
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn sigint(child: &Child) {
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("no panic")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_exits_130() {
    let mock = MockServer::builder().seed(9).start().await.unwrap();
    // `mock serve` runs until interrupted.
    let mut serve = bin(&mock);
    serve
        .args(["mock", "serve", "--port", "0", "-o", "json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (status, stderr) = blocking(move || {
        let mut child = serve.spawn().unwrap();
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        wait_for(&stdout, "base_url");
        sigint(&child);
        let status = wait(&mut child);
        let stderr = stderr.lock().unwrap().clone();
        (status, stderr)
    })
    .await;
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    mock.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_rotation_exits_130_and_a_rerun_finishes_it() {
    let mock = MockServer::builder()
        .seed(10)
        .keys(2)
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let hash = first_key(&mock).await;
    // SIGINT during the grace period: the replacement is delivered, the old key still enabled.
    let mut rotate = bin(&mock);
    rotate
        .current_dir(dir.path())
        .args(["keys", "rotate", &hash, "--yes", "--grace", "1h"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let (status, stderr) = blocking(move || {
        let mut child = rotate.spawn().unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let mut seen = String::new();
        for line in stderr.lines().take(50) {
            let line = line.unwrap();
            seen.push_str(&line);
            seen.push('\n');
            if line.contains("assigned the old key's guardrail")
                || line.contains("has no guardrail")
            {
                break;
            }
        }
        sigint(&child);
        (wait(&mut child), seen)
    })
    .await;
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("marked the replacement delivered"),
        "{stderr}"
    );
    let mut rerun = bin(&mock);
    rerun
        .current_dir(dir.path())
        .args(["keys", "rotate", &hash, "--yes", "-o", "json"]);
    let out = blocking(move || rerun.output().unwrap()).await;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("resuming"), "{stderr}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        mock.requests_to(OperationId::CreateKeys).len(),
        1,
        "one replacement"
    );
    let files = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(files, 1, "the plaintext delivered once");
    let new = summary["new_key"].as_str().unwrap().to_owned();
    let list = {
        let mut c = bin(&mock);
        c.args(["keys", "list", "-o", "json"]);
        let out = blocking(move || c.output().unwrap()).await;
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let enabled: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k["hash"].as_str())
        .collect();
    assert!(enabled.contains(&new.as_str()) && !enabled.contains(&hash.as_str()));
    mock.shutdown().await;
}

/// Runs `args` with stdin, stdout and stderr on a new pseudo-terminal, answers `answer` to the prompt, and
/// returns the exit status and what the terminal showed.
fn on_a_terminal(mut command: Command, answer: &str) -> (std::process::ExitStatus, String) {
    let pty = nix::pty::openpty(None, None).unwrap();
    command
        .stdin(Stdio::from(pty.slave.try_clone().unwrap()))
        .stdout(Stdio::from(pty.slave.try_clone().unwrap()))
        .stderr(Stdio::from(pty.slave));
    let mut child = command.spawn().unwrap();
    // The parent's copies of the terminal's slave side are gone with `command`.
    drop(command);
    let mut master = std::fs::File::from(pty.master);
    let screen = collect(master.try_clone().unwrap());
    wait_for(&screen, "[y/N]");
    master.write_all(answer.as_bytes()).unwrap();
    let status = wait(&mut child);
    let shown = screen.lock().unwrap().clone();
    (status, shown)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_on_a_terminal_asks_and_n_refuses_while_y_deletes() {
    let mock = MockServer::builder()
        .seed(11)
        .keys(2)
        .start()
        .await
        .unwrap();
    let hash = first_key(&mock).await;
    let mut no = bin(&mock);
    no.args(["keys", "delete", &hash]);
    let (status, shown) = blocking(move || on_a_terminal(no, "n\n")).await;
    assert_eq!(status.code(), Some(3), "{shown}");
    assert!(shown.contains("not confirmed"), "{shown}");
    assert_eq!(
        mock.requests_to(OperationId::DeleteKeys).len(),
        0,
        "nothing sent"
    );

    // `keys rotate` asks before it sends anything at all.
    let before = mock.requests().len();
    let mut rotate = bin(&mock);
    rotate.args(["keys", "rotate", &hash]);
    let (status, shown) = blocking(move || on_a_terminal(rotate, "n\n")).await;
    assert_eq!(status.code(), Some(3), "{shown}");
    assert!(shown.contains("rotate key"), "{shown}");
    assert_eq!(mock.requests().len(), before, "nothing sent");

    let mut yes = bin(&mock);
    yes.args(["keys", "delete", &hash]);
    let (status, shown) = blocking(move || on_a_terminal(yes, "y\n")).await;
    assert_eq!(status.code(), Some(0), "{shown}");
    assert_eq!(
        mock.requests_to(OperationId::DeleteKeys).len(),
        1,
        "deleted"
    );
    assert_eq!(mock.key_count(), 1);
    mock.shutdown().await;
}
