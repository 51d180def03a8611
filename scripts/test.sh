#!/usr/bin/env bash
# Runs every test of the workspace (unit, integration, doc tests, and each benchmark once in test mode).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked
cargo bench -p openrouter-mgmt-benches --locked -- --test
