//! The declarative commands (`plan`, `apply`, `drift`, `export`, `validate`, `fmt`, `schema`): the engine of
//! `openrouter-mgmt-declare` on the command line's client, output choke point and exit codes (2 changes present,
//! 3 refused with nothing sent, 4 partially applied, 65 invalid file).

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::{Arg, ArgAction, Command};
use openrouter_mgmt::Client;
use openrouter_mgmt_declare as declare;
use serde_json::json;

use crate::app::Ctx;
use crate::error::CliError;
use crate::output::Format;
use crate::tree::ids;

/// The first words of these commands.
pub(crate) const NAMES: [&str; 7] = [
    "plan", "apply", "drift", "export", "validate", "fmt", "schema",
];

fn file_arg() -> Arg {
    Arg::new("file")
        .short('f')
        .long("file")
        .value_name("FILE")
        .required(true)
        .help("The desired-state file (TOML)")
}

fn rotate_arg() -> Arg {
    Arg::new("rotate")
        .long("rotate")
        .value_name("ADDR")
        .action(ArgAction::Append)
        .help("Rotate this object's secrets (BYOK key, destination credentials) whatever their masked forms say")
}

fn target_arg() -> Arg {
    Arg::new("target")
        .long("target")
        .value_name("ADDR")
        .action(ArgAction::Append)
        .help("Plan only this address (e.g. key.ci-runner) and the creates it depends on")
}

/// The commands.
pub(crate) fn commands() -> Vec<Command> {
    vec![
        Command::new("plan")
            .about("Show what apply would change: the file against the live account (no state file)")
            .arg(file_arg())
            .arg(target_arg())
            .arg(rotate_arg())
            .arg(
                Arg::new("out")
                    .long("out")
                    .value_name("PLAN.json")
                    .help("Also save the plan (JSON, no secret) for `apply --plan`"),
            )
            .arg(
                Arg::new("detailed-exitcode")
                    .long("detailed-exitcode")
                    .action(ArgAction::SetTrue)
                    .help("Exit 2 when the plan has changes"),
            ),
        Command::new("apply")
            .about("Make the account match the file: creates and updates, assignments in bulk, then deletes")
            .arg(file_arg())
            .arg(target_arg())
            .arg(rotate_arg())
            .arg(
                Arg::new("plan")
                    .long("plan")
                    .value_name("PLAN.json")
                    .help("Apply only if the account still matches this saved plan (else exit 3)"),
            )
            .arg(
                Arg::new("allow-delete")
                    .long("allow-delete")
                    .action(ArgAction::SetTrue)
                    .help("Allow deletes (inside owned scopes) when stdin is not a terminal"),
            )
            .arg(
                Arg::new("allow-replace")
                    .long("allow-replace")
                    .value_name("ADDR")
                    .action(ArgAction::Append)
                    .help("Allow replacing this object although that issues a new secret"),
            )
            .arg(
                Arg::new("allow-empty-scope")
                    .long("allow-empty-scope")
                    .action(ArgAction::SetTrue)
                    .help("Allow a plan that deletes every object of an owned scope"),
            )
            .arg(
                Arg::new("rehearse")
                    .long("rehearse")
                    .action(ArgAction::SetTrue)
                    .help("Apply to a copy of the account in the embedded mock instead (reads only; nothing is sent to the account), plan again there, and print the requests"),
            )
            .arg(
                Arg::new("rehearse-faults")
                    .long("rehearse-faults")
                    .value_name("RULE")
                    .action(ArgAction::Append)
                    .requires("rehearse")
                    .help("A mock fault rule for the rehearsal, e.g. 'POST /keys=500x1' or '*=429x3'"),
            )
            .arg(
                Arg::new("write-ids")
                    .long("write-ids")
                    .action(ArgAction::SetTrue)
                    .help("Pin the objects this apply created by writing their ids into the file (comments kept)"),
            )
            .arg(
                Arg::new("parallelism")
                    .long("parallelism")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u16).range(1..=32))
                    .default_value("4")
                    .help("Actions in flight at once"),
            ),
        Command::new("drift")
            .about("Report what changed outside the file: exit 0 in sync, 2 on drift")
            .arg(file_arg()),
        Command::new("export")
            .about("Write a desired-state file for existing workspaces, every object pinned by its id")
            .arg(
                Arg::new("scope")
                    .long("scope")
                    .value_name("workspace:SLUG")
                    .action(ArgAction::Append)
                    .help("A workspace to export (default: every workspace)"),
            )
            .arg(
                Arg::new("stack")
                    .long("stack")
                    .value_name("NAME")
                    .default_value("exported")
                    .help("The stack's name in the file"),
            ),
        Command::new("validate")
            .about("Check a desired-state file offline: fields, references and the spec's constraints")
            .arg(file_arg()),
        Command::new("fmt")
            .about("Rewrite a desired-state file in canonical table order, comments kept")
            .arg(file_arg())
            .arg(
                Arg::new("check")
                    .long("check")
                    .action(ArgAction::SetTrue)
                    .help("Change nothing; exit 2 if the file is not in canonical order"),
            ),
        Command::new("schema").about("Print the desired-state file's JSON Schema (for editors)"),
    ]
}

