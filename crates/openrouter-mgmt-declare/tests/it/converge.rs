//! Convergence: apply makes the next plan empty and a second apply sends no write; export then plan is empty; a
//! lost create answer leaves exactly one key; a failure mid-apply exits 4 and the next apply finishes the job.

use openrouter_mgmt::OperationId;
use openrouter_mgmt_declare::{Allow, Op, plan};
use openrouter_mgmt_mock::{Fault, FaultRule, MockServer};

use crate::support::{EXAMPLE, apply_file, client, desired, export_everything, plan_for, writes};

#[tokio::test]
async fn the_example_applies_then_plans_empty_and_a_second_apply_sends_no_write() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let desired = desired(dir.path(), EXAMPLE);

    let first = plan_for(&client, &desired).await.unwrap();
    assert_eq!(
        first.count(Op::Create),
        6,
        "{}",
        openrouter_mgmt_declare::text(&first)
    );
    assert_eq!(first.assignments.len(), 3);

    let report = apply_file(&client, &desired, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:?}");
    assert_eq!(report.secrets_written.len(), 3);
    for path in &report.secrets_written {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.starts_with("sk-or-"), "the sink holds the plaintext");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
    }

    let second = plan_for(&client, &desired).await.unwrap();
    assert!(
        second.is_empty(),
        "{}",
        openrouter_mgmt_declare::text(&second)
    );

    mock.clear_requests();
    let again = apply_file(&client, &desired, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(again.outcomes.len(), 0);
    assert_eq!(writes(&mock), Vec::<String>::new());
    assert_eq!(mock.key_count(), 3);
}

#[tokio::test]
async fn a_changed_file_updates_in_place_moves_assignments_and_deletes_inside_the_owned_scope() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    apply_file(
        &client,
        &desired(dir.path(), EXAMPLE),
        &Allow::default(),
        dir.path(),
    )
    .await
    .unwrap();
    let changed = EXAMPLE
        .replace("limit_usd = 300.0", "limit_usd = 350")
        .replace("allowed_providers = [\"mistral\", \"nebius\", \"scaleway\"]", "allowed_providers = [\"scaleway\", \"mistral\"]")
        .replace("guardrail = \"ci-cap\"", "guardrail = \"eu-providers\"")
        .replace("[keys.batch]\nworkspace = \"eu-team\"\nlimit = \"none\"\nguardrail = \"eu-providers\"\ndisabled = true\n", "");
    let desired = desired(dir.path(), &changed);
    let plan = plan_for(&client, &desired).await.unwrap();
    let text = openrouter_mgmt_declare::text(&plan);
    assert_eq!(plan.count(Op::Update), 1, "{text}");
    assert_eq!(plan.count(Op::Delete), 1, "{text}");
    assert_eq!(plan.count(Op::Create), 0, "{text}");
    assert_eq!(plan.assignments.len(), 1, "{text}");
    assert!(
        text.contains("~ limit_usd: 300.0 → 350") || text.contains("~ limit_usd: 300 → 350"),
        "{text}"
    );
    assert!(text.contains("- \"nebius\""), "{text}");

    let refused = apply_file(&client, &desired, &Allow::default(), dir.path())
        .await
        .unwrap_err();
    assert_eq!(refused.exit_code(), 3, "{refused}");
    let allow = Allow {
        delete: true,
        ..Allow::default()
    };
    let report = apply_file(&client, &desired, &allow, dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:?}");
    assert!(plan_for(&client, &desired).await.unwrap().is_empty());
    assert_eq!(mock.key_count(), 2);
}

