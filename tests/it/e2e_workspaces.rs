//! Workspaces through the facade against the mock: create, read, update (set and clear), list over several pages,
//! delete (the default workspace only with confirmation), members as sets (bulk add/remove, partial failure), budgets
//! per interval, the default guardrail, and the declared errors (401, 403, 404, 400).

use openrouter_mgmt::open_enums::WorkspaceBudgetInterval;
use openrouter_mgmt::{
    CallOptions, Error, NewWorkspace, UserId, WorkspaceBudgetSettings, WorkspaceUpdate,
};
use openrouter_mgmt_mock::{Fault, FaultRule, OperationId};

use crate::e2e_support::{api_status, client, client_with_key, invalid_argument, mock};

#[tokio::test]
async fn a_workspace_is_created_read_updated_listed_and_deleted() {
    let mock = mock().await;
    let client = client(&mock);
    let workspaces = client.workspaces();
    let created = workspaces
        .create(
            NewWorkspace::new("Production", "production")
                .description("live traffic")
                .default_text_model("openai/gpt-5"),
        )
        .await
        .unwrap();
    assert_eq!(
        (created.name.as_str(), created.slug.as_str()),
        ("Production", "production")
    );
    assert_eq!(created.description.as_deref(), Some("live traffic"));
    assert_ne!(created.id, mock.default_workspace_id());

    // By id and by slug.
    let by_id = workspaces.get(&created.id.to_string()).await.unwrap();
    let by_slug = workspaces.get("production").await.unwrap();
    assert_eq!((by_id.id, by_slug.id), (created.id, created.id));

    // Clearing sends null; untouched fields stay.
    let updated = workspaces
        .update(
            "production",
            WorkspaceUpdate::new()
                .name("Production (EU)")
                .clear_description(),
        )
        .await
        .unwrap();
    assert_eq!(updated.name, "Production (EU)");
    assert_eq!(updated.description, None);
    assert_eq!(updated.default_text_model.as_deref(), Some("openai/gpt-5"));
    assert!(updated.updated_at.is_some());

    let listed = workspaces.list().collect_all().await.unwrap();
    let slugs: Vec<&str> = listed.iter().map(|w| w.slug.as_str()).collect();
    assert_eq!(slugs, ["default", "production"]);

    assert!(workspaces.delete("production").await.unwrap());
    assert_eq!(api_status(workspaces.get("production").await), 404);
    assert_eq!(api_status(workspaces.delete("production").await), 404);
}

#[tokio::test]
async fn workspaces_are_listed_over_several_pages() {
    let mock = mock().await;
    let client = client(&mock);
    for i in 0..120 {
        client
            .workspaces()
            .create(NewWorkspace::new(format!("Team {i}"), format!("team-{i}")))
            .await
            .unwrap();
    }
    let all = client
        .workspaces()
        .list()
        .page_size(50)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(all.len(), 121, "the default workspace and 120 more");
    let mut ids: Vec<_> = all.iter().map(|w| w.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 121, "none twice");
    let lists = mock
        .requests()
        .iter()
        .filter(|r| r.operation == Some(OperationId::ListWorkspaces))
        .count();
    assert!((3..=4).contains(&lists), "{lists} list requests");
}

#[tokio::test]
async fn slugs_are_unique_and_checked_before_sending() {
    let mock = mock().await;
    let client = client(&mock);
    let workspaces = client.workspaces();
    workspaces
        .create(NewWorkspace::new("A", "shared"))
        .await
        .unwrap();
    assert_eq!(
        api_status(workspaces.create(NewWorkspace::new("B", "shared")).await),
        400
    );
    let before = mock.requests().len();
    assert_eq!(
        invalid_argument(
            workspaces
                .create(NewWorkspace::new("C", "Not A Slug"))
                .await
        ),
        "slug"
    );
    assert_eq!(
        invalid_argument(workspaces.create(NewWorkspace::new("", "empty-name")).await),
        "name"
    );
    assert_eq!(mock.requests().len(), before, "nothing sent");
}

