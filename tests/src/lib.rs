//! Holds no code: this crate exists for its integration-test binary `it/` (one binary keeps link time down).
