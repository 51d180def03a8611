//! Request bodies for creates and updates. Update bodies distinguish "leave unchanged" (field absent) from
//! "clear" (explicit JSON `null`), which the generated `Update*` types cannot: they mark every field
//! `skip_serializing_if = "Option::is_none"`, so `None` can only mean "absent". The facade therefore builds
//! PATCH bodies itself and decodes the answer into the generated response types.

use serde::Serialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::error::Error;
use crate::open_enums::{CreateKeysBodyLimitReset, GuardrailInterval, UpdateKeysBodyLimitReset};
use crate::types;

/// A field of an update: leave it as it is, set it, or clear it (send `null`).
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Patch<T> {
    /// Not sent: the server keeps the current value.
    #[default]
    Unchanged,
    /// Sent with this value.
    Set(T),
    /// Sent as `null`: the server clears the field.
    Clear,
}

impl<T: Serialize> Patch<T> {
    fn put(&self, body: &mut Map<String, Value>, field: &'static str) -> Result<(), Error> {
        match self {
            Self::Unchanged => {}
            Self::Clear => {
                body.insert(field.to_owned(), Value::Null);
            }
            Self::Set(value) => {
                let value = serde_json::to_value(value).map_err(|e| {
                    Error::invalid_input(field, format!("could not serialize: {e}"))
                })?;
                body.insert(field.to_owned(), value);
            }
        }
        Ok(())
    }
}

/// Names are 1..=200 characters.
pub(crate) fn validate_name(argument: &'static str, name: &str) -> Result<(), Error> {
    let n = name.chars().count();
    if !(1..=200).contains(&n) {
        return Err(Error::invalid_input(
            argument,
            format!("must be 1..=200 characters, got {n}"),
        ));
    }
    Ok(())
}

/// Provider and model lists have `minItems: 1`: an empty list is rejected by the API, and clearing a list is done
/// with `null` (the `clear_*` setters of [`GuardrailUpdate`], or leaving it unset on [`NewGuardrail`]).
fn validate_list(argument: &'static str, list: Option<&Vec<String>>) -> Result<(), Error> {
    if list.is_some_and(Vec::is_empty) {
        return Err(Error::invalid_input(
            argument,
            "must not be empty (the API requires at least one entry); to remove the list, leave it unset or use \
             the clear_* setter, which sends null",
        ));
    }
    Ok(())
}

fn validate_amount(argument: &'static str, value: f64) -> Result<(), Error> {
    if !value.is_finite() || value < 0.0 {
        return Err(Error::invalid_input(
            argument,
            "must be a finite, non-negative amount in USD",
        ));
    }
    Ok(())
}

/// A new API key for [`Keys::create`](crate::Keys::create).
#[derive(Debug, Clone)]
pub struct NewKey {
    name: String,
    limit: Option<f64>,
    limit_reset: Option<CreateKeysBodyLimitReset>,
    include_byok_in_limit: Option<bool>,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    creator_user_id: Option<String>,
    workspace_id: Option<Uuid>,
}

