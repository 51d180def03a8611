//! The mock's memory: API keys, guardrails, key and member assignments, organization members and workspaces, with the
//! invariants the real API keeps (a key or member holds at most one guardrail; deletes cascade to assignments).
//!
//! Every collection is ordered by creation (a sequence number), so lists and pages are stable; sequence numbers
//! are spaced so that list churn (`churn.rs`) can place an item between two others. Timestamps come
//! from a logical clock (one second per write from 2025-01-01T00:00:00Z), so a seed and a sequence of requests
//! determine every byte the mock answers.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use openrouter_mgmt_gen::ids::{GuardrailId, KeyHash, UserId};
use openrouter_mgmt_gen::types;
use uuid::Uuid;

use crate::rng::Rng;
use crate::workspace_store::{WorkspaceStore, new_workspace};

/// The first sequence number: room below it for items placed at the head of a list.
const FIRST_SEQ: u64 = 1 << 62;
/// The gap between consecutive sequence numbers: room for 32 halvings between two items.
const SEQ_STEP: u64 = 1 << 32;

/// The logical clock's origin: 2025-01-01T00:00:00Z.
const CLOCK_ORIGIN: i64 = 1_735_689_600;

/// An API key as the mock stores it (the plaintext secret lives in [`State::secrets`] only).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiKeyRecord {
    pub(crate) hash: KeyHash,
    pub(crate) name: String,
    pub(crate) label: String,
    pub(crate) disabled: bool,
    pub(crate) limit: Option<f64>,
    pub(crate) limit_reset: Option<String>,
    pub(crate) include_byok_in_limit: bool,
    pub(crate) usage: f64,
    pub(crate) byok_usage: f64,
    pub(crate) created_at: String,
    pub(crate) updated_at: Option<String>,
    pub(crate) creator_user_id: Option<UserId>,
    pub(crate) workspace_id: String,
    pub(crate) expires_at: Option<DateTime<Utc>>,
}

/// A key's assignment to a guardrail.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeyAssignmentRecord {
    pub(crate) id: Uuid,
    pub(crate) key_hash: KeyHash,
    pub(crate) guardrail_id: GuardrailId,
    pub(crate) assigned_by: Option<String>,
    pub(crate) created_at: String,
}

/// A member's assignment to a guardrail.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MemberAssignmentRecord {
    pub(crate) id: Uuid,
    pub(crate) user_id: UserId,
    pub(crate) guardrail_id: GuardrailId,
    pub(crate) assigned_by: Option<String>,
    pub(crate) created_at: String,
}

/// What an assignment request did to one key or member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AssignOutcome {
    /// Not assigned before: now assigned to this guardrail.
    Assigned,
    /// Was assigned to another guardrail: moved to this one (the old assignment is gone).
    Moved,
    /// Already assigned to this guardrail: nothing changed.
    Unchanged,
    /// No such key or member: ignored.
    Unknown,
}

