#!/usr/bin/env bash
# Every budget of the site, measured on this machine and printed as one table (`make bench`):
# figure, value, budget, pass/fail, and the wasm/native ratio where a figure has both.
#
#   size    the shipped wasm, gzip -9 (and brotli -q 11, reported), from dist/ (built if missing)
#   scale   1,000 nodes with an engine each / 30,000 tasks, 100 nodes killed, the 3,000
#           replacements placed (tests/swarm_bench.rs natively, then in headless Chromium through
#           scripts/bench-wasm.sh); bytes of memory per node and per task
#   seek    every step of the longest shipped scenario from its far end (tests/seek_bench.rs), and
#           in the built site at normal speed and with the CPU slowed 4× (scripts/bench-seek.mjs);
#           one step forward on the biggest swarm scene at 4×
#   load    a page's first paint and when it takes input, on a 1.6 Mbit/s, 150 ms link with gzip
#           (scripts/measure-load.mjs)
#
# A benchmark, not a test: times vary with the machine and its load, so nothing here is part of
# `make test`. It exits 1 when a budget is missed, after printing the whole table.
#   scripts/bench.sh --skip-wasm   leaves out the scale figures in wasm (the slowest part)
#   DIST=/tmp/site scripts/bench.sh   measures that built site instead of dist/ (build it first:
#                                     `make site DIST=/tmp/site`; a stale dist/ gives stale figures)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
skip_wasm=0
[[ "${1:-}" == "--skip-wasm" ]] && skip_wasm=1

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