impl NewKey {
    /// A key with this name (1..=200 characters) and no limit.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            limit: None,
            limit_reset: None,
            include_byok_in_limit: None,
            expires_at: None,
            creator_user_id: None,
            workspace_id: None,
        }
    }

    /// Spending limit in USD.
    pub fn limit(mut self, usd: f64) -> Self {
        self.limit = Some(usd);
        self
    }

    /// When the limit resets.
    pub fn limit_reset(mut self, reset: CreateKeysBodyLimitReset) -> Self {
        self.limit_reset = Some(reset);
        self
    }

    /// Whether BYOK usage counts toward the limit.
    pub fn include_byok_in_limit(mut self, include: bool) -> Self {
        self.include_byok_in_limit = Some(include);
        self
    }

    /// When the key expires (UTC).
    pub fn expires_at(mut self, at: chrono::DateTime<chrono::Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// The organization member the key is created for.
    pub fn creator_user_id(mut self, user_id: impl Into<String>) -> Self {
        self.creator_user_id = Some(user_id.into());
        self
    }

    /// The workspace the key belongs to.
    pub fn workspace_id(mut self, id: Uuid) -> Self {
        self.workspace_id = Some(id);
        self
    }

    pub(crate) fn into_body(self) -> Result<types::CreateKeysBody, Error> {
        validate_name("name", &self.name)?;
        if let Some(limit) = self.limit {
            validate_amount("limit", limit)?;
        }
        let name = self
            .name
            .try_into()
            .map_err(|e: types::error::ConversionError| {
                Error::invalid_input("name", e.to_string())
            })?;
        let creator_user_id = self
            .creator_user_id
            .map(|u| {
                u.try_into().map_err(|e: types::error::ConversionError| {
                    Error::invalid_input("creator_user_id", e.to_string())
                })
            })
            .transpose()?;
        Ok(types::CreateKeysBody {
            name,
            limit: self.limit,
            limit_reset: self.limit_reset,
            include_byok_in_limit: self.include_byok_in_limit,
            expires_at: self.expires_at,
            creator_user_id,
            workspace_id: self.workspace_id,
        })
    }
}

/// Changes to an API key for [`Keys::update`](crate::Keys::update). Fields not touched are not sent.
#[derive(Debug, Clone, Default)]
pub struct KeyUpdate {
    name: Patch<String>,
    disabled: Patch<bool>,
    limit: Patch<f64>,
    limit_reset: Patch<UpdateKeysBodyLimitReset>,
    include_byok_in_limit: Patch<bool>,
}

impl KeyUpdate {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames the key (1..=200 characters).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Patch::Set(name.into());
        self
    }

    /// Disables or re-enables the key.
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = Patch::Set(disabled);
        self
    }

    /// Sets the spending limit in USD.
    pub fn limit(mut self, usd: f64) -> Self {
        self.limit = Patch::Set(usd);
        self
    }

    /// Removes the spending limit (sends `"limit": null`).
    pub fn clear_limit(mut self) -> Self {
        self.limit = Patch::Clear;
        self
    }

    /// Sets when the limit resets.
    pub fn limit_reset(mut self, reset: UpdateKeysBodyLimitReset) -> Self {
        self.limit_reset = Patch::Set(reset);
        self
    }

    /// Makes the limit never reset (sends `"limit_reset": null`).
    pub fn clear_limit_reset(mut self) -> Self {
        self.limit_reset = Patch::Clear;
        self
    }

    /// Whether BYOK usage counts toward the limit.
    pub fn include_byok_in_limit(mut self, include: bool) -> Self {
        self.include_byok_in_limit = Patch::Set(include);
        self
    }

    /// The exact JSON body that will be sent.
    pub fn to_body(&self) -> Result<Value, Error> {
        if let Patch::Set(name) = &self.name {
            validate_name("name", name)?;
        }
        if let Patch::Set(limit) = self.limit {
            validate_amount("limit", limit)?;
        }
        let mut body = Map::new();
        self.name.put(&mut body, "name")?;
        self.disabled.put(&mut body, "disabled")?;
        self.limit.put(&mut body, "limit")?;
        self.limit_reset.put(&mut body, "limit_reset")?;
        self.include_byok_in_limit
            .put(&mut body, "include_byok_in_limit")?;
        Ok(Value::Object(body))
    }
}

/// A new guardrail for [`Guardrails::create`](crate::Guardrails::create).
///
/// Common fields have setters; [`NewGuardrail::request_mut`] reaches every other field of the generated request.
#[derive(Debug, Clone)]
pub struct NewGuardrail {
    name: String,
    description: Option<String>,
    request: types::CreateGuardrailRequest,
}

