#!/usr/bin/env bash
# Valgrind's memcheck over the medbenefit program: `check`, `settle` and `explain` on every
# conformance scenario (tests/conformance/*.yaml, and ../shared/conformance/*.yaml when
# present), so that the checks, the JSON and the trace reports all run under it, and compare
# --chain over the example claim files and empty ones. Any invalid
# read or write, use of an uninitialised value, or leak (definite, indirect or possible; leak
# check full) fails the run. With --each, `check` runs once per file (slower: to find which
# scenario a report comes from). Ends with "N passed, N failed".
#
#   tools/valgrind.sh [--each] [build/tools/medbenefit]
set -uo pipefail
cd "$(dirname "$0")/.."
each=0
if [ "${1:-}" = "--each" ]; then
    each=1
    shift
fi
exe=${1:-build/tools/medbenefit}
[ -x "$exe" ] || { echo "valgrind: $exe is not built"; echo "0 passed, 1 failed"; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed"; echo "0 passed, 1 failed"; exit 1; }

files=(tests/conformance/*.yaml)
if ls ../shared/conformance/*.yaml >/dev/null 2>&1; then
    files+=(../shared/conformance/*.yaml)
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mb-valgrind.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
memcheck=(valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes)

# One run: its log, and "ok" in $scratch/<name>.ok when memcheck found nothing and the
# command's own exit code is one it may give (check: 0 only; settle, explain: 0 or 1).
run() {
    local name=$1 allowed=$2
    shift 2
    "${memcheck[@]}" "$exe" "$@" >"$scratch/$name.log" 2>&1
    local rc=$?
    case " $allowed " in *" $rc "*) touch "$scratch/$name.ok" ;; esac
    echo "$rc" >"$scratch/$name.rc"
}

jobs_max=$(nproc 2>/dev/null || echo 2)
checks=()
if [ "$each" = 1 ]; then
    for f in "${files[@]}"; do
        run "check-${#checks[@]}" "0" check --rulesets rulesets "$f" &
        checks+=("check $f")
        while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
    done
else
    run check-0 "0" check --rulesets rulesets "${files[@]}" &
    checks+=("check (every scenario)")
fi
run settle "0 1" settle --rulesets rulesets "${files[@]}" &
run explain "0 1" explain --rulesets rulesets "${files[@]}" &
wait
# compare --chain: the example claim files streamed (reader thread, both policies, the report)
for ext in csv jsonl; do
    run "compare-$ext" "0" compare --rulesets rulesets --against rulesets \
        --chain wuxi-employee-chronic-2021 --json "$scratch/whatif.json" \
        --html "$scratch/whatif.html" "docs/examples/wuxi-claims.$ext" &
done
# and an empty claim file of each format (refused, exit 2, or no claims, exit 0): its one
# read finds the end at once, and nothing may be parsed from a buffer it did not fill
for ext in csv jsonl; do
    : >"$scratch/empty.$ext"
    run "compare-empty-$ext" "0 2" compare --rulesets rulesets --against rulesets \
        --chain wuxi-employee-chronic-2021 "$scratch/empty.$ext" &
done
wait

passed=0
failed=0
report() {
    local name=$1 what=$2
    if [ -f "$scratch/$name.ok" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL memcheck $what (exit $(cat "$scratch/$name.rc"))"
        grep -E '^==[0-9]+==' "$scratch/$name.log" | head -n 30 | sed 's/^/    /'
        grep -E '^(FAIL|    )' "$scratch/$name.log" | head -n 10 | sed 's/^/    /'
    fi
}
for i in "${!checks[@]}"; do
    report "check-$i" "${checks[$i]}"
done
report settle "settle (every scenario)"
report explain "explain (every scenario)"
report compare-csv "compare --chain docs/examples/wuxi-claims.csv"
report compare-jsonl "compare --chain docs/examples/wuxi-claims.jsonl"
report compare-empty-csv "compare --chain of an empty CSV file"
report compare-empty-jsonl "compare --chain of an empty JSON Lines file"
echo "memcheck: check, settle and explain over ${#files[@]} scenario files, compare --chain"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
