# Usalama: the two set-up commands of the README are `make run` and `make test`.
# Each installs the system packages it needs (with sudo when not root) before building.

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Build tools for the bundled SQLCipher and its vendored OpenSSL.
BUILD_PACKAGES := build-essential perl pkg-config

.PHONY: deps test lint unit run demo bench fmt

deps:
	@command -v $(CARGO) >/dev/null || { echo "Rust is required: install it with rustup, then run make again"; exit 1; }
	@missing=$$(for p in $(BUILD_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages: $$missing"; \
		$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

## Every test, with the formatting and lint checks (what CI runs).
test: deps lint unit

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

unit:
	$(CARGO) test --workspace --locked

## Until the desktop app lands: a walk through the field tool on a demo store.
run: deps demo

demo:
	$(CARGO) build --locked -q -p usalama
	./scripts/demo.sh

## Benchmarks (not part of `make test`): figures for docs/benchmarks.md.
bench:
	$(CARGO) bench --locked -p usalama-core --bench store

fmt:
	$(CARGO) fmt --all
