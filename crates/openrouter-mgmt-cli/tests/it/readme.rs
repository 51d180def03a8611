//! The READMEs' command-line examples run hermetically: every `console` block of the root README and of this
//! crate's README is read, and each `$ openrouter-mgmt …` line (or `$ NAME=$(openrouter-mgmt …)`, whose output
//! later lines use as `$NAME`) runs in-process against the embedded mock the READMEs tell readers to serve, and
//! must exit 0.

use std::collections::BTreeMap;
use std::path::Path;

use openrouter_mgmt_mock::MockServer;

use crate::support::{env_for, run_with};

/// The program every example line runs.
const PROGRAM: &str = "openrouter-mgmt";

/// The example lines of every `console` block of `markdown`, without their `$ ` prompt.
fn examples(markdown: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut inside = false;
    for line in markdown.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            inside = !inside && trimmed == "```console";
            continue;
        }
        if inside && let Some(command) = trimmed.strip_prefix("$ ") {
            lines.push(command.to_owned());
        }
    }
    lines
}

/// A command line split as a POSIX shell would for these examples: whitespace, single and double quotes, and
/// `$NAME` expanded outside single quotes from `vars`.
fn words(line: &str, vars: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if let Some(w) = word.take() {
                    out.push(w);
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                word.get_or_insert_with(String::new);
            }
            (Some(q), c) if c == q => quote = None,
            (q, '$') if q != Some('\'') => {
                let mut name = String::new();
                while let Some(n) = chars.next_if(|n| n.is_ascii_alphanumeric() || *n == '_') {
                    name.push(n);
                }
                let value = vars.get(&name).unwrap_or_else(|| {
                    panic!("`${name}` is not set by an earlier example: {line}")
                });
                word.get_or_insert_with(String::new).push_str(value);
            }
            (_, c) => word.get_or_insert_with(String::new).push(c),
        }
    }
    assert!(quote.is_none(), "unclosed quote: {line}");
    out.extend(word);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_examples_run_against_the_mock() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut total = 0;
    for readme in [root.join("../../README.md"), root.join("README.md")] {
        let text = std::fs::read_to_string(&readme).expect("the README");
        let lines = examples(&text);
        assert!(
            lines.len() >= 5,
            "{} has five examples in a console block",
            readme.display()
        );
        // What the READMEs say to serve: `mock serve --seed 7 --keys 5`.
        let mock = MockServer::builder()
            .seed(7)
            .keys(5)
            .start()
            .await
            .expect("mock starts");
        let dir = tempfile::tempdir().unwrap();
        let mut vars = BTreeMap::new();
        for line in &lines {
            let (capture, command) = match line.split_once("=$(") {
                Some((name, rest)) => (
                    Some(name.to_owned()),
                    rest.strip_suffix(')')
                        .unwrap_or_else(|| panic!("`$(` without `)`: {line}")),
                ),
                None => (None, line.as_str()),
            };
            let argv = words(command, &vars);
            assert_eq!(argv.first().map(String::as_str), Some(PROGRAM), "{line}");
            let args: Vec<&str> = argv[1..].iter().map(String::as_str).collect();
            let out = run_with(&args, env_for(&mock), dir.path(), "").await;
            assert_eq!(out.code, 0, "{line}\n{}", out.stderr);
            if let Some(name) = capture {
                let value = out.stdout.trim().to_owned();
                assert!(!value.is_empty(), "{line} printed nothing to capture");
                vars.insert(name, value);
            }
            total += 1;
        }
    }
    assert!(total >= 10);
}

#[test]
fn example_lines_split_like_a_shell() {
    let vars = BTreeMap::from([("K".to_owned(), "abc".to_owned())]);
    assert_eq!(
        words(r#"a "b c" 'd $K' "$K" x$K"#, &vars),
        ["a", "b c", "d $K", "abc", "xabc"]
    );
    let md = "```sh\n$ no\n```\n```console\n$ openrouter-mgmt one\nout\n```\n$ not\n";
    assert_eq!(examples(md), ["openrouter-mgmt one"]);
}