fn invalid(e: declare::DeclareError) -> CliError {
    match e.exit_code() {
        65 => CliError::Invalid(e.to_string()),
        3 => CliError::Refused(format!("{e}; nothing was sent")),
        _ => CliError::Failed(e.to_string()),
    }
}

fn path(ctx: &Ctx<'_>) -> PathBuf {
    let file = ctx
        .leaf
        .get_one::<String>("file")
        .cloned()
        .unwrap_or_default();
    ctx.io.cwd.join(file)
}

/// Loads the file; its `{ env = … }` secret sources read the tool's environment.
fn load(ctx: &Ctx<'_>) -> Result<declare::Desired, CliError> {
    let mut desired = declare::load(&path(ctx)).map_err(invalid)?;
    desired.env = Some(declare::SecretEnv(ctx.io.env.clone()));
    for secret in declare::readable_secrets(&desired) {
        ctx.out.secret(secret.expose_secret());
    }
    Ok(desired)
}

fn client(ctx: &Ctx<'_>) -> Result<Client, CliError> {
    let sources = ctx.sources();
    let resolved = crate::config::resolve(ctx.root, &sources)?;
    crate::config::client(&resolved)?
        .ok_or_else(|| CliError::NoKey(format!("no management key ({})", resolved.key_source)))
}

/// JSON only when asked for explicitly (`-o json`): a plan is for reading.
fn wants_json(ctx: &Ctx<'_>) -> bool {
    ctx.root.value_source(ids::OUTPUT) == Some(clap::parser::ValueSource::CommandLine)
        && matches!(ctx.format, Format::Json | Format::Jsonl)
}

async fn planned(
    ctx: &Ctx<'_>,
    client: &Client,
    desired: &declare::Desired,
) -> Result<(declare::Live, declare::Plan), CliError> {
    let live = declare::read_live(client, desired).await.map_err(invalid)?;
    let options = declare::PlanOptions {
        rotate: ctx
            .leaf
            .try_get_many::<String>("rotate")
            .ok()
            .flatten()
            .map(|t| t.cloned().collect())
            .unwrap_or_default(),
    };
    let mut plan = declare::plan_with(desired, &live, &options).map_err(invalid)?;
    let targets: BTreeSet<String> = ctx
        .leaf
        .try_get_many::<String>("target")
        .ok()
        .flatten()
        .map(|t| t.cloned().collect())
        .unwrap_or_default();
    if !targets.is_empty() {
        declare::target(&mut plan, &targets);
    }
    Ok((live, plan))
}

fn print_plan(ctx: &Ctx<'_>, plan: &declare::Plan) -> Result<(), CliError> {
    if wants_json(ctx) {
        ctx.out.stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&declare::json(plan)).unwrap_or_default()
        ))
    } else {
        ctx.out.stdout(&declare::text(plan))
    }
}

/// Runs the command at `ctx.path`.
pub(crate) async fn run(ctx: &Ctx<'_>) -> Result<(), CliError> {
    match ctx.path.first().copied() {
        Some("plan") => plan(ctx).await,
        Some("apply") => apply(ctx).await,
        Some("drift") => drift(ctx).await,
        Some("export") => export(ctx).await,
        Some("validate") => validate(ctx),
        Some("fmt") => fmt(ctx),
        Some("schema") => ctx.out.stdout(&format!(
            "{}\n",
            serde_json::to_string_pretty(&declare::json_schema()).unwrap_or_default()
        )),
        _ => Err(CliError::Usage(format!(
            "unknown command `{}`",
            ctx.path.join(" ")
        ))),
    }
}

async fn plan(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let desired = load(ctx)?;
    let client = client(ctx)?;
    let (_, plan) = planned(ctx, &client, &desired).await?;
    print_plan(ctx, &plan)?;
    if let Some(out) = ctx.leaf.get_one::<String>("out") {
        let text = serde_json::to_string_pretty(&declare::json(&plan)).unwrap_or_default();
        std::fs::write(ctx.io.cwd.join(out), text + "\n")
            .map_err(|e| CliError::Failed(format!("cannot write {out}: {e}")))?;
    }
    if ctx.leaf.get_flag("detailed-exitcode") && !plan.is_empty() {
        return Err(CliError::Changes("the plan has changes".into()));
    }
    Ok(())
}

