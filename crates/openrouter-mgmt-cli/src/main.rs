//! The `openrouter-mgmt` binary: the process's streams and environment handed to [`openrouter_mgmt_cli::run`],
//! whose code is the exit code.

use std::process::ExitCode;

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "error: cannot start the runtime: {e}");
            return ExitCode::from(openrouter_mgmt_cli::exit::ERROR);
        }
    };
    let code = runtime.block_on(openrouter_mgmt_cli::run(
        std::env::args_os(),
        openrouter_mgmt_cli::Io::process(),
    ));
    ExitCode::from(code)
}
