#!/usr/bin/env bash
# Instructions per settlement under callgrind, for each workload and call of build/bench/bench:
# callgrind collects inside bench_measured() only (the settlements, not the set-up), and the
# total is divided by the settlements it made.
#
#   bash bench/instructions.sh [BUILD_DIR] [WORKLOAD...]     (default: build, wuxi chain mixed)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
shift || true
workloads=("$@")
[ "${#workloads[@]}" -gt 0 ] || workloads=(wuxi chain mixed)
bench="$build/bench/bench"
[ -x "$bench" ] || { echo "no $bench: build first (ninja -C $build)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
apis=$("$bench" --list-apis 2>/dev/null || echo "settle batch")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-8s %-18s %12s %14s\n' workload call settlements "instr/settle"
for w in "${workloads[@]}"; do
    for api in $apis; do
        log="$out/$w.$api.log"
        valgrind --tool=callgrind --toggle-collect=bench_measured \
            --callgrind-out-file="$out/$w.$api.out" \
            "$bench" --callgrind-mode "$w" --api "$api" rulesets >"$log.stdout" 2>"$log"
        n=$(sed -n 's/^settlements \([0-9]*\).*/\1/p' "$log.stdout")
        ir=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$log")
        [ -n "$n" ] && [ -n "$ir" ] || { echo "callgrind run failed: $(tail -n 3 "$log")" >&2; exit 1; }
        printf '%-8s %-18s %12d %14d\n' "$w" "$api" "$n" $((ir / n))
    done
done
