#!/usr/bin/env bash
# The proof that a field or operation added to openapi/ reaches users with no hand-written line: a scratch copy of
# the repository gets the sample spec change (`cargo xtask sample-change`), is regenerated, must build unchanged
# (every target), and then runs tests/proof/spec_change_proof.rs, which uses the new fields and operation.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# `-m`: the copies get new modification times, so cargo rebuilds the workspace's crates from the scratch copy.
tar --exclude=./target --exclude=./.git --exclude=node_modules -cf - . | tar -xmf - -C "$scratch"
# The scratch copy shares the target directory: dependencies are built once, the workspace's own crates again.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

cargo run --quiet --locked -p xtask -- sample-change "$scratch/openapi"
cd "$scratch"
# Explicit folders: an xtask binary built elsewhere must not regenerate the repository's own files.
cargo xtask regen --openapi-dir "$scratch/openapi" --out-dir "$scratch/crates/openrouter-mgmt-gen/src"
echo "== the changed workspace builds unchanged"
cargo build --workspace --all-targets --locked
echo "== the new fields and operation, used with no hand-written line"
cp tests/proof/spec_change_proof.rs tests/it/spec_change_proof.rs
echo "mod spec_change_proof;" >> tests/it/main.rs
cargo test --locked -p openrouter-mgmt-tests --test it spec_change_proof
