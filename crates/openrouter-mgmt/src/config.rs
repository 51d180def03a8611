//! Configuring a [`Client`](crate::Client): the key, the base URL (https unless loopback or explicitly
//! allowed), timeouts, attribution headers, retries, and the HTTP client (ours with rustls + ring, or the
//! caller's), all checked at once into the plain settings a client is made from.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderName, HeaderValue};

use crate::SecretString;
use crate::error::Error;
use crate::retry::RetryPolicy;
use crate::retry_budget::RetryBudget;
use crate::secret::ApiKey;

/// The production API.
pub const DEFAULT_BASE_URL: &str = "https://openrouter.ai/api/v1";

/// Configures and builds a [`Client`](crate::Client). Start with [`Client::builder`](crate::Client::builder).
///
/// Nothing is validated until [`ClientBuilder::build`], which checks everything at once and returns
/// [`Error::InvalidInput`] naming the offending setting.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    api_key: Option<SecretString>,
    base_url: String,
    allow_insecure_http: bool,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
    retry_policy: RetryPolicy,
    retry_budget: Option<RetryBudget>,
    jitter_seed: Option<u64>,
    http_client: Option<reqwest::Client>,
    http_referer: Option<String>,
    title: Option<String>,
    categories: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            api_key: None,
            base_url: DEFAULT_BASE_URL.to_owned(),
            allow_insecure_http: false,
            connect_timeout: Some(Duration::from_secs(10)),
            request_timeout: Some(Duration::from_secs(60)),
            pool_idle_timeout: Some(Duration::from_secs(90)),
            retry_policy: RetryPolicy::default(),
            retry_budget: None,
            jitter_seed: None,
            http_client: None,
            http_referer: None,
            title: None,
            categories: None,
        }
    }
}

