# Usalama: the two set-up commands of the README are `make run` and `make test`.
# Each installs the system packages it needs (with sudo when not root) before building.
#
# Parts of the project add to the variables below from their own fragment in mk/.

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Build tools for the bundled SQLCipher and its vendored OpenSSL: what building and running need.
SYSTEM_PACKAGES := build-essential perl pkg-config
# What only the tests need (a PostgreSQL server, a headless display): `make run` skips them.
TEST_PACKAGES :=
# Targets that must run before anything is compiled (e.g. building the frontend).
PREPARE :=
# Targets the tests need running first (e.g. the PostgreSQL test server).
TEST_PREPARE :=
# Test targets beyond the Rust workspace's own (e.g. end-to-end tests).
EXTRA_TESTS :=
# What `make run` starts.
RUN := demo

-include mk/*.mk

.PHONY: deps test-deps prepare test-prepare test lint unit run demo bench fmt cargo-deny audit

# Installs the packages named in $(1) that are missing.
install = @missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:" $$missing; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

deps:
	@command -v $(CARGO) >/dev/null || { echo "Rust is required: install it with rustup, then run make again"; exit 1; }
	$(call install,$(SYSTEM_PACKAGES))

test-deps: deps
	$(call install,$(TEST_PACKAGES))

prepare: deps $(PREPARE)

test-prepare: prepare test-deps $(TEST_PREPARE)

## Every test, with the formatting and lint checks (what CI runs).
test: test-prepare lint unit $(EXTRA_TESTS)

lint: prepare cargo-deny
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) run --locked -q -p usalama-tests --bin usalama-check-rust-version
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --workspace --locked -q
	./scripts/check-room-size.sh
	$(CARGO) deny --offline check licenses bans sources

## Installs cargo-deny (the licences, bans and sources of every dependency: deny.toml).
cargo-deny:
	@command -v cargo-deny >/dev/null || $(CARGO) install cargo-deny --version ^0.20 --locked

## Known vulnerabilities in the dependencies, from the RustSec advisory database (fetched from
## the internet, so not part of `make test`).
audit: cargo-deny
	$(CARGO) deny check advisories

unit: test-prepare
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
	$(CARGO) bench --locked -p usalama-protocol --bench backtest

## A release fetched through 2G (about 5 minutes of shaped link); debug assertions on, since
## the package is signed with the test key. USALAMA_BENCH_BUILDS=OLD:NEW adds the delta between
## two builds of the `usalama` binary.
.PHONY: bench-updates
bench-updates: prepare
	$(CARGO) bench --locked --profile dev -p usalama-tests --bench updates

fmt:
	$(CARGO) fmt --all
