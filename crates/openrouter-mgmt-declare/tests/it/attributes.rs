//! Attributes kept as sub-resources: a workspace's budgets and members and a guardrail's members converge, change
//! with only the calls that differ, and export back to a file that plans empty.

use openrouter_mgmt_declare::{Allow, export, plan, read_workspaces};
use openrouter_mgmt_mock::MockServer;

use crate::support::{apply_file, client, desired, plan_for, writes};

fn file(budgets: &str, members: &[String], guarded: &[String]) -> String {
    format!(
        r#"version = 1
[stack]
name = "teams"
owns = ["workspace:team"]

[workspaces.team]
name = "Team"
budgets = {budgets}
members = {members:?}
default_guardrail = {{ allowed_data_regions = ["eu"], enforce_zdr_other = true }}

[guardrails.cap]
workspace = "team"
limit_usd = 10
reset_interval = "daily"
members = {guarded:?}
"#
    )
}

#[tokio::test]
async fn budgets_and_members_converge_with_only_the_calls_that_differ() {
    let mock = MockServer::builder().members(6).start().await.unwrap();
    let users: Vec<String> = mock.members().iter().map(ToString::to_string).collect();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let first = desired(
        dir.path(),
        &file("{ monthly = 500.0, daily = 20 }", &users[..3], &users[..2]),
    );
    let report = apply_file(&client, &first, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:?}");
    let again = plan_for(&client, &first).await.unwrap();
    assert!(
        again.is_empty(),
        "{}",
        openrouter_mgmt_declare::text(&again)
    );
    assert_eq!(
        mock.member_guardrail(&users[0]).map(|g| g.to_string()),
        again.matched.get("guardrail.cap").cloned()
    );

    // One budget changes, one goes; one member joins, one leaves; the guardrail's members swap one.
    let second = desired(
        dir.path(),
        &file(
            "{ monthly = 450 }",
            &[users[1].clone(), users[2].clone(), users[3].clone()],
            &[users[1].clone(), users[4].clone()],
        ),
    );
    let planned = plan_for(&client, &second).await.unwrap();
    assert_eq!(
        planned.attributes.len(),
        3,
        "{}",
        openrouter_mgmt_declare::text(&planned)
    );
    mock.clear_requests();
    let report = apply_file(&client, &second, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:?}");
    let sent = writes(&mock);
    assert_eq!(
        sent.len(),
        6,
        "PUT monthly, DELETE daily, add, remove, unassign, assign: {sent:?}"
    );
    assert!(plan_for(&client, &second).await.unwrap().is_empty());

    // Export writes the attributes back; the exported file plans empty.
    let slugs = ["team".to_owned()].into_iter().collect();
    let live = read_workspaces(&client, &slugs).await.unwrap();
    let text = export(&live, "teams", &slugs);
    assert!(
        text.contains("budgets") && text.contains("members"),
        "{text}"
    );
    let exported = desired(dir.path(), &text);
    let planned = plan(&exported, &live).unwrap();
    assert!(
        planned.is_empty(),
        "{}\n{text}",
        openrouter_mgmt_declare::text(&planned)
    );
}

