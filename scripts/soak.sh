#!/usr/bin/env bash
# scripts/soak.sh N: a soak of the chaos tests. Runs N seeds of the swarm chaos (tests/chaos.rs) and
# N seeds of the single-host chaos (tests/chaos_host.rs), in release mode, in chunks spread over the
# cores (JOBS, default: all), printing progress as chunks finish, then the first failing seed with
# its inputs (each test prints the seed and every input it gave, as a transcript) and the time taken.
# Exits 1 when any seed fails. FIRST_SEED=K starts at seed K; CHUNK=S sets the seeds per chunk (25).
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

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Build once; run the test binaries directly (parallel `cargo test` calls would queue on its lock).
declare -A BIN
for t in chaos chaos_host; do
  BIN[$t]=$(cargo test --release --test "$t" --no-run 2>&1 | sed -n 's/.*Executable.*(\(.*\))$/\1/p' | tail -n1)
  [[ -x ${BIN[$t]} ]] || { echo "soak: could not build tests/$t.rs" >&2; exit 2; }
done

jobs_file="$out/jobs"
for t in chaos chaos_host; do
  for ((start = FIRST; start < FIRST + N; start += CHUNK)); do
    count=$(( FIRST + N - start < CHUNK ? FIRST + N - start : CHUNK ))
    echo "$t ${BIN[$t]} $start $count"
  done
done > "$jobs_file"
total=$(wc -l < "$jobs_file")

run_chunk() {
  local t=$1 bin=$2 start=$3 count=$4 out=$5 total=$6
  local log="$out/$t-$(printf %09d "$start")"
  if CHAOS_FIRST_SEED=$start CHAOS_SEEDS=$count "$bin" --quiet --test-threads 1 > "$log.log" 2>&1; then
    touch "$log.ok"; verdict=ok
  else
    touch "$log.fail"; verdict=FAILED
  fi
  local done
  done=$(find "$out" -name '*.ok' -o -name '*.fail' | wc -l)
  printf '[%d/%d] %s seeds %d..%d %s\n' "$done" "$total" "$t" "$start" $((start + count - 1)) "$verdict"
}
export -f run_chunk

started=$(date +%s)
echo "soak: $N seeds of each chaos test from seed $FIRST, $total chunks of up to $CHUNK, $JOBS at a time"
xargs -P "$JOBS" -L 1 bash -c 'run_chunk "$@" '"$out $total" _ < "$jobs_file"
elapsed=$(( $(date +%s) - started ))

failed=$(find "$out" -name '*.fail' | sort)
if [[ -n $failed ]]; then
  # Each chunk stops at its first failing seed; the lowest failing chunk holds the first one.
  for t in chaos chaos_host; do
    first=$(grep "/$t-[0-9]*\.fail$" <<< "$failed" | head -n1 || true)
    [[ -n $first ]] || continue
    echo
    echo "soak: first failing seed of tests/$t.rs (its chunk's output):"
    grep -v '^\s*$' "${first%.fail}.log" | grep -v -E '^(running|test result|failures:|successes:)' | head -n 200
  done
  echo
  echo "soak: $(wc -l <<< "$failed") of $total chunks FAILED in ${elapsed} s"
  exit 1
fi
echo "soak: $((2 * N)) seeds (2 tests x $N), 0 invariant violations, in ${elapsed} s"
