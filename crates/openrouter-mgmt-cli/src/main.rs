//! The `openrouter-mgmt` binary: the process's streams and environment handed to [`openrouter_mgmt_cli::run`],
//! whose code is the exit code; SIGINT (Ctrl-C) ends the run with exit code 130.

use std::process::ExitCode;

fn main() -> ExitCode {
    use std::io::Write;
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot start the runtime: {e}");
            return ExitCode::from(openrouter_mgmt_cli::exit::ERROR);
        }
    };
    let code = runtime.block_on(async {
        let run = openrouter_mgmt_cli::run(std::env::args_os(), openrouter_mgmt_cli::Io::process());
        tokio::select! {
            // The signal first: a command that also waits for it (`mock serve`) ends with 130 too.
            biased;
            Ok(()) = tokio::signal::ctrl_c() => {
                // A fixed text: nothing of the run (and so no secret) is in it.
                let _ = writeln!(std::io::stderr(), "\ninterrupted");
                openrouter_mgmt_cli::exit::INTERRUPTED
            }
            code = run => code,
        }
    });
    // Whatever the interrupted run left in flight is dropped, not awaited.
    runtime.shutdown_background();
    ExitCode::from(code)
}
