//! Integration tests of the facade against a loopback wiremock server, in one binary to keep link time down.

mod support;

mod bulk;
mod deletes;
mod lenient;
mod overlap;
mod pagination;
mod requests;
mod retries;
mod secrets;
