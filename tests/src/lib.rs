//! Support shared by this crate's test binaries (`it/`, one binary to keep link time down, and `contract/`): the
//! contract scenario of every generated operation.

pub mod scenarios;
