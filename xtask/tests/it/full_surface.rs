//! The whole reference spec is under `openapi/` (the reference-import test proves it) and the committed generated
//! crate is its regeneration (the regen-check test proves that): here, what the generator must have made of it, with
//! all 78 operations and the discriminated union decoded by its discriminator.

use crate::support::repo_root;

#[test]
fn every_operation_of_the_reference_spec_is_generated() {
    let read = |name: &str| {
        std::fs::read_to_string(
            repo_root()
                .join("crates/openrouter-mgmt-gen/src")
                .join(name),
        )
        .unwrap()
    };
    let (types, operations) = (read("generated.rs"), read("operations.rs"));

    assert!(operations.contains("pub const OPERATIONS: [OperationInfo; 78usize]"));
    assert_eq!(operations.matches("impl crate::Operation for ").count(), 78);

    // The discriminated union: no longer untagged, decoded by `type`, with a variant for unknown types.
    let union = section(&types, "pub enum ObservabilityDestination {");
    assert!(union.contains("Unknown(::serde_json::Value)"), "{union}");
    assert!(
        types.contains("impl<'de> ::serde::Deserialize<'de> for ObservabilityDestination {"),
        "no discriminator-driven Deserialize"
    );
    assert!(
        types.contains("Some(\"langsmith\") => {"),
        "no arm for `langsmith`"
    );
    let before = &types[..types.find("pub enum ObservabilityDestination {").unwrap()];
    let attrs = &before[before.rfind("///").unwrap()..];
    assert!(!attrs.contains("untagged"), "{attrs}");

    // Credentials inside the union's members are secrets (the overlay names fields of nested objects).
    let langsmith = section(
        &types,
        "pub struct ObservabilityLangsmithDestinationConfig {",
    );
    assert!(
        langsmith.contains("pub api_key: crate::SecretString,"),
        "{langsmith}"
    );

    // The other rewrites: `keep_members` is a bool, the provider's data policy is one type, and the error type of
    // `POST /private-endpoints` is the shared envelope.
    assert!(operations.contains("pub keep_members: bool,"));
    assert_eq!(
        types
            .matches("pub struct PrivateProviderDataPolicy {")
            .count(),
        1
    );
    assert!(!types.contains("CreatePrivateEndpointValidationFailedResponse"));
    // String patterns (in array items, query and path parameters, nested configs) never reach typify, whose
    // pattern-checked newtypes would call `regress`; the `Validate` impls check request patterns instead.
    assert!(!types.contains("regress"));
    assert!(operations.contains("static PATTERN"));
    assert!(types.contains("pub(crate) fn default_bool<const V: bool>() -> bool"));
}

/// The text from `start` to the next line that closes an item at the module's indentation.
fn section<'a>(text: &'a str, start: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no `{start}`"));
    let rest = &text[from..];
    let end = rest.find("\n    }\n").map_or(rest.len(), |i| i + 6);
    &rest[..end]
}
