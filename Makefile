# Usalama: the two set-up commands of the README are `make run` and `make test`.
# Each installs the system packages it needs (with sudo when not root) before building.
#
# Parts of the project add to the variables below from their own fragment in mk/.

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Build tools for the bundled SQLCipher and its vendored OpenSSL.
SYSTEM_PACKAGES := build-essential perl pkg-config
# Targets that must run before anything is compiled (e.g. building the frontend).
PREPARE :=
# Test targets beyond the Rust workspace's own (e.g. end-to-end tests).
EXTRA_TESTS :=
# What `make run` starts.
RUN := demo

-include mk/*.mk

.PHONY: deps prepare test lint unit run demo bench fmt

deps:
	@command -v $(CARGO) >/dev/null || { echo "Rust is required: install it with rustup, then run make again"; exit 1; }
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

prepare: deps $(PREPARE)

## Every test, with the formatting and lint checks (what CI runs).
test: prepare lint unit $(EXTRA_TESTS)

lint: prepare
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) run --locked -q -p usalama-tests --bin usalama-check-rust-version

unit: prepare
	$(CARGO) test --workspace --locked

run: prepare $(RUN)

## A walk through the field tool on a throwaway store.
demo:
	$(CARGO) build --locked -q -p usalama
	./scripts/demo.sh

## Benchmarks (not part of `make test`): figures for docs/benchmarks.md.
bench: prepare
	$(CARGO) bench --locked -p usalama-core --bench store
	$(CARGO) bench --locked -p usalama-tests --bench sync

fmt:
	$(CARGO) fmt --all
