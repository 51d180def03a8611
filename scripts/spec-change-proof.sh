#!/usr/bin/env bash
# The proof that a field or operation added to openapi/ reaches users with no hand-written line: a scratch copy of
# the repository gets the sample spec change (`cargo xtask sample-change`), is regenerated, must build unchanged
# (every target is type-checked), and then runs tests/proof/spec_change_proof.rs, which uses the new fields and
# operation. Its build lives in the scratch copy and goes with it: CI's disk is small.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

tar --exclude=./target --exclude=./.git --exclude=node_modules -cf - . | tar -xf - -C "$scratch"

# The repository's own xtask changes and regenerates the copy (explicit folders: it must not touch the repository).
cargo run --quiet --locked -p xtask -- sample-change "$scratch/openapi"
cargo run --quiet --locked -p xtask -- regen --openapi-dir "$scratch/openapi" \
    --out-dir "$scratch/crates/openrouter-mgmt-gen/src"
cd "$scratch"
# A target directory of its own: cargo's artifact names do not depend on the workspace's path, so sharing the
# repository's would let the changed crates stand in for the real ones in the next build there.
export CARGO_TARGET_DIR="$scratch/target"
echo "== the changed workspace compiles unchanged (every target)"
cargo check --workspace --all-targets --locked
echo "== the new fields and operation, used with no hand-written line"
cp tests/proof/spec_change_proof.rs tests/it/spec_change_proof.rs
echo "mod spec_change_proof;" >> tests/it/main.rs
cargo test --locked -p openrouter-mgmt-tests --test it spec_change_proof
