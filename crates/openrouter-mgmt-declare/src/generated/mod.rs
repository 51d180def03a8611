//! Code written by `cargo xtask regen` (never edited by hand): the resource table and its typed dispatch.

// The file is formatted by prettyplease in `cargo xtask regen`; rustfmt would reformat it differently and make
// `regen --check` fail. Clippy's style lints are not applied to generated code.
#[allow(clippy::all)]
#[rustfmt::skip]
pub(crate) mod resources;