/// Everything the mock knows. Held behind a `std::sync::Mutex`; no lock is ever held across an `.await`.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) rng: Rng,
    clock: i64,
    next_seq: u64,
    /// Requests served so far: the tick of the one being served (see [`crate::RecordedRequest::tick`]).
    pub(crate) tick: u64,
    /// The churn configured per list route.
    pub(crate) churn: crate::churn::ChurnBook,
    /// Every list item's lifetime in ticks.
    pub(crate) lifetimes: crate::lifetimes::LifetimeBook,
    pub(crate) management_key: String,
    pub(crate) non_management_key: String,
    pub(crate) default_workspace_id: Uuid,
    pub(crate) organization_id: String,
    /// The user the management key belongs to: `assigned_by` of every assignment it makes.
    pub(crate) owner_user_id: UserId,
    keys: BTreeMap<u64, ApiKeyRecord>,
    /// Key hash → sequence number.
    key_seq: HashMap<String, u64>,
    /// Plaintext secret → key hash, for keys created through the API (they authenticate as ordinary keys).
    secrets: HashMap<String, String>,
    guardrails: BTreeMap<u64, types::Guardrail>,
    guardrail_seq: HashMap<GuardrailId, u64>,
    key_assignments: BTreeMap<u64, KeyAssignmentRecord>,
    /// Key hash → sequence number of its assignment.
    key_assignment_seq: HashMap<String, u64>,
    member_assignments: BTreeMap<u64, MemberAssignmentRecord>,
    /// User id → sequence number of its assignment.
    member_assignment_seq: HashMap<String, u64>,
    members: Vec<UserId>,
    member_set: HashSet<String>,
    /// The organization's members as `GET /organization/members` lists them: the owner, then the members in the
    /// order they joined (churn may move them).
    organization: Vec<UserId>,
    /// Workspaces, their members and budgets (the default workspace from the start).
    pub(crate) workspaces: WorkspaceStore,
    /// The organization's one setting, `is_filtered_model_catalog_enabled`.
    pub(crate) filtered_model_catalog: bool,
    /// Generations that have received feedback (one feedback each).
    pub(crate) feedback: HashSet<String>,
    /// BYOK provider keys, in creation order (their key material is never kept: only its masked label).
    pub(crate) byok_keys: Vec<types::ByokKey>,
    /// External users, in creation order.
    pub(crate) external_users: Vec<types::ExternalUser>,
    /// Private providers, in creation order.
    pub(crate) private_providers: Vec<types::PrivateProvider>,
    /// The SCIM directory's groups (fixed), their workspace mappings and the sync jobs started.
    pub(crate) scim_groups: Vec<types::ScimGroup>,
    pub(crate) scim_mappings: Vec<types::ScimGroupMapping>,
    pub(crate) scim_jobs: Vec<types::ScimSyncJob>,
    /// Private endpoints, in creation order.
    pub(crate) private_endpoints: Vec<crate::private_endpoint_store::PrivateEndpointRecord>,
    /// The `Idempotency-Key`s of private endpoint creates: the fields the key is bound to, and the endpoint's id.
    pub(crate) private_endpoint_keys: HashMap<String, (serde_json::Value, serde_json::Value)>,
    /// Observability destinations as JSON objects, in creation order, with their credentials as sent (answers
    /// mask them).
    pub(crate) destinations: Vec<serde_json::Value>,
}

impl State {
    /// An empty organization whose ids and secrets come from `rng`; `management_key` overrides the generated one.
    pub(crate) fn new(mut rng: Rng, management_key: Option<String>) -> Self {
        let generated_management_key = format!("sk-or-v1-{}", rng.hex64());
        let non_management_key = format!("sk-or-v1-{}", rng.hex64());
        let default_workspace_id = rng.uuid();
        let organization_id = format!("org_{}", &rng.hex64()[..24]);
        let mut state = Self {
            rng,
            clock: 0,
            next_seq: FIRST_SEQ,
            tick: 0,
            churn: crate::churn::ChurnBook::default(),
            lifetimes: crate::lifetimes::LifetimeBook::default(),
            management_key: management_key.unwrap_or(generated_management_key),
            non_management_key,
            default_workspace_id,
            organization_id,
            owner_user_id: UserId::new("user_owner").expect("a valid user id"),
            keys: BTreeMap::new(),
            key_seq: HashMap::new(),
            secrets: HashMap::new(),
            guardrails: BTreeMap::new(),
            guardrail_seq: HashMap::new(),
            key_assignments: BTreeMap::new(),
            key_assignment_seq: HashMap::new(),
            member_assignments: BTreeMap::new(),
            member_assignment_seq: HashMap::new(),
            members: Vec::new(),
            member_set: HashSet::new(),
            organization: Vec::new(),
            workspaces: WorkspaceStore::default(),
            filtered_model_catalog: false,
            feedback: HashSet::new(),
            byok_keys: Vec::new(),
            external_users: Vec::new(),
            private_providers: Vec::new(),
            scim_groups: Vec::new(),
            scim_mappings: Vec::new(),
            scim_jobs: Vec::new(),
            private_endpoints: Vec::new(),
            private_endpoint_keys: HashMap::new(),
            destinations: Vec::new(),
        };
        state.organization.push(state.owner_user_id.clone());
        state.scim_groups =
            crate::scim_directory::directory(default_workspace_id, &state.organization_id);
        let origin = DateTime::from_timestamp(CLOCK_ORIGIN, 0)
            .expect("the clock's origin")
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let default_workspace = new_workspace(
            default_workspace_id,
            "Default Workspace",
            "default",
            &origin,
            &state.owner_user_id,
        );
        state.workspaces.insert(default_workspace);
        state
    }

