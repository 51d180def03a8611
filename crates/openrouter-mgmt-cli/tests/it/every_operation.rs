//! Every operation under `openapi/` is reachable from the command tree and dispatches to its typed operation:
//! `docs --format json` names one command per operation, and each command, run in-process with valid arguments
//! (its printed body template as the body), reaches the embedded mock as that operation (the mock's request log
//! says which operation each request resolved to), with exit 0 or 1 (the mock's 4xx for placeholder ids).

use std::collections::BTreeSet;

use openrouter_mgmt::OperationId;
use serde_json::Value;

use crate::support::{docs, env_for, mock, run_with};

/// A value the argument's kind accepts (UUID-shaped, so UUID-typed ids decode too).
fn sample(arg: &Value) -> String {
    let known = arg["help"].as_str().unwrap_or_default();
    if let Some(values) = known.split("[known values: ").nth(1) {
        return values
            .split([',', ']'])
            .next()
            .unwrap_or("x")
            .trim()
            .to_owned();
    }
    match arg["kind"].as_str() {
        Some("int") | Some("num") => "1".into(),
        Some("bool") => "true".into(),
        _ => "00000000-0000-4000-8000-000000000001".into(),
    }
}

/// The argv that runs `command` with its required arguments and its body template.
pub(crate) async fn argv_for(command: &Value, dir: &std::path::Path) -> Vec<String> {
    let words: Vec<String> = command["command"]
        .as_str()
        .unwrap()
        .split(' ')
        .map(str::to_owned)
        .collect();
    let mut argv = words.clone();
    for arg in command["args"].as_array().unwrap() {
        match (
            arg["in"].as_str().unwrap(),
            arg["required"].as_bool().unwrap(),
        ) {
            ("path", _) => argv.push(sample(arg)),
            ("query" | "header", true) => {
                argv.push(arg["flag"].as_str().unwrap().to_owned());
                argv.push(sample(arg));
            }
            _ => {}
        }
    }
    if command["body"].is_string() {
        let mut template_argv: Vec<&str> = words.iter().map(String::as_str).collect();
        template_argv.push("--body-template");
        let template = run_with(&template_argv, Default::default(), dir, "").await;
        assert_eq!(
            template.code, 0,
            "{}: {}",
            command["command"], template.stderr
        );
        let file = dir.join(format!("{}.json", command["operation"].as_str().unwrap()));
        std::fs::write(&file, &template.stdout).unwrap();
        argv.push("--json-body".into());
        argv.push(file.to_string_lossy().into_owned());
    }
    if command["list"].as_bool().unwrap() {
        argv.extend(["--limit".into(), "1".into()]);
    }
    argv.extend(["--yes".into(), "-o".into(), "json".into()]);
    argv
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_is_a_command_that_sends_it() {
    let docs = docs().await;
    let commands = docs["commands"].as_array().unwrap();
    let named: BTreeSet<OperationId> = commands
        .iter()
        .map(|c| {
            OperationId::from_name(c["operation_id"].as_str().unwrap()).expect("a known operation")
        })
        .collect();
    assert_eq!(
        named,
        BTreeSet::from(OperationId::ALL),
        "one command per operation"
    );
    assert_eq!(
        commands.len(),
        OperationId::ALL.len(),
        "and no operation twice"
    );
    assert_eq!(openrouter_mgmt_cli::commands().len(), 78);

    let mock = mock().await;
    let dir = tempfile::tempdir().unwrap();
    let mut reached = BTreeSet::new();
    for command in commands {
        let id = OperationId::from_name(command["operation_id"].as_str().unwrap()).unwrap();
        let argv = argv_for(command, dir.path()).await;
        let args: Vec<&str> = argv.iter().map(String::as_str).collect();
        let before = mock.requests_to(id).len();
        let out = run_with(&args, env_for(&mock), dir.path(), "").await;
        assert!(
            out.code == 0 || out.code == 1,
            "`{}` exited {}: {}",
            argv.join(" "),
            out.code,
            out.stderr
        );
        let after = mock.requests_to(id).len();
        assert!(
            after > before,
            "`{}` sent no {id} request (exit {}, stderr {})",
            argv.join(" "),
            out.code,
            out.stderr
        );
        reached.insert(id);
    }
    assert_eq!(reached.len(), 78, "78/78 operations reached");
    mock.shutdown().await;
}

#[tokio::test]
async fn docs_json_names_each_command_with_its_operation_id() {
    let docs = docs().await;
    let keys_list = docs["commands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["command"] == "keys list")
        .unwrap();
    assert_eq!(keys_list["operation_id"], "list");
    assert_eq!(keys_list["method"], "GET");
    assert_eq!(keys_list["path"], "/keys");
    let codes: Vec<u64> = docs["exit_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_u64().unwrap())
        .collect();
    assert_eq!(codes, [0, 1, 2, 3, 4, 5, 64, 65, 130]);
}
