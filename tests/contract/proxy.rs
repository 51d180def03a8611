//! `prism proxy --errors` in front of the mock: flows that run the operations through the facade (and their declared
//! error paths), then every generated operation the flows did not reach through its scenario, while Prism
//! validates every request the SDK sends and every response the mock returns against the spec. Any violation, at
//! any severity, fails the test, and so does an operation that never reached the mock.

use std::collections::BTreeSet;
use std::time::Duration;

use futures::TryStreamExt;
use openrouter_mgmt::open_enums::{
    CreateKeysBodyLimitReset, GuardrailInterval, UpdateKeysBodyLimitReset,
};
use openrouter_mgmt::{
    Client, Error, GuardrailId, GuardrailUpdate, KeyFilter, KeyHash, KeyUpdate, NewGuardrail,
    NewKey, OperationId, RetryPolicy, UserId,
};
use openrouter_mgmt_mock::{Fault, MockServer};
use openrouter_mgmt_tests::scenarios::{Ids, scenario};

use crate::operations::operations_with_statuses;
use crate::prism::{Prism, settle};

fn client(base_url: &str, key: &str) -> Client {
    Client::builder()
        .api_key(key)
        .base_url(base_url)
        .request_timeout(Some(Duration::from_secs(30)))
        .retry_policy(RetryPolicy::no_retries())
        .build()
        .expect("client")
}

