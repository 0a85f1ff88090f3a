#!/usr/bin/env bash
# The desktop benchmark under the same headless set-up as the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
USALAMA_KDF="" exec e2e/run.sh node e2e/bench.mjs
