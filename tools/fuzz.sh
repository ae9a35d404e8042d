#!/usr/bin/env bash
# Run the libFuzzer targets of tests/fuzz (ruleset, restore, scenario, api, platform, claims),
# each for a while (60 s by default, as CI does; hours by hand), from the committed seeds and whatever corpus
# earlier runs grew in build-fuzz/fuzz-corpus/. Defects already reported (tests/fuzz/
# known-defects.txt) are counted, not reported as crashes, unless --strict. Prints, per target,
# the executions, libFuzzer's coverage (cov: edges, ft: features) and any crash, whose input is
# kept in build-fuzz/fuzz-crashes/<target>/; ends with "N passed, N failed".
#
#   tools/fuzz.sh                       every target, 60 s each
#   tools/fuzz.sh --time 7200 api       one target for two hours
#   tools/fuzz.sh --runs 10000000 --time 7200 restore
#                                       ten million inputs, or two hours if that comes first
#   tools/fuzz.sh --no-entropic ...     libFuzzer's -entropic=0: its entropic scheduling spends
#                                       half of each input's time on feature bookkeeping with
#                                       these targets (perf), so long campaigns run faster off
#   tools/fuzz.sh --replay              run each reproducer of tests/fuzz/crashes-found once:
#                                       failing while its defect is listed as known, passing after
#   tools/fuzz.sh --strict restore      no defect counts as known
#   tools/fuzz.sh --seed 1 api          libFuzzer's -seed=1: the same mutations each run (up to
#                                       the machine's speed, which sets how many fit the time)
#   tools/fuzz.sh --fast ...            the long campaigns' build, build-fuzz-fast: UBSan without
#                                       ASan, for throughput (1.1 to 1.7 times the inputs a second);
#                                       the corpus is the same build-fuzz/fuzz-corpus/, and each
#                                       target's campaign ends with --replay-corpus of it
#   tools/fuzz.sh --replay-corpus api   run every input of build-fuzz/fuzz-corpus/<target> (and
#                                       the seeds) once under ASan + UBSan: what a --fast campaign
#                                       found is checked for memory errors too
#   tools/fuzz.sh --memcheck            run each target's seeds and reproducers once under
#                                       valgrind's memcheck (build-fuzz-memcheck: no sanitizer):
#                                       a read of memory never written is found whatever the heap
#                                       held, which ASan does not look for
#   tools/fuzz.sh --merge-seeds claims  add to tests/fuzz/corpus/<target> the inputs of the grown
#                                       corpus (up to 12 000 bytes each, --max-bytes N) that reach
#                                       what the seeds do not (libFuzzer's -merge=1), to commit:
#                                       build-fuzz/ stays on the machine that grew it
#
# Reproduce a crash by hand: build-fuzz/tests/fuzz/fuzz_<target> FILE (MB_FUZZ_KNOWN unset);
# MB_FUZZ_TRACE=1 prints the calls it makes and their arguments (tests/fuzz/README.md).
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=60
runs_max=""
entropic=""
strict=0
replay=0
seed=""
fast=0
replay_corpus=0
memcheck=0
merge_seeds=0
max_bytes=12000
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
    --time) seconds=$2; shift 2 ;;
    --runs) runs_max=$2; shift 2 ;;
    --no-entropic) entropic=0; shift ;;
    --strict) strict=1; shift ;;
    --replay) replay=1; shift ;;
    --seed) seed=$2; shift 2 ;;
    --fast) fast=1; shift ;;
    --replay-corpus) replay_corpus=1; shift ;;
    --memcheck) memcheck=1; shift ;;
    --merge-seeds) merge_seeds=1; shift ;;
    --max-bytes) max_bytes=$2; shift 2 ;;
    -h | --help) sed -n '2,38p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) targets+=("$1"); shift ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=(ruleset restore scenario api platform claims)

# Configure (once) and build one of the fuzz builds: DIR SANITIZERS.
fuzz_build() {
    if [ ! -f "$1/build.ninja" ]; then
        CC=clang meson setup "$1" -Dfuzz=true -Db_sanitize="$2" -Db_lundef=false \
            -Dwerror=true >"$1.setup.log" 2>&1 ||
            { tail -n 20 "$1.setup.log"; echo "$1: setup failed"; echo "0 passed, 1 failed"; exit 1; }
        rm -f "$1.setup.log"
    fi
    ninja -C "$1" >/dev/null || { echo "$1: build failed"; echo "0 passed, 1 failed"; exit 1; }
}

