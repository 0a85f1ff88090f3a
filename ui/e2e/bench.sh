#!/usr/bin/env bash
# The desktop benchmark under the same headless set-up as the end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
# The app as shipped: WebKit's shared-memory renderer (the benchmark takes no screenshots).
# Then the flash raid filed by keyboard: its keys (navigation and typed) and its wall time.
USALAMA_KDF="" WEBKIT_DISABLE_DMABUF_RENDERER=1 exec e2e/run.sh bash -c \
    'node e2e/bench.mjs && node --test --test-reporter=spec e2e/keyboard.test.mjs | grep -E "flash raid by keyboard|^✔|^✖"'
