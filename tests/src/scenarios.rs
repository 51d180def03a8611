//! One scenario per generated operation: how the contract tests call it through the facade with fixed, valid
//! arguments. The table is a `match` on `OperationId` with a `_ => None` arm, so an operation added to `openapi/`
//! never breaks the build; [`operations_without_scenario`] names it instead (and a test fails on it).

use futures::StreamExt;
use futures::future::BoxFuture;
use openrouter_mgmt::open_enums::{
    ByokProviderSlug, CreateScimGroupMappingRequestRole, SubmitGenerationFeedbackRequestCategory,
    UpdateScimGroupMappingRequestRole, WorkspaceBudgetInterval,
};
use openrouter_mgmt::{
    ActivityFilter, AnalyticsQuery, ByokKeyUpdate, Client, DestinationUpdate, Error,
    ExternalUserFilter, GenerationFeedback, GuardrailId, GuardrailUpdate, KeyHash, KeyUpdate,
    NewByokKey, NewDestination, NewGuardrail, NewKey, NewPrivateEndpoint, NewPrivateProvider,
    NewScimGroupMapping, NewWorkspace, OperationId, Paginator, PrivateEndpointPricing,
    PrivateEndpointUpdate, PrivateProviderUpdate, SecretMap, UserId, WorkspaceBudgetSettings,
    WorkspaceUpdate,
};
use uuid::Uuid;

/// The ids the scenarios are called on.
#[derive(Debug, Clone)]
pub struct Ids {
    /// An existing key.
    pub key: KeyHash,
    /// An existing guardrail.
    pub guardrail: GuardrailId,
    /// An organization member.
    pub member: UserId,
    /// An existing workspace (its id or slug) with a monthly budget.
    pub workspace: String,
    /// An existing BYOK provider key.
    pub byok_key: Uuid,
    /// An existing external user.
    pub external_user: String,
    /// An existing private provider's slug.
    pub private_provider: String,
    /// A SCIM group not yet mapped to [`Ids::workspace`].
    pub scim_group: Uuid,
    /// An existing SCIM group mapping.
    pub scim_mapping: Uuid,
    /// A started SCIM sync job.
    pub scim_job: Uuid,
    /// A private endpoint that is a draft with a passing validation.
    pub private_endpoint: Uuid,
    /// A workspace that validates [`Ids::private_endpoint`].
    pub private_endpoint_workspace: Uuid,
    /// An existing observability destination.
    pub destination: Uuid,
}

impl Ids {
    /// Every object the scenarios need, made on `client`'s server for one run (`tag`, lowercase words joined by
    /// `-`, at most 36 characters, keeps the names of several runs apart); `key`, `guardrail` and `member` are the
    /// caller's. Panics if the server cannot make them.
    pub async fn make(
        client: &Client,
        tag: &str,
        key: KeyHash,
        guardrail: GuardrailId,
        member: UserId,
    ) -> Ids {
        let workspace = workspace_with_budget(client, &format!("ws-{tag}"))
            .await
            .expect("a workspace with a budget");
        let (scim_group, scim_mapping, scim_job) = scim_setup(client, &workspace).await;
        let (byok_key, external_user) = byok_key_and_external_user(client, tag)
            .await
            .expect("a BYOK key and an external user");
        let private_endpoint_workspace = Uuid::parse_str(&workspace).expect("a workspace id");
        Ids {
            key,
            guardrail,
            member,
            byok_key,
            external_user,
            private_provider: private_provider(client, tag)
                .await
                .expect("a private provider"),
            scim_group,
            scim_mapping,
            scim_job,
            private_endpoint: validated_private_endpoint(client, private_endpoint_workspace)
                .await
                .expect("a validated private endpoint"),
            private_endpoint_workspace,
            destination: destination(client, tag)
                .await
                .expect("an observability destination"),
            workspace,
        }
    }
}

/// A call of one operation through the facade. Lists fetch their first page only, without prefetch, so that one
/// call is one request.
pub type Scenario = for<'a> fn(&'a Client, &'a Ids) -> BoxFuture<'a, Result<(), Error>>;