fn status_of(result: Result<impl std::fmt::Debug, Error>) -> u16 {
    let error = result.expect_err("an error was expected");
    match &error {
        Error::Api { status, .. } => *status,
        Error::Bulk { source, .. } => source.status().unwrap_or_else(|| panic!("{error:?}")),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_through_prism_proxy_has_no_violations() {
    let mock = MockServer::builder()
        .seed(11)
        .keys(150)
        .guardrails(3)
        .members(5)
        .start()
        .await
        .expect("mock");
    let prism = Prism::proxy(&mock.base_url()).await;
    let sdk = client(&prism.base_url(), mock.management_key());
    let keys = sdk.keys();
    let guardrails = sdk.guardrails();

    // Keys.
    let me = keys.current().await.expect("current key");
    assert!(me.is_management_key);
    let created = keys
        .create(
            NewKey::new("contract key")
                .limit(5.0)
                .limit_reset(CreateKeysBodyLimitReset::Monthly)
                .include_byok_in_limit(true)
                .workspace_id(mock.default_workspace_id()),
        )
        .await
        .expect("create key");
    let hash: KeyHash = created.data.hash.clone();
    let second: KeyHash = keys
        .create(NewKey::new("second key"))
        .await
        .expect("create key")
        .data
        .hash;
    let listed = keys
        .list_with(KeyFilter::new().include_disabled(true))
        .collect_all()
        .await
        .expect("list keys");
    assert_eq!(listed.len(), 152, "150 seeded + 2 created, over two pages");
    keys.get(&hash).await.expect("get key");
    keys.update(
        &hash,
        KeyUpdate::new()
            .name("renamed")
            .clear_limit()
            .disabled(false)
            .include_byok_in_limit(false)
            .limit_reset(UpdateKeysBodyLimitReset::Daily),
    )
    .await
    .expect("update key");

    // Guardrails.
    let guardrail = guardrails
        .create(
            NewGuardrail::new("contract guardrail")
                .description("made by the contract test")
                .limit_usd(10.0)
                .reset_interval(GuardrailInterval::Weekly)
                .allowed_providers(["openai", "anthropic"])
                .allowed_models(["openai/gpt-5.2"])
                .ignored_providers(["azure"])
                .ignored_models(["openai/gpt-4o-mini"])
                .include_byok_in_budgets(true),
        )
        .await
        .expect("create guardrail");
    let id = guardrail.id;
    let all = guardrails
        .list()
        .page_size(2)
        .unwrap()
        .collect_all()
        .await
        .expect("list guardrails");
    assert_eq!(all.len(), 4);
    guardrails.get(id).await.expect("get guardrail");
    guardrails
        .update(
            id,
            GuardrailUpdate::new()
                .clear_limit_usd()
                .clear_description()
                .clear_allowed_models()
                .ignored_providers(["azure", "together"])
                .name("renamed guardrail"),
        )
        .await
        .expect("update guardrail");

    // Assignments.
    guardrails
        .assign_keys(id, [hash.clone(), second.clone()])
        .await
        .expect("assign keys");
    let members: Vec<UserId> = mock.members();
    guardrails
        .assign_members(id, members.clone())
        .await
        .expect("assign members");
    assert_eq!(
        guardrails
            .key_assignments()
            .collect_all()
            .await
            .expect("key assignments")
            .len(),
        2
    );
    assert_eq!(
        guardrails
            .member_assignments()
            .collect_all()
            .await
            .expect("member assignments")
            .len(),
        members.len()
    );
    let mine = guardrails
        .guardrail_key_assignments(id)
        .page_size(1)
        .unwrap()
        .collect_all()
        .await
        .expect("guardrail keys");
    assert_eq!(mine.len(), 2);
    let mine = guardrails
        .guardrail_member_assignments(id)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .expect("guardrail members");
    assert_eq!(mine.len(), members.len());
    guardrails
        .unassign_keys(id, [second.clone()])
        .await
        .expect("unassign keys");
    guardrails
        .unassign_members(id, members[..2].to_vec())
        .await
        .expect("unassign members");

    // Declared error paths: 401 (every operation), 403 (creates), 404 (unknown ids), 400 (bad bodies).
    let stranger = client(&prism.base_url(), "sk-or-v1-nobody-knows-this-key");
    assert_eq!(status_of(stranger.keys().current().await), 401);
    assert_eq!(status_of(stranger.keys().list().collect_all().await), 401);
    assert_eq!(
        status_of(stranger.guardrails().list().collect_all().await),
        401
    );
    assert_eq!(
        status_of(stranger.guardrails().assign_keys(id, [hash.clone()]).await),
        401
    );
    let ordinary = client(&prism.base_url(), mock.non_management_key());
    assert_eq!(
        status_of(ordinary.keys().create(NewKey::new("x")).await),
        403
    );
    assert_eq!(
        status_of(ordinary.guardrails().create(NewGuardrail::new("x")).await),
        403
    );
    let unknown_key =
        KeyHash::new("0000000000000000000000000000000000000000000000000000000000000000").unwrap();
    let unknown_guardrail = GuardrailId::new(uuid::Uuid::from_u128(7));
    assert_eq!(status_of(keys.get(&unknown_key).await), 404);
    assert_eq!(
        status_of(keys.update(&unknown_key, KeyUpdate::new().name("x")).await),
        404
    );
    assert_eq!(status_of(keys.delete(&unknown_key).await), 404);
    assert_eq!(status_of(guardrails.get(unknown_guardrail).await), 404);
    assert_eq!(
        status_of(
            guardrails
                .update(unknown_guardrail, GuardrailUpdate::new().name("x"))
                .await
        ),
        404
    );
    assert_eq!(status_of(guardrails.delete(unknown_guardrail).await), 404);
    assert_eq!(
        status_of(
            guardrails
                .guardrail_key_assignments(unknown_guardrail)
                .collect_all()
                .await
        ),
        404
    );
    assert_eq!(
        status_of(
            guardrails
                .guardrail_member_assignments(unknown_guardrail)
                .collect_all()
                .await
        ),
        404
    );
    assert_eq!(
        status_of(
            guardrails
                .assign_keys(unknown_guardrail, [hash.clone()])
                .await
        ),
        404
    );
    assert_eq!(
        status_of(
            guardrails
                .unassign_keys(unknown_guardrail, [hash.clone()])
                .await
        ),
        404
    );
    assert_eq!(
        status_of(
            guardrails
                .assign_members(unknown_guardrail, members.clone())
                .await
        ),
        404
    );
    assert_eq!(
        status_of(
            guardrails
                .unassign_members(unknown_guardrail, members.clone())
                .await
        ),
        404
    );

    // Every generated operation the flows above did not reach runs its scenario, so a new operation is covered as
    // soon as it has one (and `operations_with_statuses` fails, naming it, until it does).
    let reached = |mock: &MockServer| -> BTreeSet<OperationId> {
        mock.requests().iter().filter_map(|r| r.operation).collect()
    };
    let ids = Ids::make(&sdk, "flow", hash.clone(), id, members[0].clone()).await;
    let already = reached(&mock);
    for (op, run, _) in operations_with_statuses() {
        if !already.contains(&op) {
            let _ = run(&sdk, &ids).await;
        }
    }

    // Clean up.
    assert!(keys.delete(&hash).await.expect("delete key"));
    assert!(keys.delete(&second).await.expect("delete key"));
    assert!(guardrails.delete(id).await.expect("delete guardrail"));

    settle(&prism).await;
    let violations = prism.violations();
    let seen: BTreeSet<&str> = reached(&mock).into_iter().map(OperationId::name).collect();
    let expected: BTreeSet<&str> = OperationId::ALL.iter().map(|op| op.name()).collect();
    println!(
        "prism proxy --errors: {} requests through Prism, {} reached the mock, {} operations, violations: {}",
        prism.requests_received(),
        mock.requests().len(),
        seen.len(),
        violations.len()
    );
    assert!(
        violations.is_empty(),
        "{} violation(s):\n{}",
        violations.len(),
        violations.join("\n")
    );
    assert_eq!(
        seen, expected,
        "every operation reached the mock through Prism"
    );
    assert_eq!(
        prism.requests_received(),
        mock.requests().len(),
        "Prism forwarded every request"
    );
}

/// The proxy does catch a response that breaks the spec, for every operation: the mock answers each one once without
/// a required field, and Prism must log the violation and (with `--errors`) answer an error instead of passing the
/// body on. A schema Prism cannot compile is skipped silently (as a nullable enum listing `null` once was), so this
/// proves each operation's response schema is really checked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prism_proxy_reports_a_broken_answer_of_every_operation() {
    let mock = MockServer::builder()
        .seed(5)
        .members(3)
        .start()
        .await
        .expect("mock");
    let prism = Prism::proxy(&mock.base_url()).await;
    let through_prism = client(&prism.base_url(), mock.management_key());
    let direct = client(&mock.base_url(), mock.management_key());
    let mut unchecked = Vec::new();
    for op in OperationId::ALL {
        // An answer without a body (a 204) has nothing to break.
        if op.info().response.is_none() {
            continue;
        }
        let run = scenario(op).unwrap_or_else(|| panic!("{op} has no scenario"));
        // Fresh objects for each operation (a delete's scenario removes its own), made without Prism.
        let key = direct
            .keys()
            .create(NewKey::new(format!("broken answer {op}")))
            .await
            .expect("create key")
            .data
            .hash;
        let guardrail = direct
            .guardrails()
            .create(NewGuardrail::new(format!("broken answer {op}")))
            .await
            .expect("create guardrail")
            .id;
        let tag = op.name().replace('_', "-");
        let ids = Ids::make(&direct, &tag, key, guardrail, mock.members()[0].clone()).await;
        settle(&prism).await;
        let before = prism.violations().len();
        mock.faults().once(op, Fault::SchemaViolation);
        let result = run(&through_prism, &ids).await;
        settle(&prism).await;
        let reported = prism.violations().len() > before;
        let refused = result.as_ref().is_err_and(|e| e.status() == Some(500));
        if !(reported && refused) {
            unchecked.push(format!(
                "{op}: violation reported: {reported}, result: {result:?}"
            ));
        }
    }
    assert!(
        unchecked.is_empty(),
        "Prism passed a broken answer on for {} operation(s):\n{}",
        unchecked.len(),
        unchecked.join("\n")
    );
    // The next, unspoiled request passes.
    let before = prism.violations().len();
    through_prism.keys().current().await.expect("current key");
    settle(&prism).await;
    assert_eq!(prism.violations().len(), before, "{:?}", prism.violations());
}

/// Clearing an enum field with `null` (`limit_reset`, `reset_interval`), which the API documents ("or null for no
/// reset") and the facade sends, must pass Prism like every other request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clearing_enum_fields_with_null_passes_prism() {
    let mock = MockServer::start().await.expect("mock");
    let prism = Prism::proxy(&mock.base_url()).await;
    let sdk = client(&prism.base_url(), mock.management_key());
    let mut outcomes = Vec::new();
    let created = sdk
        .keys()
        .create(NewKey::new("k").limit_reset(CreateKeysBodyLimitReset::Weekly))
        .await
        .expect("create key");
    let hash: KeyHash = created.data.hash.clone();
    outcomes.push(format!(
        "PATCH /keys/{{hash}} {{\"limit_reset\": null}}: {:?}",
        sdk.keys()
            .update(&hash, KeyUpdate::new().clear_limit_reset())
            .await
            .map(|k| k.limit_reset)
    ));
    let guardrail = sdk
        .guardrails()
        .create(
            NewGuardrail::new("g")
                .reset_interval(GuardrailInterval::Weekly)
                .limit_usd(1.0),
        )
        .await
        .expect("create guardrail");
    outcomes.push(format!(
        "PATCH /guardrails/{{id}} {{\"reset_interval\": null}}: {:?}",
        sdk.guardrails()
            .update(
                GuardrailId::new(guardrail.id),
                GuardrailUpdate::new().clear_reset_interval()
            )
            .await
            .map(|g| g.reset_interval)
    ));
    settle(&prism).await;
    let violations = prism.violations();
    assert!(
        violations.is_empty(),
        "{} violation(s):\n{}\noutcomes:\n{}",
        violations.len(),
        violations.join("\n"),
        outcomes.join("\n")
    );
}
