#!/usr/bin/env bash
# The release wasm's size and where it goes, so every change can report its cost.
#
#   scripts/size.sh            the shipped module (dist/, after wasm-bindgen and wasm-opt): raw and
#                              gzip -9; then the bytes per crate and per dockyard module, from
#                              twiggy over target/wasm32-unknown-unknown/release/dockyard.wasm
#                              (the module before wasm-opt: it keeps the function names)
#   scripts/size.sh -n 40      also the 40 largest functions
#   scripts/size.sh --save     store this build's gzip -9 figure in scripts/size-baseline.txt (commit
#                              it with the change that set it): every run prints the difference from it
#
# Needs `make build` first (it builds dist/ when it is missing) and twiggy
# (`cargo install twiggy --locked`). A function is counted under the crate its demangled name
# starts with, generic instantiations (`core::ptr::drop_in_place<dockyard::…>`) under the crate of
# their first type argument when that is this crate's, since that is the code that made them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

top=0
save=0
if [[ "${1:-}" == "-n" ]]; then
    top="${2:?-n needs a number}"
elif [[ "${1:-}" == "--save" ]]; then
    save=1
fi
baseline_file="scripts/size-baseline.txt"

[[ -d dist ]] || make --no-print-directory build >/dev/null
shipped="$(ls dist/*.wasm | head -n1)"
printf 'shipped wasm  %s\n' "$shipped"
printf '  raw         %9d bytes\n' "$(wc -c <"$shipped")"
gzipped="$(gzip -9 -c "$shipped" | wc -c)"
printf '  gzip -9     %9d bytes (budget 800000)\n' "$gzipped"
if [[ -f "$baseline_file" ]]; then
    read -r baseline baseline_what <"$baseline_file"
    printf '  difference  %+9d bytes from the stored %d (%s)\n' "$((gzipped - baseline))" "$baseline" "$baseline_what"
fi
if [[ $save == 1 ]]; then
    echo "$gzipped $(git rev-parse --short HEAD 2>/dev/null || echo unknown) $(date -u +%F)" >"$baseline_file"
    echo "  stored in $baseline_file"
fi

named="target/wasm32-unknown-unknown/release/dockyard.wasm"
if ! command -v twiggy >/dev/null; then
    echo "twiggy is not installed: cargo install twiggy --locked" >&2
    exit 1
fi
[[ -f "$named" ]] || { echo "$named is missing: run make build" >&2; exit 1; }

twiggy top -n 1000000 --format csv "$named" | python3 -c '
import csv, re, sys
from collections import defaultdict

top = int(sys.argv[1])
rows = list(csv.DictReader(sys.stdin))
total = sum(int(r["ShallowSize"]) for r in rows)
by_crate = defaultdict(int)
by_module = defaultdict(int)
functions = []

def module_of(path):
    # dockyard::sim::docker::engine::create::h… → sim::docker::engine (modules are lower case;
    # a type, a function hash or a closure ends the path).
    parts = []
    for p in path.split("::"):
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", p) or re.fullmatch(r"h[0-9a-f]{16}", p):
            break
        parts.append(p)
    depth = 3 if parts[:2] in (["sim", "docker"], ["sim", "swarm"], ["ui", "views"]) else 2
    # The last lower-case part of a function path is the function itself.
    if len(parts) > depth:
        parts = parts[:depth]
    elif len(parts) > 1 and not path.split("::")[len(parts)].startswith(tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ")):
        parts = parts[:-1]
    return "::".join(parts) or "(crate root)"

def crate_of(name):
    # A generic instantiated for this crate belongs to it.
    m = re.search(r"dockyard::([A-Za-z0-9_:]+)", name)
    if m and (name.lstrip("<&*").startswith("dockyard::") or re.match(r"[<&*\s]*(core|alloc)::", name)):
        return "dockyard", module_of(m.group(1))
    m = re.match(r"[<&*\s]*(?:mut\s+|const\s+)?([A-Za-z_][A-Za-z0-9_]*)::", name)
    if m:
        return m.group(1), None
    if name.startswith("data["):
        return "(data: strings, tables)", None
    if "function names" in name or "__wasm_bindgen_unstable" in name or "__wbindgen_describe" in name:
        return "(not shipped: names and wasm-bindgen sections the shipped module drops)", None
    return "(other: " + name.split("[")[0].strip()[:32] + ")", None

for r in rows:
    name, size = r["Name"], int(r["ShallowSize"])
    crate, module = crate_of(name)
    by_crate[crate] += size
    if crate == "dockyard" and module:
        by_module[module] += size
    functions.append((size, name))

def table(title, items, limit):
    print(f"\n{title}")
    for key, size in sorted(items, key=lambda kv: -kv[1])[:limit]:
        print(f"  {size:9d}  {100 * size / total:5.1f} %  {key}")

print(f"\nbefore wasm-opt: {total} bytes in {len(rows)} items ({sys.argv[2]})")
table("by crate", by_crate.items(), 25)
table("dockyard by module", by_module.items(), 40)
if top:
    table(f"the {top} largest items", [(n, s) for s, n in functions], top)
' "$top" "$named"
