//! The starting data: N keys, guardrails and organization members (and optionally some assignments), all drawn
//! from the seeded PRNG so that the same seed always produces the same organization, byte for byte; and N of each
//! other resource (workspaces, BYOK keys, external users, private providers, observability destinations), made
//! through the operations' own behaviour so that they are exactly what the API would have stored.

use chrono::{DateTime, Utc};
use openrouter_mgmt_gen::ids::{GuardrailId, UserId};

use openrouter_mgmt_gen::OperationId;
use serde_json::{Value, json};

use crate::guardrails;
use crate::rng::Rng;
use crate::state::{ApiKeyRecord, State};

/// What to put in the mock before it serves its first request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SeedConfig {
    pub(crate) seed: u64,
    pub(crate) keys: usize,
    pub(crate) guardrails: usize,
    pub(crate) members: usize,
    pub(crate) assigned_keys: usize,
    pub(crate) assigned_members: usize,
    pub(crate) management_key: Option<String>,
    /// Resources made through their create operation: how many of each.
    pub(crate) resources: ResourceCounts,
}

/// How many of each resource to make through its create operation before the first request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ResourceCounts {
    pub(crate) workspaces: usize,
    pub(crate) byok_keys: usize,
    pub(crate) external_users: usize,
    pub(crate) private_providers: usize,
    pub(crate) destinations: usize,
}

impl Default for SeedConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            keys: 0,
            guardrails: 0,
            members: 10,
            assigned_keys: 0,
            assigned_members: 0,
            management_key: None,
            resources: ResourceCounts::default(),
        }
    }
}

const RESETS: [Option<&str>; 4] = [None, Some("daily"), Some("weekly"), Some("monthly")];
const PROVIDERS: [&str; 5] = ["openai", "anthropic", "google", "deepseek", "mistral"];
/// Providers the BYOK operations know by these slugs.
const BYOK_PROVIDERS: [&str; 3] = ["openai", "anthropic", "mistral"];

/// Builds the seeded state.
pub(crate) fn build(config: &SeedConfig) -> State {
    let mut state = State::new(Rng::new(config.seed), config.management_key.clone());
    for n in 1..=config.members {
        state.add_member(UserId::new(format!("user_{n}")).expect("a valid user id"));
    }
    for n in 1..=config.keys {
        let key = seeded_key(&mut state, n);
        state.insert_key(key, None);
    }
    for n in 1..=config.guardrails {
        let id = GuardrailId::new(state.rng.uuid());
        let (workspace, created_at) = (state.default_workspace(), state.now());
        let mut g = guardrails::blank(id, format!("Seed guardrail {n}"), workspace, created_at);
        g.description = Some(format!("Guardrail {n} seeded by openrouter-mgmt-mock"));
        if state.rng.below(2) == 0 {
            g.limit_usd =
                Some(f64::from(u32::try_from(state.rng.below(200) + 1).expect("small")) * 5.0);
            g.reset_interval =
                RESETS[usize::try_from(state.rng.below(4)).expect("small")].map(Into::into);
        }
        if state.rng.below(3) == 0 {
            let first = usize::try_from(state.rng.below(4)).expect("small");
            g.allowed_providers = Some(
                PROVIDERS[first..=first + 1]
                    .iter()
                    .map(|p| (*p).to_owned())
                    .collect(),
            );
        }
        state.insert_guardrail(g);
    }
    let guardrail_ids: Vec<_> = state.guardrails().map(|g| g.id).collect();
    if !guardrail_ids.is_empty() {
        let hashes: Vec<String> = state
            .keys()
            .take(config.assigned_keys)
            .map(|k| k.hash.to_string())
            .collect();
        for hash in hashes {
            let g = guardrail_ids[pick(&mut state.rng, guardrail_ids.len())];
            state.assign_key(&hash, g);
        }
        let users: Vec<String> = state
            .members()
            .iter()
            .take(config.assigned_members)
            .map(UserId::to_string)
            .collect();
        for user in users {
            let g = guardrail_ids[pick(&mut state.rng, guardrail_ids.len())];
            state.assign_member(&user, g);
        }
    }
    seed_resources(&mut state, &config.resources);
    state
}

/// The request body of seeded resource number `n`.
type SeedBody = fn(usize) -> Value;

/// Makes each requested resource by running its create operation, as a management-key request would.
fn seed_resources(state: &mut State, counts: &ResourceCounts) {
    use OperationId as Op;
    let bodies: [(OperationId, usize, SeedBody); 5] = [
        (
            Op::CreateWorkspace,
            counts.workspaces,
            |n| json!({"name": format!("Seed workspace {n}"), "slug": format!("seed-workspace-{n}")}),
        ),
        (
            Op::CreateByokKey,
            counts.byok_keys,
            |n| json!({"key": format!("sk-seed-provider-key-{n:04}-0123456789"), "provider": BYOK_PROVIDERS[n % BYOK_PROVIDERS.len()]}),
        ),
        (
            Op::CreateExternalUser,
            counts.external_users,
            |n| json!({"user": format!("seed-user-{n}")}),
        ),
        (
            Op::CreatePrivateProvider,
            counts.private_providers,
            |n| json!({"name": format!("Seed provider {n}")}),
        ),
        (
            Op::CreateObservabilityDestination,
            counts.destinations,
            |n| {
                json!({"name": format!("Seed destination {n}"), "type": "webhook",
                   "config": {"url": format!("https://hooks.example.com/seed/{n}")}})
            },
        ),
    ];
    for (operation, count, body) in bodies {
        for n in 1..=count {
            if let Err(e) = crate::dispatch::run_as_management(state, operation, &body(n)) {
                panic!("seeding {operation} {n} failed: {}", e.message);
            }
        }
    }
}

fn pick(rng: &mut Rng, len: usize) -> usize {
    usize::try_from(rng.below(len as u64)).expect("below len")
}

/// Seeded key number `n`: one in ten disabled, half with a limit, some usage, one in five expiring.
pub(crate) fn seeded_key(state: &mut State, n: usize) -> ApiKeyRecord {
    let (hash, _secret, label) = state.new_secret();
    let rng = &mut state.rng;
    let cents =
        |rng: &mut Rng, max: u64| f64::from(u32::try_from(rng.below(max)).expect("small")) / 100.0;
    let usage = cents(rng, 5_000);
    let disabled = rng.below(10) == 0;
    let limit = (rng.below(2) == 0).then(|| usage + cents(rng, 10_000));
    let limit_reset = RESETS[pick(rng, RESETS.len())].map(str::to_owned);
    let byok_usage = if rng.below(4) == 0 {
        cents(rng, 1_000)
    } else {
        0.0
    };
    let expires_at = (rng.below(5) == 0).then(|| {
        DateTime::<Utc>::from_timestamp(
            1_830_297_600 + i64::try_from(rng.below(86_400 * 365)).expect("small"),
            0,
        )
        .expect("in range")
    });
    let members = state.members().len();
    let creator_user_id = Some(if members == 0 {
        state.owner_user_id.clone()
    } else {
        let i = pick(&mut state.rng, members);
        state.members()[i].clone()
    });
    ApiKeyRecord {
        hash,
        name: format!("Seed key {n}"),
        label,
        disabled,
        limit,
        limit_reset,
        include_byok_in_limit: false,
        usage,
        byok_usage,
        created_at: state.now(),
        updated_at: None,
        creator_user_id,
        workspace_id: state.default_workspace(),
        expires_at,
    }
}