async fn drift(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let desired = load(ctx)?;
    let client = client(ctx)?;
    let (_, plan) = planned(ctx, &client, &desired).await?;
    print_plan(ctx, &plan)?;
    if plan.is_empty() {
        Ok(())
    } else {
        Err(CliError::Changes(format!(
            "drift: {} objects and {} assignments differ from the file",
            plan.actions.len(),
            plan.assignments.len()
        )))
    }
}

async fn apply(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let desired = load(ctx)?;
    let client = client(ctx)?;
    let (live, plan) = planned(ctx, &client, &desired).await?;
    if let Some(saved) = ctx.leaf.get_one::<String>("plan") {
        let text = std::fs::read_to_string(ctx.io.cwd.join(saved))
            .map_err(|e| CliError::Invalid(format!("cannot read {saved}: {e}")))?;
        let saved: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| CliError::Invalid(format!("{saved} is not a saved plan: {e}")))?;
        declare::check_saved(&saved, &plan).map_err(invalid)?;
    }
    print_plan(ctx, &plan)?;
    if plan.is_empty() {
        return Ok(());
    }
    let mut allow = declare::Allow {
        delete: ctx.leaf.get_flag("allow-delete"),
        replace: ctx
            .leaf
            .get_many::<String>("allow-replace")
            .map(|r| r.cloned().collect())
            .unwrap_or_default(),
        empty_scope: ctx.leaf.get_flag("allow-empty-scope"),
    };
    if ctx.leaf.get_flag("rehearse") {
        allow.delete |= ctx.io.stdin_is_terminal;
        declare::check(
            &plan,
            &allow,
            declare::live_in_owned_scopes(&desired, &live),
        )
        .map_err(invalid)?;
        return rehearse(ctx, &desired, &live, &plan).await;
    }
    if ctx.io.stdin_is_terminal && !ctx.root.get_flag(ids::YES) {
        crate::dispatch::ask(ctx.out, ctx.stdin, "Apply these changes (deletes included)")?;
        allow.delete = true;
    }
    declare::check(
        &plan,
        &allow,
        declare::live_in_owned_scopes(&desired, &live),
    )
    .map_err(invalid)?;
    let options = declare::ApplyOptions {
        parallelism: ctx
            .leaf
            .get_one::<u16>("parallelism")
            .copied()
            .unwrap_or(4)
            .into(),
        base: desired
            .file
            .parent()
            .map_or_else(|| ctx.io.cwd.clone(), PathBuf::from),
        discard_secrets: false,
    };
    // JSON lines for programs (`-o json`, or stderr not a terminal), a bar for people; `--no-progress` silences
    // both (failures are always said).
    let quiet = ctx.root.get_flag(ids::NO_PROGRESS);
    let json_lines = !quiet && (wants_json(ctx) || !ctx.io.stderr_is_terminal);
    // One step per finished action: the old halves of replacements, the assignment moves, each attribute and the
    // organization's settings are steps too.
    let steps = plan.actions.len()
        + plan.count(declare::Op::Replace)
        + usize::from(!plan.assignments.is_empty())
        + plan.attributes.len()
        + usize::from(!plan.organization.is_empty());
    let progress = std::sync::Mutex::new(crate::progress::Progress::new(
        &ctx.progress(),
        "apply",
        Some(steps as u64),
        1,
    ));
    let on_event = |address: &str, outcome: &declare::Outcome| {
        let (status, error) = match outcome {
            declare::Outcome::Applied => ("applied", None),
            declare::Outcome::Failed(e) => ("failed", Some(e.as_str())),
            declare::Outcome::Skipped => ("skipped", None),
        };
        if json_lines {
            let line =
                json!({"type": "action", "address": address, "status": status, "error": error});
            ctx.out.stderr(&format!("{line}\n"));
            return;
        }
        if quiet && error.is_none() {
            return;
        }
        if let Some(e) = error {
            // A failure is always said, whatever the progress mode.
            ctx.out.stderr(&format!("{status:>8} {address}: {e}\n"));
        }
        progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .step(&format!("{status} {address}"));
    };
    let report = declare::apply(&client, &desired, &live, &plan, &options, &on_event).await;
    progress
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .finish();
    if ctx.leaf.get_flag("write-ids") && !report.created.is_empty() {
        let text = std::fs::read_to_string(&desired.file).map_err(|e| {
            CliError::Failed(format!("cannot read {}: {e}", desired.file.display()))
        })?;
        let pinned = declare::write_ids(&desired.file, &text, &report.created).map_err(invalid)?;
        std::fs::write(&desired.file, pinned).map_err(|e| {
            CliError::Failed(format!("cannot write {}: {e}", desired.file.display()))
        })?;
        ctx.out.stderr(&format!(
            "pinned {} created objects in {}\n",
            report.created.len(),
            desired.file.display()
        ));
    }
    for path in &report.secrets_written {
        ctx.out.stderr(&format!(
            "new secret written to {} (mode 0600)\n",
            path.display()
        ));
    }
    let summary = format!(
        "Apply: {} applied, {} failed, {} skipped.",
        report.applied(),
        report.failed(),
        report.skipped()
    );
    if report.exit_code() == 0 {
        ctx.out.stderr(&format!("{summary}\n"));
        Ok(())
    } else {
        Err(CliError::Partial(format!(
            "{summary} Run apply again: the next plan shows exactly what remains."
        )))
    }
}