macro_rules! scenario {
    ($client:ident, $ids:ident => $body:expr) => {{
        fn run<'a>($client: &'a Client, $ids: &'a Ids) -> BoxFuture<'a, Result<(), Error>> {
            Box::pin(async move { $body })
        }
        Some(run as Scenario)
    }};
}

/// The scenario of an operation, if it has one.
pub fn scenario(operation: OperationId) -> Option<Scenario> {
    match operation {
        OperationId::GetCurrentKey => scenario!(c, _ids => c.keys().current().await.map(drop)),
        OperationId::List => scenario!(c, _ids => first_page(c.keys().list()).await),
        OperationId::CreateKeys => {
            scenario!(c, _ids => c.keys().create(NewKey::new("contract key").limit(5.0)).await.map(drop))
        }
        OperationId::GetKey => scenario!(c, ids => c.keys().get(&ids.key).await.map(drop)),
        OperationId::UpdateKeys => scenario!(c, ids => c
            .keys()
            .update(&ids.key, KeyUpdate::new().name("renamed").clear_limit())
            .await
            .map(drop)),
        OperationId::DeleteKeys => scenario!(c, ids => c.keys().delete(&ids.key).await.map(drop)),
        OperationId::ListGuardrails => {
            scenario!(c, _ids => first_page(c.guardrails().list()).await)
        }
        OperationId::CreateGuardrail => scenario!(c, _ids => c
            .guardrails()
            .create(NewGuardrail::new("contract guardrail").limit_usd(10.0))
            .await
            .map(drop)),
        OperationId::GetGuardrail => {
            scenario!(c, ids => c.guardrails().get(ids.guardrail).await.map(drop))
        }
        OperationId::UpdateGuardrail => scenario!(c, ids => c
            .guardrails()
            .update(ids.guardrail, GuardrailUpdate::new().description("contract").clear_limit_usd())
            .await
            .map(drop)),
        OperationId::DeleteGuardrail => {
            scenario!(c, ids => c.guardrails().delete(ids.guardrail).await.map(drop))
        }
        OperationId::ListKeyAssignments => {
            scenario!(c, _ids => first_page(c.guardrails().key_assignments()).await)
        }
        OperationId::ListMemberAssignments => {
            scenario!(c, _ids => first_page(c.guardrails().member_assignments()).await)
        }
        OperationId::ListGuardrailKeyAssignments => scenario!(c, ids =>
            first_page(c.guardrails().guardrail_key_assignments(ids.guardrail)).await),
        OperationId::ListGuardrailMemberAssignments => scenario!(c, ids =>
            first_page(c.guardrails().guardrail_member_assignments(ids.guardrail)).await),
        OperationId::BulkAssignKeysToGuardrail => scenario!(c, ids => c
            .guardrails()
            .assign_keys(ids.guardrail, [ids.key.clone()])
            .await
            .map(drop)),
        OperationId::BulkUnassignKeysFromGuardrail => scenario!(c, ids => c
            .guardrails()
            .unassign_keys(ids.guardrail, [ids.key.clone()])
            .await
            .map(drop)),
        OperationId::BulkAssignMembersToGuardrail => scenario!(c, ids => c
            .guardrails()
            .assign_members(ids.guardrail, [ids.member.clone()])
            .await
            .map(drop)),
        OperationId::BulkUnassignMembersFromGuardrail => scenario!(c, ids => c
            .guardrails()
            .unassign_members(ids.guardrail, [ids.member.clone()])
            .await
            .map(drop)),
        OperationId::ListWorkspaces => {
            scenario!(c, _ids => first_page(c.workspaces().list()).await)
        }
        OperationId::CreateWorkspace => scenario!(c, _ids => c
            .workspaces()
            .create(NewWorkspace::new("Contract workspace", "contract-workspace").description("made by a scenario"))
            .await
            .map(drop)),
        OperationId::GetWorkspace => {
            scenario!(c, ids => c.workspaces().get(&ids.workspace).await.map(drop))
        }
        OperationId::UpdateWorkspace => scenario!(c, ids => c
            .workspaces()
            .update(&ids.workspace, WorkspaceUpdate::new().description("contract").clear_default_text_model())
            .await
            .map(drop)),
        OperationId::DeleteWorkspace => {
            scenario!(c, ids => c.workspaces().delete(&ids.workspace).await.map(drop))
        }
        OperationId::ListWorkspaceMembers => {
            scenario!(c, ids => first_page(c.workspaces().members(&ids.workspace)).await)
        }
        OperationId::BulkAddWorkspaceMembers => scenario!(c, ids => c
            .workspaces()
            .add_members(&ids.workspace, [ids.member.clone()])
            .await
            .map(drop)),
        OperationId::BulkRemoveWorkspaceMembers => scenario!(c, ids => c
            .workspaces()
            .remove_members(&ids.workspace, [ids.member.clone()])
            .await
            .map(drop)),
        OperationId::ListWorkspaceBudgets => {
            scenario!(c, ids => c.workspaces().budgets(&ids.workspace).await.map(drop))
        }
        OperationId::GetWorkspaceBudget => scenario!(c, ids => c
            .workspaces()
            .budget(&ids.workspace, WorkspaceBudgetInterval::Monthly)
            .await
            .map(drop)),
        OperationId::UpsertWorkspaceBudget => scenario!(c, ids => c
            .workspaces()
            .set_budget(
                &ids.workspace,
                WorkspaceBudgetInterval::Monthly,
                WorkspaceBudgetSettings::new(250.0).include_byok_in_budgets(true),
            )
            .await
            .map(drop)),
        OperationId::DeleteWorkspaceBudget => scenario!(c, ids => c
            .workspaces()
            .delete_budget(&ids.workspace, WorkspaceBudgetInterval::Monthly)
            .await
            .map(drop)),
        OperationId::GetCredits => scenario!(c, _ids => c.credits().get().await.map(drop)),
        OperationId::ListOrganizationMembers => {
            scenario!(c, _ids => first_page(c.organization().members()).await)
        }
        OperationId::GetOrganizationSettings => {
            scenario!(c, _ids => c.organization().settings().await.map(drop))
        }
        OperationId::UpdateOrganizationSettings => scenario!(c, _ids => c
            .organization()
            .set_filtered_model_catalog(true)
            .await
            .map(drop)),
        OperationId::SubmitGenerationFeedback => scenario!(c, _ids => c
            .generations()
            .feedback(
                GenerationFeedback::new(SubmitGenerationFeedbackRequestCategory::Latency, "gen-contract-1")
                    .comment("slow first token"),
            )
            .await
            .map(drop)),
        OperationId::ListByokKeys => scenario!(c, _ids => first_page(c.byok().list()).await),
        OperationId::CreateByokKey => scenario!(c, _ids => c
            .byok()
            .create(NewByokKey::new("sk-contract-provider-key-0001", ByokProviderSlug::Openai).name("contract"))
            .await
            .map(drop)),
        OperationId::GetByokKey => scenario!(c, ids => c.byok().get(ids.byok_key).await.map(drop)),
        OperationId::UpdateByokKey => scenario!(c, ids => c
            .byok()
            .update(ids.byok_key, ByokKeyUpdate::new().disabled(true).clear_allowed_models())
            .await
            .map(drop)),
        OperationId::DeleteByokKey => {
            scenario!(c, ids => c.byok().delete(ids.byok_key).await.map(drop))
        }
        OperationId::ListExternalUsers => scenario!(c, _ids => first_page(
            c.external_users().list_with(ExternalUserFilter::new().include_inactive(true))
        )
        .await),
        OperationId::CreateExternalUser => {
            scenario!(c, _ids => c.external_users().create("contract-user").await.map(drop))
        }
        OperationId::GetExternalUser => {
            scenario!(c, ids => c.external_users().get(&ids.external_user).await.map(drop))
        }
        OperationId::UpdateExternalUser => scenario!(c, ids => c
            .external_users()
            .set_active(&ids.external_user, false)
            .await
            .map(drop)),
        OperationId::DeleteExternalUser => {
            scenario!(c, ids => c.external_users().delete(&ids.external_user).await)
        }
        OperationId::ListPrivateProviders => {
            scenario!(c, _ids => c.private_providers().list().await.map(drop))
        }
        OperationId::CreatePrivateProvider => scenario!(c, _ids => c
            .private_providers()
            .create(NewPrivateProvider::new("Contract Cluster").base_url("https://inference.example.com/v1"))
            .await
            .map(drop)),
        OperationId::GetPrivateProvider => {
            scenario!(c, ids => c.private_providers().get(&ids.private_provider).await.map(drop))
        }
        OperationId::UpdatePrivateProvider => scenario!(c, ids => c
            .private_providers()
            .update(&ids.private_provider, PrivateProviderUpdate::new().display_name("Renamed cluster"))
            .await
            .map(drop)),
        OperationId::DeletePrivateProvider => {
            scenario!(c, ids => c.private_providers().delete(&ids.private_provider).await.map(drop))
        }
        OperationId::GetUserActivity => scenario!(c, _ids => c
            .analytics()
            .activity(ActivityFilter::new().date("2025-01-01"))
            .await
            .map(drop)),
        OperationId::GetAnalyticsMeta => scenario!(c, _ids => c.analytics().meta().await.map(drop)),
        OperationId::QueryAnalytics => scenario!(c, _ids => c
            .analytics()
            .query(AnalyticsQuery::new(["requests", "usage"]).dimensions(["model"]))
            .await
            .map(drop)),
        OperationId::ListScimGroups => scenario!(c, _ids => first_page(c.scim().groups()).await),
        OperationId::ListScimGroupMappings => {
            scenario!(c, _ids => first_page(c.scim().group_mappings()).await)
        }
        OperationId::CreateScimGroupMapping => scenario!(c, ids => {
            let workspace = Uuid::parse_str(&ids.workspace).unwrap_or_default();
            c.scim()
                .create_group_mapping(NewScimGroupMapping::new(
                    CreateScimGroupMappingRequestRole::Member,
                    ids.scim_group,
                    workspace,
                ))
                .await
                .map(drop)
        }),
        OperationId::GetScimGroupMapping => {
            scenario!(c, ids => c.scim().group_mapping(ids.scim_mapping).await.map(drop))
        }
        OperationId::UpdateScimGroupMapping => scenario!(c, ids => c
            .scim()
            .set_group_mapping_role(ids.scim_mapping, UpdateScimGroupMappingRequestRole::Member)
            .await
            .map(drop)),
        OperationId::DeleteScimGroupMapping => scenario!(c, ids => c
            .scim()
            .delete_group_mapping(ids.scim_mapping, true)
            .await
            .map(drop)),
        OperationId::CreateScimSyncJob => {
            scenario!(c, _ids => c.scim().start_sync().await.map(drop))
        }
        OperationId::GetScimSyncJob => {
            scenario!(c, ids => c.scim().sync_job(ids.scim_job).await.map(drop))
        }
        OperationId::ListPrivateEndpoints => {
            scenario!(c, _ids => c.private_endpoints().list().await.map(drop))
        }
        OperationId::CreatePrivateEndpoint => scenario!(c, _ids => c
            .private_endpoints()
            .create(new_private_endpoint())
            .await
            .map(drop)),
        OperationId::GetPrivateEndpoint => {
            scenario!(c, ids => c.private_endpoints().get(ids.private_endpoint).await.map(drop))
        }
        OperationId::UpdatePrivateEndpoint => scenario!(c, ids => c
            .private_endpoints()
            .update(ids.private_endpoint, PrivateEndpointUpdate::new().declared_parameters(["seed"]))
            .await
            .map(drop)),
        OperationId::DeletePrivateEndpoint => {
            scenario!(c, ids => c.private_endpoints().delete(ids.private_endpoint).await)
        }
        OperationId::ValidatePrivateEndpoint => scenario!(c, ids => c
            .private_endpoints()
            .validate(ids.private_endpoint, ids.private_endpoint_workspace)
            .await
            .map(drop)),
        OperationId::ActivatePrivateEndpoint => {
            scenario!(c, ids => c.private_endpoints().activate(ids.private_endpoint).await.map(drop))
        }
        // Disabling needs an activated endpoint: the activation's own answer does not matter here.
        OperationId::DisablePrivateEndpoint => scenario!(c, ids => {
            let _ = c.private_endpoints().activate(ids.private_endpoint).await;
            c.private_endpoints().disable(ids.private_endpoint).await.map(drop)
        }),
        // Enabling needs a disabled endpoint: it is activated and disabled first.
        OperationId::EnablePrivateEndpoint => scenario!(c, ids => {
            let _ = c.private_endpoints().activate(ids.private_endpoint).await;
            let _ = c.private_endpoints().disable(ids.private_endpoint).await;
            c.private_endpoints().enable(ids.private_endpoint).await.map(drop)
        }),
        OperationId::UpdatePrivateEndpointParameters => scenario!(c, ids => c
            .private_endpoints()
            .set_parameters(ids.private_endpoint, ["seed", "temperature"])
            .await
            .map(drop)),
        OperationId::UpdatePrivateEndpointPricing => scenario!(c, ids => c
            .private_endpoints()
            .set_pricing(ids.private_endpoint, pricing())
            .await
            .map(drop)),
        OperationId::ListObservabilityDestinations => {
            scenario!(c, _ids => first_page(c.observability().list()).await)
        }
        OperationId::CreateObservabilityDestination => scenario!(c, _ids => c
            .observability()
            .create(langfuse_destination("contract langfuse", "sk-lf-contract-secret-0001"))
            .await
            .map(drop)),
        OperationId::GetObservabilityDestination => {
            scenario!(c, ids => c.observability().get(ids.destination).await.map(drop))
        }
        OperationId::UpdateObservabilityDestination => scenario!(c, ids => c
            .observability()
            .update(
                ids.destination,
                DestinationUpdate::new()
                    .enabled(false)
                    .config(SecretMap::new().with("secretKey", "sk-lf-rotated-secret-0002"))
                    .clear_api_key_hashes(),
            )
            .await
            .map(drop)),
        OperationId::DeleteObservabilityDestination => {
            scenario!(c, ids => c.observability().delete(ids.destination).await.map(drop))
        }
        _ => None,
    }
}