# The corpus and crashes always live in build-fuzz (the ASan + UBSan build), so that campaigns
# of either build add up and the ASan build can replay what the fast one found.
store=build-fuzz
build=build-fuzz
if [ "$memcheck" = 1 ]; then
    # valgrind and a sanitizer do not mix: this build has libFuzzer's coverage only, and DWARF
    # 4, which valgrind 3.19 reads (clang 14 writes 5); only the targets are built
    if [ ! -f build-fuzz-memcheck/build.ninja ]; then
        CC=clang meson setup build-fuzz-memcheck -Dfuzz=true -Db_lundef=false -Dwerror=true \
            -Dc_args=-gdwarf-4 >build-fuzz-memcheck.setup.log 2>&1 ||
            { tail -n 20 build-fuzz-memcheck.setup.log; echo "build-fuzz-memcheck: setup failed"
              echo "0 passed, 1 failed"; exit 1; }
        rm -f build-fuzz-memcheck.setup.log
    fi
    ninja -C build-fuzz-memcheck "${targets[@]/#/tests/fuzz/fuzz_}" >/dev/null ||
        { echo "build-fuzz-memcheck: build failed"; echo "0 passed, 1 failed"; exit 1; }
else
    fuzz_build build-fuzz address,undefined
fi
if [ "$fast" = 1 ]; then
    build=build-fuzz-fast
    fuzz_build build-fuzz-fast undefined
fi

known_ids=$(grep -v '^#' tests/fuzz/known-defects.txt | awk 'NF { print $1 }')
known=""
[ "$strict" = 1 ] || known=$(echo "$known_ids" | paste -sd, -)
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
passed=0
failed=0

# The first line that says why a run stopped.
why() {
    grep -m1 -E 'FUZZ INVARIANT BROKEN|runtime error:|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)' "$1" |
        sed -E 's/^==[0-9]+==//; s/^ +//' | cut -c1-300
}

# A run that failed: its line, why it stopped, the input that made it stop and its log.
report_failure() {
    echo "FAIL $1"
    echo "    $(why "$2")"
    echo "    input: $(sed -nE 's/.*Test unit written to (.*)/\1/p' "$2" | tail -n 1)  (log $2)"
    failed=$((failed + 1))
}

# The seed directories of a target, besides its grown corpus.
seeds_of() {
    seeds=("tests/fuzz/corpus/$1")
    case "$1" in
    ruleset) seeds+=(rulesets) ;;
    scenario)
        seeds+=(tests/conformance)
        [ -d ../shared/conformance ] && seeds+=(../shared/conformance) ;;
    esac
}

# Run every input of a target's grown corpus and seeds once under ASan + UBSan (libFuzzer's
# -runs=0 executes each input it loads, then stops); a crash's input is kept as a fuzz run's.
replay_one() {
    local target=$1 exe="build-fuzz/tests/fuzz/fuzz_$1" work="$store/fuzz-corpus/$1"
    local crashes="$store/fuzz-crashes/$1" log="build-fuzz/replay-$1.log"
    [ -x "$exe" ] || { echo "fuzz_$target: no such target"; failed=$((failed + 1)); return; }
    mkdir -p "$work" "$crashes"
    seeds_of "$target"
    local inputs start=$SECONDS rc
    inputs=$(find "$work" "${seeds[@]}" -type f | wc -l)
    MB_FUZZ_KNOWN="$known" "$exe" -runs=0 -timeout=25 -rss_limit_mb=2048 \
        -artifact_prefix="$crashes/" "$work" "${seeds[@]}" >"$log" 2>&1
    rc=$?
    local line="fuzz_$target replayed under ASan: $inputs inputs in $((SECONDS - start)) s"
    line="$line, $(grep -oE 'INITED cov: [0-9]+ ft: [0-9]+' "$log" | sed 's/INITED //')"
    if [ $rc -eq 0 ]; then
        echo "PASS $line"
        passed=$((passed + 1))
    else
        report_failure "$line" "$log"
    fi
}

# Run a target's seeds and reproducers once under memcheck; any error it reports fails the run.
memcheck_one() {
    local target=$1 exe="build-fuzz-memcheck/tests/fuzz/fuzz_$1"
    local log="build-fuzz-memcheck/memcheck-$1.log"
    seeds_of "$target"
    local inputs=() start=$SECONDS rc
    mapfile -t inputs < <(find "${seeds[@]}" "tests/fuzz/crashes-found/$target" -type f \
        ! -name README.md 2>/dev/null | sort)
    MB_FUZZ_KNOWN="$known" valgrind -q --error-exitcode=99 "$exe" -runs=0 -timeout=300 \
        "${inputs[@]}" >"$log" 2>&1
    rc=$?
    local line="fuzz_$target under memcheck: ${#inputs[@]} inputs in $((SECONDS - start)) s"
    if [ $rc -eq 0 ]; then
        echo "PASS $line"
        passed=$((passed + 1))
    else
        echo "FAIL $line (exit $rc; log $log)"
        grep -m 12 -E '^==[0-9]+== ' "$log" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
}