#[tokio::test]
async fn export_then_plan_is_empty_on_a_seeded_account() {
    let mock = MockServer::builder()
        .seed(11)
        .workspaces(3)
        .keys(40)
        .guardrails(6)
        .assigned_keys(12)
        .byok_keys(4)
        .destinations(4)
        .private_providers(2)
        .assigned_members(3)
        .start()
        .await
        .unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let (live, text) = export_everything(&client).await;
    let desired = desired(dir.path(), &text);
    assert!(desired.objects.len() >= 40, "{}", desired.objects.len());
    for table in [
        "[workspaces.",
        "[guardrails.",
        "[keys.",
        "[byok.",
        "[destinations.",
        "[private_providers.",
        "[organization]",
    ] {
        assert!(
            text.contains(table),
            "{table} missing from the export:\n{text}"
        );
    }
    assert!(
        text.contains("members = ["),
        "member assignments exported:\n{text}"
    );
    let plan = plan(&desired, &live).unwrap();
    assert!(
        plan.is_empty(),
        "{}\n{text}",
        openrouter_mgmt_declare::text(&plan)
    );
    // And against a fresh read, through the same path `plan` takes.
    assert!(plan_for(&client, &desired).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_lost_key_create_answer_leaves_exactly_one_key_whose_plaintext_was_delivered() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let file = "version = 1\n[stack]\nname = \"s\"\nsecrets = { sink = { dir = \"out\" } }\n[keys.one]\nlimit = 5\n";
    let desired = desired(dir.path(), file);
    mock.faults()
        .add(FaultRule::new(OperationId::CreateKeys, Fault::ApplyThenClose).times(1));
    let report = apply_file(&client, &desired, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:?}");
    assert_eq!(report.orphans_deleted.len(), 1, "{report:?}");
    assert_eq!(mock.key_count(), 1);
    assert_eq!(report.secrets_written.len(), 1);
    assert!(plan_for(&client, &desired).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_failure_mid_apply_exits_4_schedules_nothing_new_and_the_next_apply_converges() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let desired = desired(dir.path(), EXAMPLE);
    // The workspace create fails for good (400 is not retried): nothing that depends on it may start.
    mock.faults()
        .add(FaultRule::new(OperationId::CreateWorkspace, Fault::Status(400)).times(1));
    let report = apply_file(&client, &desired, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 4, "{report:?}");
    assert!(report.failed() >= 1 && report.skipped() >= 1, "{report:?}");
    assert_eq!(report.skipped(), 6, "{report:?}");
    assert_eq!(
        (mock.key_count(), mock.guardrail_count()),
        (0, 0),
        "no wave after the failure"
    );
    let report = apply_file(&client, &desired, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:?}");
    assert!(plan_for(&client, &desired).await.unwrap().is_empty());
    assert_eq!(mock.key_count(), 3);
}

#[tokio::test]
async fn private_providers_are_owned_by_kind_and_converge() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let file = |display: &str| {
        format!(
            "version = 1\n[stack]\nname = \"p\"\nowns = [\"kind:private_provider\"]\n\n[private_providers.acme-ai]\nname = \"acme-ai\"\ndisplay_name = \"{display}\"\nbase_url = \"https://llm.acme.example/v1\"\n"
        )
    };
    let first = desired(dir.path(), &file("Acme"));
    assert_eq!(
        apply_file(&client, &first, &Allow::default(), dir.path())
            .await
            .unwrap()
            .exit_code(),
        0
    );
    assert!(plan_for(&client, &first).await.unwrap().is_empty());
    let renamed = desired(dir.path(), &file("Acme AI"));
    let planned = plan_for(&client, &renamed).await.unwrap();
    assert_eq!(
        planned.count(Op::Update),
        1,
        "{}",
        openrouter_mgmt_declare::text(&planned)
    );
    assert_eq!(
        apply_file(&client, &renamed, &Allow::default(), dir.path())
            .await
            .unwrap()
            .exit_code(),
        0
    );
    assert!(plan_for(&client, &renamed).await.unwrap().is_empty());
    // Owned by kind: a provider the file drops is deleted (with --allow-delete and --allow-empty-scope).
    let empty = desired(
        dir.path(),
        "version = 1\n[stack]\nname = \"p\"\nowns = [\"kind:private_provider\"]\n",
    );
    let allow = Allow {
        delete: true,
        empty_scope: true,
        ..Allow::default()
    };
    assert_eq!(
        plan_for(&client, &empty).await.unwrap().count(Op::Delete),
        1
    );
    assert_eq!(
        apply_file(&client, &empty, &allow, dir.path())
            .await
            .unwrap()
            .exit_code(),
        0
    );
    assert!(plan_for(&client, &empty).await.unwrap().is_empty());
}

#[tokio::test]
async fn organization_settings_are_updated_in_place_and_unknown_ones_refused() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let file = |on: bool| {
        format!(
            "version = 1\n[stack]\nname = \"o\"\n[organization]\nis_filtered_model_catalog_enabled = {on}\n"
        )
    };
    for on in [true, false] {
        let desired = desired(dir.path(), &file(on));
        mock.clear_requests();
        assert_eq!(
            apply_file(&client, &desired, &Allow::default(), dir.path())
                .await
                .unwrap()
                .exit_code(),
            0
        );
        assert!(writes(&mock).len() <= 1, "{:?}", writes(&mock));
        assert!(plan_for(&client, &desired).await.unwrap().is_empty());
    }
    let unknown = openrouter_mgmt_declare::parse(
        &dir.path().join("s.toml"),
        &format!("{}colour = \"blue\"\n", file(true)),
    )
    .unwrap_err();
    assert!(
        unknown.to_string().contains("organization.colour"),
        "{unknown}"
    );
}

