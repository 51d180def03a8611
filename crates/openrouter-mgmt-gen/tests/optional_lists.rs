//! An optional list generated as a plain `Vec` is absent when empty: it is left out of the JSON and its
//! constraints (`minItems`) are not checked, while a list that is sent, or an empty one the type can tell from an
//! absent one (`Option<Vec>`, `Patch<Vec>`), is checked.

use openrouter_mgmt_gen::Validate;
use openrouter_mgmt_gen::open_enums::ObservabilityDataRegionInput;
use openrouter_mgmt_gen::types::{
    CreateObservabilityDestinationRequest, UpdateObservabilityDestinationRequest,
};

#[test]
fn an_empty_optional_list_is_neither_sent_nor_checked() {
    let update = UpdateObservabilityDestinationRequest::new().enabled(false);
    assert_eq!(update.validate(), Ok(()));
    let json = serde_json::to_value(&update).unwrap();
    assert_eq!(json, serde_json::json!({"enabled": false}));
}

#[test]
fn a_sent_list_is_checked() {
    let update =
        UpdateObservabilityDestinationRequest::new().regions([ObservabilityDataRegionInput::Eu]);
    assert_eq!(update.validate(), Ok(()));
    assert_eq!(
        serde_json::to_value(&update).unwrap()["regions"],
        serde_json::json!(["eu"])
    );
    let empty_allowlist = CreateObservabilityDestinationRequest::new(
        openrouter_mgmt_gen::SecretMap::new(),
        "n",
        "webhook",
    )
    .api_key_hashes(Vec::<String>::new());
    let invalid = empty_allowlist.validate().unwrap_err();
    assert_eq!(invalid.argument, "api_key_hashes");
}
