//! The workspace's single integration-test binary (one binary keeps link time down): end-to-end tests of the
//! clients against loopback HTTP servers, one module per area.

mod fixtures;
mod generated_client;
mod generated_errors;
mod loopback;
mod path_encoding;
