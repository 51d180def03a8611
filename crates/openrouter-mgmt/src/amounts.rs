//! Spending limits are amounts in USD. The spec sets no minimum for them (`limit`, `limit_usd`), but a negative
//! limit can only be a mistake in the caller's code, so the groups refuse one before anything is sent. This is the
//! facade's only check beyond the spec's constraints (which the generated `Validate` impls apply).

use crate::error::Error;

/// Refuses a negative amount (NaN and infinities are refused by the spec-derived checks already).
pub(crate) fn non_negative(argument: &'static str, amount: Option<f64>) -> Result<(), Error> {
    match amount {
        Some(usd) if usd < 0.0 => Err(Error::invalid_input(
            argument,
            format!("must be a non-negative amount in USD, got {usd}"),
        )),
        _ => Ok(()),
    }
}
