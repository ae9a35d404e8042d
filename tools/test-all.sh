#!/usr/bin/env bash
# Every test suite, as CI runs it: set up and build with -Werror, run all suites (with the
# integration guides' examples in C, C# and Delphi), run them again built with AddressSanitizer
# and UndefinedBehaviorSanitizer, check the installed library and the README's and the guides'
# examples against it, and the language bindings; then the thread tests under
# ThreadSanitizer, the medbenefit program under valgrind's memcheck, branch coverage of lib/
# (at least MB_BRANCH_MIN percent, docs/coverage.md), and each libFuzzer target for a minute
# (MB_FUZZ_SECONDS, libFuzzer seed MB_FUZZ_SEED) with the reproducers of the defects it found,
# and its seeds and reproducers under memcheck.
# Each step prints how long it took. The last line sums every suite:
# "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
export MB_EXTRA_PACKAGES="${MB_EXTRA_PACKAGES:-} binutils abigail-tools python3-pytest python3-cffi python3-yaml python3-pandas python3-numpy python3-dask python3-distributed python3-tqdm python3-mypy python3-setuptools python3-venv default-jdk-headless libjna-java junit5 libyaml-snake-java maven libmaven-install-plugin-java clang libclang-rt-14-dev valgrind gcovr man-db mono-mcs mono-runtime fp-compiler chromium"
bash tools/setup.sh || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

