# Dockyard: `make serve` to try it, `make test` to check everything (CI runs `make test` too).
# Every target installs what is missing first (scripts/setup.sh, idempotent).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# wasm-opt (npm binaryen@132) must come before any system binaryen; cargo-installed tools next.
CARGO_BIN := $(if $(CARGO_HOME),$(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CURDIR)/tools/node_modules/.bin:$(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)
# trunk must never download a tool (only package registries are reachable).
export TRUNK_OFFLINE := true
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

WASM_TARGET := wasm32-unknown-unknown
# Where `make site` writes the release site (`make site DIST=/tmp/other` leaves dist/ alone).
DIST ?= dist

.PHONY: help setup serve build test fmt-check lint unit site e2e screenshot bench bench-wasm size clean

help:
	@echo "make serve   build and serve the site at http://127.0.0.1:8080 (installs what is missing)"
	@echo "make test    fmt, clippy, cargo test, release build, browser tests: everything CI runs"
	@echo "make build   release site into dist/"
	@echo "make setup   install the toolchain only (scripts/setup.sh)"
	@echo "parts of test: fmt-check lint unit site e2e"
	@echo "make bench   the swarm at scale and the timeline's memory, natively (tests/swarm_bench.rs)"
	@echo "make bench-wasm  the same in WebAssembly in headless Chromium (scripts/bench-wasm.sh)"
	@echo "make size    the release wasm's size (gzip -9) and the bytes per crate and module (scripts/size.sh, needs twiggy)"

setup:
	@bash scripts/setup.sh

serve: setup
	trunk serve --release --offline --address 127.0.0.1 --port 8080

build: setup site

# The ONE command that runs everything, in this order.
# Each part is its own make call so that even `make -j test` keeps the order.
test: setup
	@$(MAKE) --no-print-directory fmt-check
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory site
	@$(MAKE) --no-print-directory e2e

fmt-check:
	cargo fmt --all -- --check

lint:
	cargo clippy --all-targets -- -D warnings
	cargo clippy --all-targets --no-default-features -- -D warnings
	cargo clippy --target $(WASM_TARGET) --bin dockyard -- -D warnings
	cargo clippy --features prerender --bin prerender --tests -- -D warnings

unit:
	cargo test
	cargo test --no-default-features
	cargo test --features prerender --bin prerender

# Release build into dist/. Fails if the generated index.html references anything by an absolute path.
site:
	@mkdir -p target
	@# Two builds at once (into two DIST folders) would share target/wasm-bindgen and clobber each other.
	flock target/.site.lock trunk build --release --offline --dist $(DIST)
	@test -s "$$(ls $(DIST)/dockyard-*.js | head -n1)" || { echo "$(DIST): the wasm-bindgen JS is empty"; exit 1; }
	@if grep -Eq '(src|href)="/' $(DIST)/index.html; then \
	  echo "$(DIST)/index.html uses absolute URLs; the site must work from any sub-path:"; \
	  grep -Eo '(src|href)="/[^"]*"' $(DIST)/index.html; exit 1; fi

# Browser tests against dist/ (build it first: `make site`).
e2e:
	E2E_DIST=$(DIST) node tests/e2e/run.mjs

# Benchmarks and memory measurements (not part of `make test`; they print figures and assert no
# time): 1,000 nodes with an engine each, 30,000 tasks, 100 nodes killed; the bytes per node; the
# bytes a 12-node timeline of 1,000 steps retains. One test at a time: they read one allocation
# counter. Each figure is also a `BENCH name=… value=…` line, the same names natively and in wasm
# (`make bench 2>&1 | grep ^BENCH`).
bench:
	cargo test --release --no-default-features --test swarm_bench -- --ignored --nocapture --test-threads=1
	cargo test --release --no-default-features --test backup_bench -- --ignored --nocapture

bench-wasm:
	bash scripts/bench-wasm.sh

size:
	bash scripts/size.sh

# Refreshes docs/screenshot.png (the README's picture) from the built site.
screenshot:
	UPDATE_SCREENSHOT=1 node tests/e2e/run.mjs screenshot

clean:
	rm -rf dist tests/e2e/artifacts
	cargo clean
