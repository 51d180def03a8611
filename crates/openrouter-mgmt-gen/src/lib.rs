//! The OpenRouter management API as generated from the specs in `openapi/`: request and response types
//! (progenitor, types only), the operation layer (every operation as a typed struct with its method, path,
//! parameters, body, response, replay class, paging and secrets), the spec's constraints as validation, and
//! body builders.
//!
//! `generated.rs`, `operations.rs`, `validation.rs` and `builders.rs` are written by `cargo xtask regen` and
//! must not be edited by hand. The rest is the small hand-written runtime they are written against: the traits
//! ([`Operation`], [`ListOperation`], [`Validate`]), [`Patch`], the typed ids, [`SecretString`] and [`SecretMap`], path
//! encoding, and the [`open_enum!`] macro. Most users want the `openrouter-mgmt` facade, which sends these
//! operations with authentication, retries, pagination and typed errors, and re-exports this crate's types.
//!
//! Forward compatibility: response structs ignore fields they do not know, and every string enum is an
//! *open* enum (see [`open_enums`]) whose `Unknown(String)` variant keeps values newer than this crate. In every
//! type an answer can hold, a missing nullable field decodes as `None`, a missing list as empty, and an integer
//! field takes any integral JSON spelling (`3`, `3.0`, `1e2`, `"3"`; see [`lenient`]).

// Lint allowances for generated code, each with its reason:
// - missing_docs: progenitor documents what the spec documents, and many schemas have no description.
// - unreachable_pub: progenitor declares helpers `pub` inside private modules.
// - clippy::all: progenitor's output is not written to clippy's taste (large enum variants, needless
//   borrows, ...); we review the spec, not the style of generated code.
// - rustdoc::*: descriptions are OpenRouter's Markdown, copied verbatim; `"[EMAIL]"` is not an intra-doc link
//   and an indented example is not Rust.
// The files are formatted by prettyplease in `cargo xtask regen`; rustfmt would reformat them differently and
// make `regen --check` fail.
#[allow(
    missing_docs,
    unreachable_pub,
    clippy::all,
    clippy::pedantic,
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_rust_codeblocks,
    rustdoc::bare_urls,
    rustdoc::invalid_html_tags
)]
#[rustfmt::skip]
mod generated;

#[allow(missing_docs, clippy::all, rustdoc::broken_intra_doc_links, rustdoc::bare_urls, rustdoc::invalid_html_tags)]
#[rustfmt::skip]
mod operations;

#[allow(clippy::all)]
#[rustfmt::skip]
mod validation;

#[allow(clippy::all, rustdoc::broken_intra_doc_links, rustdoc::bare_urls, rustdoc::invalid_html_tags)]
#[rustfmt::skip]
mod builders;

pub mod checks;
pub mod ids;
pub mod lenient;
mod open_enum;
pub mod operation;
mod patch;
pub mod path;
mod secret;
mod secret_map;

pub use checks::{Invalid, Validate};
pub use generated::{open_enums, types};
pub use operation::{ListOperation, Operation, OperationInfo, Paging, Replay};
pub use operations::{OPERATIONS, OperationId};
pub use patch::Patch;
pub use secret::{SecretString, collect_secrets};
pub use secret_map::SecretMap;

/// Every operation as a typed struct: build one with its `new`, then send it with the facade's
/// `Client::send` (or inspect it through the [`Operation`] trait).
pub mod ops {
    pub use crate::operations::*;
}

impl Validate for () {
    fn validate_at(&self, _: &'static str, _: &str) -> Result<(), Invalid> {
        Ok(())
    }
}
