#!/usr/bin/env bash
# Runs the end-to-end tests headless (or, given a command, that command: the benchmark): a private
# X server (Xvfb) and tauri-driver (which starts WebKitWebDriver, which starts the app), both
# stopped when the tests end, pass or fail. Needs APP and CLI (the built binaries), and HUB for
# the sync test; screenshots go to E2E_OUT.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${APP:?the app binary}" "${CLI:?the usalama binary}"
export E2E_OUT="${E2E_OUT:-$PWD/../target/e2e}"
mkdir -p "$E2E_OUT"

free_display() {
  for n in $(seq 90 130); do
    [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || { echo "$n"; return; }
  done
  return 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

display=$(free_display)
# The screen: a common laptop's by default; E2E_SCREEN=1024x600x24 for an old netbook's.
Xvfb ":$display" -screen 0 "${E2E_SCREEN:-1366x768x24}" -nolisten tcp >"$E2E_OUT/xvfb.log" 2>&1 &
xvfb=$!
driver=""
media=""
cleanup() {
  [ -n "$driver" ] && kill "$driver" 2>/dev/null || true
  [ -n "$media" ] && rm -rf "$media"
  kill "$xvfb" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done

export DISPLAY=":$display"
# Each subfolder of this folder counts as a USB stick plugged in (the app reads it through
# tauri-driver, which passes this environment on).
if [ -z "${USALAMA_MEDIA_DIR:-}" ]; then
  USALAMA_MEDIA_DIR=$(mktemp -d "${TMPDIR:-/tmp}/usalama-e2e-media-XXXXXX")
  media=$USALAMA_MEDIA_DIR
fi
export USALAMA_MEDIA_DIR
# Cheap key derivation: the tests create many stores. Never set outside tests.
export USALAMA_KDF="${USALAMA_KDF-fast-insecure}"
# WebKit's sandbox needs user namespaces, which containers often lack.
export WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1
# The app turns WebKit's DMA-BUF renderer off (less memory); WebKitWebDriver's screenshots hang
# without it under Xvfb, so the tests keep it on (the benchmark measures the app as shipped).
export WEBKIT_DISABLE_DMABUF_RENDERER="${WEBKIT_DISABLE_DMABUF_RENDERER-0}"
port=$(free_port)
native=$(free_port)
tauri-driver --port "$port" --native-port "$native" >"$E2E_OUT/tauri-driver.log" 2>&1 &
driver=$!
export WEBDRIVER_URL="http://127.0.0.1:$port"
for _ in $(seq 100); do
  curl -s "$WEBDRIVER_URL/status" >/dev/null 2>&1 && break
  sleep 0.1
done

if [ $# -gt 0 ]; then
  "$@"
else
  node --test --test-concurrency=1 e2e/app.test.mjs e2e/safety.test.mjs e2e/keyboard.test.mjs e2e/a11y.test.mjs
fi
