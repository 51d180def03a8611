//! Integration tests of the declarative engine against the embedded mock: apply converges, exports round-trip,
//! safety rules refuse before any write, and lost answers and failures leave a state the next apply finishes.

mod attributes;
mod converge;
mod random_states;
mod refusals;
mod reliability;
mod secrets;
mod support;
