# The desktop app: the Tauri shell in src-tauri/ and its frontend in ui/.
#
# `make run` starts it; `make test` runs the frontend's tests (IPC mocked) and the end-to-end
# tests through the real webview (tauri-driver + WebKitWebDriver under Xvfb). Bundles and the
# benchmark stay out of `make test`: `make bundle`, `make bench-desktop`.

# WebKitGTK and friends to build and run the app; Xvfb and WebKitWebDriver for the headless
# tests. Node 20 and npm come with the machine (see the README).
# libdbus-1-dev: the app listens for logind's sleep signal (and the windowing library links it).
# fonts-noto-color-emoji: emoji typed into a narrative show as themselves, not as boxes (the .deb
# depends on it too).
SYSTEM_PACKAGES += libwebkit2gtk-4.1-dev libxdo-dev libssl-dev librsvg2-dev libdbus-1-dev fonts-noto-color-emoji
TEST_PACKAGES += xvfb xauth webkit2gtk-driver
# The frontend is built before anything compiles: the app embeds ui/dist.
PREPARE += ui-build
EXTRA_TESTS += ui-test e2e
RUN := desktop

NPM ?= npm
DESKTOP_TARGET := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)

.PHONY: ui-deps ui-build ui-test ipc-types e2e desktop bundle bench-desktop tauri-driver

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	@command -v node >/dev/null && node -e 'process.exit(parseInt(process.versions.node) < 20 ? 1 : 0)' \
		|| { echo "Node.js 20 or newer is required for the desktop app's frontend"; exit 1; }
	cd ui && $(NPM) ci --no-audit --no-fund
	@touch $@

ui-deps: ui/node_modules/.package-lock.json

ui-build: ui-deps
	cd ui && $(NPM) run --silent build

## The frontend's own tests: components and the form's logic, with the Tauri IPC mocked.
ui-test: ui-deps
	cd ui && $(NPM) run --silent check
	cd ui && $(NPM) test

## Writes the frontend's TypeScript for the IPC types (ui/src/lib/generated/) from the Rust
## types. `make test` runs the same test without the variable: it fails, naming the file, when
## the committed files are out of date.
ipc-types:
	USALAMA_WRITE_IPC_TYPES=1 $(CARGO) test --locked -p usalama-desktop --lib ipc_types

tauri-driver:
	@command -v tauri-driver >/dev/null || $(CARGO) install tauri-driver --version ^2 --locked

## End to end through the real webview, headless: first run, a report through the form to the
## CLI, an error next to its field, a draft that survives a crash, the language switch, and a
## report received by a county hub on 127.0.0.1 without a click, a summary saved as PDF on a
## USB stick (USALAMA_MEDIA_DIR: folders that count as sticks), a round trip by USB stick, and
## the lock (its button, the idle time, a sleep injected through a debug-only command) and the
## passphrase rules (e2e/safety.test.mjs), a flash raid filed by keyboard alone with its keys
## counted (e2e/keyboard.test.mjs), axe-core on every screen in both languages (e2e/a11y.test.mjs);
## then the window on a 1024×600 screen (e2e/screen.test.mjs).
e2e: test-prepare ui-build tauri-driver
	$(CARGO) build --locked -p usalama-desktop -p usalama -p usalama-hub
	APP=$(DESKTOP_TARGET)/debug/usalama-desktop CLI=$(DESKTOP_TARGET)/debug/usalama \
		HUB=$(DESKTOP_TARGET)/debug/usalama-hub E2E_OUT=$(DESKTOP_TARGET)/e2e ui/e2e/run.sh
	APP=$(DESKTOP_TARGET)/debug/usalama-desktop CLI=$(DESKTOP_TARGET)/debug/usalama \
		E2E_OUT=$(DESKTOP_TARGET)/e2e E2E_SCREEN=1024x600x24 ui/e2e/run.sh node --test e2e/screen.test.mjs

## Starts the app on this machine's own store (the CLI's: ~/.local/share/usalama). Built as the
## end-to-end tests build it (the same packages, so the same features): after `make test`,
## nothing is compiled again.
desktop: ui-build
	$(CARGO) build --locked -p usalama-desktop -p usalama -p usalama-hub
	$(DESKTOP_TARGET)/debug/usalama-desktop

## The .deb and the AppImage, the conventional way (target/release/bundle/); `tauri build`
## builds the frontend itself first. The AppImage step fetches linuxdeploy from GitHub, so on a
## machine without that access: `make bundle BUNDLES=deb`.
## The .deb carries the `usalama` CLI too: the update installer its systemd unit starts is
## `usalama installer run`. A release build accepts only the release key it is built with:
## `USALAMA_RELEASE_KEY=<hex> make bundle` (see docs/updates.md).
BUNDLES ?= deb,appimage
bundle: deps ui-deps cli-for-bundle
	cd ui && $(NPM) run tauri build -- --bundles $(BUNDLES)

.PHONY: cli-for-bundle
cli-for-bundle:
	$(CARGO) build --locked --release -p usalama
	install -D -m 0755 $(DESKTOP_TARGET)/release/usalama src-tauri/packaging/bin/usalama

## The desktop app's figures for docs/benchmarks.md (release build, a 10,000-report store).
bench-desktop: deps ui-deps tauri-driver cli-for-bundle
	cd ui && $(NPM) run tauri build -- --bundles deb
	APP=$(DESKTOP_TARGET)/release/usalama-desktop CLI=$(DESKTOP_TARGET)/release/usalama \
		DEB_DIR=$(DESKTOP_TARGET)/release/bundle/deb ui/e2e/bench.sh
