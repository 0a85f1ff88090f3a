# The hub's measurements that are not part of `make test`.

.PHONY: hub-bombs

## Peak memory of a release hub while 200 decompression bombs arrive at once (docs/hub.md).
hub-bombs: prepare
	$(CARGO) build --locked --release -p usalama-hub
	USALAMA_HUB_BIN="$${CARGO_TARGET_DIR:-$$PWD/target}/release/usalama-hub" \
		$(CARGO) test --locked -p usalama-tests --test integration -- \
		--ignored --exact --nocapture hardening::bombs_against_a_release_hub
