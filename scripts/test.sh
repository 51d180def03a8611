#!/usr/bin/env bash
# Runs every test of the workspace (unit, integration, doc tests, and each benchmark once in test mode, in the test
# profile: a release build of every dependency would cost CI minutes and disk), then
# installs the pinned Stoplight Prism (tests/contract/package-lock.json) and runs the contract tests against it, and
# last the proof that a spec change needs no hand-written code (scripts/spec-change-proof.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --locked
cargo test -p openrouter-mgmt-benches --benches --locked
npm ci --prefix tests/contract --no-audit --no-fund
cargo test -p openrouter-mgmt-tests --features prism --test contract --locked
bash scripts/spec-change-proof.sh