impl NewGuardrail {
    /// A guardrail with this name (1..=200 characters) and nothing else set.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            description: None,
            request: types::CreateGuardrailRequest {
                name: "-".try_into().expect("a one-character name is valid"),
                allowed_models: None,
                allowed_providers: None,
                content_filter_builtins: None,
                content_filters: None,
                description: None,
                enable_free_model_publication: None,
                enable_free_model_training: None,
                enable_paid_model_training: None,
                enforce_zdr: None,
                enforce_zdr_anthropic: None,
                enforce_zdr_google: None,
                enforce_zdr_openai: None,
                enforce_zdr_other: None,
                enforce_zdr_xai: None,
                ignored_models: None,
                ignored_providers: None,
                include_byok_in_budgets: None,
                limit_usd: None,
                reset_interval: None,
                workspace_id: None,
            },
        }
    }

    /// A description (up to 1000 characters).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Spending limit in USD.
    pub fn limit_usd(mut self, usd: f64) -> Self {
        self.request.limit_usd = Some(usd);
        self
    }

    /// When the limit resets.
    pub fn reset_interval(mut self, interval: GuardrailInterval) -> Self {
        self.request.reset_interval = Some(interval);
        self
    }

    /// Only these providers may serve requests (at least one; an empty list is [`Error::InvalidInput`]).
    pub fn allowed_providers<S: Into<String>>(
        mut self,
        providers: impl IntoIterator<Item = S>,
    ) -> Self {
        self.request.allowed_providers = Some(providers.into_iter().map(Into::into).collect());
        self
    }

    /// Only these models may be used (at least one; an empty list is [`Error::InvalidInput`]).
    pub fn allowed_models<S: Into<String>>(mut self, models: impl IntoIterator<Item = S>) -> Self {
        self.request.allowed_models = Some(models.into_iter().map(Into::into).collect());
        self
    }

    /// These providers are never used (at least one; an empty list is [`Error::InvalidInput`]).
    pub fn ignored_providers<S: Into<String>>(
        mut self,
        providers: impl IntoIterator<Item = S>,
    ) -> Self {
        self.request.ignored_providers = Some(providers.into_iter().map(Into::into).collect());
        self
    }

    /// These models are never used (at least one; an empty list is [`Error::InvalidInput`]).
    pub fn ignored_models<S: Into<String>>(mut self, models: impl IntoIterator<Item = S>) -> Self {
        self.request.ignored_models = Some(models.into_iter().map(Into::into).collect());
        self
    }

    /// Whether BYOK spend counts toward `limit_usd`.
    pub fn include_byok_in_budgets(mut self, include: bool) -> Self {
        self.request.include_byok_in_budgets = Some(include);
        self
    }

    /// The workspace the guardrail lives in (it is not applied to the workspace by this).
    pub fn workspace_id(mut self, id: Uuid) -> Self {
        self.request.workspace_id = Some(id);
        self
    }

    /// Every other field of the generated request (content filters, zero-data-retention flags, ...). `name` and
    /// `description` set here are overwritten by the builder's own.
    pub fn request_mut(&mut self) -> &mut types::CreateGuardrailRequest {
        &mut self.request
    }

    pub(crate) fn into_request(self) -> Result<types::CreateGuardrailRequest, Error> {
        validate_name("name", &self.name)?;
        if let Some(limit) = self.request.limit_usd {
            validate_amount("limit_usd", limit)?;
        }
        validate_list("allowed_providers", self.request.allowed_providers.as_ref())?;
        validate_list("allowed_models", self.request.allowed_models.as_ref())?;
        validate_list("ignored_providers", self.request.ignored_providers.as_ref())?;
        validate_list("ignored_models", self.request.ignored_models.as_ref())?;
        let mut request = self.request;
        request.name = self
            .name
            .try_into()
            .map_err(|e: types::error::ConversionError| {
                Error::invalid_input("name", e.to_string())
            })?;
        request.description = self
            .description
            .map(|d| {
                d.try_into().map_err(|e: types::error::ConversionError| {
                    Error::invalid_input("description", e.to_string())
                })
            })
            .transpose()?;
        Ok(request)
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $field:ident : $ty:ty;)*) => {
        $(
            $(#[$doc])*
            pub fn $field(mut self, value: $ty) -> Self {
                self.$field = Patch::Set(value);
                self
            }
        )*
    };
}

