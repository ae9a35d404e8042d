#!/usr/bin/env bash
# Every test suite, as CI runs it: set up and build with -Werror, run all suites, run them again
# built with AddressSanitizer and UndefinedBehaviorSanitizer, check the installed library and
# the README's example against it, and the language bindings. The last line sums every suite:
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export MB_EXTRA_PACKAGES="${MB_EXTRA_PACKAGES:-} binutils abigail-tools python3-pytest python3-cffi python3-yaml python3-pandas default-jdk-headless libjna-java junit5 libyaml-snake-java"
bash tools/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

logs=()
status=0
# per-run scratch files, so that two checkouts can run their suites side by side
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mb-test-all.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# 1. the normal build
meson test -C build --print-errorlogs >"$scratch/normal.txt" 2>&1 || status=1
tail -n 25 "$scratch/normal.txt"
logs+=(build/meson-logs/testlog.json)

# 2. sanitizers: the same suites, any report is a failure
if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debug >/dev/null
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
if ninja -C build-asan >/dev/null; then
    meson test -C build-asan --print-errorlogs >"$scratch/asan.txt" 2>&1 || status=1
    tail -n 12 "$scratch/asan.txt"
    logs+=(build-asan/meson-logs/testlog.json)
else
    echo "sanitizer build failed"
    status=1
fi

# 3. install, then build the README's example with pkg-config as an integrator would
extra=$(bash tools/check-install.sh 2>&1) || status=1
echo "$extra" | tail -n 8

# 4. the bindings, against the normal build
for binding in python java; do
    if [ -x "bindings/$binding/run-tests.sh" ] || [ -f "bindings/$binding/run-tests.sh" ]; then
        out=$(bash "bindings/$binding/run-tests.sh" build 2>&1) || status=1
        echo "$out" | tail -n 6
        summary=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
        [ -n "$summary" ] || summary="0 passed, 1 failed"
        extra="$extra
$summary"
    fi
done

python3 tools/sum-tests.py "${logs[@]}" --extra "$extra"
exit $status
