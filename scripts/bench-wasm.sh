#!/usr/bin/env bash
# The swarm benchmarks and memory measurements (tests/swarm_bench.rs) compiled to WebAssembly and
# run in headless Chromium through wasm-bindgen-test-runner (installed with wasm-bindgen-cli by
# scripts/setup.sh): the same figures as `make bench`, with wasm32's sizes and the page's linear
# memory. Prints them; asserts no time. Not part of `make test`. `make bench-wasm` runs it;
# `scripts/bench-wasm.sh timeline` runs only the tests whose names contain `timeline`; without an
# argument each test runs in a page of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-3600}
run() {
  cargo test --release --target wasm32-unknown-unknown --no-default-features --test swarm_bench -- --nocapture "$@"
}
if [ $# -gt 0 ]; then
  run "$@"
  exit
fi
# One test per page load: the runner shows a page's output only once all its tests are over, and
# chromedriver gives up on a page whose renderer has not answered for 30 s (the whole-world test
# holds it for longer on a loaded machine), which would lose the figures of the others too.
status=0
for test in reconcile timeline world; do
  run "$test" || { status=$?; echo "bench-wasm: the $test benchmark failed (exit $status)"; }
done
exit "$status"
