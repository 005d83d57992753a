#!/usr/bin/env bash
# Measures what the closing notes report, with numbers from this machine (no timed assertions in
# tests): the release wasm size (raw and gzipped), the dist/ total, and how long the README's test
# command takes when everything is already installed.
#
#   scripts/measure.sh           sizes only (builds dist/ if missing)
#   scripts/measure.sh --test    also times `make test`
#   scripts/measure.sh --fresh   also times both README commands in a fresh clone with an empty
#                                CARGO_HOME and no ./tools, i.e. with every cargo/npm install redone
#                                (about 40 min on 2 cores; Debian's chromium stays installed)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

sizes() {
    [[ -d dist ]] || make --no-print-directory build >/dev/null
    local wasm
    wasm="$(ls dist/*.wasm | head -n1)"
    printf 'wasm        %s\n' "$wasm"
    printf 'wasm raw    %8d bytes\n' "$(wc -c <"$wasm")"
    printf 'wasm gzip   %8d bytes (gzip -9)\n' "$(gzip -9 -c "$wasm" | wc -c)"
    printf 'js gzip     %8d bytes\n' "$(cat dist/*.js | gzip -9 -c | wc -c)"
    printf 'css gzip    %8d bytes\n' "$(cat dist/*.css | gzip -9 -c | wc -c)"
    printf 'dist total  %8d bytes\n' "$(du -sb dist | cut -f1)"
}

timed() {
    local what="$1"; shift
    local start=$SECONDS
    "$@"
    printf '%-40s %d s\n' "$what" "$((SECONDS - start))" | tee -a "$ROOT/target/measure.log"
}

mkdir -p target
sizes
for arg in "$@"; do
    case "$arg" in
        --test)
            timed "make test (tools installed)" make test >target/measure-test.log 2>&1
            ;;
        --fresh)
            fresh="$(mktemp -d /tmp/dockyard-fresh.XXXXXX)"
            git clone -q "$ROOT" "$fresh/repo"
            export CARGO_HOME="$fresh/cargo-home"
            mkdir -p "$CARGO_HOME"
            # rustup's toolchain stays; everything cargo/npm installs is redone from the registries.
            mkdir -p "$CARGO_HOME/bin"
            for tool in rustup cargo rustc rustfmt cargo-fmt cargo-clippy clippy-driver; do
                ln -sf "$HOME/.cargo/bin/$tool" "$CARGO_HOME/bin/$tool"
            done
            export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
            export PATH="$CARGO_HOME/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
            cd "$fresh/repo"
            timed "fresh: make setup (all installs)" make setup >"$ROOT/target/measure-fresh-setup.log" 2>&1
            timed "fresh: make build (first release build)" make build >"$ROOT/target/measure-fresh-build.log" 2>&1
            timed "fresh: make test (after setup)" make test >"$ROOT/target/measure-fresh-test.log" 2>&1
            cd "$ROOT"
            echo "fresh clone kept in $fresh (delete it when done)"
            ;;
    esac
done
