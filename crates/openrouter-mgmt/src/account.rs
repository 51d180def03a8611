//! `client.credits()`, `client.organization()` and `client.generations()`: the account-level operations that each
//! stand alone (credits, the organization's members and settings, feedback on a generation). Each method is a few
//! lines around a generated operation (`ops`).

use openrouter_mgmt_gen::ops;

use crate::client::WithOptions;
use crate::error::Error;
use crate::pagination::Paginator;
use crate::types;

/// Feedback on one generation: `GenerationFeedback::new(category, generation_id)`, with an optional comment.
pub type GenerationFeedback = types::SubmitGenerationFeedbackRequest;

/// Credit operations; see [`Client::credits`](crate::Client::credits).
#[derive(Debug, Clone)]
pub struct Credits<'a> {
    scope: WithOptions<'a>,
}

impl<'a> Credits<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// Credits purchased and used so far, in USD.
    pub async fn get(&self) -> Result<types::GetCreditsResponseData, Error> {
        Ok(self.scope.send(&ops::GetCredits::new()).await?.data)
    }
}

/// Organization operations; see [`Client::organization`](crate::Client::organization).
#[derive(Debug, Clone)]
pub struct Organization<'a> {
    scope: WithOptions<'a>,
}

impl<'a> Organization<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// The organization's members, with their role.
    pub fn members(&self) -> Paginator<types::ListOrganizationMembersResponseDataItem> {
        self.scope.paginate(ops::ListOrganizationMembers::new())
    }

    /// The organization's settings.
    pub async fn settings(&self) -> Result<types::OrganizationSettings, Error> {
        let op = ops::GetOrganizationSettings::new();
        Ok(self.scope.send(&op).await?.data)
    }

    /// Turns the filtered model catalog on or off (the one setting there is).
    pub async fn set_filtered_model_catalog(
        &self,
        enabled: bool,
    ) -> Result<types::OrganizationSettings, Error> {
        let body = types::UpdateOrganizationSettingsRequest::new(enabled);
        let op = ops::UpdateOrganizationSettings::new(body);
        Ok(self.scope.send(&op).await?.data)
    }
}

/// Generation operations; see [`Client::generations`](crate::Client::generations).
#[derive(Debug, Clone)]
pub struct Generations<'a> {
    scope: WithOptions<'a>,
}

impl<'a> Generations<'a> {
    pub(crate) fn new(scope: WithOptions<'a>) -> Self {
        Self { scope }
    }

    /// Reports a problem with a generation (once per generation: a second report is refused with 409).
    pub async fn feedback(&self, feedback: GenerationFeedback) -> Result<bool, Error> {
        let op = ops::SubmitGenerationFeedback::new(feedback);
        Ok(self.scope.send(&op).await?.data.success)
    }
}
