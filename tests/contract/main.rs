//! Contract tests against Stoplight Prism (built only with `--features prism`, after `npm ci --prefix tests/contract`):
//! the SDK's requests and the mock's responses validated against the spec, and the SDK decoding schema-random bodies.

mod dynamic_mock;
mod operations;
mod prism;
mod proxy;