# Run FUNCTION for each target, then end with the sums (and fail if any failed).
each_target() {
    for target in "${targets[@]}"; do
        "$1" "$target"
    done
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

if [ "$memcheck" = 1 ]; then
    command -v valgrind >/dev/null ||
        { echo "valgrind is not installed"; echo "0 passed, 1 failed"; exit 1; }
    each_target memcheck_one
fi

# Add to a target's committed seeds what its grown corpus reaches beyond them.
merge_one() {
    local target=$1 exe="build-fuzz/tests/fuzz/fuzz_$1" work="$store/fuzz-corpus/$1"
    local pick log before after
    [ -x "$exe" ] || { echo "fuzz_$target: no such target"; failed=$((failed + 1)); return; }
    [ -d "$work" ] || { echo "SKIP fuzz_$target: no grown corpus in $work"; return; }
    pick=$(mktemp -d)
    log="build-fuzz/merge-$target.log"
    find "$work" -type f -size -"$((max_bytes + 1))"c -exec cp {} "$pick/" \;
    before=$(find "tests/fuzz/corpus/$target" -type f | wc -l)
    if MB_FUZZ_KNOWN="$known" "$exe" -merge=1 -timeout=25 -rss_limit_mb=2048 \
        "tests/fuzz/corpus/$target" "$pick" >"$log" 2>&1; then
        after=$(find "tests/fuzz/corpus/$target" -type f | wc -l)
        echo "PASS fuzz_$target: $((after - before)) inputs of $(find "$pick" -type f | wc -l) added to tests/fuzz/corpus/$target ($(grep -oE '[0-9]+ new features added; [0-9]+ new coverage edges' "$log" | tail -n 1))"
        passed=$((passed + 1))
    else
        report_failure "fuzz_$target: merging into the seeds" "$log"
    fi
    rm -rf "$pick"
}

[ "$merge_seeds" = 1 ] && each_target merge_one
[ "$replay_corpus" = 1 ] && each_target replay_one

if [ "$replay" = 1 ]; then
    for dir in tests/fuzz/crashes-found/*/; do
        target=$(basename "$dir")
        [ -f "$dir/README.md" ] || continue
        # README lines: - `FILE` [invariant-id]: what it shows
        # Each runs with every other known defect tolerated, so that it shows its own.
        while IFS=$'\t' read -r file id; do
            log=$(mktemp)
            MB_FUZZ_KNOWN=$(echo "$known_ids" | grep -vx -- "$id" | paste -sd, -) \
                "$build/tests/fuzz/fuzz_$target" "$dir/$file" >"$log" 2>&1
            rc=$?
            if echo "$known_ids" | grep -qx -- "$id"; then
                if [ $rc -ne 0 ]; then
                    echo "KNOWN $target/$file [$id] still reproduces: $(why "$log")"
                else
                    echo "FIXED? $target/$file [$id] no longer fails: delete '$id' from tests/fuzz/known-defects.txt"
                fi
                passed=$((passed + 1))
            elif [ $rc -eq 0 ]; then
                echo "PASS $target/$file [$id]"
                passed=$((passed + 1))
            else
                echo "FAIL $target/$file [$id] fails again: $(why "$log")"
                failed=$((failed + 1))
            fi
            rm -f "$log"
        done < <(sed -nE 's/^- `([^`]+)` \[([^]]+)\].*/\1\t\2/p' "$dir/README.md")
    done
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
fi

for target in "${targets[@]}"; do
    exe="$build/tests/fuzz/fuzz_$target"
    [ -x "$exe" ] || { echo "fuzz_$target: no such target"; failed=$((failed + 1)); continue; }
    work="$store/fuzz-corpus/$target"
    crashes="$store/fuzz-crashes/$target"
    mkdir -p "$work" "$crashes"
    seeds_of "$target"
    dict=()
    [ -f "tests/fuzz/$target.dict" ] && dict=(-dict="tests/fuzz/$target.dict")
    limits=()
    [ -n "$seed" ] && limits=(-seed="$seed")
    [ -n "$runs_max" ] && limits+=(-runs="$runs_max")
    [ -n "$entropic" ] && limits+=(-entropic="$entropic")
    log="$build/fuzz-$target.log"
    start=$SECONDS
    MB_FUZZ_KNOWN="$known" "$exe" -max_total_time="$seconds" -print_final_stats=1 -timeout=25 \
        -rss_limit_mb=2048 -artifact_prefix="$crashes/" "${dict[@]}" "${limits[@]}" "$work" "${seeds[@]}" \
        >"$log" 2>&1
    rc=$?
    took=$((SECONDS - start))
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)
    [ -n "$runs" ] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1)
    corpus=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1 | sed 's/corp: //')
    hits=$(sed -nE "s/^fuzz: known defect '([^']+)' hit by ([0-9]+) inputs.*/\1 \2/p" "$log" | paste -sd, - | sed 's/,/, /g')
    line="fuzz_$target: ${runs:-0} runs in ${took} s, ${cov:-no coverage}, corpus ${corpus:-?}"
    [ -n "$hits" ] && line="$line; known defects hit (inputs): $hits"
    if [ $rc -eq 0 ]; then
        echo "PASS $line"
        passed=$((passed + 1))
    elif grep -q 'libFuzzer: run interrupted' "$log"; then
        # stopped by hand (SIGINT to the fuzzer): a campaign cut short, not a finding
        echo "STOPPED $line"
        passed=$((passed + 1))
    else
        report_failure "$line" "$log"
    fi
    # what the build without ASan found, checked with it
    [ "$fast" = 1 ] && replay_one "$target"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
