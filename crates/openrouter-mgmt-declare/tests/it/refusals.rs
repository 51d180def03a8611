//! The safety rules, as a table: each case is applied against an account that matches a base file, must be refused
//! with exit 3, and must send zero writes.

use openrouter_mgmt_declare::Allow;
use openrouter_mgmt_mock::MockServer;

use crate::support::{EXAMPLE, apply_file, client, desired, writes};

#[tokio::test]
async fn every_refusal_exits_3_and_sends_no_write() {
    let cases: Vec<(&str, String, Allow, &str)> = vec![
        (
            "a protected key would be replaced",
            EXAMPLE.replace("name = \"backend (prod)\"", "name = \"backend (prod)\"\nexpires_at = 2030-01-01T00:00:00Z"),
            Allow { replace: ["key.backend".to_owned()].into(), ..Allow::default() },
            "key.backend is protected",
        ),
        (
            "a key would be replaced without --allow-replace",
            EXAMPLE.replace("expires_at = 2027-06-30T00:00:00Z", "expires_at = 2028-06-30T00:00:00Z"),
            Allow::default(),
            "pass --allow-replace key.ci-runner",
        ),
        (
            "a delete without --allow-delete",
            EXAMPLE.replace("[guardrails.ci-cap]\nworkspace = \"eu-team\"\nlimit_usd = 25\nreset_interval = \"weekly\"\n", "")
                .replace("guardrail = \"ci-cap\"", "guardrail = \"eu-providers\""),
            Allow::default(),
            "deletes 1 (guardrail.ci-cap); pass --allow-delete",
        ),
        (
            "a rename without a pin",
            EXAMPLE.replace("[keys.batch]", "[keys.batch-renamed]"),
            Allow { delete: true, ..Allow::default() },
            "looks like a rename",
        ),
        (
            "a file that empties its owned scope",
            "version = 1\n[stack]\nname = \"eu-prod\"\nowns = [\"workspace:eu-team\"]\n".to_owned(),
            Allow { delete: true, ..Allow::default() },
            "--allow-empty-scope",
        ),
    ];
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let base = desired(dir.path(), EXAMPLE);
    assert_eq!(
        apply_file(&client, &base, &Allow::default(), dir.path())
            .await
            .unwrap()
            .exit_code(),
        0
    );
    for (name, text, allow, says) in cases {
        mock.clear_requests();
        let desired = desired(dir.path(), &text);
        let error = apply_file(&client, &desired, &allow, dir.path())
            .await
            .expect_err(name);
        assert_eq!(error.exit_code(), 3, "{name}: {error}");
        assert!(error.to_string().contains(says), "{name}: {error}");
        assert_eq!(writes(&mock), Vec::<String>::new(), "{name}");
    }
}

#[tokio::test]
async fn a_value_the_spec_refuses_is_invalid_before_any_write() {
    let mock = MockServer::start().await.unwrap();
    let client = client(&mock);
    let dir = tempfile::tempdir().unwrap();
    let desired = desired(dir.path(), &EXAMPLE.replace("limit = 25.0", "limit = -5"));
    let error = apply_file(&client, &desired, &Allow::default(), dir.path())
        .await
        .unwrap_err();
    assert_eq!(error.exit_code(), 65, "{error}");
    assert!(error.to_string().contains("key.ci-runner"), "{error}");
    assert!(error.to_string().contains("limit"), "{error}");
    assert_eq!(writes(&mock), Vec::<String>::new());
}

#[test]
fn a_misspelt_field_or_table_names_its_address_and_what_is_known() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.toml");
    let misspelt = openrouter_mgmt_declare::parse(
        &path,
        &EXAMPLE.replace("limit_reset = \"weekly\"", "limit_rest = \"weekly\""),
    )
    .unwrap_err();
    assert_eq!(misspelt.exit_code(), 65);
    assert!(
        misspelt.to_string().contains("`key.ci-runner.limit_rest`"),
        "{misspelt}"
    );
    assert!(misspelt.to_string().contains("limit_reset"), "{misspelt}");
    let table =
        openrouter_mgmt_declare::parse(&path, &EXAMPLE.replace("[keys.batch]", "[key.batch]"))
            .unwrap_err();
    assert!(table.to_string().contains("unknown table `key`"), "{table}");
    let dangling = openrouter_mgmt_declare::parse(
        &path,
        &EXAMPLE.replace("guardrail = \"ci-cap\"", "guardrail = \"nope\""),
    )
    .unwrap_err();
    assert!(
        dangling.to_string().contains("guardrail.nope"),
        "{dangling}"
    );
}