DIST="${DIST:-dist}"
[[ -d "$DIST" ]] || make --no-print-directory build DIST="$DIST" >/dev/null
wasm="$(ls "$DIST"/*.wasm | head -n1)"
gzip_bytes="$(gzip -9 -c "$wasm" | wc -c)"
brotli_bytes="$(node -e '
const zlib = require("zlib"), fs = require("fs");
const b = zlib.brotliCompressSync(fs.readFileSync(process.argv[1]), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
console.log(b.length);' "$wasm")"
{
    echo "BENCH name=size_wasm_gzip_bytes value=$gzip_bytes"
    echo "BENCH name=size_wasm_brotli_bytes value=$brotli_bytes"
} >"$out/size"

echo "bench: scale and seek natively (release)…" >&2
cargo test --release --no-default-features --test swarm_bench -- --ignored --nocapture --test-threads=1 \
    >"$out/native" 2>&1 || { cat "$out/native"; exit 1; }
cargo test --release --no-default-features --test seek_bench -- --ignored --nocapture \
    >>"$out/native" 2>&1 || { cat "$out/native"; exit 1; }
if [[ $skip_wasm == 0 ]]; then
    echo "bench: scale in wasm (headless Chromium)…" >&2
    bash scripts/bench-wasm.sh >"$out/wasm" 2>&1 || { cat "$out/wasm"; exit 1; }
else
    : >"$out/wasm"
fi
longest="$(sed -n 's/^seek_bench: the longest shipped scenario is \([^ ]*\) .*/\1/p' "$out/native")"
biggest="$(sed -n 's/^seek_bench: the biggest swarm scene is \([^ ]*\) .*/\1/p' "$out/native")"
echo "bench: seek in the built site ($longest; one step on $biggest)…" >&2
node scripts/bench-seek.mjs --dist "$DIST" --seek "$longest" --step "$biggest" >"$out/browser" 2>&1 \
    || { cat "$out/browser"; exit 1; }
echo "bench: load on a slow link…" >&2
node scripts/measure-load.mjs --dist "$DIST" --bench >>"$out/browser" 2>&1 || { cat "$out/browser"; exit 1; }

grep -h '^seek_bench:\|^swarm_bench' "$out/native" >&2 || true

python3 - "$out" <<'PY'
import re, sys, pathlib
out = pathlib.Path(sys.argv[1])

def figures(name):
    found = {}
    for line in (out / name).read_text().splitlines():
        m = re.search(r"BENCH name=(\S+) value=(\S+)", line)
        if m:
            found[m.group(1)] = float(m.group(2))
    return found

size, native, wasm, browser = (figures(n) for n in ("size", "native", "wasm", "browser"))
# (figure, where it comes from, name, budget or None, unit)
rows = [
    ("release wasm, gzip -9", size, "size_wasm_gzip_bytes", 800_000, "bytes"),
    ("release wasm, brotli -q 11", size, "size_wasm_brotli_bytes", None, "bytes"),
    ("scale: kill 100 of 1,000 nodes, place 3,000 tasks", native, "scale_kill100_place_ms", 30, "ms"),
    ("scale: the scheduler's view, bytes per node", native, "scale_reconcile_bytes_per_node", None, "bytes"),
    ("scale: the scheduler's view, bytes per task", native, "scale_reconcile_bytes_per_task", None, "bytes"),
    ("scale, whole world: kill 100 nodes until the 3,000 are placed", native, "scale_world_kill100_place_ms", None, "ms"),
    ("scale, whole world: bytes per node (its engine included)", native, "scale_world_bytes_per_node", None, "bytes"),
    ("scale, whole world: bytes per task (its container included)", native, "scale_world_bytes_per_task", None, "bytes"),
    ("timeline: 12 nodes, 1,000 steps, bytes retained", native, "timeline_1000_steps_retained_bytes", None, "bytes"),
    ("seek: longest scenario, worst step, native", native, "seek_native_max_ms", None, "ms"),
    ("seek: in the browser, to the next frame", browser, "seek_browser_frame_max_ms", 50, "ms"),
    ("seek: in the browser, CPU 4x, to the next frame", browser, "seek_browser_4x_frame_max_ms", 200, "ms"),
    ("seek: in the browser, median, to the next frame", browser, "seek_browser_frame_p50_ms", None, "ms"),
    ("seek: in the browser, CPU 4x, median, to the next frame", browser, "seek_browser_4x_frame_p50_ms", None, "ms"),
    ("one step, biggest swarm scene, native", native, "step_biggest_swarm_native_max_ms", None, "ms"),
    ("one step, biggest swarm scene, CPU 4x, to the next frame", browser, "step_browser_4x_frame_max_ms", 16, "ms"),
    ("one step, biggest swarm scene, CPU 4x, median, to the next frame", browser, "step_browser_4x_frame_p50_ms", None, "ms"),
    ("world clone, biggest swarm scene, native", native, "world_clone_biggest_native_ms", None, "ms"),
    ("load: 1.6 Mbit/s, 150 ms, gzip: first paint", browser, "load_slow_gzip_first_paint_ms", None, "ms"),
    ("load: 1.6 Mbit/s, 150 ms, gzip: interactive", browser, "load_slow_gzip_interactive_ms", 4000, "ms"),
]
missed = 0
print("| figure | value | budget | result | wasm / native |")
print("|---|---|---|---|---|")
for label, source, name, budget, unit in rows:
    value = source.get(name)
    shown = "not measured" if value is None else (f"{value:,.0f} {unit}" if unit == "bytes" else f"{value:,.1f} {unit}")
    if budget is None or value is None:
        result = "reported" if value is not None else "—"
    else:
        ok = value <= budget
        missed += not ok
        result = "pass" if ok else "FAIL"
    ratio = ""
    if name in wasm and value:
        ratio = f"{wasm[name] / value:.2f}x ({wasm[name]:,.1f} {unit} in wasm)"
        if name == "scale_kill100_place_ms":
            ok = wasm[name] / value <= 2.0
            missed += not ok
            ratio += "" if ok else " FAIL (budget 2x)"
    budget_shown = "" if budget is None else (f"<= {budget:,} {unit}")
    print(f"| {label} | {shown} | {budget_shown} | {result} | {ratio} |")
print(f"\n{missed} budget(s) missed")
sys.exit(1 if missed else 0)
PY
