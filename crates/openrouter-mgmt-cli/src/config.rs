//! Where the management key and the base URL come from: flags (`--management-key-file`, `--management-key-stdin`,
//! `--base-url`) over the environment (`OPENROUTER_MANAGEMENT_KEY`, then `OPENROUTER_API_KEY`;
//! `OPENROUTER_BASE_URL`) over a profile of the config file (`<config dir>/openrouter-mgmt/config.toml`, or
//! `$OPENROUTER_MGMT_CONFIG_DIR/config.toml`), whose profiles hold key *sources* (an environment variable, a
//! file, a command), never a key.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use clap::ArgMatches;
use serde::Deserialize;

use crate::error::CliError;
use crate::input::Sources;
use crate::tree::ids;

/// The config file's name inside the config directory.
pub(crate) const CONFIG_FILE: &str = "config.toml";

/// The config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    /// The profile used when none is named.
    #[serde(default)]
    pub(crate) default_profile: Option<String>,
    /// Profiles by name.
    #[serde(default)]
    pub(crate) profiles: BTreeMap<String, Profile>,
}

/// One profile.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    /// The API's base URL.
    #[serde(default)]
    pub(crate) base_url: Option<String>,
    /// Where the management key comes from.
    #[serde(default)]
    pub(crate) key: Option<KeySource>,
}

/// A management key's source: `{ env = "VAR" }`, `{ file = "PATH" }` or `{ command = ["op", "read", "..."] }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(crate) enum KeySource {
    /// An environment variable.
    Env {
        /// Its name.
        env: String,
    },
    /// A file (its first line).
    File {
        /// Its path.
        file: PathBuf,
    },
    /// A command's stdout (its first line).
    Command {
        /// The program and its arguments.
        command: Vec<String>,
    },
}

/// The settings a run resolved, and where each came from (for `auth status`; never the key itself).
#[derive(Debug)]
pub(crate) struct Resolved {
    /// The management key, if one was found.
    pub(crate) key: Option<String>,
    /// Where the key came from, or why there is none.
    pub(crate) key_source: String,
    /// The base URL.
    pub(crate) base_url: String,
    /// Where it came from.
    pub(crate) base_url_source: String,
    /// The profile used, if any.
    pub(crate) profile: Option<String>,
}

/// The config directory.
pub(crate) fn config_dir(env: &BTreeMap<String, String>) -> Option<PathBuf> {
    match env.get("OPENROUTER_MGMT_CONFIG_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::config_dir().map(|d| d.join("openrouter-mgmt")),
    }
}

/// Reads the config file (an absent file is an empty config).
pub(crate) fn load(env: &BTreeMap<String, String>) -> Result<ConfigFile, CliError> {
    let Some(path) = config_dir(env).map(|d| d.join(CONFIG_FILE)) else {
        return Ok(ConfigFile::default());
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            toml::from_str(&text).map_err(|e| CliError::Invalid(format!("{}: {e}", path.display())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
        Err(e) => Err(CliError::Failed(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().trim().to_owned()
}

/// Resolves the key and base URL: flags > environment > profile > default.
pub(crate) fn resolve(matches: &ArgMatches, sources: &Sources<'_>) -> Result<Resolved, CliError> {
    let env = sources.env;
    let non_empty = |name: &str| env.get(name).filter(|v| !v.is_empty()).cloned();
    let config = load(env)?;
    let profile_name = matches
        .get_one::<String>(ids::PROFILE)
        .cloned()
        .or_else(|| non_empty("OPENROUTER_MGMT_PROFILE"))
        .or_else(|| config.default_profile.clone());
    let profile =
        match &profile_name {
            Some(name) => Some(config.profiles.get(name).ok_or_else(|| {
                CliError::Usage(format!("no profile `{name}` in the config file"))
            })?),
            None => None,
        };

    let (key, key_source) = if let Some(path) = matches.get_one::<String>(ids::KEY_FILE) {
        (
            Some(first_line(&sources.read(path, "--management-key-file")?)),
            format!("--management-key-file {path}"),
        )
    } else if matches.get_flag(ids::KEY_STDIN) {
        (
            Some(first_line(&sources.read("-", "the management key")?)),
            "--management-key-stdin".to_owned(),
        )
    } else if let Some(key) = non_empty("OPENROUTER_MANAGEMENT_KEY") {
        (Some(key), "env OPENROUTER_MANAGEMENT_KEY".to_owned())
    } else if let Some(key) = non_empty("OPENROUTER_API_KEY") {
        (Some(key), "env OPENROUTER_API_KEY".to_owned())
    } else if let Some(source) = profile.and_then(|p| p.key.as_ref()) {
        let name = profile_name.clone().unwrap_or_default();
        match source {
            KeySource::Env { env: var } => (non_empty(var), format!("profile {name}: env {var}")),
            KeySource::File { file } => (
                Some(first_line(
                    &sources.read(&file.to_string_lossy(), "the profile's key file")?,
                )),
                format!("profile {name}: file {}", file.display()),
            ),
            KeySource::Command { command } => {
                let (program, args) = command.split_first().ok_or_else(|| {
                    CliError::Invalid(format!("profile {name}: the key command is empty"))
                })?;
                let output = Command::new(program)
                    .args(args)
                    .current_dir(sources.cwd)
                    .output()
                    .map_err(|e| {
                        CliError::Failed(format!("profile {name}: cannot run {program}: {e}"))
                    })?;
                if !output.status.success() {
                    return Err(CliError::NoKey(format!(
                        "profile {name}: the key command exited with {}",
                        output.status
                    )));
                }
                (
                    Some(first_line(&String::from_utf8_lossy(&output.stdout))),
                    format!("profile {name}: command {program}"),
                )
            }
        }
    } else {
        (
            None,
            "none: set OPENROUTER_MANAGEMENT_KEY, or use --management-key-file, --management-key-stdin or a profile"
                .to_owned(),
        )
    };
    let key = key.filter(|k| !k.is_empty());
    if let Some(key) = &key {
        sources.out.secret(key);
    }

    let (base_url, base_url_source) = if let Some(url) = matches.get_one::<String>(ids::BASE_URL) {
        (url.clone(), "--base-url".to_owned())
    } else if let Some(url) = non_empty("OPENROUTER_BASE_URL") {
        (url, "env OPENROUTER_BASE_URL".to_owned())
    } else if let Some(url) = profile.and_then(|p| p.base_url.clone()) {
        (
            url,
            format!("profile {}", profile_name.clone().unwrap_or_default()),
        )
    } else {
        (
            openrouter_mgmt::DEFAULT_BASE_URL.to_owned(),
            "default".to_owned(),
        )
    };
    Ok(Resolved {
        key,
        key_source,
        base_url,
        base_url_source,
        profile: profile_name,
    })
}

/// A client for the resolved settings (`None` when there is no key; the reason is in `key_source`).
pub(crate) fn client(resolved: &Resolved) -> Result<Option<openrouter_mgmt::Client>, CliError> {
    let Some(key) = &resolved.key else {
        return Ok(None);
    };
    openrouter_mgmt::Client::builder()
        .api_key(key.clone())
        .base_url(resolved.base_url.clone())
        .build()
        .map(Some)
        .map_err(|e| match e {
            openrouter_mgmt::Error::InvalidInput {
                argument: "base_url",
                ..
            } => CliError::Invalid(e.to_string()),
            openrouter_mgmt::Error::InvalidInput { .. } => CliError::NoKey(e.to_string()),
            other => CliError::Api(other),
        })
}
