//! The command's costs as ratios to the SDK doing the same work, each pair measured in the same run: process start
//! to first byte of `openrouter-mgmt --help` and of `openrouter-mgmt keys list` against the mock; the wall time of
//! `keys list -o jsonl` over 10,000 keys against the facade's walk of the same list written as JSON lines; and the
//! command's peak memory (VmHWM) for 10,000 and 100,000 keys.
//!
//! Every process measured is this binary re-executed in a role: `cli` runs `openrouter_mgmt_cli::run` exactly as
//! the `openrouter-mgmt` binary's `main` does (a two-worker runtime, the process's streams), `sdk_help` and
//! `sdk_keys` are the SDK example doing the same work (print the same help text; walk `GET /keys` with
//! `Client::paginate` and write each key as a JSON line), so both sides of a ratio pay the same executable's start.
//! When a release build of the real `openrouter-mgmt` sits next to this bench (`cargo build --release -p
//! openrouter-mgmt-cli`), its start is measured too. The mock runs in this process, on loopback.

use std::io::{BufWriter, Read, Write};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode};
use futures::TryStreamExt;
use openrouter_mgmt::{Client, ops};
use openrouter_mgmt_mock::MockServer;

/// Set in a child: its role (`cli`, `sdk_help`, `sdk_keys`).
const ROLE_ENV: &str = "OPENROUTER_MGMT_BENCH_ROLE";
/// Set in an `sdk_help` child: the text it prints.
const TEXT_ENV: &str = "OPENROUTER_MGMT_BENCH_TEXT";
/// Set in a child: print its peak resident set (VmHWM, KiB) on stderr when done.
const HWM_ENV: &str = "OPENROUTER_MGMT_BENCH_HWM";
/// The longest any child may take (a stuck child fails the bench instead of hanging it).
const CHILD_TIMEOUT: Duration = Duration::from_secs(120);

fn main() -> ExitCode {
    if let Ok(role) = std::env::var(ROLE_ENV) {
        return child(&role);
    }
    let args: Vec<String> = std::env::args().collect();
    let test_mode = !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test");
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion, test_mode);
    criterion.final_summary();
    ExitCode::SUCCESS
}

// ---- the children ----

fn runtime() -> tokio::runtime::Runtime {
    // As the `openrouter-mgmt` binary's `main`.
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime")
}

fn child(role: &str) -> ExitCode {
    let code = match role {
        "cli" => {
            // argv as the binary gets it, under the binary's name.
            let mut argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
            argv[0] = "openrouter-mgmt".into();
            runtime().block_on(openrouter_mgmt_cli::run(
                argv,
                openrouter_mgmt_cli::Io::process(),
            ))
        }
        "sdk_help" => {
            let _runtime = runtime();
            let text = std::env::var(TEXT_ENV).unwrap_or_default();
            let mut out = std::io::stdout().lock();
            u8::from(out.write_all(text.as_bytes()).is_err())
        }
        "sdk_keys" => runtime().block_on(sdk_keys()),
        other => panic!("unknown role {other}"),
    };
    if std::env::var_os(HWM_ENV).is_some() {
        eprintln!("VmHWM {}", vm_hwm_kib());
    }
    ExitCode::from(code)
}

/// The SDK example of `keys list -o jsonl`: the same operation walked with `Client::paginate`, each key written
/// as one JSON line.
async fn sdk_keys() -> u8 {
    let client = Client::from_env().expect("OPENROUTER_MANAGEMENT_KEY and OPENROUTER_BASE_URL");
    let items = client.paginate(ops::List::new()).items();
    futures::pin_mut!(items);
    let mut out = BufWriter::new(std::io::stdout().lock());
    while let Some(key) = items.try_next().await.expect("the mock serves every page") {
        serde_json::to_writer(&mut out, &key).expect("stdout");
        out.write_all(b"\n").expect("stdout");
    }
    u8::from(out.flush().is_err())
}

/// This process's peak resident set, in KiB.
fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