/// What the SCIM scenarios need on a fresh server, for the workspace `workspace` (an id): a group left unmapped,
/// a mapping of another group to the workspace as admin, and a started sync job. Panics if the server cannot.
pub async fn scim_setup(client: &Client, workspace: &str) -> (Uuid, Uuid, Uuid) {
    let groups = client
        .scim()
        .groups()
        .collect_all()
        .await
        .expect("SCIM groups");
    let (unmapped, mapped) = match groups.as_slice() {
        [first, second, ..] => (first.id, second.id),
        _ => panic!("the directory has fewer than two groups"),
    };
    let workspace = Uuid::parse_str(workspace).expect("a workspace id");
    let mapping = client
        .scim()
        .create_group_mapping(NewScimGroupMapping::new(
            CreateScimGroupMappingRequestRole::Admin,
            mapped,
            workspace,
        ))
        .await
        .expect("a SCIM group mapping");
    let job = client.scim().start_sync().await.expect("a SCIM sync job");
    (unmapped, mapping.id, job.id)
}

/// Makes a private provider on a fresh server (`tag` keeps several apart) and returns its slug.
pub async fn private_provider(client: &Client, tag: &str) -> Result<String, Error> {
    let provider = client
        .private_providers()
        .create(NewPrivateProvider::new(format!("Provider {tag}")))
        .await?;
    Ok(provider.slug)
}

