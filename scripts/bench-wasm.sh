#!/usr/bin/env bash
# The swarm reconciliation benchmark (tests/swarm_bench.rs) compiled to WebAssembly and run in
# headless Chromium through wasm-bindgen-test-runner (installed with wasm-bindgen-cli by
# scripts/setup.sh). Prints the timings; asserts no time. Not part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=600
cargo test --release --target wasm32-unknown-unknown --no-default-features --test swarm_bench -- --nocapture
