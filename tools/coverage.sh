#!/usr/bin/env bash
# Line and branch coverage of lib/ by the unit, api and conformance suites, measured with gcov
# and reported by gcovr: a build in build-coverage/ (-Db_coverage=true; -fprofile-update=atomic
# because the thread tests count from eight threads), the suites run once, then the summary is
# printed and the reports kept in build-coverage/coverage/: index.html (per file, per line and
# branch), coverage.txt (lines), branches.txt (branches), uncovered-functions.txt.
# No threshold is asserted yet: the figures are printed. Ends with "N passed, N failed": the
# suites' checks, summed from meson's testlog.json by tools/sum-tests.py.
set -uo pipefail
cd "$(dirname "$0")/.."
build=build-coverage
out=$build/coverage
command -v gcovr >/dev/null || { echo "gcovr is not installed"; echo "0 passed, 1 failed"; exit 1; }
# A fresh build every run: notes (.gcno) of sources that moved or went away since an earlier
# build make gcovr fail merging them (AssertionError in merge_function)
rm -rf "$build"
if [ ! -f "$build/build.ninja" ]; then
    meson setup "$build" -Dwerror=true -Db_coverage=true -Dc_args=-fprofile-update=atomic \
        -Dbuildtype=debug >/dev/null || { echo "coverage build: setup failed"; echo "0 passed, 1 failed"; exit 1; }
fi
ninja -C "$build" >/dev/null || { echo "coverage build failed"; echo "0 passed, 1 failed"; exit 1; }
find "$build" -name '*.gcda' -delete
status=0
meson test -C "$build" --print-errorlogs >"$build/suites.txt" 2>&1 || status=1
grep -E '^(Ok|Fail|Timeout):' "$build/suites.txt"
rm -rf "$out"
mkdir -p "$out"
gcovr -r . --filter 'lib/' "$build" --print-summary --txt "$out/coverage.txt" \
    --html-details "$out/index.html" --json "$out/coverage.json" >"$out/summary.txt" 2>&1 || status=1
gcovr -r . --filter 'lib/' "$build" --branches --txt "$out/branches.txt" >/dev/null 2>&1 || status=1
python3 - "$out/coverage.json" >"$out/uncovered-functions.txt" <<'EOF' || status=1
import json, sys
report = json.load(open(sys.argv[1]))
for f in sorted(report["files"], key=lambda f: f["file"]):
    for fn in f["functions"]:
        if fn["execution_count"] == 0:
            print(f'{f["file"]}:{fn["lineno"]}: {fn["name"]}')
EOF
echo "coverage of lib/ (unit, api and conformance suites):"
sed -n 's/^/    /; /lines:\|functions:\|branches:/p' "$out/summary.txt"
echo "    uncovered functions ($(wc -l <"$out/uncovered-functions.txt")):"
sed 's/^/        /' "$out/uncovered-functions.txt"
echo "    reports: $out/index.html, coverage.txt, branches.txt"
python3 tools/sum-tests.py "$build/meson-logs/testlog.json" || status=1
exit $status
