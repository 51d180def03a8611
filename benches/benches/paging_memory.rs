//! Peak memory while streaming key assignments through the facade: measured with a counting global allocator,
//! for lists of 10,000 and 100,000 items, to show that it is bounded by the page window and not by list length.
//!
//! The mock runs in a child process (this same binary, re-executed) so that only the client's memory is counted.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use openrouter_mgmt_benches::{WINDOWS, client_for, start_mock, stream_key_assignments};

/// Counts the bytes currently allocated and the most ever allocated at once, on top of the system allocator.
#[allow(unsafe_code)] // `GlobalAlloc` is an unsafe trait; every method only forwards to `System` and counts.
mod counting {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    static CURRENT: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    /// The system allocator, counting.
    pub(crate) struct CountingAllocator;

    fn grew(bytes: usize) {
        let now = CURRENT.fetch_add(bytes, Relaxed) + bytes;
        PEAK.fetch_max(now, Relaxed);
    }

    fn shrank(bytes: usize) {
        CURRENT.fetch_sub(bytes, Relaxed);
    }

    // SAFETY: every method forwards its arguments unchanged to `System`, which upholds `GlobalAlloc`'s contract;
    // the counters are plain atomics and never allocate.
    unsafe impl GlobalAlloc for CountingAllocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
            let ptr = unsafe { System.alloc(layout) };
            if !ptr.is_null() {
                grew(layout.size());
            }
            ptr
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            // SAFETY: as above.
            let ptr = unsafe { System.alloc_zeroed(layout) };
            if !ptr.is_null() {
                grew(layout.size());
            }
            ptr
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // SAFETY: as above; `ptr` came from this allocator, i.e. from `System`.
            unsafe { System.dealloc(ptr, layout) };
            shrank(layout.size());
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: as above.
            let new = unsafe { System.realloc(ptr, layout, new_size) };
            if !new.is_null() {
                if new_size >= layout.size() {
                    grew(new_size - layout.size());
                } else {
                    shrank(layout.size() - new_size);
                }
            }
            new
        }
    }

    /// Bytes allocated now.
    pub(crate) fn current() -> usize {
        CURRENT.load(Relaxed)
    }

    /// The most bytes allocated at once since the last [`reset_peak`].
    pub(crate) fn peak() -> usize {
        PEAK.load(Relaxed)
    }

    /// Starts a new peak from the current allocation.
    pub(crate) fn reset_peak() {
        PEAK.store(CURRENT.load(Relaxed), Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: counting::CountingAllocator = counting::CountingAllocator;

/// Set in the child process: the number of key assignments its mock serves.
const CHILD_ENV: &str = "OPENROUTER_MGMT_BENCH_MOCK_ASSIGNMENTS";

fn main() {
    if let Ok(assignments) = std::env::var(CHILD_ENV) {
        serve_mock(assignments.parse().expect("a number of assignments"));
        return;
    }
    // `cargo test --benches` (no `--bench`) and `cargo bench -- --test` run every bench once as a smoke test, as
    // criterion does: use short lists there.
    let args: Vec<String> = std::env::args().collect();
    let test_mode = !args.iter().any(|a| a == "--bench") || args.iter().any(|a| a == "--test");
    let sizes: [usize; 2] = if test_mode {
        [1_000, 2_000]
    } else {
        [10_000, 100_000]
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    println!(
        "peak memory above the baseline while streaming key assignments (pages of 100, client process only)"
    );
    println!(
        "{:<26} {:>10} {:>16} {:>18}",
        "window", "items", "peak above base", "retained after"
    );
    for items in sizes {
        let mut mock = MockProcess::start(items);
        let client = client_for(&mock.base_url, &mock.management_key);
        for window in WINDOWS {
            // Warm up once (connection pool, lazily initialised statics), so the peak is the walk's own.
            runtime.block_on(stream_key_assignments(&client, window));
            let base = counting::current();
            counting::reset_peak();
            let count = runtime.block_on(stream_key_assignments(&client, window));
            assert_eq!(count, items);
            let peak = counting::peak() - base;
            let retained = counting::current().saturating_sub(base);
            println!(
                "{:<26} {:>10} {:>16} {:>18}",
                window.name,
                items,
                format!("{} KiB", peak / 1024),
                format!("{} KiB", retained / 1024)
            );
        }
        // The control: collecting every item must grow with the list, or the counter is not counting.
        let base = counting::current();
        counting::reset_peak();
        let all = runtime
            .block_on(client.guardrails().key_assignments().collect_all())
            .expect("the mock serves every page");
        assert_eq!(all.len(), items);
        drop(all);
        println!(
            "{:<26} {:>10} {:>16} {:>18}",
            "collect_all (control)",
            items,
            format!("{} KiB", (counting::peak() - base) / 1024),
            "-"
        );
        drop(client);
        mock.stop();
    }
    if test_mode {
        println!(
            "(test mode: short lists; run `cargo bench -p openrouter-mgmt-benches --bench paging_memory` for 10,000 and 100,000)"
        );
    }
}

/// The child: serves a mock with `assignments` key assignments, prints `<base URL> <management key>`, and exits
/// when the parent closes its stdin.
fn serve_mock(assignments: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime");
    let mock = runtime.block_on(start_mock(assignments));
    println!("{} {}", mock.base_url(), mock.management_key());
    std::io::stdout().flush().expect("stdout");
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(mock);
}

/// A mock served by a child process.
struct MockProcess {
    child: std::process::Child,
    base_url: String,
    management_key: String,
}

impl MockProcess {
    fn start(assignments: usize) -> Self {
        let mut child = Command::new(std::env::current_exe().expect("this binary's path"))
            .env(CHILD_ENV, assignments.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the bench binary re-executes itself");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("the child prints its address");
        let (base_url, management_key) = line
            .trim()
            .split_once(' ')
            .expect("`<base URL> <management key>`");
        Self {
            base_url: base_url.to_owned(),
            management_key: management_key.to_owned(),
            child,
        }
    }

    /// Closes the child's stdin, which ends it, and waits for it.
    fn stop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}