/// `apply --rehearse`: the plan applied to a copy of the account in the embedded mock.
async fn rehearse(
    ctx: &Ctx<'_>,
    desired: &declare::Desired,
    live: &declare::Live,
    plan: &declare::Plan,
) -> Result<(), CliError> {
    let mut faults = Vec::new();
    for rule in ctx
        .leaf
        .get_many::<String>("rehearse-faults")
        .into_iter()
        .flatten()
    {
        faults.push(
            rule.parse::<openrouter_mgmt_mock::FaultRule>()
                .map_err(|e| CliError::Invalid(format!("--rehearse-faults `{rule}`: {e}")))?,
        );
    }
    let parallelism = ctx
        .leaf
        .get_one::<u16>("parallelism")
        .copied()
        .unwrap_or(4)
        .into();
    let rehearsal = declare::rehearse(desired, live, plan, &faults, parallelism)
        .await
        .map_err(invalid)?;
    let mut text = format!(
        "\nRehearsal against a copy of the account in the embedded mock (nothing was sent to the account): {} requests\n",
        rehearsal.requests.len()
    );
    for request in &rehearsal.requests {
        text.push_str(&format!("  {request}\n"));
    }
    for (address, outcome) in &rehearsal.report.outcomes {
        text.push_str(&format!("  {outcome:?} {address}\n"));
    }
    ctx.out.stderr(&text);
    if rehearsal.converges() {
        ctx.out
            .stderr("Rehearsal: applied, and the plan after it is empty.\n");
        Ok(())
    } else if rehearsal.report.exit_code() != 0 {
        Err(CliError::Partial(format!(
            "rehearsal: {} applied, {} failed, {} skipped",
            rehearsal.report.applied(),
            rehearsal.report.failed(),
            rehearsal.report.skipped()
        )))
    } else {
        Err(CliError::Failed(format!(
            "rehearsal: this plan does not converge; after it the plan still shows:\n{}",
            declare::text(&rehearsal.replan)
        )))
    }
}

async fn export(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let client = client(ctx)?;
    let mut slugs: BTreeSet<String> = BTreeSet::new();
    for scope in ctx.leaf.get_many::<String>("scope").into_iter().flatten() {
        match scope.split_once(':') {
            Some(("workspace", slug)) if !slug.is_empty() => {
                slugs.insert(slug.to_owned());
            }
            _ => {
                return Err(CliError::Invalid(format!(
                    "scope `{scope}` is not `workspace:<slug>`"
                )));
            }
        }
    }
    if slugs.is_empty() {
        let all = declare::read_workspaces(&client, &BTreeSet::new())
            .await
            .map_err(invalid)?;
        slugs = all
            .of("workspace")
            .iter()
            .filter_map(|w| w.get("slug").as_str().map(str::to_owned))
            .collect();
    }
    let live = declare::read_workspaces(&client, &slugs)
        .await
        .map_err(invalid)?;
    let name = ctx
        .leaf
        .get_one::<String>("stack")
        .cloned()
        .unwrap_or_default();
    ctx.out.stdout(&declare::export(&live, &name, &slugs))
}

fn validate(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let desired = load(ctx)?;
    declare::validate_offline(&desired).map_err(invalid)?;
    ctx.out.stdout(&format!(
        "{}: valid ({} objects)\n",
        desired.file.display(),
        desired.objects.len()
    ))
}

fn fmt(ctx: &Ctx<'_>) -> Result<(), CliError> {
    let path = path(ctx);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CliError::Invalid(format!("cannot read {}: {e}", path.display())))?;
    let formatted = declare::format(&path, &text).map_err(invalid)?;
    if formatted == text {
        return Ok(());
    }
    if ctx.leaf.get_flag("check") {
        return Err(CliError::Changes(format!(
            "{} is not in canonical order",
            path.display()
        )));
    }
    std::fs::write(&path, formatted)
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", path.display())))
}
