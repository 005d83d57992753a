#!/usr/bin/env bash
# scripts/soak.sh N: a soak of the chaos tests. Runs N seeds of the swarm chaos (tests/chaos.rs) and
# N seeds of the single-host chaos (tests/chaos_host.rs), in release mode, in chunks spread over the
# cores (JOBS, default: all). A test binary stops at its first failing seed, so a chunk that fails
# is run again from the seed after it: every seed runs, and every failing seed is counted.
# It prints progress now and then, every failing seed with its one-line reason as it is found, and
# at the end: every failing seed by test, the full inputs of each test's first failing seed (each
# test prints the seed and every input it gave, as a transcript), and one summary line per test
# (seeds run, failures, wall time). Exits 1 when any seed fails.
# FIRST_SEED=K starts at seed K; CHUNK=S sets the seeds per chunk (25).
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-1000}
JOBS=${JOBS:-$(nproc)}
CHUNK=${CHUNK:-25}
FIRST=${FIRST_SEED:-0}
if ! [[ $N =~ ^[0-9]+$ && $N -gt 0 && $CHUNK =~ ^[0-9]+$ && $CHUNK -gt 0 && $FIRST =~ ^[0-9]+$ ]]; then
  echo "usage: [JOBS=J] [CHUNK=S] [FIRST_SEED=K] scripts/soak.sh N   (N seeds of each chaos test)" >&2
  exit 2
fi
TESTS=(chaos chaos_host)

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Build once; run the test binaries directly (parallel `cargo test` calls would queue on its lock).
# The simulation needs no web front end: the same features as the test suite's CI run.
declare -A BIN
for t in "${TESTS[@]}"; do
  BIN[$t]=$(cargo test --release --no-default-features --test "$t" --no-run 2>&1 |
    sed -n 's/.*Executable.*(\(.*\))$/\1/p' | tail -n1)
  [[ -x ${BIN[$t]} ]] || { echo "soak: could not build tests/$t.rs" >&2; exit 2; }
done

jobs_file="$out/jobs"
for t in "${TESTS[@]}"; do
  for ((start = FIRST; start < FIRST + N; start += CHUNK)); do
    count=$(( FIRST + N - start < CHUNK ? FIRST + N - start : CHUNK ))
    echo "$t ${BIN[$t]} $start $count"
  done
done > "$jobs_file"
total=$(wc -l < "$jobs_file")
every=$(( total / 20 > 0 ? total / 20 : 1 ))

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
export -f now_ms

# One chunk: seeds start..start+count-1 of test t. Writes <t>-<start>.time ("start_ms end_ms"),
# .ran (seeds run), and for each failing seed a line "<seed> <reason>" in .fail and its output in
# <t>-seed-<seed>.log.
run_chunk() {
  local t=$1 bin=$2 start=$3 count=$4 out=$5 total=$6 every=$7
  local tag
  tag="$out/$t-$(printf %09d "$start")"
  local end=$((start + count)) from=$start ran=0 began failures=0
  began=$(now_ms)
  while ((from < end)); do
    local log="$out/$t-run-$(printf %09d "$from").log"
    if RUST_BACKTRACE=0 CHAOS_FIRST_SEED=$from CHAOS_SEEDS=$((end - from)) "$bin" --quiet --test-threads 1 > "$log" 2>&1; then
      ran=$((ran + end - from))
      rm -f "$log"
      break
    fi
    # The failure's first line: "chaos seed 86 at 123 ms: why" (host chaos: "host chaos seed …").
    local line seed
    line=$(grep -m1 -E '^(host )?chaos seed [0-9]+ at [0-9]+ ms: ' "$log" || true)
    seed=$(sed -n 's/^\(host \)\{0,1\}chaos seed \([0-9]*\) at .*/\2/p' <<< "$line")
    if [[ -z $seed ]]; then
      # The binary failed without naming a seed (a crash, an abort): the rest of the chunk is lost.
      echo "$from the test binary failed without naming a seed; seeds $from..$((end - 1)) not run: $(tail -n1 "$log")" >> "$tag.fail"
      mv "$log" "$out/$t-seed-$(printf %09d "$from").log"
      failures=$((failures + 1))
      break
    fi
    echo "$seed ${line#*: }" >> "$tag.fail"
    printf 'soak: %s seed %d FAILED: %s\n' "$t" "$seed" "${line#*: }"
    mv "$log" "$out/$t-seed-$(printf %09d "$seed").log"
    failures=$((failures + 1))
    ran=$((ran + seed - from + 1))
    from=$((seed + 1))
  done
  echo "$ran" > "$tag.ran"
  echo "$began $(now_ms)" > "$tag.time"
  local done
  done=$(find "$out" -name '*.time' | wc -l)
  if ((done % every == 0 || done == total)); then
    printf 'soak: [%d/%d chunks] last: %s seeds %d..%d, %d failed\n' \
      "$done" "$total" "$t" "$start" $((end - 1)) "$failures"
  fi
}
export -f run_chunk

started=$(date +%s)
echo "soak: $N seeds of each chaos test from seed $FIRST, $total chunks of up to $CHUNK, $JOBS at a time"
xargs -P "$JOBS" -L 1 bash -c 'run_chunk "$@" '"$out $total $every" _ < "$jobs_file"
elapsed=$(( $(date +%s) - started ))

any_failed=0
summary=()
for t in "${TESTS[@]}"; do
  ran=$(cat "$out/$t"-[0-9]*.ran 2>/dev/null | awk '{s += $1} END {print s + 0}')
  fails=$(cat "$out/$t"-[0-9]*.fail 2>/dev/null | sort -n || true)
  nfail=$(grep -c . <<< "$fails" || true)
  wall=$(cat "$out/$t"-[0-9]*.time | awk 'NR == 1 || $1 < a {a = $1} $2 > b {b = $2} END {printf "%.1f", (b - a) / 1000}')
  if ((nfail > 0)); then
    any_failed=1
    echo
    echo "soak: tests/$t.rs: $nfail failing seeds (seed, reason):"
    sed 's/^/  /' <<< "$fails"
    first=$(head -n1 <<< "$fails" | cut -d' ' -f1)
    echo
    echo "soak: tests/$t.rs: the first failing seed, $first, with its inputs:"
    grep -v '^\s*$' "$out/$t-seed-$(printf %09d "$first").log" |
      grep -v -E '^(running|test result|failures:|successes:)' | head -n 200
  fi
  summary+=("soak: tests/$t.rs: $ran seeds run, $nfail failures, ${wall} s wall")
done
echo
printf '%s\n' "${summary[@]}"
if ((any_failed)); then
  echo "soak: FAILED ($((2 * N)) seeds asked, ${elapsed} s in all)"
  exit 1
fi
echo "soak: $((2 * N)) seeds (2 tests x $N), 0 invariant violations, 0 convergence failures, in ${elapsed} s"
