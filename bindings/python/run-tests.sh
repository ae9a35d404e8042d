#!/usr/bin/env bash
# The Python binding's tests, against a built library. Installs nothing.
#
#   bash bindings/python/run-tests.sh [BUILD_DIR | path/to/libmedbenefit.so.1] [TESTS...]
#
# (default: build/, and every test in bindings/python/tests). A library built with
# AddressSanitizer (meson -Db_sanitize=address,undefined) is run with its sanitizer runtimes
# preloaded into Python, leak checks off (the interpreter keeps its own for good), any report
# ending the run.
#
# Runs Debian's /usr/bin/python3 (the python3 first on PATH may not see Debian's python3-cffi,
# python3-pytest and python3-yaml) with MEDBENEFIT_LIBRARY pointing at BUILD_DIR's
# libmedbenefit.so.1 and MEDBENEFIT_CLI at BUILD_DIR/tools/medbenefit (the C reference the
# conformance tests compare with). Prints pytest's output, then the skipped tests' count, and
# as its last line "N passed, N failed" (skipped tests count in neither). Exit 0 when none failed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
arg="${1:-$root/build}"
shift || true
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(bindings/python/tests)

finish_failed() {
    echo "python binding: $1" >&2
    echo "0 passed, 1 failed"
    exit 1
}

arg="$(realpath -m -- "$arg")"
if [ -d "$arg" ]; then
    lib="$arg/libmedbenefit.so.1"
else
    lib="$arg"
fi
[ -e "$lib" ] || finish_failed "no library at $lib (build it first: ninja -C build)"
builddir="$(dirname "$lib")"

py=/usr/bin/python3
[ -x "$py" ] || finish_failed "$py not found (Debian's python3 is required)"
missing=""
for m in cffi pytest yaml; do
    "$py" -c "import $m" 2>/dev/null || missing="$missing python3-$m"
done
[ -z "$missing" ] || finish_failed "missing Debian packages:$missing (apt-get install them; this script installs nothing)"

export MEDBENEFIT_LIBRARY="$lib"
runtimes=$(ldd "$lib" 2>/dev/null | awk '/lib(asan|ubsan)\.so/ {print $3}' | tr '\n' ' ')
if [ -n "$runtimes" ]; then
    export LD_PRELOAD="$runtimes${LD_PRELOAD:+ $LD_PRELOAD}"
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:abort_on_error=1"
    export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
    echo "python binding: $lib is built with sanitizers: preloading $runtimes"
fi
if [ -z "${MEDBENEFIT_CLI:-}" ] && [ -x "$builddir/tools/medbenefit" ]; then
    export MEDBENEFIT_CLI="$builddir/tools/medbenefit"
fi
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1

xml="$(mktemp "${TMPDIR:-/tmp}/mb-python-tests.XXXXXX.xml")"
trap 'rm -f "$xml"' EXIT

cd "$root" || finish_failed "cannot enter $root"
"$py" -m pytest -q -rs -p no:cacheprovider --junitxml="$xml" "${tests[@]}"
rc=$?

"$py" - "$xml" "$rc" <<'PY'
import sys
import xml.etree.ElementTree as ET

path, rc = sys.argv[1], int(sys.argv[2])
tests = failures = errors = skipped = 0
try:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.iter("testsuite")
    for s in suites:
        tests += int(s.get("tests", 0))
        failures += int(s.get("failures", 0))
        errors += int(s.get("errors", 0))
        skipped += int(s.get("skipped", 0))
except (OSError, ET.ParseError) as e:
    print(f"python binding: no test report ({e})", file=sys.stderr)
failed = failures + errors
passed = tests - failed - skipped
if rc != 0 and failed == 0:  # pytest stopped for another reason: usage, no tests, a crash
    failed = 1
print(f"{skipped} skipped (counted as neither passed nor failed)")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
PY
