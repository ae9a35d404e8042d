#!/usr/bin/env bash
# The Java binding's tests: compile src/ and test/ with plain javac against Debian's jars, run them
# with the JUnit console launcher against the library in BUILD_DIR, and end with "N passed, N failed".
#
#   bash bindings/java/run-tests.sh [BUILD_DIR]     (default: build/ of this repository)
#
# Needs default-jdk-headless, libjna-java, junit5 and libyaml-snake-java (installed with apt-get
# when missing and we are root). The conformance test also runs BUILD_DIR/tools/medbenefit.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

build=${1:-build}
if [ -d "$build" ]; then
    build=$(cd "$build" && pwd)
elif [ -d "$root/$build" ]; then
    build=$(cd "$root/$build" && pwd)
else
    echo "run-tests.sh: no build directory '$build' (build the library first: bash tools/setup.sh)"
    echo "0 passed, 1 failed"
    exit 1
fi

JNA=/usr/share/java/jna.jar
JUNIT=/usr/share/java/junit-platform-console-standalone.jar
YAML=/usr/share/java/snakeyaml.jar

missing=()
command -v javac >/dev/null 2>&1 || missing+=(default-jdk-headless)
[ -f "$JNA" ] || missing+=(libjna-java)
[ -f "$JUNIT" ] || missing+=(junit5)
[ -f "$YAML" ] || missing+=(libyaml-snake-java)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
            { apt-get update -q >/dev/null 2>&1 &&
              DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; }
    fi
    for f in "$JNA" "$JUNIT" "$YAML"; do
        if [ ! -f "$f" ] || ! command -v javac >/dev/null 2>&1; then
            echo "run-tests.sh: missing ${missing[*]} (apt-get install -y ${missing[*]})"
            echo "0 passed, 1 failed"
            exit 1
        fi
    done
fi

out=$(mktemp -d "${TMPDIR:-/tmp}/medbenefit-java.XXXXXX")
trap 'rm -rf "$out"' EXIT

mapfile -t srcs < <(find "$here/src" -name '*.java' | sort)
mapfile -t tests < <(find "$here/test" -name '*.java' | sort)
if ! javac -encoding UTF-8 -Xlint:all -Werror -d "$out/classes" -cp "$JNA:$YAML" "${srcs[@]}"; then
    echo "run-tests.sh: the binding does not compile"
    echo "0 passed, 1 failed"
    exit 1
fi
if ! javac -encoding UTF-8 -d "$out/test-classes" -cp "$out/classes:$JNA:$YAML:$JUNIT" "${tests[@]}"; then
    echo "run-tests.sh: the tests do not compile"
    echo "0 passed, 1 failed"
    exit 1
fi

java -Dfile.encoding=UTF-8 -Dstdout.encoding=UTF-8 \
    -Djna.library.path="$build" \
    -Dmedbenefit.root="$root" -Dmedbenefit.build="$build" -Dmedbenefit.shared="$root/../shared" \
    -jar "$JUNIT" \
    --class-path "$out/classes:$out/test-classes:$JNA:$YAML" \
    --scan-class-path "$out/test-classes" \
    --disable-banner --disable-ansi-colors --details=summary \
    >"$out/junit.txt" 2>&1
rc=$?
cat "$out/junit.txt"

count() { sed -n "s/^\[ *\([0-9][0-9]*\) tests $1 *\]\$/\1/p" "$out/junit.txt" | tail -n 1; }
ok=$(count successful)
bad=$(count failed)
aborted=$(count aborted)
cfail=$(sed -n 's/^\[ *\([0-9][0-9]*\) containers failed *\]$/\1/p' "$out/junit.txt" | tail -n 1)
if [ -z "$ok" ] || [ -z "$bad" ]; then
    echo "run-tests.sh: the JUnit launcher printed no summary (exit $rc)"
    echo "${ok:-0} passed, $(( ${bad:-0} + 1 )) failed"
    exit 1
fi
bad=$(( bad + ${cfail:-0} ))
[ "${aborted:-0}" -gt 0 ] && echo "${aborted} skipped: expectations that medbenefit check (C) fails too"
echo "$ok passed, $bad failed"
[ "$bad" -eq 0 ] && [ "$rc" -eq 0 ]
