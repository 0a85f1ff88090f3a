# Coverage-guided fuzzing of every decoder of bytes from the network or a stick: fuzz/, with
# cargo-fuzz and libFuzzer, on stable Rust (`-s none`: no sanitizer, which would need nightly).
#
#   make fuzz                                         # every target, FUZZ_SECONDS each
#   make fuzz FUZZ_TARGETS="bundle run" FUZZ_SECONDS=3600
#
# Not part of `make test`: there `make unit` runs the same target bodies over the seeds and a
# few thousand seeded mutations as ordinary tests (crates/usalama-core/src/fuzzing.rs), without
# building anything instrumented. New inputs found go to fuzz/corpus/TARGET, crashes to
# fuzz/artifacts/TARGET (both ignored by git); docs/fuzzing.md says what to do with a crash.

FUZZ_SECONDS ?= 300
FUZZ_TARGETS ?= $(sort $(basename $(notdir $(wildcard fuzz/fuzz_targets/*.rs))))
# Extra libFuzzer options, e.g. FUZZ_FLAGS=-jobs=2.
FUZZ_FLAGS ?=
# Apart from the ordinary build's: the instrumented build has its own flags.
FUZZ_TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)/fuzz

.PHONY: fuzz cargo-fuzz

cargo-fuzz:
	@$(CARGO) fuzz --version >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked

## Runs every fuzz target for FUZZ_SECONDS (default 300) each; fails if any crashed.
fuzz: deps cargo-fuzz
	$(CARGO) fuzz build --fuzz-dir fuzz -s none --target-dir $(FUZZ_TARGET_DIR)
	@failed=; \
	for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/corpus/$$t; \
		dict=; [ -f fuzz/$$t.dict ] && dict=-dict=fuzz/$$t.dict; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		$(CARGO) fuzz run --fuzz-dir fuzz -s none --target-dir $(FUZZ_TARGET_DIR) $$t \
			fuzz/corpus/$$t fuzz/seeds/$$t -- \
			-max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 $$dict $(FUZZ_FLAGS) \
			|| failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "fuzz: crashes in$$failed: see fuzz/artifacts/ and docs/fuzzing.md"; \
		exit 1; \
	fi; \
	echo "fuzz: no crash in $(FUZZ_TARGETS)"
