//! `docs`: every command with the operation it sends, as Markdown (default), JSON (`--format json`, what checks
//! and scripts read) or a tree (`--format tree`), and the exit codes; man pages (`--format man` prints the
//! top-level page, `--man-dir DIR` writes one page per command) with `clap_mangen`.

use clap::{Arg, Command};
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::error::CliError;
use crate::generated::commands::COMMANDS;
use crate::table::{CommandSpec, Location};

/// The command.
pub(crate) fn command() -> Command {
    Command::new("docs")
        .about("Document every command: markdown, json (command → operationId), tree or man pages")
        .args([
            Arg::new("format")
                .long("format")
                .value_parser(["markdown", "json", "tree", "man"])
                .default_value("markdown"),
            Arg::new("man-dir")
                .long("man-dir")
                .value_name("DIR")
                .conflicts_with("format")
                .help("Write one man page per command (openrouter-mgmt-keys-list.1, ...) into DIR"),
        ])
}

/// Runs it.
pub(crate) fn run(ctx: &Ctx<'_>) -> Result<(), CliError> {
    if let Some(dir) = ctx.leaf.get_one::<String>("man-dir") {
        let dir = ctx.io.cwd.join(dir);
        let failed = |e: std::io::Error| {
            CliError::Failed(format!("cannot write man pages to {}: {e}", dir.display()))
        };
        std::fs::create_dir_all(&dir).map_err(failed)?;
        clap_mangen::generate_to(crate::tree::build(), &dir).map_err(failed)?;
        let pages = std::fs::read_dir(&dir)
            .map_err(failed)?
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "1"))
            })
            .count();
        ctx.out
            .stderr(&format!("{pages} man pages in {}\n", dir.display()));
        return Ok(());
    }
    let text = match ctx.leaf.get_one::<String>("format").map(String::as_str) {
        Some("man") => {
            let mut page = Vec::new();
            clap_mangen::Man::new(crate::tree::build())
                .render(&mut page)
                .map_err(|e| CliError::Failed(format!("cannot render the man page: {e}")))?;
            String::from_utf8_lossy(&page).into_owned()
        }
        Some("json") => format!(
            "{}\n",
            serde_json::to_string_pretty(&json_doc()).unwrap_or_default()
        ),
        Some("tree") => tree(),
        _ => markdown(),
    };
    ctx.out.stdout(&text)
}

fn usage(spec: &CommandSpec) -> String {
    let mut parts = vec![format!("openrouter-mgmt {}", spec.command())];
    for a in spec.args {
        match (a.location, a.required) {
            (Location::Path, _) => parts.push(format!("<{}>", a.flag.to_uppercase())),
            (Location::Query | Location::Header, true) => parts.push(format!("--{} <V>", a.flag)),
            _ => {}
        }
    }
    parts.join(" ")
}

/// The hand-written commands with their paths (`api`, ..., `keys rotate`).
fn hand_written_by_path() -> Vec<(String, Command)> {
    let top = crate::cmd::hand_written()
        .into_iter()
        .map(|c| (c.get_name().to_owned(), c));
    let grafted = crate::cmd::grafted()
        .into_iter()
        .map(|(group, c)| (format!("{group} {}", c.get_name()), c));
    top.chain(grafted).collect()
}

fn json_doc() -> Value {
    let commands: Vec<Value> = COMMANDS
        .iter()
        .map(|c| {
            let info = c.operation.info();
            json!({
                "command": c.command(),
                "operation_id": info.operation_id,
                "operation": info.name,
                "method": c.method,
                "path": c.path_template,
                "summary": c.about,
                "usage": usage(c),
                "list": c.list,
                "confirm": c.confirm,
                "body": c.body.map(|b| b.type_name),
                "secret_output": c.secret_output,
                "deprecated": c.deprecated,
                "args": c.args.iter().map(|a| json!({
                    "name": a.wire,
                    "flag": if a.location == Location::Path { Value::Null } else { json!(format!("--{}", a.flag)) },
                    "in": format!("{:?}", a.location).to_lowercase(),
                    "kind": format!("{:?}", a.kind).to_lowercase(),
                    "required": a.required,
                    "secret": a.secret,
                    "help": a.help,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let hand_written: Vec<Value> = hand_written_by_path()
        .into_iter()
        .map(|(name, c)| json!({"command": name, "summary": c.get_about().map(|a| a.to_string())}))
        .collect();
    json!({
        "commands": commands,
        "hand_written": hand_written,
        "exit_codes": crate::exit::TABLE.iter().map(|(c, m)| json!({"code": c, "meaning": m})).collect::<Vec<_>>(),
    })
}

fn tree() -> String {
    let mut out = String::from("openrouter-mgmt\n");
    let mut previous: Vec<&str> = Vec::new();
    let mut specs: Vec<&CommandSpec> = COMMANDS.iter().collect();
    specs.sort_by_key(|s| s.path);
    for spec in specs {
        let common = previous
            .iter()
            .zip(spec.path)
            .take_while(|(a, b)| a == b)
            .count();
        for (depth, word) in spec.path.iter().enumerate().skip(common) {
            let indent = "  ".repeat(depth + 1);
            if depth + 1 == spec.path.len() {
                out.push_str(&format!(
                    "{indent}{word:<w$} {} {}  ({})\n",
                    spec.method,
                    spec.path_template,
                    spec.operation.info().operation_id,
                    w = 24usize.saturating_sub(indent.len())
                ));
            } else {
                out.push_str(&format!("{indent}{word}\n"));
            }
        }
        previous = spec.path.to_vec();
    }
    for (name, c) in hand_written_by_path() {
        out.push_str(&format!(
            "  {:<22} {}\n",
            name,
            c.get_about().map(|a| a.to_string()).unwrap_or_default()
        ));
    }
    out
}

fn markdown() -> String {
    let mut out = String::from(
        "# openrouter-mgmt commands\n\n| command | operation | method and path |\n|---|---|---|\n",
    );
    for c in COMMANDS.iter() {
        out.push_str(&format!(
            "| `{}` | `{}` | `{} {}` |\n",
            usage(c),
            c.operation.info().operation_id,
            c.method,
            c.path_template
        ));
    }
    out.push_str("\n## Exit codes\n\n| code | meaning |\n|---:|---|\n");
    for (code, meaning) in crate::exit::TABLE {
        out.push_str(&format!("| {code} | {meaning} |\n"));
    }
    out
}