impl ClientBuilder {
    /// The management key (required). Checked at [`build`](Self::build): a key with a newline or any other
    /// byte that cannot go in an HTTP header is rejected there.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(SecretString::new(key.into()));
        self
    }

    /// The API base URL, default [`DEFAULT_BASE_URL`]. Must be `https`, except for loopback hosts
    /// (`localhost`, `127.0.0.0/8`, `::1`) or after [`allow_insecure_http`](Self::allow_insecure_http).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Allows a plain-http base URL on a non-loopback host. The key is a credential for the whole account;
    /// only do this on a network you trust.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// The connect timeout of the HTTP client this builder makes (default 10 s; ignored with
    /// [`http_client`](Self::http_client), whose own settings apply).
    pub fn connect_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The timeout of one attempt, from sending the request to reading the whole body (default 60 s; `None`
    /// for none). It is shortened to what remains of the call's deadline.
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept (default 90 s; `None` keeps them until the server closes
    /// them). Ignored with [`http_client`](Self::http_client).
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// The default retry policy of every call (each call can override it, see
    /// [`CallOptions`](crate::CallOptions)).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// The client-wide retry budget (default [`RetryBudget::default`]). Pass the same budget to several clients
    /// to make them share it.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = Some(budget);
        self
    }

    /// Seeds the backoff jitter, for reproducible waits in tests. Without a seed the jitter is random.
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = Some(seed);
        self
    }

    /// Uses the caller's HTTP client (shared pools, proxies, custom roots). Authentication, user agent and
    /// attribution headers are still added to every request; the client's own timeouts and TLS settings apply.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Attribution: your app's URL, sent as `HTTP-Referer`.
    pub fn http_referer(mut self, url: impl Into<String>) -> Self {
        self.http_referer = Some(url.into());
        self
    }

    /// Attribution: your app's name, sent as `X-OpenRouter-Title`.
    pub fn app_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Attribution: your app's categories (comma-separated), sent as `X-OpenRouter-Categories`.
    pub fn app_categories(mut self, categories: impl Into<String>) -> Self {
        self.categories = Some(categories.into());
        self
    }

    /// Reads the key from `OPENROUTER_MANAGEMENT_KEY` (falling back to `OPENROUTER_API_KEY`) and the base URL
    /// from `OPENROUTER_BASE_URL` when set.
    pub fn with_env(self) -> Result<Self, Error> {
        self.with_env_lookup(|name| std::env::var(name).ok())
    }

    pub(crate) fn with_env_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, Error> {
        let non_empty = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let key = non_empty("OPENROUTER_MANAGEMENT_KEY")
            .or_else(|| non_empty("OPENROUTER_API_KEY"))
            .ok_or_else(|| {
                Error::invalid_input(
                    "api_key",
                    "neither OPENROUTER_MANAGEMENT_KEY nor OPENROUTER_API_KEY is set",
                )
            })?;
        self.api_key = Some(SecretString::new(key));
        if let Some(url) = non_empty("OPENROUTER_BASE_URL") {
            self.base_url = url;
        }
        Ok(self)
    }

    /// Validates everything, for [`build`](Self::build) to make the client from.
    pub(crate) fn validate(self) -> Result<Settings, Error> {
        let key = ApiKey::new(
            self.api_key
                .ok_or_else(|| Error::invalid_input("api_key", "no API key was given"))?
                .expose_secret(),
        )?;
        let base_url = validate_base_url(&self.base_url, self.allow_insecure_http)?;
        if self.request_timeout == Some(Duration::ZERO) {
            return Err(Error::invalid_input(
                "request_timeout",
                "must be greater than zero",
            ));
        }
        let mut extra_headers = Vec::new();
        for (name, value, argument) in [
            ("http-referer", self.http_referer, "http_referer"),
            ("x-openrouter-title", self.title, "app_title"),
            ("x-openrouter-categories", self.categories, "app_categories"),
        ] {
            if let Some(value) = value {
                let value = HeaderValue::from_str(&value).map_err(|_| {
                    Error::invalid_input(argument, "contains a byte not allowed in an HTTP header")
                })?;
                extra_headers.push((HeaderName::from_static(name), value));
            }
        }
        let http = match self.http_client {
            Some(client) => client,
            None => default_http_client(self.connect_timeout, self.pool_idle_timeout)?,
        };
        Ok(Settings {
            http,
            base_url,
            key,
            extra_headers,
            request_timeout: self.request_timeout,
            retry_policy: self.retry_policy,
            budget: self.retry_budget.unwrap_or_default(),
            jitter_seed: self.jitter_seed,
        })
    }
}

/// A validated configuration: what a client is made of, as plain values.
pub(crate) struct Settings {
    pub(crate) http: reqwest::Client,
    /// Without a trailing slash.
    pub(crate) base_url: String,
    pub(crate) key: ApiKey,
    /// The attribution headers.
    pub(crate) extra_headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) retry_policy: RetryPolicy,
    pub(crate) budget: RetryBudget,
    pub(crate) jitter_seed: Option<u64>,
}

