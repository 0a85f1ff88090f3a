#!/usr/bin/env bash
# A walk through the field tool on a throwaway store: init, record, amend, list, show, verify.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${CARGO_TARGET_DIR:-target}/debug/usalama"
export USALAMA_HOME="$(mktemp -d)"
export USALAMA_PASSPHRASE="goats graze where the river bends"
trap 'rm -rf "$USALAMA_HOME"' EXIT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step "$bin" init --name "Joseph Korkimul" --role chief --unit ke-024-l-ombolion
id=$("$bin" report add docs/examples/raid.json)
printf '\n\033[1m$ %s\033[0m\n%s\n' "usalama report add docs/examples/raid.json" "$id"
step "$bin" report amend "$id" docs/examples/amendment.json
step "$bin" report list
step "$bin" report show "$id"
step "$bin" verify
printf '\nThe demo store in %s is removed now. Run `%s --help` to see every command.\n' "$USALAMA_HOME" "$bin"