macro_rules! list_setters {
    ($($(#[$doc:meta])* $field:ident, $clear:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $field<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
                self.$field = Patch::Set(values.into_iter().map(Into::into).collect());
                self
            }

            #[doc = concat!("Removes `", stringify!($field), "` (sends `null`).")]
            pub fn $clear(mut self) -> Self {
                self.$field = Patch::Clear;
                self
            }
        )*
    };
}

/// Changes to a guardrail for [`Guardrails::update`](crate::Guardrails::update). Fields not touched are not
/// sent; `clear_*` sends an explicit `null`. Collections are replaced, not merged.
#[derive(Debug, Clone, Default)]
pub struct GuardrailUpdate {
    name: Patch<String>,
    description: Patch<String>,
    limit_usd: Patch<f64>,
    reset_interval: Patch<GuardrailInterval>,
    allowed_providers: Patch<Vec<String>>,
    allowed_models: Patch<Vec<String>>,
    ignored_providers: Patch<Vec<String>>,
    ignored_models: Patch<Vec<String>>,
    content_filters: Patch<Vec<types::ContentFilterEntry>>,
    content_filter_builtins: Patch<Vec<types::ContentFilterBuiltinEntryInput>>,
    include_byok_in_budgets: Patch<bool>,
    enable_free_model_publication: Patch<bool>,
    enable_free_model_training: Patch<bool>,
    enable_paid_model_training: Patch<bool>,
    enforce_zdr_anthropic: Patch<bool>,
    enforce_zdr_openai: Patch<bool>,
    enforce_zdr_google: Patch<bool>,
    enforce_zdr_xai: Patch<bool>,
    enforce_zdr_other: Patch<bool>,
}