/// Makes what [`Ids::byok_key`] and [`Ids::external_user`] name on a fresh server (`tag` keeps them apart when
/// called more than once).
pub async fn byok_key_and_external_user(
    client: &Client,
    tag: &str,
) -> Result<(Uuid, String), Error> {
    let key = client
        .byok()
        .create(NewByokKey::new(
            format!("sk-provider-{tag}-0123456789"),
            ByokProviderSlug::Anthropic,
        ))
        .await?;
    let user = format!("partner-user-{tag}");
    client.external_users().create(&user).await?;
    Ok((key.id, user))
}

/// The private endpoint the scenarios create: a GPT-4o deployment on Azure.
pub fn new_private_endpoint() -> NewPrivateEndpoint {
    NewPrivateEndpoint::new("openai/gpt-4o-2024-08-06", "azure", "gpt-4o-prod")
        .base_url("https://contoso.openai.azure.com")
        .pricing(pricing())
}

/// Rates for a private endpoint, in USD per token.
pub fn pricing() -> PrivateEndpointPricing {
    PrivateEndpointPricing {
        cache_read: None,
        cache_write: None,
        completion: "0.00001".to_owned(),
        prompt: "0.0000025".to_owned(),
    }
}

/// Makes what [`Ids::private_endpoint`] names on a fresh server: a draft that passed validation with
/// `workspace`'s credential.
pub async fn validated_private_endpoint(client: &Client, workspace: Uuid) -> Result<Uuid, Error> {
    let endpoint = client
        .private_endpoints()
        .create(new_private_endpoint())
        .await?;
    client
        .private_endpoints()
        .validate(endpoint.id, workspace)
        .await?;
    Ok(endpoint.id)
}

