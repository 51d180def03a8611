//! Everything the tool prints: the one choke point that scrubs secrets ([`Out`]), and the renderings of answers
//! (`-o table|json|jsonl|id|none`).

mod render;
mod scrub;

pub(crate) use render::{Format, Renderer};
pub(crate) use scrub::{LogWriter, Out};
