# The hub under load (not part of `make test`): synthetic devices against a release hub.

.PHONY: bench-hub

# The default scenario: moderate, a few minutes on two cores. Change it with
# LOAD_ARGS="--devices 2000 --seed-reports 100000 --duration 60s --rate-sync 300 --rate-push 60"
# and, for PostgreSQL, LOAD_ARGS+=" --db $$USALAMA_TEST_POSTGRES" after `make postgres-start`.
LOAD_ARGS ?= --devices 1000 --officers 2 --seed-reports 20000 --duration 30s \
	--rate-sync 100 --rate-push 20 --rate-pull 2

## Throughput, latency (p50, p99) and errors per kind and the hub's peak memory, against a
## release hub on SQLite (docs/benchmarks.md, "The hub under load").
bench-hub: prepare
	$(CARGO) build --locked --release -p usalama-hub -p usalama-tests --bin usalama-hub --bin usalama-load
	"$${CARGO_TARGET_DIR:-$$PWD/target}/release/usalama-load" $(LOAD_ARGS)
