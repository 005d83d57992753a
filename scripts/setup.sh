#!/usr/bin/env bash
# Installs whatever is missing to build, serve and test Dockyard, and skips what is already there.
# Idempotent: run it as often as you like (`make setup` does).
#
# Needs: rustup/cargo, node/npm, and apt-get (as root, or with sudo) for Chromium.
# Reaches only package registries (crates.io, npm, Debian): nothing is downloaded from release pages,
# which is why trunk must run offline (Trunk.toml `offline = true`) with these tools on PATH:
#   - rust target wasm32-unknown-unknown, rustfmt, clippy   (rustup)
#   - trunk 0.21.14                                          (cargo install; ~20 min the first time)
#   - wasm-bindgen-cli = the `wasm-bindgen` version in Cargo.lock (cargo install; ~10 min)
#   - wasm-opt from npm `binaryen` 132 in ./tools            (npm; seconds) - Debian's binaryen is too old
#   - chromium + chromium-driver                             (apt-get)
#   - node dev dependencies (playwright-core, no browser download) (npm ci)
#   - crate sources (cargo fetch), because trunk builds with `cargo build --offline`
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"
WASM_TARGET="wasm32-unknown-unknown"
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$ROOT/tools/node_modules/.bin:$CARGO_BIN:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say()  { printf 'setup: %s\n' "$*"; }
skip() { printf 'setup: skip  %s\n' "$*"; }
die()  { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# Runs a command and says how long it took.
timed() {
    local what="$1"; shift
    local start=$SECONDS
    say "install $what ..."
    "$@"
    say "installed $what in $((SECONDS - start)) s"
}

# The version of the `wasm-bindgen` crate in Cargo.lock: wasm-bindgen-cli must match it exactly.
lock_version() {
    awk -v want="$1" '
        $0 == "[[package]]" { name = "" }
        $1 == "name"    && $3 == "\"" want "\"" { name = want }
        $1 == "version" && name == want { gsub(/"/, "", $3); print $3; exit }
    ' Cargo.lock
}

# Another `cargo install` (of anything) holds cargo's install lock and competes for the CPU; wait for it
# rather than starting a second one. The bracket keeps pgrep from matching a shell that quotes this line.
wait_for_other_cargo_installs() {
    local pids
    pids="$(pgrep -f '[c]argo install' || true)"
    [[ -z "$pids" ]] && return 0
    say "waiting for a running 'cargo install' to finish (pid $(paste -sd, - <<<"$pids")) ..."
    local start=$SECONDS
    while pgrep -f '[c]argo install' >/dev/null; do sleep 10; done
    say "it finished after $((SECONDS - start)) s"
}

as_root() {
    if [[ "$(id -u)" == 0 ]]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root (or sudo) for: $*"; fi
}

# --- prerequisites that this script does not install ------------------------------------------------
command -v cargo  >/dev/null || die "cargo not found: install rustup (https://rustup.rs) first"
command -v rustup >/dev/null || die "rustup not found: it is needed to add the $WASM_TARGET target"
command -v node   >/dev/null || die "node not found: install Node.js 20+ and npm"
command -v npm    >/dev/null || die "npm not found: install Node.js 20+ and npm"

# --- rust target and components --------------------------------------------------------------------
if rustup target list --installed | grep -qx "$WASM_TARGET"; then
    skip "rust target $WASM_TARGET (installed)"
else
    timed "rust target $WASM_TARGET" rustup target add "$WASM_TARGET"
fi
for comp in rustfmt clippy; do
    sub="${comp/rustfmt/fmt}"
    if cargo "$sub" --version >/dev/null 2>&1; then
        skip "rustup component $comp (installed)"
    else
        timed "rustup component $comp" rustup component add "$comp"
    fi
done

# --- trunk --------------------------------------------------------------------------------------------
trunk_ok() { [[ "$(trunk --version 2>/dev/null || true)" == "trunk $TRUNK_VERSION" ]]; }
if trunk_ok; then
    skip "trunk $TRUNK_VERSION (installed)"
else
    wait_for_other_cargo_installs
    if trunk_ok; then
        skip "trunk $TRUNK_VERSION (installed by the other cargo install)"
    else
        timed "trunk $TRUNK_VERSION" cargo install trunk --version "$TRUNK_VERSION" --locked
        trunk_ok || die "trunk --version does not say $TRUNK_VERSION after installing"
    fi
fi

# --- wasm-bindgen-cli, at exactly the version of the wasm-bindgen crate in Cargo.lock ------------------
[[ -f Cargo.lock ]] || die "Cargo.lock is missing: run 'cargo generate-lockfile' (it pins wasm-bindgen)"
BINDGEN_VERSION="$(lock_version wasm-bindgen)"
[[ -n "$BINDGEN_VERSION" ]] || die "no wasm-bindgen package in Cargo.lock"
bindgen_ok() { [[ "$(wasm-bindgen --version 2>/dev/null || true)" == "wasm-bindgen $BINDGEN_VERSION"* ]]; }
if bindgen_ok; then
    skip "wasm-bindgen-cli $BINDGEN_VERSION (installed, matches Cargo.lock)"
else
    wait_for_other_cargo_installs
    if bindgen_ok; then
        skip "wasm-bindgen-cli $BINDGEN_VERSION (installed by the other cargo install)"
    else
        # Not --locked: its own lock file pins crates that no longer build on a current rustc.
        timed "wasm-bindgen-cli $BINDGEN_VERSION (Cargo.lock)" \
            cargo install wasm-bindgen-cli --version "$BINDGEN_VERSION" --force
        bindgen_ok || die "wasm-bindgen --version does not say $BINDGEN_VERSION after installing"
    fi
fi

# --- wasm-opt from npm's binaryen, in ./tools, ahead of any system binaryen on PATH --------------------
wasm_opt_ok() {
    [[ -x tools/node_modules/.bin/wasm-opt ]] &&
        [[ "$(tools/node_modules/.bin/wasm-opt --version 2>/dev/null || true)" == "wasm-opt version $BINARYEN_VERSION "* ]]
}
if wasm_opt_ok; then
    skip "wasm-opt version $BINARYEN_VERSION (tools/node_modules/.bin)"
else
    mkdir -p tools
    [[ -f tools/package.json ]] || printf '{ "private": true }\n' > tools/package.json
    timed "binaryen@$BINARYEN_VERSION (wasm-opt) into ./tools" \
        npm install --prefix tools --no-audit --no-fund --save-exact "binaryen@$BINARYEN_VERSION"
    wasm_opt_ok || die "tools/node_modules/.bin/wasm-opt --version does not say version $BINARYEN_VERSION"
fi

# --- Chromium and ChromeDriver from Debian --------------------------------------------------------------
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    skip "chromium + chromium-driver (installed: $(chromium --version 2>/dev/null | head -n1))"
else
    command -v apt-get >/dev/null || die "chromium is missing and there is no apt-get to install it"
    as_root apt-get update -q
    timed "chromium + chromium-driver (apt)" \
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver
fi

# --- node dev dependencies (playwright-core; it never downloads a browser) ------------------------------
if [[ -f node_modules/.package-lock.json && node_modules/.package-lock.json -nt package-lock.json \
      && -d node_modules/playwright-core ]]; then
    skip "npm ci (node_modules is up to date with package-lock.json)"
else
    timed "node dev dependencies (npm ci)" npm ci --no-audit --no-fund
fi

# --- crate sources, so that trunk's `cargo build --offline` finds them ----------------------------------
start=$SECONDS
cargo fetch --quiet
say "cargo fetch done in $((SECONDS - start)) s"

say "ready: $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version), node $(node --version)"
