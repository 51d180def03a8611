//! The checks behind the generated `Validate` impls: the spec's constraints (`minLength`, `maxLength`,
//! `minItems`, `maxItems`, `minimum`, `maximum`, `pattern`) tested before a request is sent, each failure
//! naming the argument it is about.

use std::fmt;
use std::sync::OnceLock;

/// An argument that breaks the spec's constraints, found before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// The argument: a path or query parameter, or a top-level field of the request body.
    pub argument: &'static str,
    /// What is wrong, with the place inside the argument for nested values (`[2].pattern: ...`).
    pub reason: String,
}

impl Invalid {
    /// An error about `argument`.
    pub fn new(argument: &'static str, reason: impl Into<String>) -> Self {
        Self {
            argument,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.argument, self.reason)
    }
}

impl std::error::Error for Invalid {}

/// A value the spec constrains: request bodies and the types inside them. Generated for every type a request
/// can carry; a type without constraints accepts everything.
pub trait Validate {
    /// Checks the spec's constraints. `argument` names the top-level argument the value belongs to, `at` the
    /// place inside it (empty at the top).
    fn validate_at(&self, argument: &'static str, at: &str) -> Result<(), Invalid>;

    /// Checks a request body, whose fields are the arguments.
    fn validate(&self) -> Result<(), Invalid> {
        self.validate_at("body", "")
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate_at(&self, argument: &'static str, at: &str) -> Result<(), Invalid> {
        for (i, item) in self.iter().enumerate() {
            item.validate_at(argument, &format!("{at}[{i}]"))?;
        }
        Ok(())
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate_at(&self, argument: &'static str, at: &str) -> Result<(), Invalid> {
        self.as_ref()
            .map_or(Ok(()), |v| v.validate_at(argument, at))
    }
}

impl<T: Validate> Validate for crate::Patch<T> {
    fn validate_at(&self, argument: &'static str, at: &str) -> Result<(), Invalid> {
        self.as_set()
            .map_or(Ok(()), |v| v.validate_at(argument, at))
    }
}

fn fail(argument: &'static str, at: &str, reason: String) -> Invalid {
    let at = at.trim_start_matches('.');
    Invalid::new(
        argument,
        if at.is_empty() {
            reason
        } else {
            format!("{at}: {reason}")
        },
    )
}

/// `minLength` / `maxLength`, counted in characters as JSON Schema does.
pub fn length(
    argument: &'static str,
    at: &str,
    value: &str,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), Invalid> {
    let n = value.chars().count() as u64;
    match (min, max) {
        (Some(min), Some(max)) if !(min..=max).contains(&n) => Err(fail(
            argument,
            at,
            format!("must be {min}..={max} characters, got {n}"),
        )),
        (Some(min), None) if n < min => Err(fail(
            argument,
            at,
            if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("must be at least {min} characters, got {n}")
            },
        )),
        (None, Some(max)) if n > max => Err(fail(
            argument,
            at,
            format!("must be at most {max} characters, got {n}"),
        )),
        _ => Ok(()),
    }
}

/// `minItems` / `maxItems`.
pub fn items(
    argument: &'static str,
    at: &str,
    count: usize,
    min: Option<u64>,
    max: Option<u64>,
) -> Result<(), Invalid> {
    let n = count as u64;
    if let Some(min) = min
        && n < min
    {
        return Err(fail(
            argument,
            at,
            if min == 1 {
                "must not be empty (the API requires at least one entry)".to_owned()
            } else {
                format!("must have at least {min} entries, got {n}")
            },
        ));
    }
    if let Some(max) = max
        && n > max
    {
        return Err(fail(
            argument,
            at,
            format!("must have at most {max} entries, got {n}"),
        ));
    }
    Ok(())
}

/// `minimum` / `maximum` (and their exclusive forms), plus finiteness: NaN and infinities are never valid JSON.
pub fn range(
    argument: &'static str,
    at: &str,
    value: f64,
    min: Option<(f64, bool)>,
    max: Option<(f64, bool)>,
) -> Result<(), Invalid> {
    if !value.is_finite() {
        return Err(fail(argument, at, "must be a finite number".to_owned()));
    }
    if let Some((min, exclusive)) = min
        && (value < min || (exclusive && value == min))
    {
        let op = if exclusive { ">" } else { ">=" };
        return Err(fail(
            argument,
            at,
            format!("must be {op} {min}, got {value}"),
        ));
    }
    if let Some((max, exclusive)) = max
        && (value > max || (exclusive && value == max))
    {
        let op = if exclusive { "<" } else { "<=" };
        return Err(fail(
            argument,
            at,
            format!("must be {op} {max}, got {value}"),
        ));
    }
    Ok(())
}

/// A number that must be finite (JSON has no NaN or infinity).
pub fn finite(argument: &'static str, at: &str, value: f64) -> Result<(), Invalid> {
    range(argument, at, value, None, None)
}

/// `pattern` (ECMA 262, as JSON Schema specifies). `cell` caches the compiled expression; the xtask checked at
/// regen time that every pattern of the spec compiles.
pub fn pattern(
    argument: &'static str,
    at: &str,
    value: &str,
    pattern: &'static str,
    cell: &'static OnceLock<Option<regress::Regex>>,
) -> Result<(), Invalid> {
    let regex = cell.get_or_init(|| regress::Regex::new(pattern).ok());
    match regex {
        Some(re) if re.find(value).is_none() => Err(fail(
            argument,
            at,
            format!("must match the pattern {pattern:?}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_characters() {
        length("name", "", &"é".repeat(200), Some(1), Some(200)).unwrap();
        let e = length("name", "", &"x".repeat(201), Some(1), Some(200)).unwrap_err();
        assert_eq!(e.argument, "name");
        assert_eq!(e.reason, "must be 1..=200 characters, got 201");
        assert_eq!(
            length("name", "", "", Some(1), None).unwrap_err().reason,
            "must not be empty"
        );
        let e = length("content_filters", "[2].label", "xx", None, Some(1)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid content_filters: [2].label: must be at most 1 characters, got 2"
        );
    }

    #[test]
    fn items_ranges_and_patterns() {
        assert!(items("allowed_models", "", 0, Some(1), None).is_err());
        items("allowed_models", "", 1, Some(1), Some(1)).unwrap();
        assert!(items("key_hashes", "", 501, None, Some(500)).is_err());
        assert!(range("limit", "", -1.0, Some((0.0, false)), None).is_err());
        assert!(range("limit", "", 0.0, Some((0.0, true)), None).is_err());
        range("limit", "", 0.0, Some((0.0, false)), Some((100.0, false))).unwrap();
        assert!(finite("limit_usd", "", f64::NAN).is_err());
        static CELL: OnceLock<Option<regress::Regex>> = OnceLock::new();
        pattern("slug", "", "abc-1", "^[a-z0-9-]+$", &CELL).unwrap();
        assert!(pattern("slug", "", "ABC", "^[a-z0-9-]+$", &CELL).is_err());
    }
}
