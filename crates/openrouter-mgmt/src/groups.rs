//! The accessors for each API group (`client.keys()`, `client.guardrails()`). They stand here, above both the
//! client and the groups, so that the groups build on the client without the client depending on them.

use crate::client::{CallOptions, Client};
use crate::guardrails::Guardrails;
use crate::keys::Keys;

impl Client {
    /// API keys: the current key, and listing, creating, reading, updating and deleting keys.
    pub fn keys(&self) -> Keys<'_> {
        Keys::new(self, CallOptions::default())
    }

    /// Guardrails and their key and member assignments.
    pub fn guardrails(&self) -> Guardrails<'_> {
        Guardrails::new(self, CallOptions::default())
    }
}