#[tokio::test]
async fn the_default_guardrail_is_configured_in_place_never_created_or_deleted() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let first = desired(dir.path(), &file("{}", &[], &[]));
    assert_eq!(
        apply_file(&client, &first, &Allow::default(), dir.path())
            .await
            .unwrap()
            .exit_code(),
        0
    );
    assert!(plan_for(&client, &first).await.unwrap().is_empty());
    // Two guardrails now live in the workspace (its default one and `cap`); dropping `cap` deletes only `cap`.
    assert_eq!(mock.guardrail_count(), 2);
    let text = file("{}", &[], &[]).replace(
        "[guardrails.cap]\nworkspace = \"team\"\nlimit_usd = 10\nreset_interval = \"daily\"\nmembers = []\n",
        "",
    );
    let without_cap = desired(dir.path(), &text);
    let allow = Allow {
        delete: true,
        ..Allow::default()
    };
    let planned = plan_for(&client, &without_cap).await.unwrap();
    assert_eq!(
        planned.count(openrouter_mgmt_declare::Op::Delete),
        1,
        "{}",
        openrouter_mgmt_declare::text(&planned)
    );
    assert_eq!(
        apply_file(&client, &without_cap, &allow, dir.path())
            .await
            .unwrap()
            .exit_code(),
        0
    );
    assert_eq!(mock.guardrail_count(), 1, "the default guardrail stays");
    // A changed setting is one update of the default guardrail.
    let changed = desired(
        dir.path(),
        &text.replace("enforce_zdr_other = true", "enforce_zdr_other = false"),
    );
    mock.clear_requests();
    assert_eq!(
        apply_file(&client, &changed, &Allow::default(), dir.path())
            .await
            .unwrap()
            .exit_code(),
        0
    );
    assert_eq!(writes(&mock).len(), 1, "{:?}", writes(&mock));
    assert!(plan_for(&client, &changed).await.unwrap().is_empty());
}

#[test]
fn a_malformed_attribute_names_its_address() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.toml");
    let bad = openrouter_mgmt_declare::parse(&path, &file("{ hourly = 5 }", &[], &[])).unwrap_err();
    assert!(
        bad.to_string().contains("`workspace.team.budgets`"),
        "{bad}"
    );
    assert!(bad.to_string().contains("hourly"), "{bad}");
}

#[tokio::test]
async fn a_private_endpoint_goes_through_its_lifecycle_and_an_upstream_change_replaces_it() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let file = |status: &str, url: &str| {
        format!(
            "version = 1\n[stack]\nname = \"pe\"\nowns = [\"kind:private_endpoint\"]\n\n[private_endpoints.llama]\nprovider_slug = \"acme\"\nmodel_permaslug = \"meta-llama/llama-3.1-8b-instruct\"\nupstream_model_id = \"llama-8b\"\nbase_url = \"{url}\"\nstatus = \"{status}\"\n"
        )
    };
    let url = "https://llm.acme.example/v1";
    // Created as a draft, then validated and activated; the plan after it is empty.
    let active = desired(dir.path(), &file("active", url));
    assert_eq!(
        apply_file(&client, &active, &Allow::default(), dir.path())
            .await
            .unwrap()
            .exit_code(),
        0
    );
    let planned = plan_for(&client, &active).await.unwrap();
    assert!(
        planned.is_empty(),
        "{}",
        openrouter_mgmt_declare::text(&planned)
    );
    // Disabled: one write.
    let disabled = desired(dir.path(), &file("disabled", url));
    mock.clear_requests();
    assert_eq!(
        apply_file(&client, &disabled, &Allow::default(), dir.path())
            .await
            .unwrap()
            .exit_code(),
        0
    );
    assert_eq!(writes(&mock).len(), 1, "{:?}", writes(&mock));
    assert!(plan_for(&client, &disabled).await.unwrap().is_empty());
    // Back to draft is refused at apply (an activated endpoint cannot), and the file's upstream change replaces it.
    let moved = desired(dir.path(), &file("active", "https://llm2.acme.example/v1"));
    let planned = plan_for(&client, &moved).await.unwrap();
    assert_eq!(
        planned.count(openrouter_mgmt_declare::Op::Replace),
        1,
        "{}",
        openrouter_mgmt_declare::text(&planned)
    );
    assert_eq!(
        apply_file(&client, &moved, &Allow::default(), dir.path())
            .await
            .unwrap()
            .exit_code(),
        0
    );
    let after = plan_for(&client, &moved).await.unwrap();
    assert!(
        after.is_empty(),
        "{}",
        openrouter_mgmt_declare::text(&after)
    );
    let draft = desired(dir.path(), &file("draft", "https://llm2.acme.example/v1"));
    let report = apply_file(&client, &draft, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 4, "{report:?}");
}