    /// Advances the logical clock by one second and returns the new time, e.g. `2025-01-01T00:00:01Z`.
    pub(crate) fn now(&mut self) -> String {
        self.clock += 1;
        DateTime::from_timestamp(CLOCK_ORIGIN + self.clock, 0)
            .expect("the logical clock stays in range")
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    fn seq(&mut self) -> u64 {
        self.next_seq += SEQ_STEP;
        self.next_seq
    }

    /// The default workspace id as the API renders it.
    pub(crate) fn default_workspace(&self) -> String {
        self.default_workspace_id.to_string()
    }

    // ---- keys ----

    /// Makes a fresh key hash and plaintext secret (`sk-or-v1-<64 hex>`) and the masked label shown for it.
    pub(crate) fn new_secret(&mut self) -> (KeyHash, String, String) {
        let hash = KeyHash::new(self.rng.hex64()).expect("64 hex digits are a valid key hash");
        let secret_hex = self.rng.hex64();
        let label = format!("sk-or-v1-{}...{}", &secret_hex[..3], &secret_hex[60..]);
        (hash, format!("sk-or-v1-{secret_hex}"), label)
    }

    /// Stores a key; `secret` (if any) then authenticates as that key.
    pub(crate) fn insert_key(&mut self, key: ApiKeyRecord, secret: Option<String>) {
        let seq = self.seq();
        if let Some(secret) = secret {
            self.secrets.insert(secret, key.hash.to_string());
        }
        self.key_seq.insert(key.hash.to_string(), seq);
        self.keys.insert(seq, key);
    }

    /// The key with this hash.
    pub(crate) fn key(&self, hash: &str) -> Option<&ApiKeyRecord> {
        self.key_seq.get(hash).and_then(|seq| self.keys.get(seq))
    }

    /// The key with this hash, for an update.
    pub(crate) fn key_mut(&mut self, hash: &str) -> Option<&mut ApiKeyRecord> {
        let seq = *self.key_seq.get(hash)?;
        self.keys.get_mut(&seq)
    }

    /// The hash of the key whose plaintext secret is `secret`.
    pub(crate) fn key_hash_for_secret(&self, secret: &str) -> Option<&str> {
        self.secrets.get(secret).map(String::as_str)
    }

    /// Every key, in creation order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &ApiKeyRecord> {
        self.keys.values()
    }

    /// Deletes a key, its secret and its guardrail assignment. False if there was no such key.
    pub(crate) fn remove_key(&mut self, hash: &str) -> bool {
        let Some(seq) = self.key_seq.remove(hash) else {
            return false;
        };
        self.keys.remove(&seq);
        self.secrets.retain(|_, h| h != hash);
        if let Some(aseq) = self.key_assignment_seq.remove(hash) {
            self.key_assignments.remove(&aseq);
        }
        true
    }

    // ---- guardrails ----

    /// Stores a guardrail.
    pub(crate) fn insert_guardrail(&mut self, guardrail: types::Guardrail) {
        let seq = self.seq();
        self.guardrail_seq.insert(guardrail.id, seq);
        self.guardrails.insert(seq, guardrail);
    }

