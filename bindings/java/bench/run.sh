#!/usr/bin/env bash
# Compile the Java binding (SRC_DIR, default bindings/java/src) with bench/ and run BatchBench
# against the library in BUILD_DIR. Prints timings; asserts nothing about time.
#
#   bash bindings/java/bench/run.sh [BUILD_DIR] [SRC_DIR] [-- CLAIMS ROUNDS]
#
# Giving SRC_DIR the src/ of an older copy of the binding measures it with the same program.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
src=$(cd "${2:-$here/../src}" && pwd)
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
JNA=/usr/share/java/jna.jar
out=$(mktemp -d "${TMPDIR:-/tmp}/medbenefit-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT
mapfile -t srcs < <(find "$src" -name '*.java' -not -path '*/scenario/*' | sort)
javac -encoding UTF-8 -d "$out" -cp "$JNA" "${srcs[@]}" "$here/org/medbenefit/bench/BatchBench.java"
cd "$root"
java -Dfile.encoding=UTF-8 -Djna.library.path="$build" -cp "$out:$JNA" org.medbenefit.bench.BatchBench \
    "${1:-10000}" "${2:-15}" "$root/rulesets"
