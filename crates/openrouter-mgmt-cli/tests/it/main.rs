//! Integration tests of the command, in one binary: every operation reachable and dispatched (in-process against
//! the embedded mock), the secret canary over every command, output and input, exit codes of the real binary,
//! and golden help.

mod every_operation;
mod exit_codes;
mod golden;
mod output;
mod profiles;
mod readme;
mod secrets;
mod support;
mod usage;