#[test]
fn the_readme_and_every_example_file_validate() {
    let readme = include_str!("../../README.md");
    let start = readme.find("```toml\n").expect("a toml block") + "```toml\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("README.md", &readme[start..end]),
        ("eu-team.toml", EXAMPLE),
        (
            "byok-and-traces.toml",
            include_str!("../../examples/byok-and-traces.toml"),
        ),
    ];
    let examples = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples"))
        .unwrap()
        .count();
    assert_eq!(
        examples,
        files.len() - 1,
        "every example file is listed here"
    );
    for (name, text) in files {
        let desired = openrouter_mgmt_declare::parse(&dir.path().join(name), text)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        openrouter_mgmt_declare::validate_offline(&desired)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[tokio::test]
async fn private_endpoints_and_scim_mappings_export_and_plan_empty_and_rehearse() {
    use futures::StreamExt;
    let mock = MockServer::builder()
        .seed(4)
        .workspaces(1)
        .start()
        .await
        .unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let groups = client.scim().groups().items();
    futures::pin_mut!(groups);
    let group = groups
        .next()
        .await
        .expect("the mock's directory has groups")
        .unwrap()
        .id;
    let file = format!(
        "version = 1\n[stack]\nname = \"x\"\n\n[private_endpoints.llama]\nprovider_slug = \"acme\"\nmodel_permaslug = \"meta-llama/llama-3.1-8b-instruct\"\nupstream_model_id = \"llama-8b\"\nbase_url = \"https://LLM.acme.example/v1/\"\nstatus = \"active\"\n\n[scim_mappings.eng]\nscim_group_id = \"{group}\"\nrole = \"member\"\n"
    );
    let first = desired(dir.path(), &file);
    let report = apply_file(&client, &first, &Allow::default(), dir.path())
        .await
        .unwrap();
    assert_eq!(report.exit_code(), 0, "{report:?}");
    let planned = plan_for(&client, &first).await.unwrap();
    assert!(
        planned.is_empty(),
        "the URL compares without case or trailing slash: {}",
        openrouter_mgmt_declare::text(&planned)
    );
    let (live, text) = export_everything(&client).await;
    assert!(
        text.contains("[private_endpoints.") && text.contains("[scim_mappings."),
        "{text}"
    );
    assert!(text.contains("status = \"active\""), "{text}");
    let exported = desired(dir.path(), &text);
    let planned = plan(&exported, &live).unwrap();
    assert!(
        planned.is_empty(),
        "{}\n{text}",
        openrouter_mgmt_declare::text(&planned)
    );
    // A rehearsal of disabling it, on a copy that holds the endpoint: one write there, none here.
    let disable = desired(
        dir.path(),
        &file.replace("status = \"active\"", "status = \"disabled\""),
    );
    let live = openrouter_mgmt_declare::read_live(&client, &disable)
        .await
        .unwrap();
    let planned = plan(&disable, &live).unwrap();
    mock.clear_requests();
    let rehearsal = openrouter_mgmt_declare::rehearse(&disable, &live, &planned, &[], 2)
        .await
        .unwrap();
    assert!(
        rehearsal.converges(),
        "{:?}\n{}",
        rehearsal.report,
        openrouter_mgmt_declare::text(&rehearsal.replan)
    );
    assert_eq!(
        rehearsal
            .requests
            .iter()
            .filter(|r| !r.starts_with("GET"))
            .count(),
        1,
        "{:?}",
        rehearsal.requests
    );
    assert!(
        mock.requests().is_empty(),
        "the rehearsal sent nothing to the account"
    );
}