/// A Langfuse destination named `name` whose secret key is `secret_key`.
pub fn langfuse_destination(name: &str, secret_key: &str) -> NewDestination {
    let config = SecretMap::new()
        .with("publicKey", "pk-lf-public-0001")
        .with("secretKey", secret_key)
        .with("baseUrl", "https://us.cloud.langfuse.com");
    NewDestination::new(config, name, "langfuse")
}

/// Makes what [`Ids::destination`] names: a Langfuse destination in a new workspace of its own (slug
/// `observability-{tag}`), so that setting up many stays under the limit of 5 destinations per type and workspace.
pub async fn destination(client: &Client, tag: &str) -> Result<Uuid, Error> {
    let slug = format!("observability-{tag}");
    let workspace = client
        .workspaces()
        .create(NewWorkspace::new(format!("Workspace {slug}"), slug))
        .await?;
    let created = client
        .observability()
        .create(
            langfuse_destination(
                &format!("destination {tag}"),
                "sk-lf-setup-secret-0123456789",
            )
            .workspace_id(workspace.id),
        )
        .await?;
    Ok(destination_id(&created))
}

/// The id of a destination of any known type.
pub fn destination_id(destination: &openrouter_mgmt::Destination) -> Uuid {
    use openrouter_mgmt::Destination as D;
    match destination {
        D::LangfuseDestination(d) => d.id,
        D::WebhookDestination(d) => d.id,
        D::DatadogDestination(d) => d.id,
        D::S3Destination(d) => d.id,
        D::SentryDestination(d) => d.id,
        other => panic!("a destination type the tests do not create: {other:?}"),
    }
}

/// Makes what [`Ids::workspace`] names on a fresh server: a workspace (slug `slug`) with a monthly budget.
pub async fn workspace_with_budget(client: &Client, slug: &str) -> Result<String, Error> {
    let workspace = client
        .workspaces()
        .create(NewWorkspace::new(format!("Workspace {slug}"), slug))
        .await?;
    client
        .workspaces()
        .set_budget(
            slug,
            WorkspaceBudgetInterval::Monthly,
            WorkspaceBudgetSettings::new(100.0),
        )
        .await?;
    Ok(workspace.id.to_string())
}

/// Every generated operation that has no scenario yet.
pub fn operations_without_scenario() -> Vec<OperationId> {
    OperationId::ALL
        .into_iter()
        .filter(|op| scenario(*op).is_none())
        .collect()
}

async fn first_page<T: Send + 'static>(paginator: Paginator<T>) -> Result<(), Error> {
    let mut pages = paginator.prefetch(0).pages();
    match pages.next().await {
        Some(page) => page.map(drop),
        None => Ok(()),
    }
}
