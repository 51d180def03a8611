//! The developer tasks behind `cargo xtask`: importing OpenRouter's per-endpoint specs and regenerating the
//! `openrouter-mgmt-gen` crate from them. A library so that tests can drive every step directly.

pub mod components;
pub mod emit_builders;
pub mod emit_cli;
pub mod emit_declare;
pub mod emit_operations;
pub mod emit_validation;
pub mod error;
pub mod generate;
pub mod import;
pub mod json_pointer;
pub mod lenient;
pub mod lenient_integers;
pub mod merge;
pub mod normalize;
pub mod operation_model;
pub mod output;
pub mod overlay;
pub mod quiet;
pub mod regen;
pub mod rust_types;
pub mod sample_change;
pub mod schema_walk;
pub mod serde_defaults;
pub mod source;
pub mod spec_query;
pub mod type_view;
pub mod unions;
pub mod yaml;
