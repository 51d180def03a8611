//! `cargo xtask`: the command-line entry point for importing specs and regenerating the client.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xtask::regen::{Outcome, Paths};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Developer tasks for openrouter-mgmt")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Import endpoint pages, per-operation YAML or whole OpenAPI documents into openapi/<tag>/<operation>.yaml.
    Import {
        /// Only operations whose first tag is one of these (e.g. `--tag "API Keys" --tag Guardrails`).
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// The folder to import into.
        #[arg(long, default_value_os_t = repo_root().join("openapi"))]
        openapi_dir: PathBuf,
        /// Endpoint pages (Markdown with a ```yaml block) or OpenAPI YAML files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Apply the sample spec change (a field on guardrails and keys, a new GET operation) to a scratch copy of
    /// openapi/, for the proof that spec changes need no hand-written code (scripts/spec-change-proof.sh).
    SampleChange {
        /// The scratch copy's openapi/ folder (never the repository's own).
        openapi_dir: PathBuf,
    },
    /// Normalize and merge openapi/ and regenerate crates/openrouter-mgmt-gen/src/generated.rs.
    Regen {
        /// Write nothing; fail if any generated file is out of date.
        #[arg(long)]
        check: bool,
        /// The folder of specs to read.
        #[arg(long, default_value_os_t = repo_root().join("openapi"))]
        openapi_dir: PathBuf,
        /// Where generated.rs and openapi.merged.yaml go.
        #[arg(long, default_value_os_t = repo_root().join("crates/openrouter-mgmt-gen/src"))]
        out_dir: PathBuf,
        /// Where the command-line tool's command table goes; by default the `openrouter-mgmt-cli` crate next to the
        /// generated crate of `--out-dir` (nothing is written when there is none).
        #[arg(long)]
        cli_out_dir: Option<PathBuf>,
        /// Where the declarative engine's resource table goes; by default the `openrouter-mgmt-declare` crate next
        /// to the generated crate of `--out-dir` (nothing is written when there is none).
        #[arg(long)]
        declare_out_dir: Option<PathBuf>,
    },
}

/// The workspace root: the xtask crate lives one level below it.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// `crates/<name>/src/generated` next to `crates/openrouter-mgmt-gen/src`, when that crate exists.
fn sibling_generated_dir(out_dir: &Path, name: &str) -> Option<PathBuf> {
    let crates = out_dir.parent()?.parent()?;
    let sibling = crates.join(name);
    sibling
        .join("Cargo.toml")
        .is_file()
        .then(|| sibling.join("src/generated"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import {
            tags,
            openapi_dir,
            files,
        } => xtask::import::import(&files, &tags, &openapi_dir).map(|reports| {
            for r in reports {
                println!("{:<9} {}  {}", r.outcome, r.file.display(), r.operation);
            }
        }),
        Command::SampleChange { openapi_dir } => {
            if openapi_dir.canonicalize().ok() == repo_root().join("openapi").canonicalize().ok() {
                eprintln!(
                    "error: sample-change edits a scratch copy, not the repository's openapi/"
                );
                return ExitCode::FAILURE;
            }
            xtask::sample_change::apply(&openapi_dir).map(|files| {
                for f in files {
                    println!("changed {}", f.display());
                }
            })
        }
        Command::Regen {
            check,
            openapi_dir,
            out_dir,
            cli_out_dir,
            declare_out_dir,
        } => xtask::regen::run(
            &Paths {
                cli_out_dir: cli_out_dir
                    .or_else(|| sibling_generated_dir(&out_dir, "openrouter-mgmt-cli")),
                declare_out_dir: declare_out_dir
                    .or_else(|| sibling_generated_dir(&out_dir, "openrouter-mgmt-declare")),
                openapi_dir,
                out_dir,
            },
            check,
        )
        .map(|outcome| match outcome {
            Outcome::UpToDate => println!("generated files are up to date"),
            Outcome::Written(files) if files.is_empty() => {
                println!("generated files were already up to date")
            }
            Outcome::Written(files) => {
                for f in files {
                    println!("wrote {}", f.display());
                }
            }
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