/// `https`, or `http` on a loopback host or when explicitly allowed; no credentials, query or fragment.
/// Returns the URL as a string without a trailing slash, ready for `format!("{base}/keys")`.
fn validate_base_url(raw: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let bad = |reason: String| Error::invalid_input("base_url", reason);
    let url = Url::parse(raw).map_err(|e| bad(format!("not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad("must not contain credentials".into()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("must not have a query or fragment".into()));
    }
    let host = url.host_str().ok_or_else(|| bad("has no host".into()))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if !loopback && !allow_insecure_http {
                return Err(bad(format!(
                    "plain http to {host} would send the management key unencrypted; use https, a loopback host, \
                     or ClientBuilder::allow_insecure_http(true)"
                )));
            }
        }
        other => return Err(bad(format!("unsupported scheme `{other}` (use https)"))),
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A `reqwest::ClientBuilder` with the TLS setup this crate uses (rustls, ring provider, platform verifier),
/// for callers who want their own client (proxies, pools) for [`ClientBuilder::http_client`].
///
/// This crate builds reqwest without a default crypto provider (to avoid aws-lc's C build); reqwest's own
/// `Client::new()` then panics unless a process-wide rustls provider is installed. Starting from this builder
/// needs no global state.
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, Error> {
    use rustls_platform_verifier::BuilderVerifierExt;
    let tls_error = |e: String| Error::invalid_input("tls", e);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error(e.to_string()))?
        .with_platform_verifier()
        .map_err(|e| tls_error(e.to_string()))?
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(reqwest::Client::builder().tls_backend_preconfigured(tls))
}

/// Our HTTP client: [`http_client_builder`] with the builder's connect and pool timeouts.
fn default_http_client(
    connect_timeout: Option<Duration>,
    pool_idle_timeout: Option<Duration>,
) -> Result<reqwest::Client, Error> {
    let mut builder = http_client_builder()?.pool_idle_timeout(pool_idle_timeout);
    if let Some(t) = connect_timeout {
        builder = builder.connect_timeout(t);
    }
    builder.build().map_err(|e| {
        Error::invalid_input(
            "http_client",
            format!("could not build the HTTP client: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert_eq!(
            validate_base_url("https://openrouter.ai/api/v1/", false).unwrap(),
            "https://openrouter.ai/api/v1"
        );
        for ok in [
            "http://127.0.0.1:8080/api/v1",
            "http://localhost:1",
            "http://[::1]:9/x",
            "http://127.5.5.5",
        ] {
            validate_base_url(ok, false).unwrap();
        }
        for bad in [
            "http://openrouter.ai/api/v1",
            "http://10.0.0.1",
            "ftp://x",
            "not a url",
            "https://u:p@x",
            "https://x/?a=b",
        ] {
            let e = validate_base_url(bad, false).unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::InvalidInput {
                        argument: "base_url",
                        ..
                    }
                ),
                "{bad}"
            );
        }
        validate_base_url("http://openrouter.internal/api/v1", true).unwrap();
    }

    #[test]
    fn default_https_client_builds() {
        let client = ClientBuilder::default()
            .api_key("sk-or-v1-test")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), DEFAULT_BASE_URL);
    }

    #[test]
    fn env_lookup_prefers_the_management_key() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let b = ClientBuilder::default()
            .with_env_lookup(env(&[
                ("OPENROUTER_MANAGEMENT_KEY", "m"),
                ("OPENROUTER_API_KEY", "a"),
            ]))
            .unwrap();
        assert_eq!(
            b.api_key.as_ref().map(SecretString::expose_secret),
            Some("m")
        );
        let b = ClientBuilder::default()
            .with_env_lookup(env(&[
                ("OPENROUTER_API_KEY", "a"),
                ("OPENROUTER_BASE_URL", "http://127.0.0.1:1"),
            ]))
            .unwrap();
        assert_eq!(
            b.api_key.as_ref().map(SecretString::expose_secret),
            Some("a")
        );
        assert!(
            !format!("{b:?}").contains("\"a\""),
            "the builder's Debug must not show the key"
        );
        assert_eq!(b.base_url, "http://127.0.0.1:1");
        let e = ClientBuilder::default()
            .with_env_lookup(env(&[]))
            .unwrap_err();
        assert!(e.to_string().contains("OPENROUTER_MANAGEMENT_KEY"));
    }

    #[test]
    fn build_rejects_bad_keys_and_headers() {
        let e = ClientBuilder::default()
            .api_key("sk-or\nv1")
            .build()
            .unwrap_err();
        assert!(matches!(
            e,
            Error::InvalidInput {
                argument: "api_key",
                ..
            }
        ));
        let e = ClientBuilder::default().build().unwrap_err();
        assert!(matches!(
            e,
            Error::InvalidInput {
                argument: "api_key",
                ..
            }
        ));
        let e = ClientBuilder::default()
            .api_key("k")
            .app_title("a\nb")
            .build()
            .unwrap_err();
        assert!(matches!(
            e,
            Error::InvalidInput {
                argument: "app_title",
                ..
            }
        ));
    }
}
