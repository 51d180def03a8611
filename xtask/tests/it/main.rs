//! Integration tests of the xtask, in one binary: import, regen, the check mode, bad input, and snapshots.

mod bad_input;
mod full_surface;
mod reference_import;
mod regen_check;
mod seeds;
mod snapshot;
mod spec_change;
mod support;
