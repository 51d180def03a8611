//! Profiles hold key sources; precedence is flags > environment > profile, and `auth status` names the source
//! that won (never the key).

use crate::support::{env_for, mock, run_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flags_beat_the_environment_which_beats_the_profile() {
    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "default_profile = \"mock\"\n[profiles.mock]\nbase_url = \"{}\"\nkey = {{ env = \"MOCK_KEY\" }}\n",
            mock.base_url()
        ),
    )
    .unwrap();
    let mut env = env_for(&mock);
    env.insert(
        "OPENROUTER_MGMT_CONFIG_DIR".into(),
        dir.path().to_string_lossy().into_owned(),
    );
    env.insert("MOCK_KEY".into(), mock.management_key().into());
    let status = |env, args: &'static [&'static str]| {
        let dir = dir.path().to_path_buf();
        async move {
            let mut argv = vec!["auth", "status", "-o", "json"];
            argv.extend_from_slice(args);
            let out = run_with(&argv, env, &dir, "").await;
            (
                out.code,
                serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap(),
                out.stdout,
            )
        }
    };
    // The environment wins over the profile.
    let (code, s, text) = status(env.clone(), &[]).await;
    assert_eq!(code, 0);
    assert_eq!(s["key_source"], "env OPENROUTER_MANAGEMENT_KEY");
    assert_eq!(s["key"]["is_management_key"], true);
    assert!(!text.contains(mock.management_key()));
    // Without it, the profile's source.
    let mut profile_only = env.clone();
    profile_only.remove("OPENROUTER_MANAGEMENT_KEY");
    profile_only.remove("OPENROUTER_BASE_URL");
    let (code, s, _) = status(profile_only.clone(), &[]).await;
    assert_eq!(code, 0);
    assert_eq!(s["key_source"], "profile mock: env MOCK_KEY");
    assert_eq!(s["base_url_source"], "profile mock");
    // A flag beats both.
    std::fs::write(dir.path().join("k"), mock.management_key()).unwrap();
    let (code, s, _) = status(env.clone(), &["--management-key-file", "k"]).await;
    assert_eq!(code, 0);
    assert_eq!(s["key_source"], "--management-key-file k");
    // No key anywhere: exit 5.
    profile_only.remove("MOCK_KEY");
    let (code, _, _) = status(profile_only, &[]).await;
    assert_eq!(code, 5);
    mock.shutdown().await;
}
