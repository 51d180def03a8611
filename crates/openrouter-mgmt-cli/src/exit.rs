//! The documented, stable exit codes of `openrouter-mgmt`.

/// Success.
pub const OK: u8 = 0;
/// An error: the API refused the request, the network failed, an answer did not decode, a file could not be read.
pub const ERROR: u8 = 1;
/// Changes are present: `drift` found drift, `plan --detailed-exitcode` has changes, `fmt --check` would rewrite
/// (as terraform's `-detailed-exitcode`).
pub const CHANGES: u8 = 2;
/// Refused by a safety rule: a destructive command without `--yes` when stdin is not a terminal, a confirmation
/// answered no, or a declarative rule (a protected object, a delete without `--allow-delete`, a stale saved plan).
pub const REFUSED: u8 = 3;
/// Partially applied: something was done and something else failed (e.g. a key was created but its plaintext
/// could not be delivered to the sink).
pub const PARTIAL: u8 = 4;
/// Authentication or authorization: no management key, or the API answered 401 or 403.
pub const AUTH: u8 = 5;
/// Usage: the command line does not parse (clap's own code 2, remapped).
pub const USAGE: u8 = 64;
/// Invalid input: an argument or body the spec's constraints refuse; nothing was sent.
pub const INVALID: u8 = 65;
/// Interrupted by SIGINT (Ctrl-C), as shells report 128 + 2. What was sent before the signal may have been
/// applied; `keys rotate` can be re-run to finish.
pub const INTERRUPTED: u8 = 130;

/// Every code with its meaning, for `docs` and the README.
pub const TABLE: [(u8, &str); 9] = [
    (OK, "success"),
    (ERROR, "error (API, network, decoding, I/O)"),
    (
        CHANGES,
        "changes present (drift, plan --detailed-exitcode, fmt --check)",
    ),
    (
        REFUSED,
        "refused by a safety rule (no --yes when stdin is not a terminal, or confirmation declined)",
    ),
    (PARTIAL, "partially applied"),
    (
        AUTH,
        "authentication or authorization (no key, HTTP 401/403)",
    ),
    (USAGE, "usage error (the command line does not parse)"),
    (INVALID, "invalid input; nothing was sent"),
    (INTERRUPTED, "interrupted (SIGINT, Ctrl-C)"),
];