#[tokio::test]
async fn the_default_workspace_is_deleted_only_with_confirmation() {
    let mock = mock().await;
    let client = client(&mock);
    let default = mock.default_workspace_id().to_string();
    assert_eq!(api_status(client.workspaces().delete(&default).await), 400);
    assert!(client.workspaces().get("default").await.is_ok());
    assert!(client.workspaces().delete_default(&default).await.unwrap());
    assert_eq!(api_status(client.workspaces().get("default").await), 404);
}

#[tokio::test]
async fn members_are_added_and_removed_as_sets() {
    let mock = mock().await;
    let client = client(&mock);
    let workspaces = client.workspaces();
    workspaces
        .create(NewWorkspace::new("Research", "research"))
        .await
        .unwrap();
    let members = mock.members();
    let added = workspaces
        .add_members("research", members[..3].iter().cloned())
        .await
        .unwrap();
    assert_eq!((added.count, added.ids, added.chunks), (3, 3, 1));
    // Adding again changes nothing; an unknown user is not added.
    let again = workspaces
        .add_members(
            "research",
            [members[0].clone(), UserId::new("user_nobody").unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(again.count, 0);
    let listed: Vec<UserId> = workspaces
        .members("research")
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    assert_eq!(listed, members[..3]);

    let removed = workspaces
        .remove_members("research", [members[1].clone(), members[5].clone()])
        .await
        .unwrap();
    assert_eq!(removed.count, 1);
    let left = workspaces.members("research").collect_all().await.unwrap();
    assert_eq!(left.len(), 2);
    assert_eq!(
        api_status(workspaces.members("nowhere").collect_all().await),
        404
    );
}

#[tokio::test]
async fn a_failing_chunk_of_members_reports_what_was_applied() {
    let mock = mock().await;
    let client = client(&mock);
    client
        .workspaces()
        .create(NewWorkspace::new("Ops", "ops"))
        .await
        .unwrap();
    let members = mock.members();
    mock.faults()
        .add(FaultRule::new(OperationId::BulkAddWorkspaceMembers, Fault::Status(403)).skip(1));
    let result = client
        .with_options(CallOptions::new().bulk_chunk_size(2))
        .workspaces()
        .add_members("ops", members[..5].iter().cloned())
        .await;
    match result {
        Err(Error::Bulk {
            applied,
            not_applied,
            ..
        }) => {
            assert_eq!(applied, [members[0].to_string(), members[1].to_string()]);
            assert_eq!(not_applied.len(), 3);
        }
        other => panic!("expected a bulk error, got {other:?}"),
    }
    let in_workspace = client
        .workspaces()
        .members("ops")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(in_workspace.len(), 2, "the first chunk stays applied");
}

#[tokio::test]
async fn more_than_100_members_per_request_is_refused_before_sending() {
    let mock = mock().await;
    let client = client(&mock);
    let ids: Vec<UserId> = (0..101)
        .map(|i| UserId::new(format!("user_{i}")).unwrap())
        .collect();
    let before = mock.requests().len();
    let result = client
        .with_options(CallOptions::new().bulk_chunk_size(500))
        .workspaces()
        .add_members("default", ids)
        .await;
    match result {
        Err(Error::Bulk { source, .. }) => {
            assert!(matches!(*source, Error::InvalidInput { .. }), "{source:?}")
        }
        other => panic!("expected a bulk error, got {other:?}"),
    }
    assert_eq!(mock.requests().len(), before, "nothing sent");
}

#[tokio::test]
async fn budgets_are_set_per_interval_read_listed_and_deleted() {
    let mock = mock().await;
    let client = client(&mock);
    let workspaces = client.workspaces();
    workspaces
        .create(NewWorkspace::new("Sales", "sales"))
        .await
        .unwrap();
    assert_eq!(
        api_status(
            workspaces
                .budget("sales", WorkspaceBudgetInterval::Monthly)
                .await
        ),
        404
    );
    let monthly = workspaces
        .set_budget(
            "sales",
            WorkspaceBudgetInterval::Monthly,
            WorkspaceBudgetSettings::new(500.0).include_byok_in_budgets(true),
        )
        .await
        .unwrap();
    assert_eq!(monthly.limit_usd, 500.0);
    assert_eq!(
        monthly.reset_interval.as_ref().map(|i| i.as_str()),
        Some("monthly")
    );
    let lifetime = workspaces
        .set_budget(
            "sales",
            WorkspaceBudgetInterval::Lifetime,
            WorkspaceBudgetSettings::new(5000.0),
        )
        .await
        .unwrap();
    assert_eq!(lifetime.reset_interval, None);

    // A second PUT replaces the limit and keeps the budget's identity.
    let raised = workspaces
        .set_budget(
            "sales",
            WorkspaceBudgetInterval::Monthly,
            WorkspaceBudgetSettings::new(750.0),
        )
        .await
        .unwrap();
    assert_eq!((raised.id, raised.limit_usd), (monthly.id, 750.0));

    let listed = workspaces.budgets("sales").await.unwrap();
    let limits: Vec<f64> = listed.data.iter().map(|b| b.limit_usd).collect();
    assert_eq!(limits, [750.0, 5000.0], "monthly before lifetime");
    assert_eq!(listed.include_byok_in_budgets, Some(true));

    assert!(
        workspaces
            .delete_budget("sales", WorkspaceBudgetInterval::Monthly)
            .await
            .unwrap()
    );
    assert_eq!(
        api_status(
            workspaces
                .delete_budget("sales", WorkspaceBudgetInterval::Monthly)
                .await
        ),
        404
    );
    assert_eq!(workspaces.budgets("sales").await.unwrap().data.len(), 1);

    // A negative limit never leaves the client; an unknown interval is the server's 400.
    assert_eq!(
        invalid_argument(
            workspaces
                .set_budget(
                    "sales",
                    WorkspaceBudgetInterval::Daily,
                    WorkspaceBudgetSettings::new(-1.0),
                )
                .await
        ),
        "limit_usd"
    );
    let hourly = WorkspaceBudgetInterval::Unknown("hourly".to_owned());
    assert_eq!(api_status(workspaces.budget("sales", hourly).await), 400);
}

#[tokio::test]
async fn the_default_guardrail_exists_once_it_is_first_written() {
    let mock = mock().await;
    let client = client(&mock);
    let workspace = client
        .workspaces()
        .create(NewWorkspace::new("Legal", "legal"))
        .await
        .unwrap();
    let guardrail = workspace.default_guardrail_id;
    assert_eq!(api_status(client.guardrails().get(guardrail).await), 404);
    let written = client
        .guardrails()
        .update(
            guardrail,
            openrouter_mgmt::GuardrailUpdate::new().limit_usd(25.0),
        )
        .await
        .unwrap();
    assert_eq!(written.id, guardrail);
    assert_eq!(written.workspace_id, Some(workspace.id.to_string()));
    assert_eq!(written.limit_usd, Some(25.0));
    let listed = client
        .guardrails()
        .list_in_workspace(workspace.id)
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    // Deleting the workspace takes its guardrails with it.
    assert!(client.workspaces().delete("legal").await.unwrap());
    assert_eq!(api_status(client.guardrails().get(guardrail).await), 404);
}

#[tokio::test]
async fn workspaces_need_a_management_key() {
    let mock = mock().await;
    let nobody = client_with_key(&mock, &format!("sk-or-v1-{}", "0".repeat(64)));
    assert_eq!(api_status(nobody.workspaces().get("default").await), 401);
    let ordinary = client_with_key(&mock, mock.non_management_key());
    assert_eq!(
        api_status(ordinary.workspaces().list().collect_all().await),
        403
    );
    assert_eq!(
        api_status(
            ordinary
                .workspaces()
                .create(NewWorkspace::new("X", "x"))
                .await
        ),
        403
    );
}