impl GuardrailUpdate {
    /// No changes yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames the guardrail (1..=200 characters).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Patch::Set(name.into());
        self
    }

    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Patch::Set(description.into());
        self
    }

    /// Removes the description (sends `null`).
    pub fn clear_description(mut self) -> Self {
        self.description = Patch::Clear;
        self
    }

    /// Sets the spending limit in USD.
    pub fn limit_usd(mut self, usd: f64) -> Self {
        self.limit_usd = Patch::Set(usd);
        self
    }

    /// Removes the spending limit (sends `"limit_usd": null`: no limit).
    pub fn clear_limit_usd(mut self) -> Self {
        self.limit_usd = Patch::Clear;
        self
    }

    /// Sets when the limit resets.
    pub fn reset_interval(mut self, interval: GuardrailInterval) -> Self {
        self.reset_interval = Patch::Set(interval);
        self
    }

    /// Makes the limit never reset (sends `null`).
    pub fn clear_reset_interval(mut self) -> Self {
        self.reset_interval = Patch::Clear;
        self
    }

    list_setters! {
        /// Replaces the allowed providers (at least one; an empty list is [`Error::InvalidInput`], use
        /// `clear_allowed_providers` to remove the list).
        allowed_providers, clear_allowed_providers;
        /// Replaces the allowed models (at least one; an empty list is [`Error::InvalidInput`], use
        /// `clear_allowed_models` to remove the list).
        allowed_models, clear_allowed_models;
        /// Replaces the ignored providers (at least one; an empty list is [`Error::InvalidInput`], use
        /// `clear_ignored_providers` to remove the list).
        ignored_providers, clear_ignored_providers;
        /// Replaces the ignored models (at least one; an empty list is [`Error::InvalidInput`], use
        /// `clear_ignored_models` to remove the list).
        ignored_models, clear_ignored_models;
    }

    /// Replaces the custom regex content filters.
    pub fn content_filters(mut self, filters: Vec<types::ContentFilterEntry>) -> Self {
        self.content_filters = Patch::Set(filters);
        self
    }

    /// Removes the custom content filters (sends `null`).
    pub fn clear_content_filters(mut self) -> Self {
        self.content_filters = Patch::Clear;
        self
    }

    /// Replaces the builtin content filters.
    pub fn content_filter_builtins(
        mut self,
        filters: Vec<types::ContentFilterBuiltinEntryInput>,
    ) -> Self {
        self.content_filter_builtins = Patch::Set(filters);
        self
    }

    /// Removes the builtin content filters (sends `null`).
    pub fn clear_content_filter_builtins(mut self) -> Self {
        self.content_filter_builtins = Patch::Clear;
        self
    }

    setters! {
        /// Whether BYOK spend counts toward `limit_usd`.
        include_byok_in_budgets: bool;
        /// Whether free endpoints that publish prompts are allowed.
        enable_free_model_publication: bool;
        /// Whether free endpoints that train on request data are allowed.
        enable_free_model_training: bool;
        /// Whether paid endpoints that train on request data are allowed.
        enable_paid_model_training: bool;
        /// Zero data retention for Anthropic models.
        enforce_zdr_anthropic: bool;
        /// Zero data retention for OpenAI models.
        enforce_zdr_openai: bool;
        /// Zero data retention for Google models.
        enforce_zdr_google: bool;
        /// Zero data retention for xAI models.
        enforce_zdr_xai: bool;
        /// Zero data retention for all other models.
        enforce_zdr_other: bool;
    }

    /// The exact JSON body that will be sent.
    pub fn to_body(&self) -> Result<Value, Error> {
        if let Patch::Set(name) = &self.name {
            validate_name("name", name)?;
        }
        if let Patch::Set(d) = &self.description
            && d.chars().count() > 1000
        {
            return Err(Error::invalid_input(
                "description",
                "must be at most 1000 characters",
            ));
        }
        if let Patch::Set(limit) = self.limit_usd {
            validate_amount("limit_usd", limit)?;
        }
        for (argument, list) in [
            ("allowed_providers", &self.allowed_providers),
            ("allowed_models", &self.allowed_models),
            ("ignored_providers", &self.ignored_providers),
            ("ignored_models", &self.ignored_models),
        ] {
            if let Patch::Set(list) = list {
                validate_list(argument, Some(list))?;
            }
        }
        let mut b = Map::new();
        self.name.put(&mut b, "name")?;
        self.description.put(&mut b, "description")?;
        self.limit_usd.put(&mut b, "limit_usd")?;
        self.reset_interval.put(&mut b, "reset_interval")?;
        self.allowed_providers.put(&mut b, "allowed_providers")?;
        self.allowed_models.put(&mut b, "allowed_models")?;
        self.ignored_providers.put(&mut b, "ignored_providers")?;
        self.ignored_models.put(&mut b, "ignored_models")?;
        self.content_filters.put(&mut b, "content_filters")?;
        self.content_filter_builtins
            .put(&mut b, "content_filter_builtins")?;
        self.include_byok_in_budgets
            .put(&mut b, "include_byok_in_budgets")?;
        self.enable_free_model_publication
            .put(&mut b, "enable_free_model_publication")?;
        self.enable_free_model_training
            .put(&mut b, "enable_free_model_training")?;
        self.enable_paid_model_training
            .put(&mut b, "enable_paid_model_training")?;
        self.enforce_zdr_anthropic
            .put(&mut b, "enforce_zdr_anthropic")?;
        self.enforce_zdr_openai.put(&mut b, "enforce_zdr_openai")?;
        self.enforce_zdr_google.put(&mut b, "enforce_zdr_google")?;
        self.enforce_zdr_xai.put(&mut b, "enforce_zdr_xai")?;
        self.enforce_zdr_other.put(&mut b, "enforce_zdr_other")?;
        Ok(Value::Object(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn untouched_fields_are_absent_and_cleared_fields_are_null() {
        assert_eq!(KeyUpdate::new().to_body().unwrap(), json!({}));
        assert_eq!(
            KeyUpdate::new().clear_limit().to_body().unwrap(),
            json!({"limit": null})
        );
        assert_eq!(
            KeyUpdate::new()
                .name("n")
                .limit(5.0)
                .disabled(true)
                .to_body()
                .unwrap(),
            json!({"name": "n", "limit": 5.0, "disabled": true})
        );
        assert_eq!(
            GuardrailUpdate::new().clear_limit_usd().to_body().unwrap(),
            json!({"limit_usd": null})
        );
        assert_eq!(
            GuardrailUpdate::new()
                .limit_usd(1.5)
                .clear_allowed_models()
                .reset_interval(GuardrailInterval::Weekly)
                .to_body()
                .unwrap(),
            json!({"limit_usd": 1.5, "allowed_models": null, "reset_interval": "weekly"})
        );
    }

    #[test]
    fn names_and_amounts_are_validated() {
        assert!(KeyUpdate::new().name("").to_body().is_err());
        assert!(KeyUpdate::new().name("x".repeat(201)).to_body().is_err());
        KeyUpdate::new().name("é".repeat(200)).to_body().unwrap();
        assert!(KeyUpdate::new().limit(f64::NAN).to_body().is_err());
        assert!(GuardrailUpdate::new().limit_usd(-1.0).to_body().is_err());
        assert!(NewKey::new("").into_body().is_err());
        assert!(NewGuardrail::new("x".repeat(201)).into_request().is_err());
        let r = NewGuardrail::new("ok")
            .description("d")
            .limit_usd(3.0)
            .into_request()
            .unwrap();
        assert_eq!(r.name.as_str(), "ok");
        assert_eq!(r.description.as_deref().map(String::as_str), Some("d"));
    }

    fn argument<T: std::fmt::Debug>(result: Result<T, Error>) -> &'static str {
        match result {
            Err(Error::InvalidInput { argument, .. }) => argument,
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }

    #[test]
    fn empty_provider_and_model_lists_are_rejected_by_name() {
        let none = Vec::<String>::new;
        assert_eq!(
            argument(
                NewGuardrail::new("g")
                    .allowed_providers(none())
                    .into_request()
            ),
            "allowed_providers"
        );
        assert_eq!(
            argument(NewGuardrail::new("g").allowed_models(none()).into_request()),
            "allowed_models"
        );
        assert_eq!(
            argument(
                NewGuardrail::new("g")
                    .ignored_providers(none())
                    .into_request()
            ),
            "ignored_providers"
        );
        assert_eq!(
            argument(NewGuardrail::new("g").ignored_models(none()).into_request()),
            "ignored_models"
        );
        let mut raw = NewGuardrail::new("g");
        raw.request_mut().ignored_models = Some(Vec::new());
        assert_eq!(argument(raw.into_request()), "ignored_models");
        assert_eq!(
            argument(GuardrailUpdate::new().allowed_providers(none()).to_body()),
            "allowed_providers"
        );
        assert_eq!(
            argument(GuardrailUpdate::new().allowed_models(none()).to_body()),
            "allowed_models"
        );
        assert_eq!(
            argument(GuardrailUpdate::new().ignored_providers(none()).to_body()),
            "ignored_providers"
        );
        assert_eq!(
            argument(GuardrailUpdate::new().ignored_models(none()).to_body()),
            "ignored_models"
        );
        // One entry is fine; clearing sends null.
        NewGuardrail::new("g")
            .allowed_providers(["openai"])
            .into_request()
            .unwrap();
        assert_eq!(
            GuardrailUpdate::new()
                .clear_allowed_providers()
                .ignored_models(["m"])
                .to_body()
                .unwrap(),
            json!({"allowed_providers": null, "ignored_models": ["m"]})
        );
    }

    #[test]
    fn descriptions_are_at_most_1000_characters() {
        NewGuardrail::new("g")
            .description("é".repeat(1000))
            .into_request()
            .unwrap();
        assert_eq!(
            argument(
                NewGuardrail::new("g")
                    .description("x".repeat(1001))
                    .into_request()
            ),
            "description"
        );
        GuardrailUpdate::new()
            .description("é".repeat(1000))
            .to_body()
            .unwrap();
        assert_eq!(
            argument(
                GuardrailUpdate::new()
                    .description("x".repeat(1001))
                    .to_body()
            ),
            "description"
        );
    }
}
