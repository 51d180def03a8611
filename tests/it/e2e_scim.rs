//! SCIM through the facade against the mock: the directory's groups (filtered, paged), group-to-workspace mappings
//! (create, the same mapping again, another role refused, change role, delete with `keep_members`) and a sync job
//! polled to completion, with 404 for unknown groups, workspaces and ids.

use openrouter_mgmt::open_enums::{
    CreateScimGroupMappingRequestRole as NewRole, ScimSyncJobStatus,
    UpdateScimGroupMappingRequestRole as Role,
};
use openrouter_mgmt::{NewScimGroupMapping, ScimGroupFilter};
use uuid::Uuid;

use crate::e2e_support::{api_status, client, client_with_key, mock};

#[tokio::test]
async fn groups_are_mapped_to_workspace_roles() {
    let mock = mock().await;
    let client = client(&mock);
    let scim = client.scim();
    let groups = scim
        .groups()
        .page_size(2)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(groups.len(), 3);
    let sales = scim
        .groups_with(ScimGroupFilter::new().display_name("Sales"))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(sales.len(), 1);
    let workspace = mock.default_workspace_id();

    let mapping = scim
        .create_group_mapping(NewScimGroupMapping::new(
            NewRole::Member,
            sales[0].id,
            workspace,
        ))
        .await
        .unwrap();
    assert_eq!(mapping.role.as_str(), "member");
    let again = scim
        .create_group_mapping(NewScimGroupMapping::new(
            NewRole::Member,
            sales[0].id,
            workspace,
        ))
        .await
        .unwrap();
    assert_eq!(
        again.id, mapping.id,
        "the same mapping is re-applied, not duplicated"
    );
    assert_eq!(
        api_status(
            scim.create_group_mapping(NewScimGroupMapping::new(
                NewRole::Admin,
                sales[0].id,
                workspace
            ))
            .await
        ),
        409
    );
    assert_eq!(
        api_status(
            scim.create_group_mapping(NewScimGroupMapping::new(
                NewRole::Admin,
                Uuid::nil(),
                workspace
            ))
            .await
        ),
        404
    );
    let admin = scim
        .set_group_mapping_role(mapping.id, Role::Admin)
        .await
        .unwrap();
    assert_eq!(admin.role.as_str(), "admin");
    assert_eq!(scim.group_mappings().collect_all().await.unwrap().len(), 1);
    assert!(scim.delete_group_mapping(mapping.id, true).await.unwrap());
    assert_eq!(api_status(scim.group_mapping(mapping.id).await), 404);
}

#[tokio::test]
async fn a_sync_job_is_polled_to_completion() {
    let mock = mock().await;
    let client = client(&mock);
    let job = client.scim().start_sync().await.unwrap();
    assert_eq!(job.status, ScimSyncJobStatus::Queued);
    let mut seen = vec![job.status];
    for _ in 0..5 {
        let polled = client.scim().sync_job(job.id).await.unwrap();
        seen.push(polled.status.clone());
        if polled.status == ScimSyncJobStatus::Succeeded {
            assert_eq!(polled.synced_groups, Some(3));
            assert!(polled.finished_at.is_some());
            break;
        }
    }
    assert_eq!(
        seen,
        [
            ScimSyncJobStatus::Queued,
            ScimSyncJobStatus::Running,
            ScimSyncJobStatus::Succeeded
        ]
    );
    assert_eq!(api_status(client.scim().sync_job(Uuid::nil()).await), 404);
    let ordinary = client_with_key(&mock, mock.non_management_key());
    assert_eq!(api_status(ordinary.scim().start_sync().await), 403);
}
