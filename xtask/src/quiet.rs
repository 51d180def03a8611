//! Running library code that reports bad input by panicking (progenitor, typify) and turning the panic into an
//! error message, with the default panic hook silenced so the user sees one clear message, not a backtrace.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `f`, turning a panic into its message.
pub fn quiet_catch_unwind<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = catch_unwind(AssertUnwindSafe(f));
    std::panic::set_hook(previous);
    result.map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn panics_become_errors() {
        let r: Result<(), String> = super::quiet_catch_unwind(|| panic!("boom"));
        assert_eq!(r.unwrap_err(), "boom");
    }
}