    /// The guardrail with this id.
    pub(crate) fn guardrail(&self, id: GuardrailId) -> Option<&types::Guardrail> {
        self.guardrail_seq
            .get(&id)
            .and_then(|seq| self.guardrails.get(seq))
    }

    /// The guardrail with this id, for an update.
    pub(crate) fn guardrail_mut(&mut self, id: GuardrailId) -> Option<&mut types::Guardrail> {
        let seq = *self.guardrail_seq.get(&id)?;
        self.guardrails.get_mut(&seq)
    }

    /// Every guardrail, in creation order.
    pub(crate) fn guardrails(&self) -> impl Iterator<Item = &types::Guardrail> {
        self.guardrails.values()
    }

    /// Deletes a guardrail and every key and member assignment to it. False if there was no such guardrail.
    pub(crate) fn remove_guardrail(&mut self, id: GuardrailId) -> bool {
        let Some(seq) = self.guardrail_seq.remove(&id) else {
            return false;
        };
        self.guardrails.remove(&seq);
        let key_seq = &mut self.key_assignment_seq;
        self.key_assignments.retain(|_, a| {
            let keep = a.guardrail_id != id;
            if !keep {
                key_seq.remove(a.key_hash.as_str());
            }
            keep
        });
        let member_seq = &mut self.member_assignment_seq;
        self.member_assignments.retain(|_, a| {
            let keep = a.guardrail_id != id;
            if !keep {
                member_seq.remove(a.user_id.as_str());
            }
            keep
        });
        true
    }

    // ---- members ----

    /// Adds an organization member (ignored if already present).
    pub(crate) fn add_member(&mut self, user_id: UserId) {
        if self.member_set.insert(user_id.to_string()) {
            self.organization.push(user_id.clone());
            self.members.push(user_id);
        }
    }

    /// Every member, in the order they joined.
    pub(crate) fn members(&self) -> &[UserId] {
        &self.members
    }

    /// The organization's members as its list shows them: the owner first, then the members (in another order
    /// once churn moved them).
    pub(crate) fn organization_members(&self) -> &[UserId] {
        &self.organization
    }

    /// The organization list, to reorder.
    pub(crate) fn organization_members_mut(&mut self) -> &mut [UserId] {
        &mut self.organization
    }

    /// Removes a member (never the owner) with their guardrail assignment and workspace memberships. False if
    /// there was no such member.
    pub(crate) fn remove_member(&mut self, user_id: &str) -> bool {
        if !self.member_set.remove(user_id) {
            return false;
        }
        self.members.retain(|m| m.as_str() != user_id);
        self.organization.retain(|m| m.as_str() != user_id);
        if let Some(seq) = self.member_assignment_seq.remove(user_id) {
            self.member_assignments.remove(&seq);
        }
        self.workspaces.remove_user(user_id);
        true
    }

    // ---- assignments ----

    /// Assigns a key to a guardrail, replacing any assignment it had (which then disappears from every list).
    pub(crate) fn assign_key(&mut self, hash: &str, guardrail_id: GuardrailId) -> AssignOutcome {
        let Some(key_hash) = self.key(hash).map(|k| k.hash.clone()) else {
            return AssignOutcome::Unknown;
        };
        let mut outcome = AssignOutcome::Assigned;
        if let Some(&seq) = self.key_assignment_seq.get(hash) {
            if self.key_assignments[&seq].guardrail_id == guardrail_id {
                return AssignOutcome::Unchanged;
            }
            self.key_assignments.remove(&seq);
            outcome = AssignOutcome::Moved;
        }
        let record = KeyAssignmentRecord {
            id: self.rng.uuid(),
            key_hash,
            guardrail_id,
            assigned_by: Some(self.owner_user_id.to_string()),
            created_at: self.now(),
        };
        let seq = self.seq();
        self.key_assignment_seq.insert(hash.to_owned(), seq);
        self.key_assignments.insert(seq, record);
        outcome
    }

