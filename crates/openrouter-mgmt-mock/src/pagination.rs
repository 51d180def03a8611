//! Query strings: `offset`, `limit` for the lists that take one (1..=100, default 50), `include_disabled`,
//! `workspace_id`; anything malformed is a 400. (Which list takes `limit`, and the fixed page size of one that
//! does not, come from the spec: see `request::Request::page`.)

use std::collections::HashMap;

use uuid::Uuid;

use crate::errors::ApiError;

/// Default `limit` of the guardrail-style lists.
pub(crate) const DEFAULT_LIMIT: usize = 50;
/// Largest `limit` of the guardrail-style lists.
pub(crate) const MAX_LIMIT: usize = 100;

/// Decoded query parameters (the last of repeated names wins).
#[derive(Debug, Default)]
pub(crate) struct Query(HashMap<String, String>);

impl Query {
    /// Parses `a=1&b=x%20y` (percent-decoding, `+` as space).
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        let map = raw
            .unwrap_or("")
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((k, v)) => (decode(k), decode(v)),
                None => (decode(pair), String::new()),
            })
            .collect();
        Self(map)
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// `offset`: an integer ≥ 0, default 0.
    pub(crate) fn offset(&self) -> Result<usize, ApiError> {
        match self.get("offset") {
            None => Ok(0),
            Some(raw) => raw.parse::<usize>().map_err(|_| {
                ApiError::bad_request(format!("`offset` must be an integer >= 0, not {raw:?}"))
            }),
        }
    }

    /// `limit`: an integer in 1..=100, default 50.
    pub(crate) fn limit(&self) -> Result<usize, ApiError> {
        match self.get("limit") {
            None => Ok(DEFAULT_LIMIT),
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if (1..=MAX_LIMIT as i64).contains(&n) => {
                    Ok(usize::try_from(n).expect("in 1..=100"))
                }
                _ => Err(ApiError::bad_request(format!(
                    "`limit` must be an integer between 1 and {MAX_LIMIT}, not {raw:?}"
                ))),
            },
        }
    }

    /// `include_disabled`: `true` or `false`, default false.
    pub(crate) fn include_disabled(&self) -> Result<bool, ApiError> {
        match self.get("include_disabled") {
            None => Ok(false),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(raw) => Err(ApiError::bad_request(format!(
                "`include_disabled` must be true or false, not {raw:?}"
            ))),
        }
    }

    /// A free-text filter such as `user` or `provider`, if present.
    pub(crate) fn text(&self, name: &str) -> Option<&str> {
        self.get(name)
    }

    /// A boolean flag such as `confirm_default_workspace_deletion`: `true` or `false`, default false.
    pub(crate) fn flag(&self, name: &str) -> Result<bool, ApiError> {
        match self.get(name) {
            None | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(raw) => Err(ApiError::bad_request(format!(
                "`{name}` must be true or false, not {raw:?}"
            ))),
        }
    }

    /// `workspace_id`: a UUID if present.
    pub(crate) fn workspace_id(&self) -> Result<Option<Uuid>, ApiError> {
        self.get("workspace_id")
            .map(|raw| {
                Uuid::parse_str(raw).map_err(|_| {
                    ApiError::bad_request(format!("`workspace_id` must be a UUID, not {raw:?}"))
                })
            })
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_bounds_and_junk() {
        let q = Query::parse(None);
        assert_eq!((q.offset().unwrap(), q.limit().unwrap()), (0, 50));
        let q = Query::parse(Some("offset=5&limit=100&include_disabled=true"));
        assert_eq!((q.offset().unwrap(), q.limit().unwrap()), (5, 100));
        assert!(q.include_disabled().unwrap());
        for bad in ["limit=0", "limit=101", "limit=x", "limit=", "limit=1.5"] {
            assert!(Query::parse(Some(bad)).limit().is_err(), "{bad}");
        }
        for bad in ["offset=-1", "offset=x", "offset=1.0"] {
            assert!(Query::parse(Some(bad)).offset().is_err(), "{bad}");
        }
        assert!(
            Query::parse(Some("include_disabled=yes"))
                .include_disabled()
                .is_err()
        );
        assert!(
            Query::parse(Some("workspace_id=nope"))
                .workspace_id()
                .is_err()
        );
    }
}
