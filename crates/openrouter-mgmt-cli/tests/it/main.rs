//! Integration tests of the command, in one binary: every operation reachable and dispatched (in-process against
//! the embedded mock), the secret canary over every command, output and input, exit codes of the real binary,
//! golden help, `keys rotate` with a fault at every step, and (Unix) SIGINT and a pseudo-terminal.

mod declarative;
mod every_operation;
mod exit_codes;
mod golden;
mod output;
mod profiles;
mod readme;
mod rotate;
mod secrets;
mod support;
#[cfg(unix)]
mod terminal;
mod usage;