    /// Removes a key's assignment if (and only if) it is to this guardrail. True if one was removed.
    pub(crate) fn unassign_key(&mut self, hash: &str, guardrail_id: GuardrailId) -> bool {
        match self.key_assignment_seq.get(hash) {
            Some(&seq) if self.key_assignments[&seq].guardrail_id == guardrail_id => {
                self.key_assignments.remove(&seq);
                self.key_assignment_seq.remove(hash);
                true
            }
            _ => false,
        }
    }

    /// Every key assignment, oldest first.
    pub(crate) fn key_assignments(&self) -> impl Iterator<Item = &KeyAssignmentRecord> {
        self.key_assignments.values()
    }

    /// The guardrail a key is assigned to, if any.
    pub(crate) fn key_guardrail(&self, hash: &str) -> Option<GuardrailId> {
        self.key_assignment_seq
            .get(hash)
            .map(|seq| self.key_assignments[seq].guardrail_id)
    }

    /// Assigns a member to a guardrail, replacing any assignment they had.
    pub(crate) fn assign_member(
        &mut self,
        user_id: &str,
        guardrail_id: GuardrailId,
    ) -> AssignOutcome {
        if !self.member_set.contains(user_id) {
            return AssignOutcome::Unknown;
        }
        let Ok(member) = UserId::new(user_id) else {
            return AssignOutcome::Unknown;
        };
        let mut outcome = AssignOutcome::Assigned;
        if let Some(&seq) = self.member_assignment_seq.get(user_id) {
            if self.member_assignments[&seq].guardrail_id == guardrail_id {
                return AssignOutcome::Unchanged;
            }
            self.member_assignments.remove(&seq);
            outcome = AssignOutcome::Moved;
        }
        let record = MemberAssignmentRecord {
            id: self.rng.uuid(),
            user_id: member,
            guardrail_id,
            assigned_by: Some(self.owner_user_id.to_string()),
            created_at: self.now(),
        };
        let seq = self.seq();
        self.member_assignment_seq.insert(user_id.to_owned(), seq);
        self.member_assignments.insert(seq, record);
        outcome
    }

    /// Removes a member's assignment if (and only if) it is to this guardrail. True if one was removed.
    pub(crate) fn unassign_member(&mut self, user_id: &str, guardrail_id: GuardrailId) -> bool {
        match self.member_assignment_seq.get(user_id) {
            Some(&seq) if self.member_assignments[&seq].guardrail_id == guardrail_id => {
                self.member_assignments.remove(&seq);
                self.member_assignment_seq.remove(user_id);
                true
            }
            _ => false,
        }
    }

    /// Every member assignment, oldest first.
    pub(crate) fn member_assignments(&self) -> impl Iterator<Item = &MemberAssignmentRecord> {
        self.member_assignments.values()
    }

    /// The guardrail a member is assigned to, if any.
    pub(crate) fn member_guardrail(&self, user_id: &str) -> Option<GuardrailId> {
        self.member_assignment_seq
            .get(user_id)
            .map(|seq| self.member_assignments[seq].guardrail_id)
    }

    // ---- order (for churn) ----

    /// Moves a key to just before `before` in creation order (`None`: leaves it where it is, last).
    pub(crate) fn place_key(&mut self, hash: &str, before: Option<&str>) {
        place(&mut self.keys, &mut self.key_seq, hash, before);
    }

    /// Swaps two keys' places in creation order.
    pub(crate) fn swap_keys(&mut self, a: &str, b: &str) {
        swap(&mut self.keys, &mut self.key_seq, a, b);
    }

