#!/usr/bin/env bash
# Compile the Java binding (SRC_DIR, default bindings/java/src) with bench/ and run BatchBench, and
# ColumnsBench when the binding has Columns, against the library in BUILD_DIR. Prints timings;
# asserts nothing about time.
#
#   bash bindings/java/bench/run.sh [BUILD_DIR [SRC_DIR]] [-- CLAIMS ROUNDS]
#       e.g. bash bindings/java/bench/run.sh build -- 10000 15
#
# Giving SRC_DIR the src/ of an older copy of the binding measures it with the same program.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
dirs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    dirs+=("$1")
    shift
done
[ "${1:-}" = "--" ] && shift
if [ ${#dirs[@]} -gt 2 ]; then
    echo "usage: run.sh [BUILD_DIR [SRC_DIR]] [-- CLAIMS ROUNDS]" >&2
    exit 2
fi
build=$(cd "${dirs[0]:-$root/build}" && pwd)
src=$(cd "${dirs[1]:-$here/../src}" && pwd)
JNA=/usr/share/java/jna.jar
out=$(mktemp -d "${TMPDIR:-/tmp}/medbenefit-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
mapfile -t srcs < <(find "$src" -name '*.java' -not -path '*/scenario/*' | sort)
benches=("$here/org/medbenefit/bench/BatchBench.java")
[ -f "$src/org/medbenefit/Columns.java" ] && benches+=("$here/org/medbenefit/bench/ColumnsBench.java")
javac -encoding UTF-8 -d "$out" -cp "$JNA" "${srcs[@]}" "${benches[@]}"
cd "$root"
for bench in "${benches[@]}"; do
    java -Dfile.encoding=UTF-8 -Djna.library.path="$build" -cp "$out:$JNA" \
        "org.medbenefit.bench.$(basename "$bench" .java)" "${1:-10000}" "${2:-15}" "$root/rulesets"
done