logs=()
status=0
extra=""
# Count a suite's "N passed, N failed" (its last such line) into the sums; a suite that printed
# none counts as one failure. A carriage return ends a line here as a newline does: a progress
# bar drawn with them before the summary (meson's, with python3-tqdm installed) once hid
# check-install's, which counted as a failure.
count() {
    local summary
    summary=$(echo "$1" | tr '\r' '\n' | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    [ -n "$summary" ] || summary="0 passed, 1 failed"
    extra="$extra
$summary"
}
# per-run scratch files, so that two checkouts can run their suites side by side
scratch=$(mktemp -d "${TMPDIR:-/tmp}/mb-test-all.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# 1. the normal build. The guides' C# and Delphi examples must run here (their compilers are
# among MB_EXTRA_PACKAGES), not be skipped as on a machine without them.
export MB_GUIDES_REQUIRE_TOOLS=1
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
out=$(bash tools/check-install.sh 2>&1) || status=1
echo "$out" | tail -n 8
count "$out"

# 4. the bindings, against the normal build
for binding in python java; do
    if [ -x "bindings/$binding/run-tests.sh" ] || [ -f "bindings/$binding/run-tests.sh" ]; then
        out=$(bash "bindings/$binding/run-tests.sh" build 2>&1) || status=1
        echo "$out" | tail -n 6
        count "$out"
    fi
done

# 4a. the Python binding's columnar paths (settle_frame's hostile inputs, its two shapes, the
#     fast batch) and its handle lifetimes (close() from another thread mid-call) against the
#     library built with AddressSanitizer and UndefinedBehaviorSanitizer: run-tests.sh preloads
#     their runtimes into Python, and any report fails the run
step=$SECONDS
out=$(bash bindings/python/run-tests.sh build-asan bindings/python/tests/test_frame_inputs.py \
        bindings/python/tests/test_frame.py bindings/python/tests/test_batch.py \
        bindings/python/tests/test_handle_lifetimes.py 2>&1) || status=1
echo "$out" | tail -n 3
count "$out"
echo "(python columnar tests under sanitizers: $((SECONDS - step)) s)"

# 4b. the Java binding's tests and bench against the same sanitized library: run-tests.sh
#     preloads the runtimes into the JVM (an item offset past a direct buffer, say, which the
#     binding must refuse, is then a heap-buffer-overflow report, not a silent read)
step=$SECONDS
out=$(bash bindings/java/run-tests.sh build-asan 2>&1) || status=1
echo "$out" | tail -n 3
count "$out"
echo "(java tests under sanitizers: $((SECONDS - step)) s)"

# 4c. bench/side-by-side.py on a few claims: C, Python and (when node and npm can install
#     @gorules/zen-engine) GoRules Zen must give one checksum
step=$SECONDS
if out=$(python3 bench/side-by-side.py --build build --claims 600 --rounds 1 2>&1); then
    extra="$extra
1 passed, 0 failed"
else
    status=1
    extra="$extra
0 passed, 1 failed"
fi
echo "$out" | tail -n 5
echo "(side by side: $((SECONDS - step)) s)"

echo "(normal, sanitizers, install and bindings: $SECONDS s)"

# 5. ThreadSanitizer: the thread tests (and the columnar batch, which shares enrollees out
#    among threads), and compare --chain over three chunks on three threads (the reader, both
#    policies at once, the proposed one split by enrollee); any race reported is a failure
#    (TSan and ASan do not mix)
step=$SECONDS
if [ ! -f build-tsan/build.ninja ]; then
    meson setup build-tsan -Dwerror=true -Db_sanitize=thread -Db_lundef=false \
        -Dbuildtype=debugoptimized >/dev/null
fi
if ninja -C build-tsan tests/test_threads tests/test_threads_chains tests/test_columns \
        tools/medbenefit >/dev/null; then
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 meson test -C build-tsan --no-rebuild \
        --print-errorlogs threads threads_chains columns >"$scratch/tsan.txt" 2>&1 || status=1
    grep -E '^(Ok|Fail|Timeout):' "$scratch/tsan.txt"
    grep -B2 -A30 'WARNING: ThreadSanitizer' "$scratch/tsan.txt" | head -n 60
    logs+=(build-tsan/meson-logs/testlog.json)
    mkdir -p "$scratch/proposed"
    sed 's/in_service: 70%/in_service: 75%/' rulesets/wuxi-employee-chronic-2021.yaml \
        >"$scratch/proposed/wuxi-employee-chronic-2021.yaml"
    python3 bench/gen-claims.py 70000 >"$scratch/claims.csv"
    if TSAN_OPTIONS=halt_on_error=1 build-tsan/tools/medbenefit compare --rulesets rulesets \
            --against "$scratch/proposed" --chain wuxi-employee-chronic-2021 --threads 3 \
            "$scratch/claims.csv" >/dev/null 2>"$scratch/tsan-compare.txt"; then
        echo "compare --chain on 3 threads under ThreadSanitizer: no race"
    else
        echo "compare --chain on 3 threads under ThreadSanitizer failed:"
        head -n 60 "$scratch/tsan-compare.txt"
        status=1
    fi
else
    echo "ThreadSanitizer build failed"
    status=1
fi
echo "(thread sanitizer: $((SECONDS - step)) s)"

# 6. memcheck: the medbenefit program over every conformance scenario
step=$SECONDS
out=$(bash tools/valgrind.sh build/tools/medbenefit 2>&1) || status=1
echo "$out" | tail -n 12
count "$out"
echo "(valgrind: $((SECONDS - step)) s)"

# 7. branch coverage of lib/ by the suites: below MB_BRANCH_MIN (95.2%) is a failure
step=$SECONDS
out=$(bash tools/coverage.sh 2>&1) || status=1
echo "$out"
count "$out"
echo "(coverage: $((SECONDS - step)) s)"

# 8. fuzzing: each target for MB_FUZZ_SECONDS, then the reproducers of tests/fuzz/crashes-found.
# A fixed libFuzzer seed (MB_FUZZ_SEED), so that a CI run mutates the same way each time: a
# failure seen once comes back on the rerun instead of vanishing with a new random seed. Only
# the machine's speed (how many inputs fit the time) and the corpus a checkout has grown in
# build-fuzz/fuzz-corpus/ (none in a fresh CI checkout) still vary; long runs by hand keep
# libFuzzer's random seed to explore further.
step=$SECONDS
out=$(bash tools/fuzz.sh --seed "${MB_FUZZ_SEED:-1}" --time "${MB_FUZZ_SECONDS:-60}" 2>&1) || status=1
echo "$out"
count "$out"
out=$(bash tools/fuzz.sh --replay 2>&1) || status=1
echo "$out"
count "$out"
# and every target's seeds and reproducers under valgrind's memcheck, which finds a read of
# memory never written whatever the heap held (an empty claim file's buffer: a94a090)
out=$(bash tools/fuzz.sh --memcheck 2>&1) || status=1
echo "$out"
count "$out"
echo "(fuzzing: $((SECONDS - step)) s)"

echo "(all steps: $SECONDS s)"
python3 tools/sum-tests.py "${logs[@]}" --extra "$extra"
exit $status