    /// Moves a guardrail to just before `before` in creation order.
    pub(crate) fn place_guardrail(&mut self, id: GuardrailId, before: Option<GuardrailId>) {
        place(
            &mut self.guardrails,
            &mut self.guardrail_seq,
            &id,
            before.as_ref(),
        );
    }

    /// Swaps two guardrails' places in creation order.
    pub(crate) fn swap_guardrails(&mut self, a: GuardrailId, b: GuardrailId) {
        swap(&mut self.guardrails, &mut self.guardrail_seq, &a, &b);
    }

    /// Moves the assignment of key `hash` to just before the assignment of key `before`.
    pub(crate) fn place_key_assignment(&mut self, hash: &str, before: Option<&str>) {
        place(
            &mut self.key_assignments,
            &mut self.key_assignment_seq,
            hash,
            before,
        );
    }

    /// Swaps the places of two keys' assignments.
    pub(crate) fn swap_key_assignments(&mut self, a: &str, b: &str) {
        swap(
            &mut self.key_assignments,
            &mut self.key_assignment_seq,
            a,
            b,
        );
    }

    /// Moves the assignment of member `user_id` to just before the assignment of member `before`.
    pub(crate) fn place_member_assignment(&mut self, user_id: &str, before: Option<&str>) {
        place(
            &mut self.member_assignments,
            &mut self.member_assignment_seq,
            user_id,
            before,
        );
    }

    /// Swaps the places of two members' assignments.
    pub(crate) fn swap_member_assignments(&mut self, a: &str, b: &str) {
        swap(
            &mut self.member_assignments,
            &mut self.member_assignment_seq,
            a,
            b,
        );
    }

    /// The assignment of member `user_id`, if they have one.
    pub(crate) fn member_assignment(&self, user_id: &str) -> Option<&MemberAssignmentRecord> {
        self.member_assignment_seq
            .get(user_id)
            .and_then(|seq| self.member_assignments.get(seq))
    }

    /// The assignment of key `hash`, if it has one.
    pub(crate) fn key_assignment(&self, hash: &str) -> Option<&KeyAssignmentRecord> {
        self.key_assignment_seq
            .get(hash)
            .and_then(|seq| self.key_assignments.get(seq))
    }
}

/// Moves the entry of `key` to a free sequence number just before the entry of `before`. Nothing happens when
/// either is unknown or no number is free there (after 32 insertions into the same gap): the entry stays last.
fn place<K, Q, V>(
    map: &mut BTreeMap<u64, V>,
    index: &mut HashMap<K, u64>,
    key: &Q,
    before: Option<&Q>,
) where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
{
    let (Some(&from), Some(&next)) = (index.get(key), before.and_then(|b| index.get(b))) else {
        return;
    };
    let target = match map.range(..next).rev().find(|(seq, _)| **seq != from) {
        Some((&previous, _)) if next - previous >= 2 => previous + (next - previous) / 2,
        Some(_) => return,
        None if next > SEQ_STEP => next - SEQ_STEP,
        None if next >= 2 => next / 2,
        None => return,
    };
    if let Some(value) = map.remove(&from) {
        map.insert(target, value);
        if let Some(seq) = index.get_mut(key) {
            *seq = target;
        }
    }
}

/// Swaps the places of the entries of `a` and `b`.
fn swap<K, Q, V>(map: &mut BTreeMap<u64, V>, index: &mut HashMap<K, u64>, a: &Q, b: &Q)
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: std::hash::Hash + Eq + ?Sized,
{
    let (Some(&sa), Some(&sb)) = (index.get(a), index.get(b)) else {
        return;
    };
    if sa == sb {
        return;
    }
    let (Some(va), Some(vb)) = (map.remove(&sa), map.remove(&sb)) else {
        return;
    };
    map.insert(sa, vb);
    map.insert(sb, va);
    if let Some(seq) = index.get_mut(a) {
        *seq = sb;
    }
    if let Some(seq) = index.get_mut(b) {
        *seq = sa;
    }
}