// ---- the parent ----

/// One process to run: a role of this binary, or the real binary.
#[derive(Clone)]
struct Run {
    program: std::path::PathBuf,
    args: Vec<String>,
    envs: Vec<(&'static str, String)>,
}

/// What one run gave.
struct Ran {
    first_byte: Duration,
    total: Duration,
    stdout_bytes: usize,
    stderr: String,
}

impl Run {
    fn role(role: &str) -> Self {
        Self {
            program: std::env::current_exe().expect("this binary's path"),
            args: Vec::new(),
            envs: vec![(ROLE_ENV, role.to_owned())],
        }
    }

    fn cli(args: &[&str]) -> Self {
        Self {
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            ..Self::role("cli")
        }
    }

    /// The real binary at `program` with `args`.
    fn binary(program: &std::path::Path, args: &[&str]) -> Self {
        Self {
            program: program.to_path_buf(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            envs: Vec::new(),
        }
    }

    fn env(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.envs.push((name, value.into()));
        self
    }

    fn mock(self, mock: &MockServer) -> Self {
        self.env("OPENROUTER_BASE_URL", mock.base_url())
            .env("OPENROUTER_MANAGEMENT_KEY", mock.management_key())
            .env(
                "OPENROUTER_MGMT_CONFIG_DIR",
                "/nonexistent-openrouter-mgmt-config",
            )
    }

    /// Runs it to the end: the time to its first byte on stdout and to its exit.
    fn run(&self) -> Ran {
        let started = Instant::now();
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .envs(self.envs.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the child starts");
        let mut stdout = child.stdout.take().expect("piped");
        let mut stderr = child.stderr.take().expect("piped");
        let errors = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut buf = vec![0u8; 64 * 1024];
        let mut first_byte = None;
        let mut stdout_bytes = 0;
        loop {
            assert!(
                started.elapsed() < CHILD_TIMEOUT,
                "the child takes too long"
            );
            let n = stdout.read(&mut buf).expect("the child's stdout");
            if n == 0 {
                break;
            }
            first_byte.get_or_insert_with(|| started.elapsed());
            stdout_bytes += n;
        }
        let status = child.wait().expect("the child ends");
        let total = started.elapsed();
        let stderr = errors.join().unwrap_or_default();
        assert!(status.success(), "{status}: {stderr}");
        Ran {
            first_byte: first_byte.expect("the child wrote to stdout"),
            total,
            stdout_bytes,
            stderr,
        }
    }
}

/// The real `openrouter-mgmt`, when a release build of it sits next to this bench's executable.
fn real_binary() -> Option<std::path::PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let path = exe.parent()?.parent()?.join("openrouter-mgmt");
    path.is_file().then_some(path)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Benchmarks each of `runs` (measured by `pick`) in one group, and prints each one's median over its samples as a
/// ratio to the first (the baseline).
fn compare(
    c: &mut Criterion,
    group: &str,
    runs: &[(&str, Run)],
    pick: fn(&Ran) -> Duration,
    samples: usize,
) {
    let mut group_ = c.benchmark_group(group);
    group_.sample_size(samples.max(10));
    group_.sampling_mode(SamplingMode::Flat);
    let mut medians = Vec::new();
    for (name, run) in runs {
        let mut times = Vec::new();
        group_.bench_function(*name, |b| {
            b.iter_custom(|iterations| {
                let mut sum = Duration::ZERO;
                for _ in 0..iterations {
                    let t = pick(&run.run());
                    times.push(t);
                    sum += t;
                }
                sum
            })
        });
        medians.push((*name, median(times)));
    }
    group_.finish();
    let (base_name, base) = medians[0];
    for (name, m) in &medians {
        eprintln!(
            "{group}: {name} median {:.2} ms = {:.3} x {base_name} ({:.2} ms)",
            ms(*m),
            m.as_secs_f64() / base.as_secs_f64(),
            ms(base)
        );
    }
}

fn start_mock(runtime: &tokio::runtime::Runtime, keys: usize) -> MockServer {
    runtime.block_on(async {
        MockServer::builder()
            .seed(3)
            .keys(keys)
            .start()
            .await
            .expect("the mock binds a loopback port")
    })
}

fn bench(c: &mut Criterion, test_mode: bool) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let (list_keys, big, bigger) = if test_mode {
        (50, 1_000, 2_000)
    } else {
        (100, 10_000, 100_000)
    };
    let real = real_binary();

    // (a) Process start to first byte.
    let help = Run::cli(&["--help"]).run();
    let help_text = {
        let out = Command::new(std::env::current_exe().expect("this binary"))
            .arg("--help")
            .env(ROLE_ENV, "cli")
            .output()
            .expect("--help runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(help.stdout_bytes, help_text.len());
    let mut runs = vec![
        (
            "sdk_example",
            Run::role("sdk_help").env(TEXT_ENV, help_text),
        ),
        ("openrouter_mgmt_cli_run", Run::cli(&["--help"])),
    ];
    if let Some(real) = &real {
        runs.push(("openrouter-mgmt_binary", Run::binary(real, &["--help"])));
    }
    compare(c, "cli/first_byte/help", &runs, |r| r.first_byte, 20);

    let mock = start_mock(&runtime, list_keys);
    let mut runs = vec![
        ("sdk_example", Run::role("sdk_keys").mock(&mock)),
        (
            "openrouter_mgmt_cli_run",
            Run::cli(&["keys", "list", "-o", "jsonl"]).mock(&mock),
        ),
    ];
    if let Some(real) = &real {
        runs.push((
            "openrouter-mgmt_binary",
            Run::binary(real, &["keys", "list", "-o", "jsonl"]).mock(&mock),
        ));
    }
    compare(c, "cli/first_byte/keys_list", &runs, |r| r.first_byte, 20);
    drop(mock);

    // (b) Wall time of the whole walk, 10,000 keys, and peak memory for 10,000 and 100,000.
    let mock = start_mock(&runtime, big);
    let sdk = Run::role("sdk_keys").mock(&mock);
    let cli = Run::cli(&["keys", "list", "-o", "jsonl"]).mock(&mock);
    let (a, b) = (sdk.run(), cli.run());
    assert_eq!(a.stdout_bytes, b.stdout_bytes, "both write the same lines");
    compare(
        c,
        &format!("cli/keys_list_jsonl_{big}"),
        &[("sdk_facade_walk", sdk), ("openrouter_mgmt_cli_run", cli)],
        |r| r.total,
        10,
    );
    drop(mock);

    let mut peaks = Vec::new();
    for keys in [big, bigger] {
        let mock = start_mock(&runtime, keys);
        for (name, run) in [
            ("sdk_facade_walk", Run::role("sdk_keys")),
            (
                "openrouter_mgmt_cli_run",
                Run::cli(&["keys", "list", "-o", "jsonl"]),
            ),
        ] {
            let ran = run.mock(&mock).env(HWM_ENV, "1").run();
            let kib: u64 = ran
                .stderr
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM "))
                .and_then(|v| v.trim().parse().ok())
                .expect("the child reports its VmHWM");
            eprintln!(
                "cli/peak_rss: {name} keys list -o jsonl over {keys} keys: VmHWM {kib} KiB ({} bytes written, {:.0} ms)",
                ran.stdout_bytes,
                ms(ran.total)
            );
            peaks.push((name, keys, kib));
        }
        drop(mock);
    }
    for name in ["sdk_facade_walk", "openrouter_mgmt_cli_run"] {
        let of = |n: usize| {
            peaks
                .iter()
                .find(|(p, k, _)| *p == name && *k == n)
                .map_or(0, |p| p.2)
        };
        eprintln!(
            "cli/peak_rss: {name}: {bigger} keys / {big} keys = {:.3} ({} KiB / {} KiB)",
            of(bigger) as f64 / of(big).max(1) as f64,
            of(bigger),
            of(big)
        );
    }
}
